"""Sessions (Flask-Login) and the decorators the views use.

The session cookie (and the « Rester connecté·e » remember cookie, 30 days) holds
``"<user id>:<session_version>"``: changing the password bumps the version, which logs out every
other session, and so does « Se déconnecter » (:func:`log_out`): a copied remember cookie is
worthless once its owner has logged out. Cookies are HttpOnly, SameSite=Lax, and Secure in
production (``app/config.py``)."""

from __future__ import annotations

from functools import wraps

from flask import Flask, abort, redirect, request, url_for
from flask_login import LoginManager, current_user, login_user, logout_user

from app.accounts.models import AccountStatus, Role, User
from app.db import get_session

login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = "Connectez-vous pour accéder à cette page."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"

__all__ = [
    "current_user",
    "log_out",
    "login_required",
    "login_user",
    "logout_user",
    "role_required",
]


@login_manager.user_loader
def _load_user(identifier: str) -> User | None:
    user_id, _, version = identifier.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = get_session().get(User, int(user_id))
    if user is None or user.session_version != int(version) or user.status != AccountStatus.ACTIVE:
        return None
    return user


def log_out() -> None:
    """End this session and revoke, server-side, every session and remember cookie of the
    account: the cookies hold the session version, which no longer matches."""
    if current_user.is_authenticated:
        user = get_session().get(User, current_user.id)
        if user is not None:
            user.session_version += 1
            get_session().commit()
    logout_user()


@login_manager.unauthorized_handler
def _unauthorized():
    if request.path.startswith("/api/"):
        abort(401)
    return redirect(
        url_for(
            "accounts.login", suivant=request.full_path if request.query_string else request.path
        )
    )


def login_required(view):
    """An active account; anonymous visitors go to the login page and come back."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return wrapper


def role_required(*roles: Role):
    """An active account with one of ``roles`` (admins always pass); others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role != Role.ADMIN and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
