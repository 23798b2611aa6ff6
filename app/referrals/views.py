"""Referral pages: « Orienter un parent », « Mes orientations », « Orientations reçues », a
referral with its timeline, the answer without an account (signed link), the département
dashboard and the page that tells parents what is kept.

Thin views: checks in :mod:`.forms`, rules in :mod:`.rules` and :mod:`.services`. Every referral
fetched by id is checked with :func:`services.side_of` (404 for anyone else) and every reading
of its personal data is logged. Each action is one transaction; its emails are queued after
the commit and leave after the response.
No personal data ever appears in a URL: filters are statuses, links carry ids or signatures."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy.exc import IntegrityError

from app.accounts.auth import current_user, login_required, role_required
from app.accounts.models import Role, User
from app.accounts.tokens import REFERRAL_ANSWER, TokenError, read_token
from app.core.french import format_duration
from app.core.limits import SENSITIVE, limiter
from app.core.mail import absolute_url
from app.core.outgoing import queue_mail
from app.db import get_session, utcnow
from app.directory.models import OfferKind
from app.directory.presenters import OfferCard, search_return
from app.directory.queries import get_public_offer, relais_for
from app.directory.reach import takes_online_requests
from app.directory.rules import closure_on
from app.geo.timezones import today_in_france
from app.referrals import notifications, presenters, queries, rules, services, sharing
from app.referrals.forms import (
    AnswerForm,
    CancelForm,
    MessageForm,
    PlaceRequestForm,
    ReferralForm,
    RenewLinkForm,
    ShareForm,
)
from app.referrals.models import Referral, ReferralStatus, Side
from app.referrals.services import ConflictError

bp = Blueprint("referrals", __name__)

CONFLICT = (
    "Cette orientation a changé pendant que vous répondiez (quelqu’un d’autre a déjà répondu) : "
    "voici son état actuel. Votre réponse n’a pas été enregistrée."
)
LIST_KINDS = {
    "mine": "Mes orientations",
    "received": "Orientations reçues",
    "departement": "Les orientations de mon département",
}


def _me() -> User:
    return current_user._get_current_object()


def _status_arg() -> ReferralStatus | None:
    value = request.args.get("statut", "")
    try:
        return ReferralStatus(value) if value else None
    except ValueError:
        return None


def _page_arg() -> int:
    value = request.args.get("page", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 6 else 1


def _deliver(referral_id: int) -> None:
    """Queue the emails the committed change owes: they leave after the response."""
    session = get_session()
    notifications.queue_pending(session, referral_id)
    session.commit()


@bp.app_context_processor
def _helpers():
    return {
        "referral_status_labels": rules.STATUS_LABELS,
        "can_refer": services.can_refer(
            current_user._get_current_object() if current_user else None
        ),
    }


# ------------------------------------------------------------------ sending


@bp.route("/orientations/nouvelle/<int:offer_id>", methods=["GET", "POST"])
@role_required(Role.PRESCRIPTEUR)
def new(offer_id: int):
    session = get_session()
    offer = get_public_offer(session, offer_id)
    if offer is None:
        abort(404)
    me = _me()
    if not services.can_refer(me):
        abort(403)
    blocked = services.referable(session, offer)
    form = ReferralForm()
    warnings: list[str] = []
    if blocked is None and form.validate_on_submit():
        data = form.to_input()
        done = services.existing(session, me, data.idempotency_key)
        if done is not None:  # a second click of the same form
            return redirect(url_for(".detail", referral_id=done.id))
        now = utcnow()
        warnings = services.warnings_for(session, offer, data, me, now)
        if not warnings or form.confirmer.data == "1":
            try:
                referral = services.create(session, me, offer, data, now)
                session.commit()
            except IntegrityError:  # the same form sent twice at the same instant
                session.rollback()
                done = services.existing(session, me, data.idempotency_key)
                if done is None:
                    raise
                return redirect(url_for(".detail", referral_id=done.id))
            flash(
                f"Orientation envoyée à « {offer.title} ». Vous serez prévenu par courriel de sa "
                "réponse."
            )
            _deliver(referral.id)
            return redirect(url_for(".detail", referral_id=referral.id))
    status = 422 if form.errors else 200
    return render_template(
        "referrals/new.html",
        offer=offer,
        form=form,
        warnings=warnings,
        blocked=blocked,
        free_places_warning=offer.free_places == 0,
    ), status


# ------------------------------------------------------------------ lists and exports


def _render_list(kind: str):
    listing = queries.listing(get_session(), _me(), kind, _status_arg(), page=_page_arg())
    return render_template(
        "referrals/list.html",
        listing=listing,
        kind=kind,
        title=LIST_KINDS[kind],
        status=_status_arg(),
        p=presenters,
        endpoint=request.endpoint,
    )


def _export(kind: str, filename: str):
    session = get_session()
    me = _me()
    referrals = queries.for_export(session, me, kind, _status_arg())
    for referral in referrals:
        services.log_access(session, referral, me, "compte", "export")
    session.commit()
    response = Response(presenters.to_csv(referrals), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{filename}-{today_in_france().isoformat()}.csv"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/orientations")
@role_required(Role.PRESCRIPTEUR)
def mine():
    return _render_list("mine")


@bp.get("/orientations/export.csv")
@role_required(Role.PRESCRIPTEUR)
def mine_csv():
    return _export("mine", "mes-orientations")


@bp.get("/orientations/recues")
@role_required(Role.GESTIONNAIRE)
def received():
    return _render_list("received")


@bp.get("/orientations/recues/export.csv")
@role_required(Role.GESTIONNAIRE)
def received_csv():
    return _export("received", "orientations-recues")


@bp.get("/coordination/orientations")
@role_required(Role.COORDINATEUR)
def departement():
    session = get_session()
    me = _me()
    board = queries.dashboard(session, me, utcnow())
    listing = queries.listing(session, me, "departement", _status_arg(), page=_page_arg())
    return render_template(
        "referrals/dashboard.html",
        board=board,
        listing=listing,
        kind="departement",
        status=_status_arg(),
        p=presenters,
        endpoint=request.endpoint,
        duration=format_duration,
    )


@bp.get("/coordination/orientations/export.csv")
@role_required(Role.COORDINATEUR)
def departement_csv():
    return _export("departement", "orientations-departement")


# ------------------------------------------------------------------ one referral (accounts)


def _referral_for_me(referral_id: int) -> tuple[Referral, str]:
    session = get_session()
    referral = queries.load(session, referral_id)
    side = services.side_of(session, _me(), referral) if referral is not None else None
    if referral is None or side is None:
        abort(404)
    return referral, side


def _forms(
    referral: Referral, side: str, answer_form=None, message_form=None, cancel_form=None
) -> dict:
    open_ = referral.status in rules.OPEN
    version = str(referral.version)
    forms = {}
    if side == Side.STRUCTURE and rules.answers_for(referral.status, referral.from_parent):
        forms["answer_form"] = answer_form or AnswerForm(
            referral.status, formdata=None, version=version, from_parent=referral.from_parent
        )
    answering = "answer_form" in forms  # its message box is the structure's only one
    talking = side in (Side.PRESCRIBER, Side.STRUCTURE) and open_ and not referral.from_parent
    if talking and (not answering or message_form is not None):
        forms["message_form"] = message_form or MessageForm(formdata=None, version=version)
    if side == Side.PRESCRIBER and open_:
        forms["cancel_form"] = cancel_form or CancelForm(formdata=None, version=version)
    for form in forms.values():  # a form shown again after an error answers the current version
        form.version.data = version
    return forms


def _render_detail(
    referral: Referral, side: str, status: int = 200, token: str | None = None, **forms
):
    now = utcnow()
    return render_template(
        "referrals/detail.html",
        referral=referral,
        side=side,
        token=token,
        p=presenters,
        timeline=presenters.timeline(referral),
        status_label=presenters.status_text(referral),
        is_open=referral.status in rules.OPEN,
        expiry_days=rules.EXPIRY_DAYS,
        badge=queries.structure_badge(get_session(), referral.structure_id, now),
        closure=closure_on(referral.offer, referral.start_date),
        **_forms(referral, side, **forms),
    ), status


@bp.get("/orientations/<int:referral_id>")
@login_required
def detail(referral_id: int):
    session = get_session()
    referral, side = _referral_for_me(referral_id)
    services.log_access(session, referral, _me(), "compte", "consultation")
    if side == Side.STRUCTURE:
        services.mark_seen(session, referral, _me(), utcnow())
    session.commit()
    return _render_detail(referral, side)


def _answer(referral: Referral, actor: User | None, via: str, token: str | None = None):
    """The answer form's POST, shared by the account page and the emailed link."""
    session = get_session()
    form = AnswerForm(referral.status, from_parent=referral.from_parent)
    if not form.validate_on_submit():
        return _render_detail(referral, Side.STRUCTURE.value, 422, token=token, answer_form=form)
    if form.message_only:
        return _message(referral, Side.STRUCTURE.value, actor, via, token, form.message.data)
    try:
        services.answer(session, referral, actor, form.to_answer(), form.version.number, utcnow())
        services.log_access(session, referral, actor, via, "reponse")
        session.commit()
    except (ConflictError, rules.TransitionError) as error:
        session.rollback()
        flash(CONFLICT if isinstance(error, ConflictError) else str(error), "error")
        return _back(referral, token)
    flash(
        f"Votre réponse est enregistrée : {presenters.status_text(referral).lower()}. "
        f"{'Le parent' if referral.from_parent else 'Le prescripteur'} est prévenu par courriel."
    )
    _deliver(referral.id)
    return _back(referral, token)


def _message(
    referral: Referral,
    side: str,
    actor: User | None,
    via: str,
    token: str | None = None,
    text: str | None = None,
):
    """The message form's POST, or (``text``) the answer form's « Écrire au prescripteur »."""
    session = get_session()
    form = MessageForm()
    if text is not None:
        form.texte.data = text
    elif not form.validate_on_submit():
        return _render_detail(referral, side, 422, token=token, message_form=form)
    try:
        services.post_message(
            session, referral, Side(side), actor, form.texte.data, form.version.number, utcnow()
        )
        services.log_access(session, referral, actor, via, "message")
        session.commit()
    except (ConflictError, rules.TransitionError) as error:
        session.rollback()
        flash(CONFLICT if isinstance(error, ConflictError) else str(error), "error")
        current = queries.load(session, referral.id)
        if current is None:  # gone meanwhile (purged): nothing left to show
            abort(404)
        return _render_detail(current, side, 409, token=token, message_form=form)
    flash("Message envoyé.")
    _deliver(referral.id)
    return _back(referral, token)


def _back(referral: Referral, token: str | None):
    if token:
        return redirect(url_for(".answer_by_link", token=token))
    return redirect(url_for(".detail", referral_id=referral.id))


@bp.post("/orientations/<int:referral_id>/reponse")
@login_required
def answer(referral_id: int):
    referral, side = _referral_for_me(referral_id)
    if side != Side.STRUCTURE:
        abort(403)
    return _answer(referral, _me(), "compte")


@bp.post("/orientations/<int:referral_id>/message")
@login_required
def message(referral_id: int):
    referral, side = _referral_for_me(referral_id)
    if side not in (Side.PRESCRIBER, Side.STRUCTURE):
        abort(403)
    return _message(referral, side, _me(), "compte")


@bp.post("/orientations/<int:referral_id>/annuler")
@login_required
def cancel(referral_id: int):
    session = get_session()
    referral, side = _referral_for_me(referral_id)
    if side != Side.PRESCRIBER:
        abort(403)
    form = CancelForm()
    if not form.validate_on_submit():
        return _render_detail(referral, side, 422, cancel_form=form)
    try:
        services.cancel(
            session, referral, _me(), form.raison.data or "", form.version.number, utcnow()
        )
        session.commit()
    except (ConflictError, rules.TransitionError) as error:
        session.rollback()
        flash(CONFLICT if isinstance(error, ConflictError) else str(error), "error")
        return _back(referral, None)
    flash("L’orientation est annulée. La structure est prévenue.")
    _deliver(referral.id)
    return _back(referral, None)


# ------------------------------------------------------------------ the emailed link (no account)


def _referral_by_token(token: str) -> Referral:
    """The referral a valid link names; a French page (410/400) for an expired or broken one."""
    try:
        payload = read_token(REFERRAL_ANSWER, token)
    except TokenError as error:
        referral_id = (error.payload or {}).get("r") if error.expired else None
        abort(_link_problem(token, expired=error.expired, can_renew=isinstance(referral_id, int)))
    referral_id = payload.get("r")
    referral = queries.load(get_session(), referral_id) if isinstance(referral_id, int) else None
    if referral is None:
        abort(_link_problem(token, expired=False, can_renew=False))
    return referral


def _link_problem(token: str, *, expired: bool, can_renew: bool, status: int | None = None):
    body = render_template(
        "referrals/link_problem.html",
        token=token,
        expired=expired,
        can_renew=can_renew,
        form=RenewLinkForm(),
        days=REFERRAL_ANSWER[1] // 86400,
    )
    return Response(body, status or (410 if expired else 400))


@bp.get("/orientations/reponse/<token>")
def answer_by_link(token: str):
    session = get_session()
    referral = _referral_by_token(token)
    services.log_access(session, referral, None, "lien", "consultation")
    services.mark_seen(session, referral, None, utcnow())
    session.commit()
    response, status = _render_detail(referral, Side.STRUCTURE.value, token=token)
    return response, status, {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


@bp.post("/orientations/reponse/<token>")
@limiter.limit(SENSITIVE)
def answer_by_link_post(token: str):
    return _answer(_referral_by_token(token), None, "lien", token=token)


@bp.post("/orientations/reponse/<token>/message")
@limiter.limit(SENSITIVE)
def message_by_link(token: str):
    return _message(_referral_by_token(token), Side.STRUCTURE.value, None, "lien", token=token)


@bp.post("/orientations/reponse/<token>/nouveau-lien")
@limiter.limit(SENSITIVE)
def renew_link(token: str):
    """Send a fresh link to the structure's own addresses (whoever asks never receives it)."""
    session = get_session()
    form = RenewLinkForm()
    payload: dict | None
    try:
        payload = read_token(REFERRAL_ANSWER, token)
    except TokenError as error:
        payload = error.payload if error.expired else None
    referral_id = (payload or {}).get("r")
    referral = session.get(Referral, referral_id) if isinstance(referral_id, int) else None
    if referral is None or not form.validate_on_submit():
        return _link_problem(token, expired=False, can_renew=False, status=400)
    services.renew_link(session, referral, utcnow())
    session.commit()
    _deliver(referral.id)
    return render_template("referrals/link_sent.html")


# ------------------------------------------------------------------ sharing with a parent


def _account_key() -> str:
    return f"account:{current_user.get_id()}" if current_user.is_authenticated else "anonymous"


@bp.route("/offre/<int:offer_id>/envoyer-a-un-parent", methods=["GET", "POST"])
@role_required(Role.PRESCRIPTEUR)
@limiter.limit(sharing.SHARE_LIMIT, methods=["POST"], key_func=_account_key)
def share(offer_id: int):
    """« Envoyer à un parent »: the offer's essentials by email (the address is not kept) and a
    text to paste into an SMS. Rules and who may send: :mod:`.sharing`."""
    session = get_session()
    offer = get_public_offer(session, offer_id)
    if offer is None or not sharing.can_share(_me()):
        abort(404 if offer is None else 403)
    retour = search_return(request.args.get("retour")) or None
    shared = sharing.shared_offer(
        OfferCard(offer, None, today_in_france()),
        absolute_url("directory.offer_detail", offer_id=offer.id),
        absolute_url("referrals.place_request", offer_id=offer.id),
    )
    form = ShareForm()
    if form.validate_on_submit():
        subject = f"Une offre de garde pour vous : {offer.title}"
        queue_mail(
            session,
            form.courriel.data,
            subject,
            "offer_shared_parent",
            shared=shared,
            sender=_me(),
            note=form.mot.data or "",
        )
        session.commit()
        current_app.logger.info("offer %s shared with a parent", offer.id)
        flash("Fiche envoyée au parent. Son adresse n’est pas gardée.")
        return redirect(url_for(".share", offer_id=offer.id, retour=retour), 303)
    return render_template(
        "referrals/share.html",
        offer=offer,
        form=form,
        shared=shared,
        retour=retour,
        sms=sharing.sms_text(shared),
    ), (422 if form.errors else 200)


# ------------------------------------------------------------------ for parents


@bp.route("/offre/<int:offer_id>/demander-une-place", methods=["GET", "POST"])
@limiter.limit(SENSITIVE, methods=["POST"])
def place_request(offer_id: int):
    """« Demander une place »: a parent's own request, no account; relayed to the structure
    with its answer link, answered like a referral. A double click sends one request."""
    session = get_session()
    offer = get_public_offer(session, offer_id)
    if offer is None:
        abort(404)
    form = PlaceRequestForm() if takes_online_requests(offer) else None
    retour = search_return(request.args.get("retour")) or None
    if form is not None and form.validate_on_submit():
        data = form.to_input()
        done = services.existing_parent_request(session, data.idempotency_key)
        if done is None:
            try:
                done = services.create_parent_request(session, offer, data, utcnow())
                session.commit()
            except IntegrityError:  # the same form sent twice at the same instant
                session.rollback()
                if services.existing_parent_request(session, data.idempotency_key) is None:
                    raise
            else:
                _deliver(done.id)  # queued, sent after the response
        return redirect(url_for(".place_request_sent", offer_id=offer.id, retour=retour), 303)
    relais = (
        relais_for(session, offer.code_insee, offer.latitude, offer.longitude)
        if form is None and offer.kind is not OfferKind.RELAIS_PETITE_ENFANCE
        else None
    )
    page = render_template(
        "referrals/place_request.html", offer=offer, form=form, retour=retour, relais=relais
    )
    return page, (422 if form is not None and form.errors else 200)


@bp.get("/offre/<int:offer_id>/demande-envoyee")
def place_request_sent(offer_id: int):
    offer = get_public_offer(get_session(), offer_id)
    if offer is None:
        abort(404)
    return render_template(
        "referrals/place_request_sent.html",
        offer=offer,
        expiry_days=rules.EXPIRY_DAYS,
        retour=search_return(request.args.get("retour")),
    )


@bp.get("/orientations/vos-donnees")
def privacy():
    return render_template(
        "referrals/privacy.html",
        retention_days=current_app.config["REFERRAL_RETENTION_DAYS"],
        expiry_days=rules.EXPIRY_DAYS,
        months_text=services.months_text,
    )
