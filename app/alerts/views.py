"""Alert pages: save the search shown (« Créer une alerte »), the parent's confirmation,
renewal and unsubscription by signed link (with RFC 8058's one-click POST), and the
prescripteur's own list in « Mon espace ». Thin views: rules in :mod:`.rules`, work in
:mod:`.services`; an alert fetched by id is the account's own or a 404."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from app.accounts.auth import current_user, role_required
from app.accounts.models import Role
from app.accounts.tokens import ALERT_CONFIRM, ALERT_LINK, TokenError, read_token
from app.alerts import rules, services
from app.alerts.forms import ButtonForm, ParentAlertForm
from app.core.limits import email_key, limiter
from app.core.security import csrf
from app.db import get_session, utcnow
from app.directory.criteria import PAGE, parse_criteria

bp = Blueprint("alerts", __name__)


def _is_prescripteur() -> bool:
    return current_user.is_authenticated and current_user.role in (Role.PRESCRIPTEUR, Role.ADMIN)


def _save_key() -> str:
    """Per account when logged in, else per address typed (as well as per IP)."""
    if current_user.is_authenticated:
        return f"account:{current_user.id}"
    return email_key()


def _logged_in() -> bool:
    """An account has its own limit: an office's colleagues share one IP address."""
    return bool(current_user.is_authenticated)


def _save_limit() -> str:
    return rules.SAVE_LIMIT_ACCOUNT if current_user.is_authenticated else rules.SAVE_LIMIT_EMAIL


@bp.route("/alertes/nouvelle", methods=["GET", "POST"])
@limiter.limit(rules.SAVE_LIMIT_IP, methods=["POST"], exempt_when=_logged_in)
@limiter.limit(_save_limit, methods=["POST"], key_func=_save_key)
def new():
    """The search of the query string, as ``/recherche`` parsed it, saved as an alert."""
    parsed = parse_criteria(request.args, PAGE)
    commune = services.commune_of(parsed)
    account = _is_prescripteur()
    form = ButtonForm() if account else ParentAlertForm()
    limit_reached = False
    if commune is not None and form.validate_on_submit():
        session, now = get_session(), utcnow()
        try:
            if account:
                services.save_for_account(session, current_user, parsed.criteria, commune, now)
            else:
                services.save_for_email(session, form.email.data, parsed.criteria, commune, now)
        except services.AlertLimitReached:
            limit_reached = True
        else:
            session.commit()
            if not account:
                return redirect(url_for(".sent"), 303)
            flash("Alerte enregistrée : vous recevrez au plus un courriel par jour.")
            return redirect(url_for(".mine"), 303)
    refused = form.errors or limit_reached or (request.method == "POST" and commune is None)
    return render_template(
        "alerts/new.html",
        form=form,
        account=account,
        commune=commune,
        errors=parsed.errors,
        label=rules.label(parsed.criteria, commune.name) if commune else "",
        search_url=f"{url_for('directory.search')}?{request.query_string.decode('latin-1')}",
        lifetime_months=rules.LIFETIME_MONTHS,
        limit_reached=limit_reached,
        max_per_account=rules.MAX_PER_ACCOUNT,
    ), (422 if refused else 200)


@bp.get("/alertes/envoyee")
def sent():
    return render_template("alerts/sent.html", days=rules.CONFIRM_WITHIN.days)


def _linked(kind, token: str):
    """The alerts a signed link names, or the page saying the link no longer works."""
    try:
        payload = read_token(kind, token)
    except TokenError as error:
        abort(410 if error.expired else 404)
    return services.alerts_of(get_session(), payload)


@bp.route("/alertes/confirmer/<token>", methods=["GET", "POST"])
def confirm(token: str):
    alerts = _linked(ALERT_CONFIRM, token)
    if not alerts:
        abort(404)
    form = ButtonForm()
    if form.validate_on_submit():
        services.confirm(get_session(), alerts, utcnow())
        get_session().commit()
        return render_template("alerts/done.html", what="confirmed", alerts=alerts)
    if all(a.confirmed_at for a in alerts):
        return render_template("alerts/done.html", what="confirmed", alerts=alerts)
    return render_template("alerts/link.html", what="confirm", alerts=alerts, form=form)


@bp.route("/alertes/renouveler/<token>", methods=["GET", "POST"])
def renew(token: str):
    alerts = _linked(ALERT_LINK, token)
    if not alerts:
        abort(404)
    form = ButtonForm()
    if form.validate_on_submit():
        services.renew(alerts, utcnow())
        get_session().commit()
        return render_template("alerts/done.html", what="renewed", alerts=alerts)
    return render_template("alerts/link.html", what="renew", alerts=alerts, form=form)


@bp.route("/alertes/desinscription/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    alerts = _linked(ALERT_LINK, token)
    form = ButtonForm()
    if alerts and form.validate_on_submit():
        services.unsubscribe(get_session(), alerts)
        get_session().commit()
        alerts = []
        return render_template("alerts/done.html", what="unsubscribed", alerts=alerts)
    if not alerts:  # already done: say so rather than an error
        return render_template("alerts/done.html", what="unsubscribed", alerts=alerts)
    return render_template("alerts/link.html", what="unsubscribe", alerts=alerts, form=form)


@bp.post("/alertes/desinscription/<token>/un-clic")
@csrf.exempt
def unsubscribe_one_click(token: str):
    """RFC 8058: the mail client POSTs ``List-Unsubscribe=One-Click`` to the header's link,
    without cookies or page: the signed token is the authority (no CSRF token can exist)."""
    alerts = _linked(ALERT_LINK, token)
    services.unsubscribe(get_session(), alerts)
    get_session().commit()
    return "Désinscription enregistrée.", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/compte/alertes")
@role_required(Role.PRESCRIPTEUR)
def mine():
    alerts = services.account_alerts(get_session(), current_user.id)
    return render_template("alerts/mine.html", alerts=alerts, form=ButtonForm(), now=utcnow())


@bp.post("/compte/alertes/<int:alert_id>/supprimer")
@role_required(Role.PRESCRIPTEUR)
def delete(alert_id: int):
    return _change(alert_id, delete=True)


@bp.post("/compte/alertes/<int:alert_id>/renouveler")
@role_required(Role.PRESCRIPTEUR)
def renew_own(alert_id: int):
    return _change(alert_id, delete=False)


def _change(alert_id: int, delete: bool):
    session = get_session()
    alert = services.own_alert(session, current_user.id, alert_id)
    if alert is None:
        abort(404)
    if ButtonForm().validate_on_submit():
        if delete:
            services.unsubscribe(session, [alert])
            flash("Alerte supprimée.")
        else:
            services.renew([alert], utcnow())
            flash(f"Alerte renouvelée pour {rules.LIFETIME_MONTHS} mois.")
        session.commit()
    return redirect(url_for(".mine"), 303)
