"""The AVIP label: a manager applies, the département's coordinator grants (with a start and a
review date) or refuses; the applicant is emailed; the badge and the « AVIP » search filter show
the label only while it is valid."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from kit.clients import login_as
from kit.factories import make_offer
from kit.forms import post_form
from kit.mails import link_in, readable
from kit.pages import controls_named, tags, text_of
from sqlalchemy import select

from app.core.dates import add_months
from app.directory.models import OfferChange, OfferKind, OfferStatus
from app.directory.rules import AVIP_REVIEW_PROPOSED_MONTHS
from app.geo.timezones import today_in_france
from app.moderation.models import ApplicationStatus, AvipApplication
from app.search.query import OfferCriteria, find_offers

APPLICATION = {
    "reserved_places": "3",
    "hours_commitment": "Accueil dès 7 h pour les parents en horaires décalés.",
    "partnership": "Convention avec l’agence France Travail de Toulon et la mission locale.",
    "short_notice": "Un enfant peut être accueilli sous 48 heures.",
}


def apply(client, offer, data=APPLICATION):
    return post_form(client, f"/label-avip/offre/{offer.id}", data)


def decide(client, application_id: int, action: str, data: dict):
    page = f"/coordination/label-avip/{application_id}"
    return post_form(client, f"{page}/{action}", data, token_from=page)


def grant(client, application_id, start, review, places="3", note=""):
    return decide(
        client,
        application_id,
        "attribuer",
        {
            "label_start": start.isoformat(),
            "label_review": review.isoformat(),
            "places": places,
            "note": note,
        },
    )


def page_text(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return text_of(response.get_data(as_text=True))


def avip_badges(client, url) -> list:
    return tags(client.get(url).get_data(as_text=True), "li", class_="badge badge--avip")


@pytest.fixture
def set_today(monkeypatch):
    """Move the directory's clock (search filter, badges, offer page) to another day."""

    def move(day):
        monkeypatch.setattr("app.directory.views.today_in_france", lambda: day)
        monkeypatch.setattr("app.directory.presenters.today_in_france", lambda: day)

    return move


def test_granted_label_shows_in_search_until_its_review_date(
    client, session, index, smtp, offer, manager, coordinator, set_today
):
    today = today_in_france()
    neighbour = make_offer(session, title="Crèche Les Petits Pas", offset_km=(2.0, 0.0))
    login_as(client, manager)
    assert apply(client, offer).status_code == 302
    assert "envoyée à la coordination du département 83" in page_text(client, "/label-avip")

    login_as(client, coordinator)
    application = session.scalars(select(AvipApplication)).one()
    queue = page_text(client, "/coordination")
    assert "Demandes de label AVIP (1)" in queue and "Multi-accueil Les Lucioles (Toulon)" in queue
    decision = page_text(client, f"/coordination/label-avip/{application.id}")
    assert "Jusqu’à 12 h d’ouverture par jour : le repère de 12 h est atteint." in decision
    assert "Convention avec l’agence France Travail de Toulon" in decision
    assert "Un enfant peut être accueilli sous 48 heures." in decision

    review = today + timedelta(days=30)
    assert grant(client, application.id, today, review, places="4").status_code == 302
    session.expire_all()
    assert (offer.avip, offer.avip_places, offer.avip_since, offer.avip_review_on) == (
        True,
        4,
        today,
        review,
    )
    assert (
        application.status == ApplicationStatus.GRANTED
        and application.decided_by_id == coordinator.id
    )
    change = session.scalars(select(OfferChange).where(OfferChange.offer_id == offer.id)).one()
    assert change.action == "avip_granted" and change.changes["avip"] == ["non", "oui"]

    email = smtp.last_to("directrice@lucioles.fr")
    assert readable(email["Subject"]) == "Label AVIP : label attribué – Passerelle"
    body = readable(smtp.text(email))
    assert "Multi-accueil Les Lucioles (Toulon) : 4 places réservées" in body
    assert link_in(body) == "/label-avip"

    index.sync(session)
    results = page_text(client, "/recherche?lieu=Toulon&avip=1")
    assert "1 résultat" in results and "Multi-accueil Les Lucioles" in results
    assert "Les Petits Pas" not in results
    assert len(avip_badges(client, "/recherche?lieu=Toulon")) == 1
    offer_page = page_text(client, f"/offre/{offer.id}")
    assert "(4 places réservées)" in offer_page and "Label valable jusqu’au" in offer_page

    # On the review date the label still shows; the day after, it is gone, with no reindexing.
    set_today(review)
    assert "1 résultat" in page_text(client, "/recherche?lieu=Toulon&avip=1")
    set_today(review + timedelta(days=1))
    assert "Aucun résultat" in page_text(client, "/recherche?lieu=Toulon&avip=1")
    assert avip_badges(client, "/recherche?lieu=Toulon") == []
    assert "Cette offre n’a pas le label AVIP." in page_text(client, f"/offre/{offer.id}")
    assert neighbour.id  # still listed without the filter
    assert "2 résultats" in page_text(client, "/recherche?lieu=Toulon")


def test_a_label_starting_later_shows_from_its_start_date(
    session, index, client, offer, manager, coordinator, set_today
):
    today = today_in_france()
    login_as(client, manager)
    apply(client, offer)
    login_as(client, coordinator)
    application = session.scalars(select(AvipApplication)).one()
    start = today + timedelta(days=10)
    assert grant(client, application.id, start, start + timedelta(days=365)).status_code == 302
    index.sync(session)
    assert "Aucun résultat" in page_text(client, "/recherche?lieu=Toulon&avip=1")
    assert "Le label AVIP de cette offre commence le" in page_text(client, f"/offre/{offer.id}")
    assert find_offers(index, OfferCriteria(avip=True, today=start)).total == 1
    set_today(start)
    assert "1 résultat" in page_text(client, "/recherche?lieu=Toulon&avip=1")


def test_refusal_with_a_reason_is_emailed_and_kept_in_the_history(
    client, session, smtp, offer, manager, coordinator
):
    login_as(client, manager)
    apply(client, offer)
    application = session.scalars(select(AvipApplication)).one()
    login_as(client, coordinator)

    empty = decide(client, application.id, "refuser", {"reason": "   "})
    assert empty.status_code == 422
    assert "Indiquez le motif du refus" in text_of(empty.get_data(as_text=True))

    reason = "Pas encore de partenariat écrit avec France Travail."
    assert decide(client, application.id, "refuser", {"reason": reason}).status_code == 302
    session.expire_all()
    assert application.status == ApplicationStatus.REFUSED and application.decision_reason == reason
    assert offer.avip is False

    email = smtp.last_to("directrice@lucioles.fr")
    assert readable(email["Subject"]) == "Label AVIP : demande refusée – Passerelle"
    assert f"Motif : {reason}" in readable(smtp.text(email))

    # Deciding twice is refused: the first decision stands.
    late = grant(client, application.id, today_in_france(), today_in_france() + timedelta(days=90))
    assert late.status_code == 409
    assert "Cette demande a déjà été traitée." in text_of(late.get_data(as_text=True))
    session.expire_all()
    assert application.status == ApplicationStatus.REFUSED and offer.avip is False

    login_as(client, manager)
    mine = page_text(client, "/label-avip")
    assert "Refusée le" in mine and reason in mine
    assert apply(client, offer).status_code == 302  # a new application once refused
    second = session.scalars(select(AvipApplication).order_by(AvipApplication.id.desc())).first()
    login_as(client, coordinator)
    history = page_text(client, f"/coordination/label-avip/{second.id}").split("Historique", 1)[1]
    assert "Refusée le" in history and reason in history


def test_an_all_sites_application_labels_every_site_of_its_departement(
    client, session, index, smtp, structure, offer, manager, coordinator, coordinator13
):
    hyeres = make_offer(
        session,
        title="Micro-crèche Les Pins",
        kind=OfferKind.MICRO_CRECHE,
        code_insee="83069",
        structure=structure,
    )
    mam = make_offer(
        session, title="MAM Les Petits Mousses", kind=OfferKind.MAM, structure=structure
    )
    halte = make_offer(
        session, title="Halte-garderie du port", kind=OfferKind.HALTE_GARDERIE, structure=structure
    )
    marseille = make_offer(
        session, title="Crèche du Vieux-Port", code_insee="13055", structure=structure
    )

    login_as(client, manager)
    assert "Demander le label pour tous les sites (4)" in page_text(client, "/label-avip")
    form = page_text(client, f"/label-avip/structure/{structure.id}")
    assert "Micro-crèche Les Pins (Hyères, département 83)" in form and "Halte-garderie" not in form
    assert (
        post_form(client, f"/label-avip/structure/{structure.id}", APPLICATION).status_code == 302
    )
    assert "envoyée à la coordination des départements 13 et 83" in page_text(client, "/label-avip")
    applications = session.scalars(
        select(AvipApplication).order_by(AvipApplication.departement_code)
    ).all()
    assert [(a.departement_code, a.all_sites, a.offer_id) for a in applications] == [
        ("13", True, None),
        ("83", True, None),
    ]
    # Each département's coordinators are told about their own application.
    assert "/coordination/label-avip/" in readable(smtp.text(smtp.last_to("coord13@caf.fr")))
    assert "Tous les sites de Association Les Lucioles dans le département 83" in readable(
        smtp.text(smtp.last_to("coord83@caf.fr"))
    )

    login_as(client, coordinator)
    queue = page_text(client, "/coordination")
    assert "Tous les sites de Association Les Lucioles dans le département 83" in queue
    assert "département 13" not in queue
    app13, app83 = applications
    assert client.get(f"/coordination/label-avip/{app13.id}").status_code == 404
    today = today_in_france()
    assert (
        grant(client, app83.id, today, today + timedelta(days=3 * 365), places="2").status_code
        == 302
    )

    session.expire_all()
    assert [o.avip_places for o in (offer, hyeres, mam) if o.avip] == [2, 2, 2]
    assert not halte.avip and not marseille.avip  # not eligible; another département decides
    index.sync(session)
    found = find_offers(index, OfferCriteria(avip=True, today=today), limit=10)
    assert sorted(h.offer_id for h in found.hits) == sorted([offer.id, hyeres.id, mam.id])
    assert "3 places réservées" not in readable(smtp.text(smtp.last_to("directrice@lucioles.fr")))
    assert "MAM Les Petits Mousses (Toulon) : 2 places réservées" in readable(
        smtp.text(smtp.last_to("directrice@lucioles.fr"))
    )


def test_opening_hours_are_shown_not_enforced(client, session, structure, manager):
    short = make_offer(
        session,
        title="Assistante maternelle Awa",
        kind=OfferKind.ASSISTANT_MATERNEL,
        structure=structure,
        slots=[(d, time(8, 30), time(17, 0)) for d in range(5)],
    )
    login_as(client, manager)
    page = page_text(client, f"/label-avip/offre/{short.id}")
    assert (
        "Jusqu’à 8 h 30 d’ouverture par jour, sous le repère de 12 h (ce critère n’est plus "
        "obligatoire"
    ) in page
    assert apply(client, short).status_code == 302


def test_application_errors_keep_what_was_typed(client, session, offer, manager):
    login_as(client, manager)
    response = apply(
        client, offer, {**APPLICATION, "reserved_places": "trois", "partnership": "  "}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    page = text_of(html)
    assert "2 points à corriger" in page
    assert "Indiquez un nombre de places entre 1 et 200" in page
    assert "Décrivez votre partenariat avec France Travail" in page
    assert tags(html, "input", id="champ-reserved_places")[0]["value"] == "trois"
    assert tags(html, "input", id="champ-reserved_places")[0]["aria-invalid"] == "true"
    assert "Un enfant peut être accueilli sous 48 heures.</textarea>" in html
    assert session.scalars(select(AvipApplication)).all() == []


def test_only_managed_eligible_offers_can_apply(
    client, session, structure, offer, manager, user_factory
):
    halte = make_offer(
        session, title="Halte-garderie", kind=OfferKind.HALTE_GARDERIE, structure=structure
    )
    elsewhere = make_offer(session, title="Crèche d’une autre association")
    archived = make_offer(
        session, title="Crèche fermée", structure=structure, status=OfferStatus.ARCHIVED
    )
    login_as(client, manager)
    for other in (halte, elsewhere, archived):
        assert client.get(f"/label-avip/offre/{other.id}").status_code == 404
        assert apply(client, other).status_code == 404
    assert client.get("/label-avip/offre/999999").status_code == 404
    assert client.get(f"/label-avip/structure/{elsewhere.structure_id}").status_code == 404

    # The offer page offers the application to its manager only.
    assert "Demander le label AVIP pour cette offre" in page_text(client, f"/offre/{offer.id}")
    assert "Demander le label AVIP" not in page_text(client, f"/offre/{elsewhere.id}")
    prescriber = user_factory("prescripteur")
    login_as(client, prescriber)
    assert client.get("/label-avip").status_code == 403
    assert "Demander le label AVIP" not in page_text(client, f"/offre/{offer.id}")


def test_grant_dates_are_checked(client, session, offer, manager, coordinator):
    login_as(client, manager)
    apply(client, offer)
    application = session.scalars(select(AvipApplication)).one()
    login_as(client, coordinator)
    today = today_in_france()

    before = grant(client, application.id, today, today - timedelta(days=1))
    assert before.status_code == 422
    assert "La date de réexamen doit venir après le début du label." in text_of(
        before.get_data(as_text=True)
    )
    past = grant(client, application.id, today - timedelta(days=400), today - timedelta(days=2))
    assert "La date de réexamen est déjà passée" in text_of(past.get_data(as_text=True))
    missing = decide(
        client,
        application.id,
        "attribuer",
        {"label_start": "32/13/2026", "label_review": "", "places": "0"},
    )
    assert missing.status_code == 422
    page = text_of(missing.get_data(as_text=True))
    assert "3 points à corriger" in page and "Indiquez une date, par exemple 01/12/2026." in page
    assert 'value="32/13/2026"' in missing.get_data(as_text=True)
    session.expire_all()
    assert application.status == ApplicationStatus.SUBMITTED and offer.avip is False


def test_a_pending_application_can_be_withdrawn(client, session, offer, manager, coordinator):
    login_as(client, manager)
    apply(client, offer)
    assert "Une demande est déjà en cours pour cette offre" in page_text(
        client, f"/label-avip/offre/{offer.id}"
    )
    again = apply(client, offer)
    assert again.status_code == 422 and "Une demande de label est déjà en cours" in text_of(
        again.get_data(as_text=True)
    )
    application = session.scalars(select(AvipApplication)).one()
    assert (
        post_form(
            client, f"/label-avip/demandes/{application.id}/retirer", {}, token_from="/label-avip"
        ).status_code
        == 302
    )
    session.expire_all()
    assert application.status == ApplicationStatus.WITHDRAWN
    login_as(client, coordinator)
    assert "Demandes de label AVIP (0)" in page_text(client, "/coordination")


def test_the_grant_form_proposes_a_review_date(client, session, offer, manager, coordinator):
    """Issue 22: the review date is filled in (``AVIP_REVIEW_PROPOSED_MONTHS`` after today),
    and the coordinator may change it."""
    login_as(client, manager)
    apply(client, offer)
    login_as(client, coordinator)
    application = session.scalars(select(AvipApplication)).one()
    html = client.get(f"/coordination/label-avip/{application.id}").get_data(as_text=True)
    proposed = add_months(today_in_france(), AVIP_REVIEW_PROPOSED_MONTHS)
    shown = controls_named(html, "label_review")[0]["value"]
    assert shown in (proposed.isoformat(), proposed.strftime("%d/%m/%Y"))
    assert "Proposée 3 ans après aujourd’hui, à changer si besoin." in text_of(html)
