"""The pages a parent or a professional sees: search (full page and htmx fragment), offer,
errors."""

import re
from datetime import date, time, timedelta

import pytest
from kit.factories import make_offer

from app.directory.models import (
    Certification,
    Closure,
    Funding,
    Modality,
    OfferKind,
    OfferStatus,
    Training,
    TrainingSession,
)

WEEKDAYS = "&".join(f"jours={d}" for d in ("lu", "ma", "me", "je", "ve"))


def text_of(response) -> str:
    html = response if isinstance(response, str) else response.get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture
def toulon(session, index):
    """The Toulon mother's search: care from 5:30, Mon–Fri, within 10 km, ideally AVIP."""
    offers = {
        "avip": make_offer(
            session,
            title="Multi-accueil Les Lucioles",
            avip=True,
            avip_places=4,
            free_places=2,
            free_places_on=date(2026, 11, 2),
            slots=[(d, time(5, 30), time(21, 0)) for d in range(5)],
            offset_km=(1.0, 0.0),
        ),
        "usual": make_offer(
            session,
            title="Crèche Les Petits Pas",
            offset_km=(3.0, 0.0),
            slots=[(d, time(7, 30), time(18, 30)) for d in range(5)],
        ),
        "far": make_offer(
            session,
            title="Crèche du Var lointain",
            offset_km=(25.0, 0.0),
            slots=[(d, time(5, 0), time(22, 0)) for d in range(5)],
        ),
        "micro": make_offer(
            session,
            title="Micro-crèche Pirouette",
            kind=OfferKind.MICRO_CRECHE,
            offset_km=(0.0, 2.0),
            free_places=0,
        ),
    }
    index.sync(session)
    return offers


def test_home_page_offers_both_audiences(client):
    page = text_of(client.get("/"))
    assert "Trouver un mode de garde" in page
    assert "Pour les professionnels de l’insertion" in page


def test_toulon_mother_finds_the_avip_creche_opening_at_half_past_five(client, toulon):
    response = client.get(f"/recherche?lieu=Toulon&rayon=10&{WEEKDAYS}&de=5:30&a=19:00")
    assert response.status_code == 200
    page = text_of(response)
    assert "1 résultat à moins de 10 km de Toulon" in page
    assert "Multi-accueil Les Lucioles" in page
    assert "AVIP" in page and "2 places au 02/11" in page
    # The card says how the offer meets the need, and what « atypical » means here (issue 14).
    assert "Couvre vos horaires lun–ven 5:30–19:00" in page
    assert "Horaires atypiques : dès 5 h 30, jusqu’à 21 h 00" in page
    assert "1,0 km" in page
    assert "Crèche Les Petits Pas" not in page  # opens at 7:30
    assert "Crèche du Var lointain" not in page  # 25 km away


def test_results_are_sorted_by_distance_with_badges(client, toulon):
    page = text_of(client.get("/recherche?lieu=83000"))
    order = [page.index(t) for t in ("Les Lucioles", "Pirouette", "Les Petits Pas")]
    assert order == sorted(order)
    assert "Complet" in page
    assert "Var lointain" not in page


def test_htmx_fragment_equals_the_results_region_of_the_full_page(client, htmx_client, toulon):
    url = f"/recherche?lieu=Toulon&{WEEKDAYS}&de=5:30&a=19:00"
    full = client.get(url).get_data(as_text=True)
    fragment_response = htmx_client.get(url)
    fragment = fragment_response.get_data(as_text=True)
    assert "<html" not in fragment and "<html" in full
    assert "HX-Request" in fragment_response.headers["Vary"]
    region = re.search(r'<section id="resultats".*?</section>', full, re.S).group(0)
    assert re.search(r'<section id="resultats".*?</section>', fragment, re.S).group(0) == region
    assert 'id="annonce"' in fragment and 'hx-swap-oob="true"' in fragment


def test_url_holds_the_whole_search_and_pagination_uses_plain_links(client, session, index):
    for i in range(12):
        make_offer(
            session,
            title=f"Assistante maternelle {i}",
            kind=OfferKind.ASSISTANT_MATERNEL,
            offset_km=(0.1 * i, 0.0),
            commit=False,
        )
    session.commit()
    index.sync(session)
    page1 = client.get("/recherche?lieu=Toulon&type=assistant_maternel").get_data(as_text=True)
    assert "12 résultats" in text_of(page1)
    assert 'href="/recherche?lieu=Toulon&amp;type=assistant_maternel&amp;page=2"' in page1
    page3 = text_of(client.get("/recherche?lieu=Toulon&type=assistant_maternel&page=3"))
    assert "Assistante maternelle 10" in page3 and "Assistante maternelle 11" in page3
    assert "Assistante maternelle 0 " not in page3


def test_no_result_proposes_what_to_widen(client, toulon):
    page = client.get(
        f"/recherche?lieu=Toulon&rayon=2&type=micro_creche&places=1&{WEEKDAYS}&de=4:00&a=23:00"
    )
    html = page.get_data(as_text=True)
    assert "Aucun résultat" in html
    assert "Chercher dans un rayon de 5" in html
    assert "Retirer le filtre d’horaires" in html
    assert "Afficher tous les types de garde" in html
    assert "Afficher aussi les offres sans place annoncée" in html


def test_ambiguous_place_gives_a_suggestion_list(client, toulon):
    response = client.get("/recherche?lieu=Sainte-Colombe&type=mam")
    assert response.status_code == 200
    page = text_of(response)
    assert "Précisez le lieu" in page
    assert "Sainte-Colombe (89 – Yonne)" in page
    html = response.get_data(as_text=True)
    assert "type=mam" in html  # the rest of the search is kept in every suggestion link


def test_unknown_place_is_not_an_error_page(client, toulon):
    response = client.get("/recherche?lieu=Zzyzxville")
    assert response.status_code == 200
    assert "Nous ne trouvons pas la commune « Zzyzxville »" in text_of(response)


@pytest.mark.parametrize(
    "query, message",
    [
        ("rayon=7", "Choisissez un rayon parmi 1, 2, 3, 5, 10, 20 ou 30 km."),
        ("type=piscine", "Type de garde inconnu : piscine."),
        ("jours=lu&de=25:00&a=19:00", "Heure invalide : « 25:00 »."),
        ("jours=lu&de=5:30", "Indiquez aussi cette heure"),
        ("de=5:30&a=19:00", "Cochez au moins un jour"),
        ("page=0", "Numéro de page invalide"),
        ("page=abc", "Numéro de page invalide"),
        ("jours=xx&de=5:30&a=6:00", "Jour inconnu : xx."),
        ("age=999", "Choisissez un âge dans la liste."),
        ("q=" + "x" * 300, "Les mots-clés sont trop longs"),
    ],
)
def test_bad_input_gets_a_french_message_and_keeps_the_rest(client, toulon, query, message):
    response = client.get(f"/recherche?lieu=Toulon&avip=1&{query}")
    assert response.status_code == 200
    page = text_of(response)
    assert message in page
    assert page.index("à corriger") < page.index("Commune ou code postal")  # summary on top
    html = response.get_data(as_text=True)
    assert 'value="Toulon"' in html and 'id="champ-avip" name="avip" value="1" checked' in html
    assert "Multi-accueil Les Lucioles" in page  # the valid criteria still apply


def test_htmx_fragment_updates_field_errors_and_summary_out_of_band(htmx_client, toulon):
    html = htmx_client.get("/recherche?lieu=Toulon&rayon=7").get_data(as_text=True)
    assert (
        '<p class="field-error" id="erreur-rayon" hx-swap-oob="true"><span>Choisissez un rayon'
        in html
    )
    assert '<div id="resume-erreurs" hx-swap-oob="true">' in html
    assert "1 critère à corriger" in text_of(html)
    assert "Multi-accueil Les Lucioles" in html  # searched with the default radius


def test_typed_hours_are_kept_when_invalid(client, toulon):
    html = client.get("/recherche?lieu=Toulon&jours=lu&de=5h99&a=19:00").get_data(as_text=True)
    assert 'value="5h99"' in html and 'aria-invalid="true"' in html


@pytest.mark.parametrize(
    "query",
    [
        "lieu=%00%ff",
        "lieu=' OR 1=1 --",
        "q=<script>alert(1)</script>",
        "rayon=&type=&jours=&de=&a=",
        "lieu=" + "é" * 500,
        "page=99999999999999999999",
        "q=%E2%80%AE%F0%9F%91%B6",
        "tri=hack",
        "code_insee=ABCDE",
    ],
)
def test_no_input_gives_a_500(client, toulon, query):
    response = client.get(f"/recherche?{query}")
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_offer_page_shows_everything_a_parent_needs(client, session, index, toulon):
    offer = toulon["avip"]
    offer.closures = [
        Closure(start=date(2026, 12, 24), end=date(2026, 12, 31), reason="Fermeture annuelle")
    ]
    offer.contact_phone = "01 99 00 12 34"
    offer.how_to_apply = "Demandez à votre conseiller France Travail."
    session.commit()
    index.sync(session)
    page = text_of(client.get(f"/offre/{offer.id}"))
    assert "Multi-accueil Les Lucioles" in page
    assert "Lundi 5 h 30 – 21 h 00" in page and "Samedi Fermé" in page
    assert "2 (au 2 novembre 2026)" in page
    assert "4 places réservées" in page
    assert "Du 24 décembre 2026 au 31 décembre 2026 : Fermeture annuelle" in page
    assert "01 99 00 12 34" in page
    assert "Demandez à votre conseiller France Travail." in page
    assert "Autres modes de garde à proximité" in page and "Micro-crèche Pirouette" in page


def test_private_contact_is_not_shown(client, session, index):
    offer = make_offer(session, contact_phone="01 99 00 55 55", contact_public=False)
    page = text_of(client.get(f"/offre/{offer.id}"))
    assert "01 99 00 55 55" not in page
    # No public contact, no email for online requests: whom to ask instead (app.directory.reach).
    assert "Demandez au relais petite enfance (RPE) de Toulon" in page


def test_training_page_shows_sessions_and_funding(client, session, index):
    start = date.today() + timedelta(days=30)
    offer = make_offer(
        session,
        title="CAP Accompagnant éducatif petite enfance",
        kind=OfferKind.FORMATION,
        code_insee="67482",
        slots=[],
        commit=False,
    )
    offer.training = Training(
        certification=Certification.CAP_AEPE,
        rncp_code="RNCP38565",
        level=3,
        hours=560,
        modality=Modality.ALTERNANCE,
        funding=[Funding.CPF.value, Funding.FRANCE_TRAVAIL.value],
        vae_possible=True,
        open_to_iae=True,
        sessions=[TrainingSession(start=start, end=start + timedelta(days=200), places=15)],
    )
    session.commit()
    index.sync(session)
    page = text_of(client.get(f"/offre/{offer.id}"))
    assert "RNCP38565" in page and "560 heures" in page and "En alternance" in page
    assert "Compte personnel de formation (CPF)" in page
    assert "15 places" in page
    results = text_of(client.get("/recherche?lieu=Strasbourg&type=formation&q=AEPE"))
    assert "1 résultat" in results and "CAP Accompagnant éducatif petite enfance" in results


def test_unpublished_or_missing_offer_is_a_french_404(client, session):
    draft = make_offer(session, status=OfferStatus.DRAFT)
    for url in (f"/offre/{draft.id}", "/offre/999999", "/nimporte-quoi"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Page introuvable" in text_of(response)


def test_demo_offers_are_labelled(client, session, index):
    offer = make_offer(session, is_demo=True)
    index.sync(session)
    assert "données de démonstration" in text_of(client.get(f"/offre/{offer.id}"))
    assert "données de démonstration" in text_of(client.get("/recherche?lieu=Toulon"))


def test_place_autocomplete_returns_a_datalist_and_json(client):
    html = client.get("/lieux?lieu=evry").get_data(as_text=True)
    assert '<option value="Évry-Courcouronnes (91 – Essonne)">' in html
    data = client.get("/lieux?lieu=83000", headers={"Accept": "application/json"}).get_json()
    assert data[0]["nom"] == "Toulon" and data[0]["departement"] == "83"


def test_security_headers_on_pages(client):
    response = client.get("/recherche")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_place_names_are_elided_the_french_way(client, session, index):
    offer = make_offer(session, title="Crèche d’Avion", code_insee="62065")
    index.sync(session)
    assert "1 résultat à moins de 10 km d’Avion" in text_of(client.get("/recherche?lieu=Avion"))
    html = client.get(f"/offre/{offer.id}").get_data(as_text=True)
    assert "Autres offres autour d’Avion" in html
    assert "lieu=Avion+(62+%E2%80%93+Pas-de-Calais)" in html  # unambiguous link back
