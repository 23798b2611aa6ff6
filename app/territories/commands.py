"""``flask import couverture FILE`` (the Caf coverage rates, all or nothing) and
``flask territoires suivi`` (the daily step that asks prescripteurs about outcomes)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app.core.outgoing import send_pending
from app.db import get_session, utcnow
from app.territories import coverage, outcomes

group = AppGroup("territoires", help="Territoires : suivi des parcours après un accueil.")

#: Errors printed at most (all are counted).
ERRORS_SHOWN = 50


@click.command("couverture")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_coverage(path: Path) -> None:
    """Taux de couverture de la Caf (par commune, EPCI ou département ; « ; », virgule
    décimale). Une seule ligne fausse et rien n’est importé."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = path.read_bytes().decode("cp1252")
        except UnicodeDecodeError:
            raise click.ClickException("Fichier illisible (ni UTF-8 ni Windows-1252).") from None
    lines, errors = coverage.parse(text)
    if errors:
        for error in errors[:ERRORS_SHOWN]:
            click.echo(f"Ligne {error.line} : {error.reason}", err=True)
        more = len(errors) - ERRORS_SHOWN
        if more > 0:
            click.echo(f"… et {more} autres erreurs.", err=True)
        raise click.ClickException(f"{len(errors)} ligne(s) en erreur : rien n’a été importé.")
    session = get_session()
    try:
        count = coverage.save(session, lines, source=path.name)
        session.commit()
    except Exception:
        session.rollback()
        raise
    click.echo(f"{count} taux de couverture importés ({lines[0].level}, {path.name}).")


@group.command("suivi")
def outcomes_command() -> None:
    """Chaque jour : demander aux prescripteurs, 3 et 6 mois après un accueil accepté, ce que
    devient le parent."""
    session = get_session()
    report = outcomes.ask_due(session, utcnow())
    session.commit()
    delivery = send_pending(session)
    click.echo(
        f"{report.asked} question(s) de suivi envoyée(s), {report.without_address} sans "
        f"destinataire ; courriels : {delivery.sent} envoyé(s), {delivery.failed} en échec."
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(group)
    imports = app.cli.commands.get("import")  # app.api.commands' group, registered before
    if isinstance(imports, click.Group):
        imports.add_command(import_coverage)
    else:
        app.cli.add_command(AppGroup("import", commands=[import_coverage]))
