"""Passerelle: the public directory of childcare for parents returning to work."""

from __future__ import annotations

import os
import sys
from typing import cast

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from app.config import PROJECT_ROOT, Settings


def create_app(config: Settings | dict | None = None) -> Flask:
    """The application. Its extensions, blueprints and commands are imported here, not at the
    top of this module: every module of the package loads this one first (as its parent), so
    ``import app.estimator`` stays free of Flask and of the other domains (no cycle is hidden:
    ``tests/test_layers.py`` allows function-local imports only in this composition root)."""
    if isinstance(config, Settings):
        settings = config
    else:
        settings = Settings.from_env()
        if config:
            settings.extra.update(config)
    # A ``flask`` command (not ``flask run``) serves nothing: no mail server needed to start.
    command_line = os.environ.get("FLASK_RUN_FROM_CLI") == "true" and "run" not in sys.argv[1:]
    settings.check(command_line=command_line)

    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    app.config.update(settings.as_flask_config())

    from app import cli, db, search
    from app.accounts import auth
    from app.core import backup, errors, filters, limits, mail, outgoing, request_log, security

    request_log.init_app(
        app
    )  # first: its clock starts before, and its line ends after, any other hook
    db.init_app(app)
    backup.init_app(app)  # the database's shared lock: no restore under this process
    search.init_app(app)
    security.init_app(app)
    filters.init_app(app)
    errors.init_app(app)
    limits.init_app(app)
    auth.init_app(app)
    mail.init_app(app)
    outgoing.init_app(app)

    from app.accounts.views import bp as accounts_bp
    from app.alerts import commands as alert_commands
    from app.alerts.views import bp as alerts_bp
    from app.api import commands as api_commands
    from app.api.views import bp as api_bp
    from app.api.views import pages as api_pages_bp
    from app.careers.views import bp as careers_bp
    from app.core.accessibility import bp as accessibility_bp
    from app.core.icons import bp as icons_bp
    from app.directory.views import bp as directory_bp
    from app.estimator_web.views import bp as estimator_bp
    from app.experiments import commands as experiment_commands
    from app.experiments.views import bp as experiments_bp
    from app.geo.views import bp as geo_bp
    from app.health import bp as health_bp
    from app.jobs import commands as job_commands
    from app.jobs.views import bp as jobs_bp
    from app.management import commands as management_commands
    from app.management.views import bp as management_bp
    from app.maps.views import bp as maps_bp
    from app.moderation.views import bp as moderation_bp
    from app.referrals import commands as referral_commands
    from app.referrals.views import bp as referrals_bp
    from app.territories import commands as territory_commands
    from app.territories.views import bp as territories_bp
    from app.widget.views import bp as widget_bp

    cast(DefaultJSONProvider, app.json).ensure_ascii = False  # French stays readable in JSON
    app.register_blueprint(directory_bp)
    app.register_blueprint(estimator_bp)
    app.register_blueprint(careers_bp)
    app.register_blueprint(geo_bp)
    app.register_blueprint(maps_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(api_pages_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(management_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(experiments_bp)
    app.register_blueprint(referrals_bp)
    app.register_blueprint(jobs_bp)
    app.register_blueprint(territories_bp)
    app.register_blueprint(alerts_bp)
    app.register_blueprint(widget_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(accessibility_bp)
    app.register_blueprint(icons_bp)
    management_commands.init_app(app)
    referral_commands.init_app(app)
    job_commands.init_app(app)
    alert_commands.init_app(app)
    cli.init_app(app)
    api_commands.init_app(app)
    territory_commands.init_app(app)
    experiment_commands.init_app(app)  # after the api's: it adds to « flask import »
    return app
