"""``/api/v1``: JSON in, JSON out, French messages.

The API is exempt from CSRF: it authenticates nobody, changes nothing on the server and only
accepts ``application/json`` bodies (which a cross-site HTML form cannot send).

Every response of the blueprint goes through :func:`_http_caching_and_cors`: GET answers may be
read from any origin (CORS), carry an ``ETag`` (``If-None-Match`` → 304) and a
``Cache-Control``; every route is rate limited per IP (``API_RATE_LIMIT``), a refusal being a
JSON 429 with ``Retry-After``.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, render_template, request, url_for

from app.api.datainclusion import (
    SERVICE_FIELDS,
    STRUCTURE_FIELDS,
    build_export,
    exported_offers,
    to_csv,
)
from app.api.estimations import EstimationErrors, estimation_to_json, run_estimation
from app.api.offers import (
    MAX_OFFER_ID,
    InvalidParameters,
    communes_to_json,
    offer_to_json,
    parse_communes_query,
    parse_offer_query,
)
from app.api.openapi import openapi_document
from app.core.french import typography
from app.core.limits import limiter
from app.core.security import csrf
from app.db import get_session
from app.directory.criteria import LIMITS
from app.directory.queries import get_public_offer
from app.geo.timezones import today_in_france
from app.jobs import queries as job_queries
from app.jobs.criteria import parse as parse_job_criteria
from app.jobs.models import JobNeed
from app.jobs.presenters import need_to_json
from app.search import catch_up, get_index, results_incomplete
from app.search.services import search_directory

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
pages = Blueprint("api_pages", __name__)

DEFAULT_RATE_LIMIT = "300 per minute"
INVALID = typography("Certains paramètres ne conviennent pas : voir « erreurs ».")


def _rate_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT") or DEFAULT_RATE_LIMIT


limiter.limit(_rate_limit)(bp)


def json_error(status: int, message: str, errors: dict[str, str] | None = None):
    body: dict = {"message": message}
    if errors is not None:
        body["erreurs"] = errors
    return jsonify(body), status


def cache_for(seconds: int) -> None:
    """Let browsers and proxies keep this GET answer ``seconds`` (revalidated by its ETag)."""
    g.api_max_age = seconds


@bp.after_request
def _http_caching_and_cors(response):
    headers = response.headers
    if request.method in ("GET", "HEAD", "OPTIONS"):
        headers["Access-Control-Allow-Origin"] = "*"
        headers["Access-Control-Expose-Headers"] = (
            "ETag, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"
        )
    if request.method == "OPTIONS":
        headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        headers["Access-Control-Allow-Headers"] = "If-None-Match, Accept"
        headers["Access-Control-Max-Age"] = "86400"
        return response
    max_age = g.pop("api_max_age", None)
    if request.method in ("GET", "HEAD") and response.status_code == 200 and max_age is not None:
        headers["Cache-Control"] = f"public, max-age={max_age}"
        response.add_etag()
        response.make_conditional(request)
    else:
        headers.setdefault("Cache-Control", "no-store")
    return response


#: An estimation's body is two levels deep; anything far deeper is refused before it is read.
MAX_JSON_DEPTH = 20
TOO_DEEP = object()


def nesting_exceeds(value: object, limit: int) -> bool:
    """Whether lists and objects in ``value`` nest more than ``limit`` levels (no recursion)."""
    stack = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, dict):
            children: list = list(current.values())
        elif isinstance(current, list):
            children = current
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


@bp.post("/estimations")
def create_estimation():
    if not request.is_json:
        return json_error(
            415, "Envoyez le corps de la requête en JSON (Content-Type: application/json)."
        )
    try:
        payload = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the parser's recursion allows
        payload = TOO_DEEP
    if payload is TOO_DEEP or nesting_exceeds(payload, MAX_JSON_DEPTH):
        return json_error(
            400,
            f"Le corps de la requête est imbriqué trop profondément "
            f"(au plus {MAX_JSON_DEPTH} niveaux).",
        )
    if payload is None:
        return json_error(400, "Le corps de la requête n’est pas un JSON valide.")
    try:
        result = run_estimation(payload, today=today_in_france())
    except EstimationErrors as invalid:
        return json_error(
            422, "Certaines valeurs ne conviennent pas : voir « erreurs ».", invalid.errors
        )
    return jsonify(estimation_to_json(result))


def _offer_url(offer_id: int) -> str:
    base = current_app.config.get("PUBLIC_URL") or request.host_url.rstrip("/")
    return base + url_for("directory.offer_detail", offer_id=offer_id)


@bp.get("/offres")
def list_offers():
    try:
        criteria = parse_offer_query(request.args)
    except InvalidParameters as invalid:
        return json_error(422, INVALID, invalid.errors)
    today, session = today_in_france(), get_session()
    catch_up(session)
    per_page = criteria.per_page or LIMITS.default_per_page
    outcome = search_directory(session, get_index(), criteria, today, per_page)
    items = [
        offer_to_json(
            row.offer, distance_km=row.distance_km, today=today, page_url=_offer_url(row.offer.id)
        )
        for row in outcome.rows
    ]
    incomplete = results_incomplete()
    if not incomplete:
        cache_for(60)  # an incomplete answer is not kept (no-store)
    return jsonify(
        {
            "total": outcome.total,
            "page": outcome.page,
            "par_page": per_page,
            "pages": outcome.pages,
            "items": items,
            "incomplet": incomplete,
        }
    )


@bp.get("/offres/<int:id>")
def get_offer(id: int):
    offer = get_public_offer(get_session(), id) if id <= MAX_OFFER_ID else None
    if offer is None:
        return json_error(404, "Cette offre n’existe pas ou n’est plus publiée.")
    cache_for(60)
    return jsonify(
        offer_to_json(
            offer, distance_km=None, today=today_in_france(), page_url=_offer_url(offer.id)
        )
    )


def _need_url(need_id: int) -> str:
    base = current_app.config.get("PUBLIC_URL") or request.host_url.rstrip("/")
    return base + url_for("jobs.need_detail", need_id=need_id)


@bp.get("/besoins")
def list_needs():
    """The job exchange's open needs (the ``/bourse-emploi`` search, same parameters)."""
    parsed = parse_job_criteria(request.args)
    if parsed.errors:
        return json_error(422, INVALID, parsed.errors)
    results = job_queries.search_needs(get_session(), parsed.criteria)
    cache_for(60)
    return jsonify(
        {
            "total": results.total,
            "page": parsed.criteria.page,
            "par_page": job_queries.PAGE_SIZE,
            "pages": results.pages,
            "items": [
                need_to_json(hit.item, hit.distance_km, _need_url(hit.item.id))
                for hit in results.hits
                if isinstance(hit.item, JobNeed)
            ],
        }
    )


@bp.get("/communes")
def communes():
    try:
        text, limit = parse_communes_query(request.args)
    except InvalidParameters as invalid:
        return json_error(422, INVALID, invalid.errors)
    cache_for(86400)
    return jsonify({"items": communes_to_json(text, limit)})


@bp.get("/openapi.json")
def openapi():
    cache_for(300)
    return jsonify(
        openapi_document(current_app.config.get("PUBLIC_URL") or request.host_url.rstrip("/"))
    )


@pages.get("/api")
def documentation():
    document = openapi_document(
        current_app.config.get("PUBLIC_URL") or request.host_url.rstrip("/")
    )
    return render_template("api/documentation.html", document=document)


# ---- open data: the data·inclusion export ------------------------------------------------------


def _data_inclusion_export():
    today = today_in_france()
    return build_export(exported_offers(get_session(), today), page_url=_offer_url, today=today)


def _export_view(kind: str, fmt: str):
    def view():
        records = getattr(_data_inclusion_export(), kind)
        cache_for(3600)
        if fmt == "json":
            return jsonify(records)
        fields = SERVICE_FIELDS if kind == "services" else STRUCTURE_FIELDS
        return current_app.response_class(
            to_csv(records, fields),
            mimetype="text/csv",
            headers={"Content-Disposition": f'inline; filename="{kind}.csv"'},
        )

    view.__name__ = f"export_{kind}_{fmt}"
    return view


for _kind in ("structures", "services"):
    for _fmt in ("json", "csv"):
        bp.add_url_rule(
            f"/export/data-inclusion/{_kind}.{_fmt}",
            view_func=_export_view(_kind, _fmt),
            methods=["GET"],
        )
