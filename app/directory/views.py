"""Directory pages: home, search, offer detail."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for

from app.core.rendering import render_page_or_fragment
from app.db import get_session, utcnow
from app.directory import presenters
from app.directory.criteria import PAGE, parse_criteria
from app.directory.forms import SearchForm
from app.directory.queries import (
    SearchOutcome,
    avip_coverage,
    avip_coverage_by_commune,
    get_public_offer,
    relais_for,
)
from app.directory.reach import points_to_relais
from app.geo import get_departement
from app.geo.timezones import today_in_france
from app.maps import ATTRIBUTION
from app.maps.france import departement as departement_drawing
from app.maps.france import france
from app.referrals.queries import structure_badge
from app.search import catch_up, get_index, results_incomplete
from app.search.services import map_points, offers_nearby, search_directory, search_place
from app.territories import services as territories
from app.territories.needs import need_of

bp = Blueprint("directory", __name__)

#: Seconds a browser or proxy may keep a map's points (the index changes within minutes).
MAP_MAX_AGE = 60


@bp.get("/")
def home():
    return render_template("directory/home.html", form=SearchForm())


@bp.get("/recherche")
def search():
    session = get_session()
    catch_up(session)
    parsed = parse_criteria(request.args, PAGE)
    today = today_in_france()
    outcome = search_directory(
        session, get_index(), parsed.criteria, today, current_app.config["PAGE_SIZE"]
    )
    as_map = request.args.get("vue") == "carte"
    commune = outcome.commune if outcome.searched else None
    departement = commune.departement_code if commune else None
    response = render_page_or_fragment(
        "directory/search.html",
        "directory/_results.html",
        outcome=outcome,
        form=SearchForm.showing(request.args, parsed.errors),
        view=presenters.SearchView(outcome, request.args),
        map_view=_map_view(session, outcome) if as_map else None,
        index_incomplete=results_incomplete(),
        avip_gap=territories.avip_gap(session, departement, today) if departement else None,
        relais=_relais_when_empty(session, outcome),
    )
    if not as_map:
        _count_search(response, outcome, today)
    return response


def _relais_when_empty(session, outcome):
    """The relais petite enfance of the searched commune (or the nearest), when nothing was
    found: a parent looking for a childminder is never left at a dead end."""
    home = outcome.commune
    if home is None or not outcome.searched or outcome.total:
        return None
    return relais_for(session, home.code_insee, home.latitude, home.longitude)


def _count_search(response, outcome, today) -> None:
    """One more search for the unmet-need counters (app.territories.needs), after the response
    has left; once per search, not per page of results nor on a history restore."""
    if outcome.criteria.page != 1 or "HX-History-Restore-Request" in request.headers:
        return
    commune = outcome.commune if outcome.searched else None
    if commune is None:
        return
    need = need_of(outcome.criteria, commune.code_insee, commune.departement_code, outcome.total)
    maker = current_app.extensions["db_sessionmaker"]
    response.call_on_close(lambda: territories.record_search(maker, need, today))


@bp.get("/recherche/carte.json")
def search_map_points():
    """All the points of the search's map in one compact response (Leaflet draws them): the
    place resolved, then one pass over the index's columns (no list search, no offer loaded)."""
    session = get_session()
    catch_up(session)
    criteria = parse_criteria(request.args, PAGE).criteria
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


@bp.get("/couverture-avip")
def coverage():
    counts = avip_coverage(get_session(), today_in_france())
    drawing = france()
    return render_template(
        "directory/coverage.html",
        chart=presenters.avip_coverage_chart(counts),
        drawing=drawing,
        attribution=ATTRIBUTION,
        links={
            s.code: url_for("directory.coverage_departement", departement=s.code)
            for s in drawing.shapes
        },
    )


@bp.get("/couverture-avip/<departement>")
def coverage_departement(departement: str):
    """The AVIP coverage by commune within a département (commune outlines, COG 2026)."""
    found = get_departement(departement)
    drawing = departement_drawing(found.code) if found is not None else None
    if found is None or drawing is None:
        abort(404)
    counts = avip_coverage_by_commune(get_session(), today_in_france(), found.code)
    return render_template(
        "directory/coverage_departement.html",
        departement=found,
        chart=presenters.avip_commune_chart(counts, drawing),
        drawing=drawing,
        attribution=ATTRIBUTION,
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
    card = presenters.OfferCard(offer, None, today)
    relais = (
        relais_for(session, offer.code_insee, offer.latitude, offer.longitude)
        if points_to_relais(offer, card.reach)
        else None
    )
    return render_template(
        "directory/offer.html",
        offer=offer,
        retour=retour,
        card=card,
        relais=relais,
        provenance=presenters.provenance_lines(offer),
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
