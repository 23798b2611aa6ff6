"""The job exchange's rules, each with its source (app/jobs/data/parameters.json): reminders
and closing of stale needs, proposals' reminders and expiry (the referrals' shared machinery),
the « en difficulté de recrutement » rule, the public threshold, the ROME mapping and the BMO
file."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app.core import followup
from app.jobs import bmo, rome, rules
from app.jobs.models import NeedStatus, ProposalStatus, Side

NOW = datetime(2026, 12, 5, 9, 0)
DATA = Path(__file__).parent / "data"


def test_a_need_is_reminded_after_50_days_and_closed_at_60_only_after_the_reminder():
    updated = NOW - timedelta(days=50)
    assert rules.need_reminder_due(NeedStatus.OPEN, updated, None, NOW)
    assert not rules.need_reminder_due(NeedStatus.OPEN, updated + timedelta(hours=1), None, NOW)
    assert not rules.need_closing_due(NeedStatus.OPEN, NOW - timedelta(days=70), None, NOW)
    reminded = NOW - timedelta(days=10)
    assert rules.need_closing_due(NeedStatus.OPEN, NOW - timedelta(days=60), reminded, NOW)
    # Updated after the reminder: the clock starts again, nothing is due.
    fresh = NOW - timedelta(days=5)
    assert not rules.need_closing_due(NeedStatus.OPEN, fresh, reminded, NOW)
    assert not rules.need_reminder_due(NeedStatus.CLOSED, updated, None, NOW)


def test_proposals_follow_the_referrals_rhythm_from_the_shared_machinery():
    sent = NOW - timedelta(days=7, minutes=1)
    assert rules.PROPOSAL_REMINDER_DAYS == (3, 7) and rules.PROPOSAL_EXPIRY_DAYS == 30
    assert rules.proposal_reminder_due(ProposalStatus.SENT, sent, 0, NOW) == 2  # not 1 late
    assert rules.proposal_reminder_due(ProposalStatus.SENT, sent, 2, NOW) is None
    assert rules.proposal_reminder_due(ProposalStatus.INTERESTED, sent, 0, NOW) is None
    assert rules.proposal_expiry_due(ProposalStatus.SENT, NOW - timedelta(days=30), NOW)
    assert followup.reminder_number(sent, 0, NOW, (3, 7)) == 2


def test_only_the_employer_answers_and_a_closed_proposal_never_moves():
    assert rules.answers_for(ProposalStatus.SENT) == (
        ProposalStatus.INTERESTED,
        ProposalStatus.MEETING,
        ProposalStatus.DECLINED,
    )
    with pytest.raises(rules.TransitionError, match="close"):
        rules.check_transition(ProposalStatus.DECLINED, ProposalStatus.MEETING, Side.EMPLOYER)
    with pytest.raises(rules.TransitionError):
        rules.check_transition(ProposalStatus.SENT, ProposalStatus.INTERESTED, Side.PROPOSER)
    assert not rules.can_record_outcome(ProposalStatus.SENT)
    assert rules.can_record_outcome(ProposalStatus.MEETING)


def _facts(days_open: float, filled_days_ago: float | None = None, answers=()):
    return rules.NeedFacts(
        created_at=NOW - timedelta(days=days_open),
        closed_at=None,
        filled_at=None if filled_days_ago is None else NOW - timedelta(days=filled_days_ago),
        positions=1,
        proposals=len(answers),
        first_answer_hours=tuple(answers),
    )


def test_a_need_is_in_difficulty_after_30_days_without_a_hire():
    """les emplois de l'inclusion: open, published more than 30 days ago, no hire in 30 days."""
    assert rules.in_difficulty(_facts(31), NOW)
    assert not rules.in_difficulty(_facts(29), NOW)
    assert not rules.in_difficulty(_facts(60, filled_days_ago=10), NOW)
    assert rules.in_difficulty(_facts(60, filled_days_ago=40), NOW)


def test_tension_figures_and_the_public_threshold_of_five():
    needs = [_facts(40, answers=[20.0]), _facts(10, answers=[None, 50.0]), _facts(5)]
    figures = rules.tension(needs, NOW)
    assert (figures.open_needs, figures.in_difficulty, figures.without_proposal) == (3, 1, 1)
    assert figures.proposals == 3 and figures.proposals_per_need == 1
    assert figures.median_hours == 50.0  # the house's median: unanswered counts as « never »
    assert not figures.public and rules.PUBLIC_MINIMUM == 5
    assert rules.tension([_facts(1)] * 5, NOW).public


def test_twelve_month_ends_for_the_trend():
    ends = rules.month_ends(NOW)
    assert len(ends) == 12 and ends[-1] == NOW
    assert ends[0] == datetime(2026, 1, 31, 23, 59, 59, 999999)


def test_rome_v3_k1303_stands_for_the_five_codes_that_took_its_jobs_over():
    assert rome.codes_for("k1303") == ("K1303", "K1307", "K1308", "K1309", "K1310")
    assert rome.codes_for("J1304") == ("J1304",)
    assert rome.codes_for("K1304") is None  # « Aide à domicile »: not an early-childhood job
    assert rome.codes_for("'; drop") is None
    assert rome.label_of("K1202") == "Éducateur / Éducatrice de jeunes enfants"


def test_qualification_in_training_accepted_meets_a_cap_requirement():
    assert rules.qualification_meets("cap-aepe-en-cours", "cap-aepe", True)
    assert not rules.qualification_meets("cap-aepe-en-cours", "cap-aepe", False)
    assert rules.qualification_meets("deap", "cap-aepe", False)


def test_the_bmo_file_keeps_early_childhood_lines_and_counts_secret_figures_as_zero():
    read = bmo.read_file(DATA / "bmo-extrait.csv")
    assert read.skipped_other_jobs == 1
    assert [(line.bassin_code, line.projects, line.difficult) for line in read.lines] == [
        ("9317", 120, 90),
        ("9317", 200, 110),
        ("9318", 0, 0),
        ("9301", 400, 200),
    ]
    assert read.lines[0].year == 2024 and read.lines[0].departement_code == "83"


def test_a_file_without_the_bmo_columns_is_refused_in_french():
    with pytest.raises(bmo.BmoFileError, match=r"Colonnes manquantes : .*xmet"):
        bmo.read("annee;Code métier BMO;Nom métier BMO;Dept;met;BE24\n2024;x;y;83;1;1\n")
