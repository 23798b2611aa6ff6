"""The partner widget (``/widget/recherche``, ``/widget/estimateur``), the ``/integrer`` page
and its token request form, and the admin pages of partner tokens and requests
(``/admin/partenaires``)."""

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
from app.accounts.models import Role, User
from app.core.limits import SENSITIVE, limiter
from app.core.mail import absolute_url
from app.core.outgoing import queue_mail
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
from app.widget import queries, services
from app.widget.forms import (
    ApprovalForm,
    DeclineForm,
    EmbedForm,
    PartnerForm,
    PartnerRequestForm,
    StatusForm,
)
from app.widget.models import REQUEST_STATUS_LABELS, PartnerRequest, PartnerToken
from app.widget.rules import (
    DECLINED_KEPT_DAYS,
    frame_ancestors,
    new_token,
    origin_allowed,
    snippet,
    widget_query,
)

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


def _base_url() -> str:
    return current_app.config.get("PUBLIC_URL") or request.host_url.rstrip("/")


@bp.get("/integrer")
def embed():
    form = EmbedForm(request.args)
    form.validate()
    sample = None if form.has_place() else queries.sample_commune(get_session())
    return render_page_or_fragment(
        "widget/embed.html",
        "widget/_snippet.html",
        form=form,
        snippet=form.snippet(_base_url()),
        preview_url=form.preview_url(sample),
        sample=get_commune(sample) if sample else None,
    )


@bp.route("/integrer/demander-un-jeton", methods=["GET", "POST"])
@limiter.limit(SENSITIVE, methods=["POST"])
def request_token():
    form = PartnerRequestForm()
    if form.validate_on_submit():
        session = get_session()
        services.submit_request(
            session,
            services.RequestInput(
                organisation=form.organisation.data,
                siret=form.clean_siret,
                origins=form.origins,
                contact_name=form.contact_name.data,
                contact_email=form.contact_email.data,
                intended_use=form.intended_use.data,
            ),
        )
        session.commit()
        flash(
            "Demande envoyée. L’équipe Passerelle l’examine ; le jeton vous sera envoyé à "
            f"{form.contact_email.data} dès son accord."
        )
        return redirect(url_for("widget.embed"))
    return render_template(
        "widget/request.html", form=form, kept_days=DECLINED_KEPT_DAYS
    ), 422 if form.errors else 200


# ---- admin: partner tokens --------------------------------------------------------------------


def _me() -> User:
    return current_user._get_current_object()


def _decided(action, done: str) -> None:
    """Run ``action(session)`` in one transaction; flash ``done`` or the rule's message."""
    session = get_session()
    try:
        action(session)
    except services.PartnerError as error:
        session.rollback()
        flash(error.message)
        return
    session.commit()
    flash(done)


def _request_page(partner_request: PartnerRequest, approval=None, refusal=None):
    approval = approval or ApprovalForm(
        formdata=None,
        data={
            "name": partner_request.organisation,
            "origins_text": "\n".join(partner_request.origins),
        },
    )
    refusal = refusal or DeclineForm(formdata=None)
    status = 422 if approval.errors or refusal.errors else 200
    return render_template(
        "widget/request_decision.html",
        r=partner_request,
        approval=approval,
        refusal=refusal,
        status_labels=REQUEST_STATUS_LABELS,
    ), status


@bp.get("/admin/partenaires/demandes/<int:request_id>")
@role_required(Role.ADMIN)
def partner_request(request_id: int):
    return _request_page(get_session().get(PartnerRequest, request_id) or abort(404))


@bp.post("/admin/partenaires/demandes/<int:request_id>/accepter")
@role_required(Role.ADMIN)
def approve_request(request_id: int):
    partner_request = get_session().get(PartnerRequest, request_id) or abort(404)
    form = ApprovalForm()
    if not form.validate_on_submit():
        return _request_page(partner_request, approval=form)

    def approve(session):
        token = services.approve(
            session, _me(), partner_request, form.name.data, form.origins, utcnow()
        )
        queue_mail(
            session,
            partner_request.contact_email,
            "Votre jeton pour le widget – Passerelle",
            "partner_token_approved",
            r=partner_request,
            token=token,
            snippet=snippet(_base_url(), [("data-token", token.token)]),
            url=absolute_url("widget.embed", token=token.token),
        )

    _decided(
        approve, f"Jeton créé pour {form.name.data} et envoyé à {partner_request.contact_email}."
    )
    return redirect(url_for("widget.partners"))


@bp.post("/admin/partenaires/demandes/<int:request_id>/refuser")
@role_required(Role.ADMIN)
def decline_request(request_id: int):
    partner_request = get_session().get(PartnerRequest, request_id) or abort(404)
    form = DeclineForm()
    if not form.validate_on_submit():
        return _request_page(partner_request, refusal=form)

    def decline(session):
        services.decline(session, _me(), partner_request, form.reason.data, utcnow())
        queue_mail(
            session,
            partner_request.contact_email,
            "Votre demande de jeton – Passerelle",
            "partner_request_declined",
            r=partner_request,
            kept_days=DECLINED_KEPT_DAYS,
        )

    _decided(decline, f"Demande de {partner_request.organisation} refusée.")
    return redirect(url_for("widget.partners"))


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
        "widget/partners.html",
        form=form,
        tokens=tokens,
        waiting=queries.waiting_requests(session),
        decided=queries.decided_requests(session),
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
    return render_template(
        "widget/partner.html",
        form=form,
        token=token,
        base=_base_url(),
        query=widget_query(token.presets),
        code=snippet(
            _base_url(),
            [("data-token", token.token)]
            + (
                [("data-commune", token.presets["code_insee"])]
                if token.presets.get("code_insee")
                else []
            ),
        ),
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
