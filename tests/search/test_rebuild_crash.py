"""Issue 24: a rebuild of the search index killed midway (kill -9) never leaves a partial index
taken for a whole one. A rebuild writes a new generation aside and puts it in service only once
complete; a restarting server finds either a complete index or none, and then reports itself not
ready (``/sante/pret`` 503) until it has rebuilt one from the database itself, including the rows
written without the ORM (demo data, imports), which never reach the change log."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from kit.factories import make_offer
from sqlalchemy import func, select, update

from app.directory.demo import generate_demo
from app.directory.models import Offer, OfferStatus
from app.search.changes import SearchChange
from app.search.documents import INDEXED_STATUS, is_indexable, searchable_offer_count
from app.search.index import SearchIndex
from app.search.query import OfferCriteria, find_offers

ROOT = Path(__file__).resolve().parents[2]
NOTE = "Les résultats peuvent être incomplets"

#: The child: a server process starting on an index folder and rebuilding in the background, as
#: ``python -m app`` and gunicorn workers do. Its documents are slowed down (5 ms each, like a
#: slow disk) so that the kills land during the build whatever the machine; at stage « swap » it
#: stops just before putting its complete generation in service.
CHILD = """
import sys, time
import app.search.index as index_module
from app import create_app
from app.config import Settings
from app.db import get_session
from app.search import get_index

database_url, index_dir, stage = sys.argv[1:4]
real_document = index_module.offer_document

def slow_document(offer):
    time.sleep(0.005)
    return real_document(offer)

index_module.offer_document = slow_document
if stage == "swap":
    def stop_before_swap(self, name):
        print("swap", flush=True)
        time.sleep(120)
    index_module.SearchIndex._put_in_service = stop_before_swap

app = create_app(Settings(
    DATABASE_URL=database_url, SEARCH_INDEX_DIR=index_dir, SECRET_KEY="child", ENV="test",
    MAIL_OUTBOX=index_dir + ".mail", SEARCH_REBUILD_IN_BACKGROUND=True,
))
with app.app_context():
    index = get_index()
    print("building", flush=True)
    assert index.ensure(get_session(), background=True)
    index.wait_for_rebuild()
    print("done", flush=True)
"""


def bulk_data(session) -> Offer:
    """Demo data (bulk-inserted: the change log sees only a few rows), one offer renamed
    behind the ORM's back; returns it."""
    generate_demo(session, offers=600, seed=7, include_real=False)
    session.commit()
    logged = set(session.scalars(select(SearchChange.offer_id)))
    hidden = session.scalar(
        select(Offer)
        .where(Offer.status == OfferStatus.PUBLISHED, Offer.id.not_in(logged))
        .order_by(Offer.id)
    )
    session.execute(
        update(Offer).where(Offer.id == hidden.id).values(title="Crèche Zéphyrine Bulk")
    )
    session.commit()
    assert hidden.id not in set(session.scalars(select(SearchChange.offer_id)))
    return hidden


def indexed_count(index: SearchIndex) -> int:
    searcher = index.searcher()
    return searcher.doc_count() - 1  # the state document


def assert_complete(client, session, index, hidden: Offer) -> None:
    """What a person and a load balancer see of a complete index."""
    ready = client.get("/sante/pret")
    assert ready.status_code == 200, ready.get_json()
    assert ready.get_json()["index_de_recherche"] == "ok"
    assert indexed_count(index) == searchable_offer_count(session) > 500
    page = client.get("/recherche?q=Zéphyrine").get_data(as_text=True)
    assert f'href="/offre/{hidden.id}"' in page
    assert NOTE not in page


def start_child(database_url: str, index_dir: Path, stage: str, log: Path):
    with log.open("wb") as errors:
        return subprocess.Popen(
            [sys.executable, "-c", CHILD, database_url, str(index_dir), stage],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )


def wait_for_line(process, expected: str, log: Path) -> None:
    line = process.stdout.readline().strip()
    assert line == expected, f"child said {line!r}: {log.read_text()[-3000:]}"


@pytest.mark.parametrize("stage", ["0.3", "1.2", "2.4", "swap"])
def test_a_rebuild_killed_midway_leaves_the_index_complete_or_the_server_not_ready(
    app, client, session, tmp_path, stage
):
    """kill -9 at three moments of the build and just before the swap; then a server starts
    on the same folder: not ready until it has rebuilt, and then every offer is found."""
    hidden = bulk_data(session)
    index_dir = Path(app.config["SEARCH_INDEX_DIR"])
    log = tmp_path / "child.log"
    child = start_child(app.config["DATABASE_URL"], index_dir, stage, log)
    try:
        wait_for_line(child, "building", log)
        if stage == "swap":
            wait_for_line(child, "swap", log)
        else:
            time.sleep(float(stage))
        assert child.poll() is None, "the child ended before the kill"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    # Killed mid-build: no index in service, only the build's leftovers.
    assert not SearchIndex(index_dir).exists()
    assert any(p.name.startswith("gen-") for p in index_dir.iterdir())

    # The restarting server (rebuilds in the background, as configured from the environment).
    index = app.extensions["search_index"]
    index.rebuild_in_background = True
    ready = client.get("/sante/pret")
    assert ready.status_code == 503
    assert ready.get_json()["index_de_recherche"] == "reconstruction en cours"
    page = client.get("/recherche?q=Zéphyrine").get_data(as_text=True)
    assert NOTE in page  # whatever it shows meanwhile, it says it may be incomplete
    assert index.wait_for_rebuild(timeout=120)
    assert_complete(client, session, index, hidden)
    # The killed build's folder is gone: one generation, named in CURRENT.
    generations = [p.name for p in index_dir.iterdir() if p.name.startswith("gen-")]
    assert generations == [index.generation()]


def test_an_index_short_of_offers_written_without_the_orm_is_not_ready_then_rebuilt(
    app, client, session
):
    """The index is complete, then offers are published behind the ORM's back (an import, a
    script): readiness says so with the counts, and a rebuild from the database follows."""
    make_offer(session, title="Crèche Pomme")
    index = app.extensions["search_index"]
    index.rebuild(session)
    assert client.get("/sante/pret").status_code == 200
    hidden = bulk_data(session)

    ready = client.get("/sante/pret")
    assert ready.status_code == 503
    body = ready.get_json()
    assert body["index_de_recherche"] == "incomplet"
    assert body["offres_indexees"] == 1
    assert body["offres_publiees"] == searchable_offer_count(session)
    searchable = f"{body['offres_publiees']:,}".replace(",", "\u202f")
    assert body["message"] == (
        "Le service n’est pas prêt : l’index de recherche n’est pas à jour "
        f"(1 offre indexée pour {searchable} offres publiées)."
    )
    # Foreground rebuilds (tests, SEARCH_REBUILD_IN_BACKGROUND=0): the probe does not build,
    # the next search does.
    assert client.get("/sante/pret").status_code == 503
    client.get("/recherche?q=Pomme")
    assert_complete(client, session, index, hidden)


def test_a_server_starting_on_an_index_short_of_offers_rebuilds_it(app, client, session):
    """At start-up (first use of a process), an index whose count differs from the database's
    is rebuilt from the database; the previous generation answers meanwhile."""
    make_offer(session, title="Crèche Pomme")
    SearchIndex(app.config["SEARCH_INDEX_DIR"]).rebuild(session)  # an earlier process
    hidden = bulk_data(session)
    index = app.extensions["search_index"]
    index.rebuild_in_background = True
    release = threading.Event()
    real_rebuild = index._rebuild

    def held_rebuild(private_session):
        release.wait()
        return real_rebuild(private_session)

    index._rebuild = held_rebuild
    try:
        page = client.get("/recherche?q=Pomme").get_data(as_text=True)
        assert "Crèche Pomme" in page  # the generation in service still answers
        assert NOTE in page
        assert client.get("/sante/pret").status_code == 503
    finally:
        release.set()
    assert index.wait_for_rebuild(timeout=60)
    assert_complete(client, session, index, hidden)


def test_readiness_is_503_while_a_background_rebuild_runs_and_200_after(app, client, session):
    hidden = bulk_data(session)
    index = app.extensions["search_index"]
    index.rebuild_in_background = True
    release = threading.Event()
    real_rebuild = index._rebuild

    def held_rebuild(private_session):
        release.wait()  # the test decides when the rebuild may run: no timing involved
        return real_rebuild(private_session)

    index._rebuild = held_rebuild
    try:
        for _ in range(2):  # the probe starts the rebuild, and does not start a second one
            ready = client.get("/sante/pret")
            assert ready.status_code == 503
            assert ready.get_json() == {
                "statut": "indisponible",
                "message": "Le service n’est pas prêt : "
                "l’index de recherche est en cours de reconstruction.",
                "base_de_donnees": "ok",
                "index_de_recherche": "reconstruction en cours",
            }
        # A search meanwhile says its results may be incomplete; so does the API.
        page = client.get("/recherche?q=Zéphyrine").get_data(as_text=True)
        assert NOTE in page and "l’index de recherche est en cours de reconstruction" in page
        widget = client.get("/widget/recherche?apercu=1&q=Zéphyrine").get_data(as_text=True)
        assert NOTE in widget
        api = client.get("/api/v1/offres?q=Zéphyrine")
        assert api.status_code == 200
        assert api.get_json()["incomplet"] is True
        assert api.headers["Cache-Control"] == "no-store"  # never kept by a cache
    finally:
        release.set()
    assert index.wait_for_rebuild(timeout=60)
    assert_complete(client, session, index, hidden)
    assert NOTE not in client.get("/widget/recherche?apercu=1&q=Zéphyrine").get_data(as_text=True)
    api = client.get("/api/v1/offres?q=Zéphyrine")
    assert api.get_json()["incomplet"] is False
    assert [o["id"] for o in api.get_json()["items"]] == [hidden.id]


def test_the_generation_in_service_answers_while_the_next_one_is_built(app, client, session):
    """A rebuild (``flask reindex``, a start-up check) does not empty the search meanwhile:
    the previous generation answers until the new one is complete."""
    old = make_offer(session, title="Crèche Ancienne")
    index = app.extensions["search_index"]
    index.rebuild(session)
    first = index.generation()
    make_offer(session, title="Crèche Nouvelle")
    building, release = threading.Event(), threading.Event()
    other = SearchIndex(index.root)  # another worker of this server, or flask reindex
    real_write = other._write_generation

    def held_write(*args):
        building.set()
        release.wait()
        return real_write(*args)

    other._write_generation = held_write
    worker = threading.Thread(target=other.rebuild, args=(session,))
    worker.start()
    try:
        assert building.wait(timeout=30)
        found = find_offers(index, OfferCriteria(text="ancienne"))
        assert [h.offer_id for h in found.hits] == [old.id]
        assert index.generation() == first
    finally:
        release.set()
        worker.join(timeout=60)
    other.close()
    assert index.generation() != first
    assert not (index.root / first).exists()  # the retired generation is deleted
    assert len(find_offers(index, OfferCriteria(text="nouvelle")).hits) == 1


def test_a_failed_build_leaves_the_previous_generation_in_service(app, session, monkeypatch):
    make_offer(session, title="Crèche Tenace")
    index = app.extensions["search_index"]
    index.rebuild(session)
    first = index.generation()
    import app.search.index as index_module

    def broken(offer):
        raise OSError("disk full")

    monkeypatch.setattr(index_module, "offer_document", broken)
    with pytest.raises(OSError):
        index.rebuild(session)
    assert index.generation() == first
    assert [p.name for p in index.root.iterdir() if p.name.startswith("gen-")] == [first]
    assert len(find_offers(index, OfferCriteria(text="tenace")).hits) == 1


def test_two_workers_starting_on_an_empty_folder_build_it_once(app, session):
    make_offer(session, title="Crèche Partagée")
    first = SearchIndex(app.config["SEARCH_INDEX_DIR"], rebuild_in_background=True)
    second = SearchIndex(app.config["SEARCH_INDEX_DIR"], rebuild_in_background=True)
    builds = []
    release = threading.Event()
    real_write = first._write_generation

    def held_write(*args):
        builds.append(1)
        release.wait()
        return real_write(*args)

    first._write_generation = held_write
    second._write_generation = held_write
    first.catch_up(session)
    while not builds:
        time.sleep(0.01)
    second.catch_up(session)  # waits for the first one's build instead of starting its own
    assert first.rebuilding and second.rebuilding and first.incomplete and second.incomplete
    release.set()
    assert first.wait_for_rebuild(timeout=60) and second.wait_for_rebuild(timeout=60)
    assert len(builds) == 1
    assert second.generation() == first.generation()
    assert not second.incomplete
    assert len(find_offers(second, OfferCriteria(text="partagée")).hits) == 1
    first.close()
    second.close()


def test_an_index_left_in_the_folder_by_an_earlier_version_is_rebuilt(app, session):
    """Before generations, the Whoosh files lay in the folder itself, and a killed background
    rebuild left there an empty index claiming change 0 (64 of 3,007 offers found)."""
    from whoosh import index as whoosh_index

    from app.search.documents import STATE_DOC_ID, build_schema

    offer = make_offer(session, title="Crèche Héritée")
    root = Path(app.config["SEARCH_INDEX_DIR"])
    root.mkdir(parents=True, exist_ok=True)
    writer = whoosh_index.create_in(str(root), build_schema()).writer()
    writer.add_document(id=STATE_DOC_ID, doctype="state", meta='{"last_change": 0, "schema": 5}')
    writer.commit()
    index = SearchIndex(root)
    index.catch_up(session)
    assert [h.offer_id for h in find_offers(index, OfferCriteria(text="héritée")).hits] == [
        offer.id
    ]
    assert not [p for p in root.iterdir() if p.name.startswith(("MAIN_", "_MAIN_"))]
    index.close()


def test_searchable_count_is_the_indexer_s_rule(session):
    """``searchable_offer_count`` and ``is_indexable`` say the same of every status."""
    for status in OfferStatus:
        make_offer(session, title=f"Crèche {status.value}", status=status)
    offers = session.scalars(select(Offer)).all()
    assert searchable_offer_count(session) == sum(1 for o in offers if is_indexable(o))
    assert searchable_offer_count(session) == session.scalar(
        select(func.count()).select_from(Offer).where(Offer.status == INDEXED_STATUS)
    )
