"""The column arrays of the index segments: written beside each segment when it is committed,
read out exactly as Whoosh reads its columns, shared by searches and threads, deleted
documents masked, rebuilt when missing or damaged."""

from __future__ import annotations

import threading
from datetime import time

from kit.factories import make_offer
from whoosh.util.numeric import byte_to_length

from app.directory.models import OfferKind, OfferStatus, OpeningSlot
from app.search.columns import COLUMNS, SUFFIX, file_name, read_file, segment_readers
from app.search.documents import SEARCH_FLAGS
from app.search.query import RESULT_WINDOWS, OfferCriteria, find_offers


def found(index, **criteria) -> list[int]:
    RESULT_WINDOWS.clear()
    return [h.offer_id for h in find_offers(index, OfferCriteria(**criteria), limit=100).hits]


def segments(index):
    return segment_readers(index.searcher().reader())


def column_files(index) -> set[str]:
    return {p.name for p in index.path.iterdir() if p.name.endswith(SUFFIX)}


def test_a_rebuild_writes_each_segment_s_arrays_before_serving_it(session, index):
    make_offer(session, title="Crèche Pomme", avip=True, disability_access=True)
    make_offer(session, title="Micro-crèche Poire", kind=OfferKind.MICRO_CRECHE, free_places=2)
    index.rebuild(session)
    readers = segments(index)
    assert column_files(index) == {file_name(r.segment().segment_id()) for r in readers}
    for reader in readers:
        cols = read_file(index.path / file_name(reader.segment().segment_id()))
        assert cols is not None and cols.size == reader.doc_count_all()
        for docnum in range(cols.size):
            stored = reader.stored_fields(docnum)["id"]
            assert cols.ids[docnum] == (int(stored) if stored.isdigit() else -1)
            if cols.ids[docnum] < 0:
                continue  # the index state document
            for name in ("lat", "lon", "updated", *(f"h{day}" for day in range(7))):
                expected = reader.column_reader(name)[docnum]
                actual = cols.hours[int(name[1])] if name[0] == "h" else getattr(cols, name)
                assert actual[docnum] == expected, name
            for name in ("title", "body"):
                length = int(cols.lengths[name][docnum])
                expected = reader.doc_field_length(docnum, name) or 0
                assert (byte_to_length(length) if length else 0) == expected, name
            kind = reader.column_reader("kind")[docnum].decode()
            assert cols.kind_names[cols.kind[docnum]] == kind
    assert SEARCH_FLAGS == ("avip", "places", "handicap", "atypical")
    assert found(index, avip=True, disability=True) == found(index, text="pomme")
    assert found(index, free_places=True) == found(index, text="poire")


def test_searches_and_threads_share_a_segment_s_arrays(session, index):
    make_offer(session, title="Crèche Partagée")
    index.rebuild(session)
    reader = segments(index)[0]
    first = COLUMNS.get(index.path, reader)
    seen = []
    thread = threading.Thread(target=lambda: seen.append(COLUMNS.get(index.path, reader)))
    thread.start()
    thread.join()
    assert seen == [first] and COLUMNS.get(index.path, reader) is first
    assert found(index, text="partagée") and COLUMNS.get(index.path, reader) is first


def test_an_unpublished_offer_is_masked_in_its_segment_s_arrays(session, index):
    kept = make_offer(session, title="Crèche Cerise")
    gone = make_offer(session, title="Crèche Cerise bis")
    index.rebuild(session)
    assert sorted(found(index, text="cerise")) == [kept.id, gone.id]
    old = segments(index)[0]
    arrays = COLUMNS.get(index.path, old)
    gone.status = OfferStatus.ARCHIVED
    session.commit()
    index.sync(session)
    assert found(index, text="cerise") == [kept.id]
    # The segment is the same, its arrays too; only its deletion set grew.
    same = [r for r in segments(index) if r.segment().segment_id() == old.segment().segment_id()]
    assert COLUMNS.get(index.path, same[0]) is arrays
    assert same[0].has_deletions()


def test_a_catch_up_writes_its_new_segment_s_arrays_and_merges_remove_old_ones(session, index):
    offer = make_offer(session, title="Crèche Prune", slots=[])
    index.rebuild(session)
    for n in range(12):  # small segments that Whoosh merges along the way
        offer.title = f"Crèche Prune {n}"
        if n == 5:
            offer.slots.append(OpeningSlot(weekday=0, opens=time(6), closes=time(20)))
        session.commit()
        index.sync(session)
        assert column_files(index) == {
            file_name(r.segment().segment_id()) for r in segments(index) if r.doc_count_all()
        }
    assert found(index, text="prune 11") == [offer.id]
    assert found(index, days=(0,), start=time(6, 30), end=time(19, 30)) == [offer.id]


def test_missing_or_damaged_arrays_are_built_again(session, index):
    offer = make_offer(session, title="Crèche Mirabelle")
    index.rebuild(session)
    path = index.path / file_name(segments(index)[0].segment().segment_id())
    for damage in (path.unlink, lambda: path.write_bytes(b"not arrays")):
        damage()
        COLUMNS.clear()
        assert found(index, text="mirabelle") == [offer.id]
        assert read_file(path) is not None
    assert not [p for p in index.path.iterdir() if p.name.endswith(".tmp")]
