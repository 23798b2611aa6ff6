"""The careers pages: « Travailler dans la petite enfance » (GET only, nothing stored)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from app.careers import path
from app.careers.content import content
from app.careers.exchange import exchange_url
from app.careers.services import courses_near, guided_path
from app.db import get_session
from app.directory.training import prerequisites
from app.geo.timezones import today_in_france
from app.search import catch_up, get_index

bp = Blueprint("careers", __name__, url_prefix="/travailler-petite-enfance")


@bp.get("")
def index():
    return render_template("careers/index.html", c=content())


@bp.get("/metiers/<job_slug>")
def job(job_slug: str):
    c = content()
    found = c.jobs.get(job_slug)
    if found is None:
        abort(404)
    place, radius, errors = path.parse_place(request.args)
    codes = found.rome_v4[0].code
    links = {
        "besoins": exchange_url(metier=codes, lieu=place, rayon=radius),
        "immersion": exchange_url(metier=codes, lieu=place, rayon=radius, immersion=True),
    }
    return render_template(
        "careers/job.html",
        c=c,
        job=found,
        links=links,
        place=place,
        radius=radius,
        radii=path.RADII,
        errors=errors,
    )


@bp.get("/diplomes/<qualification_slug>")
def qualification(qualification_slug: str):
    c = content()
    found = c.qualifications.get(qualification_slug)
    if found is None:
        abort(404)
    place, radius, errors = path.parse_place(request.args)
    session = get_session()
    catch_up(session)
    near = courses_near(session, get_index(), found, place, radius, today_in_france())
    return render_template(
        "careers/qualification.html",
        c=c,
        q=found,
        near=near,
        place=place,
        radius=radius,
        radii=path.RADII,
        errors=errors,
        prerequisite=prerequisites().get(found.certification),
    )


@bp.get("/parcours")
def ways():
    return render_template("careers/ways.html", c=content())


@bp.get("/ou-j-en-suis")
def guided():
    parsed = path.parse_answers(request.args)
    outcome = None
    if parsed.answers is not None:
        session = get_session()
        catch_up(session)
        outcome = guided_path(session, get_index(), content(), parsed.answers, today_in_france())
    return render_template(
        "careers/guided.html",
        c=content(),
        parsed=parsed,
        outcome=outcome,
        questions=path.QUESTIONS,
        radii=path.RADII,
        default_radius=path.DEFAULT_RADIUS,
    )


@bp.get("/sources")
def sources():
    return render_template("careers/sources.html", c=content())
