"""Courses of the directory for the careers tests: a CAP AEPE in Toulon (CPF and OPCO, VAE,
a session in two months), a DEEJE in La Seyne (Région, session in a year and a half) and a
titre assistant maternel in Hyères with no session."""

from __future__ import annotations

from datetime import timedelta

import pytest
from kit.factories import make_offer

from app.directory.models import (
    Certification,
    Modality,
    OfferKind,
    Training,
    TrainingSession,
)


def make_course(session, title, certification, code_insee, funding, vae, starts, today):
    offer = make_offer(
        session, title=title, kind=OfferKind.FORMATION, code_insee=code_insee, commit=False
    )
    offer.training = Training(
        certification=certification,
        modality=Modality.PRESENTIEL,
        funding=funding,
        vae_possible=vae,
        sessions=[TrainingSession(start=today + timedelta(days=d)) for d in starts],
    )
    session.commit()
    return offer


@pytest.fixture
def courses(session, index, today):
    made = {
        "cap": make_course(
            session,
            "CAP AEPE en un an",
            Certification.CAP_AEPE,
            "83137",
            ["cpf", "opco"],
            True,
            [-30, 60],
            today,
        ),
        "deeje": make_course(
            session,
            "DEEJE Institut du Var",
            Certification.DEEJE,
            "83126",
            ["region"],
            False,
            [540],
            today,
        ),
        "titre": make_course(
            session,
            "Titre assistant maternel",
            Certification.TP_ASSISTANT_MATERNEL,
            "83069",
            ["france_travail"],
            True,
            [],
            today,
        ),
    }
    index.sync(session)
    return made
