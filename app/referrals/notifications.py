"""The emails referrals owe (:class:`ReferralMail` rows), handed to the mail server after the
change that caused them is committed. A refused send stays « pending » and is tried again by
``flask referrals daily`` (up to :data:`MAX_ATTEMPTS`), so an SMTP failure never loses a
referral nor its news.

A parent's own request (« Demander une place ») goes through the outgoing mail queue
(:mod:`app.core.outgoing`): rendered in the view's transaction, sent after the response.

Addresses are worked out at sending time from the referral (none is stored with the mail).
Structures get a signed link that lets them answer without an account (8 days); no personal
data is in any link. Subjects never name the parent."""

from __future__ import annotations

import logging
from contextlib import nullcontext
from dataclasses import dataclass

from flask import current_app, has_request_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts import policies
from app.accounts.tokens import REFERRAL_ANSWER, make_token
from app.core import outgoing
from app.core.mail import MailError, absolute_url, send_mail
from app.db import utcnow
from app.referrals import presenters, rules
from app.referrals.models import Referral, ReferralMail
from app.referrals.services import structure_addresses

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8

SUBJECTS = {
    ("new", "structure"): "Nouvelle orientation d’un parent vers « {offer} »",
    ("reminder", "structure"): "Rappel : une orientation attend votre réponse (« {offer} »)",
    ("message", "structure"): "Nouveau message sur une orientation (« {offer} »)",
    ("cancelled", "structure"): "Orientation annulée (« {offer} »)",
    ("link", "structure"): "Votre nouveau lien pour répondre à une orientation (« {offer} »)",
    ("answer", "prescripteur"): "{status} : réponse de « {offer} » à votre orientation",
    ("message", "prescripteur"): "Nouveau message de « {offer} » sur votre orientation",
    ("expired", "prescripteur"): "Orientation expirée sans réponse (« {offer} »)",
    ("decision", "parent"): "Votre demande de place : réponse de « {offer} »",
}
#: A parent's own request (« Demander une place »).
PARENT_SUBJECTS = {
    ("new", "structure"): "Un parent vous demande une place (« {offer} »)",
    ("reminder", "structure"): "Rappel : un parent attend votre réponse (« {offer} »)",
    ("link", "structure"): "Votre nouveau lien pour répondre à une demande de place (« {offer} »)",
    ("received", "parent"): "Votre demande de place est transmise à « {offer} »",
    ("answer", "parent"): "{status} : réponse de « {offer} » à votre demande de place",
    ("expired", "parent"): "Votre demande de place a expiré sans réponse (« {offer} »)",
}


def answer_link(referral: Referral) -> str:
    """The signed link a structure answers from (valid 8 days from now)."""
    return absolute_url(
        "referrals.answer_by_link", token=make_token(REFERRAL_ANSWER, {"r": referral.id})
    )


def _recipients(session: Session, mail: ReferralMail) -> list[str]:
    referral = mail.referral
    if referral.anonymised_at is not None:
        return []
    if mail.recipient == "structure":
        return structure_addresses(session, referral.offer)
    if mail.recipient == "prescripteur":
        prescriber = referral.prescriber
        return (
            [prescriber.email] if prescriber is not None and policies.is_active(prescriber) else []
        )
    if mail.recipient == "parent":
        return [referral.parent_email] if referral.parent_email else []
    return []


def _context(mail: ReferralMail) -> dict:
    referral = mail.referral
    last_text = next((e.text for e in reversed(referral.events) if e.text), "")
    context = {
        "referral": referral,
        "offer": referral.offer,
        "structure": referral.structure,
        "prescriber": referral.prescriber,
        "status_label": rules.STATUS_LABELS[referral.status],
        "refusal_label": rules.REFUSAL_REASONS.get(referral.refusal_reason, ""),
        "last_text": last_text,
        "reminder_number": referral.reminders_sent,
        "p": presenters,
    }
    if mail.recipient == "structure":
        context["link"] = answer_link(referral)
        context["link_days"] = REFERRAL_ANSWER[1] // 86400
    elif mail.recipient == "prescripteur":
        context["link"] = absolute_url("referrals.detail", referral_id=referral.id)
    else:
        context["privacy_url"] = absolute_url("referrals.privacy")
    return context


def _template(mail: ReferralMail) -> str:
    prefix = "place_request" if mail.referral.from_parent else "referral"
    return f"{prefix}_{mail.kind}_{mail.recipient}"


def _subject(mail: ReferralMail) -> str:
    referral = mail.referral
    template = (PARENT_SUBJECTS if referral.from_parent else SUBJECTS)[(mail.kind, mail.recipient)]
    return (
        template.format(offer=referral.offer.title, status=rules.STATUS_LABELS[referral.status])
        + " – Passerelle"
    )


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    without_address: int = 0


def deliver(session: Session, referral_id: int | None = None) -> DeliveryReport:
    """Send the pending mails (of one referral, or all); each outcome is committed at once."""
    report = DeliveryReport()
    query = select(ReferralMail).where(ReferralMail.status == "pending").order_by(ReferralMail.id)
    if referral_id is not None:
        query = query.where(ReferralMail.referral_id == referral_id)
    for mail in session.scalars(query).all():
        addresses = _recipients(session, mail)
        if not addresses:
            mail.status = "no-address"
            report.without_address += 1
            session.commit()
            continue
        try:
            with (
                nullcontext()
                if has_request_context()
                else current_app.test_request_context(
                    base_url=current_app.config.get("PUBLIC_URL") or "http://127.0.0.1:5000"
                )
            ):
                subject, context = _subject(mail), _context(mail)
                for address in addresses:
                    if mail.referral.from_parent:  # sent after the response, retried
                        outgoing.queue_mail(session, address, subject, _template(mail), **context)
                    else:
                        send_mail(address, subject, _template(mail), **context)
        except MailError as error:
            mail.attempts += 1
            # The class of the failure only: a server's message may quote the address.
            mail.last_error = type(error.__cause__ or error).__name__[:200]
            if mail.attempts >= MAX_ATTEMPTS:
                mail.status = "failed"
            report.failed += 1
            log.warning("referral mail %s not sent (attempt %s)", mail.id, mail.attempts)
        else:
            mail.status, mail.sent_at, mail.attempts = "sent", utcnow(), mail.attempts + 1
            report.sent += 1
        session.commit()
    if report.sent and not has_request_context():  # the daily command: no response to wait for
        outgoing.send_pending(session)
    return report


def deliver_quietly(session: Session, referral_id: int) -> bool:
    """:func:`deliver` after a view's commit: True when nothing is left pending. Never raises
    for a mail problem (the daily command retries)."""
    try:
        report = deliver(session, referral_id)
    except Exception:
        log.exception("referral mails of %s not delivered", referral_id)
        session.rollback()
        return False
    return report.failed == 0
