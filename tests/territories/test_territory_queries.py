"""One test per figure of the « Territoires » pages, on a small known data set: four offers
in the Var (Toulon ×3, Hyères), one in the Bouches-du-Rhône, and what must not count."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta

import pytest
from kit.factories import make_offer, make_referral, make_user
from sqlalchemy import select

from app.directory import hours
from app.directory.models import OfferKind, OfferStatus, OpeningSlot
from app.directory.rules import atypical_slot_clauses
from app.referrals.models import ReferralStatus
from app.territories import queries, services
from app.territories.models import CoverageRate, OutcomeCount
from app.territories.needs import SearchNeed, record

TODAY = date(2026, 12, 5)
WEEKDAYS = [(d, time(8), time(18)) for d in range(5)]


@pytest.fixture
def var(session):
    """The Var's offers: what each figure counts is in its title."""
    make_offer(
        session,
        title="AVIP tôt, 3 places réservées, 2 places libres ce mois",
        avip=True,
        avip_places=3,
        free_places=2,
        free_places_on=TODAY - timedelta(days=10),
        slots=[(d, time(6, 30), time(18)) for d in range(5)],
    )
    make_offer(
        session,
        title="AVIP le soir et le samedi, 2 places réservées",
        avip=True,
        avip_places=2,
        slots=[*WEEKDAYS, (0, time(17), time(20)), (5, time(9), time(12))],
        free_places=4,
        free_places_on=TODAY - timedelta(days=40),  # declared too long ago
    )
    make_offer(
        session,
        title="Nuit du vendredi (vendredi 21 h – samedi 6 h)",
        slots=[(4, time(21), time(6))],
    )
    make_offer(
        session,
        title="Accueil éphémère à Hyères",
        kind=OfferKind.ACCUEIL_EPHEMERE,
        code_insee="83069",
        slots=WEEKDAYS,
    )
    # Not counted: an expired AVIP label, an ephemeral offer past its end, a draft, a training.
    make_offer(
        session, title="AVIP échu", avip=True, avip_places=9, avip_review_on=date(2026, 1, 1)
    )
    make_offer(session, title="Passée", valid_until=TODAY - timedelta(days=1))
    make_offer(session, title="Brouillon", status=OfferStatus.DRAFT, avip=True)
    make_offer(session, title="Formation", kind=OfferKind.FORMATION)
    make_offer(session, title="Marseille", code_insee="13055", slots=[(6, time(9), time(12))])


def _row(table, code):
    return next(r for r in table.rows if r.code == code)


def test_avip_offers_and_reserved_places_by_departement(session, var):
    table = queries.departement_table(session, TODAY)
    var83 = _row(table, "83")
    assert (var83.offers, var83.avip_offers, var83.avip_places) == (5, 2, 5)
    assert table.on == TODAY and len(table.rows) == 101


def test_atypical_hours_by_departement(session, var):
    var83 = _row(queries.departement_table(session, TODAY), "83")
    # early: 6 h 30, the night's tail, the expired label's 7 h (the offer still counts);
    # late: 20 h and the night (19 h is not after 19 h); night: the night;
    # weekend: Saturday morning and the night's Saturday tail.
    assert (var83.early, var83.late, var83.night, var83.weekend) == (3, 2, 1, 2)
    assert _row(queries.departement_table(session, TODAY), "13").weekend == 1


def test_ephemeral_offers_by_departement(session, var):
    assert _row(queries.departement_table(session, TODAY), "83").ephemeral == 1


def test_free_places_declared_in_the_last_month(session, var):
    var83 = _row(queries.departement_table(session, TODAY), "83")
    assert (var83.free_offers, var83.free_places) == (1, 2)


def test_departements_with_no_avip_offer(session, var):
    table = queries.departement_table(session, TODAY)
    without = {r.code for r in table.without_avip}
    assert "83" not in without and {"13", "01", "976"} <= without
    assert len(without) == 100


def test_figures_by_commune(session, var):
    table = queries.commune_table(session, "83", TODAY)
    assert [(r.code, r.name, r.offers, r.avip_offers) for r in table.rows] == [
        ("83069", "Hyères", 1, 0),
        ("83137", "Toulon", 4, 2),
    ]
    assert table.total.offers == 5 and table.level == "commune"


def test_the_protocols_milestones_are_dated_with_their_source(session, var):
    m = queries.milestones()
    assert [(x.on, x.creches, x.departements) for x in m.items] == [
        (date(2021, 6, 30), 259, 32),
        (date(2022, 12, 31), 714, 72),
    ]
    assert "Protocole" in m.source and "un quart des départements" in m.note
    today = queries.today_against_milestones(queries.departement_table(session, TODAY))
    assert (today.avip_offers, today.departements, today.departements_total) == (2, 1, 101)


def test_unmet_needs_by_commune_and_kind_of_need(session):
    toulon = SearchNeed("83137", "83", "nuit", "1-3", True, found=False)
    for need in (toulon, toulon, SearchNeed("83137", "83", "nuit", "1-3", True, found=True)):
        record(session, need, TODAY)
    record(session, SearchNeed("83069", "83", "", "", False, found=True), TODAY)
    record(session, SearchNeed("83137", "83", "nuit", "1-3", True, False), date(2026, 6, 1))
    session.commit()
    rows = queries.unmet_needs(session, "83", "2026-10")
    assert [(r.name, r.hours_band, r.age_band, r.avip, r.searches, r.unmet) for r in rows] == [
        ("Toulon", "nuit", "1-3", True, 3, 2)  # June is too old; Hyères found something
    ]


def test_coverage_rates_of_a_departement(session):
    session.add_all(
        [
            CoverageRate(
                level="commune",
                code="83137",
                name="Toulon",
                departement_code="83",
                year=2022,
                rate=48.5,
            ),
            CoverageRate(
                level="departement",
                code="83",
                name="Var",
                departement_code="83",
                year=2022,
                rate=55.1,
            ),
        ]
    )
    session.commit()
    rows = queries.coverage_rates(session, "83")
    assert [(r.level, r.name, str(r.rate)) for r in rows] == [
        ("departement", "Var", "55.1"),
        ("commune", "Toulon", "48.5"),
    ]


def test_outcomes_public_only_from_five_answers(session):
    for outcome, n in (("emploi", 3), ("formation", 1), ("inconnu", 1)):
        session.add(
            OutcomeCount(
                departement_code="83",
                offer_kind="creche_collective",
                months=3,
                outcome=outcome,
                answers=n,
            )
        )
    session.add(
        OutcomeCount(departement_code="83", offer_kind="mam", months=6, outcome="emploi", answers=4)
    )
    session.commit()
    rows = services.public_outcomes(session, "83")
    assert [(r.offer_kind, r.months, r.answers) for r in rows] == [
        ("creche_collective", 3, 5),
        ("mam", 6, 4),
    ]
    assert rows[0].shares == {"emploi": 0.6, "formation": 0.2, "inconnu": 0.2}
    assert rows[1].shares is None  # 4 answers: not published


def test_response_time_and_acceptance_public_only_from_five(session):
    offer = make_offer(session)
    prescriber = make_user(session, "prescripteur")
    now = datetime(2026, 12, 5, 12)
    for _ in range(4):
        make_referral(
            session,
            offer,
            prescriber,
            sent_at=now - timedelta(days=10),
            first_answer_at=now - timedelta(days=9),
            status=ReferralStatus.ACCEPTED,
        )
    figures = services.public_response(session, "83", now)
    assert (figures.answered, figures.median_hours, figures.acceptance_rate) == (4, None, None)
    make_referral(
        session,
        offer,
        prescriber,
        sent_at=now - timedelta(days=10),
        first_answer_at=now - timedelta(days=8),
        status=ReferralStatus.REFUSED,
    )
    figures = services.public_response(session, "83", now)  # the new referral bumps the cache
    assert figures.median_hours == 24 and figures.acceptance_rate == 0.8


SAMPLE_TIMES = [
    time(h, m)
    for h, m in (
        (0, 0),
        (4, 30),
        (5, 0),
        (7, 0),
        (7, 30),
        (12, 0),
        (19, 0),
        (19, 30),
        (22, 0),
        (23, 0),
    )
]


def test_the_sql_atypical_flags_agree_with_the_hours_rule(session):
    """:func:`atypical_slot_clauses` is :func:`hours.summarize` in SQL, slot by slot."""
    offer = make_offer(session, slots=[])
    cases = []
    for weekday, opens, closes in itertools.product((0, 4, 5, 6), SAMPLE_TIMES, SAMPLE_TIMES):
        if opens == closes and opens != time(0):
            continue
        cases.append((weekday, opens, closes))
    session.add_all(
        OpeningSlot(offer_id=offer.id, weekday=d, opens=o, closes=c) for d, o, c in cases
    )
    session.commit()
    clauses = atypical_slot_clauses()
    query = select(OpeningSlot.weekday, OpeningSlot.opens, OpeningSlot.closes, *clauses.values())
    for weekday, opens, closes, *flags in session.execute(query):
        summary = hours.summarize([hours.Slot(weekday, opens, closes)])
        expected = [getattr(summary, name) for name in clauses]
        assert [bool(f) for f in flags] == expected, (weekday, opens, closes)
