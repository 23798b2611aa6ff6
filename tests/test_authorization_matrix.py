"""Who may reach what: each role against objects of its own and of others, on the server.
Out of reach is 403 for a whole space a role never has, 404 for an object (never its data),
and the login page for anonymous visitors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from kit.factories import (
    make_inclusive_structure,
    make_need,
    make_offer,
    make_proposal,
    make_referral,
    make_structure,
    make_user,
)
from kit.forms import csrf_token
from sqlalchemy import select

from app.alerts.models import SavedSearch
from app.db import utcnow
from app.experiments.models import (
    Scenario,
    ScenarioParameter,
    ScenarioStatus,
    ScenarioTerritory,
)
from app.geo.timezones import today_in_france
from app.moderation.models import ErrorReport
from app.widget.models import PartnerRequest, PartnerToken

SECRET = "Titre confidentiel 7Q"


@pytest.fixture
def world(session):
    own = make_offer(session, title=f"{SECRET} Toulon", code_insee="83137")
    other83 = make_offer(session, title="Autre offre du Var", code_insee="83137")
    in13 = make_offer(session, title="Crèche de Marseille", code_insee="13055")
    report13 = ErrorReport(
        offer=in13,
        departement_code=in13.departement_code,
        category="horaires",
        message="Les horaires ont changé",
    )
    session.add(report13)
    session.commit()
    users = {
        "gestionnaire": make_user(session, "gestionnaire", structures=[own.structure]),
        "autre_gestionnaire": make_user(session, "gestionnaire", structures=[other83.structure]),
        "prescripteur": make_user(session, "prescripteur"),
        "coordinateur_83": make_user(session, "coordinateur", departement_code="83"),
        "coordinateur_13": make_user(session, "coordinateur", departement_code="13"),
        "admin": make_user(session, "admin", departement_code=None),
    }
    referral = make_referral(
        session,
        own,
        users["prescripteur"],
        idempotency_key="a" * 32,
        parent_first_name=SECRET,
        parent_initial="Q",
        parent_phone="0612345678",
    )
    partner_request = PartnerRequest(
        organisation=SECRET,
        origins=["https://www.ml-toulon.fr"],
        contact_name="Sophie Durand",
        contact_email="sophie.durand@ml-toulon.fr",
        intended_use="Page des parents.",
    )
    session.add(partner_request)
    scenarios = {
        code: Scenario(
            name=f"{SECRET} {code}",
            starts_on=today_in_france() + timedelta(days=30),
            ends_on=today_in_france() + timedelta(days=394),
            territories=[ScenarioTerritory(departement_code=c) for c in code.split("+")],
        )
        for code in ("83", "13", "13+83")
    }
    session.add_all(scenarios.values())
    session.commit()
    return {
        "own": own,
        "in13": in13,
        "report13": report13,
        "users": users,
        "referral": referral,
        "scenarios": scenarios,
        "partner_request": partner_request,
    }


ROLES = [
    "anonyme",
    "gestionnaire",
    "autre_gestionnaire",
    "prescripteur",
    "coordinateur_83",
    "coordinateur_13",
    "admin",
]

# (page, {role: expected status}); 302 = sent to the login page.
PAGES = {
    "edit own offer": ("/gestion/offres/{own}", [302, 200, 404, 403, 200, 404, 200]),
    "own offer history": ("/gestion/offres/{own}/historique", [302, 200, 404, 403, 200, 404, 200]),
    "own offer preview": ("/gestion/offres/{own}/apercu", [302, 200, 404, 403, 200, 404, 200]),
    "offer of the 13": ("/gestion/offres/{in13}", [302, 404, 404, 403, 404, 200, 200]),
    "offer list": ("/gestion", [302, 200, 200, 403, 200, 200, 200]),
    "coordination queue": ("/coordination", [302, 403, 403, 403, 200, 200, 200]),
    "my account": ("/compte", [302, 200, 200, 200, 200, 200, 200]),
    "referral to own offer": ("/orientations/{referral}", [302, 200, 404, 200, 200, 404, 200]),
    "my referrals": ("/orientations", [302, 403, 403, 200, 403, 403, 200]),
    "referrals received": ("/orientations/recues", [302, 200, 200, 403, 403, 403, 200]),
    "département referrals": ("/coordination/orientations", [302, 403, 403, 403, 200, 200, 200]),
    "diagnostic of the 83": ("/coordination/diagnostic/83", [302, 403, 403, 403, 200, 404, 200]),
    "diagnostic of the 13": ("/coordination/diagnostic/13", [302, 403, 403, 403, 404, 200, 200]),
    "public territory page": ("/territoires/83", [200, 200, 200, 200, 200, 200, 200]),
    "my alerts": ("/compte/alertes", [302, 403, 403, 200, 403, 403, 200]),
    "experiments": ("/coordination/experimentations", [302, 403, 403, 403, 200, 200, 200]),
    "new experiment": (
        "/coordination/experimentations/nouveau",
        [302, 403, 403, 403, 200, 200, 200],
    ),
    "experiment of the 83": (
        "/coordination/experimentations/{s83}",
        [302, 403, 403, 403, 200, 404, 200],
    ),
    "its cost (CSV)": (
        "/coordination/experimentations/{s83}/cout.csv",
        [302, 403, 403, 403, 200, 404, 200],
    ),
    "editing it": (
        "/coordination/experimentations/{s83}/modifier",
        [302, 403, 403, 403, 200, 404, 200],
    ),
    "experiment of the 13 and the 83": (
        "/coordination/experimentations/{s13_83}",
        [302, 403, 403, 403, 200, 200, 200],
    ),
    "editing one of the 13 and the 83": (
        "/coordination/experimentations/{s13_83}/modifier",
        [302, 403, 403, 403, 404, 404, 200],
    ),
    "partner tokens": ("/admin/partenaires", [302, 403, 403, 403, 403, 403, 200]),
    "partner token request": (
        "/admin/partenaires/demandes/{partner_request}",
        [302, 403, 403, 403, 403, 403, 200],
    ),
    "token request form": ("/integrer/demander-un-jeton", [200] * 7),
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_pages_by_role(client, login, world, page, role_index):
    role = ROLES[role_index]
    if role != "anonyme":
        login(world["users"][role])
    path, expected = PAGES[page]
    url = path.format(
        own=world["own"].id,
        in13=world["in13"].id,
        referral=world["referral"].id,
        s83=world["scenarios"]["83"].id,
        s13_83=world["scenarios"]["13+83"].id,
        partner_request=world["partner_request"].id,
    )
    response = client.get(url)
    assert response.status_code == expected[role_index], (role, url)
    if response.status_code != 200:
        assert SECRET not in response.get_data(as_text=True)
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/connexion")


def test_the_offer_list_shows_only_what_each_role_may_manage(client, login, world):
    login(world["users"]["autre_gestionnaire"])
    assert SECRET not in client.get("/gestion").get_data(as_text=True)
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/compte")})
    login(world["users"]["gestionnaire"])
    assert SECRET in client.get("/gestion").get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("gestionnaire", 302),
        ("autre_gestionnaire", 404),
        ("prescripteur", 403),
        ("coordinateur_13", 404),
        ("coordinateur_83", 302),
    ],
)
def test_changing_free_places_of_an_offer(client, session, login, world, role, expected):
    login(world["users"][role])
    offer = world["own"]
    response = client.post(
        f"/gestion/offres/{offer.id}/places",
        data={"csrf_token": csrf_token(client, "/compte"), "places": "3"},
    )
    assert response.status_code == expected
    session.refresh(offer)
    assert (offer.free_places == 3) is (expected == 302)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("coordinateur_83", 404),
        ("coordinateur_13", 302),
        ("gestionnaire", 403),
        ("admin", 302),
    ],
)
def test_handling_an_error_report_of_another_departement(
    client, session, login, world, role, expected
):
    login(world["users"][role])
    report = world["report13"]
    response = client.post(
        f"/coordination/signalements/{report.id}",
        data={
            "csrf_token": csrf_token(client, "/compte"),
            f"r{report.id}-action": "resolve",
            f"r{report.id}-note": "Corrigé",
        },
    )
    assert response.status_code == expected
    session.refresh(report)
    assert (report.status.value != "open") is (expected == 302)


@pytest.mark.parametrize(
    ("role", "scenario", "expected"),
    [
        ("coordinateur_83", "83", 302),
        ("coordinateur_13", "83", 404),
        ("coordinateur_83", "13+83", 404),
        ("gestionnaire", "83", 403),
        ("prescripteur", "83", 403),
        ("admin", "13+83", 302),
    ],
)
def test_putting_an_experiment_in_force(client, session, login, world, role, scenario, expected):
    """Only the coordinators of every territory of the scenario (and admins) may."""
    login(world["users"][role])
    target = world["scenarios"][scenario]
    target.parameters.append(
        ScenarioParameter(
            name="age.age_enfant_maximum",
            value="15",
            starts_on=target.starts_on,
            ends_on=target.ends_on + timedelta(days=1),
            source="test",
        )
    )
    session.commit()
    response = client.post(
        f"/coordination/experimentations/{target.id}/mettre-en-vigueur",
        data={"csrf_token": csrf_token(client, "/compte")},
    )
    assert response.status_code == expected
    session.refresh(target)
    assert (target.status == ScenarioStatus.IN_FORCE) is (expected == 302)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("prescripteur", 403),
        ("gestionnaire", 403),
        ("coordinateur_83", 403),
        ("admin", 302),
    ],
)
@pytest.mark.parametrize("decision", ["accepter", "refuser"])
def test_only_admins_decide_a_partner_token_request(
    client, session, login, world, role, expected, decision
):
    login(world["users"][role])
    partner_request = world["partner_request"]
    response = client.post(
        f"/admin/partenaires/demandes/{partner_request.id}/{decision}",
        data={
            "csrf_token": csrf_token(client, "/compte"),
            "name": "Mission locale",
            "origins_text": "https://www.ml-toulon.fr",
            "reason": "Hors du champ du service.",
        },
    )
    assert response.status_code == expected
    session.refresh(partner_request)
    assert (partner_request.status.value != "pending") is (expected == 302)
    tokens = len(session.scalars(select(PartnerToken)).all())
    assert tokens == (1 if expected == 302 and decision == "accepter" else 0)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("gestionnaire", 403),
        ("coordinateur_83", 403),
        ("admin", 404),  # an admin has alerts of her own, never another's
        ("prescripteur", 303),
    ],
)
def test_deleting_a_prescripteurs_alert(client, session, login, world, role, expected):
    """The alert of the prescripteur: only she may delete it (others: 403 or 404)."""
    alert = SavedSearch(
        account_id=world["users"]["prescripteur"].id,
        link_key="k" * 32,
        label=SECRET,
        query="code_insee=83137",
        place_label="Toulon",
        latitude=43.12,
        longitude=5.93,
        radius_km=10,
        kinds_mask=1,
        confirmed_at=utcnow(),
        expires_at=utcnow() + timedelta(days=30),
    )
    session.add(alert)
    session.commit()
    login(world["users"][role])
    if role != "prescripteur":
        assert SECRET not in client.get("/compte/alertes").get_data(as_text=True)
    response = client.post(
        f"/compte/alertes/{alert.id}/supprimer", data={"csrf_token": csrf_token(client, "/compte")}
    )
    assert response.status_code == expected
    assert (session.get(SavedSearch, alert.id) is None) is (expected == 303)


# ------------------------------------------------------------------ the job exchange

JOB_SECRET = "Expérience confidentielle 9Z"


@pytest.fixture
def exchange(session):
    """Two crèches of the Var, one of the 13; two SIAE; a proposal of each SIAE to the first
    crèche, and a prescripteur's proposal to the crèche of the 13."""
    creche = make_structure(session, "Crèche A")
    other_creche = make_structure(session, "Crèche B")
    creche13 = make_structure(session, "Crèche Marseille", departement_code="13")
    siae = make_inclusive_structure(session, "AI A", siret="11111111100011")
    other_siae = make_inclusive_structure(session, "ACI B", siret="22222222200022")
    users = {
        "gestionnaire": make_user(session, "gestionnaire", structures=[creche]),
        "autre_gestionnaire": make_user(session, "gestionnaire", structures=[other_creche]),
        "siae": make_user(session, "employeur-inclusif", structures=[siae]),
        "autre_siae": make_user(session, "employeur-inclusif", structures=[other_siae]),
        "prescripteur": make_user(session, "prescripteur"),
        "coordinateur_83": make_user(session, "coordinateur", departement_code="83"),
        "coordinateur_13": make_user(session, "coordinateur", departement_code="13"),
        "admin": make_user(session, "admin", departement_code=None),
    }
    need = make_need(session, creche)
    need13 = make_need(session, creche13, code_insee="13055")
    people = [{"qualification": "aucune", "available_from": "", "experience": JOB_SECRET}]
    mine = make_proposal(session, need, users["siae"], siae, people=people, people_count=1)
    theirs = make_proposal(session, need, users["autre_siae"], other_siae, people=people)
    prescribed = make_proposal(session, need13, users["prescripteur"], people=people)
    return {"users": users, "need": need, "mine": mine, "theirs": theirs, "prescribed": prescribed}


JOB_ROLES = [
    "anonyme",
    "gestionnaire",
    "autre_gestionnaire",
    "siae",
    "autre_siae",
    "prescripteur",
    "coordinateur_83",
    "coordinateur_13",
    "admin",
]
# (page, {role: expected status}); 302 = sent to the login page.
JOB_PAGES = {
    "public search": ("/bourse-emploi", [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "public need": ("/bourse-emploi/besoins/{need}", [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "edit need": (
        "/bourse-emploi/besoins/{need}/modifier",
        [302, 200, 404, 403, 403, 403, 403, 403, 200],
    ),
    "publish a need": (
        "/bourse-emploi/besoins/nouveau",
        [302, 200, 200, 403, 403, 403, 403, 403, 302],
    ),
    "propose": (
        "/bourse-emploi/besoins/{need}/proposer",
        [302, 403, 403, 200, 200, 200, 403, 403, 403],
    ),
    "publish a capacity": (
        "/bourse-emploi/capacites/nouvelle",
        [302, 403, 403, 200, 200, 403, 403, 403, 302],
    ),
    "the SIAE's proposal": (
        "/bourse-emploi/propositions/{mine}",
        [302, 200, 404, 200, 404, 404, 200, 404, 200],
    ),
    "the other SIAE's proposal": (
        "/bourse-emploi/propositions/{theirs}",
        [302, 200, 404, 404, 200, 404, 200, 404, 200],
    ),
    "a prescripteur's proposal in the 13": (
        "/bourse-emploi/propositions/{prescribed}",
        [302, 404, 404, 404, 404, 200, 404, 200, 200],
    ),
    "my space": ("/bourse-emploi/mon-espace", [302, 200, 200, 200, 200, 200, 200, 200, 200]),
    "coordination tension": (
        "/coordination/bourse-emploi",
        [302, 403, 403, 403, 403, 403, 200, 200, 200],
    ),
}


@pytest.mark.parametrize("page", JOB_PAGES)
@pytest.mark.parametrize("role_index", range(len(JOB_ROLES)), ids=JOB_ROLES)
def test_job_exchange_pages_by_role(client, login, exchange, page, role_index):
    role = JOB_ROLES[role_index]
    if role != "anonyme":
        login(exchange["users"][role])
    path, expected = JOB_PAGES[page]
    url = path.format(
        need=exchange["need"].id,
        mine=exchange["mine"].id,
        theirs=exchange["theirs"].id,
        prescribed=exchange["prescribed"].id,
    )
    response = client.get(url)
    assert response.status_code == expected[role_index], (role, url)
    if response.status_code != 200:
        assert JOB_SECRET not in response.get_data(as_text=True)


def test_each_space_lists_only_its_own_exchanges(client, login, exchange):
    """An SIAE sees only its proposals; nobody reads another structure's exchanges."""
    mine, theirs = exchange["mine"].id, exchange["theirs"].id
    login(exchange["users"]["siae"])
    html = client.get("/bourse-emploi/mon-espace").get_data(as_text=True)
    assert f"/bourse-emploi/propositions/{mine}" in html
    assert f"/bourse-emploi/propositions/{theirs}" not in html
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/compte")})
    login(exchange["users"]["autre_gestionnaire"])
    html = client.get("/bourse-emploi/mon-espace").get_data(as_text=True)
    assert "/bourse-emploi/propositions/" not in html


@pytest.mark.parametrize(
    ("role", "expected"),
    [("siae", 403), ("autre_gestionnaire", 404), ("coordinateur_83", 403), ("gestionnaire", 303)],
)
def test_only_the_employer_answers_a_proposal(client, session, login, exchange, role, expected):
    login(exchange["users"][role])
    proposal = exchange["mine"]
    response = client.post(
        f"/bourse-emploi/propositions/{proposal.id}/reponse",
        data={
            "csrf_token": csrf_token(client, "/compte"),
            "version": str(proposal.version),
            "reponse": "interesse",
        },
    )
    assert response.status_code == expected
    session.refresh(proposal)
    assert (proposal.status.value == "interesse") is (expected == 303)
