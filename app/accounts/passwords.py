"""Password hashing (scrypt, from Werkzeug) and the password rule."""

from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 12
MAX_LENGTH = 200
# Compared against a hash even when the account does not exist, so that the time taken does
# not tell whether an address has an account.
_DUMMY_HASH = generate_password_hash("passerelle-dummy-password", method="scrypt")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def verify_password(password_hash: str | None, password: str) -> bool:
    return check_password_hash(password_hash or _DUMMY_HASH, password) and password_hash is not None


def password_problem(password: str, email: str = "") -> str | None:
    """A French reason why ``password`` is too weak, or None."""
    if len(password) < MIN_LENGTH:
        return (
            f"Choisissez un mot de passe d’au moins {MIN_LENGTH} caractères (une phrase de "
            "plusieurs mots convient bien)."
        )
    if len(password) > MAX_LENGTH:
        return f"Le mot de passe est trop long ({MAX_LENGTH} caractères au plus)."
    if email and password.strip().lower() == email.strip().lower():
        return "Le mot de passe ne doit pas être votre adresse électronique."
    if len(set(password)) < 5:
        return "Ce mot de passe est trop simple : variez les caractères."
    return None
