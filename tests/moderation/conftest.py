"""Fixtures of the coordination tests: a département 83 with its coordinator and a manager,
and a département 13 next door."""

from __future__ import annotations

import pytest
from factories import make_offer

from app.directory.models import Structure, StructureKind


@pytest.fixture
def structure(session):
    structure = Structure(
        name="Association Les Lucioles", kind=StructureKind.ASSOCIATION, departement_code="83"
    )
    session.add(structure)
    session.commit()
    return structure


@pytest.fixture
def offer(session, structure):
    """A crèche in Toulon open 7:00–19:00 on weekdays (12 hours a day)."""
    return make_offer(session, title="Multi-accueil Les Lucioles", structure=structure)


@pytest.fixture
def manager(user_factory, structure):
    return user_factory(
        "gestionnaire",
        "directrice@lucioles.fr",
        departement_code="83",
        structures=[structure],
        full_name="Nadia Benali",
        organisation="Association Les Lucioles",
    )


@pytest.fixture
def coordinator(user_factory):
    return user_factory(
        "coordinateur",
        "coord83@caf.fr",
        departement_code="83",
        full_name="Claire Caf",
        organisation="Caf du Var",
    )


@pytest.fixture
def coordinator13(user_factory):
    return user_factory(
        "coordinateur",
        "coord13@caf.fr",
        departement_code="13",
        full_name="Marc Bouches",
        organisation="Caf des Bouches-du-Rhône",
    )
