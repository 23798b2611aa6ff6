"""Preview, publish / unpublish / archive, and who may reach what: another structure's offer is a
404 (never its data), a prescripteur gets 403, an anonymous visitor the login page; every POST
needs its CSRF token."""

from __future__ import annotations

import pytest
from kit.factories import make_offer
from kit.forms import csrf_token
from kit.pages import tags, text_of

from app.directory.models import Offer, OfferChange, OfferStatus, Structure, StructureKind


def test_the_preview_shows_the_public_page_and_the_card(client, session, structure, logged_manager):
    draft = make_offer(
        session,
        title="Crèche Arc-en-ciel",
        structure=structure,
        status=OfferStatus.DRAFT,
        description="Un accueil tout en douceur.",
        free_places=2,
    )
    assert client.get(f"/offre/{draft.id}").status_code == 404  # not public yet
    html = client.get(f"/gestion/offres/{draft.id}/apercu").get_data(as_text=True)
    page = text_of(html)
    assert (
        "Aperçu : voici ce que verront les parents une fois l’offre publiée. Statut : Brouillon."
        in page
    )
    assert (
        tags(html, "h1") and "Crèche Arc-en-ciel" in page and "Un accueil tout en douceur." in page
    )
    assert tags(html, "table", class_="hours")  # the public page's hours table
    assert "Dans les résultats de recherche" in page and tags(html, "li", class_="offer-card")
    assert "2 places disponibles" in page
    assert tags(html, "form", action=f"/gestion/offres/{draft.id}/publier")


def test_publish_unpublish_archive(client, session, index, structure, logged_manager):
    draft = make_offer(
        session, title="Crèche Arc-en-ciel", structure=structure, status=OfferStatus.DRAFT
    )
    index.sync(session)
    token = csrf_token(client, f"/gestion/offres/{draft.id}/apercu")

    def act(action):
        return client.post(
            f"/gestion/offres/{draft.id}/{action}", data={"csrf_token": token, "retour": "apercu"}
        )

    def found():
        return "Crèche Arc-en-ciel" in text_of(
            client.get("/recherche?lieu=Toulon").get_data(as_text=True)
        )

    assert not found()
    response = act("publier")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/gestion/offres/{draft.id}/apercu"
    )
    assert "L’offre est publiée" in text_of(
        client.get(response.headers["Location"]).get_data(as_text=True)
    )
    assert found() and client.get(f"/offre/{draft.id}").status_code == 200
    act("depublier")
    assert not found()
    session.expire_all()
    assert session.get(Offer, draft.id).status is OfferStatus.DRAFT
    act("archiver")
    session.expire_all()
    assert session.get(Offer, draft.id).status is OfferStatus.ARCHIVED
    # unpublishing an archived offer is not possible: said, nothing written
    response = act("depublier")
    assert "Action impossible : l’offre est « archivée »." in text_of(
        client.get(response.headers["Location"]).get_data(as_text=True)
    )
    act("publier")
    assert found()
    actions = [
        c.action
        for c in session.query(OfferChange).filter_by(offer_id=draft.id).order_by(OfferChange.id)
    ]
    assert actions == ["published", "unpublished", "archived", "published"]
    assert session.query(OfferChange).filter_by(offer_id=draft.id).first().changes == {
        "status": ["Brouillon", "Publiée"]
    }


@pytest.fixture
def foreign_offer(session):
    return make_offer(
        session,
        title="Crèche d’une autre structure",
        structure=Structure(name="Autre structure", kind=StructureKind.COMMUNE),
    )


def _routes(offer_id):
    return [
        ("get", f"/gestion/offres/{offer_id}"),
        ("get", f"/gestion/offres/{offer_id}/apercu"),
        ("get", f"/gestion/offres/{offer_id}/historique"),
        ("post", f"/gestion/offres/{offer_id}"),
        ("post", f"/gestion/offres/{offer_id}/valider"),
        ("post", f"/gestion/offres/{offer_id}/publier"),
        ("post", f"/gestion/offres/{offer_id}/depublier"),
        ("post", f"/gestion/offres/{offer_id}/archiver"),
        ("post", f"/gestion/offres/{offer_id}/places"),
        ("post", f"/gestion/offres/{offer_id}/verifiee"),
    ]


def test_another_structures_offer_is_not_found(
    client, session, foreign_offer, offer, logged_manager
):
    token = csrf_token(client, "/gestion")
    for method, url in _routes(foreign_offer.id):
        response = getattr(client, method)(
            url, data={"csrf_token": token, "places": "3", "title": "Piraté"}
        )
        assert response.status_code == 404, (method, url)
        assert "Crèche d’une autre structure" not in response.get_data(as_text=True)
    session.expire_all()
    o = session.get(Offer, foreign_offer.id)
    assert (o.title, o.free_places, o.status) == (
        "Crèche d’une autre structure",
        None,
        OfferStatus.PUBLISHED,
    )
    assert session.query(OfferChange).count() == 0
    assert client.get("/gestion/offres/999999").status_code == 404


def test_a_coordinator_reaches_their_departement_only(client, offer, session, user_factory, login):
    lyon = make_offer(session, title="Crèche de Lyon", code_insee="69123")
    login(user_factory("coordinateur", departement_code="83"))
    assert client.get(f"/gestion/offres/{offer.id}").status_code == 200
    assert client.get(f"/gestion/offres/{lyon.id}").status_code == 404


def test_a_prescripteur_is_refused(client, offer, user_factory, login):
    login(user_factory("prescripteur"))
    for url in ("/gestion", "/gestion/offres/nouvelle", f"/gestion/offres/{offer.id}"):
        assert client.get(url).status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, offer):
    for url in ("/gestion", "/gestion/offres/nouvelle", f"/gestion/offres/{offer.id}/historique"):
        response = client.get(url)
        assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    response = client.post(f"/gestion/offres/{offer.id}/publier")
    assert response.status_code in (302, 400)  # never published


def test_a_post_without_its_csrf_token_is_refused(client, session, offer, logged_manager):
    for url in (
        f"/gestion/offres/{offer.id}/publier",
        f"/gestion/offres/{offer.id}/places",
        f"/gestion/offres/{offer.id}",
        "/gestion/offres/nouvelle",
        f"/gestion/offres/{offer.id}/archiver",
    ):
        response = client.post(url, data={"places": "4", "title": "Sans jeton"})
        assert response.status_code == 400, url
        assert "Le formulaire a expiré" in text_of(response.get_data(as_text=True))
    session.expire_all()
    o = session.get(Offer, offer.id)
    assert (o.free_places, o.title, o.status) == (
        1,
        "Multi-accueil Les Lucioles",
        OfferStatus.PUBLISHED,
    )


def test_a_gestionnaire_without_structure_sees_how_to_get_one(client, user_factory, login):
    login(user_factory("gestionnaire"))
    assert "Aucune offre pour l’instant" in text_of(client.get("/gestion").get_data(as_text=True))
    page = text_of(client.get("/gestion/offres/nouvelle").get_data(as_text=True))
    assert "Vous ne gérez encore aucune structure validée" in page
