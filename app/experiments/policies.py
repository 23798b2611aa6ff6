"""Who may see and change a scenario: admins, and the coordinators of its territories.

A coordinator sees a scenario that concerns their département, and changes it (edit, put in
force, end) only when every territory of the scenario is theirs; anything else is a 404."""

from __future__ import annotations

from collections.abc import Iterable

from app.accounts.models import Role, User
from app.accounts.policies import coordinates, is_active
from app.experiments.models import Scenario


def may_create(user: User | None, codes: Iterable[str]) -> bool:
    codes = list(codes)
    return is_active(user) and bool(codes) and all(coordinates(user, c) for c in codes)


def may_see(user: User | None, scenario: Scenario) -> bool:
    if not is_active(user):
        return False
    if user.role == Role.ADMIN:
        return True
    return any(coordinates(user, code) for code in scenario.codes)


def may_change(user: User | None, scenario: Scenario) -> bool:
    return may_create(user, scenario.codes)
