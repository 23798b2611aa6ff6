"""Fixtures of the referral tests: the shared cast (tests/conftest.py) with a crèche that has a
contact address, free places and an age range; a prescripteur of France Travail, and the people
who must see nothing: another prescripteur, the manager of another structure (the coordinator
of the 13 is shared)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from kit.factories import Cast, make_offer, make_structure


@pytest.fixture
def cast() -> Cast:
    """Open 7:00–19:00 on weekdays, 4 free places, children from 10 weeks to 3 years."""
    return Cast(
        offer={
            "free_places": 4,
            "age_min_months": 2,
            "age_max_months": 36,
            "contact_email": "accueil@lucioles.fr",
        }
    )


@pytest.fixture
def prescriber(user_factory):
    return user_factory(
        "prescripteur",
        "conseiller@francetravail.fr",
        full_name="Karim Diallo",
        organisation="France Travail Toulon",
    )


@pytest.fixture
def other_prescriber(user_factory):
    return user_factory(
        "prescripteur",
        "autre@mission-locale.fr",
        full_name="Léa Roux",
        organisation="Mission locale",
    )


@pytest.fixture
def other_manager(session, user_factory):
    other = make_structure(session, "Crèche Les Pins")
    make_offer(session, title="Crèche Les Pins", structure=other, contact_email="pins@exemple.fr")
    return user_factory(
        "gestionnaire", "pins@exemple.fr", structures=[other], full_name="Paul Pins"
    )


def next_monday() -> date:
    today = date.today()
    return today + timedelta(days=7 - today.weekday())


@pytest.fixture
def parent_form() -> dict:
    """What a prescripteur types for a parent: Monday–Friday, 8:00–17:30, a 2-year-old."""
    return {
        "prenom": "Amina",
        "initiale": "K",
        "telephone": "06 12 34 56 78",
        "courriel": "amina.k@exemple.fr",
        "enfants": "2 ans",
        "debut": next_monday().isoformat(),
        "jours": ["lu", "ma", "me", "je", "ve"],
        "de": "8:00",
        "a": "17:30",
        "motif": "emploi",
        "identifiant_ft": "1234567A",
        "message": "Reprise d’un CDD de six mois en logistique.",
        "accord": "y",
    }
