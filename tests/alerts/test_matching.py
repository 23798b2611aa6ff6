"""A saved search matches exactly the offers the search shows: for each criterion (place and
radius, kinds, hours, age, AVIP, and the flags), the alert matcher run offer by offer over the
saved searches' columns is compared with the real search (index, /recherche's criteria) on the
same seeded offers."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from kit.factories import make_offer
from werkzeug.datastructures import MultiDict

from app.alerts.matching import SavedColumns, alert_criteria
from app.directory.criteria import PAGE, parse_criteria
from app.directory.models import OfferKind, OfferStatus
from app.geo import resolve_place
from app.geo.timezones import today_in_france
from app.search.documents import is_indexable, offer_document
from app.search.index import offers_with_relations
from app.search.query import find_offers
from app.search.services import index_criteria

TOULON = "lieu=Toulon&code_insee=83137"
#: One search per criterion (and a few together), as /recherche writes them.
SEARCHES = {
    "place 1 km": f"{TOULON}&rayon=1",
    "place 3 km": f"{TOULON}&rayon=3",
    "place 10 km": f"{TOULON}&rayon=10",
    "place 30 km": f"{TOULON}&rayon=30",
    "kind micro-crèche": f"{TOULON}&rayon=30&type=micro_creche",
    "kinds two": f"{TOULON}&rayon=30&type=micro_creche&type=mam",
    "kind training": f"{TOULON}&rayon=30&type=formation",
    "no kind: childcare": f"{TOULON}&rayon=30",
    "hours early": f"{TOULON}&rayon=30&jours=lu&jours=ma&de=06:30&a=12:00",
    "hours evening": f"{TOULON}&rayon=30&jours=ve&de=17:00&a=20:30",
    "hours saturday": f"{TOULON}&rayon=30&jours=sa&de=09:00&a=12:00",
    "hours night": f"{TOULON}&rayon=30&jours=lu&de=21:00&a=06:00",
    "age 0": f"{TOULON}&rayon=30&age=0",
    "age 36": f"{TOULON}&rayon=30&age=36",
    "age 72": f"{TOULON}&rayon=30&age=72",
    "avip": f"{TOULON}&rayon=30&avip=1",
    "places": f"{TOULON}&rayon=30&places=1",
    "handicap": f"{TOULON}&rayon=30&handicap=1",
    "all together": (
        f"{TOULON}&rayon=10&type=creche_collective&age=24&avip=1&jours=lu&de=08:00&a=17:00"
    ),
    "Marseille 5 km": "lieu=Marseille&code_insee=13055&rayon=5",
}


def _kind(value: str) -> OfferKind:
    return OfferKind(value)


@pytest.fixture
def seeded(session, index):
    """Offers around Toulon at many distances (one just inside, one just outside 3 km), of
    every kind, ages, hours, AVIP labels valid or lapsed, places, and some search never shows
    (drafts, ended)."""
    today = today_in_france()
    kinds = list(OfferKind)
    slots_by_pattern = [
        [(d, time(7, 0), time(19, 0)) for d in range(5)],
        [(d, time(6, 0), time(13, 0)) for d in range(2)],
        [(4, time(16, 0), time(21, 0)), (5, time(8, 0), time(12, 30))],
        [(0, time(20, 0), time(7, 0))],
        [],
    ]
    distances = [0.0, 0.5, 0.99, 2.99, 3.01, 6.0, 9.9, 10.2, 19.0, 29.5, 31.0, 45.0]
    n = 0
    for i, north in enumerate(distances):
        for j in range(5):
            n += 1
            kind = kinds[(i + j) % len(kinds)]
            make_offer(
                session,
                title=f"Offre {n}",
                kind=kind,
                offset_km=(north * (1 if j % 2 else -1), 0.2 * j),
                slots=slots_by_pattern[(i * 3 + j) % len(slots_by_pattern)],
                age_min_months=[0, 0, 12, 36, 24][j],
                age_max_months=[36, 72, 48, 72, 216][j],
                avip=(n % 3 == 0),
                avip_since=today - timedelta(days=30) if n % 3 == 0 else None,
                avip_review_on=(today + timedelta(days=30))
                if n % 6 == 0
                else today - timedelta(1)
                if n % 3 == 0
                else None,
                free_places=[None, 0, 2, 1, 0][(i + j) % 5],
                disability_access=(n % 4 == 0),
                status=OfferStatus.DRAFT if n % 11 == 0 else OfferStatus.PUBLISHED,
                valid_until=today - timedelta(days=1) if n % 13 == 0 else None,
                commit=False,
            )
    make_offer(session, title="Crèche de Marseille", code_insee="13055", commit=False)
    make_offer(session, title="Crèche d’Aubagne", code_insee="13005", commit=False)
    session.commit()
    index.sync(session)
    return today


def _parsed(query: str):
    parsed = parse_criteria(MultiDict([p.split("=", 1) for p in query.split("&")]), PAGE)
    assert parsed.errors == {}
    criteria = parsed.criteria
    commune = resolve_place(criteria.place, criteria.code_insee).commune
    assert commune is not None
    return criteria, (commune.latitude, commune.longitude)


def test_each_criterion_matches_what_the_search_shows(session, index, seeded):
    today = seeded
    names = list(SEARCHES)
    parsed = [_parsed(SEARCHES[name]) for name in names]
    # Every saved search in one set of columns, as the daily run holds them.
    columns = SavedColumns(
        list(range(len(names))), [alert_criteria(c, point) for c, point in parsed]
    )
    by_alerts: dict[int, set[int]] = {i: set() for i in range(len(names))}
    offers = session.scalars(offers_with_relations(session)).all()
    for offer in offers:
        if not is_indexable(offer):
            continue
        for row in columns.matching(offer_document(offer), today):
            by_alerts[int(row)].add(offer.id)
    for i, name in enumerate(names):
        criteria, point = parsed[i]
        found = find_offers(index, index_criteria(criteria, point, today), limit=10_000)
        shown = {h.offer_id for h in found.hits}
        assert by_alerts[i] == shown, name
    # The seed is not degenerate: most searches find some offers and none finds them all.
    sizes = [len(by_alerts[i]) for i in range(len(names))]
    assert sum(1 for s in sizes if s) >= len(names) - 2
    assert max(sizes) < len(offers)


def test_a_saved_search_matches_no_offer_search_hides(session, index, seeded):
    """Drafts and ended offers are never shown, so never matched (the daily run checks
    ``is_indexable`` first; an ended one fails its date in the matcher itself)."""
    today = seeded
    criteria, point = _parsed(SEARCHES["place 30 km"])
    columns = SavedColumns([1], [alert_criteria(criteria, point)])
    ended = make_offer(session, title="Terminée", valid_until=today - timedelta(days=2))
    assert len(columns.matching(offer_document(ended), today)) == 0
    fresh = make_offer(session, title="Ouverte")
    assert list(columns.matching(offer_document(fresh), today)) == [1]


def test_no_saved_search_no_match(session, seeded):
    columns = SavedColumns([], [])
    offer = make_offer(session, title="Seule")
    assert len(columns.matching(offer_document(offer), seeded)) == 0
