"""Signed, expiring, single-purpose tokens for emailed links (itsdangerous).

- email verification (7 days): useless once the address is confirmed;
- password reset (1 hour): carries a fingerprint of the current password hash, so it works
  once: the new password changes the fingerprint;
- invitation (7 days): useless once an account exists for the address;
- referral answer (8 days): lets a structure answer one referral without an account; an
  expired one still names its referral, so a fresh link can be sent to the structure;
- alert confirmation (7 days, a parent's double opt-in) and alert links (unsubscribe, renew:
  longer than an alert lives): they name alerts and their random link keys, dead with them.
No personal data in clear in the URL: the payload is signed, and holds ids and fingerprints.
"""

from __future__ import annotations

import hashlib
from typing import Any, cast

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

VERIFY_EMAIL = ("verifier-email", 7 * 24 * 3600)
RESET_PASSWORD = ("mot-de-passe", 3600)
INVITATION = ("invitation", 7 * 24 * 3600)
REFERRAL_ANSWER = ("orientation-reponse", 8 * 24 * 3600)
JOB_PROPOSAL_ANSWER = ("bourse-emploi-reponse", 8 * 24 * 3600)
ALERT_CONFIRM = ("alerte-confirmation", 7 * 24 * 3600)
ALERT_LINK = ("alerte-lien", 200 * 24 * 3600)


class TokenError(ValueError):
    """``expired`` tells an expired link from a broken one; an expired link's signed
    ``payload`` is still known (a broken one's is None)."""

    def __init__(self, expired: bool, payload: dict[str, Any] | None = None) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired
        self.payload = payload


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"passerelle-{purpose}")


def make_token(kind: tuple[str, int], payload: dict[str, Any]) -> str:
    return _serializer(kind[0]).dumps(payload)


def read_token(kind: tuple[str, int], token: str) -> dict[str, Any]:
    if not isinstance(token, str) or len(token) > 1000:
        raise TokenError(expired=False)
    serializer = _serializer(kind[0])
    try:
        payload = serializer.loads(token, max_age=kind[1])
    except SignatureExpired as error:
        try:  # the signature is good: only the age is wrong
            expired_payload = serializer.load_payload(cast(bytes, error.payload))
        except BadSignature:
            expired_payload = None
        raise TokenError(
            expired=True, payload=expired_payload if isinstance(expired_payload, dict) else None
        ) from None
    except BadSignature:
        raise TokenError(expired=False) from None
    if not isinstance(payload, dict):
        raise TokenError(expired=False)
    return payload


def fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:16]
