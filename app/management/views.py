"""Offer management (``/gestion``)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("management", __name__, url_prefix="/gestion")
