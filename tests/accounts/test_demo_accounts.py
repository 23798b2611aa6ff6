"""The embedded default's demo accounts: one per role, the gestionnaire managing a demo offer."""

from kit.forms import post_form
from kit.pages import text_of
from sqlalchemy import select

from app.accounts.demo import DEMO_PASSWORD, create_demo_accounts
from app.accounts.models import User
from app.cli import load_demo


def test_demo_data_comes_with_one_account_per_role_that_can_log_in(app, client, session):
    with app.app_context():
        load_demo(300, seed=7, echo=lambda *_: None)
    users = session.scalars(select(User)).all()
    assert {u.role.value for u in users} == {
        "gestionnaire",
        "prescripteur",
        "coordinateur",
        "admin",
        "employeur-inclusif",
    }
    manager = next(u for u in users if u.role.value == "gestionnaire")
    response = post_form(client, "/connexion", {"email": manager.email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    listing = text_of(client.get("/gestion").get_data(as_text=True))
    assert "Mes offres" in listing and "0 offre" not in listing
    assert create_demo_accounts(session) == []  # a second run adds nothing


def test_production_gets_no_demo_account(app, session):
    app.config["PASSERELLE_ENV"] = "production"
    with app.app_context():
        load_demo(50, seed=7, echo=lambda *_: None)
    assert session.scalars(select(User)).all() == []
