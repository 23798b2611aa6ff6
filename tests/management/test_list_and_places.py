"""« Mes offres »: scoped per role, freshness and « à vérifier », the one-click free places
(with and without JavaScript), « rien n’a changé »."""

from __future__ import annotations

from datetime import datetime, timedelta

from kit.factories import make_offer
from kit.forms import csrf_token
from kit.pages import section, tags, text_of

from app.db import utcnow
from app.directory.models import Offer, OfferChange, OfferStatus, Structure, StructureKind
from app.geo.timezones import today_in_france

HTMX = {"HX-Request": "true"}


def titles(client, url="/gestion"):
    html = client.get(url).get_data(as_text=True)
    return sorted(
        a["href"]
        for a in tags(html, "a")
        if a.get("href", "").startswith("/gestion/offres/") and a["href"].count("/") == 3
    )


def test_the_list_is_scoped_to_what_each_role_manages(
    client, session, structure, offer, user_factory, login
):
    other = make_offer(
        session,
        title="Crèche voisine",
        structure=Structure(name="Autre", kind=StructureKind.COMMUNE),
    )
    lyon = make_offer(session, title="Crèche de Lyon", code_insee="69123")
    gestionnaire = user_factory("gestionnaire", structures=[structure])
    login(gestionnaire)
    page = text_of(client.get("/gestion").get_data(as_text=True))
    assert "Mes offres" in page and "Multi-accueil Les Lucioles" in page
    assert "Crèche voisine" not in page and "Crèche de Lyon" not in page

    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/gestion")})
    login(user_factory("coordinateur", departement_code="83"))
    page = text_of(client.get("/gestion").get_data(as_text=True))
    assert "Les offres de mon département" in page
    assert (
        "Multi-accueil Les Lucioles" in page
        and "Crèche voisine" in page
        and "Crèche de Lyon" not in page
    )

    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/gestion")})
    login(user_factory("admin", departement_code=None))
    page = text_of(client.get("/gestion").get_data(as_text=True))
    assert "Toutes les offres" in page and "3 offres" in page
    assert all(
        t in page for t in ("Multi-accueil Les Lucioles", "Crèche voisine", "Crèche de Lyon")
    )
    assert other.id and lyon.id


def test_freshness_and_offers_to_check(client, session, structure, logged_manager):
    today = today_in_france()
    make_offer(session, title="Fraîche", structure=structure)
    make_offer(
        session,
        title="Ancienne",
        structure=structure,
        updated_at=datetime.now() - timedelta(days=100),
    )
    make_offer(
        session,
        title="Brouillon ancien",
        structure=structure,
        status=OfferStatus.DRAFT,
        updated_at=datetime.now() - timedelta(days=200),
    )
    html = client.get("/gestion").get_data(as_text=True)
    page = text_of(html)
    assert "3 offres · 1 à vérifier (pas mises à jour depuis plus de 3 mois)" in page
    fresh = row_text(html, f"offre-{_id(session, 'Fraîche')}")
    old = row_text(html, f"offre-{_id(session, 'Ancienne')}")
    draft = row_text(html, f"offre-{_id(session, 'Brouillon ancien')}")
    assert "Publiée" in fresh and "Mis à jour aujourd’hui" in fresh and "À vérifier" not in fresh
    assert "À vérifier" in old and "Mis à jour il y a 3 mois : vérifiez les horaires" in old
    assert "Brouillon" in draft and "il y a 6 mois" in draft and "À vérifier" not in draft
    only = text_of(client.get("/gestion?a_verifier=1").get_data(as_text=True))
    assert "1 offre à vérifier" in only and "Ancienne" in only and "Fraîche" not in only
    assert today


def row_text(html, row_id):
    """The text of one offer of the list (up to the next one)."""
    row = section(html, row_id)
    end = row.find('<li class="manage-row"', 1)
    return text_of(row if end < 0 else row[:end])


def _id(session, title):
    return session.query(Offer).filter_by(title=title).one().id


def test_free_places_in_one_click_without_javascript(client, session, offer, logged_manager):
    html = client.get("/gestion").get_data(as_text=True)
    assert "1 place disponible" in row_text(html, f"offre-{offer.id}")
    response = client.post(
        f"/gestion/offres/{offer.id}/places",
        data={"csrf_token": csrf_token(client, "/gestion"), "places": "2", "page": "1"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/gestion#offre-{offer.id}"
    )
    today = today_in_france()
    page = text_of(client.get(response.headers["Location"]).get_data(as_text=True))
    assert f"« Multi-accueil Les Lucioles » : 2 places disponibles au {today:%d/%m}." in page
    session.expire_all()
    o = session.get(Offer, offer.id)
    assert (o.free_places, o.free_places_on) == (2, today)
    change = session.query(OfferChange).filter_by(offer_id=offer.id).one()
    assert change.action == "places" and change.changes["free_places"] == ["1", "2"]


def test_free_places_with_htmx_swap_the_row_and_announce_it(client, session, offer, logged_manager):
    html = client.get("/gestion").get_data(as_text=True)
    form = tags(html, "form", class_="places-form")[0]
    assert form["hx-target"] == f"#offre-{offer.id}" and form["hx-swap"] == "outerHTML"
    response = client.post(
        form["hx-post"],
        data={"csrf_token": csrf_token(client, "/gestion"), "places": "0"},
        headers=HTMX,
    )
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert fragment.lstrip().startswith(f'<li class="manage-row" id="offre-{offer.id}">')
    assert f"Complet au {today_in_france():%d/%m}" in text_of(fragment)
    # said aloud by the status region that stays on the page (its content is swapped)
    assert tags(fragment, "p", id="annonce", **{"hx-swap-oob": "innerHTML"})
    assert tags(client.get("/gestion").get_data(as_text=True), "p", id="annonce", role="status")


def test_a_wrong_number_of_places_is_explained_next_to_the_field(
    client, session, offer, logged_manager
):
    token = csrf_token(client, "/gestion")
    response = client.post(
        f"/gestion/offres/{offer.id}/places", data={"csrf_token": token, "places": "deux"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    field = tags(html, "input", id=f"places-{offer.id}")[0]
    assert field["value"] == "deux" and field["aria-invalid"] == "true"
    assert "Indiquez un nombre de places" in text_of(
        section(html, f"erreur-places-{offer.id}").split("</p>")[0]
    )
    assert tags(html, "a", href=f"#places-{offer.id}")  # the summary at the top links to it
    htmx = client.post(
        f"/gestion/offres/{offer.id}/places",
        data={"csrf_token": token, "places": "-3"},
        headers=HTMX,
    )
    assert htmx.status_code == 200 and "Indiquez un nombre de places" in text_of(
        htmx.get_data(as_text=True)
    )
    session.expire_all()
    assert session.get(Offer, offer.id).free_places == 1


def test_nothing_changed_makes_an_offer_fresh_again(client, session, structure, logged_manager):
    old = make_offer(
        session,
        title="Ancienne",
        structure=structure,
        updated_at=datetime.now() - timedelta(days=120),
    )
    html = client.get("/gestion").get_data(as_text=True)
    assert "Rien n’a changé" in row_text(html, f"offre-{old.id}")
    response = client.post(
        f"/gestion/offres/{old.id}/verifiee", data={"csrf_token": csrf_token(client, "/gestion")}
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Offer, old.id).updated_at.date() == utcnow().date()
    assert session.query(OfferChange).filter_by(offer_id=old.id).one().action == "confirmed"
    assert "1 à vérifier" not in text_of(client.get("/gestion").get_data(as_text=True))


def test_the_list_is_paginated(client, session, structure, logged_manager, monkeypatch):
    from app.management import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for n in range(5):
        make_offer(session, title=f"Offre {n}", structure=structure, commit=False)
    session.commit()
    first = text_of(client.get("/gestion").get_data(as_text=True))
    assert "Offre 0" in first and "Offre 2" not in first and "Page 1 sur 3" in first
    last = text_of(client.get("/gestion?page=3").get_data(as_text=True))
    assert "Offre 4" in last and "Page 3 sur 3" in last
    assert client.get("/gestion?page=999").status_code == 200
    assert client.get("/gestion?page=abc").status_code == 200


def test_each_offer_says_what_to_complete(client, session, structure, logged_manager):
    # The quality signal (app.directory.rules.quality_gaps): a public contact, hours, a
    # description of at least 80 characters.
    make_offer(session, title="Incomplète", structure=structure, slots=[], description="")
    make_offer(
        session,
        title="Complète",
        structure=structure,
        contact_phone="04 94 00 00 00",
        description="Une crèche de quartier, un jardin, des horaires larges. " * 2,
    )
    html = client.get("/gestion").get_data(as_text=True)
    bare = row_text(html, f"offre-{_id(session, 'Incomplète')}")
    assert (
        "Pour que les parents la trouvent et vous joignent : Indiquer un téléphone ou un courriel "
        "public Renseigner les horaires d’ouverture Écrire une description (au moins 80 "
        "caractères)" in bare
    )
    assert "Pour que les parents" not in row_text(html, f"offre-{_id(session, 'Complète')}")
