"""The demo data set: deterministic, labelled, spread by population, every kind present."""

from collections import Counter
from datetime import date

from sqlalchemy import func, select

from app.directory.demo import PARCOURSUP_SOURCE, generate_demo
from app.directory.models import Offer, OfferKind, Training


def summary(session):
    rows = session.execute(select(Offer.title, Offer.code_insee).order_by(Offer.id)).all()
    return [tuple(r) for r in rows]


def test_same_seed_gives_the_same_data(app, session, tmp_path):
    generate_demo(session, offers=200, seed=7, today=date(2026, 11, 21), include_real=False)
    first = summary(session)
    from sqlalchemy.orm import Session

    from app import migrate
    from app.db import make_engine

    url = f"sqlite:///{tmp_path / 'other.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as other:
        generate_demo(other, offers=200, seed=7, today=date(2026, 11, 21), include_real=False)
        assert summary(other) == first
    engine.dispose()


def test_demo_covers_every_kind_and_is_labelled(session):
    report = generate_demo(session, offers=600, seed=1, today=date(2026, 11, 21))
    assert report.offers == 600 and report.real_courses == 63
    kinds = Counter(session.execute(select(Offer.kind)).scalars())
    # Relais petite enfance are not invented: they come from a real list (INSEE's BPE import).
    assert set(kinds) == set(OfferKind) - {OfferKind.RELAIS_PETITE_ENFANCE}
    demo = session.scalar(select(func.count()).where(Offer.is_demo.is_(True)))
    assert demo == 600
    real = session.execute(select(Offer).where(Offer.source == PARCOURSUP_SOURCE)).scalars().all()
    assert len(real) == 63 and not any(o.is_demo for o in real)
    assert all(o.training.certification.value == "deeje" for o in real)
    assert session.scalar(select(func.count()).where(Offer.avip.is_(True))) > 0
    assert session.scalar(select(func.count()).where(Offer.free_places == 0)) > 0
    assert session.scalar(select(func.count(Training.offer_id))) > 63


def test_offers_follow_population(session):
    generate_demo(session, offers=3000, seed=3, today=date(2026, 11, 21), include_real=False)
    by_departement = Counter(session.execute(select(Offer.departement_code)).scalars())
    # Nord (2.6 M inhabitants) gets far more offers than Lozère (76,000).
    assert by_departement["59"] > 10 * max(1, by_departement["48"])
    paris = by_departement["75"]
    assert 40 < paris < 140  # about 3 % of the population
