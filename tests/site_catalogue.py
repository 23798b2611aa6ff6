"""The site, enumerated once for the cross-cutting tests (fuzzing, oversized fields, the
accessibility audit): a small world with one object of each kind, the URL of every route built
from the app's own url_map, and who visits it.

A new route is covered automatically. If it takes an argument not listed in ``ARGUMENTS`` (or a
token, see ``TOKENS``), or lives under a prefix with its own role, the tests fail and ask for it
here: this file is the one place to extend when pages are added (referrals, widget…).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from urllib.parse import urlencode

from kit.factories import (
    make_inclusive_structure,
    make_need,
    make_offer,
    make_proposal,
    make_referral,
    make_structure,
    make_user,
)
from werkzeug.datastructures import MultiDict

from app.accounts import services as accounts
from app.accounts.models import AccountStatus, Role
from app.accounts.tokens import JOB_PROPOSAL_ANSWER, REFERRAL_ANSWER, make_token
from app.alerts import services as alerts
from app.alerts.models import SavedSearch
from app.db import utcnow
from app.directory.criteria import PAGE, parse_criteria
from app.directory.models import Structure
from app.experiments.models import Scenario, ScenarioParameter, ScenarioTerritory
from app.geo import get_commune
from app.jobs.models import JobCapacity
from app.moderation.models import AvipApplication, ErrorReport
from app.referrals.models import ReferralEvent, Side
from app.territories.models import OutcomeAsk
from app.territories.outcomes import OUTCOME_LINK
from app.widget.models import PartnerRequest, PartnerToken

#: Who visits a URL, by prefix (the first match wins); anything else is visited anonymously.
ROLE_BY_PREFIX = (
    ("/orientations/reponse/", None),  # the structure's emailed link: no account
    ("/bourse-emploi/reponse/", None),  # the employer's emailed link: no account
    ("/bourse-emploi/besoins/nouveau", "gestionnaire"),
    ("/bourse-emploi/capacites", "employeur-inclusif"),
    ("/bourse-emploi/mon-espace", "gestionnaire"),
    ("/bourse-emploi/propositions", "gestionnaire"),
    ("/orientations/vos-donnees", None),
    ("/orientations/recues", "gestionnaire"),
    ("/orientations", "prescripteur"),
    ("/admin", "admin"),
    ("/gestion", "gestionnaire"),
    ("/label-avip", "gestionnaire"),
    ("/coordination", "coordinateur"),
    ("/compte", "prescripteur"),
)

#: Routes visited by a role their URL's prefix does not say (the first match wins over the prefix).
ROLE_BY_ENDPOINT = {
    "referrals.share": "prescripteur",  # /offre/<id>/envoyer-a-un-parent
    "jobs.propose": "employeur-inclusif",  # /bourse-emploi/besoins/<id>/proposer
    "jobs.edit_need": "gestionnaire",  # /bourse-emploi/besoins/<id>/modifier
}

#: GET routes no cross-cutting test visits, with the reason.
SKIPPED = {
    "static": "fichiers statiques",
    "icons.favicon": "fichier statique (l’icône PNG, tests/core/test_icons.py)",
    "mail.outbox_message": "page de développement : un fichier .eml affiché en texte brut",
}

#: The query string some pages need to show what they are for.
QUERIES = {
    "api.communes": lambda w: {"q": "Toulon"},
    "directory.search_map_points": lambda w: {"lieu": "Toulon", "rayon": "10"},
    "widget.search": lambda w: {"token": w.partner.token},
    "jobs.search_needs": lambda w: {"lieu": "Toulon", "rayon": "20", "metier": "K1303"},
    "jobs.search_capacities": lambda w: {"lieu": "Toulon", "rayon": "20"},
    "widget.search_map_points": lambda w: {"token": w.partner.token, "lieu": "Toulon"},
    "widget.estimator": lambda w: {"token": w.partner.token},
    "careers.guided": lambda w: {
        "situation": "iae",
        "diplome": "aucun",
        "experience": "aucune",
        "heures": "partiel",
        "lieu": "Toulon",
        "rayon": "10",
    },
    "careers.qualification": lambda w: {"lieu": "Toulon", "rayon": "10"},
    "alerts.new": lambda w: {"lieu": "Toulon", "code_insee": "83137", "rayon": "10"},
}

#: The value of each route argument, from the world.
ARGUMENTS = {
    "offer_id": lambda w: w.offer.id,
    "structure_id": lambda w: w.structure.id,
    "application_id": lambda w: w.application.id,
    "report_id": lambda w: w.report.id,
    "user_id": lambda w: w.pending_user.id,
    "part": lambda w: "horaires",
    "action": lambda w: "depublier",
    "name": lambda w: "x.eml",
    "id": lambda w: w.offer.id,
    "referral_id": lambda w: w.referral.id,
    "token_id": lambda w: w.partner.id,
    "need_id": lambda w: w.need.id,
    "capacity_id": lambda w: w.capacity.id,
    "proposal_id": lambda w: w.proposal.id,
    "job_slug": lambda w: "agent-de-creche",
    "qualification_slug": lambda w: "cap-aepe",
    "alert_id": lambda w: w.alert.id,
    "departement": lambda w: "83",
    "request_id": lambda w: w.partner_request.id,
    "scenario_id": lambda w: w.scenario.id,
}

#: Routes taking a token: the token that opens their page.
TOKENS = {
    "accounts.reset_password": lambda w: accounts.reset_token(w.users["prescripteur"]),
    "accounts.verify_email": lambda w: accounts.verification_token(w.unverified_user),
    "accounts.accept_invitation": lambda w: accounts.invitation_token(
        w.users["coordinateur"], "invitee@exemple.fr", Role.PRESCRIPTEUR, "83", None
    ),
    "territories.outcome": lambda w: make_token(OUTCOME_LINK, {"a": w.outcome_ask.id}),
    "alerts.confirm": lambda w: alerts.confirm_token(w.alert),
    "alerts.renew": lambda w: alerts.link_token([w.alert]),
    "alerts.unsubscribe": lambda w: alerts.link_token([w.alert]),
    "alerts.unsubscribe_one_click": lambda w: alerts.link_token([w.alert]),
    **{
        endpoint: lambda w: make_token(REFERRAL_ANSWER, {"r": w.referral.id})
        for endpoint in (
            "referrals.answer_by_link",
            "referrals.answer_by_link_post",
            "referrals.message_by_link",
            "referrals.renew_link",
        )
    },
    **{
        endpoint: lambda w: make_token(JOB_PROPOSAL_ANSWER, {"p": w.proposal.id})
        for endpoint in (
            "jobs.answer_by_link",
            "jobs.answer_by_link_post",
            "jobs.outcome_by_link",
            "jobs.renew_link",
        )
    },
}


@dataclass
class World:
    structure: Structure
    offer: object
    application: AvipApplication
    report: ErrorReport
    pending_user: object
    unverified_user: object
    users: dict = field(default_factory=dict)
    referral: object = None
    partner: object = None
    partner_request: object = None
    alert: SavedSearch | None = None
    scenario: object = None
    need: object = None
    capacity: object = None
    proposal: object = None
    outcome_ask: object = None


def build_world(session) -> World:
    """A Var (83) structure with a published crèche, its manager, a prescripteur, the
    coordinator and an admin; an AVIP application and an error report to decide; an account
    request waiting for approval and one not yet confirmed."""
    structure = make_structure(session, "Association Les Lucioles")
    offer = make_offer(
        session,
        title="Multi-accueil Les Lucioles",
        structure=structure,
        free_places=2,
        contact_email="accueil@lucioles.example.org",
    )
    users = {
        "gestionnaire": make_user(
            session,
            "gestionnaire",
            "directrice@lucioles.example.org",
            structures=[structure],
            full_name="Nadia Benali",
        ),
        "prescripteur": make_user(
            session,
            "prescripteur",
            "conseillere@francetravail.example.org",
            full_name="Inès Martin",
            organisation="France Travail Toulon",
        ),
        "coordinateur": make_user(
            session,
            "coordinateur",
            "coordination@caf83.example.org",
            full_name="Claire Caf",
            organisation="Caf du Var",
        ),
        "admin": make_user(session, "admin", "admin@passerelle.example.org", departement_code=None),
    }
    application = AvipApplication(
        offer_id=offer.id,
        structure_id=structure.id,
        departement_code="83",
        applicant_id=users["gestionnaire"].id,
        reserved_places=2,
        hours_commitment="Ouverture de 6 h 30 à 20 h.",
        partnership="Convention avec France Travail.",
        short_notice="Accueil sous 48 heures.",
    )
    report = ErrorReport(
        offer_id=offer.id,
        departement_code="83",
        category="horaires",
        message="Les horaires du samedi ont changé.",
    )
    session.add_all([application, report])
    session.commit()
    pending = make_user(
        session,
        "prescripteur",
        "en.attente@exemple.fr",
        status=AccountStatus.PENDING.value,
        full_name="Karim Attente",
        organisation="Mission locale",
    )
    unverified = make_user(
        session,
        "prescripteur",
        "a.confirmer@exemple.fr",
        status=AccountStatus.UNVERIFIED.value,
        full_name="Léa Confirmer",
    )
    referral = make_referral(
        session,
        offer,
        users["prescripteur"],
        commit=False,
        idempotency_key="c" * 32,
        parent_phone="06 12 34 56 78",
        children_months=[24],
        start_date=date.today() + timedelta(days=14),
        days="lu,ma",
        hours_start=time(8),
        hours_end=time(17),
        message="Reprise d’un CDD.",
    )
    referral.events.append(
        ReferralEvent(kind="sent", side=Side.PRESCRIBER, actor_id=users["prescripteur"].id)
    )
    partner = PartnerToken(
        name="Caf du Var",
        token="jeton-catalogue",
        allowed_origins=["https://www.caf.fr"],
        presets={},
        active=True,
    )
    scenario = Scenario(
        name="AGE jusqu’à 15 ans dans le Var",
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 12, 31),
        created_by_id=users["coordinateur"].id,
        territories=[ScenarioTerritory(departement_code="83")],
        parameters=[
            ScenarioParameter(
                name="age.age_enfant_maximum",
                value="15",
                starts_on=date(2027, 1, 1),
                ends_on=date(2028, 1, 1),
                source="Expérimentation du Var",
            )
        ],
    )
    partner_request = PartnerRequest(
        organisation="Mission locale de Toulon",
        origins=["https://www.ml-toulon.fr"],
        contact_name="Sophie Durand",
        contact_email="sophie.durand@ml-toulon.example.org",
        intended_use="La recherche de garde sur la page des parents.",
    )
    session.add_all([referral, partner, partner_request, scenario])
    session.commit()
    # A parent's alert around Toulon, not yet confirmed (its links open their pages).
    alert = alerts.save_for_email(
        session,
        "parent.alerte@exemple.fr",
        parse_criteria(MultiDict({"lieu": "Toulon", "code_insee": "83137"}), PAGE).criteria,
        get_commune("83137"),
        utcnow(),
    )
    session.commit()
    siae = make_inclusive_structure(session, "AI Var Emploi")
    users["employeur-inclusif"] = make_user(
        session,
        "employeur-inclusif",
        "charge@ai-var.example.org",
        structures=[siae],
        full_name="Sami Haddad",
        organisation="AI Var Emploi",
    )
    need = make_need(session, structure, contact_email="accueil@lucioles.example.org")
    capacity = JobCapacity(
        structure_id=siae.id,
        people_count=3,
        qualification="cap-aepe-en-cours",
        rome_codes=["J1304"],
        contract_kinds=["mise-a-disposition"],
        available_from=date.today(),
        radius_km=30,
        code_insee="83137",
        commune_name="Toulon",
        departement_code="83",
        latitude=43.1365,
        longitude=5.9327,
    )
    session.add(capacity)
    proposal = make_proposal(session, need, users["employeur-inclusif"], siae)
    outcome_ask = OutcomeAsk(referral_id=referral.id, months=3, due_on=date.today())
    session.add(outcome_ask)
    session.commit()
    return World(
        structure,
        offer,
        application,
        report,
        pending,
        unverified,
        users,
        referral,
        partner,
        partner_request,
        alert,
        scenario,
        need,
        capacity,
        proposal,
        outcome_ask,
    )


def role_for(path: str) -> str | None:
    return next((role for prefix, role in ROLE_BY_PREFIX if path.startswith(prefix)), None)


def url_for_rule(rule, world: World) -> str:
    values = {}
    for name in rule.arguments:
        if name == "token":
            assert rule.endpoint in TOKENS, (
                f"add the token of {rule.endpoint} to TOKENS in tests/site_catalogue.py"
            )
            values[name] = TOKENS[rule.endpoint](world)
        else:
            assert name in ARGUMENTS, (
                f"add a value for <{name}> ({rule.rule}) to ARGUMENTS in tests/site_catalogue.py"
            )
            values[name] = ARGUMENTS[name](world)
    url = rule.build(values, append_unknown=False)[1]
    if rule.endpoint in QUERIES:
        url += "?" + urlencode(QUERIES[rule.endpoint](world))
    return url


def get_pages(app, world: World) -> list[tuple[str, str, str | None]]:
    """(endpoint, url, role) of every GET route, SKIPPED aside, in URL order."""
    pages = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIPPED:
            continue
        url = url_for_rule(rule, world)
        pages.append((rule.endpoint, url, ROLE_BY_ENDPOINT.get(rule.endpoint) or role_for(url)))
    return sorted(pages, key=lambda p: p[1])
