"""Open-data commands: ``flask export data-inclusion OUTDIR`` and the imports
(``flask import data-inclusion|lheo|eaje FILE``)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.db import get_session

export_group = AppGroup("export", help="Exporter les données ouvertes.")


def public_base_url() -> str:
    return current_app.config.get("PUBLIC_URL") or "http://127.0.0.1:5000"


@export_group.command("data-inclusion")
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--inclure-demo", is_flag=True, help="Inclure les offres fictives de démonstration.")
def export_data_inclusion(outdir: Path, inclure_demo: bool) -> None:
    """Write structures and services in the data·inclusion schema v1 (JSON and CSV) to OUTDIR."""
    from app.api.datainclusion import build_export, exported_offers, write_files
    from app.geo.timezones import today_in_france

    today = today_in_france()
    base = public_base_url()
    offers = exported_offers(get_session(), today, include_demo=inclure_demo)
    export = build_export(offers, page_url=lambda offer_id: f"{base}/offre/{offer_id}", today=today)
    for path in write_files(export, outdir):
        click.echo(f"Écrit : {path}")
    click.echo(f"{len(export.structures)} structures et {len(export.services)} services exportés.")


def init_app(app: Flask) -> None:
    app.cli.add_command(export_group)
