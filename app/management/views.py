"""Offer management (``/gestion``): the list of my offers, the offer form with its hours editor,
preview, publication, the one-click free places, the history.

Views stay thin: the form checks (:mod:`app.management.forms`), the changes are plain functions
(:mod:`app.management.services`, which record the history of :mod:`app.directory.history`),
the pages read through :mod:`app.management.queries`. Every object is checked with
:func:`app.accounts.policies.can_manage_offer`; an offer the person may not manage is a 404.
Each write is one transaction (the change and its history line), then the search index catches
up at once so that a published change is found right away.
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.auth import current_user, role_required
from app.accounts.models import Role
from app.accounts.policies import can_manage_offer
from app.core.rendering import is_htmx, render_fragment
from app.db import get_session
from app.directory import presenters
from app.directory.models import OFFER_STATUS_LABELS, Offer, OfferStatus, Training
from app.directory.presenters import commune_label
from app.geo.timezones import today_in_france
from app.management import queries, services
from app.management.forms import OfferForm, PlacesForm
from app.management.presenters import OfferRow
from app.search import get_index

bp = Blueprint("management", __name__, url_prefix="/gestion")
log = logging.getLogger(__name__)

MANAGERS = (Role.GESTIONNAIRE, Role.COORDINATEUR)  # admins always pass
PAGE_SIZE = 25
HISTORY_PAGE_SIZE = 30
STATUS_ACTIONS = {"publier": "publish", "depublier": "unpublish", "archiver": "archive"}
STATUS_DONE = {
    "publish": "L’offre est publiée : les parents la trouvent dès maintenant dans l’annuaire.",
    "unpublish": "L’offre est retirée de l’annuaire. Elle reste ici en brouillon.",
    "archive": "L’offre est archivée : elle n’apparaît plus dans l’annuaire.",
}
RETURN_ENDPOINTS = {"apercu": ".preview", "modifier": ".edit_offer", "historique": ".history"}


@bp.context_processor
def _labels():
    return {"status_labels": OFFER_STATUS_LABELS}


def _user():
    return current_user._get_current_object()


def _page_arg(value: str | None) -> int:
    value = (value or "").strip()
    return (
        int(value)
        if value.isascii() and value.isdigit() and 0 < len(value) < 6 and int(value) > 0
        else 1
    )


def _offer_or_404(offer_id: int) -> Offer:
    """The offer with everything the pages show, if the current person may manage it."""
    session = get_session()
    offer = session.scalar(
        select(Offer)
        .where(Offer.id == offer_id)
        .options(
            selectinload(Offer.slots),
            selectinload(Offer.closures),
            selectinload(Offer.structure),
            selectinload(Offer.training).selectinload(Training.sessions),
        )
    )
    if offer is None or not can_manage_offer(session, _user(), offer):
        abort(404)
    return offer


def _sync_index() -> None:
    """After the commit: bring the search index up to date now. The change log was written in
    the transaction, so if this fails the next search catches up anyway."""
    try:
        get_index().sync(get_session())
    except Exception:
        log.exception("search index sync failed after a management write")


def _list_heading() -> str:
    return {
        Role.COORDINATEUR: "Les offres de mon département",
        Role.ADMIN: "Toutes les offres",
    }.get(_user().role, "Mes offres")


def _render_list(page: int, stale_only: bool, row_forms: dict | None = None, status: int = 200):
    today = today_in_france()
    listing = queries.list_offers(
        get_session(), _user(), today, page=page, page_size=PAGE_SIZE, stale_only=stale_only
    )
    return render_template(
        "management/offers.html",
        listing=listing,
        row_forms=row_forms or {},
        heading=_list_heading(),
        stale_only=stale_only,
        today=today,
    ), status


@bp.get("")
@role_required(*MANAGERS)
def offers():
    return _render_list(_page_arg(request.args.get("page")), request.args.get("a_verifier") == "1")


# ------------------------------------------------------------------------------ the offer form


def _render_form(form: OfferForm, offer: Offer | None, status: int = 200):
    return render_template(
        "management/offer_form.html", form=form, offer=offer, overview=form.hours_overview()
    ), status


@bp.route("/offres/nouvelle", methods=["GET", "POST"])
@role_required(*MANAGERS)
def new_offer():
    session, user = get_session(), _user()
    if request.method == "GET":
        form = OfferForm(session=session, user=user)
        if request.args.get("structure") in {str(s.id) for s in form.structures}:
            form.structure.data = request.args["structure"]
        return _render_form(form, None)
    form = OfferForm(request.form, session=session, user=user)
    if form.edit_rows(request.form):
        return _render_form(form, None)
    today = today_in_france()
    data = form.check(today)
    if data is None:
        return _render_form(form, None, 422)
    offer = services.create_offer(session, user, data, today)
    session.commit()
    _sync_index()
    flash(
        "L’offre est créée en brouillon. Voici comment les parents la verront : "
        "publiez-la quand elle est prête."
    )
    return redirect(url_for(".preview", offer_id=offer.id))


@bp.route("/offres/<int:offer_id>", methods=["GET", "POST"])
@role_required(*MANAGERS)
def edit_offer(offer_id: int):
    session, user = get_session(), _user()
    offer = _offer_or_404(offer_id)
    if request.method == "GET":
        return _render_form(OfferForm(session=session, user=user, offer=offer), offer)
    form = OfferForm(request.form, session=session, user=user, offer=offer)
    if form.edit_rows(request.form):
        return _render_form(form, offer)
    today = today_in_france()
    data = form.check(today)
    if data is None or not form.check_version(offer):
        return _render_form(form, offer, 422)
    outcome = services.update_offer(session, user, offer, data, today)
    session.commit()
    _sync_index()
    if outcome.action is None:
        flash("Aucune modification : l’offre est marquée comme vérifiée aujourd’hui.")
    elif offer.status is OfferStatus.PUBLISHED:
        flash("Modifications enregistrées. Elles sont visibles dès maintenant dans l’annuaire.")
    else:
        flash(
            "Modifications enregistrées. "
            f"L’offre est « {OFFER_STATUS_LABELS[offer.status].lower()} » : "
            "elle n’apparaît pas dans l’annuaire."
        )
    return redirect(url_for(".edit_offer", offer_id=offer.id))


def _check(offer: Offer | None):
    form = OfferForm(request.form, session=get_session(), user=_user(), offer=offer)
    form.check(today_in_france(), complete=False)
    return render_template("management/_check.html", form=form, overview=form.hours_overview())


@bp.post("/offres/nouvelle/valider")
@role_required(*MANAGERS)
def check_new():
    """The inline check as the manager types (htmx): every field's message and the hours
    summary, out of band. The form itself is never replaced, so nothing typed is lost."""
    return _check(None)


@bp.post("/offres/<int:offer_id>/valider")
@role_required(*MANAGERS)
def check(offer_id: int):
    """The same inline check for an existing offer (its structure stays a valid choice)."""
    return _check(_offer_or_404(offer_id))


FORM_PARTS = {"horaires": "management/_hours.html", "sessions": "management/_sessions.html"}


@bp.post("/offres/formulaire/<part>")
@role_required(*MANAGERS)
def form_part(part: str):
    """A row added or removed with JavaScript: only that fieldset comes back. (Without
    JavaScript the same buttons post the whole form to its own page.)"""
    if part not in FORM_PARTS:
        abort(404)
    form = OfferForm(request.form, session=get_session(), user=_user())
    form.edit_rows(request.form)
    return render_template(FORM_PARTS[part], form=form, overview=form.hours_overview())


# ------------------------------------------------------------------------------ other actions


@bp.get("/offres/<int:offer_id>/apercu")
@role_required(*MANAGERS)
def preview(offer_id: int):
    offer = _offer_or_404(offer_id)
    card = presenters.OfferCard(offer, None, today_in_france())
    return render_template(
        "management/preview.html",
        offer=offer,
        card=card,
        nearby=[],
        commune_label=commune_label(offer.code_insee, offer.commune_name),
    )


@bp.post("/offres/<int:offer_id>/<action>")
@role_required(*MANAGERS)
def change_status(offer_id: int, action: str):
    """« publier », « depublier » or « archiver »."""
    if action not in STATUS_ACTIONS:
        abort(404)
    session = get_session()
    offer = _offer_or_404(offer_id)
    transition = STATUS_ACTIONS[action]
    if services.change_status(session, _user(), offer, transition):
        session.commit()
        _sync_index()
        flash(STATUS_DONE[transition])
    else:
        flash(f"Action impossible : l’offre est « {OFFER_STATUS_LABELS[offer.status].lower()} ».")
    endpoint = RETURN_ENDPOINTS.get(request.form.get("retour", ""), ".preview")
    return redirect(url_for(endpoint, offer_id=offer.id))


@bp.post("/offres/<int:offer_id>/places")
@role_required(*MANAGERS)
def update_places(offer_id: int):
    session, user = get_session(), _user()
    offer = _offer_or_404(offer_id)
    form = PlacesForm(request.form)
    today = today_in_france()
    number = form.number()
    if number is None:
        if is_htmx():  # htmx swaps only 2xx answers: the row comes back with its message
            return render_fragment(
                "management/_offer_row.html",
                row=OfferRow.of(offer, today),
                places_form=form,
                page=form.page.data,
                oob=False,
            )
        return _render_list(_page_arg(form.page.data), False, {offer.id: form}, 422)
    services.set_free_places(session, user, offer, number, today)
    session.commit()
    _sync_index()
    row = OfferRow.of(offer, today)
    message = f"« {offer.title} » : {row.places}."
    if is_htmx():
        return render_fragment(
            "management/_offer_row.html",
            row=row,
            places_form=None,
            page=form.page.data,
            announce=message,
        )
    flash(message)
    page = _page_arg(form.page.data)
    return redirect(url_for(".offers", page=page if page > 1 else None) + f"#offre-{offer.id}")


@bp.post("/offres/<int:offer_id>/verifiee")
@role_required(*MANAGERS)
def confirm(offer_id: int):
    """« Rien n’a changé »: the offer is checked and fresh again."""
    session = get_session()
    offer = _offer_or_404(offer_id)
    services.confirm_offer(session, _user(), offer)
    session.commit()
    _sync_index()
    flash(f"« {offer.title} » est marquée comme vérifiée aujourd’hui.")
    page = _page_arg(request.form.get("page"))
    return redirect(url_for(".offers", page=page if page > 1 else None) + f"#offre-{offer.id}")


@bp.get("/offres/<int:offer_id>/historique")
@role_required(*MANAGERS)
def history(offer_id: int):
    offer = _offer_or_404(offer_id)
    entries = queries.offer_history(
        get_session(), offer, page=_page_arg(request.args.get("page")), page_size=HISTORY_PAGE_SIZE
    )
    return render_template("management/history.html", offer=offer, history=entries)
