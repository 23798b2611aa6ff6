"""Login, logout, sign-up request, email verification, password reset, invitations.

Views stay thin: the flows are in :mod:`app.accounts.services`; the emails are queued in the
view's transaction and sent after the response (:mod:`app.core.outgoing`), so no answer waits
for the mail server nor tells by its time whether an address has an account."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from app.accounts import services
from app.accounts.auth import current_user, log_out, login_required, login_user
from app.accounts.forms import (
    ForgotPasswordForm,
    InvitationForm,
    LoginForm,
    ResetPasswordForm,
    SignupForm,
)
from app.accounts.models import AccountStatus, Role, User
from app.accounts.tokens import TokenError
from app.alerts import services as alert_services
from app.core.limits import LOGIN, SENSITIVE, email_key, limiter
from app.core.mail import absolute_url
from app.core.outgoing import queue_mail
from app.db import get_session, utcnow
from app.directory.models import StructureKind
from app.geo.timezones import today_in_france
from app.moderation import queries as moderation_queries
from app.referrals import presenters as referral_presenters
from app.referrals import queries as referral_queries

bp = Blueprint("accounts", __name__)
log = logging.getLogger(__name__)

LOGIN_FAILED = "Adresse électronique ou mot de passe incorrect."
STATUS_MESSAGES = {
    AccountStatus.UNVERIFIED: (
        "Confirmez d’abord votre adresse électronique : cliquez sur le "
        "lien du courriel que nous vous avons envoyé."
    ),
    AccountStatus.PENDING: (
        "Votre demande de compte attend la validation de la coordination de "
        "votre département. Vous recevrez un courriel."
    ),
    AccountStatus.REFUSED: (
        "Votre demande de compte n’a pas été acceptée. Contactez la "
        "coordination de votre département."
    ),
    AccountStatus.DISABLED: (
        "Ce compte est désactivé. Contactez la coordination de votre département."
    ),
}


def safe_next(target: str | None) -> str:
    """Only a path of this site (no scheme, no host, no «//», no control character: a line
    break would not even fit in the Location header)."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not any(ord(char) < 32 or ord(char) == 127 for char in target)
    ):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("accounts.home")


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit(LOGIN, methods=["POST"])
@limiter.limit(LOGIN, methods=["POST"], key_func=email_key)
def login():
    form = LoginForm()
    message = None
    if form.validate_on_submit():
        session = get_session()
        user = services.authenticate(session, form.email.data, form.password.data)
        if user is None:
            message = LOGIN_FAILED
        elif user.status != AccountStatus.ACTIVE:
            message = STATUS_MESSAGES[user.status]
        else:
            user.last_login_at = utcnow()
            session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("suivant")))
    status = 200 if request.method == "GET" or not (form.errors or message) else 422
    return render_template("accounts/login.html", form=form, message=message), status


@bp.post("/deconnexion")
def logout():
    log_out()
    flash("Vous êtes déconnecté·e.", "info")
    return redirect(url_for("directory.home"))


@bp.get("/compte")
@login_required
def home():
    """The account's landing page: what waits first (counted, the items themselves), then what
    this role can do."""
    session, me = get_session(), current_user._get_current_object()
    reviews = None
    if me.role in (Role.COORDINATEUR, Role.ADMIN):
        reviews = moderation_queries.label_reviews_due(session, me, today_in_france())
    return render_template(
        "accounts/home.html",
        waiting=referral_queries.waiting(session, me, utcnow()),
        reviews=reviews,
        alert_count=alert_services.count_for_account(session, me.id)
        if me.role in (Role.PRESCRIPTEUR, Role.ADMIN)
        else None,
        review_days=moderation_queries.REVIEW_DUE_WITHIN_DAYS,
        p=referral_presenters,
    )


@bp.route("/inscription", methods=["GET", "POST"])
@limiter.limit(SENSITIVE, methods=["POST"])
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        session = get_session()
        outcome = services.request_account(
            session,
            services.SignupRequest(
                email=form.email.data,
                password=form.password.data,
                full_name=form.full_name.data,
                organisation=form.organisation.data,
                role=Role(form.role.data),
                departement_code=form.departement.data,
                structure_name=form.structure_name.data or "",
                structure_siret=form.structure_siret.data or "",
                structure_kind=StructureKind(form.structure_kind.data)
                if form.structure_kind.data
                else None,
            ),
        )
        if outcome.user is not None:
            queue_mail(
                session,
                outcome.user.email,
                "Confirmez votre adresse électronique – Passerelle",
                "verify_email",
                user=outcome.user,
                url=absolute_url(
                    "accounts.verify_email", token=services.verification_token(outcome.user)
                ),
            )
        elif outcome.existing is not None:
            queue_mail(
                session,
                outcome.existing.email,
                "Une demande de compte avec votre adresse – Passerelle",
                "signup_existing",
                user=outcome.existing,
                login_url=absolute_url("accounts.login"),
                reset_url=absolute_url("accounts.forgot_password"),
            )
        session.commit()
        # The same answer whether the address had an account or not.
        return redirect(url_for("accounts.signup_sent"))
    status = 422 if form.errors else 200
    return render_template("accounts/signup.html", form=form), status


@bp.get("/inscription/envoyee")
def signup_sent():
    return render_template(
        "accounts/message.html",
        title="Vérifiez votre messagerie",
        text=(
            "Si cette adresse peut recevoir un compte, un courriel vient de lui être envoyé "
            "avec un lien pour la confirmer. Le lien est valable 7 jours."
        ),
    )


@bp.get("/verifier-email/<token>")
def verify_email(token: str):
    session = get_session()
    try:
        user = services.verify_email(session, token)
    except TokenError as error:
        return _token_problem(error), 400
    if user.status == AccountStatus.PENDING:
        _notify_coordinators(user)
    session.commit()
    if user.status == AccountStatus.PENDING:
        text = (
            "Merci, votre adresse est confirmée. La coordination de votre département va "
            "examiner votre demande : vous recevrez un courriel dès qu’elle sera acceptée."
        )
    else:
        text = "Merci, votre adresse est confirmée. Vous pouvez vous connecter."
    return render_template(
        "accounts/message.html",
        title="Adresse confirmée",
        text=text,
        action=(url_for("accounts.login"), "Se connecter")
        if user.status == AccountStatus.ACTIVE
        else None,
    )


def _notify_coordinators(user: User) -> None:
    session = get_session()
    coordinators = session.scalars(
        select(User).where(
            User.role == Role.COORDINATEUR,
            User.status == AccountStatus.ACTIVE,
            User.departement_code == user.departement_code,
        )
    ).all()
    for coordinator in coordinators:
        queue_mail(
            session,
            coordinator.email,
            "Une demande de compte à examiner – Passerelle",
            "new_request",
            coordinator=coordinator,
            user=user,
            url=absolute_url("accounts.home"),
        )


def _token_problem(error: TokenError):
    if error.expired:
        text = "Ce lien a expiré. Demandez-en un nouveau."
    else:
        text = "Ce lien n’est pas valable ou a déjà servi. Demandez-en un nouveau si besoin."
    return render_template(
        "accounts/message.html",
        title="Lien non valable",
        text=text,
        action=(url_for("accounts.forgot_password"), "Demander un nouveau lien"),
    )


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@limiter.limit(SENSITIVE, methods=["POST"])
@limiter.limit(SENSITIVE, methods=["POST"], key_func=email_key)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        session = get_session()
        user = services.find_user(session, form.email.data)
        if user is not None and user.status not in (AccountStatus.REFUSED, AccountStatus.DISABLED):
            queue_mail(
                session,
                user.email,
                "Choisir un nouveau mot de passe – Passerelle",
                "reset_password",
                user=user,
                url=absolute_url("accounts.reset_password", token=services.reset_token(user)),
            )
        session.commit()  # the mail goes after the response, whichever the address
        return render_template(
            "accounts/message.html",
            title="Vérifiez votre messagerie",
            text=(
                "Si un compte existe avec cette adresse, un courriel vient de lui être envoyé "
                "avec un lien pour choisir un nouveau mot de passe. Le lien est valable 1 heure "
                "et ne sert qu’une fois."
            ),
        )
    status = 422 if form.errors else 200
    return render_template("accounts/forgot.html", form=form), status


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
@limiter.limit(SENSITIVE, methods=["POST"])
def reset_password(token: str):
    session = get_session()
    try:
        user = services.user_for_reset(session, token)
    except TokenError as error:
        return _token_problem(error), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        if user.status == AccountStatus.UNVERIFIED:  # the link proved the address
            user.email_verified_at = utcnow()
            user.status = AccountStatus.ACTIVE if user.approved_at else AccountStatus.PENDING
        session.commit()
        flash("Votre mot de passe est changé. Connectez-vous avec le nouveau.", "info")
        return redirect(url_for("accounts.login"))
    status = 422 if form.errors else 200
    return render_template("accounts/reset.html", form=form), status


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit(SENSITIVE, methods=["POST"])
def accept_invitation(token: str):
    session = get_session()
    try:
        payload = services.read_invitation(session, token)
    except TokenError as error:
        return _token_problem(error), 400
    form = InvitationForm()
    if form.validate_on_submit():
        user = services.accept_invitation(
            session, payload, form.full_name.data, form.organisation.data, form.password.data
        )
        session.commit()
        login_user(user)
        return redirect(url_for("accounts.home"))
    status = 422 if form.errors else 200
    return render_template(
        "accounts/invitation.html", form=form, email=payload["e"], role=Role(payload["r"])
    ), status


ROLE_LINKS = {
    Role.GESTIONNAIRE: [
        ("management.offers", "Mes offres"),
        ("referrals.received", "Orientations reçues"),
        ("jobs.space", "Bourse de l’emploi : mes besoins de recrutement"),
        ("moderation.avip_home", "Label AVIP"),
        ("directory.search", "L’annuaire public"),
    ],
    Role.PRESCRIPTEUR: [
        ("directory.search", "Chercher une solution de garde pour un parent"),
        ("referrals.mine", "Mes orientations"),
        ("alerts.mine", "Mes alertes"),
        ("estimator.page", "Estimer les aides d’un parent"),
        ("jobs.space", "Bourse de l’emploi : proposer des personnes aux crèches"),
    ],
    Role.EMPLOYEUR_INCLUSIF: [
        ("jobs.space", "Bourse de l’emploi : mon espace"),
        ("jobs.search_needs", "Les besoins des crèches"),
        ("jobs.new_capacity", "Dire ce que nous pouvons proposer"),
    ],
    Role.COORDINATEUR: [
        ("moderation.queue", "À traiter dans mon département"),
        ("referrals.departement", "Les orientations du département"),
        ("management.offers", "Les offres de mon département"),
        ("moderation.invite", "Inviter une personne"),
        ("jobs.tension_coordination", "Bourse de l’emploi : tension du département"),
    ],
    Role.ADMIN: [
        ("moderation.queue", "À traiter"),
        ("management.offers", "Toutes les offres"),
        ("referrals.departement", "Toutes les orientations"),
        ("widget.partners", "Partenaires du widget"),
    ],
}


@bp.app_context_processor
def _account_links():
    if not current_user.is_authenticated:
        return {"account_links": []}
    return {
        "account_links": [
            (endpoint, label)
            for endpoint, label in ROLE_LINKS.get(current_user.role, [])
            if endpoint in current_app.view_functions
        ]
    }
