"""The « Territoires » pages: what a visitor reads, the downloads, the cache, the search's
counters and its « no AVIP offer here » notice."""

from __future__ import annotations

import csv
import io

from kit.factories import make_offer, make_user
from kit.pages import section, text_of
from sqlalchemy import select

from app.territories.models import UnmetNeed


def _norm(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def test_france_page_shows_milestones_table_map_and_departements_without_avip(client, session):
    make_offer(session, title="Crèche AVIP", avip=True, avip_places=4)
    make_offer(session, title="Crèche de Marseille", code_insee="13055")
    page = _norm(client.get("/territoires").get_data(as_text=True))
    assert "259 crèches" in text_of(page) and "714 crèches" in text_of(page)
    assert "Aujourd’hui dans Passerelle" in page
    table = text_of(section(page, "tableau-departements"))
    assert "83 Var 1 1 4" in table  # offers, AVIP, reserved places
    assert "13 Bouches-du-Rhône sans AVIP 1 0 0" in table
    assert "100 départements sans offre AVIP" in text_of(page)
    assert 'href="/territoires/definitions#avip_places"' in page
    assert "<svg" in page and "choro-" in page


def test_the_downloads_say_the_same_figures_dated(client, session, today):
    make_offer(session, title="Crèche AVIP", avip=True, avip_places=4)
    response = client.get("/territoires.csv")
    assert (
        response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    )
    rows = list(
        csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    var = next(r for r in rows if r["code"] == "83")
    assert (var["date"], var["offers"], var["avip_offers"], var["avip_places"]) == (
        today.isoformat(),
        "1",
        "1",
        "4",
    )
    data = client.get("/territoires.json").get_json()
    assert data["date"] == today.isoformat() and data["definitions"].endswith(
        "/territoires/definitions"
    )
    assert next(r for r in data["lignes"] if r["code"] == "83")["avip_places"] == 4
    assert [j["creches"] for j in data["jalons"]["jalons"]] == [259, 714]
    assert {"code": "13", "nom": "Bouches-du-Rhône"} in data["departements_sans_avip"]
    commune_csv = client.get("/territoires/83/donnees.csv").get_data(as_text=True)
    assert "83137;Toulon;1;1;4" in commune_csv
    communes = client.get("/territoires/83/donnees.json").get_json()
    assert communes["niveau"] == "commune" and communes["lignes"][0]["name"] == "Toulon"
    assert client.get("/territoires/00/donnees.json").status_code == 404


def test_the_figures_are_cached_and_follow_a_change(client, session):
    offer = make_offer(session, title="Crèche", avip=False)
    assert "83 Var sans AVIP 1 0" in text_of(
        section(_norm(client.get("/territoires").get_data(as_text=True)), "tableau-departements")
    )
    offer.avip = True
    offer.avip_places = 2
    session.commit()
    assert "83 Var 1 1 2" in text_of(
        section(_norm(client.get("/territoires").get_data(as_text=True)), "tableau-departements")
    )


def test_departement_page_by_commune_with_contact_and_unpublished_small_figures(client, session):
    make_offer(session, title="Crèche de Toulon")
    make_offer(session, title="Crèche d’Hyères", code_insee="83069")
    make_user(session, "coordinateur", "coordination@caf83.example.org", organisation="Caf du Var")
    page = _norm(client.get("/territoires/83").get_data(as_text=True))
    text = text_of(page)
    assert "Aucune offre AVIP dans ce département" in text
    assert "Caf du Var : coordination@caf83.example.org" in text
    communes = text_of(section(page, "tableau-communes"))
    assert communes.index("Hyères 1") < communes.index("Toulon 1")
    assert "non publié : moins de 5 orientations avec réponse" in text
    assert "Aucun fichier de taux de couverture" in text
    carte = text_of(section(page, "carte-communes-tableau"))
    assert "Toulon 0" in carte and "Hyères 0" in carte  # the commune choropleth's own table
    assert client.get("/territoires/99").status_code == 404
    assert client.get("/territoires/2a").status_code == 404  # the code as written: 2A


def test_definitions_page_has_an_anchor_per_figure(client):
    page = client.get("/territoires/definitions").get_data(as_text=True)
    for key in (
        "offers",
        "avip_offers",
        "early",
        "night",
        "ephemeral",
        "free_offers",
        "unmet",
        "coverage",
        "response",
        "acceptance",
        "outcomes",
        "milestones",
    ):
        assert f'id="{key}"' in page


def test_a_search_counts_its_need_and_says_when_the_departement_has_no_avip(
    client, session, index, today
):
    make_offer(session, title="Crèche de Toulon")
    make_user(session, "coordinateur", "coordination@caf83.example.org", organisation="Caf du Var")
    index.sync(session)
    response = client.get("/recherche?lieu=Toulon&avip=1&jours=lu&de=05:30&a=09:00")
    text = _norm(text_of(response.get_data(as_text=True)))
    response.close()
    assert "Aucune offre AVIP dans le département Var (83)" in text
    assert "Caf du Var (coordination@caf83.example.org)" in text
    client.get("/recherche?lieu=Toulon").close()
    client.get("/recherche?lieu=Toulon&page=2").close()  # another page: the same search
    session.expire_all()
    rows = session.execute(
        select(
            UnmetNeed.code_insee,
            UnmetNeed.hours_band,
            UnmetNeed.avip,
            UnmetNeed.searches,
            UnmetNeed.unmet,
        ).order_by(UnmetNeed.id)
    ).all()
    assert rows == [("83137", "tot", True, 1, 1), ("83137", "", False, 1, 0)]
    page = _norm(client.get("/territoires/83").get_data(as_text=True))
    assert "Toulon Tôt le matin Âge non précisé oui 1 1" in text_of(
        section(page, "besoins").split("</section>")[0]
    )
