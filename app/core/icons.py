"""``/favicon.ico``: what a browser asks for when a page names no icon (the print view, a
partner's iframe, a bookmark). Pages name theirs in ``templates/base.html`` (SVG, a PNG
fallback, the home-screen icon and ``static/manifest.webmanifest``); this answers the rest with
the 32 × 32 PNG instead of a 404 in the console."""

from __future__ import annotations

from flask import Blueprint, current_app, send_from_directory

bp = Blueprint("icons", __name__)


@bp.get("/favicon.ico")
def favicon():
    folder = current_app.static_folder or "static"
    return send_from_directory(folder, "icons/favicon-32.png", mimetype="image/png", max_age=86400)
