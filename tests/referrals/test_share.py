"""« Envoyer à un parent » (issue 22): a prescripteur sends an offer's essentials to a parent by
email (the parent's address is not kept) or copies a short text for an SMS. Only approved
professionals may send (an open form would relay spam under Passerelle's name); the sending is
rate-limited per account."""

from __future__ import annotations

from kit.forms import csrf_token_in
from kit.mails import readable
from kit.pages import controls_named, tags, text_of, unlabelled_controls
from sqlalchemy import select

from app.core.outgoing import OutgoingMail
from app.referrals import sharing


def url(offer) -> str:
    return f"/offre/{offer.id}/envoyer-a-un-parent"


def send(client, offer, **data):
    page = client.get(url(offer)).get_data(as_text=True)
    return client.post(url(offer), data={"csrf_token": csrf_token_in(page), **data})


def test_the_offer_page_and_a_result_card_offer_it_to_a_prescripteur(
    client, login, offer, prescriber, index, session
):
    assert "Envoyer à un parent" not in client.get(f"/offre/{offer.id}").get_data(as_text=True)
    login(prescriber)
    assert tags(client.get(f"/offre/{offer.id}").get_data(as_text=True), "a", href=url(offer))
    index.sync(session)
    results = client.get("/recherche?lieu=Toulon").get_data(as_text=True)
    assert tags(results, "a", href=url(offer))


def test_only_professionals_who_refer_may_send(client, login, offer, manager, coordinator):
    assert client.get(url(offer)).status_code == 302  # to the login page
    login(manager)
    assert client.get(url(offer)).status_code == 403
    token = csrf_token_in(client.get(f"/offre/{offer.id}").get_data(as_text=True))
    sent = client.post(url(offer), data={"csrf_token": token, "courriel": "a@exemple.fr"})
    assert sent.status_code == 403


def test_an_unknown_offer_is_not_found(client, login, prescriber):
    login(prescriber)
    assert client.get("/offre/999999/envoyer-a-un-parent").status_code == 404


def test_the_page_is_labelled_and_holds_the_sms_text(client, login, offer, prescriber):
    login(prescriber)
    page = client.get(url(offer)).get_data(as_text=True)
    assert unlabelled_controls(page) == []
    sms = tags(page, "textarea", id="sms-text")
    assert sms and "readonly" in sms[0]
    text = text_of(page)
    assert "Texte à coller dans un SMS" in text
    assert "Multi-accueil Les Lucioles (Crèche collective / multi-accueil, 83000 Toulon)" in text
    assert f"Pour demander une place : http://localhost/offre/{offer.id}" in text
    # The copy button needs JavaScript: hidden until the script shows it.
    assert "hidden" in tags(page, "button", **{"data-copy": "sms-text"})[0]


def test_the_parent_gets_the_essentials_how_to_ask_and_a_link(
    client, login, offer, prescriber, smtp, session
):
    login(prescriber)
    response = send(
        client, offer, courriel="amina.k@exemple.fr", mot="Voici la crèche dont je vous ai parlé."
    )
    assert response.status_code == 303
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Fiche envoyée au parent. Son adresse n’est pas gardée." in text_of(followed)
    mail = smtp.last_to("amina.k@exemple.fr")
    assert readable(mail["Subject"]) == "Une offre de garde pour vous : Multi-accueil Les Lucioles"
    body = readable(smtp.text(mail))
    assert "Karim Diallo (France Travail Toulon) vous envoie une offre de garde" in body
    assert "Voici la crèche dont je vous ai parlé." in body
    assert "- Places : 4 places disponibles" in body
    assert "- Horaires : du lundi au vendredi 7 h 00 – 19 h 00" in body
    # How to ask for a place: the ways of app.directory.reach, in their order.
    assert (
        f"- Demander une place en ligne, sans compte : http://localhost/offre/{offer.id}/demander-une-place"
        in body
    )
    assert "- Courriel : accueil@lucioles.fr" in body
    assert f"La fiche complète : http://localhost/offre/{offer.id}" in body
    # Nothing about the parent is kept once the mail is sent.
    session.expire_all()
    rows = session.scalars(select(OutgoingMail)).all()
    assert [(row.status, row.message) for row in rows] == [("sent", b"")]


def test_an_offer_without_direct_contact_says_whom_to_ask(
    client, login, session, offer, prescriber, smtp
):
    offer.contact_public = False
    offer.online_requests = False
    session.commit()
    login(prescriber)
    send(client, offer, courriel="amina.k@exemple.fr")
    body = readable(smtp.text(smtp.last_to("amina.k@exemple.fr")))
    assert "relais petite enfance (RPE) de Toulon" in body
    assert "accueil@lucioles.fr" not in body


def test_mistakes_are_said_in_french_and_what_was_typed_shown_back(
    client, login, offer, prescriber
):
    login(prescriber)
    response = send(client, offer, courriel="amina.k@exemple", mot="Bonjour Amina")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Indiquez une adresse électronique valide, par exemple nom@exemple.fr." in text_of(page)
    assert controls_named(page, "courriel")[0]["value"] == "amina.k@exemple"
    assert "Bonjour Amina" in page
    empty = send(client, offer, courriel="", mot="x" * (sharing.NOTE_MAX + 1))
    text = text_of(empty.get_data(as_text=True))
    assert "Indiquez l’adresse électronique du parent." in text
    assert "500 caractères au plus." in text


def test_a_post_without_csrf_is_refused(client, login, offer, prescriber, smtp):
    login(prescriber)
    response = client.post(url(offer), data={"courriel": "amina.k@exemple.fr"})
    assert response.status_code in (400, 422)
    assert smtp.messages == []


def test_sending_is_rate_limited_per_account(client, login, offer, prescriber, smtp):
    """``SHARE_LIMIT``: 20 sendings an hour per account; the 21st is refused in French."""
    login(prescriber)
    token = csrf_token_in(client.get(url(offer)).get_data(as_text=True))
    statuses = [
        client.post(
            url(offer), data={"csrf_token": token, "courriel": f"p{i}@exemple.fr"}
        ).status_code
        for i in range(21)
    ]
    assert statuses[:20] == [303] * 20 and statuses[20] == 429
    assert len(smtp.messages) == 20


def test_the_sms_text_keeps_the_link_when_the_title_is_long(
    client, login, session, offer, prescriber
):
    offer.title = ("Très long nom " * 40)[:200]  # the longest title an offer may have
    session.commit()
    login(prescriber)
    page = client.get(url(offer)).get_data(as_text=True)
    sms = text_of(page).split("Texte à coller dans un SMS")[1]
    assert f"/offre/{offer.id}" in sms
    start = page.index('id="sms-text"')
    textarea = page[page.index(">", start) + 1 : page.index("</textarea>", start)]
    assert len(textarea) <= sharing.SMS_MAX


def test_the_sms_text_cuts_the_title_never_the_link():
    shared = sharing.SharedOffer(
        title="Très long nom " * 40,
        kind="Crèche",
        place="83000 Toulon",
        lines=(),
        how_to_ask=(),
        link="https://passerelle.example/offre/12",
        phone="04 94 00 00 00",
    )
    text = sharing.sms_text(shared)
    assert len(text) <= sharing.SMS_MAX
    assert text.endswith("Pour demander une place : https://passerelle.example/offre/12")
    assert "… - tél. 04 94 00 00 00." in text
