"""CLI commands of offer management: ``flask remind-stale-offers``."""

from __future__ import annotations

import click
from flask import Flask, current_app, url_for

from app.core.outgoing import queue_mail, send_pending
from app.db import get_session, utcnow
from app.geo.timezones import today_in_france
from app.management import reminders

SUBJECT = "Vos offres sont-elles à jour ? – Passerelle"


def _base_url() -> str:
    return current_app.config.get("PUBLIC_URL") or "http://127.0.0.1:5000"


def remind_stale_offers(echo=click.echo) -> int:
    """Email each manager the published offers of theirs not updated for 3 months, at most once
    per 30 days per offer (``Offer.reminded_at``). Idempotent: a second run the same day sends
    nothing. The emails are queued in the transaction that marks the offers, then sent; one the
    mail server refuses stays in the queue and is retried (:mod:`app.core.outgoing`). Returns
    the number of emails queued."""
    session = get_session()
    now, today = utcnow(), today_in_france()
    plan = reminders.plan_reminders(session, today, now)
    queued, reminded = 0, set()
    with current_app.test_request_context(base_url=_base_url()):
        for user, offers in plan.by_manager.values():
            links = [
                (o, url_for("management.edit_offer", offer_id=o.id, _external=True)) for o in offers
            ]
            queue_mail(
                session,
                user.email,
                SUBJECT,
                "stale_offer",
                user=user,
                offers=links,
                list_url=url_for("management.offers", a_verifier=1, _external=True),
            )
            queued += 1
            fresh = [o.id for o in offers if o.id not in reminded]
            reminders.mark_reminded(session, fresh, now)
            reminded.update(fresh)
    session.commit()
    failed = send_pending(session).failed
    s = "s" if queued > 1 else ""
    echo(
        f"{queued} courriel{s} de rappel envoyé{s} "
        f"pour {len(reminded)} offre{'s' if len(reminded) > 1 else ''} à vérifier."
    )
    if plan.unmanaged:
        n = len(plan.unmanaged)
        echo(f"{n} offre{'s' if n > 1 else ''} à vérifier sans gestionnaire à prévenir.")
    if failed:
        echo(
            f"{failed} courriel(s) refusé(s) par le serveur de courriel pour l’instant : "
            "réessayé(s) par « flask mail send-pending ».",
            err=True,
        )
    return queued


def init_app(app: Flask) -> None:
    @app.cli.command("remind-stale-offers")
    def remind_stale_offers_command() -> None:
        """Email the managers of published offers not updated for 3 months (once per 30 days)."""
        remind_stale_offers()
