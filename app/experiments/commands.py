"""``flask import population-age FILE``: replace the cost model's groups of the départements
in the file (columns in :mod:`app.experiments.population_csv` and the README)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app.db import get_session
from app.experiments import services
from app.experiments.model import departement_names
from app.experiments.population_csv import read_population_csv


@click.command("population-age")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", default="", help="D’où viennent ces chiffres (affiché avec eux).")
def import_population(path: Path, source: str) -> None:
    """Replace the AGE cost model's population groups of the départements in a CSV file."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise click.ClickException(f"Fichier illisible ({error}). Rien n’a été importé.") from None
    groups, errors = read_population_csv(text, set(departement_names()))
    if errors:
        for line in errors[:20]:
            click.echo(line, err=True)
        raise click.ClickException(f"{len(errors)} erreur(s) : rien n’a été importé.")
    session = get_session()
    counts = services.replace_population(
        session, groups, source or f"Import local du fichier {path.name}"
    )
    session.commit()
    for code, count in counts.items():
        click.echo(f"Département {code} : {count} groupes importés.")


def init_app(app: Flask) -> None:
    group = app.cli.commands.get("import")
    if not isinstance(group, AppGroup):
        group = AppGroup("import", help="Importer des données.")
        app.cli.add_command(group)
    group.add_command(import_population)
