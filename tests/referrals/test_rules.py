"""The rules of a referral, without a database: the state machine (every allowed and every
forbidden move), reminders, expiry, purge, and the response-time badge."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import product

import pytest

from app.referrals import rules
from app.referrals.models import ReferralStatus as S
from app.referrals.models import Side

T0 = datetime(2026, 3, 2, 9, 0)

ALLOWED = {
    (S.SENT, S.ACCEPTED, Side.STRUCTURE),
    (S.SENT, S.WAITING_LIST, Side.STRUCTURE),
    (S.SENT, S.REFUSED, Side.STRUCTURE),
    (S.SENT, S.INFO_REQUESTED, Side.STRUCTURE),
    (S.SENT, S.CANCELLED, Side.PRESCRIBER),
    (S.SENT, S.EXPIRED, Side.SYSTEM),
    (S.INFO_REQUESTED, S.ACCEPTED, Side.STRUCTURE),
    (S.INFO_REQUESTED, S.WAITING_LIST, Side.STRUCTURE),
    (S.INFO_REQUESTED, S.REFUSED, Side.STRUCTURE),
    (S.INFO_REQUESTED, S.SENT, Side.PRESCRIBER),
    (S.INFO_REQUESTED, S.CANCELLED, Side.PRESCRIBER),
    (S.INFO_REQUESTED, S.EXPIRED, Side.SYSTEM),
    (S.WAITING_LIST, S.ACCEPTED, Side.STRUCTURE),
    (S.WAITING_LIST, S.REFUSED, Side.STRUCTURE),
    (S.WAITING_LIST, S.CANCELLED, Side.PRESCRIBER),
    (S.WAITING_LIST, S.EXPIRED, Side.SYSTEM),
}


@pytest.mark.parametrize("current,target,side", sorted(product(S, S, Side)))
def test_every_move_is_allowed_or_refused_as_the_table_says(current, target, side):
    expected = (current, target, side) in ALLOWED
    assert rules.allowed(current, target, side) is expected
    if expected:
        rules.check_transition(current, target, side)
    else:
        with pytest.raises(rules.TransitionError):
            rules.check_transition(current, target, side)


@pytest.mark.parametrize("closed", [S.ACCEPTED, S.REFUSED, S.EXPIRED, S.CANCELLED])
def test_a_closed_referral_says_so_in_french(closed):
    with pytest.raises(rules.TransitionError, match="est close"):
        rules.check_transition(closed, S.ACCEPTED, Side.STRUCTURE)


def test_the_structure_may_not_ask_for_information_twice_nor_after_the_waiting_list():
    assert rules.answers_for(S.SENT) == (S.ACCEPTED, S.WAITING_LIST, S.REFUSED, S.INFO_REQUESTED)
    assert rules.answers_for(S.INFO_REQUESTED) == (S.ACCEPTED, S.WAITING_LIST, S.REFUSED)
    assert rules.answers_for(S.WAITING_LIST) == (S.ACCEPTED, S.REFUSED)
    assert rules.answers_for(S.ACCEPTED) == ()


@pytest.mark.parametrize(
    "elapsed,already,expected",
    [
        (timedelta(days=2, hours=23), 0, None),
        (timedelta(days=3), 0, 1),
        (timedelta(days=3), 1, None),
        (timedelta(days=6), 1, None),
        (timedelta(days=7), 1, 2),
        (timedelta(days=7), 0, 2),  # the first one was missed: only the second is sent
        (timedelta(days=20), 2, None),
    ],
)
def test_reminders_go_at_3_then_7_days(elapsed, already, expected):
    assert rules.reminder_due(S.SENT, None, T0, already, T0 + elapsed) == expected


def test_no_reminder_once_the_structure_has_answered():
    assert rules.reminder_due(S.SENT, T0 + timedelta(days=1), T0, 0, T0 + timedelta(days=8)) is None
    assert rules.reminder_due(S.WAITING_LIST, None, T0, 0, T0 + timedelta(days=8)) is None


def test_expiry_after_30_days_without_activity():
    assert not rules.expiry_due(S.SENT, T0, T0 + timedelta(days=29, hours=23))
    assert rules.expiry_due(S.SENT, T0, T0 + timedelta(days=30))
    assert rules.expiry_due(S.INFO_REQUESTED, T0, T0 + timedelta(days=30))
    assert not rules.expiry_due(S.WAITING_LIST, T0, T0 + timedelta(days=30))
    assert rules.expiry_due(S.WAITING_LIST, T0, T0 + timedelta(days=rules.WAITING_LIST_EXPIRY_DAYS))
    assert not rules.expiry_due(S.ACCEPTED, T0, T0 + timedelta(days=400))


def test_purge_after_the_retention_period_once():
    assert not rules.purge_due(None, None, T0 + timedelta(days=999), 183)
    assert not rules.purge_due(T0, None, T0 + timedelta(days=182), 183)
    assert rules.purge_due(T0, None, T0 + timedelta(days=183), 183)
    assert not rules.purge_due(T0, T0 + timedelta(days=183), T0 + timedelta(days=200), 183)


def test_badge_needs_three_referrals():
    assert rules.response_badge([rules.Sample(5), rules.Sample(10)]) is None
    assert (
        rules.response_badge([rules.Sample(5), rules.Sample(10), rules.Sample(30)])
        == "Répond aux orientations sous 1\u00a0jour"
    )


def test_badge_counts_days_started_and_never_answered_as_slowest():
    assert (
        rules.response_badge([rules.Sample(20), rules.Sample(50), rules.Sample(70)])
        == "Répond aux orientations sous 3\u00a0jours"
    )
    # Two unanswered out of three: there is no usual time.
    assert rules.response_badge([rules.Sample(2), rules.Sample(None), rules.Sample(None)]) is None
    # One unanswered out of three: the median is the slower answer.
    assert (
        rules.response_badge([rules.Sample(2), rules.Sample(100), rules.Sample(None)])
        == "Répond aux orientations sous 5\u00a0jours"
    )
