"""Local time of a place: metropolitan France and each overseas département or collectivity."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
OVERSEAS = {
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "975": "America/Miquelon",
    "976": "Indian/Mayotte",
    "977": "America/St_Barthelemy",
    "978": "America/Marigot",
    "986": "Pacific/Wallis",
    "987": "Pacific/Tahiti",
    "988": "Pacific/Noumea",
}


def zone_for_departement(code: str) -> ZoneInfo:
    name = OVERSEAS.get(code)
    return ZoneInfo(name) if name else PARIS


def local_now(departement_code: str, now: datetime | None = None) -> datetime:
    """The naive local wall-clock time in that département (opening hours are local)."""
    moment = now or datetime.now(PARIS)
    return moment.astimezone(zone_for_departement(departement_code)).replace(tzinfo=None)


def today_in_france(now: datetime | None = None) -> date:
    return (now or datetime.now(PARIS)).astimezone(PARIS).date()
