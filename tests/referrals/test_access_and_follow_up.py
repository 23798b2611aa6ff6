"""Who sees what: a referral is shown only to its prescripteur, the structure's managers and the
département's coordinator (read only); everyone else gets a 404, and lists and exports are
scoped the same way. Every reading is logged. The follow-up: lists filtered by status, CSV
exports, the département dashboard and the response-time badge on the offer page."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from kit.factories import make_referral
from kit.forms import post_form
from kit.pages import controls_named, text_of
from referral_form import referral_id_of, send
from sqlalchemy import select

from app.db import utcnow
from app.referrals.models import Referral, ReferralAccess, ReferralStatus


@pytest.fixture
def referral(client, login, offer, prescriber, manager, parent_form, session):
    login(prescriber)
    found = session.get(Referral, referral_id_of(send(client, offer, parent_form)))
    client.post("/deconnexion", data={"csrf_token": ""})
    return found


def logout(client):
    from kit.forms import csrf_token

    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/")})


@pytest.mark.parametrize(
    "who,status",
    [
        ("prescriber", 200),
        ("manager", 200),
        ("coordinator", 200),
        ("other_prescriber", 404),
        ("other_manager", 404),
        ("coordinator13", 404),
    ],
)
def test_only_the_two_sides_and_the_coordinator_see_a_referral(
    request, client, login, referral, session, who, status
):
    user = request.getfixturevalue(who)
    login(user)
    page = client.get(f"/orientations/{referral.id}")
    assert page.status_code == status
    html = page.get_data(as_text=True)
    if status == 404:
        assert "Amina" not in html and "06 12 34 56 78" not in html
        # Nor can they write to it.
        for action in ("reponse", "message", "annuler"):
            response = post_form(
                client,
                f"/orientations/{referral.id}/{action}",
                {"version": "1", "reponse": "refusee", "motif_refus": "complet", "texte": "x"},
                token_from="/connexion",
            )
            assert response.status_code == 404, action
    else:
        assert "06 12 34 56 78" in html
        logged = session.scalars(
            select(ReferralAccess).where(
                ReferralAccess.referral_id == referral.id, ReferralAccess.user_id == user.id
            )
        ).all()
        assert [(a.via, a.action) for a in logged] == [("compte", "consultation")]


def test_the_coordinator_reads_but_does_not_answer(client, login, referral, coordinator, session):
    login(coordinator)
    page = client.get(f"/orientations/{referral.id}").get_data(as_text=True)
    assert not controls_named(page, "reponse") and not controls_named(page, "texte", "textarea")
    response = post_form(
        client,
        f"/orientations/{referral.id}/reponse",
        {"version": "1", "reponse": "liste-d-attente"},
        token_from="/connexion",
    )
    assert response.status_code == 403
    session.refresh(referral)
    assert (
        referral.status == ReferralStatus.SENT and referral.seen_at is None
    )  # a coordinator is not the structure


@pytest.mark.parametrize(
    "who,url,sees",
    [
        ("prescriber", "/orientations", True),
        ("other_prescriber", "/orientations", False),
        ("manager", "/orientations/recues", True),
        ("other_manager", "/orientations/recues", False),
        ("coordinator", "/coordination/orientations", True),
        ("coordinator13", "/coordination/orientations", False),
    ],
)
def test_lists_and_exports_are_scoped(request, client, login, referral, who, url, sees):
    login(request.getfixturevalue(who))
    page = text_of(client.get(url).get_data(as_text=True))
    assert ("Amina K." in page) is sees
    export_url = url.rstrip("/") + "/export.csv"
    exported = client.get(export_url)
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    assert ("Amina K." in exported.get_data(as_text=True)) is sees


@pytest.mark.parametrize(
    "who,url",
    [
        ("manager", "/orientations"),
        ("prescriber", "/orientations/recues"),
        ("prescriber", "/coordination/orientations"),
        ("manager", "/coordination/orientations/export.csv"),
    ],
)
def test_each_list_belongs_to_its_role(request, client, login, who, url):
    login(request.getfixturevalue(who))
    assert client.get(url).status_code == 403


def test_csv_export_content(client, login, referral, prescriber, session):
    referral.status = ReferralStatus.ACCEPTED
    referral.first_answer_at = referral.sent_at + timedelta(hours=30)
    referral.accepted_start_date = referral.start_date
    session.commit()
    login(prescriber)
    response = client.get("/orientations/export.csv?statut=acceptee")
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Référence", "Envoyée le", "Offre"]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Référence"] == str(referral.id)
    assert (
        row["Offre"] == "Multi-accueil Les Lucioles"
        and row["Structure"] == "Association Les Lucioles"
    )
    assert row["Prescripteur"] == "Karim Diallo" and row["Parent"] == "Amina K."
    assert row["Statut"] == "Acceptée" and row["Motif"] == "Reprise d’un emploi"
    assert row["Délai de réponse"] == "1\u00a0jour"
    assert row["Accueil prévu le"] == referral.start_date.strftime("%d/%m/%Y")
    assert "06 12" not in text and "@" not in text  # no contact details in the export
    assert len(rows) == 2
    assert (
        len(
            list(
                csv.reader(
                    io.StringIO(
                        client.get("/orientations/export.csv?statut=refusee")
                        .get_data(as_text=True)
                        .lstrip("\ufeff")
                    ),
                    delimiter=";",
                )
            )
        )
        == 1
    )
    exports = session.scalars(select(ReferralAccess).where(ReferralAccess.action == "export")).all()
    assert [(a.referral_id, a.user_id) for a in exports] == [(referral.id, prescriber.id)]


def test_a_typed_formula_is_not_a_formula_in_the_export(
    client, login, offer, prescriber, parent_form, session
):
    login(prescriber)
    send(client, offer, dict(parent_form, prenom="Zoé"))
    referral = session.scalar(select(Referral))
    referral.parent_first_name = '=HYPERLINK("http://x")'
    session.commit()
    text = client.get("/orientations/export.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text


def test_status_filter_lists_only_that_status(
    client, login, referral, prescriber, offer, parent_form, session
):
    login(prescriber)
    send(
        client,
        offer,
        dict(parent_form, prenom="Lina", telephone="07 00 00 00 01", courriel=""),
        confirm=True,
    )
    lina = session.scalar(select(Referral).where(Referral.parent_first_name == "Lina"))
    lina.status = ReferralStatus.REFUSED
    session.commit()
    page = client.get("/orientations?statut=refusee").get_data(as_text=True)
    assert "Lina K." in text_of(page) and "Amina K." not in text_of(page)
    assert "Refusée (1)" in text_of(page) and "En attente de réponse (1)" in text_of(page)
    # An unknown status is simply no filter.
    assert "Amina K." in text_of(
        client.get("/orientations?statut=%3Cscript%3E").get_data(as_text=True)
    )


def make_history(session, offer, prescriber, hours_list):
    """Referrals of the last months answered after ``hours`` (None: expired unanswered)."""
    now = utcnow()
    for n, hours in enumerate(hours_list):
        sent = now - timedelta(days=20 + n)
        make_referral(
            session,
            offer,
            prescriber,
            commit=False,
            parent_first_name="Test",
            parent_initial="T",
            parent_phone="0600000000",
            consent_at=sent,
            sent_at=sent,
            last_activity_at=sent,
            status=ReferralStatus.EXPIRED if hours is None else ReferralStatus.ACCEPTED,
            first_answer_at=None if hours is None else sent + timedelta(hours=hours),
            closed_at=sent + timedelta(days=30),
        )
    session.commit()


def test_the_badge_appears_from_three_referrals(client, session, offer, prescriber):
    make_history(session, offer, prescriber, [10, 60])
    assert "Répond aux orientations" not in text_of(
        client.get(f"/offre/{offer.id}").get_data(as_text=True)
    )
    make_history(session, offer, prescriber, [50])
    page = text_of(client.get(f"/offre/{offer.id}").get_data(as_text=True))
    assert "Répond aux orientations sous 3 jours en général, pour les orientations" in page


def test_old_referrals_do_not_count_for_the_badge(client, session, offer, prescriber):
    make_history(session, offer, prescriber, [10, 10, 10])
    for referral in session.scalars(select(Referral)):
        referral.sent_at -= timedelta(days=200)
    session.commit()
    assert "Répond aux orientations" not in text_of(
        client.get(f"/offre/{offer.id}").get_data(as_text=True)
    )


def test_the_departement_dashboard(
    client, login, session, offer, prescriber, coordinator, other_manager
):
    from app.directory.models import Offer

    make_history(session, offer, prescriber, [10, 30, 50, None])
    silent = session.scalar(select(Offer).where(Offer.title == "Crèche Les Pins"))
    make_history(session, silent, prescriber, [None, None])
    for referral in session.scalars(select(Referral).where(Referral.offer_id == offer.id).limit(1)):
        referral.status = ReferralStatus.REFUSED
    session.commit()
    login(coordinator)
    page = text_of(client.get("/coordination/orientations").get_data(as_text=True))
    assert "Orientations envoyées 6" in page
    assert "Délai médian de première réponse 1 jour (3 orientations avec une réponse)" in page
    assert "Taux d’acceptation 67 %" in page
    silent_part = page.split("Offres qui ne répondent pas", 1)[1]
    assert "Crèche Les Pins" in silent_part.split("Toutes les orientations")[0]
    assert "Multi-accueil Les Lucioles" not in silent_part.split("Toutes les orientations")[0]
