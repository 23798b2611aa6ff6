"""A coordinator (their département) or an admin invites a person by email; the link creates
an approved account and logs the person in."""

from __future__ import annotations

from kit.clients import login_as
from kit.factories import PASSWORD, make_offer
from kit.forms import post_form
from kit.mails import link_in, readable
from kit.pages import tags, text_of
from sqlalchemy import select

from app.accounts.models import AccountStatus, MembershipStatus, Role, User
from app.directory.models import Structure, StructureKind


def test_an_invited_manager_creates_the_account_and_is_logged_in(
    client, app, session, smtp, coordinator, structure
):
    login_as(client, coordinator)
    html = client.get("/coordination/inviter").get_data(as_text=True)
    assert [o["value"] for o in tags(html, "option")] == [
        "gestionnaire",
        "prescripteur",
        "coordinateur",
        "",
        str(structure.id),
    ]
    response = post_form(
        client,
        "/coordination/inviter",
        {
            "email": "Ines.Directrice@Lucioles.fr",
            "role": "gestionnaire",
            "structure_id": str(structure.id),
        },
    )
    assert response.status_code == 302
    assert "L’invitation est envoyée à ines.directrice@lucioles.fr." in text_of(
        client.get("/coordination/inviter").get_data(as_text=True)
    )

    email = smtp.last_to("ines.directrice@lucioles.fr")
    assert readable(email["Subject"]) == "Votre invitation sur Passerelle"
    body = readable(smtp.text(email))
    assert "Claire Caf (Caf du Var) vous invite à créer votre compte" in body
    path = link_in(body)
    assert path.startswith("/invitation/")

    invitee = app.test_client()
    assert "ines.directrice@lucioles.fr" in text_of(invitee.get(path).get_data(as_text=True))
    created = post_form(
        invitee,
        path,
        {
            "full_name": "Inès Directrice",
            "organisation": "Association Les Lucioles",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert created.status_code == 302 and created.headers["Location"] == "/compte"
    assert "Bonjour Inès Directrice" in text_of(invitee.get("/compte").get_data(as_text=True))

    user = session.scalars(select(User).where(User.email == "ines.directrice@lucioles.fr")).one()
    assert (user.role, user.status, user.departement_code, user.invited_by_id) == (
        Role.GESTIONNAIRE,
        AccountStatus.ACTIVE,
        "83",
        coordinator.id,
    )
    assert [(m.structure_id, m.status) for m in user.memberships] == [
        (structure.id, MembershipStatus.APPROVED)
    ]
    # The new manager can apply for the label of the structure's offers.
    offer = make_offer(session, title="Crèche des Lucioles", structure=structure)
    assert invitee.get(f"/label-avip/offre/{offer.id}").status_code == 200


def test_invitation_errors_are_explained(client, session, coordinator, structure, manager):
    marseille = Structure(
        name="Crèches de Provence", kind=StructureKind.ENTREPRISE, departement_code="13"
    )
    session.add(marseille)
    session.commit()
    login_as(client, coordinator)
    cases = [
        (
            {"email": "directrice@lucioles.fr", "role": "prescripteur", "structure_id": ""},
            "Cette adresse a déjà un compte",
        ),
        (
            {"email": "nouvelle@exemple.fr", "role": "gestionnaire", "structure_id": ""},
            "Choisissez la structure que cette personne va gérer.",
        ),
        (
            {
                "email": "nouvelle@exemple.fr",
                "role": "gestionnaire",
                "structure_id": str(marseille.id),
            },
            "Choisissez une réponse dans la liste.",
        ),
        (
            {
                "email": "nouvelle@exemple.fr",
                "role": "prescripteur",
                "structure_id": str(structure.id),
            },
            "Seul un ou une gestionnaire gère une structure",
        ),
        (
            {"email": "nouvelle@exemple.fr", "role": "admin", "structure_id": ""},
            "Choisissez une réponse dans la liste.",
        ),
        (
            {"email": "pas une adresse", "role": "prescripteur", "structure_id": ""},
            "Indiquez une adresse électronique valide",
        ),
    ]
    for data, message in cases:
        response = post_form(client, "/coordination/inviter", data)
        assert response.status_code == 422, data
        html = response.get_data(as_text=True)
        assert message in text_of(html), data
        assert tags(html, "input", id="champ-email")[0]["value"] == data["email"]


def test_an_admin_chooses_the_departement_first(client, session, smtp, user_factory):
    admin = user_factory(
        "admin", departement_code=None, full_name="Alex Admin", organisation="Passerelle"
    )
    marseille = Structure(name="Crèches de Provence", kind=StructureKind.ENTREPRISE)
    make_offer(session, title="Crèche du Vieux-Port", code_insee="13055", structure=marseille)
    login_as(client, admin)
    html = client.get("/coordination/inviter").get_data(as_text=True)
    assert tags(html, "select", id="champ-departement") and not tags(
        html, "input", id="champ-email"
    )
    html = client.get("/coordination/inviter?departement=13").get_data(as_text=True)
    assert "Crèches de Provence" in text_of(html)  # has an offer in the 13
    response = post_form(
        client,
        "/coordination/inviter?departement=13",
        {"email": "coord13@caf.fr", "role": "coordinateur", "structure_id": ""},
    )
    assert response.status_code == 302
    assert (
        client.get("/coordination/inviter?departement=XX").status_code == 200
    )  # back to the choice

    invitee = client.application.test_client()
    path = link_in(readable(smtp.text(smtp.last_to("coord13@caf.fr"))))
    post_form(
        invitee,
        path,
        {
            "full_name": "Marc Bouches",
            "organisation": "Caf 13",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    user = session.scalars(select(User).where(User.email == "coord13@caf.fr")).one()
    assert (user.role, user.departement_code) == (Role.COORDINATEUR, "13")
    assert "À traiter dans le département 13" in text_of(
        invitee.get("/coordination").get_data(as_text=True)
    )
