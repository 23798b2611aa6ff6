"""/coordination: a coordinator sees and acts on their département only (admins: everywhere);
account requests, declared structures; other roles are refused."""

from __future__ import annotations

import pytest
from kit.clients import login_as
from kit.factories import PASSWORD, make_offer
from kit.forms import csrf_token, post_form
from kit.mails import hang_then_recover, link_in, readable
from kit.pages import text_of
from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.models import AccountStatus, Membership, MembershipStatus, Role
from app.directory.models import Structure, StructureKind
from app.geo.timezones import today_in_france
from app.moderation import services
from app.moderation.models import ApplicationStatus, ReportStatus

CRITERIA = services.Criteria(2, "", "Convention France Travail.", "Sous une semaine.")


def request_account(session, email, departement, structure_name, full_name):
    """A manager's account request, email confirmed: it waits for the coordinator."""
    outcome = accounts.request_account(
        session,
        accounts.SignupRequest(
            email=email,
            password=PASSWORD,
            full_name=full_name,
            organisation=structure_name,
            role=Role.GESTIONNAIRE,
            departement_code=departement,
            structure_name=structure_name,
            structure_kind=StructureKind.ASSOCIATION,
        ),
    )
    accounts.verify_email(session, accounts.verification_token(outcome.user))
    session.commit()
    return outcome.user


@pytest.fixture
def two_departements(session, offer, manager, structure):
    """The same kinds of items in the Var (83) and in the Bouches-du-Rhône (13)."""
    marseille_structure = Structure(
        name="Crèches de Provence", kind=StructureKind.ENTREPRISE, departement_code="13"
    )
    marseille = make_offer(
        session, title="Crèche du Vieux-Port", code_insee="13055", structure=marseille_structure
    )
    items = {
        "report83": services.report_error(session, offer, "places", "Plus de place depuis lundi."),
        "report13": services.report_error(session, marseille, "contact", "Le téléphone a changé."),
        "application83": services.apply_for_offer(session, manager, offer, CRITERIA),
        "application13": services.apply_for_offer(session, manager, marseille, CRITERIA),
    }
    session.commit()
    items["account83"] = request_account(
        session, "nina@soleil.fr", "83", "Crèche Soleil", "Nina Soleil"
    )
    items["account13"] = request_account(
        session, "marius@calanques.fr", "13", "MAM des Calanques", "Marius Calanque"
    )
    items["structure83"] = items["account83"].memberships[0].structure
    items["structure13"] = items["account13"].memberships[0].structure
    return items


def test_the_queue_shows_the_coordinators_departement_only(client, two_departements, coordinator):
    login_as(client, coordinator)
    page = text_of(client.get("/coordination").get_data(as_text=True))
    assert "À traiter dans le département 83" in page
    for seen in (
        "Plus de place depuis lundi.",
        "Multi-accueil Les Lucioles (Toulon)",
        "Nina Soleil",
        "Structure déclarée : Crèche Soleil",
        "Demandes de label AVIP (1)",
        "Signalements d’erreur (1)",
        "Demandes de compte (1)",
        "Structures déclarées (1)",
    ):
        assert seen in page
    for hidden in (
        "Le téléphone a changé.",
        "Crèche du Vieux-Port",
        "Marius Calanque",
        "MAM des Calanques",
    ):
        assert hidden not in page


def test_an_admin_sees_every_departement(client, two_departements, user_factory):
    login_as(client, user_factory("admin", departement_code=None))
    page = text_of(client.get("/coordination").get_data(as_text=True))
    assert "Le téléphone a changé." in page and "Plus de place depuis lundi." in page
    assert "Marius Calanque" in page and "Nina Soleil" in page
    assert "Demandes de label AVIP (2)" in page and "département 13" in page


def test_acting_on_another_departement_is_not_found(client, session, two_departements, coordinator):
    items = two_departements
    login_as(client, coordinator)
    token = csrf_token(client, "/coordination")
    today = today_in_france().isoformat()
    report_prefix = f"r{items['report13'].id}"
    attempts = [
        (
            f"/coordination/signalements/{items['report13'].id}",
            {f"{report_prefix}-csrf_token": token, f"{report_prefix}-action": "resolve"},
        ),
        (f"/coordination/comptes/{items['account13'].id}/valider", {"csrf_token": token}),
        (f"/coordination/comptes/{items['account13'].id}/refuser", {"csrf_token": token}),
        (f"/coordination/structures/{items['structure13'].id}/valider", {"csrf_token": token}),
        (f"/coordination/structures/{items['structure13'].id}/refuser", {"csrf_token": token}),
        (
            f"/coordination/label-avip/{items['application13'].id}/attribuer",
            {
                "csrf_token": token,
                "label_start": today,
                "label_review": "2099-01-01",
                "places": "2",
            },
        ),
        (
            f"/coordination/label-avip/{items['application13'].id}/refuser",
            {"csrf_token": token, "reason": "Non."},
        ),
        ("/coordination/signalements/999999", {"csrf_token": token}),
        ("/coordination/comptes/999999/valider", {"csrf_token": token}),
    ]
    for url, data in attempts:
        assert client.post(url, data=data).status_code == 404, url
    assert client.get(f"/coordination/label-avip/{items['application13'].id}").status_code == 404

    session.expire_all()
    assert items["report13"].status == ReportStatus.OPEN
    assert items["account13"].status == AccountStatus.PENDING
    assert items["structure13"].approved is False
    assert items["application13"].status == ApplicationStatus.SUBMITTED
    # Not even the coordinator's own account, nor an account of their département already active.
    assert (
        client.post(
            f"/coordination/comptes/{coordinator.id}/refuser", data={"csrf_token": token}
        ).status_code
        == 302
    )
    session.expire_all()
    assert coordinator.status == AccountStatus.ACTIVE


@pytest.mark.parametrize("role", ["gestionnaire", "prescripteur"])
def test_other_roles_are_refused(client, user_factory, role, two_departements):
    login_as(client, user_factory(role))
    for url in (
        "/coordination",
        "/coordination/inviter",
        "/coordination/label-avip",
        f"/coordination/label-avip/{two_departements['application83'].id}",
    ):
        assert client.get(url).status_code == 403, url
    token = csrf_token(client, "/compte")
    response = client.post(
        f"/coordination/comptes/{two_departements['account83'].id}/valider",
        data={"csrf_token": token},
    )
    assert response.status_code == 403
    assert "Accès refusé" in text_of(response.get_data(as_text=True))


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/coordination")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion?suivant=/coordination")
    assert client.get("/label-avip").status_code == 302


def test_approving_an_account_activates_it_with_its_structure_and_emails_the_person(
    client, app, session, smtp, coordinator, two_departements
):
    person = two_departements["account83"]
    login_as(client, coordinator)
    response = post_form(
        client, f"/coordination/comptes/{person.id}/valider", {}, token_from="/coordination"
    )
    assert response.status_code == 302
    page = text_of(client.get("/coordination").get_data(as_text=True))
    assert "Le compte de Nina Soleil est validé." in page and "Demandes de compte (0)" in page
    session.expire_all()
    assert person.status == AccountStatus.ACTIVE and person.approved_by_id == coordinator.id
    (membership,) = person.memberships
    assert membership.status == MembershipStatus.APPROVED and membership.structure.approved is True

    email = smtp.last_to("nina@soleil.fr")
    assert readable(email["Subject"]) == "Votre compte est validé – Passerelle"
    assert link_in(readable(smtp.text(email))) == "/connexion"
    other_browser = app.test_client()
    login_as(other_browser, person)
    assert "Association Les Lucioles" not in text_of(
        other_browser.get("/label-avip").get_data(as_text=True)
    )
    assert "Crèche Soleil" in text_of(other_browser.get("/label-avip").get_data(as_text=True))

    again = post_form(
        client, f"/coordination/comptes/{person.id}/refuser", {}, token_from="/coordination"
    )
    assert again.status_code == 302
    assert "Cette demande de compte a déjà été traitée." in text_of(
        client.get("/coordination").get_data(as_text=True)
    )
    session.expire_all()
    assert person.status == AccountStatus.ACTIVE


def test_refusing_an_account_tells_the_person(client, session, smtp, coordinator, two_departements):
    person = two_departements["account83"]
    login_as(client, coordinator)
    assert (
        post_form(
            client, f"/coordination/comptes/{person.id}/refuser", {}, token_from="/coordination"
        ).status_code
        == 302
    )
    session.expire_all()
    assert person.status == AccountStatus.REFUSED
    assert person.memberships[0].status == MembershipStatus.REFUSED
    assert "n’a pas accepté votre demande de compte" in readable(
        smtp.text(smtp.last_to("nina@soleil.fr"))
    )
    page = text_of(client.get("/coordination").get_data(as_text=True))
    assert "Demandes de compte (0)" in page and "Structures déclarées (0)" in page


def test_a_structure_declared_by_an_active_manager_is_validated_or_refused(
    client, session, coordinator, manager
):
    declared = Structure(
        name="Micro-crèche Les Galets",
        kind=StructureKind.ENTREPRISE,
        departement_code="83",
        approved=False,
    )
    other = Structure(
        name="MAM Fantôme", kind=StructureKind.ASSOCIATION, departement_code="83", approved=False
    )
    session.add_all(
        [
            Membership(user=manager, structure=declared, status=MembershipStatus.PENDING),
            Membership(user=manager, structure=other, status=MembershipStatus.PENDING),
        ]
    )
    session.commit()
    login_as(client, coordinator)
    page = text_of(client.get("/coordination").get_data(as_text=True))
    assert (
        "Structures déclarées (2)" in page
        and "Demandée par Nadia Benali (directrice@lucioles.fr)" in page
    )

    assert (
        post_form(
            client,
            f"/coordination/structures/{declared.id}/valider",
            {},
            token_from="/coordination",
        ).status_code
        == 302
    )
    assert (
        post_form(
            client, f"/coordination/structures/{other.id}/refuser", {}, token_from="/coordination"
        ).status_code
        == 302
    )
    session.expire_all()
    assert declared.approved is True and other.approved is False
    statuses = dict(
        session.execute(
            select(Membership.structure_id, Membership.status).where(
                Membership.user_id == manager.id
            )
        ).all()
    )
    assert (
        statuses[declared.id] == MembershipStatus.APPROVED
        and statuses[other.id] == MembershipStatus.REFUSED
    )
    assert "Structures déclarées (0)" in text_of(client.get("/coordination").get_data(as_text=True))


def test_a_hung_mail_server_delays_no_decision_and_its_email_goes_once_it_recovers(
    client, app, session, smtp, coordinator, two_departements
):
    """Issue 24, finding 9: the email leaves after the response, from the queue, retried."""
    person = two_departements["account83"]
    login_as(client, coordinator)

    def approve():
        response = post_form(
            client, f"/coordination/comptes/{person.id}/valider", {}, token_from="/coordination"
        )
        assert response.status_code == 302

    (email,) = hang_then_recover(app, session, smtp, approve)
    assert readable(email["Subject"]) == "Votre compte est validé – Passerelle"
    assert email["To"] == "nina@soleil.fr"
