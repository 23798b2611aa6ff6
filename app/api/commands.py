"""Open-data commands: ``flask export data-inclusion OUTDIR`` and the imports
(``flask import data-inclusion|lheo|eaje|bpe FILE``, ``flask import csv FILE --correspondance
MAPPING``)."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.api.datainclusion import build_export, exported_offers, write_files
from app.api.imports import READERS, ImportFileError, ReadResult, apply_items, read_mapped
from app.db import get_session
from app.geo.timezones import today_in_france
from app.jobs import bmo
from app.jobs import commands as job_commands
from app.search import get_index

export_group = AppGroup("export", help="Exporter les données ouvertes.")


def public_base_url() -> str:
    return current_app.config.get("PUBLIC_URL") or "http://127.0.0.1:5000"


@export_group.command("data-inclusion")
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--inclure-demo", is_flag=True, help="Inclure les offres fictives de démonstration.")
def export_data_inclusion(outdir: Path, inclure_demo: bool) -> None:
    """Write structures and services in the data·inclusion schema v1 (JSON and CSV) to OUTDIR."""
    today = today_in_france()
    base = public_base_url()
    offers = exported_offers(get_session(), today, include_demo=inclure_demo)
    export = build_export(offers, page_url=lambda offer_id: f"{base}/offre/{offer_id}", today=today)
    for path in write_files(export, outdir):
        click.echo(f"Écrit : {path}")
    click.echo(f"{len(export.structures)} structures et {len(export.services)} services exportés.")


import_group = AppGroup(
    "import", help="Importer des offres depuis des fichiers de données ouvertes."
)


def run_import(
    fmt: str, path: Path, reader: Callable[[Path], ReadResult] | None = None, measure: bool = False
) -> None:
    """Read the whole file first (nothing applied if it cannot be read), upsert in one
    transaction with a progress bar, commit, re-index what changed, print the report (and,
    with ``measure``, the time of each step and the peak resident memory of the process)."""
    started = time.perf_counter()
    try:
        read = (reader or READERS[fmt])(path)
    except ImportFileError as error:
        raise click.ClickException(f"{error} Rien n’a été importé.") from None
    read_at = time.perf_counter()
    session = get_session()
    try:
        with click.progressbar(length=len(read.items), label=f"Import {fmt}", file=None) as bar:
            report = apply_items(session, fmt, read, progress=bar.update, today=today_in_france())
        session.commit()
    except Exception as error:
        session.rollback()
        raise click.ClickException(
            f"Import interrompu ({error.__class__.__name__}) : rien n’a été importé."
        ) from error
    committed_at = time.perf_counter()
    reindexed = get_index().sync(session, wait=600 if measure else 60)
    searchable_at = time.perf_counter()
    click.echo(f"Import {fmt} de {path.name} terminé.")
    for line in report.lines():
        click.echo(line)
    click.echo(f"{reindexed} offres réindexées.")
    if measure:
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
        click.echo(
            f"Mesures : lecture {read_at - started:.1f} s, "
            f"écriture {committed_at - read_at:.1f} s, "
            f"indexation {searchable_at - committed_at:.1f} s, cherchable après "
            f"{searchable_at - started:.1f} s ; pic mémoire du processus {peak_mb:.0f} Mo."
        )


_MEASURE = click.option(
    "--mesurer", "measure", is_flag=True, help="Afficher les durées et le pic de mémoire."
)


@import_group.command("data-inclusion")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@_MEASURE
def import_data_inclusion(path: Path, measure: bool) -> None:
    """Import services (with their structures) in the data·inclusion schema: a services.json or
    services.csv file (its sibling structures file is read too) or a folder holding them."""
    run_import("data-inclusion", path, measure=measure)


@import_group.command("lheo")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_lheo(path: Path) -> None:
    """Import training offers from an LHEO XML file (formation → action → session)."""
    run_import("lheo", path)


@import_group.command("eaje")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_eaje(path: Path) -> None:
    """Import a Caf-style CSV list of crèches (UTF-8 or Latin-1; columns in the README)."""
    run_import("eaje", path)


@import_group.command("bmo")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_bmo(path: Path) -> None:
    """Import France Travail's « Besoins en main-d'œuvre » yearly file (CSV; its early-childhood
    lines only; columns in the README): the tension page shows the share of difficult projects."""
    try:
        read = bmo.read_file(path)
    except bmo.BmoFileError as error:
        raise click.ClickException(f"{error} Rien n’a été importé.") from None
    session = get_session()
    years = job_commands.import_bmo(session, read)
    session.commit()
    kept = ", ".join(f"{year} : {count} lignes" for year, count in sorted(years.items()))
    click.echo(
        f"BMO importé ({kept or 'aucune ligne petite enfance'}) ; "
        f"{read.skipped_other_jobs} lignes d’autres métiers ignorées."
    )


@import_group.command("bpe")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_bpe(path: Path) -> None:
    """Import the early-childhood lines (EAJE, relais petite enfance) of INSEE's BPE file."""
    run_import("bpe", path)


@import_group.command("csv")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--correspondance",
    "mapping",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Fichier TOML de correspondance des colonnes (voir docs/mappings/).",
)
def import_csv(path: Path, mapping: Path) -> None:
    """Import any CSV list of places described by a column mapping file (TOML)."""
    run_import("csv", path, reader=lambda p: read_mapped(p, mapping))


def init_app(app: Flask) -> None:
    app.cli.add_command(export_group)
    app.cli.add_command(import_group)
