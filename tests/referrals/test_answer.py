"""The structure answers: from the emailed link without an account (8 days, renewable, no
personal data in it) or from its space; accepted, waiting list, refused, or « more information
needed » with a thread. The prescripteur and the parent are told; two answers at once end with
one answer and a clear message for the other."""

from __future__ import annotations

import time as clock
from datetime import timedelta

import pytest
from kit.forms import post_form
from kit.mails import link_in, readable
from kit.pages import controls_named, tags, text_of
from referral_form import referral_id_of, send
from sqlalchemy import select

from app.accounts.tokens import REFERRAL_ANSWER, make_token
from app.referrals.models import Referral, ReferralAccess, ReferralStatus


@pytest.fixture
def referral(client, login, offer, prescriber, manager, parent_form, smtp, session):
    """A referral sent by the prescripteur, who is then logged out."""
    login(prescriber)
    response = send(client, offer, parent_form)
    client.post("/deconnexion", data={"csrf_token": ""})
    client.cookie_jar.clear() if hasattr(client, "cookie_jar") else None
    return session.get(Referral, referral_id_of(response))


def fresh_client(app):
    return app.test_client()


def emailed_link(smtp, address="accueil@lucioles.fr") -> str:
    return link_in(readable(smtp.text(smtp.last_to(address))))


def test_the_structure_answers_from_the_emailed_link(app, referral, smtp, session):
    structure = fresh_client(app)  # no account, no session
    link = emailed_link(smtp)
    page = structure.get(link)
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    html = page.get_data(as_text=True)
    assert "06 12 34 56 78" in html and "amina.k@exemple.fr" in html  # the details, behind the link
    assert "Vue par la structure" in text_of(html)
    answer_date = (referral.start_date + timedelta(days=7)).strftime("%d/%m/%Y")
    done = post_form(
        structure,
        link,
        {
            "version": str(referral.version),
            "reponse": "acceptee",
            "date_debut": answer_date,
            "message": "Bienvenue !",
        },
        token_from=link,
    )
    assert done.status_code == 302 and done.headers["Location"] == link
    after = text_of(structure.get(link).get_data(as_text=True))
    assert "Votre réponse est enregistrée : acceptée" in after
    assert "Acceptée par la structure : accueil prévu le" in after
    session.refresh(referral)
    assert referral.status == ReferralStatus.ACCEPTED and referral.closed_at is not None
    assert referral.first_answer_at is not None
    to_prescriber = readable(smtp.text(smtp.last_to("conseiller@francetravail.fr")))
    assert "Acceptée — accueil prévu le" in to_prescriber and "Bienvenue !" in to_prescriber
    to_parent = smtp.last_to("amina.k@exemple.fr")
    assert "Bonne nouvelle" in readable(smtp.text(to_parent))
    assert "/orientations/vos-donnees" in smtp.text(to_parent)
    # Every reading through the link is logged, without an account.
    accesses = session.scalars(
        select(ReferralAccess).where(ReferralAccess.referral_id == referral.id)
    ).all()
    assert {(a.via, a.action) for a in accesses} >= {("lien", "consultation"), ("lien", "reponse")}
    assert all(a.user_id is None for a in accesses if a.via == "lien")


def test_a_refusal_needs_a_reason_and_tells_the_parent(app, referral, smtp, session):
    structure = fresh_client(app)
    link = emailed_link(smtp)
    missing = post_form(
        structure,
        link,
        {"version": "1", "reponse": "refusee", "message": "Désolée."},
        token_from=link,
    )
    assert missing.status_code == 422
    assert "Choisissez la raison du refus." in text_of(missing.get_data(as_text=True))
    assert "Désolée." in missing.get_data(as_text=True)  # kept
    post_form(
        structure,
        link,
        {"version": "1", "reponse": "refusee", "motif_refus": "complet"},
        token_from=link,
    )
    session.refresh(referral)
    assert referral.status == ReferralStatus.REFUSED and referral.refusal_reason == "complet"
    assert "ne peut pas accueillir votre enfant" in readable(
        smtp.text(smtp.last_to("amina.k@exemple.fr"))
    )
    assert "Refusée — plus de place disponible" in readable(
        smtp.text(smtp.last_to("conseiller@francetravail.fr"))
    )


def test_information_requested_then_given_then_waiting_list(
    app, client, login, referral, prescriber, smtp, session
):
    structure = fresh_client(app)
    link = emailed_link(smtp)
    empty = post_form(
        structure, link, {"version": "1", "reponse": "informations-demandees"}, token_from=link
    )
    assert "Écrivez les informations dont vous avez besoin." in text_of(
        empty.get_data(as_text=True)
    )
    post_form(
        structure,
        link,
        {
            "version": "1",
            "reponse": "informations-demandees",
            "message": "Les horaires du samedi sont-ils nécessaires ?",
        },
        token_from=link,
    )
    session.refresh(referral)
    assert referral.status == ReferralStatus.INFO_REQUESTED
    assert "Les horaires du samedi" in readable(
        smtp.text(smtp.last_to("conseiller@francetravail.fr"))
    )

    login(prescriber)
    page = f"/orientations/{referral.id}"
    assert "Répondre à la demande d’informations" in text_of(
        client.get(page).get_data(as_text=True)
    )
    post_form(
        client,
        f"{page}/message",
        {"version": "2", "texte": "Non, du lundi au vendredi seulement."},
        token_from=page,
    )
    session.refresh(referral)
    assert referral.status == ReferralStatus.SENT  # waits for the structure again
    message = readable(smtp.text(smtp.last_to("accueil@lucioles.fr")))
    assert "du lundi au vendredi seulement" in message
    link = link_in(message)  # a fresh link comes with every email

    post_form(structure, link, {"version": "3", "reponse": "liste-d-attente"}, token_from=link)
    session.refresh(referral)
    assert referral.status == ReferralStatus.WAITING_LIST
    thread = text_of(client.get(page).get_data(as_text=True))
    for line in (
        "Orientation envoyée",
        "Vue par la structure",
        "La structure demande des informations",
        "Message du prescripteur",
        "Inscrite sur la liste d’attente",
    ):
        assert line in thread
    # On the waiting list, the structure may still accept or refuse, not ask again.
    options = {
        t["value"] for t in controls_named(structure.get(link).get_data(as_text=True), "reponse")
    }
    assert options == {"acceptee", "refusee", "message"}  # « Écrire au prescripteur »


def test_two_answers_at_once_end_with_one(app, referral, smtp, session):
    first, second = fresh_client(app), fresh_client(app)
    link = emailed_link(smtp)
    first.get(link)
    second.get(link)  # both see version 1
    post_form(first, link, {"version": "1", "reponse": "liste-d-attente"}, token_from=link)
    late = post_form(
        second,
        link,
        {"version": "1", "reponse": "refusee", "motif_refus": "complet"},
        token_from=link,
    )
    assert late.status_code == 302
    page = text_of(second.get(link).get_data(as_text=True))
    assert (
        "quelqu’un d’autre a déjà répondu" in page
        and "Votre réponse n’a pas été enregistrée" in page
    )
    session.refresh(referral)
    assert referral.status == ReferralStatus.WAITING_LIST


def test_a_closed_referral_cannot_be_answered_again(app, referral, smtp, session):
    structure = fresh_client(app)
    link = emailed_link(smtp)
    post_form(
        structure,
        link,
        {"version": "1", "reponse": "refusee", "motif_refus": "age"},
        token_from=link,
    )
    again = post_form(
        structure,
        link,
        {"version": "2", "reponse": "acceptee", "date_debut": "01/01/2030"},
        token_from="/connexion",
    )
    assert again.status_code == 422  # no such answer any more
    session.refresh(referral)
    assert referral.status == ReferralStatus.REFUSED
    assert not controls_named(structure.get(link).get_data(as_text=True), "reponse")


def test_an_expired_link_offers_a_fresh_one_sent_to_the_structure(
    app, referral, smtp, monkeypatch, session
):
    with monkeypatch.context() as patch:
        patch.setattr(clock, "time", lambda real=clock.time: real() - REFERRAL_ANSWER[1] - 60)
        with app.test_request_context():
            old = make_token(REFERRAL_ANSWER, {"r": referral.id})
    visitor = fresh_client(app)
    page = visitor.get(f"/orientations/reponse/{old}")
    assert page.status_code == 410
    html = page.get_data(as_text=True)
    assert "Ce lien a expiré" in text_of(html) and "06 12 34 56 78" not in html
    before = len(smtp.messages)
    renewed = post_form(
        visitor,
        f"/orientations/reponse/{old}/nouveau-lien",
        {},
        token_from=f"/orientations/reponse/{old}",
    )
    assert renewed.status_code == 200
    assert "Nouveau lien envoyé" in text_of(renewed.get_data(as_text=True))
    fresh = smtp.messages[before:]
    assert {m["To"] for m in fresh} == {"accueil@lucioles.fr", "directrice@lucioles.fr"}
    new_link = link_in(readable(smtp.text(fresh[0])))
    assert visitor.get(new_link).status_code == 200


@pytest.mark.parametrize("token", ["abc", "x" * 2000, "eyJyIjoxfQ.bad.signature"])
def test_a_broken_link_gets_a_french_page(app, referral, token):
    page = fresh_client(app).get(f"/orientations/reponse/{token}")
    assert page.status_code in (400, 404)
    if page.status_code == 400:
        assert "Ce lien n’est pas valable" in text_of(page.get_data(as_text=True))


def test_a_tampered_link_does_not_open_another_referral(app, referral, smtp):
    link = emailed_link(smtp)
    token = link.rsplit("/", 1)[1]
    _payload, rest = token.split(".", 1)
    import base64
    import json

    forged = (
        base64.urlsafe_b64encode(json.dumps({"r": referral.id + 1}).encode()).decode().rstrip("=")
    )
    assert fresh_client(app).get(f"/orientations/reponse/{forged}.{rest}").status_code == 400


def test_the_manager_answers_from_the_space(client, login, referral, manager, smtp, session):
    login(manager)
    received = text_of(client.get("/orientations/recues").get_data(as_text=True))
    assert "Amina K. → Multi-accueil Les Lucioles" in received
    page = f"/orientations/{referral.id}"
    html = client.get(page).get_data(as_text=True)
    assert tags(html, "form", action=f"/orientations/{referral.id}/reponse")
    post_form(
        client, f"{page}/reponse", {"version": "1", "reponse": "liste-d-attente"}, token_from=page
    )
    session.refresh(referral)
    assert referral.status == ReferralStatus.WAITING_LIST
    assert "Nadia Benali (Association Les Lucioles)" in text_of(
        client.get(page).get_data(as_text=True)
    )


def test_the_prescripteur_cancels(client, login, referral, prescriber, smtp, session):
    login(prescriber)
    page = f"/orientations/{referral.id}"
    post_form(
        client,
        f"{page}/annuler",
        {"version": "1", "raison": "Le parent a trouvé une assistante maternelle."},
        token_from=page,
    )
    session.refresh(referral)
    assert referral.status == ReferralStatus.CANCELLED
    assert "assistante maternelle" in readable(smtp.text(smtp.last_to("accueil@lucioles.fr")))
    # The prescripteur cannot answer for the structure.
    assert (
        post_form(
            client, f"{page}/reponse", {"version": "2", "reponse": "acceptee"}, token_from=page
        ).status_code
        == 403
    )


def test_asking_for_new_links_is_rate_limited(app, referral, smtp):
    visitor = fresh_client(app)
    link = emailed_link(smtp)
    statuses = [
        post_form(visitor, f"{link}/nouveau-lien", {}, token_from="/connexion").status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [200] * 5 and statuses[5] == 429


def test_the_answer_page_has_one_message_box_and_writes_to_the_prescripteur(
    app, referral, smtp, session
):
    """Issue 22: one message box on the structure's answer page; « Écrire au prescripteur »
    sends it without changing the answer."""
    structure = fresh_client(app)
    link = emailed_link(smtp)
    html = structure.get(link).get_data(as_text=True)
    assert len(tags(html, "textarea")) == 1
    assert "Écrire au prescripteur" in text_of(html) and "à le prescripteur" not in html
    empty = post_form(
        structure, link, {"version": str(referral.version), "reponse": "message"}, token_from=link
    )
    assert empty.status_code == 422
    assert "Écrivez votre message au prescripteur." in text_of(empty.get_data(as_text=True))
    done = post_form(
        structure,
        link,
        {"version": str(referral.version), "reponse": "message", "message": "Je vous rappelle."},
        token_from=link,
    )
    assert done.status_code == 302
    assert "Message envoyé." in text_of(structure.get(link).get_data(as_text=True))
    session.refresh(referral)
    assert referral.status == ReferralStatus.SENT
    to_prescriber = readable(smtp.text(smtp.last_to("conseiller@francetravail.fr")))
    assert "Je vous rappelle." in to_prescriber


def test_the_start_date_may_be_typed_in_words(app, referral, smtp, session):
    structure = fresh_client(app)
    link = emailed_link(smtp)
    day = referral.start_date + timedelta(days=7)
    months = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre")  # fmt: skip
    typed = f"{day.day} {months[day.month - 1]} {day.year}"
    wrong = post_form(
        structure,
        link,
        {"version": str(referral.version), "reponse": "acceptee", "date_debut": "5 brumaire"},
        token_from=link,
    )
    assert wrong.status_code == 422
    page = wrong.get_data(as_text=True)
    assert "Indiquez une date, par exemple 05/01/2027 ou 5 janvier 2027." in text_of(page)
    assert controls_named(page, "date_debut")[0]["value"] == "5 brumaire"
    done = post_form(
        structure,
        link,
        {"version": str(referral.version), "reponse": "acceptee", "date_debut": typed},
        token_from=link,
    )
    assert done.status_code == 302
    session.refresh(referral)
    assert referral.accepted_start_date == day
