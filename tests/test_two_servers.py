"""Several app servers on one database: each keeps its own Whoosh index folder and brings it up
to date from the database's change log. Two real server processes (``python -m app``) share the
test database (PostgreSQL when TEST_DATABASE_URL is set): an offer published through server A is
found through server B within seconds, and a server that was down catches up when it restarts."""

from __future__ import annotations

import http.cookiejar
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from kit.factories import PASSWORD, make_offer, make_user
from kit.forms import csrf_token_in

from app.directory.models import OfferStatus

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """``python -m app`` in its own process, with its own index folder."""

    def __init__(self, database_url: str, index_dir: Path, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(
            os.environ,
            DATABASE_URL=database_url,
            SEARCH_INDEX_DIR=str(index_dir),
            SECRET_KEY="two-servers-test-secret",
            PASSERELLE_ENV="test",
            MAIL_OUTBOX=str(log.with_suffix(".mail")),
        )
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app", "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready(log)

    def _wait_ready(self, log: Path) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.close()
                raise AssertionError(f"server stopped: {log.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(self.url + "/", timeout=2).read()
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"server not ready: {log.read_text()[-2000:]}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)
        self.log.close()


class Browser:
    """Cookies and CSRF tokens, as a person's browser has them."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=10) as response:
            return response.read().decode()

    def post(self, path: str, data: dict, token_from: str) -> str:
        token = csrf_token_in(self.get(token_from))
        body = urllib.parse.urlencode({"csrf_token": token, **data}).encode()
        with self.opener.open(self.base + path, data=body, timeout=10) as response:
            return response.read().decode()


def found(server: Server, offer, timeout: float = 5.0) -> bool:
    """Does a search for the offer's name on ``server`` list it within ``timeout`` seconds?"""
    deadline = time.monotonic() + timeout
    query = urllib.parse.urlencode({"q": offer.title.split()[1]})
    while True:
        page = urllib.request.urlopen(f"{server.url}/recherche?{query}", timeout=10).read().decode()
        if f'href="/offre/{offer.id}"' in page:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.25)


@pytest.fixture
def servers(app, tmp_path):
    database_url = app.config["DATABASE_URL"]
    started = []

    def start(name: str) -> Server:
        server = Server(database_url, tmp_path / f"index-{name}", tmp_path / f"{name}.log")
        started.append(server)
        return server

    yield start
    for server in started:
        if server.process.poll() is None:
            server.stop()


def test_an_edit_through_one_server_is_found_through_the_other(session, servers):
    first = make_offer(session, title="Crèche Arc-en-ciel Brouillon", status=OfferStatus.DRAFT)
    second = make_offer(
        session,
        title="Micro-crèche Girafe Brouillon",
        status=OfferStatus.DRAFT,
        structure=first.structure,
    )
    manager = make_user(session, "gestionnaire", structures=[first.structure])
    a, b = servers("a"), servers("b")
    assert not found(b, first, timeout=0)

    person = Browser(a.url)
    person.post(
        "/connexion", {"email": manager.email, "password": PASSWORD}, token_from="/connexion"
    )
    person.post(
        f"/gestion/offres/{first.id}/publier", {}, token_from=f"/gestion/offres/{first.id}/apercu"
    )
    started = time.monotonic()
    assert found(a, first, timeout=0)  # the server that saved it, at once
    assert found(b, first, timeout=5)  # the other one, from the change log
    print(f"found through server B {time.monotonic() - started:.2f} s after the save on server A")

    b.stop()  # server B is down while server A publishes the second offer
    person.post(
        f"/gestion/offres/{second.id}/publier", {}, token_from=f"/gestion/offres/{second.id}/apercu"
    )
    replacement = servers("c")  # a new server, with a new (empty) index folder: it builds it
    assert found(replacement, second, timeout=5)
    assert found(a, second, timeout=0)


def test_a_server_restarting_on_its_old_index_catches_up(app, session, servers, tmp_path):
    offer = make_offer(session, title="Halte-garderie Colibri Brouillon", status=OfferStatus.DRAFT)
    manager = make_user(session, "gestionnaire", structures=[offer.structure])
    a, b = servers("a"), servers("b")
    index_b = tmp_path / "index-b"
    assert any(index_b.iterdir())
    b.stop()
    person = Browser(a.url)
    person.post(
        "/connexion", {"email": manager.email, "password": PASSWORD}, token_from="/connexion"
    )
    person.post(
        f"/gestion/offres/{offer.id}/publier", {}, token_from=f"/gestion/offres/{offer.id}/apercu"
    )
    # Server B comes back on the same index folder it had: it applies what it missed.
    back = Server(app.config["DATABASE_URL"], index_b, tmp_path / "b-back.log")
    try:
        assert found(back, offer, timeout=5)
    finally:
        back.stop()
