"""How a parent reaches an offer (app.directory.reach) and what of its address is published:
never a private person's street (a childminder works at home), on the page, the result card,
the API, the open-data export or the search index; the data stays for the back office."""

from __future__ import annotations

from decimal import Decimal

import pytest
from kit.factories import make_offer
from kit.pages import tags, text_of

from app.directory.models import OfferKind, Structure, StructureKind
from app.directory.presenters import estimate_args, search_return
from app.directory.reach import (
    how_to_apply,
    public_place,
    public_point,
    public_street,
    reach,
    street_is_private,
    takes_online_requests,
)
from app.directory.rules import hourly_rate


def childminder(session, **fields):
    """Sophie, a childminder of Toulon, working at home: her contact is private."""
    values = {
        "title": "Sophie M., assistante maternelle",
        "kind": OfferKind.ASSISTANT_MATERNEL,
        "structure": Structure(
            name="Sophie Martin", kind=StructureKind.PARTICULIER, departement_code="83"
        ),
        "address": "12 rue des Lilas",
        "contact_public": False,
        "contact_phone": "06 11 22 33 44",
        "contact_email": "sophie@exemple.fr",
        "cost_info": "4,20 € net de l’heure, plus indemnités d’entretien.",
        "how_to_apply": "Téléphonez pour convenir d’une visite.",
    }
    return make_offer(session, **{**values, **fields})


# ---- rules ---------------------------------------------------------------------------------------


def test_a_private_persons_street_is_never_published(session):
    sophie = childminder(session)
    assert street_is_private(sophie)
    assert public_street(sophie) == ""
    assert public_place(sophie) == "83000 Toulon"
    lat, lon = public_point(sophie)
    assert (lat, lon) == (round(sophie.latitude, 2), round(sophie.longitude, 2))
    assert sophie.address == "12 rue des Lilas"  # kept for the back office


@pytest.mark.parametrize(
    "fields",
    [
        {"contact_public": True},  # a childminder with a public phone still works at home
        {"kind": OfferKind.MAM, "structure": Structure(name="x", kind=StructureKind.PARTICULIER)},
        {"kind": OfferKind.CRECHE_COLLECTIVE, "structure": None},  # private contact
    ],
)
def test_every_kind_of_private_address_is_hidden(session, fields):
    structure = fields.pop("structure", "keep")
    if structure is None:
        fields["structure"] = Structure(name="Crèche", kind=StructureKind.ASSOCIATION)
    elif structure != "keep":
        fields["structure"] = structure
    assert public_street(childminder(session, **fields)) == ""


def test_a_creche_with_a_public_contact_shows_its_street(session):
    creche = make_offer(session, address="5 avenue de la Gare", contact_public=True)
    assert public_place(creche) == "5 avenue de la Gare, 83000 Toulon"
    assert public_point(creche) == (creche.latitude, creche.longitude)


def test_reach_lists_the_ways_in_the_order_a_parent_tries_them(session):
    creche = make_offer(
        session,
        contact_phone="04 94 00 00 00",
        contact_email="accueil@creche.fr",
        website="https://creche.fr",
    )
    kinds = [c.kind for c in reach(creche).channels]
    assert kinds == ["request", "phone", "email", "website"]
    creche.website = "javascript:alert(1)"
    assert "website" not in [c.kind for c in reach(creche).channels]


def test_a_private_contact_is_reached_by_an_online_request_only(session):
    found = reach(childminder(session))
    assert [c.kind for c in found.channels] == ["request"]
    assert found.ask == ""


def test_without_any_channel_the_parent_is_told_whom_to_ask(session):
    sophie = childminder(session, contact_email="")
    found = reach(sophie, "Var")
    assert found.channels == ()
    assert "relais petite enfance (RPE) de Toulon" in found.ask
    avip = make_offer(session, contact_public=False, avip=True)
    assert "coordination AVIP de Var" in reach(avip, "Var").ask
    assert reach(avip).ask_short.startswith("À demander à votre conseiller")


def test_a_structure_may_turn_online_requests_off(session):
    sophie = childminder(session, online_requests=False)
    assert not takes_online_requests(sophie)
    assert not takes_online_requests(make_offer(session, kind=OfferKind.FORMATION))


def test_no_call_me_advice_without_a_public_phone(session):
    sophie = childminder(session)
    assert how_to_apply(sophie, reach(sophie)) == ""
    sophie.contact_public = True
    assert how_to_apply(sophie, reach(sophie)) == "Téléphonez pour convenir d’une visite."


@pytest.mark.parametrize(
    ("cost", "rate"),
    [
        ("4,20 € net de l’heure, plus indemnités", Decimal("4.20")),
        ("4.5 €/h", Decimal("4.5")),
        ("5 euros par heure", Decimal("5")),
        ("12 € par jour", None),
        ("Tarif selon vos revenus", None),
    ],
)
def test_a_childminders_hourly_wage_is_read_from_her_price(session, cost, rate):
    assert hourly_rate(childminder(session, cost_info=cost)) == rate


def test_a_psu_creche_has_no_hourly_price(session):
    assert hourly_rate(make_offer(session, cost_info="4 € de l’heure")) is None


@pytest.mark.parametrize(
    ("retour", "expected"),
    [
        ("/recherche?lieu=Toulon&jours=lu&jours=ma", "/recherche?lieu=Toulon&jours=lu&jours=ma"),
        ("/recherche", "/recherche"),
        ("//evil.example/recherche", ""),
        ("https://evil.example/recherche?lieu=x", ""),
        ("/offre/1", ""),
        ("/recherche/../admin", ""),
        ("/recherche?lieu=a\nb", ""),
        ("/recherche#x", ""),
        ("javascript:alert(1)", ""),
        ("", ""),
    ],
)
def test_only_a_local_search_is_a_way_back(retour, expected):
    assert search_return(retour) == expected


def test_the_referer_is_a_way_back_when_it_is_this_sites_search():
    assert search_return(None, "http://site.fr/recherche?lieu=Toulon", "site.fr") == (
        "/recherche?lieu=Toulon"
    )
    assert search_return(None, "http://other.fr/recherche?lieu=Toulon", "site.fr") == ""
    assert search_return(None, "http://site.fr/offre/2", "site.fr") == ""


def test_the_estimate_is_prefilled_from_the_offer_and_the_search(session):
    args = estimate_args(childminder(session), "/recherche?lieu=Toulon&jours=lu&jours=ma&de=8:00")
    assert (args["mode"], args["prix"]) == ("assistant_maternel", "4,20")
    assert args["lieu"].startswith("Toulon")
    assert (args["jours"], args["de"]) == (["lu", "ma"], "8:00")
    creche = estimate_args(make_offer(session))
    assert creche["mode"] == "creche" and "prix" not in creche  # a PSU price depends on income


# ---- where it shows -----------------------------------------------------------------------------


def test_the_offer_page_shows_the_commune_only_and_how_to_ask(client, session, index):
    sophie = childminder(session)
    page = client.get(f"/offre/{sophie.id}").get_data(as_text=True)
    text = text_of(page)
    assert "rue des Lilas" not in text
    assert "06 11 22 33 44" not in text and "sophie@exemple.fr" not in page
    assert "Téléphonez" not in text
    assert "83000 Toulon" in text
    assert text.index("Pour demander une place") < text.index("Places disponibles")
    assert tags(page, "a", href=f"/offre/{sophie.id}/demander-une-place")


def test_the_offer_page_links_to_a_prefilled_estimate_and_back_to_the_search(
    client, session, index
):
    sophie = childminder(session)
    search = "/recherche?lieu=Toulon&jours=lu&de=8:00&a=17:00"
    page = client.get(f"/offre/{sophie.id}", query_string={"retour": search}).get_data(as_text=True)
    # The same search, its query re-encoded.
    back = tags(page, "a", href="/recherche?lieu=Toulon&jours=lu&de=8%3A00&a=17%3A00")
    assert "Revenir à ma recherche" in page
    [estimate] = [a for a in tags(page, "a") if a.get("href", "").startswith("/estimer-mes-aides?")]
    assert "mode=assistant_maternel&prix=4,20" in estimate["href"]
    assert "jours=lu" in estimate["href"]
    assert back
    hostile = client.get(f"/offre/{sophie.id}", query_string={"retour": "https://evil.example/"})
    assert "evil.example" not in hostile.get_data(as_text=True)


def test_a_result_card_says_how_to_reach_the_offer(client, session, index):
    sophie = childminder(session)
    silent = childminder(session, title="Léa B., assistante maternelle", contact_email="")
    index.sync(session)
    page = client.get("/recherche?lieu=Toulon").get_data(as_text=True)
    assert tags(page, "a", href=f"/offre/{sophie.id}/demander-une-place")
    assert "À demander au relais petite enfance de Toulon" in text_of(page)
    assert "rue des Lilas" not in text_of(page)
    assert silent.id


def test_the_api_and_the_open_data_export_publish_no_private_street(client, session):
    sophie = childminder(session)
    record = client.get(f"/api/v1/offres/{sophie.id}").get_json()
    assert record["adresse"]["adresse"] == ""
    assert record["adresse"]["latitude"] == round(sophie.latitude, 2)
    assert record["contact"] is None
    assert record["comment_candidater"] == ""  # « Téléphonez… » without a public phone
    for kind in ("structures", "services"):
        exported = client.get(f"/api/v1/export/data-inclusion/{kind}.json").get_data(as_text=True)
        assert "rue des Lilas" not in exported
        assert "06 11 22 33 44" not in exported
        assert "Téléphonez" not in exported


def test_the_search_index_does_not_find_a_private_street(client, session, index):
    childminder(session)
    index.sync(session)
    page = client.get("/recherche", query_string={"q": "Lilas"}).get_data(as_text=True)
    assert "Sophie M." not in page


def test_a_distance_does_not_give_a_private_persons_home(session):
    """The search index holds her rounded point: distances and the map go to it, not her door."""
    from app.search.documents import offer_document, to_micro

    sophie = childminder(session, latitude=43.12463, longitude=5.93047)
    document = offer_document(sophie)
    assert (document["lat"], document["lon"]) == (to_micro(43.12), to_micro(5.93))
    creche = make_offer(session, latitude=43.12463, longitude=5.93047)
    assert offer_document(creche)["lat"] == to_micro(43.12463)


def test_a_micro_creche_outside_the_psu_gives_its_hourly_price_to_the_estimate(session):
    offer = make_offer(session, kind=OfferKind.MICRO_CRECHE, cost_info="9,50 € de l’heure")
    args = estimate_args(offer)
    assert (args["mode"], args["prix"]) == ("micro_creche", "9,50")


def test_training_has_no_estimate_mode(session):
    assert "mode" not in estimate_args(make_offer(session, kind=OfferKind.FORMATION))
