"""A partner's request for a token and its decision by an admin, and the purge of declined
requests. Each function changes the session and leaves the commit (and the emails, queued in
the same transaction by the view) to its caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.widget.models import PartnerRequest, PartnerToken, RequestStatus
from app.widget.rules import DECLINED_KEPT_DAYS, declined_purge_due, new_token


class PartnerError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RequestInput:
    organisation: str
    siret: str
    origins: list[str]
    contact_name: str
    contact_email: str
    intended_use: str


def submit_request(session: Session, given: RequestInput) -> PartnerRequest:
    request = PartnerRequest(
        organisation=given.organisation,
        siret=given.siret,
        origins=list(given.origins),
        contact_name=given.contact_name,
        contact_email=given.contact_email,
        intended_use=given.intended_use,
        status=RequestStatus.PENDING,
    )
    session.add(request)
    session.flush()
    return request


def _ensure_pending(request: PartnerRequest) -> None:
    if request.status is not RequestStatus.PENDING:
        raise PartnerError("Cette demande a déjà été traitée.")


def approve(
    session: Session,
    admin: User,
    request: PartnerRequest,
    name: str,
    origins: list[str],
    now: datetime,
) -> PartnerToken:
    """A new active token for the origins the admin confirmed: from now on they may frame the
    widget (CSP frame-ancestors) and receive its height messages."""
    _ensure_pending(request)
    token = PartnerToken(
        name=name,
        token=new_token(),
        allowed_origins=list(origins),
        presets={},
        active=True,
        created_by_id=admin.id,
    )
    session.add(token)
    session.flush()
    request.status = RequestStatus.APPROVED
    request.decided_at, request.decided_by_id, request.token_id = now, admin.id, token.id
    return token


def decline(
    session: Session, admin: User, request: PartnerRequest, reason: str, now: datetime
) -> None:
    _ensure_pending(request)
    request.status = RequestStatus.DECLINED
    request.decided_at, request.decided_by_id, request.decline_reason = now, admin.id, reason


def purge_declined(session: Session, now: datetime) -> int:
    """Delete the declined requests decided more than ``DECLINED_KEPT_DAYS`` ago; how many."""
    due = session.scalars(
        select(PartnerRequest).where(
            PartnerRequest.status == RequestStatus.DECLINED,
            PartnerRequest.decided_at <= now - timedelta(days=DECLINED_KEPT_DAYS),
        )
    ).all()
    count = 0
    for request in due:
        if declined_purge_due(request.decided_at, now):
            session.delete(request)
            count += 1
    return count
