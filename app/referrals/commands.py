"""``flask referrals daily`` (reminders, expiry, purge — of referrals and of declined partner
token requests —, emails to retry, and the search change log's applied rows pruned) and
``flask referrals purge``: meant for cron, once a day; each step is its own transaction and a
second run the same day does nothing more."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.core.outgoing import send_pending
from app.db import get_session, utcnow
from app.referrals import notifications, services
from app.search import prune_changes
from app.widget.services import purge_declined as purge_declined_partner_requests

group = AppGroup(
    "referrals", help="Orientations : rappels, expiration, purge des données personnelles."
)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


def run_daily(echo=click.echo) -> services.DailyReport:
    session = get_session()
    now = utcnow()
    report = services.DailyReport()
    report.reminders = services.send_reminders(session, now)
    session.commit()
    report.expired = services.expire(session, now)
    session.commit()
    report.anonymised, report.access_lines_deleted = services.purge(
        session, now, current_app.config["REFERRAL_RETENTION_DAYS"]
    )
    session.commit()
    declined_partners = purge_declined_partner_requests(session, now)
    session.commit()
    pruned = prune_changes(session, now)
    session.commit()
    queued = notifications.queue_pending(session)
    session.commit()
    delivery = send_pending(session)
    echo(
        f"{_plural(report.reminders, 'rappel')} à envoyer, "
        f"{_plural(report.expired, 'orientation')} expirée(s), "
        f"{_plural(report.anonymised, 'orientation')} anonymisée(s), "
        f"{_plural(report.access_lines_deleted, 'ligne')} du journal d’accès supprimée(s), "
        f"{_plural(declined_partners, 'demande')} de jeton refusée(s) effacée(s)."
    )
    echo(
        f"Courriels : {delivery.sent} envoyé(s), {delivery.failed} en échec (réessayés au "
        "prochain passage), "
        f"{queued.without_address} sans destinataire."
    )
    echo(
        "Index de recherche illisible : journal des modifications non purgé."
        if pruned is None
        else f"Journal des modifications de la recherche : {_plural(pruned, 'ligne')} "
        "appliquée(s) supprimée(s)."
    )
    return report


@group.command("daily")
def daily_command() -> None:
    """Rappels à 3 et 7 jours, expiration à 30 jours, purge, courriels en attente, journal des
    modifications de la recherche déjà appliquées."""
    run_daily()


@group.command("purge")
@click.option(
    "--jours",
    "days",
    type=click.IntRange(min=1),
    default=None,
    help="Durée de conservation après la clôture (par défaut REFERRAL_RETENTION_DAYS).",
)
def purge_command(days: int | None) -> None:
    """Efface les données personnelles des orientations closes depuis plus que la durée de
    conservation."""
    session = get_session()
    retention = days or current_app.config["REFERRAL_RETENTION_DAYS"]
    anonymised, deleted = services.purge(session, utcnow(), retention)
    session.commit()
    click.echo(
        f"{_plural(anonymised, 'orientation')} anonymisée(s) (closes depuis plus de {retention} "
        "jours), "
        f"{_plural(deleted, 'ligne')} du journal d’accès supprimée(s)."
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(group)
