"""The search on column arrays finds what the search on Whoosh matchers found (the legacy
oracle, ``legacy_query.py``): the same total, the same hits in the same order with the same
distances, page after page, for every kind of criterion, on a seeded data set of several
hundred offers in six cities, whose index has several segments and deleted documents.

Both indexes are built from the same database by the same sequence of rebuilds and catch-ups,
so their segments, and hence Whoosh's relevance statistics, are the same.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

import pytest
from kit.factories import make_offer
from legacy_query import find_offers as legacy_find_offers
from legacy_query import legacy_writes

from app.directory.models import Offer, OfferKind, OfferStatus, OpeningSlot
from app.geo import get_commune
from app.geo.timezones import today_in_france
from app.search.index import SearchIndex
from app.search.query import RESULT_WINDOWS, OfferCriteria, find_offers

CITIES = ("83137", "13055", "69123", "75056", "33063", "59350")  # Toulon … Lille
TITLES = (
    "Micro-crèche {name}",
    "Crèche collective {name}",
    "Multi-accueil {name}",
    "Halte-garderie {name}",
    "Assistante maternelle agréée – {name}",
    "MAM {name} : maison d'assistantes maternelles",
    "Microcrèche {name}",
    "Crèche familiale {name} crèche",
    "Formation CAP accompagnant éducatif petite enfance",
)
SENTENCES = (
    "Horaires élargis du lundi au vendredi.",
    "Accueil de l'enfant dès dix semaines.",
    "Micro crèche bilingue au cœur du quartier.",
    "Accueil d'urgence et horaires atypiques, le soir et la nuit.",
    "Les enfants jouent au jardin et à la ludothèque.",
    "Assistante maternelle expérimentée, repas faits maison.",
    "Places réservées aux parents en reprise d'emploi.",
    "Crèche crèche crèche : projet pédagogique Montessori.",
)
NAMES = ("Lucioles", "Pirouette", "Arc-en-ciel", "Galopins", "Tom Pouce", "Capucine")
SLOTS = (
    [(d, time(7, 0), time(19, 0)) for d in range(5)],
    [(d, time(6, 30), time(20, 0)) for d in range(6)],
    [(d, time(22, 0), time(6, 0)) for d in range(7)],
    [(0, time(8, 0), time(12, 0)), (2, time(8, 0), time(18, 0))],
    [],
)


def _offer(session, rng: random.Random, n: int, today) -> Offer:
    kind = rng.choice(list(OfferKind))
    since = today - timedelta(days=rng.randint(-30, 400))
    offer = make_offer(
        session,
        commit=False,
        title=rng.choice(TITLES).format(name=rng.choice(NAMES)),
        description=" ".join(rng.choices(SENTENCES, k=rng.randint(0, 6))),
        kind=kind,
        code_insee=rng.choice(CITIES),
        offset_km=(rng.uniform(-25, 25) * rng.random(), rng.uniform(-25, 25) * rng.random()),
        slots=rng.choice(SLOTS),
        avip=rng.random() < 0.3,
        avip_since=since,
        avip_review_on=since + timedelta(days=rng.choice((20, 200, 800))),
        free_places=rng.choice((None, 0, 2)),
        disability_access=rng.random() < 0.4,
        age_min_months=rng.choice((0, 3, 12, 36)),
        age_max_months=rng.choice((48, 72)),
        valid_until=rng.choice((None, None, None, today - timedelta(days=3), today)),
        updated_at=datetime(2026, 1, 1) + timedelta(hours=rng.randint(0, 5000)),
    )
    return offer


def _edit(session, rng: random.Random, offers: list[Offer], today) -> None:
    """Edits (new words, moves, hours), unpublished offers and new ones, in one commit."""
    for offer in rng.sample(offers, 25):
        offer.title = f"{offer.title} {rng.choice(NAMES)}"
        offer.description = " ".join(rng.choices(SENTENCES, k=rng.randint(1, 4)))
        offer.latitude += rng.uniform(-0.02, 0.02)
    for offer in rng.sample(offers, 6):
        offer.slots = [OpeningSlot(weekday=d, opens=time(5, 30), closes=time(21)) for d in (0, 1)]
    for offer in rng.sample(offers, 12):
        offer.status = OfferStatus.ARCHIVED
    offers += [_offer(session, rng, n, today) for n in range(15)]
    session.commit()


@pytest.fixture
def two_indexes(session, index, tmp_path):
    """The app's index and the legacy one, over the same offers: built, then caught up twice
    after edits (several segments, deleted documents)."""
    today = today_in_france()
    rng = random.Random(2026)
    offers = [_offer(session, rng, n, today) for n in range(420)]
    session.commit()
    legacy = SearchIndex(tmp_path / "legacy-index")
    index.rebuild(session)
    with legacy_writes():
        legacy.rebuild(session)
    for _ in range(2):
        _edit(session, rng, offers, today)
        index.sync(session)
        with legacy_writes():
            legacy.sync(session)
    reader = index.searcher().reader()
    segments = getattr(reader, "readers", [reader])
    assert len(segments) >= 2 and any(r.has_deletions() for r in segments)
    yield index, legacy, today
    legacy.close()


def _criteria(rng: random.Random, today) -> OfferCriteria:
    place = rng.choice((None, None, "83137", "75056", "69123", "13055"))
    commune = get_commune(place) if place else None
    hours = rng.choice(
        (
            None,
            None,
            None,
            ((0, 1, 2, 3, 4), time(7, 30), time(18, 30)),
            ((0, 1), time(22), time(5)),
        )
    )
    return OfferCriteria(
        text=rng.choice(
            (
                "",
                "",
                "crèche",
                "micro-crèche",
                "micro crèche",
                "microcrèche",
                "assistante maternelle",
                "horaires élargis",
                "l'enfant",
                "les de la",  # stop words only
                "halte-garderie",
                "arc-en-ciel capucine",
                "crèche-inexistant",
                "inexistant",
                "Crèche, « Lucioles » !",
            )
        ),
        kinds=rng.choice(
            ((), (), (), ("micro_creche",), ("creche_collective", "mam", "formation"))
        ),
        avip=rng.random() < 0.1,
        free_places=rng.random() < 0.1,
        disability=rng.random() < 0.1,
        child_age_months=rng.choice((None, None, None, 6, 40)),
        latitude=commune.latitude if commune else None,
        longitude=commune.longitude if commune else None,
        radius_km=rng.choice((None, 0, 3, 10, 30, 900)) if commune else None,
        departement=rng.choice((None,) * 6 + ("83", "13")),
        days=hours[0] if hours else (),
        start=hours[1] if hours else None,
        end=hours[2] if hours else None,
        today=rng.choice((today, today, None)),
        sort=rng.choice(("", "", "pertinence", "mise_a_jour", "distance")),
    )


def _same(index, legacy, criteria: OfferCriteria, offset: int, limit: int) -> int:
    new = find_offers(index, criteria, offset=offset, limit=limit)
    old = legacy_find_offers(legacy, criteria, offset=offset, limit=limit)
    assert new.total == old.total, criteria
    assert [(h.offer_id, h.distance_km) for h in new.hits] == [
        (h.offer_id, h.distance_km) for h in old.hits
    ], criteria
    return new.total


def test_every_kind_of_search_finds_what_the_legacy_search_found(two_indexes):
    index, legacy, today = two_indexes
    rng = random.Random(7)
    totals = []
    for _ in range(260):
        criteria = _criteria(rng, today)
        RESULT_WINDOWS.clear()
        totals.append(_same(index, legacy, criteria, 0, 20))  # computed
        _same(index, legacy, criteria, 20, 20)  # from the result window
        _same(index, legacy, criteria, 490, 20)  # across its end
    assert sum(1 for t in totals if t == 0) < len(totals) / 2  # most searches find something
    assert max(totals) > 300


def test_national_text_searches_rank_as_whoosh_ranked(two_indexes):
    """Relevance (BM25F) without a place, the order compared on every hit."""
    index, legacy, today = two_indexes
    for text in ("crèche", "micro-crèche", "assistante maternelle agréée", "horaires élargis"):
        for sort in ("", "pertinence"):
            criteria = OfferCriteria(text=text, today=today, sort=sort)
            RESULT_WINDOWS.clear()
            total = _same(index, legacy, criteria, 0, 1000)
            assert total > 20, text


def test_place_searches_order_every_hit_by_distance(two_indexes):
    index, legacy, today = two_indexes
    for code, radius in (("75056", 10), ("83137", 3), ("69123", 30), ("33063", 900)):
        commune = get_commune(code)
        for text in ("", "crèche", "assistante maternelle"):
            criteria = OfferCriteria(
                text=text,
                latitude=commune.latitude,
                longitude=commune.longitude,
                radius_km=radius,
                today=today,
            )
            RESULT_WINDOWS.clear()
            _same(index, legacy, criteria, 0, 1000)
