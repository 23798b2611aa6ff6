"""The emails referrals owe (:class:`ReferralMail` rows, saved with the change that causes
them), rendered into the app's outgoing queue (:mod:`app.core.outgoing`) by the view right after
its commit: they leave after the response, so no answer waits for the mail server, and a
refused send is retried there with a growing delay; an SMTP failure never loses a referral nor
its news. Rows a stopped process left « pending » are queued by ``flask referrals daily`` and
``flask mail send-pending``.

A parent's own request (« Demander une place ») goes the same way.

Addresses are worked out at sending time from the referral (none is stored with the mail).
Structures get a signed link that lets them answer without an account (8 days); no personal
data is in any link. Subjects never name the parent."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass

from flask import current_app, has_request_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts import policies
from app.accounts.tokens import REFERRAL_ANSWER, make_token
from app.core.mail import absolute_url
from app.core.outgoing import queue_mail
from app.db import utcnow
from app.referrals import presenters, rules
from app.referrals.models import Referral, ReferralMail
from app.referrals.services import structure_addresses

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
class QueueReport:
    queued: int = 0
    without_address: int = 0


def queue_pending(session: Session, referral_id: int | None = None) -> QueueReport:
    """Render the pending mails (of one referral, or all) into the outgoing queue
    (:mod:`app.core.outgoing`), in the caller's transaction: they are sent after the response
    and retried there. Needs no request: outside one, links are built on ``PUBLIC_URL``."""
    report = QueueReport()
    query = select(ReferralMail).where(ReferralMail.status == "pending").order_by(ReferralMail.id)
    if referral_id is not None:
        query = query.where(ReferralMail.referral_id == referral_id)
    for mail in session.scalars(query).all():
        addresses = _recipients(session, mail)
        if not addresses:
            mail.status = "no-address"
            report.without_address += 1
            continue
        with (
            nullcontext()
            if has_request_context()
            else current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"])
        ):
            subject, context = _subject(mail), _context(mail)
            for address in addresses:
                queue_mail(session, address, subject, _template(mail), **context)
        mail.status, mail.sent_at = "queued", utcnow()
        report.queued += 1
    return report
