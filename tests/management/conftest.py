"""Fixtures of the management tests: a structure with its offer and its gestionnaire, logged in."""

from __future__ import annotations

from datetime import time

import pytest
from factories import make_offer

from app.directory.models import Structure, StructureKind


@pytest.fixture
def structure(session):
    structure = Structure(
        name="Association Les Petits Loups", kind=StructureKind.ASSOCIATION, departement_code="83"
    )
    session.add(structure)
    session.commit()
    return structure


@pytest.fixture
def offer(session, structure):
    return make_offer(
        session,
        title="Multi-accueil Les Lucioles",
        structure=structure,
        capacity=20,
        free_places=1,
        slots=[(d, time(7, 30), time(18, 30)) for d in range(5)],
    )


@pytest.fixture
def manager(user_factory, structure):
    return user_factory(
        "gestionnaire",
        email="gestion@lucioles.example.org",
        structures=[structure],
        full_name="Nadia Benali",
    )


@pytest.fixture
def logged_manager(manager, login):
    login(manager)
    return manager
