"""Health checks for load balancers: /sante (alive) and /sante/pret (database and search index
reachable), in French JSON, 503 when not ready."""

from __future__ import annotations

import threading

from kit.factories import make_offer
from sqlalchemy.exc import OperationalError


def test_liveness_answers_without_touching_the_database(client):
    response = client.get("/sante")
    assert response.status_code == 200
    assert response.get_json() == {"statut": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_ready_when_database_and_index_answer(client, session, index):
    make_offer(session)
    index.sync(session)
    response = client.get("/sante/pret")
    assert response.status_code == 200
    assert response.get_json() == {
        "statut": "prêt",
        "base_de_donnees": "ok",
        "index_de_recherche": "ok",
    }


def test_not_ready_when_the_database_is_unreachable(app, client, monkeypatch):
    from sqlalchemy.orm import Session

    def fail(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(Session, "execute", fail)
    response = client.get("/sante/pret")
    assert response.status_code == 503
    body = response.get_json()
    assert body["statut"] == "indisponible"
    assert body["base_de_donnees"] == "injoignable"
    assert body["message"] == "Le service n’est pas prêt : la base de données est injoignable."


def test_not_ready_when_the_index_is_unreadable(client, session, index):
    make_offer(session)
    index.rebuild(session)
    index.close()
    for path in index.path.iterdir():
        path.unlink()  # the index folder emptied under the running process
    response = client.get("/sante/pret")
    assert response.status_code == 503
    assert response.get_json()["index_de_recherche"] == "illisible"
    assert "l’index de recherche est illisible" in response.get_json()["message"]


def test_health_routes_need_no_account_and_carry_the_security_headers(client):
    for path in ("/sante", "/sante/pret"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_a_damaged_index_is_rebuilt_in_the_background_while_search_answers(
    app, client, session, index
):
    """At start-up (first use) a corrupt index does not block: the search page answers at once
    and says its results may be incomplete; once rebuilt, the results are all back."""
    make_offer(session, title="Crèche Le Nid")
    index.rebuild(session)
    index.close()
    for path in index.path.iterdir():
        if path.suffix == ".toc":
            path.write_bytes(b"garbage")
    # As from the environment (a bare Settings() keeps tests synchronous):
    index.rebuild_in_background = True
    release = threading.Event()
    real_rebuild = index._rebuild

    def held_rebuild(private_session):
        release.wait()  # the test decides when the rebuild may run: no timing involved
        return real_rebuild(private_session)

    index._rebuild = held_rebuild

    page = client.get("/recherche?lieu=Toulon").get_data(as_text=True)
    assert "Les résultats peuvent être incomplets" in page
    assert "Crèche Le Nid" not in page
    ready = client.get("/sante/pret")
    # Not ready while this process's index is incomplete (issue 24: it used to answer 200).
    assert ready.status_code == 503
    assert ready.get_json()["index_de_recherche"] == "reconstruction en cours"
    assert ready.get_json()["message"] == (
        "Le service n’est pas prêt : l’index de recherche est en cours de reconstruction."
    )

    release.set()
    assert index.wait_for_rebuild(timeout=60)
    page = client.get("/recherche?lieu=Toulon").get_data(as_text=True)
    assert "Crèche Le Nid" in page
    assert "Les résultats peuvent être incomplets" not in page
    assert client.get("/sante/pret").get_json()["index_de_recherche"] == "ok"
    assert client.get("/sante/pret").status_code == 200
