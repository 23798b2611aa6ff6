"""Index rebuild, incremental catch-up from the change log, and every search filter."""

from datetime import date, time, timedelta

from kit.factories import make_offer
from sqlalchemy import func, select

from app.directory.models import OfferKind, OfferStatus, OpeningSlot
from app.search.changes import SearchChange
from app.search.query import OfferCriteria, find_offers

TOULON = (43.1365, 5.9327)


def ids(index, **criteria):
    found = find_offers(index, OfferCriteria(**criteria), limit=100)
    return [h.offer_id for h in found.hits]


def test_rebuild_indexes_published_offers_only(session, index):
    published = make_offer(session, title="Crèche publiée")
    make_offer(session, title="Crèche brouillon", status=OfferStatus.DRAFT)
    make_offer(session, title="Crèche archivée", status=OfferStatus.ARCHIVED)
    assert index.rebuild(session) == 1
    assert ids(index) == [published.id]


def test_every_write_records_a_change_in_the_same_transaction(session, index):
    offer = make_offer(session)
    first = session.scalar(select(func.count(SearchChange.id)))
    assert first >= 1
    offer.free_places = 3
    session.commit()
    assert session.scalar(select(func.count(SearchChange.id))) == first + 1
    offer.title = "Sans commit"
    session.flush()
    session.rollback()  # a rolled-back write leaves no change behind
    assert session.scalar(select(func.count(SearchChange.id))) == first + 1


def test_incremental_sync_applies_creations_edits_and_unpublishing(session, index):
    index.rebuild(session)
    offer = make_offer(session, title="Micro-crèche Pirouette", kind=OfferKind.MICRO_CRECHE)
    assert ids(index, text="pirouette") == []  # not yet caught up: the database is ahead
    assert index.pending(session)
    assert index.sync(session) == 1
    assert ids(index, text="pirouette") == [offer.id]

    offer.title = "Micro-crèche Capucine"
    session.commit()
    index.sync(session)
    assert ids(index, text="pirouette") == []
    assert ids(index, text="capucine") == [offer.id]

    offer.status = OfferStatus.ARCHIVED
    session.commit()
    index.sync(session)
    assert ids(index, text="capucine") == []
    assert not index.pending(session)


def test_hours_edit_alone_reindexes_the_offer(session, index):
    offer = make_offer(session)
    index.sync(session)
    need = {"days": (0,), "start": time(5, 30), "end": time(8, 0)}
    assert ids(index, **need) == []
    offer.slots.append(OpeningSlot(weekday=0, opens=time(5, 30), closes=time(7, 0)))
    session.commit()
    index.sync(session)
    assert ids(index, **need) == [offer.id]


def test_a_crash_before_indexing_loses_nothing(app, session, index):
    """The change is committed with the offer; a new process catching up finds it."""
    index.rebuild(session)
    offer = make_offer(session, title="Halte-garderie Trois Pommes")
    from app.search.index import SearchIndex

    restarted = SearchIndex(app.config["SEARCH_INDEX_DIR"])  # no in-memory state survives
    assert restarted.pending(session)
    restarted.sync(session)
    assert ids(restarted, text="trois pommes") == [offer.id]
    restarted.close()


def test_sync_does_not_fail_when_another_process_holds_the_write_lock(session, index):
    index.rebuild(session)
    make_offer(session, title="Crèche Coccinelle")
    from whoosh import index as whoosh_index

    other_writer = whoosh_index.open_dir(str(index.path)).writer()
    try:
        assert index.sync(session) == 0  # busy: someone else is writing, no error
        assert ids(index, text="coccinelle") == []
    finally:
        other_writer.cancel()
    assert index.sync(session, wait=2) == 1
    assert len(ids(index, text="coccinelle")) == 1


def test_missing_change_ids_are_looked_for_again():
    from app.search.index import IndexState, SearchIndex

    state = SearchIndex._advance(IndexState(last_change=3), [4, 7])
    assert state.last_change == 7 and set(state.gaps) == {5, 6}
    later = SearchIndex._advance(state, [6])
    assert set(later.gaps) == {5}


def test_ensure_rebuilds_a_corrupt_index(session, index):
    make_offer(session, title="Crèche Le Nid")
    index.rebuild(session)
    for path in index.path.iterdir():
        if path.suffix == ".toc":
            path.write_bytes(b"garbage")
    assert not index.is_healthy()
    assert index.ensure(session) is True
    assert len(ids(index, text="nid")) == 1


# -- filters ---------------------------------------------------------------------------------


def test_distance_filter_and_sort(session, index):
    near = make_offer(session, title="À 2 km", offset_km=(2.0, 0.0))
    mid = make_offer(session, title="À 8 km", offset_km=(0.0, 8.0))
    far = make_offer(session, title="À 14 km", offset_km=(-14.0, 0.0))
    index.sync(session)
    found = find_offers(index, OfferCriteria(latitude=TOULON[0], longitude=TOULON[1], radius_km=10))
    assert [h.offer_id for h in found.hits] == [near.id, mid.id]
    assert abs(found.hits[0].distance_km - 2.0) < 0.05
    assert abs(found.hits[1].distance_km - 8.0) < 0.05
    # A corner of the bounding box is not inside the circle: 9 km north and 9 km east is 12.7 km.
    corner = make_offer(session, title="Coin", offset_km=(9.0, 9.0))
    index.sync(session)
    assert corner.id not in ids(index, latitude=TOULON[0], longitude=TOULON[1], radius_km=10)
    assert far.id in ids(index, latitude=TOULON[0], longitude=TOULON[1], radius_km=20)


def test_hours_needed_must_be_covered(session, index):
    early = make_offer(
        session, title="Tôt", slots=[(d, time(5, 30), time(20, 0)) for d in range(5)]
    )
    usual = make_offer(
        session, title="Habituel", slots=[(d, time(7, 30), time(18, 30)) for d in range(5)]
    )
    night = make_offer(
        session, title="Nuit", slots=[(d, time(21, 0), time(6, 0)) for d in range(7)]
    )
    weekend = make_offer(
        session, title="Week-end", slots=[(d, time(7, 0), time(20, 0)) for d in (5, 6)]
    )
    index.sync(session)
    weekdays = (0, 1, 2, 3, 4)
    assert ids(index, days=weekdays, start=time(5, 30), end=time(19, 0)) == [early.id]
    assert set(ids(index, days=weekdays, start=time(8, 0), end=time(18, 0))) == {early.id, usual.id}
    # A night need crossing midnight: Monday 22:00 to Tuesday 5:00.
    assert ids(index, days=(0,), start=time(22, 0), end=time(5, 0)) == [night.id]
    # Sunday night wraps to Monday morning.
    assert ids(index, days=(6,), start=time(23, 0), end=time(5, 30)) == [night.id]
    assert ids(index, days=(5, 6), start=time(9, 0), end=time(17, 0)) == [weekend.id]
    # Needs off the half-hour are rounded outward: never an offer that does not cover them.
    assert ids(index, days=weekdays, start=time(5, 15), end=time(19, 0)) == []


def test_ephemeral_offers_disappear_after_their_end_date(session, index):
    today = date(2026, 11, 21)
    current = make_offer(
        session,
        title="Urgence en cours",
        kind=OfferKind.ACCUEIL_EPHEMERE,
        valid_from=today - timedelta(days=5),
        valid_until=today,
    )
    ended = make_offer(
        session,
        title="Urgence finie",
        kind=OfferKind.ACCUEIL_EPHEMERE,
        valid_from=today - timedelta(days=30),
        valid_until=today - timedelta(days=1),
    )
    upcoming = make_offer(
        session,
        title="Urgence à venir",
        kind=OfferKind.ACCUEIL_EPHEMERE,
        valid_from=today + timedelta(days=3),
        valid_until=today + timedelta(days=30),
    )
    index.sync(session)
    assert set(ids(index, today=today)) == {current.id, upcoming.id}
    assert ended.id in ids(index, today=today - timedelta(days=1))


def test_kind_avip_free_places_disability_and_age_filters(session, index):
    avip = make_offer(session, title="AVIP", avip=True, avip_places=3, free_places=2)
    full = make_offer(session, title="Complète", free_places=0, disability_access=True)
    micro = make_offer(
        session, title="Micro", kind=OfferKind.MICRO_CRECHE, age_min_months=3, age_max_months=36
    )
    index.sync(session)
    assert ids(index, avip=True) == [avip.id]
    assert ids(index, free_places=True) == [avip.id]
    assert ids(index, disability=True) == [full.id]
    assert ids(index, kinds=("micro_creche",)) == [micro.id]
    assert set(ids(index, kinds=("micro_creche", "creche_collective"))) == {
        avip.id,
        full.id,
        micro.id,
    }
    assert micro.id not in ids(index, child_age_months=0)  # from 3 months
    assert micro.id in ids(index, child_age_months=24)
    assert micro.id not in ids(index, child_age_months=36)  # until the third birthday


def test_text_matches_hyphen_variants_and_accents(session, index):
    hyphen = make_offer(session, title="Micro-crèche Les Lucioles", kind=OfferKind.MICRO_CRECHE)
    other = make_offer(session, title="Multi-accueil Le Nid")
    index.sync(session)
    for query in ("micro-crèche", "micro creche", "microcreche", "MICRO-CRECHES", "lucioles"):
        assert ids(index, text=query) == [hyphen.id], query
    assert ids(index, text="nid") == [other.id]
    assert ids(index, text="la") == [hyphen.id, other.id] or set(ids(index, text="la")) == {
        hyphen.id,
        other.id,
    }


def test_structure_rename_reindexes_its_offers(session, index):
    offer = make_offer(session, title="Crèche")
    index.sync(session)
    offer.structure.name = "Réseau Les Galopins"
    session.commit()
    index.sync(session)
    assert ids(index, text="galopins") == [offer.id]


def test_an_index_of_an_older_schema_is_rebuilt_on_first_use(app, session, index):
    offer = make_offer(session, title="Crèche Tom Pouce")
    index.rebuild(session)
    writer = index._open().writer()
    writer.update_document(id="__state__", doctype="state", meta='{"last_change": 0, "schema": 1}')
    writer.commit()
    from app.search.index import SearchIndex

    restarted = SearchIndex(app.config["SEARCH_INDEX_DIR"])
    assert not restarted.is_healthy()
    restarted.catch_up(session)
    assert restarted.is_healthy()
    assert ids(restarted, text="tom pouce") == [offer.id]
    restarted.close()


def test_result_windows_page_like_the_uncached_search_and_follow_every_change(session, index):
    from app.search.query import RESULT_WINDOWS

    for n in range(30):
        make_offer(session, title=f"Crèche Arlequin {n}", offset_km=(n * 0.1, 0))
    index.rebuild(session)
    criteria = OfferCriteria(text="arlequin", latitude=TOULON[0], longitude=TOULON[1], radius_km=10)
    first = find_offers(index, criteria, offset=0, limit=20)  # computed, its window kept
    second = find_offers(index, criteria, offset=20, limit=20)  # from the window
    RESULT_WINDOWS.clear()
    assert [h.offer_id for h in find_offers(index, criteria, offset=20, limit=20).hits] == [
        h.offer_id for h in second.hits
    ]
    assert first.total == second.total == 30 and len(second.hits) == 10

    # A rebuilt index (its generations start again) and an incremental sync are both seen.
    from app.directory.models import Offer

    make_offer(session, title="Crèche Arlequin 30")
    session.get(Offer, first.hits[0].offer_id).status = OfferStatus.ARCHIVED
    session.commit()
    index.rebuild(session)
    rebuilt = find_offers(index, criteria)
    assert rebuilt.total == 30 and first.hits[0].offer_id not in [h.offer_id for h in rebuilt.hits]
    make_offer(session, title="Crèche Arlequin 31")
    index.sync(session)
    assert find_offers(index, criteria).total == 31


def test_a_place_search_finds_exactly_the_offers_within_the_radius(session, index):
    """Offers on a ring of 1 to 60 km around Toulon: each radius finds exactly those within
    it, as the exact distance says, from 1 km to a radius wider than France."""
    import math

    from app.geo import get_commune
    from app.geo.distance import haversine_km

    toulon = get_commune("83137")
    center = (toulon.latitude, toulon.longitude)  # the factory places offers around it
    offers = []
    for n in range(48):
        distance, angle = 1.5 + (n * 37 % 60), math.radians(n * 29)  # never on a whole radius
        offers.append(
            make_offer(
                session,
                title=f"Crèche Rayon {n}",
                offset_km=(distance * math.cos(angle), distance * math.sin(angle)),
            )
        )
    index.rebuild(session)
    for radius in (1, 2, 5, 10, 20, 30, 45):
        expected = {
            o.id for o in offers if haversine_km(*center, o.latitude, o.longitude) <= radius
        }
        found = set(ids(index, latitude=center[0], longitude=center[1], radius_km=radius))
        assert len(expected) > 0 or radius < 2
        assert found == expected, radius
    assert set(ids(index, latitude=center[0], longitude=center[1], radius_km=700)) == {
        o.id for o in offers
    }


def test_opening_the_index_while_a_writer_commits_reads_the_folder_again(
    session, index, monkeypatch
):
    """A commit deletes the previous table of contents; an opening that listed the folder just
    before finds it gone. It tries again instead of failing the search."""
    from whoosh.filedb.filestore import FileStorage

    make_offer(session, title="Crèche Pendule")
    index.rebuild(session)
    real, calls = FileStorage.open_index, []

    def racing(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise FileNotFoundError("MAIN_3.toc")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(FileStorage, "open_index", racing)
    index.close()  # the next search opens the index afresh
    assert ids(index, text="pendule") and len(calls) == 2
