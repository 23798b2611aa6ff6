"""« Territoires »: AVIP coverage by département and commune, unmet needs, outcomes; the
coordinators' diagnostic; the outcome question's signed link."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    jsonify,
    make_response,
    render_template,
    request,
    url_for,
)

from app.accounts import policies
from app.accounts.auth import current_user, role_required
from app.accounts.models import Role
from app.db import get_session, utcnow
from app.geo import get_departement
from app.geo.timezones import today_in_france
from app.maps import ATTRIBUTION
from app.maps.france import departement as departement_drawing
from app.maps.france import france as france_drawing
from app.moderation.queries import coordinators_of
from app.territories import diagnostic, outcomes, presenters, queries, services
from app.territories.definitions import DEFINITIONS

bp = Blueprint("territories", __name__)

#: Seconds a browser or proxy may keep a public page of figures.
MAX_AGE = 300


def _public(response: Response) -> Response:
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


def _departement(code: str):
    departement = get_departement(code)
    if departement is None or departement.code != code:
        abort(404)
    return departement


@bp.get("/territoires")
def france():
    table = services.france(get_session(), today_in_france())
    return render_template(
        "territories/france.html",
        table=table,
        chart=presenters.avip_chart(table),
        drawing=france_drawing(),
        attribution=ATTRIBUTION,
        milestones=queries.milestones(),
        today=queries.today_against_milestones(table),
    )


@bp.get("/territoires.csv")
def france_csv():
    table = services.france(get_session(), today_in_france())
    return _download(presenters.to_csv(table, "departement"), "territoires", table.on)


@bp.get("/territoires.json")
def france_json():
    table = services.france(get_session(), today_in_france())
    data = presenters.to_json(
        table,
        queries.milestones(),
        queries.today_against_milestones(table),
        url_for("territories.definitions", _external=True),
    )
    return _public(jsonify(data))


@bp.get("/territoires/definitions")
def definitions():
    return _public(
        Response(render_template("territories/definitions.html", definitions=DEFINITIONS))
    )


@bp.get("/territoires/<departement>")
def departement(departement: str):
    place = _departement(departement)
    session = get_session()
    today = today_in_france()
    table = services.departement(session, place.code, today)
    drawing = departement_drawing(place.code)
    return render_template(
        "territories/departement.html",
        place=place,
        table=table,
        drawing=drawing,
        chart=presenters.avip_commune_chart(table, drawing) if drawing else None,
        attribution=ATTRIBUTION,
        france=services.france(session, today),
        coverage=queries.coverage_rates(session, place.code),
        response=services.public_response(session, place.code, utcnow()),
        outcomes=services.public_outcomes(session, place.code),
        needs=services.needs(session, place.code, today),
        coordinators=coordinators_of(session, place.code),
        coordinates=policies.coordinates(current_user, place.code),
        minimum=services.PUBLIC_MINIMUM,
    )


@bp.get("/territoires/<departement>/donnees.csv")
def departement_csv(departement: str):
    place = _departement(departement)
    table = services.departement(get_session(), place.code, today_in_france())
    return _download(presenters.to_csv(table, "commune"), f"territoire-{place.code}", table.on)


@bp.get("/territoires/<departement>/donnees.json")
def departement_json(departement: str):
    place = _departement(departement)
    table = services.departement(get_session(), place.code, today_in_france())
    definitions_url = url_for("territories.definitions", _external=True)
    return _public(jsonify(presenters.to_json(table, None, None, definitions_url)))


def _download(text: str, name: str, on) -> Response:
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}-{on.isoformat()}.csv"'
    return _public(response)


@bp.get("/coordination/diagnostic/<departement>")
@role_required(Role.COORDINATEUR)
def coordinator_diagnostic(departement: str):
    place = _departement(departement)
    if not policies.coordinates(current_user, place.code):
        abort(404)
    session = get_session()
    today = today_in_france()
    return render_template(
        "territories/diagnostic.html",
        place=place,
        table=services.departement(session, place.code, today),
        report=diagnostic.build(session, place.code, utcnow(), today),
        coverage=queries.coverage_rates(session, place.code),
        response=services.public_response(session, place.code, utcnow()),
        outcomes=services.public_outcomes(session, place.code),
        needs=services.needs(session, place.code, today),
        minimum=services.PUBLIC_MINIMUM,
    )


@bp.route("/territoires/suivi/<token>", methods=["GET", "POST"])
def outcome(token: str):
    response = make_response(_outcome(token))
    response.headers["Cache-Control"] = "no-store"  # the link is the key: no copy kept
    return response


def _outcome(token: str):
    session = get_session()
    try:
        ask = outcomes.ask_from_token(session, token)
    except outcomes.OutcomeLinkError as broken:
        return render_template("territories/outcome.html", problem=broken.reason)
    error = ""
    if request.method == "POST":  # CSRF checked for every POST (app.core.security)
        choice = request.form.get("reponse", "")
        if choice in outcomes.OUTCOMES:
            outcomes.answer(session, token, choice, utcnow())
            session.commit()
            return render_template("territories/outcome.html", answered=choice)
        error = "Choisissez l’une des quatre réponses."
    return render_template(
        "territories/outcome.html", ask=ask, choices=outcomes.OUTCOMES, error=error
    )


@bp.app_context_processor
def _helpers():
    return {"territory": presenters}
