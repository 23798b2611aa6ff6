"""``flask alerts daily``: meant for cron, once a day (after ``flask referrals daily`` or
before, either way): purge, matching from the change log, digests, reminders, emails sent."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.alerts import services
from app.core.outgoing import send_pending
from app.db import get_session, utcnow
from app.geo.timezones import today_in_france

group = AppGroup("alerts", help="Alertes : offres nouvelles ou avec des places, par courriel.")


def run_daily(echo=click.echo) -> services.DailyReport:
    session = get_session()
    report = services.run_daily(session, utcnow(), today_in_france())
    delivery = send_pending(session)
    if report.baseline:
        echo("Alertes : premier passage, état des offres enregistré (rien à envoyer).")
    echo(
        f"Alertes : {report.changes} modification(s) lue(s) pour {report.offers} offre(s), "
        f"{report.matches} correspondance(s), {report.digests} courriel(s) de synthèse, "
        f"{report.reminders} rappel(s) d’échéance, {report.purged} alerte(s) supprimée(s)."
    )
    echo(f"Courriels : {delivery.sent} envoyé(s), {delivery.failed} en échec.")
    return report


@group.command("daily")
def daily_command() -> None:
    """Offres apparues ou avec de nouvelles places : un courriel par destinataire, rappels
    avant échéance, alertes expirées ou jamais confirmées supprimées."""
    run_daily()


def init_app(app: Flask) -> None:
    app.cli.add_command(group)
