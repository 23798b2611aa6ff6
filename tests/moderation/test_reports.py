"""« Signaler une erreur »: the public form on every offer page (no account, CSRF, rate limit)
and the coordinator who resolves or dismisses the report."""

from __future__ import annotations

from kit.clients import login_as
from kit.factories import make_offer
from kit.forms import csrf_token, post_form
from kit.pages import tags, text_of, unlabelled_controls
from sqlalchemy import select

from app.directory.models import OfferStatus
from app.moderation import services
from app.moderation.models import ErrorReport, ReportStatus

REPORT = {
    "categorie": "horaires",
    "message": "La crèche ouvre maintenant à 7 h 30, pas à 7 h.",
    "email": "Parent.Vigilant@exemple.fr",
}


def report_url(offer) -> str:
    return f"/offre/{offer.id}/signaler"


def test_every_offer_page_has_the_report_form(client, offer):
    html = client.get(f"/offre/{offer.id}").get_data(as_text=True)
    (form,) = tags(html, "form", action=report_url(offer))
    assert form["method"] == "post"
    assert "Signaler une erreur sur cette offre" in text_of(html)
    assert unlabelled_controls(html) == []
    assert [o["value"] for o in tags(html, "option")][:3] == ["", "horaires", "places"]
    assert (
        tags(html, "textarea", id="champ-message")[0]["aria-describedby"]
        == "aide-message erreur-message"
    )


def test_a_visitor_reports_an_error_routed_to_the_offers_departement(client, session, offer):
    response = post_form(client, report_url(offer), REPORT, token_from=f"/offre/{offer.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/offre/{offer.id}"
    page = text_of(client.get(f"/offre/{offer.id}").get_data(as_text=True))
    assert "Merci : votre signalement est transmis à la coordination du département" in page
    report = session.scalars(select(ErrorReport)).one()
    assert (report.offer_id, report.departement_code, report.category, report.status) == (
        offer.id,
        "83",
        "horaires",
        ReportStatus.OPEN,
    )
    assert (
        report.message == REPORT["message"]
        and report.reporter_email == "parent.vigilant@exemple.fr"
    )


def test_the_email_is_optional_and_control_characters_are_dropped(client, session, offer):
    response = post_form(
        client, report_url(offer), {**REPORT, "email": "", "message": "Fermée\x00 le samedi"}
    )
    assert response.status_code == 302
    report = session.scalars(select(ErrorReport)).one()
    assert (report.reporter_email, report.message) == ("", "Fermée le samedi")


def test_a_report_with_errors_keeps_what_was_typed(client, session, offer):
    typed = "Le numéro de téléphone ne répond plus\r\ndepuis septembre."
    response = post_form(
        client, report_url(offer), {"categorie": "", "message": typed, "email": "pas-une-adresse"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    page = text_of(html)
    assert "2 points à corriger" in page
    assert "Quelle information est fausse ? Choisissez ce qui est faux." in page
    assert "Indiquez une adresse électronique valide" in page
    assert "Le numéro de téléphone ne répond plus\ndepuis septembre.</textarea>" in html
    assert tags(html, "input", id="champ-email")[0]["value"] == "pas-une-adresse"
    assert tags(html, "select", id="champ-categorie")[0]["aria-invalid"] == "true"
    assert tags(html, "a", href="#champ-categorie")

    unknown = post_form(
        client, report_url(offer), {**REPORT, "categorie": "piratage", "message": "   "}
    )
    assert unknown.status_code == 422
    page = text_of(unknown.get_data(as_text=True))
    assert (
        "Choisissez une réponse dans la liste." in page
        and "Décrivez l’erreur en quelques mots." in page
    )
    assert session.scalars(select(ErrorReport)).all() == []


def test_reports_are_rate_limited(client, session, offer):
    token = csrf_token(client, report_url(offer))
    for _ in range(5):
        assert (
            client.post(report_url(offer), data={"csrf_token": token, **REPORT}).status_code == 302
        )
    refused = client.post(report_url(offer), data={"csrf_token": token, **REPORT})
    assert refused.status_code == 429
    assert "Trop de demandes" in text_of(refused.get_data(as_text=True))
    assert len(session.scalars(select(ErrorReport)).all()) == 5
    assert client.get(report_url(offer)).status_code == 200  # reading the form is not limited


def test_a_report_without_its_csrf_token_is_refused(client, session, offer):
    response = client.post(report_url(offer), data=REPORT)
    assert response.status_code == 400
    assert "Le formulaire a expiré" in text_of(response.get_data(as_text=True))
    assert session.scalars(select(ErrorReport)).all() == []


def test_no_report_on_an_offer_that_is_not_public(client, session, structure):
    draft = make_offer(session, title="Brouillon", structure=structure, status=OfferStatus.DRAFT)
    assert client.get(report_url(draft)).status_code == 404
    assert post_form(client, report_url(draft), REPORT, token_from="/connexion").status_code == 404
    assert client.get("/offre/999999/signaler").status_code == 404


def test_the_coordinator_resolves_or_dismisses_with_a_note(client, session, offer, coordinator):
    wrong_hours = services.report_error(session, offer, "horaires", "Ouvre à 7 h 30.")
    closed = services.report_error(
        session, offer, "ferme", "La crèche a fermé en juin.", "voisin@exemple.fr"
    )
    session.commit()
    login_as(client, coordinator)
    queue = text_of(client.get("/coordination").get_data(as_text=True))
    assert "Signalements d’erreur (2)" in queue
    assert "Horaires d’ouverture" in queue and "Ouvre à 7 h 30." in queue
    assert "Réponse possible à voisin@exemple.fr" in queue

    prefix = f"r{closed.id}"
    token = csrf_token(client, "/coordination")
    url = f"/coordination/signalements/{closed.id}"
    without_note = client.post(
        url,
        data={f"{prefix}-csrf_token": token, f"{prefix}-action": "dismiss", f"{prefix}-note": ""},
    )
    assert without_note.status_code == 422
    html = without_note.get_data(as_text=True)
    assert "Dites pourquoi ce signalement est classé sans suite." in text_of(html)
    assert tags(html, "a", href=f"#champ-{prefix}-note")
    assert "Ouvre à 7 h 30." in text_of(html)  # the rest of the queue is still there

    note = "Vérifié : elle a rouvert sous un autre nom."
    assert (
        client.post(
            url,
            data={
                f"{prefix}-csrf_token": token,
                f"{prefix}-action": "dismiss",
                f"{prefix}-note": note,
            },
        ).status_code
        == 302
    )
    prefix = f"r{wrong_hours.id}"
    assert (
        client.post(
            f"/coordination/signalements/{wrong_hours.id}",
            data={
                f"{prefix}-csrf_token": token,
                f"{prefix}-action": "resolve",
                f"{prefix}-note": "",
            },
        ).status_code
        == 302
    )
    session.expire_all()
    assert (closed.status, closed.resolution_note, closed.handled_by_id) == (
        ReportStatus.DISMISSED,
        note,
        coordinator.id,
    )
    assert wrong_hours.status == ReportStatus.RESOLVED

    queue = text_of(client.get("/coordination").get_data(as_text=True))
    assert "Signalements d’erreur (0)" in queue
    assert "Classé sans suite le" in queue and note in queue and "Corrigé le" in queue
    # Handled already (by a colleague, in another tab): nothing changes.
    prefix = f"r{closed.id}"
    again = client.post(url, data={f"{prefix}-csrf_token": token, f"{prefix}-action": "resolve"})
    assert again.status_code == 302
    assert "Ce signalement a déjà été traité." in text_of(
        client.get("/coordination").get_data(as_text=True)
    )
    session.expire_all()
    assert closed.status == ReportStatus.DISMISSED
