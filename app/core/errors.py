"""Error pages in French (400, 404, 405, 413, 500)."""

from __future__ import annotations

import logging
import traceback

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

log = logging.getLogger(__name__)

MESSAGES = {
    400: (
        "Demande incorrecte",
        "La demande n’a pas pu être comprise. Vérifiez l’adresse ou le formulaire.",
    ),
    403: ("Accès refusé", "Vous n’avez pas accès à cette page."),
    404: ("Page introuvable", "Cette page n’existe pas ou plus. L’offre a peut-être été retirée."),
    405: ("Action impossible", "Cette action n’est pas possible sur cette page."),
    413: ("Envoi trop volumineux", "Ce que vous avez envoyé est trop volumineux."),
    429: (
        "Trop de demandes",
        "Trop de demandes en peu de temps : patientez une minute puis réessayez.",
    ),
    500: (
        "Erreur du service",
        "Une erreur est survenue de notre côté. Réessayez dans quelques instants.",
    ),
}

UNTRUSTED_HOST = (
    "Demande incorrecte : ce site ne répond pas à cette adresse. "
    "Utilisez l’adresse publique du service.\n"
)


def render_error(status: int, detail: str | None = None):
    """The French error page, or ``{"message": …}`` under ``/api/``."""
    title, message = MESSAGES.get(status, MESSAGES[500] if status >= 500 else MESSAGES[400])
    if request.path.startswith("/api/"):
        return jsonify({"message": detail or message}), status
    return render_template(
        "errors/error.html", status=status, title=title, message=detail or message
    ), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_error):
        return render_error(
            400, "Le formulaire a expiré ou n’est pas valide. Rechargez la page et réessayez."
        )

    @app.errorhandler(SecurityError)
    def _untrusted_host(_error):
        # A Host (or X-Forwarded-Host) not in TRUSTED_HOSTS: no URL can be built for it, so
        # plain text rather than the page (whose links would need one).
        return Response(UNTRUSTED_HOST, status=400, content_type="text/plain; charset=utf-8")

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        response = make_response(render_error(error.code or 500))
        # The exception's own headers: « Allow » on every 405, « Retry-After », …
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.error("unexpected error\n%s", traceback_without_messages(error))
        return render_error(500)


def traceback_without_messages(error: BaseException) -> str:
    """The frames and exception types of a traceback (and of its causes), never the messages:
    a database error quotes the row it refused (PostgreSQL: « Key (email)=(…) already exists »),
    other errors the value they choked on, and logs must hold no personal data."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = "".join(traceback.format_list(traceback.extract_tb(current.__traceback__)))
        kind = type(current)
        parts.append(
            f"Traceback (most recent call last):\n{frames}{kind.__module__}.{kind.__qualname__} "
            "(message not logged)"
        )
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    return "\n\nwhich happened while handling, or because of:\n".join(reversed(parts))
