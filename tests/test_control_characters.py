"""Control characters (NUL above all, which PostgreSQL refuses in text) typed in any form are
dropped before they reach the database: the save works, never a 500."""

from __future__ import annotations

from kit.forms import post_form, read_form
from sqlalchemy import select

from app.accounts.models import User

SIGNUP = {
    "role": "prescripteur",
    "full_name": "Nadia\x00 Benali\x07",
    "email": "nadia@exemple.fr",
    "organisation": "France\x00 Travail",
    "departement": "83",
    "structure_name": "",
    "structure_kind": "",
    "structure_siret": "",
    "password": "une phrase de passe solide",
    "confirm": "une phrase de passe solide",
}


def test_signup_drops_control_characters(client, session):
    response = post_form(client, "/inscription", SIGNUP)
    assert response.status_code == 302
    user = session.scalar(select(User).where(User.email == "nadia@exemple.fr"))
    assert (user.full_name, user.organisation) == ("Nadia Benali", "France Travail")


def test_offer_form_drops_control_characters(client, session, offer_factory, user_factory, login):
    offer = offer_factory(title="Multi-accueil Les Lucioles")
    login(user_factory("gestionnaire", structures=[offer.structure]))
    url = f"/gestion/offres/{offer.id}"
    data = read_form(client.get(url).get_data(as_text=True))
    data["title"] = "Les Lucioles\x00 du port"
    data["description"] = "Accueil\x00 dès 5\x0bh30"
    response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    session.refresh(offer)
    assert offer.title == "Les Lucioles du port"
    assert offer.description == "Accueil dès 5h30"
