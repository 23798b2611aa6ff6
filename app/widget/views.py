"""The partner widget (``/widget/recherche``, ``/widget/estimateur``), the ``/integrer`` page
and the admin pages of partner tokens (``/admin/partenaires``)."""

from __future__ import annotations

import re
from dataclasses import replace

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.accounts.auth import role_required
from app.accounts.models import Role
from app.core.rendering import render_page_or_fragment
from app.core.security import content_security_policy, tiles_origin
from app.db import get_session, utcnow
from app.directory import presenters
from app.directory.criteria import PAGE, ParsedCriteria, parse_criteria
from app.directory.forms import SearchForm
from app.directory.queries import SearchOutcome
from app.estimator_web.services import evaluate
from app.geo import get_commune, get_departement
from app.geo.timezones import today_in_france
from app.search import catch_up, get_index, results_incomplete
from app.search.services import map_points, search_directory, search_place
from app.widget.forms import EmbedForm, PartnerForm, StatusForm
from app.widget.models import PartnerToken
from app.widget.rules import frame_ancestors, new_token, origin_allowed, widget_query

bp = Blueprint("widget", __name__)
WIDGET_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")
#: Seconds a browser or proxy may keep a map's points (as on /recherche/carte.json).
MAP_MAX_AGE = 60

# ---- the widget -----------------------------------------------------------------------------


def _partner() -> tuple[PartnerToken | None, bool]:
    """(token, preview): an active token named in the URL, or our own /integrer preview."""
    if request.args.get("apercu") == "1" and not request.args.get("token"):
        return None, True
    value = request.args.get("token") or ""
    # Only a token's own characters reach the database (PostgreSQL refuses a NUL in a string).
    valid = TOKEN_SHAPE.fullmatch(value) is not None
    token = (
        get_session().scalar(select(PartnerToken).where(PartnerToken.token == value))
        if valid
        else None
    )
    return (token if token is not None and token.active else None), False


def _refused():
    html = render_template("widget/refused.html", layout="widget/base.html")
    # The message itself may show in any frame: it is what the partner needs to see.
    return html, 403, {"Content-Security-Policy": content_security_policy("*")}


def _render(
    token: PartnerToken | None, page: str, fragment: str, hidden: list[tuple[str, str]], **context
):
    """The widget's page or fragment, framed by the token's origins only."""
    response = render_page_or_fragment(
        page,
        fragment,
        layout="widget/base.html",
        widget=True,
        widget_hidden=hidden,
        **_messaging(token),
        **context,
    )
    ancestors = frame_ancestors(token.allowed_origins if token else [])
    tiles = tiles_origin(current_app.config.get("MAP_TILES_URL") or "")
    response.headers["Content-Security-Policy"] = content_security_policy(ancestors, tiles)
    return response


def _messaging(token: PartnerToken | None) -> dict:
    """Where widget.js may post its height: the page's origin given by embed.js, when the token
    allows it; and the widget's id on that page (several widgets can share one page)."""
    parent = (request.args.get("parent") or "")[:200]
    widget_id = request.args.get("id") or ""
    allowed = token is not None and origin_allowed(parent, token.allowed_origins)
    return {
        "parent_origin": parent if allowed else "",
        "widget_id": widget_id if WIDGET_ID.match(widget_id) else "",
    }


def _args_with_presets(token: PartnerToken | None) -> MultiDict:
    """The URL's criteria, the token's presets as defaults; a preset commune is shown as the
    place typed, so that the parent can change it."""
    args = MultiDict(request.args)
    if token is not None and not any(k in args for k in ("lieu", "code_insee", "departement")):
        for key, value in token.presets.items():
            if key not in args:
                args.setlist(key, value if isinstance(value, list) else [value])
    if "lieu" not in args and args.get("code_insee"):
        commune = get_commune(args.get("code_insee", "").upper())
        if commune is not None:
            args["lieu"] = commune.label
            args.poplist("code_insee")
    return args


def _hidden(args: MultiDict, *names: str) -> list[tuple[str, str]]:
    return [(name, value) for name in names if (value := args.get(name))]


def _criteria(token: PartnerToken | None) -> tuple[MultiDict, ParsedCriteria]:
    """The URL's criteria with the token's presets; a département preset kept when it exists."""
    args = _args_with_presets(token)
    departement = args.get("departement", "").upper()
    parsed = parse_criteria(args, PAGE)
    criteria = replace(
        parsed.criteria, departement=departement if get_departement(departement) else None
    )
    return args, replace(parsed, criteria=criteria)


@bp.get("/widget/recherche")
def search():
    token, preview = _partner()
    if token is None and not preview:
        return _refused()
    session = get_session()
    catch_up(session)
    args, parsed = _criteria(token)
    outcome = search_directory(
        session, get_index(), parsed.criteria, today_in_france(), current_app.config["PAGE_SIZE"]
    )
    as_map = args.get("vue") == "carte"
    return _render(
        token,
        "directory/search.html",
        "directory/_results.html",
        _hidden(args, "token", "apercu", "parent", "id", "departement"),
        search_url=url_for("widget.search"),
        outcome=outcome,
        form=SearchForm.showing(args, parsed.errors),
        view=presenters.SearchView(outcome, args, path=url_for("widget.search")),
        map_view=_map_view(session, outcome) if as_map else None,
        map_points_url=url_for("widget.search_map_points"),
        index_incomplete=results_incomplete(),
    )


@bp.get("/widget/recherche/carte.json")
def search_map_points():
    """The widget's map points: the same criteria and presets as its results."""
    token, preview = _partner()
    if token is None and not preview:
        return jsonify({"points": [], "text": "Widget non autorisé."}), 403
    session = get_session()
    catch_up(session)
    criteria = _criteria(token)[1].criteria
    place, _point = search_place(criteria)
    view = _map_view(session, SearchOutcome(criteria=criteria, place=place))
    offer_url = url_for("directory.offer_detail", offer_id=0).removesuffix("0") + "{id}"
    response = jsonify(presenters.map_json(view, offer_url))
    response.headers["Cache-Control"] = f"public, max-age={MAP_MAX_AGE}"
    return response


def _map_view(session, outcome: SearchOutcome) -> presenters.MapView:
    center = presenters.map_center(outcome)
    if center is None:
        return presenters.MapView(outcome, (), 0)
    data = map_points(session, get_index(), outcome.criteria, center, today_in_france())
    return presenters.MapView(outcome, data.points, data.total)


@bp.get("/widget/estimateur")
def estimator():
    token, preview = _partner()
    if token is None and not preview:
        return _refused()
    view = evaluate(request.args, complete=bool(request.args.get("calculer")))
    return _render(
        token,
        "estimator/page.html",
        "estimator/_estimator.html",
        _hidden(request.args, "token", "apercu", "parent", "id"),
        estimator_url=url_for("widget.estimator"),
        form=view.form,
        view=view,
    )


# ---- /integrer ------------------------------------------------------------------------------


@bp.get("/integrer")
def embed():
    form = EmbedForm(request.args)
    form.validate()
    base = current_app.config.get("PUBLIC_URL") or request.host_url.rstrip("/")
    return render_page_or_fragment(
        "widget/embed.html",
        "widget/_snippet.html",
        form=form,
        snippet=form.snippet(base),
        preview_url=form.preview_url(),
    )


# ---- admin: partner tokens --------------------------------------------------------------------


@bp.route("/admin/partenaires", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def partners():
    session = get_session()
    form = PartnerForm()
    if form.validate_on_submit():
        token = PartnerToken(
            name=form.name.data,
            token=new_token(),
            allowed_origins=form.origins,
            presets=form.presets,
            active=True,
            created_by_id=current_user.id,
        )
        session.add(token)
        session.commit()
        flash(f"Jeton créé pour {token.name}.")
        return redirect(url_for("widget.partner", token_id=token.id))
    tokens = session.scalars(
        select(PartnerToken).order_by(PartnerToken.name, PartnerToken.id)
    ).all()
    return render_template(
        "widget/partners.html", form=form, tokens=tokens
    ), 422 if form.errors else 200


@bp.route("/admin/partenaires/<int:token_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def partner(token_id: int):
    session = get_session()
    token = session.get(PartnerToken, token_id) or abort(404)
    form = PartnerForm(obj=None) if request.method == "POST" else PartnerForm.for_token(token)
    if form.validate_on_submit():
        token.name, token.allowed_origins, token.presets = (
            form.name.data,
            form.origins,
            form.presets,
        )
        session.commit()
        flash("Jeton mis à jour.")
        return redirect(url_for("widget.partner", token_id=token.id))
    base = current_app.config.get("PUBLIC_URL") or request.host_url.rstrip("/")
    return render_template(
        "widget/partner.html", form=form, token=token, base=base, query=widget_query(token.presets)
    ), 422 if form.errors else 200


@bp.post("/admin/partenaires/<int:token_id>/statut")
@role_required(Role.ADMIN)
def partner_status(token_id: int):
    session = get_session()
    token = session.get(PartnerToken, token_id) or abort(404)
    form = StatusForm()
    if form.validate_on_submit():
        token.active = form.action.data == "activer"
        token.revoked_at = None if token.active else utcnow()
        session.commit()
        flash(
            "Jeton réactivé."
            if token.active
            else "Jeton révoqué : le widget ne s’affiche plus chez ce partenaire."
        )
    return redirect(url_for("widget.partner", token_id=token.id))
