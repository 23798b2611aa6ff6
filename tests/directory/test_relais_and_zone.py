"""Relais petite enfance (RPE) as offers: a parent looking for a childminder is pointed to her
commune's RPE (a childminder's page without public contact, « Demander une place » without
online requests, empty results); the eligibility zone (« Réservé aux habitants de … »): shown,
and the places of a search from a commune outside it come after the others, with a note."""

from __future__ import annotations

from kit.pages import text_of

from app.directory.models import OfferKind
from app.directory.rules import quality_gaps


def relais(offer_factory, **fields):
    values = {
        "title": "Relais petite enfance Toulon centre",
        "kind": OfferKind.RELAIS_PETITE_ENFANCE,
        "address": "2 rue Revel",
        "contact_phone": "04 99 00 22 33",
        "slots": [],
    }
    values.update(fields)
    return offer_factory(**values)


def test_a_childminder_without_public_contact_points_to_the_relais(client, offer_factory):
    rpe = relais(offer_factory)
    nanny = offer_factory(
        title="Assistante maternelle agréée",
        kind=OfferKind.ASSISTANT_MATERNEL,
        contact_public=False,
        contact_phone="06 00 00 00 00",
    )
    page = text_of(client.get(f"/offre/{nanny.id}").get_data(as_text=True))
    assert "Le relais petite enfance" in page
    assert "Relais petite enfance Toulon centre, 2 rue Revel" in page and "04 99 00 22 33" in page
    assert "06 00 00 00 00" not in page
    # The relais's own page does not point to itself.
    assert "Le relais petite enfance connaît" not in text_of(
        client.get(f"/offre/{rpe.id}").get_data(as_text=True)
    )


def test_a_relais_of_a_nearby_commune_when_hers_has_none(client, offer_factory):
    relais(offer_factory, title="RPE Ouest Var", code_insee="83126", address="7 place de la Mairie")
    nanny = offer_factory(kind=OfferKind.ASSISTANT_MATERNEL, contact_public=False)
    assert "RPE Ouest Var" in text_of(client.get(f"/offre/{nanny.id}").get_data(as_text=True))
    far = offer_factory(kind=OfferKind.ASSISTANT_MATERNEL, contact_public=False, code_insee="75056")
    assert "Le relais petite enfance" not in text_of(
        client.get(f"/offre/{far.id}").get_data(as_text=True)
    )


def test_demander_une_place_without_online_requests_points_to_the_relais(client, offer_factory):
    relais(offer_factory)
    mam = offer_factory(title="MAM Les Doudous", kind=OfferKind.MAM, online_requests=False)
    page = text_of(client.get(f"/offre/{mam.id}/demander-une-place").get_data(as_text=True))
    assert "Cette structure ne reçoit pas de demandes en ligne." in page
    assert "Relais petite enfance Toulon centre" in page


def test_empty_results_point_to_the_relais(client, offer_factory, index, session):
    relais(offer_factory)
    index.sync(session)
    page = text_of(client.get("/recherche?lieu=Toulon&type=garde_domicile").get_data(as_text=True))
    assert "Aucune offre ne correspond à tous vos critères." in page
    assert "Relais petite enfance Toulon centre" in page


def test_the_zone_is_shown_and_ranks_outsiders_last(client, offer_factory, index, session):
    reserved = offer_factory(
        title="Crèche Les P’tites Mamans",
        eligible_communes=["83137", "83126"],
        code_insee="83137",
    )
    offer_factory(title="Multi-accueil ouvert à tous", code_insee="83137", offset_km=(1.5, 0))
    index.sync(session)
    page = text_of(client.get(f"/offre/{reserved.id}").get_data(as_text=True))
    assert "Réservé aux habitants de La Seyne-sur-Mer et de Toulon." in page

    # From Toulon: the nearest first, as always.
    toulon = text_of(client.get("/recherche?lieu=Toulon").get_data(as_text=True))
    assert toulon.index("Les P’tites Mamans") < toulon.index("ouvert à tous")
    assert "votre commune n’en fait pas partie" not in toulon
    # From La Valette-du-Var (next door, not in the zone): the reserved crèche comes last.
    valette = text_of(client.get("/recherche?lieu=83144").get_data(as_text=True))
    assert valette.index("ouvert à tous") < valette.index("Les P’tites Mamans")
    assert (
        "Réservé aux habitants de La Seyne-sur-Mer et de Toulon : votre commune n’en fait pas "
        "partie, la structure risque de ne pas pouvoir vous accueillir." in valette
    )


def test_quality_gaps_say_what_to_complete(offer_factory, today):
    bare = offer_factory(contact_public=True, slots=[], description="")
    assert quality_gaps(bare, today) == ["contact", "hours", "description"]
    full = offer_factory(contact_phone="04 94 00 00 00", description="Une crèche de quartier. " * 5)
    assert quality_gaps(full, today) == []


def test_ties_at_one_place_are_ordered_by_quality(client, offer_factory, index, session):
    # Two places imported without coordinates sit at the commune's centre: the complete one first.
    offer_factory(title="Crèche sans rien", slots=[], contact_public=False)
    offer_factory(
        title="Crèche bien renseignée",
        contact_phone="04 94 00 00 00",
        description="Une crèche de quartier, un jardin, des horaires larges. " * 2,
    )
    index.sync(session)
    page = text_of(client.get("/recherche?lieu=Toulon").get_data(as_text=True))
    assert page.index("Crèche bien renseignée") < page.index("Crèche sans rien")
