"""`python -m app`: migrate, load the demo data if the database is empty, serve on :5000."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from werkzeug.serving import WSGIRequestHandler

from app import create_app, migrate
from app.cli import database_is_empty, load_demo
from app.config import Settings
from app.db import get_session
from app.search import get_index


class QuietRequestHandler(WSGIRequestHandler):
    """werkzeug's request handler without the client's address or the raw request line in its
    log lines (it logs malformed requests itself, with both): each request is already logged by
    app.core.request_log, with no address and no query string."""

    def log(self, type: str, message: str, *args: Any) -> None:
        """werkzeug's line without the client's address. ``address_string`` itself stays:
        werkzeug builds the request's REMOTE_ADDR from it (the outbox page checks it)."""
        level = {"error": logging.ERROR, "warning": logging.WARNING}.get(type, logging.INFO)
        logging.getLogger("werkzeug").log(
            level, f"[{self.log_date_time_string()}] {message}", *args
        )

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Nothing: app.core.request_log has its own line (route rule, no query string)."""

    def log_error(self, format: str, *args: Any) -> None:
        if format.startswith("code ") and args:
            self.log("error", "malformed request refused (code %s)", args[0])
        else:
            self.log("error", "request not served")


def embedded_settings(host: str, port: int, environ=None) -> Settings:
    """The environment's settings for the embedded server: its emailed links on its own address
    (never a request's Host) unless PUBLIC_URL is set, and, without a mail server, the outbox
    page /dev/courriels (to this machine's clients only)."""
    settings = Settings.from_env(environ)
    if not settings.PUBLIC_URL:
        shown = "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host
        settings.PUBLIC_URL = f"http://{shown}:{port}"
    settings.MAIL_OUTBOX_PAGE = not settings.MAIL_SERVER
    return settings


def main() -> None:
    parser = argparse.ArgumentParser(description="Passerelle : lancer le service")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--demo-offers", type=int, default=3000)
    args = parser.parse_args()

    app = create_app(embedded_settings(args.host, args.port))
    migrate.upgrade(app.config["DATABASE_URL"])
    with app.app_context():
        if database_is_empty():
            load_demo(args.demo_offers, seed=2022)
            get_index().rebuild(get_session())
        elif get_index().ensure(get_session(), background=True):
            print(
                "Index de recherche absent ou endommagé : reconstruction en arrière-plan "
                "(les résultats peuvent être incomplets quelques secondes)."
            )
        else:
            get_index().sync(get_session(), wait=30)
    # Requests are logged by app.core.request_log (route rule, no query string): silence
    # werkzeug's own access lines, which would print each URL with what was typed in it.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    print(f"Passerelle est servi sur http://{args.host}:{args.port}")
    app.run(host=args.host, port=args.port, threaded=True, request_handler=QuietRequestHandler)


if __name__ == "__main__":
    main()
