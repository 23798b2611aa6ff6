"""Directory pages: home, search, offer detail."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from app.core.rendering import render_page_or_fragment
from app.db import get_session, utcnow
from app.directory import presenters
from app.directory.criteria import PAGE, parse_criteria
from app.directory.forms import SearchForm
from app.directory.queries import get_public_offer
from app.geo.timezones import today_in_france
from app.referrals.queries import structure_badge
from app.search import catch_up, get_index, results_incomplete
from app.search.services import offers_nearby, search_directory

bp = Blueprint("directory", __name__)


@bp.get("/")
def home():
    return render_template("directory/home.html", form=SearchForm())


@bp.get("/recherche")
def search():
    session = get_session()
    catch_up(session)
    parsed = parse_criteria(request.args, PAGE)
    outcome = search_directory(
        session, get_index(), parsed.criteria, today_in_france(), current_app.config["PAGE_SIZE"]
    )
    return render_page_or_fragment(
        "directory/search.html",
        "directory/_results.html",
        outcome=outcome,
        form=SearchForm.showing(request.args, parsed.errors),
        view=presenters.SearchView(outcome, request.args),
        index_incomplete=results_incomplete(),
    )


@bp.get("/offre/<int:offer_id>")
def offer_detail(offer_id: int):
    session = get_session()
    offer = get_public_offer(session, offer_id)
    if offer is None:
        abort(404)
    catch_up(session)
    today = today_in_france()
    retour = presenters.search_return(
        request.args.get("retour"), request.headers.get("Referer"), request.host
    )
    return render_template(
        "directory/offer.html",
        offer=offer,
        retour=retour,
        card=presenters.OfferCard(offer, None, today),
        commune_label=presenters.commune_label(offer.code_insee, offer.commune_name),
        response_badge=structure_badge(session, offer.structure_id, utcnow()),
        nearby=[
            presenters.OfferCard(r.offer, r.distance_km, today)
            for r in offers_nearby(session, get_index(), offer, today)
        ],
    )


@bp.app_context_processor
def _helpers():
    return presenters.TEMPLATE_HELPERS
