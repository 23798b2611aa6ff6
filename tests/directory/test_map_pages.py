"""The results map (« Liste / Carte », vue=carte) and the AVIP coverage map by département."""

from __future__ import annotations

from datetime import date, time

from kit.factories import make_offer
from kit.pages import section, tags, text_of

from app.directory.models import OfferKind, Structure, StructureKind
from app.geo import get_commune
from app.maps.projection import Frame, around
from app.maps.results import SIZE

SEARCH = "/recherche?lieu=Toulon&rayon=10&jours=lu"


def childminder(session):
    """A childminder working at home (her street is private), with usual hours."""
    return make_offer(
        session,
        title="Sophie M., assistante maternelle",
        kind=OfferKind.ASSISTANT_MATERNEL,
        structure=Structure(name="Sophie Martin", kind=StructureKind.PARTICULIER),
        contact_public=False,
        offset_km=(0.337, 0.421),
        slots=[(d, time(8, 30), time(17, 30)) for d in range(5)],
    )


def test_the_switch_keeps_the_criteria_and_the_map_says_how_many_offers(client, session, index):
    make_offer(session, title="Crèche des Mimosas", avip=True)
    make_offer(session, title="Halte du Port", offset_km=(1.0, 1.0), free_places=2)
    page = client.get(SEARCH).get_data(as_text=True)
    carte = tags(page, "a", href="/recherche?lieu=Toulon&rayon=10&jours=lu&vue=carte")
    assert carte and "Liste" in text_of(section(page, "resultats"))
    assert 'id="carte"' not in page  # the list is the primary view

    page = client.get(SEARCH + "&vue=carte").get_data(as_text=True)
    assert "2 offres dans un rayon de 10 km autour de Toulon" in text_of(page)
    assert (
        tags(page, "a", href="/recherche?lieu=Toulon&rayon=10&jours=lu", **{"aria-current": "true"})
        == []
    )
    assert tags(page, "a", href="/recherche?lieu=Toulon&rayon=10&jours=lu")  # back to the list
    assert tags(page, "a", href="#fin-carte")  # the map can be skipped
    links = [a for a in tags(page, "a") if a.get("class") == "map-link"]
    assert sorted(a["aria-label"] for a in links) == [
        "Crèche des Mimosas (Accueil AVIP)",
        "Halte du Port (Places disponibles)",
    ]
    assert "Halte du Port" in text_of(section(page, "resultats"))  # the list stays below
    assert "ADMIN EXPRESS" in page  # attribution of the outlines


def test_the_map_shows_every_matching_offer_not_only_the_page(client, session, index, app):
    for i in range(app.config["PAGE_SIZE"] + 3):
        make_offer(session, title=f"Crèche {i}", offset_km=(i * 0.2, 0), commit=False)
    session.commit()
    page = client.get(SEARCH + "&vue=carte").get_data(as_text=True)
    total = app.config["PAGE_SIZE"] + 3
    assert f"{total} offres dans un rayon" in text_of(page)


def test_a_private_offer_is_drawn_at_its_coarse_point_never_at_the_street(client, session, index):
    sophie = childminder(session)
    page = client.get(SEARCH + "&vue=carte").get_data(as_text=True)
    toulon = get_commune("83137")
    project = around(toulon.latitude, toulon.longitude, 10, Frame(0, 0, SIZE, SIZE))
    coarse = project(round(sophie.longitude, 2), round(sophie.latitude, 2))
    exact = project(sophie.longitude, sophie.latitude)
    assert coarse != exact
    circles = tags(page, "circle", **{"class": "mark mark-other"})
    drawn = [(float(c["cx"]), float(c["cy"])) for c in circles]
    assert coarse in drawn and exact not in drawn


def test_no_map_without_a_place_and_no_500_on_odd_values(client, session, index):
    make_offer(session)
    page = client.get("/recherche?vue=carte")
    assert page.status_code == 200
    assert client.get("/recherche?lieu=Toulon&vue=%00<x>").status_code == 200


def test_the_avip_coverage_map_counts_valid_labels_and_hatches_no_data(client, session, index):
    make_offer(session, title="Crèche AVIP", avip=True)
    make_offer(session, title="Crèche AVIP expirée", avip=True, avip_review_on=date(2020, 1, 1))
    make_offer(session, title="Crèche d'Ajaccio", code_insee="2A004")
    page = client.get("/couverture-avip").get_data(as_text=True)
    table = text_of(section(page, "couverture-tableau"))
    assert "83 Var 1" in table  # the expired label is not counted
    assert "2A Corse-du-Sud 0" in table  # offers, none AVIP: zero
    assert "01 Ain pas de donnée" in table  # no offer published: no data, not zero
    paths = {p["class"] for p in tags(page, "path") if p.get("class", "").startswith("area")}
    assert "area choro-none" in paths
    pattern = tags(page, "pattern", id="pas-de-donnee")
    assert pattern and "style=" not in page.split("<main", 1)[-1]  # CSP: no inline style
    assert "Pas de donnée" in text_of(page) and "ADMIN EXPRESS" in page


def test_the_map_points_in_one_compact_response(client, session, index, app):
    for i in range(app.config["PAGE_SIZE"] + 2):
        make_offer(session, title=f"Crèche {i}", offset_km=(i * 0.2, 0), commit=False)
    sophie = childminder(session)
    response = client.get("/recherche/carte.json?lieu=Toulon&rayon=10")
    assert response.status_code == 200 and "max-age" in response.headers["Cache-Control"]
    data = response.get_json()
    assert len(data["points"]) == app.config["PAGE_SIZE"] + 3  # all, not only the page
    assert data["text"].startswith(f"{app.config['PAGE_SIZE'] + 3} offres dans un rayon de 10")
    point = next(p for p in data["points"] if p[3] == sophie.id)
    assert data["offer_url"].replace("{id}", str(point[3])) == f"/offre/{sophie.id}"
    assert point[:2] == [round(sophie.latitude, 2), round(sophie.longitude, 2)]
    assert point[2:] == ["other", sophie.id, "Sophie M., assistante maternelle"]
    # No place: no points; nonsense: no error.
    assert client.get("/recherche/carte.json").get_json()["points"] == []
    assert client.get("/recherche/carte.json?lieu=%00&rayon=zz").status_code == 200


def test_the_avip_coverage_by_commune_within_a_departement(client, session, index):
    make_offer(session, title="Crèche AVIP", avip=True)
    make_offer(session, title="Crèche AVIP 2", avip=True, offset_km=(1, 1))
    make_offer(session, title="Crèche de Hyères", code_insee="83069")
    make_offer(session, title="Crèche de Lyon", code_insee="69123", avip=True)
    france = client.get("/couverture-avip").get_data(as_text=True)
    assert tags(france, "a", href="/couverture-avip/83")  # the table leads to each département
    page = client.get("/couverture-avip/83").get_data(as_text=True)
    assert "Couverture AVIP par commune : 83 Var" in text_of(page)
    table = text_of(section(page, "couverture-tableau"))
    assert "83137 Toulon 2" in table and "83069 Hyères 0" in table
    assert "151 autres communes sans aucune offre publiée (pas de donnée)" in table
    paths = [p for p in tags(page, "path") if p.get("class", "").startswith("area")]
    assert len(paths) == 153 and {p["class"] for p in paths} >= {"area choro-none"}
    assert "style=" not in page.split("<main", 1)[-1] and "ADMIN EXPRESS" in page
    assert client.get("/couverture-avip/2a").status_code == 200
    assert client.get("/couverture-avip/99").status_code == 404
    assert client.get("/couverture-avip/%00").status_code == 404


def test_a_municipal_arrondissement_counts_in_its_commune(client, session, index):
    make_offer(session, title="Crèche du 3e", code_insee="13203", avip=True)
    make_offer(session, title="Crèche du 8e", code_insee="13208", avip=True)
    table = text_of(
        section(client.get("/couverture-avip/13").get_data(as_text=True), "couverture-tableau")
    )
    assert "13055 Marseille 2" in table


def test_the_commune_outlines_are_served_compressed_and_cached(client):
    response = client.get("/cartes/communes/83.geojson", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "max-age" in response.headers["Cache-Control"] and len(response.data) < 100_000
    features = client.get("/cartes/communes/83.geojson").get_json()["features"]
    assert {"code": "83137", "nom": "Toulon"} in [f["properties"] for f in features]
    assert client.get("/cartes/communes/00.geojson").status_code == 404
    assert client.get("/cartes/communes/..%2F..%2Fx.geojson").status_code == 404
