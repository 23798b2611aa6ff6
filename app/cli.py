"""Flask commands: migrations, demo data, search index, backup and restore, mails to send."""

from __future__ import annotations

import os
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from app import migrate
from app.accounts.demo import DEMO_PASSWORD, create_demo_accounts
from app.core.backup import (
    RESTORE_NOT_SQLITE,
    BackupError,
    DatabaseLock,
    backup_sqlite,
    restore_sqlite,
    sqlite_path,
)
from app.core.outgoing import send_pending
from app.db import get_session
from app.directory.demo import DEMO_MIX, NATIONAL_MIX, generate_demo
from app.directory.models import Offer
from app.jobs.demo import create_demo_jobs
from app.referrals import notifications
from app.referrals.demo import create_demo_referrals
from app.search import get_index


def database_is_empty() -> bool:
    return (get_session().scalar(select(func.count(Offer.id))) or 0) == 0


#: From this size on, demo data follows France's real proportions of kinds (NATIONAL_MIX:
#: 88 % childminders); below, every kind is well represented (DEMO_MIX).
NATIONAL_FROM = 20_000


def load_demo(offers: int, seed: int, echo=click.echo, mix: str = "auto") -> None:
    national = mix == "national" or (mix == "auto" and offers >= NATIONAL_FROM)

    session = get_session()
    started = time.perf_counter()
    with click.progressbar(length=offers, label="Données de démonstration", file=None) as bar:
        done = [0]

        def progress(made: int) -> None:
            bar.update(made - done[0])
            done[0] = made

        report = generate_demo(
            session,
            offers=offers,
            seed=seed,
            progress=progress,
            mix=NATIONAL_MIX if national else DEMO_MIX,
        )
    echo(
        f"{report.offers} offres fictives et {report.real_courses} formations réelles chargées "
        f"({report.structures} structures) en {time.perf_counter() - started:.1f} s."
    )
    if current_app.config.get("PASSERELLE_ENV") != "production":
        for user in create_demo_accounts(session):
            echo(
                f"Compte de démonstration : {user.email} ({user.role_label}), "
                f"mot de passe « {DEMO_PASSWORD} »"
            )
        if jobs := create_demo_jobs(session):
            echo(
                f"{jobs} besoins de recrutement de démonstration et deux propositions de la "
                "SIAE de démonstration (bourse de l’emploi)."
            )
        if made := create_demo_referrals(session):
            echo(
                f"{made} orientations de démonstration (parents fictifs) "
                "du prescripteur vers le gestionnaire."
            )


def rebuild_index(echo=click.echo) -> None:
    started = time.perf_counter()
    # Two writer processes on a multi-core machine (safe here: a command, not a web worker).
    count = get_index().rebuild(get_session(), procs=min(2, os.cpu_count() or 1))
    echo(
        f"Index de recherche reconstruit : {count} offres en {time.perf_counter() - started:.1f} s."
    )


mail_group = AppGroup("mail", help="Courriels : envoyer ceux qui attendent.")


@mail_group.command("send-pending")
def send_pending_command() -> None:
    """Send the queued emails due (first tries, retries after their delay, those left by a
    stopped process), the referrals' pending ones first queued: for cron, every few minutes."""
    session = get_session()
    notifications.queue_pending(session)
    session.commit()
    report = send_pending(session)
    click.echo(
        f"Courriels : {report.sent} envoyé(s), {report.failed} en échec (réessayés au prochain "
        f"passage), {report.waiting} en attente d’un nouvel essai."
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(mail_group)

    @app.cli.command("db-upgrade")
    def db_upgrade() -> None:
        """Apply the database migrations."""
        migrate.upgrade(current_app.config["DATABASE_URL"])
        click.echo("Base de données à jour.")

    @app.cli.command("demo-data")
    @click.option("--offers", default=3000, show_default=True, help="Nombre d’offres fictives.")
    @click.option("--seed", default=2022, show_default=True)
    @click.option("--force", is_flag=True, help="Charger même si la base contient déjà des offres.")
    @click.option(
        "--mix",
        type=click.Choice(["auto", "demo", "national"]),
        default="auto",
        show_default=True,
        help="Proportions des types d’offres : national = proportions réelles "
        f"(par défaut à partir de {NATIONAL_FROM} offres).",
    )
    def demo_data(offers: int, seed: int, force: bool, mix: str) -> None:
        """Fill an empty database with fictitious demo data and rebuild the index."""
        if not force and not database_is_empty():
            raise click.ClickException("La base contient déjà des offres (utilisez --force).")
        load_demo(offers, seed, mix=mix)
        rebuild_index()

    @app.cli.command("reindex")
    def reindex() -> None:
        """Rebuild the search index from the database."""
        rebuild_index()

    @app.cli.command("sync-index")
    def sync_index() -> None:
        """Apply pending changes from the change log to the search index."""
        count = get_index().sync(get_session(), wait=60)
        click.echo(f"{count} offres réindexées.")

    @app.cli.command("backup")
    @click.argument("outfile", type=click.Path(dir_okay=False, path_type=Path))
    def backup(outfile: Path) -> None:
        """Consistent online copy of the SQLite database (SQLite's backup API) to OUTFILE."""
        try:
            report = backup_sqlite(current_app.config["DATABASE_URL"], outfile)
        except BackupError as error:
            raise click.ClickException(str(error)) from error
        click.echo(
            f"Sauvegarde vérifiée : {report.path} ({report.size_bytes // 1024} Kio, "
            f"{report.offers} offres, schéma {report.revision})."
        )

    @app.cli.command("restore")
    @click.argument("backup_file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
    @click.confirmation_option(
        "--oui",
        prompt="Remplacer tout le contenu de la base par cette sauvegarde ?",
        help="Ne pas demander de confirmation.",
    )
    def restore(backup_file: Path) -> None:
        """Replace the SQLite database by BACKUP_FILE, migrate it, rebuild the search index.
        Refused while another process of the app (the running service) holds the database."""
        url = current_app.config["DATABASE_URL"]
        database = sqlite_path(url)
        lock = current_app.extensions.get("database_lock") or (
            DatabaseLock(database) if database else None
        )
        try:
            if lock is None:  # not SQLite: say what to use instead
                raise BackupError(RESTORE_NOT_SQLITE)
            with lock.exclusive():
                report = restore_sqlite(backup_file, url)
                migrate.upgrade(url)
                click.echo(f"Base restaurée depuis {backup_file} ({report.offers} offres).")
                rebuild_index()
        except BackupError as error:
            raise click.ClickException(str(error)) from error
