"""Error pages in French (400, 404, 405, 410, 413, 500)."""

from __future__ import annotations

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from app.core.request_log import log_unexpected, request_id

MESSAGES = {
    400: (
        "Demande incorrecte",
        "La demande n’a pas pu être comprise. Vérifiez l’adresse ou le formulaire.",
    ),
    403: ("Accès refusé", "Vous n’avez pas accès à cette page."),
    404: ("Page introuvable", "Cette page n’existe pas ou plus. L’offre a peut-être été retirée."),
    405: ("Action impossible", "Cette action n’est pas possible sur cette page."),
    410: ("Lien expiré", "Ce lien a expiré : il ne sert plus."),
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
        "errors/error.html",
        status=status,
        title=title,
        message=detail or message,
        reference=request_id() if status >= 500 else None,
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
        log_unexpected(error)
        return render_error(500)
