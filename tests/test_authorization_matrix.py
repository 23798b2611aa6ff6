"""Who may reach what: each role against objects of its own and of others, on the server.
Out of reach is 403 for a whole space a role never has, 404 for an object (never its data),
and the login page for anonymous visitors."""

from __future__ import annotations

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

from app.moderation.models import ErrorReport

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
    return {"own": own, "in13": in13, "report13": report13, "users": users, "referral": referral}


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
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_pages_by_role(client, login, world, page, role_index):
    role = ROLES[role_index]
    if role != "anonyme":
        login(world["users"][role])
    path, expected = PAGES[page]
    url = path.format(own=world["own"].id, in13=world["in13"].id, referral=world["referral"].id)
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
