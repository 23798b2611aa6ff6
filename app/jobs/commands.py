"""``flask jobs daily`` (the job exchange's follow-up, run once a day by cron) and the BMO
import behind ``flask import bmo FILE`` (:func:`import_bmo`)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.core.outgoing import send_pending
from app.db import get_session, utcnow
from app.jobs import bmo, services
from app.jobs.models import BmoFigure

group = AppGroup("jobs", help="Bourse de l’emploi petite enfance.")


@group.command("daily")
def daily_command() -> None:
    """Rappels et fermeture des besoins sans mise à jour, rappels et expiration des
    propositions sans réponse, courriels en attente."""
    session = get_session()
    # Emails are rendered like pages (links on PUBLIC_URL): in a request context of our own.
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        report = services.daily(session, utcnow())
    session.commit()
    delivery = send_pending(session)
    click.echo(
        f"Besoins : {report.need_reminders} rappel(s), {report.needs_closed} fermé(s) faute de "
        f"mise à jour. Propositions : {report.proposal_reminders} rappel(s), "
        f"{report.proposals_expired} expirée(s). Courriels : {delivery.sent} envoyé(s)."
    )


def import_bmo(session: Session, read: bmo.BmoRead) -> dict[int, int]:
    """Replace the figures of each year the file holds (one transaction, the caller commits);
    returns the number of lines kept per year."""
    years: dict[int, int] = {}
    for line in read.lines:
        years[line.year] = years.get(line.year, 0) + 1
    for year in years:
        session.execute(delete(BmoFigure).where(BmoFigure.year == year))
    merged: dict[tuple[int, str, str], BmoFigure] = {}
    for line in read.lines:
        key = (line.year, line.bassin_code, line.job_code)
        figure = merged.get(key)
        if figure is None:
            figure = merged[key] = BmoFigure(
                year=line.year,
                departement_code=line.departement_code,
                bassin_code=line.bassin_code,
                bassin_name=line.bassin_name,
                job_code=line.job_code,
                job_label=line.job_label,
                projects=0,
                difficult=0,
                seasonal=0,
            )
            session.add(figure)
        figure.projects += line.projects
        figure.difficult += line.difficult
        figure.seasonal += line.seasonal
    return years


def init_app(app: Flask) -> None:
    app.cli.add_command(group)
