"""The rules of saved searches and their alerts (no Flask). The durations are the product's
decisions of issue 22 (« Alertes », 2026-12): expiry after 6 months unless renewed, at most one
email a day; the others are ours, stated here once."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from urllib.parse import urlencode

from app.directory.criteria import DAY_CODES, SearchCriteria
from app.directory.fit import criteria_line
from app.directory.training import TrainingFilters

#: Issue 22: an alert expires 6 months after it is confirmed or renewed.
LIFETIME_MONTHS = 6
LIFETIME = timedelta(days=183)
#: The reminder with its « renew » link leaves this long before the expiry.
REMIND_BEFORE = timedelta(days=14)
#: Issue 22: « at most daily ». A recipient gets no digest sooner than this after the last
#: (a little under a day, so that a daily job run a few minutes earlier still sends).
DIGEST_INTERVAL = timedelta(hours=20)
#: A parent's alert not confirmed within this is deleted with its address (the link's life).
CONFIRM_WITHIN = timedelta(days=7)
#: A change is matched once older than this: a change recorded later may belong to a
#: transaction still open (see :func:`app.search.changes.changes_after`).
SETTLE = timedelta(minutes=10)
#: Saved searches one account, or one email address, may hold.
MAX_PER_ACCOUNT = 20
MAX_PER_EMAIL = 5
#: Offers listed per alert in one digest (the link to the search shows the rest).
OFFERS_PER_ALERT = 10
#: Rate limits of saving (Flask-Limiter syntax): per IP, and per address typed.
SAVE_LIMIT_IP = "10 per hour; 30 per day"
SAVE_LIMIT_EMAIL = "3 per hour; 5 per day"
SAVE_LIMIT_ACCOUNT = "20 per hour; 40 per day"  # a professional follows several parents

APPEARED, PLACES = "appeared", "places"
REASON_TEXT = {APPEARED: "nouvelle offre", PLACES: "places disponibles"}


def alert_search(criteria: SearchCriteria) -> SearchCriteria:
    """What an alert keeps of a search: its criteria but the keywords, the order and the page
    (an alert follows a place, kinds, hours, an age and flags). A course search's filters
    (funding, VAE, without a diploma, next session) are not followed: the alert follows the
    courses of the place, never the modes of care a search without kinds means."""
    return dataclasses.replace(
        criteria,
        text="",
        sort="",
        page=1,
        per_page=None,
        kinds=criteria.searched_kinds if criteria.training.active else criteria.kinds,
        training=TrainingFilters(),
    )


def label(criteria: SearchCriteria, place_name: str) -> str:
    """« Toulon · 10 km · Micro-crèche · 2 ans »: the search in one line."""
    return criteria_line(alert_search(criteria), place_name)[:300]


def page_query(criteria: SearchCriteria, code_insee: str, place_name: str) -> str:
    """The ``/recherche`` query string that shows the saved search again."""
    pairs: list[tuple[str, str]] = [
        ("lieu", place_name),
        ("code_insee", code_insee),
        ("rayon", f"{criteria.radius_km:g}"),
    ]
    pairs += [("type", kind) for kind in criteria.kinds]
    if criteria.child_age_months is not None:
        pairs.append(("age", str(criteria.child_age_months)))
    for flag, name in (
        (criteria.avip, "avip"),
        (criteria.free_places, "places"),
        (criteria.disability, "handicap"),
    ):
        if flag:
            pairs.append((name, "1"))
    if criteria.hours_needed:
        pairs += [("jours", DAY_CODES[day]) for day in criteria.days]
        start, end = criteria.hours_needed
        pairs += [("de", start.strftime("%H:%M")), ("a", end.strftime("%H:%M"))]
    return urlencode(pairs, safe=":")[:1000]


def mail_query(query: str) -> str:
    """The saved query for a link in an email: the commune by its code only (the code alone
    finds it), so that the link holds no percent-encoded letters a mail client may cut."""
    return "&".join(p for p in query.split("&") if not p.startswith("lieu="))


def expires(start: datetime) -> datetime:
    return start + LIFETIME


def reminder_due(expires_at: datetime, reminded_at: datetime | None, now: datetime) -> bool:
    return reminded_at is None and now < expires_at <= now + REMIND_BEFORE


def digest_due(last_sent_at: datetime | None, now: datetime) -> bool:
    return last_sent_at is None or now - last_sent_at >= DIGEST_INTERVAL


def reason_for(
    was_visible: bool | None, had_places: bool | None, visible: bool, has_places: bool
) -> str | None:
    """Why an offer changed enters a digest: it appeared in search (``None``: never seen before),
    or it gained free places; else None (any other change)."""
    if not visible:
        return None
    if not was_visible:
        return APPEARED
    if has_places and not had_places:
        return PLACES
    return None
