"""The coordinators' space (``/coordination``), the AVIP application of a gestionnaire
(``/label-avip``) and the public error report form (``/offre/<id>/signaler``).

Views stay thin: rules are in :mod:`app.moderation.services`, reads in
:mod:`app.moderation.queries`. Every object fetched by id is checked against the person's
département (``policies.coordinates``) and answered 404 otherwise. Each action is one
transaction; its emails are queued in it (:func:`app.core.outgoing.queue_mail`) and leave after
the response, so no answer waits for the mail server."""

from __future__ import annotations

from datetime import date
from typing import cast

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from app.accounts import policies
from app.accounts import services as accounts
from app.accounts.auth import current_user, role_required
from app.accounts.forms import departement_choices
from app.accounts.models import Role, User
from app.core.limits import SENSITIVE, limiter
from app.core.mail import absolute_url
from app.core.outgoing import queue_mail
from app.db import get_session
from app.directory.models import Offer, Structure
from app.directory.queries import get_public_offer
from app.directory.rules import proposed_avip_review
from app.geo.timezones import today_in_france
from app.moderation import presenters, queries, services
from app.moderation.forms import (
    AvipApplicationForm,
    GrantForm,
    InvitePersonForm,
    RefuseForm,
    ReportDecisionForm,
    ReportForm,
)
from app.moderation.models import ApplicationStatus, AvipApplication, ErrorReport
from app.moderation.services import ModerationError
from app.widget import queries as partner_queries

bp = Blueprint("moderation", __name__)


def _me() -> User:
    return current_user._get_current_object()


def _get(model, object_id: int):
    obj = get_session().get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def _coordinated(model, object_id: int, departement_of=lambda obj: obj.departement_code):
    """The object if the person coordinates its département (admins: any), else 404."""
    obj = _get(model, object_id)
    if not policies.coordinates(_me(), departement_of(obj)):
        abort(404)
    return obj


# ------------------------------------------------------------------- public error report


@bp.route("/offre/<int:offer_id>/signaler", methods=["GET", "POST"])
@limiter.limit(SENSITIVE, methods=["POST"])
def report(offer_id: int):
    session = get_session()
    offer = get_public_offer(session, offer_id)
    if offer is None:
        abort(404)
    form = ReportForm()
    if form.validate_on_submit():
        services.report_error(
            session, offer, form.categorie.data, form.message.data, form.email.data or ""
        )
        session.commit()
        flash(
            "Merci : votre signalement est transmis à la coordination du département, qui va "
            "vérifier cette offre."
        )
        return redirect(url_for("directory.offer_detail", offer_id=offer.id))
    return render_template(
        "moderation/report.html", offer=offer, form=form
    ), 422 if form.errors else 200


# ------------------------------------------------------------- AVIP label: the applicant


def _managed_offer(offer_id: int) -> Offer:
    offer = _get(Offer, offer_id)
    if not policies.can_manage_offer(get_session(), _me(), offer) or not services.avip_eligible(
        offer
    ):
        abort(404)
    return offer


def _managed_structure(structure_id: int) -> Structure:
    structure = _get(Structure, structure_id)
    me = _me()
    if me.role != Role.ADMIN and structure.id not in policies.managed_structure_ids(
        get_session(), me
    ):
        abort(404)
    return structure


def _criteria(form: AvipApplicationForm) -> services.Criteria:
    return services.Criteria(
        cast(int, form.reserved_places.number),  # checked by the form
        form.hours_commitment.data or "",
        form.partnership.data,
        form.short_notice.data,
    )


def _notify_new_applications(session, applications: list[AvipApplication]) -> None:
    for application in applications:
        for coordinator in queries.coordinators_of(session, application.departement_code):
            queue_mail(
                session,
                coordinator.email,
                "Une demande de label AVIP à examiner – Passerelle",
                "avip_application",
                coordinator=coordinator,
                application=application,
                scope=presenters.application_scope(application),
                url=absolute_url("moderation.avip_decision", application_id=application.id),
            )


@bp.get("/label-avip")
@role_required(Role.GESTIONNAIRE)
def avip_home():
    session = get_session()
    structures = [
        (
            s,
            sorted(
                (o for o in s.offers if services.avip_eligible(o)), key=lambda o: (o.title, o.id)
            ),
        )
        for s in queries.managed_structures(session, _me())
    ]
    return render_template(
        "moderation/avip_home.html",
        today=today_in_france(),
        structures=structures,
        applications=queries.applications_of_manager(session, _me()),
    )


@bp.route("/label-avip/offre/<int:offer_id>", methods=["GET", "POST"])
@role_required(Role.GESTIONNAIRE)
def avip_apply_offer(offer_id: int):
    offer = _managed_offer(offer_id)
    session = get_session()
    return _apply(
        AvipApplicationForm(),
        [offer],
        pending=services.pending_application_for_offer(session, offer),
        submit=lambda form: [services.apply_for_offer(session, _me(), offer, _criteria(form))],
        offer=offer,
    )


@bp.route("/label-avip/structure/<int:structure_id>", methods=["GET", "POST"])
@role_required(Role.GESTIONNAIRE)
def avip_apply_structure(structure_id: int):
    structure = _managed_structure(structure_id)
    session = get_session()
    offers = services.eligible_offers(session, structure.id)
    if not offers:
        abort(404)
    return _apply(
        AvipApplicationForm(),
        offers,
        pending=None,
        structure=structure,
        submit=lambda form: services.apply_for_all_sites(
            session, _me(), structure, _criteria(form)
        ),
    )


def _apply(form: AvipApplicationForm, offers: list[Offer], pending, submit, **context):
    session = get_session()
    problem = None
    if form.validate_on_submit():
        try:
            applications = submit(form)
        except ModerationError as error:
            session.rollback()
            problem = error.message
        else:
            _notify_new_applications(session, applications)
            session.commit()
            codes = [a.departement_code for a in applications]
            where = (
                f"du département {codes[0]}"
                if len(codes) == 1
                else f"des départements {', '.join(codes[:-1])} et {codes[-1]}"
            )
            flash(f"Votre demande de label AVIP est envoyée à la coordination {where}.")
            return redirect(url_for("moderation.avip_home"))
    status = 422 if (form.errors or problem) else 200
    return render_template(
        "moderation/avip_apply.html",
        form=form,
        offers=offers,
        pending=pending,
        problem=problem,
        **context,
    ), status


@bp.post("/label-avip/demandes/<int:application_id>/retirer")
@role_required(Role.GESTIONNAIRE)
def avip_withdraw(application_id: int):
    application = _get(AvipApplication, application_id)
    _managed_structure(application.structure_id)
    _act(
        lambda session: services.withdraw(session, _me(), application), "Votre demande est retirée."
    )
    return redirect(url_for("moderation.avip_home"))


def _act(action, done: str) -> bool:
    """Run ``action(session)`` in one transaction; flash ``done`` or the rule's message."""
    session = get_session()
    try:
        action(session)
    except ModerationError as error:
        session.rollback()
        flash(error.message)
        return False
    session.commit()
    flash(done)
    return True


# ------------------------------------------------------------------ coordination: queue


def _render_queue(status: int = 200, report_forms: dict | None = None):
    session = get_session()
    q = queries.queue(session, _me())
    forms = report_forms or {}
    for r in q.reports.items:
        forms.setdefault(r.id, ReportDecisionForm(formdata=None, prefix=f"r{r.id}"))
    me = _me()
    return render_template(
        "moderation/queue.html",
        queue=q,
        report_forms=forms,
        structures=queries.declared_structures(session, q.structures.items),
        partner_requests=partner_queries.waiting_requests(session)
        if me.role == Role.ADMIN
        else None,
    ), status


@bp.get("/coordination")
@role_required(Role.COORDINATEUR)
def queue():
    return _render_queue()


@bp.post("/coordination/signalements/<int:report_id>")
@role_required(Role.COORDINATEUR)
def close_report(report_id: int):
    report_ = _coordinated(ErrorReport, report_id)
    form = ReportDecisionForm(prefix=f"r{report_.id}")
    if not form.validate_on_submit():
        return _render_queue(422, {report_.id: form})
    done = (
        "Signalement marqué comme corrigé." if form.resolved else "Signalement classé sans suite."
    )
    _act(
        lambda session: services.close_report(
            session, _me(), report_, resolved=form.resolved, note=form.note.data or ""
        ),
        done,
    )
    return redirect(url_for("moderation.queue"))


@bp.post("/coordination/comptes/<int:user_id>/valider")
@role_required(Role.COORDINATEUR)
def approve_account(user_id: int):
    person = _coordinated(User, user_id)

    def approve(session):
        services.ensure_pending_account(person)
        accounts.approve_account(session, _me(), person)
        queue_mail(
            session,
            person.email,
            "Votre compte est validé – Passerelle",
            "account_approved",
            user=person,
            url=absolute_url("accounts.login"),
        )

    _act(approve, f"Le compte de {person.full_name} est validé.")
    return redirect(url_for("moderation.queue"))


@bp.post("/coordination/comptes/<int:user_id>/refuser")
@role_required(Role.COORDINATEUR)
def refuse_account(user_id: int):
    person = _coordinated(User, user_id)

    def refuse(session):
        services.ensure_pending_account(person)
        accounts.refuse_account(session, _me(), person)
        queue_mail(
            session,
            person.email,
            "Votre demande de compte – Passerelle",
            "account_refused",
            user=person,
        )

    _act(refuse, f"La demande de compte de {person.full_name} est refusée.")
    return redirect(url_for("moderation.queue"))


@bp.post("/coordination/structures/<int:structure_id>/valider")
@role_required(Role.COORDINATEUR)
def approve_structure(structure_id: int):
    structure = _coordinated(Structure, structure_id)
    _act(
        lambda session: services.approve_structure(session, _me(), structure),
        f"La structure {structure.name} est validée.",
    )
    return redirect(url_for("moderation.queue"))


@bp.post("/coordination/structures/<int:structure_id>/refuser")
@role_required(Role.COORDINATEUR)
def refuse_structure(structure_id: int):
    structure = _coordinated(Structure, structure_id)
    _act(
        lambda session: services.refuse_structure(session, _me(), structure),
        f"La structure {structure.name} est refusée.",
    )
    return redirect(url_for("moderation.queue"))


# ------------------------------------------------------------- coordination: AVIP label


@bp.get("/coordination/label-avip")
@role_required(Role.COORDINATEUR)
def avip_history():
    return render_template(
        "moderation/avip_history.html",
        applications=queries.applications_history(get_session(), _me()),
    )


def _render_decision(
    application: AvipApplication, grant_form=None, refuse_form=None, problem=None, status: int = 200
):
    session = get_session()
    today = today_in_france()
    if grant_form is None:
        grant_form = GrantForm(
            formdata=None,
            today=today,
            data={
                "places": str(application.reserved_places),
                "label_start": today.isoformat(),
                "label_review": proposed_avip_review(today).isoformat(),
            },
        )
    return render_template(
        "moderation/avip_decision.html",
        application=application,
        today=today,
        problem=problem,
        offers=services.application_offers(session, application),
        history=queries.related_applications(session, application),
        applicant=session.get(User, application.applicant_id) if application.applicant_id else None,
        grant_form=grant_form,
        refuse_form=refuse_form or RefuseForm(formdata=None),
    ), status


@bp.get("/coordination/label-avip/<int:application_id>")
@role_required(Role.COORDINATEUR)
def avip_decision(application_id: int):
    return _render_decision(_coordinated(AvipApplication, application_id))


@bp.post("/coordination/label-avip/<int:application_id>/attribuer")
@role_required(Role.COORDINATEUR)
def avip_grant(application_id: int):
    application = _coordinated(AvipApplication, application_id)
    form = GrantForm(today=today_in_france())
    if not form.validate_on_submit():
        return _render_decision(application, grant_form=form, status=422)
    return _decide(
        application,
        lambda session: services.grant(
            session,
            _me(),
            application,
            # All three are required by the form, which has just validated.
            start=cast(date, form.label_start.date_value),
            review=cast(date, form.label_review.date_value),
            places=cast(int, form.places.number),
            note=form.note.data or "",
        ),
        grant_form=form,
    )


@bp.post("/coordination/label-avip/<int:application_id>/refuser")
@role_required(Role.COORDINATEUR)
def avip_refuse(application_id: int):
    application = _coordinated(AvipApplication, application_id)
    form = RefuseForm()
    if not form.validate_on_submit():
        return _render_decision(application, refuse_form=form, status=422)
    return _decide(
        application,
        lambda session: services.refuse(session, _me(), application, form.reason.data),
        refuse_form=form,
    )


def _decide(application: AvipApplication, action, **forms):
    session = get_session()
    try:
        offers = action(session) or []
    except ModerationError as error:
        session.rollback()
        return _render_decision(application, problem=error.message, status=409, **forms)
    granted = application.status == ApplicationStatus.GRANTED
    applicant = session.get(User, application.applicant_id) if application.applicant_id else None
    if applicant is not None:
        queue_mail(
            session,
            applicant.email,
            f"Label AVIP : {'label attribué' if granted else 'demande refusée'} – Passerelle",
            "avip_decision",
            applicant=applicant,
            application=application,
            granted=granted,
            offers=offers,
            scope=presenters.application_scope(application),
            url=absolute_url("moderation.avip_home"),
        )
    session.commit()
    flash("Le label est attribué." if granted else "La demande est refusée.")
    return redirect(url_for("moderation.avip_decision", application_id=application.id))


# ------------------------------------------------------------- coordination: invitations


def _invitation_departement(me: User) -> str | None:
    if me.role != Role.ADMIN:
        return me.departement_code
    wanted = request.args.get("departement") or me.departement_code
    return wanted if wanted in {c.value for c in departement_choices() if c.value} else None


@bp.route("/coordination/inviter", methods=["GET", "POST"])
@role_required(Role.COORDINATEUR)
def invite():
    me, session = _me(), get_session()
    departement = _invitation_departement(me)
    if departement is None or not policies.coordinates(me, departement):
        if me.role != Role.ADMIN:
            abort(404)
        return render_template(
            "moderation/invite.html",
            form=None,
            departement=None,
            departements=departement_choices(),
        )
    structures = queries.invitable_structures(session, departement)
    form = InvitePersonForm(structure_choices=[SelectChoice(str(s.id), s.name) for s in structures])
    if form.validate_on_submit():
        if accounts.find_user(session, form.email.data) is not None:
            form.email.errors.append("Cette adresse a déjà un compte sur Passerelle.")
        else:
            role = Role(form.role.data)
            token = accounts.invitation_token(
                me, form.email.data, role, departement, form.structure
            )
            queue_mail(
                session,
                accounts.normalize_email(form.email.data),
                "Votre invitation sur Passerelle",
                "invitation",
                inviter=me,
                url=absolute_url("accounts.accept_invitation", token=token),
            )
            session.commit()
            flash(f"L’invitation est envoyée à {accounts.normalize_email(form.email.data)}.")
            chosen = departement if me.role == Role.ADMIN else None
            return redirect(url_for("moderation.invite", departement=chosen))
    status = 422 if form.errors else 200
    return render_template(
        "moderation/invite.html",
        form=form,
        departement=departement,
        departements=departement_choices(),
    ), status


# ------------------------------------------------------------------------ template helpers


@bp.context_processor
def _helpers():
    return presenters.TEMPLATE_HELPERS


@bp.app_context_processor
def _offer_page_helpers():
    """What the offer page asks of this package: the report form, and the AVIP application
    link for the offer's managers."""

    def avip_apply_link(offer: Offer) -> str | None:
        if not current_user.is_authenticated or current_user.role != Role.GESTIONNAIRE:
            return None
        if not services.avip_eligible(offer) or not policies.can_manage_offer(
            get_session(), _me(), offer
        ):
            return None
        return url_for("moderation.avip_apply_offer", offer_id=offer.id)

    return {
        "new_report_form": lambda: ReportForm(formdata=None),
        "avip_apply_link": avip_apply_link,
    }
