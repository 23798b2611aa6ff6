"""The national benchmark's code at tiny scale (300 demo offers): the scripts run, and the
references they time the app against (SQLite R*Tree + FTS5; PostgreSQL when TEST_DATABASE_URL
names one) give the app's answers: the same hits, the same page when sorted by distance or by
update. It asserts agreement, never times (bench/bench_national.py prints the figures)."""

from __future__ import annotations

import os
import random
from dataclasses import replace
from datetime import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db import get_session
from app.directory.demo import generate_demo
from app.directory.models import Offer, OfferKind, OfferStatus
from app.geo.communes import all_departements
from app.geo.timezones import today_in_france
from app.search import get_index
from app.search.query import OfferCriteria

BENCH = Path(__file__).resolve().parents[2] / "bench"
PG_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture
def bench(monkeypatch):
    """The bench/ scripts as modules (they are scripts, not a package)."""
    monkeypatch.syspath_prepend(str(BENCH))
    import bench_http
    import bench_national
    import reference

    return bench_national, reference, bench_http


@pytest.fixture
def demo(app, tmp_path, bench):
    """300 demo offers, the app's index and the references built from them."""
    bench_national, reference, _ = bench
    with app.app_context():
        session = get_session()
        generate_demo(session, offers=300, seed=2022, today=today_in_france())
        index = get_index()
        index.rebuild(session)
        references = bench_national.open_references(tmp_path, PG_URL or None)
        try:
            yield session, index, references
        finally:
            for each in references:
                if isinstance(each, reference.PostgresReference):
                    each.drop()
                each.close()


def mismatches(bench_national, index, references, searches) -> list[str]:
    from app.search.query import find_offers

    found = []
    for c, offset in searches:
        bench_national.empty_result_windows()
        ours = find_offers(index, c, offset=offset, limit=20)
        for each in references:
            problem = bench_national.compare(ours, each.search(c, offset, 20), c)
            problem = problem or bench_national.compare_all(index, each, c)
            if problem:
                found.append(f"{each.name} {bench_national.describe(c, offset)}: {problem}")
    return found


def test_the_references_hold_every_published_offer(demo, bench):
    session, _index, references = demo
    _, reference, _ = bench
    done = reference.refresh(session, references)
    published = session.scalar(
        select(func.count(Offer.id)).where(Offer.status == OfferStatus.PUBLISHED)
    )
    assert done.built and done.documents == published
    assert [each.name for each in references] == ["SQLite"] + (["PostgreSQL"] if PG_URL else [])
    for each in references:
        assert each.count() == published


def test_the_whole_mix_agrees_with_the_app_and_no_timed_search_repeats(demo, bench):
    session, index, references = demo
    bench_national, reference, _ = bench
    reference.refresh(session, references)
    seen: set = set()
    results = [
        bench_national.run_family(index, references, family, random.Random(7), 3, seen, 60)
        for family in bench_national.search_mix(today_in_france())
    ]
    assert [what for r in results for _, what in r.mismatches] == []
    assert all(len(r.app) == 3 for r in results)
    assert all(sum(r.checks.values()) == 3 * len(references) for r in results)
    drawn = [s for r in results if not r.family.fixed for s in r.searches]
    assert len(drawn) == len(set(drawn))  # cold: every drawn search is a new one


def test_searches_around_real_offers_agree_hits_and_distance_order(demo, bench):
    """At 300 offers most drawn places are empty: these searches are built around offers that
    exist, so that the hits and the order by distance are compared on real answers."""
    session, index, references = demo
    bench_national, reference, _ = bench
    reference.refresh(session, references)
    today = today_in_france()
    offers = session.scalars(
        select(Offer).where(Offer.status == OfferStatus.PUBLISHED).order_by(Offer.id)
    ).all()
    avip = next(o for o in offers if o.avip)
    searches = []
    for offer in offers[::40]:
        around = OfferCriteria(
            latitude=offer.latitude, longitude=offer.longitude, radius_km=30, today=today
        )
        first_word = offer.title.split()[0]
        searches += [
            (around, 0),
            (replace(around, radius_km=200), 20),  # page 2 of a wide search
            (replace(around, kinds=(offer.kind.value,)), 0),
            (replace(around, text=first_word), 0),
            (replace(around, text=first_word, sort="pertinence"), 0),
            (replace(around, days=(0, 1, 2, 3, 4), start=None, end=None), 0),
            (
                replace(
                    around,
                    radius_km=100,
                    days=(0, 1, 2, 3, 4),
                    start=time(8, 0),
                    end=time(17, 30),
                ),
                0,
            ),
            (replace(around, radius_km=100, child_age_months=12), 0),
            (OfferCriteria(text=first_word, today=today), 0),
            (OfferCriteria(kinds=(offer.kind.value,), departement=offer.departement_code), 0),
        ]
    searches.append((OfferCriteria(avip=True, departement=avip.departement_code, today=today), 0))
    assert mismatches(bench_national, index, references, searches) == []
    # They found offers: the agreement is not one of empty answers.
    totals = [references[0].search(c, offset, 20).total for c, offset in searches]
    assert sum(1 for total in totals if total > 0) > len(searches) * 0.8


def test_kinds_in_every_departement_agree(demo, bench):
    """The offers the references find, never one whose validity ended (the Whoosh-matcher
    engine let some through: its AndNot never tested a segment's first match)."""
    session, index, references = demo
    bench_national, reference, _ = bench
    reference.refresh(session, references)
    today = today_in_france()
    searches = [
        (OfferCriteria(kinds=(kind.value,), departement=departement.code, today=today), 0)
        for departement in all_departements()
        for kind in OfferKind
    ]
    assert mismatches(bench_national, index, references, searches) == []


def test_both_sqlite_plans_of_text_and_place_agree(demo, bench, monkeypatch):
    """Frequent words around a small place are tested on each candidate (a plan chosen at
    national scale only): that plan gives the same answers."""
    session, index, references = demo
    bench_national, reference, _ = bench
    reference.refresh(session, references)
    today = today_in_france()
    searches = [
        (
            OfferCriteria(
                text=offer.title.split()[0],
                latitude=offer.latitude,
                longitude=offer.longitude,
                radius_km=50,
                today=today,
            ),
            0,
        )
        for offer in session.scalars(select(Offer).order_by(Offer.id).limit(100)).all()[::10]
    ]
    monkeypatch.setattr(reference.SQLiteReference, "_per_candidate", lambda self, c: True)
    assert mismatches(bench_national, index, references[:1], searches) == []


def test_a_saved_edit_and_an_unpublished_offer_reach_the_references(demo, bench):
    session, index, references = demo
    bench_national, reference, _ = bench
    reference.refresh(session, references)
    edited, withdrawn = session.scalars(
        select(Offer).where(Offer.status == OfferStatus.PUBLISHED).order_by(Offer.id).limit(2)
    ).all()
    edited.description += " zorglub"
    withdrawn.status = OfferStatus.ARCHIVED
    session.commit()
    index.sync(session)
    done = reference.refresh(session, references)
    assert not done.built and done.changed >= 2
    today = today_in_france()
    word = OfferCriteria(text="zorglub", today=today)
    nearby = OfferCriteria(
        latitude=withdrawn.latitude, longitude=withdrawn.longitude, radius_km=5, today=today
    )
    for each in references:
        assert each.search(word).ids == [edited.id]
        assert withdrawn.id not in each.search(nearby).ids
    assert mismatches(bench_national, index, references, [(word, 0), (nearby, 0)]) == []


def test_the_http_cold_requests_are_new_and_every_search_searches(app, bench):
    """What bench_http.py asks: distinct searches that the site answers with a result count,
    the AVIP-in-a-département request included (the place field takes no département)."""
    _, _, bench_http = bench
    client = app.test_client()
    requests = bench_http.cold_requests(seed=1)
    drawn = [next(requests) for _ in range(60)]
    searches = [path for label, path in drawn if label != "place autocomplete"]
    assert len(searches) == len(set(searches))
    for label, path in [*drawn, *bench_http.MIX]:
        response = client.get(path)
        assert response.status_code == 200, (label, path)
        assert bench_http.searched(path, response.data), (label, path)
    avip = client.get(dict(bench_http.MIX)["AVIP in a département"])
    assert "résultat" in bench_http.count_text(avip.data).lower()


def test_a_place_that_names_no_commune_counts_as_not_searched(app, bench):
    """The old « AVIP in a département » request: « Bouches-du-Rhône » in the place field asks
    which commune is meant, and searches nothing; the bench counts it so."""
    _, _, bench_http = bench
    path = "/recherche?lieu=Bouches-du-R%C3%B4ne&avip=1"
    response = app.test_client().get(path)
    assert response.status_code == 200
    assert not bench_http.searched(path, response.data)
