"""The job exchange's pages (« Bourse de l'emploi IAE – petite enfance »): the two public
searches, a need, publishing a need or what a structure can propose, proposing people, the
employer's answer (from its space or by the emailed signed link), each person's space, and the
tension figures with their exports.

Thin views: checks in :mod:`.forms`, rules in :mod:`.rules`, writes in :mod:`.services`, who may
see what in :mod:`.policies` (an object out of reach is a 404). Each action is one transaction;
its emails leave after the commit."""

from __future__ import annotations

import csv
import io
import uuid

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from app.accounts.auth import current_user, login_required, role_required
from app.accounts.models import Role, User
from app.accounts.policies import coordinates, is_active
from app.accounts.tokens import JOB_PROPOSAL_ANSWER, TokenError, read_token
from app.core.limits import SENSITIVE, limiter
from app.core.rendering import render_page_or_fragment
from app.db import get_session, utcnow
from app.directory.models import Structure
from app.geo.timezones import today_in_france
from app.jobs import policies, presenters, queries, rules, services, tension
from app.jobs.criteria import RADII, parse
from app.jobs.forms import (
    AnswerForm,
    CapacityForm,
    CloseNeedForm,
    ConfirmForm,
    NeedForm,
    OutcomeForm,
    ProposalForm,
)
from app.jobs.models import JobNeed, JobProposal, NeedClosure, NeedStatus, Outcome
from app.jobs.policies import Party

bp = Blueprint("jobs", __name__)

CONFLICT = (
    "Cette proposition a changé pendant que vous répondiez (quelqu’un d’autre a déjà répondu) : "
    "voici son état actuel. Votre réponse n’a pas été enregistrée."
)


def _me() -> User:
    return current_user._get_current_object()


def _user() -> User | None:
    return _me() if current_user.is_authenticated else None


@bp.app_context_processor
def _helpers():
    return {"job_labels": rules, "job_p": presenters}


# ------------------------------------------------------------------ searches (public)


def _search(kind: str):
    session = get_session()
    parsed = parse(request.args)
    if kind == "needs":
        results = queries.search_needs(session, parsed.criteria)
    else:
        results = queries.search_capacities(session, parsed.criteria, today_in_france())
    return render_page_or_fragment(
        "jobs/search.html",
        "jobs/_results.html",
        kind=kind,
        parsed=parsed,
        results=results,
        radii=RADII,
        args=request.args,
        can_propose=policies.can_propose(session, _user()),
    )


@bp.get("/bourse-emploi")
def search_needs():
    return _search("needs")


@bp.get("/bourse-emploi/iae")
def search_capacities():
    return _search("capacities")


def _visible_need(need_id: int) -> JobNeed:
    """An open need is public; a closed one only for its employer and the coordination."""
    session = get_session()
    need = queries.load_need(session, need_id)
    if need is None:
        abort(404)
    user = _user()
    if need.status != NeedStatus.OPEN and not (
        policies.can_edit_need(session, user, need)
        or (is_active(user) and coordinates(user, need.departement_code))
    ):
        abort(404)
    return need


@bp.get("/bourse-emploi/besoins/<int:need_id>")
def need_detail(need_id: int):
    session = get_session()
    need = _visible_need(need_id)
    user = _user()
    return render_template(
        "jobs/need.html",
        need=need,
        can_edit=policies.can_edit_need(session, user, need),
        can_propose=need.status == NeedStatus.OPEN and policies.can_propose(session, user),
        confirm_form=ConfirmForm(),
        close_form=CloseNeedForm(),
    )


# ------------------------------------------------------------------ needs (employers)


def _my_employer_structures() -> list[Structure]:
    session = get_session()
    ids = policies.employer_structure_ids(session, _me())
    return [s for s in (session.get(Structure, i) for i in sorted(ids)) if s is not None]


def _editable_need(need_id: int) -> JobNeed:
    session = get_session()
    need = queries.load_need(session, need_id)
    if need is None or not policies.can_edit_need(session, _me(), need):
        abort(404)
    return need


def _need_form_page(form: NeedForm, need: JobNeed | None, status: int = 200):
    return render_template("jobs/need_form.html", form=form, need=need), status


@bp.route("/bourse-emploi/besoins/nouveau", methods=["GET", "POST"])
@role_required(Role.GESTIONNAIRE)
def new_need():
    structures = _my_employer_structures()
    if not structures:
        flash("Votre compte ne gère encore aucune structure validée.")
        return redirect(url_for("jobs.space"))
    form = NeedForm(structures)
    if request.method == "GET":
        form.tutorat.data = True
        form.en_formation.data = True
    if not form.validate_on_submit():
        return _need_form_page(form, None, 422 if request.method == "POST" else 200)
    session = get_session()
    need = services.save_need(
        session, None, form.chosen_structure, _me(), form.to_input(), utcnow()
    )
    session.commit()
    flash("Votre besoin est publié : les SIAE, GEIQ et prescripteurs le voient.")
    return redirect(url_for("jobs.need_detail", need_id=need.id), 303)


@bp.route("/bourse-emploi/besoins/<int:need_id>/modifier", methods=["GET", "POST"])
@role_required(Role.GESTIONNAIRE)
def edit_need(need_id: int):
    need = _editable_need(need_id)
    form = NeedForm([need.structure])
    if request.method == "GET":
        form.fill_from(need)
    if not form.validate_on_submit():
        return _need_form_page(form, need, 422 if request.method == "POST" else 200)
    session = get_session()
    services.save_need(session, need, need.structure, _me(), form.to_input(), utcnow())
    session.commit()
    flash("Le besoin est mis à jour.")
    return redirect(url_for("jobs.need_detail", need_id=need.id), 303)


@bp.post("/bourse-emploi/besoins/<int:need_id>/actualite")
@role_required(Role.GESTIONNAIRE)
def confirm_need(need_id: int):
    need = _editable_need(need_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    session = get_session()
    if need.status == NeedStatus.OPEN:
        services.confirm_need(need, utcnow())
    else:
        services.reopen_need(need, utcnow())
    session.commit()
    flash("C’est noté : le besoin est ouvert et daté d’aujourd’hui.")
    return redirect(url_for("jobs.need_detail", need_id=need.id), 303)


@bp.post("/bourse-emploi/besoins/<int:need_id>/fermer")
@role_required(Role.GESTIONNAIRE)
def close_need(need_id: int):
    need = _editable_need(need_id)
    form = CloseNeedForm()
    if not form.validate_on_submit():
        flash("Choisissez pourquoi vous fermez ce besoin.")
        return redirect(url_for("jobs.need_detail", need_id=need.id), 303)
    session = get_session()
    services.close_need(session, need, NeedClosure(form.raison.data), utcnow())
    session.commit()
    flash("Le besoin est fermé : il n’apparaît plus dans la bourse de l’emploi.")
    return redirect(url_for("jobs.space"), 303)


# ------------------------------------------------------------------ capacities (SIAE, GEIQ)


def _my_inclusive_structures() -> list[Structure]:
    session = get_session()
    ids = policies.inclusive_structure_ids(session, _me())
    return [s for s in (session.get(Structure, i) for i in sorted(ids)) if s is not None]


@bp.route("/bourse-emploi/capacites/nouvelle", methods=["GET", "POST"])
@role_required(Role.EMPLOYEUR_INCLUSIF)
def new_capacity():
    structures = _my_inclusive_structures()
    if not structures:
        flash("Votre compte n’est rattaché à aucune SIAE ni aucun GEIQ validé.")
        return redirect(url_for("jobs.space"))
    form = CapacityForm(structures)
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("jobs/capacity_form.html", form=form), status
    session = get_session()
    services.save_capacity(session, None, form.chosen_structure, _me(), form.to_input(), utcnow())
    session.commit()
    flash("Votre proposition est publiée : les crèches de votre zone la voient.")
    return redirect(url_for("jobs.space"), 303)


@bp.post("/bourse-emploi/capacites/<int:capacity_id>/fermer")
@role_required(Role.EMPLOYEUR_INCLUSIF)
def close_capacity(capacity_id: int):
    session = get_session()
    capacity = queries.load_capacity(session, capacity_id)
    if capacity is None or not policies.can_edit_capacity(session, _me(), capacity):
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.close_capacity(capacity, utcnow())
    session.commit()
    flash("Cette proposition n’est plus publiée.")
    return redirect(url_for("jobs.space"), 303)


# ------------------------------------------------------------------ proposing people


@bp.route("/bourse-emploi/besoins/<int:need_id>/proposer", methods=["GET", "POST"])
@role_required(Role.EMPLOYEUR_INCLUSIF, Role.PRESCRIPTEUR)
def propose(need_id: int):
    session = get_session()
    need = queries.load_need(session, need_id)
    if need is None or need.status != NeedStatus.OPEN:
        abort(404)
    me = _me()
    if not policies.can_propose(session, me):
        abort(403)
    structures = _my_inclusive_structures() if me.role == Role.EMPLOYEUR_INCLUSIF else []
    form = ProposalForm(need, structures)
    if request.method == "GET":
        form.cle.data = uuid.uuid4().hex
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("jobs/propose.html", form=form, need=need), status
    proposal = services.existing_proposal(session, me, form.cle.data)
    if proposal is None:
        proposal = services.propose(
            session, need, me, form.chosen_structure, form.to_input(), utcnow()
        )
        session.commit()
        flash("Votre proposition est envoyée à la crèche, qui reçoit un lien pour répondre.")
    return redirect(url_for("jobs.proposal_detail", proposal_id=proposal.id), 303)


# ------------------------------------------------------------------ a proposal and its answer


def _proposal_for_me(proposal_id: int) -> tuple[JobProposal, Party]:
    session = get_session()
    proposal = queries.load_proposal(session, proposal_id)
    party = policies.party_of(session, _me(), proposal) if proposal else None
    if proposal is None or party is None:
        abort(404)
    return proposal, party


def _render_proposal(
    proposal: JobProposal,
    party: Party,
    status: int = 200,
    token: str | None = None,
    answer_form: AnswerForm | None = None,
    outcome_form: OutcomeForm | None = None,
):
    body = render_template(
        "jobs/proposal.html",
        proposal=proposal,
        party=party.value,
        token=token,
        answer_form=answer_form or AnswerForm(proposal.status, formdata=None),
        outcome_form=outcome_form or OutcomeForm(formdata=None),
        can_answer=party == Party.EMPLOYER and bool(rules.answers_for(proposal.status)),
        can_record=party == Party.EMPLOYER and rules.can_record_outcome(proposal.status),
    )
    return Response(body, status)


@bp.get("/bourse-emploi/propositions/<int:proposal_id>")
@login_required
def proposal_detail(proposal_id: int):
    proposal, party = _proposal_for_me(proposal_id)
    if party == Party.EMPLOYER:
        services.mark_seen(proposal, _me(), utcnow())
        get_session().commit()
    return _render_proposal(proposal, party)


def _back(proposal: JobProposal, token: str | None):
    if token:
        return redirect(url_for("jobs.answer_by_link", token=token), 303)
    return redirect(url_for("jobs.proposal_detail", proposal_id=proposal.id), 303)


def _answer(proposal: JobProposal, actor: User | None, token: str | None):
    form = AnswerForm(proposal.status)
    if not form.validate_on_submit():
        return _render_proposal(proposal, Party.EMPLOYER, 422, token, answer_form=form)
    session = get_session()
    try:
        services.answer(session, proposal, form.to_answer(), actor, utcnow())
        session.commit()
    except services.ConflictError:
        session.refresh(proposal)
        flash(CONFLICT)
        return _render_proposal(proposal, Party.EMPLOYER, 409, token)
    except rules.TransitionError as error:
        flash(str(error))
        return _render_proposal(proposal, Party.EMPLOYER, 409, token)
    flash("Votre réponse est envoyée.")
    return _back(proposal, token)


def _outcome(proposal: JobProposal, actor: User | None, token: str | None):
    form = OutcomeForm()
    if not form.validate_on_submit():
        return _render_proposal(proposal, Party.EMPLOYER, 422, token, outcome_form=form)
    session = get_session()
    try:
        services.record_outcome(
            session, proposal, Outcome(form.issue.data), form.version.number, actor, utcnow()
        )
        session.commit()
    except services.ConflictError:
        session.refresh(proposal)
        flash(CONFLICT)
        return _render_proposal(proposal, Party.EMPLOYER, 409, token)
    except rules.TransitionError as error:
        flash(str(error))
        return _render_proposal(proposal, Party.EMPLOYER, 409, token)
    flash("L’issue est enregistrée. Merci !")
    return _back(proposal, token)


def _employer_proposal(proposal_id: int) -> JobProposal:
    proposal, party = _proposal_for_me(proposal_id)
    if party != Party.EMPLOYER:
        abort(403)
    return proposal


@bp.post("/bourse-emploi/propositions/<int:proposal_id>/reponse")
@login_required
def answer(proposal_id: int):
    return _answer(_employer_proposal(proposal_id), _me(), None)


@bp.post("/bourse-emploi/propositions/<int:proposal_id>/issue")
@login_required
def outcome(proposal_id: int):
    return _outcome(_employer_proposal(proposal_id), _me(), None)


# ------------------------------------------------------------------ the emailed link (no account)


def _link_problem(token: str, *, expired: bool, can_renew: bool, status: int | None = None):
    body = render_template(
        "jobs/link_problem.html",
        token=token,
        expired=expired,
        can_renew=can_renew,
        form=ConfirmForm(),
        days=JOB_PROPOSAL_ANSWER[1] // 86400,
    )
    return Response(body, status or (410 if expired else 400))


def _proposal_by_token(token: str) -> JobProposal:
    try:
        payload = read_token(JOB_PROPOSAL_ANSWER, token)
    except TokenError as error:
        proposal_id = (error.payload or {}).get("p") if error.expired else None
        abort(_link_problem(token, expired=error.expired, can_renew=isinstance(proposal_id, int)))
    proposal_id = payload.get("p")
    proposal = (
        queries.load_proposal(get_session(), proposal_id) if isinstance(proposal_id, int) else None
    )
    if proposal is None:
        abort(_link_problem(token, expired=False, can_renew=False))
    return proposal


@bp.get("/bourse-emploi/reponse/<token>")
def answer_by_link(token: str):
    proposal = _proposal_by_token(token)
    services.mark_seen(proposal, None, utcnow())
    get_session().commit()
    response = _render_proposal(proposal, Party.EMPLOYER, token=token)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/bourse-emploi/reponse/<token>")
@limiter.limit(SENSITIVE)
def answer_by_link_post(token: str):
    return _answer(_proposal_by_token(token), None, token)


@bp.post("/bourse-emploi/reponse/<token>/issue")
@limiter.limit(SENSITIVE)
def outcome_by_link(token: str):
    return _outcome(_proposal_by_token(token), None, token)


@bp.post("/bourse-emploi/reponse/<token>/nouveau-lien")
@limiter.limit(SENSITIVE)
def renew_link(token: str):
    """A fresh link to the employer's own addresses (whoever asks never receives it)."""
    session = get_session()
    payload: dict | None
    try:
        payload = read_token(JOB_PROPOSAL_ANSWER, token)
    except TokenError as error:
        payload = error.payload if error.expired else None
    proposal_id = (payload or {}).get("p")
    proposal = queries.load_proposal(session, proposal_id) if isinstance(proposal_id, int) else None
    if proposal is None or not ConfirmForm().validate_on_submit():
        return _link_problem(token, expired=False, can_renew=False, status=400)
    services.renew_link(session, proposal, utcnow())
    session.commit()
    return render_template("jobs/link_sent.html")


# ------------------------------------------------------------------ spaces


@bp.get("/bourse-emploi/mon-espace")
@login_required
def space():
    session = get_session()
    me = _me()
    return render_template(
        "jobs/space.html",
        space=queries.space(session, me),
        can_publish_needs=policies.can_publish_needs(session, me),
        can_publish_capacities=policies.can_publish_capacities(session, me),
        can_propose=policies.can_propose(session, me),
        form=ConfirmForm(),
    )


# ------------------------------------------------------------------ tension


def _tension_tables(departement_code: str | None = None):
    session = get_session()
    now = utcnow()
    facts = queries.need_facts(session, departement_code)
    return {
        "by_departement": tension.by_departement(facts, now, queries.bmo_by_departement(session)),
        "by_job": tension.by_job(facts, now),
        "total": tension.total(facts, now),
        "trend": tension.trend(facts, now),
        "minimum": rules.PUBLIC_MINIMUM,
        "difficulty_days": rules.DIFFICULTY_DAYS,
    }


@bp.get("/bourse-emploi/tension")
def tension_page():
    return render_template("jobs/tension.html", public=True, **_tension_tables())


@bp.get("/bourse-emploi/tension.json")
def tension_json():
    tables = _tension_tables()
    response = jsonify(
        {
            "seuil_de_publication": rules.PUBLIC_MINIMUM,
            "departements": [r.to_json(public=True) for r in tables["by_departement"]],
            "metiers": [r.to_json(public=True) for r in tables["by_job"]],
        }
    )
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/bourse-emploi/tension.csv")
def tension_csv():
    tables = _tension_tables()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(tension.COLUMNS)
    writer.writerows(tension.csv_rows(tables["by_departement"], public=True))
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=tension-petite-enfance.csv"},
    )


@bp.get("/coordination/bourse-emploi")
@role_required(Role.COORDINATEUR)
def tension_coordination():
    me = _me()
    departement = me.departement_code if me.role == Role.COORDINATEUR else None
    session = get_session()
    needs = queries.space(session, me).needs
    return render_template(
        "jobs/tension.html",
        public=False,
        departement=departement,
        needs=[n for n in needs if n.status == NeedStatus.OPEN],
        now=utcnow(),
        **_tension_tables(departement),
    )
