"""The points of a results map come from the index's column arrays in one pass
(app.search.services.map_points): the same points as loading every offer and asking the
directory's rules (its public point, app.directory.reach; its category,
app.directory.presenters.map_category), on a seeded mix of offers."""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from kit.factories import make_offer
from werkzeug.datastructures import MultiDict

from app.directory.criteria import PAGE, parse_criteria
from app.directory.models import Offer, OfferKind, OfferStatus, Structure, StructureKind
from app.directory.presenters import map_category
from app.directory.reach import public_point
from app.geo.distance import haversine_km
from app.search.services import map_points

TODAY = date(2026, 3, 2)
USUAL = [(d, time(8, 30), time(17, 30)) for d in range(5)]
LATE = [(d, time(8, 0), time(19, 15)) for d in range(5)]  # open after 19:00: atypical
SATURDAY = [*USUAL, (5, time(9, 0), time(12, 0))]
KINDS = [OfferKind.CRECHE_COLLECTIVE, OfferKind.MICRO_CRECHE, OfferKind.ASSISTANT_MATERNEL]


def seed(session, count: int = 150) -> None:
    rng = random.Random(16)
    for i in range(count):
        kind = rng.choice(KINDS)
        private = kind is OfferKind.ASSISTANT_MATERNEL or rng.random() < 0.2
        avip = rng.random() < 0.3
        since = TODAY + timedelta(days=rng.choice([-400, -10, 0, 5]))
        review = since + timedelta(days=rng.choice([0, 30, 365]))
        make_offer(
            session,
            title=f"Offre {i}",
            kind=kind,
            code_insee=rng.choice(["83137", "83126", "83069"]),
            offset_km=(rng.uniform(-6, 6), rng.uniform(-6, 6)),
            slots=rng.choice([USUAL, LATE, SATURDAY]),
            avip=avip,
            avip_since=since if avip and rng.random() < 0.8 else None,
            avip_review_on=review if avip and rng.random() < 0.8 else None,
            free_places=rng.choice([None, 0, 2]),
            contact_public=not private,
            structure=Structure(
                name=f"Structure {i}",
                kind=StructureKind.PARTICULIER if private else StructureKind.ASSOCIATION,
            ),
            status=OfferStatus.PUBLISHED if rng.random() < 0.9 else OfferStatus.DRAFT,
            commit=False,
        )
    session.commit()


def old_points(session, criteria, point, today):
    """Every published offer within the radius, as the old path placed and marked it."""
    found = set()
    for offer in session.query(Offer).filter(Offer.status == OfferStatus.PUBLISHED):
        latitude, longitude = public_point(offer)
        if haversine_km(point[0], point[1], latitude, longitude) > criteria.radius_km:
            continue
        if criteria.avip and map_category(offer, today) != "avip":
            continue
        found.add(
            (
                round(latitude, 5),
                round(longitude, 5),
                map_category(offer, today),
                offer.title,
                offer.id,
            )
        )
    return found


def test_the_fast_points_are_the_offers_points(session, index):
    seed(session)
    index.sync(session)
    toulon = (43.1242, 5.928)
    for query in ({"rayon": "5"}, {"rayon": "10"}, {"rayon": "30", "avip": "1"}):
        criteria = parse_criteria(MultiDict({"lieu": "Toulon", **query}), PAGE).criteria
        data = map_points(session, index, criteria, toulon, TODAY)
        fast = {(p.latitude, p.longitude, p.category, p.label, p.offer_id) for p in data.points}
        expected = old_points(session, criteria, toulon, TODAY)
        assert fast == expected and data.total == len(expected), query
        kinds = {"avip"} if "avip" in query else {"avip", "free", "atypical", "other"}
        assert {p[2] for p in fast} == kinds
        # Nearest first.
        distances = [haversine_km(*toulon, p.latitude, p.longitude) for p in data.points]
        assert distances == sorted(distances)


def test_a_private_person_is_never_placed_at_her_street(session, index):
    sophie = make_offer(
        session,
        title="Sophie M.",
        kind=OfferKind.ASSISTANT_MATERNEL,
        contact_public=False,
        offset_km=(0.337, 0.421),
    )
    index.sync(session)
    criteria = parse_criteria(MultiDict({"lieu": "Toulon", "rayon": "5"}), PAGE).criteria
    (point,) = map_points(session, index, criteria, (43.1242, 5.928), TODAY).points
    assert (point.latitude, point.longitude) == (
        round(sophie.latitude, 2),
        round(sophie.longitude, 2),
    )
    assert (point.latitude, point.longitude) != (sophie.latitude, sophie.longitude)


def test_the_points_are_cached_until_the_index_changes(session, index):
    offer = make_offer(session, title="Crèche Avant")
    index.sync(session)
    criteria = parse_criteria(MultiDict({"lieu": "Toulon", "rayon": "5"}), PAGE).criteria
    first = map_points(session, index, criteria, (43.1242, 5.928), TODAY)
    assert map_points(session, index, criteria, (43.1242, 5.928), TODAY) is first
    offer.title = "Crèche Après"
    session.commit()
    index.sync(session)
    (point,) = map_points(session, index, criteria, (43.1242, 5.928), TODAY).points
    assert point.label == "Crèche Après"


def test_the_nearest_points_only_above_the_limit(session, index):
    for i in range(12):
        make_offer(session, title=f"Crèche {i}", offset_km=(i * 0.5, 0), commit=False)
    session.commit()
    index.sync(session)
    criteria = parse_criteria(MultiDict({"lieu": "Toulon", "rayon": "20"}), PAGE).criteria
    center = (43.1242, 5.928)
    data = map_points(session, index, criteria, center, TODAY, limit=5)
    assert data.total == 12 and [p.label for p in data.points] == [f"Crèche {i}" for i in range(5)]
