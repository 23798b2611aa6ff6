import contextlib
import itertools
import warnings
from dataclasses import asdict
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.directory.hours import (
    BLOCK_MINUTES,
    NBSP,
    WEEK_MINUTES,
    WEEKDAYS_FR,
    Closure,
    HoursSummary,
    Slot,
    coverage_masks,
    coverage_tokens,
    covers,
    describe_next_opening,
    format_range_fr,
    format_time_fr,
    from_osm,
    is_closed_on,
    masks_cover,
    needed_masks,
    needed_tokens,
    next_opening,
    parse_time,
    slots_overlap,
    summarize,
    to_osm,
    week_intervals,
    weekly_table,
)

# When a @given test fails, Hypothesis' pytest plugin imports libcst to suggest a
# patch; libcst emits a DeprecationWarning (mypy_extensions.TypedDict) at import,
# which ``filterwarnings = error`` turns into an INTERNALERROR hiding the real
# failure. Import it once here, warnings silenced, so the failure is reported.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    with contextlib.suppress(ImportError):
        import libcst  # noqa: F401

T = time
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
WEEKDAYS = (MON, TUE, WED, THU, FRI)
# 2021-01-04 is a Monday.
MONDAY = date(2021, 1, 4)


def at(day_offset: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(MONDAY + timedelta(days=day_offset), T(hour, minute))


DAYCARE_OPENS, DAYCARE_CLOSES = T(7, 30), T(19, 0)


def daycare(opens=DAYCARE_OPENS, closes=DAYCARE_CLOSES, days=WEEKDAYS):
    return [Slot(d, opens, closes) for d in days]


def fr(text: str) -> str:
    """Write tests with « ~ » standing for a no-break space."""
    return text.replace("~", NBSP)


# ------------------------------------------------------------------ Slot


def test_slot_duration_and_midnight_crossing():
    assert Slot(MON, T(7, 30), T(19)).duration_minutes == 690
    night = Slot(MON, T(21), T(6))
    assert night.duration_minutes == 540
    assert night.ends_next_day
    until_midnight = Slot(MON, T(18), T(0))
    assert until_midnight.duration_minutes == 360
    assert not until_midnight.ends_next_day
    assert Slot(MON, T(0), T(0)).duration_minutes == 1440


def test_slot_validation():
    with pytest.raises(ValueError, match="Jour invalide"):
        Slot(7, T(8), T(12))
    with pytest.raises(ValueError, match="Jour invalide"):
        Slot(-1, T(8), T(12))
    with pytest.raises(ValueError, match="Créneau invalide le lundi"):
        Slot(MON, T(8), T(8))
    with pytest.raises(ValueError, match="minute près"):
        Slot(MON, T(8, 0, 30), T(12))
    with pytest.raises(TypeError):
        Slot(MON, "08:00", T(12))


def test_slots_are_ordered_and_hashable():
    slots = [Slot(TUE, T(8), T(12)), Slot(MON, T(14), T(18)), Slot(MON, T(8), T(12))]
    assert sorted(slots)[0] == Slot(MON, T(8), T(12))
    assert len({Slot(MON, T(8), T(12)), Slot(MON, T(8), T(12))}) == 1


# --------------------------------------------------------- week intervals


def test_week_intervals_merges_overlapping_and_adjacent():
    slots = [
        Slot(MON, T(6), T(12)),
        Slot(MON, T(12), T(19)),
        Slot(MON, T(10), T(11)),
        Slot(TUE, T(8), T(9)),
    ]
    assert week_intervals(slots) == [(360, 1140), (1440 + 480, 1440 + 540)]


def test_week_intervals_night_and_sunday_wrap():
    assert week_intervals([Slot(MON, T(21), T(6))]) == [(1260, 1440 + 360)]
    assert week_intervals([Slot(SUN, T(22), T(6))]) == [(0, 360), (6 * 1440 + 1320, WEEK_MINUTES)]
    # Adjacent across the week boundary stays split at the boundary.
    slots = [Slot(SUN, T(18), T(0)), Slot(MON, T(0), T(6))]
    assert week_intervals(slots) == [(0, 360), (6 * 1440 + 1080, WEEK_MINUTES)]
    assert week_intervals(Slot(d, T(0), T(0)) for d in range(7)) == [(0, WEEK_MINUTES)]
    assert week_intervals([]) == []


# ------------------------------------------------------------------ covers


def test_covers_simple_day_need():
    slots = daycare()
    assert covers(slots, WEEKDAYS, T(8), T(18))
    assert covers(slots, WEEKDAYS, T(7, 30), T(19))
    assert not covers(slots, WEEKDAYS, T(7), T(18))
    assert not covers(slots, WEEKDAYS, T(8), T(19, 30))
    assert not covers(slots, [SAT], T(8), T(12))
    assert covers(slots, [], T(8), T(12))  # no day: nothing to cover


def test_covers_night_need_with_night_slot():
    slots = [Slot(d, T(21), T(6)) for d in WEEKDAYS]
    assert covers(slots, WEEKDAYS, T(21), T(5))
    assert covers(slots, [FRI], T(22), T(6))  # ends Saturday 06:00
    assert not covers(slots, [FRI], T(22), T(7))
    assert not covers(slots, [SAT], T(22), T(5))
    assert not covers(slots, [MON], T(20, 30), T(5))
    # Early morning of Tuesday is covered by Monday's night slot.
    assert covers(slots, [TUE], T(1), T(5))
    assert not covers(slots, [MON], T(1), T(5))  # Sunday night is closed


def test_covers_sunday_to_monday_wrap():
    slots = [Slot(SUN, T(22), T(6))]
    assert covers(slots, [SUN], T(23), T(5))
    assert covers(slots, [MON], T(0), T(6))
    assert not covers(slots, [SUN], T(21), T(5))
    assert not covers(slots, [SUN], T(23), T(7))


def test_covers_with_adjacent_slots():
    slots = [Slot(MON, T(6), T(12)), Slot(MON, T(12), T(19))]
    assert covers(slots, [MON], T(6), T(19))
    assert covers(slots, [MON], T(11), T(13))
    night = [Slot(MON, T(18), T(0)), Slot(TUE, T(0), T(6))]
    assert covers(night, [MON], T(18), T(6))
    weekend_night = [Slot(SUN, T(18), T(0)), Slot(MON, T(0), T(6))]
    assert covers(weekend_night, [SUN], T(20), T(5))


def test_covers_does_not_bridge_a_gap():
    slots = [Slot(MON, T(6), T(12)), Slot(MON, T(12, 15), T(19))]
    assert not covers(slots, [MON], T(11), T(13))
    assert covers(slots, [MON], T(12, 15), T(13))


def test_covers_whole_day_need():
    always = [Slot(d, T(0), T(0)) for d in range(7)]
    assert covers(always, range(7), T(0), T(0))
    assert covers(always, [SUN], T(12), T(11))
    assert not covers(daycare(), [MON], T(0), T(0))


def test_covers_rejects_bad_needs():
    with pytest.raises(ValueError, match="Besoin invalide"):
        covers(daycare(), [MON], T(8), T(8))
    with pytest.raises(ValueError, match="Jour invalide"):
        covers(daycare(), [7], T(8), T(9))


# ------------------------------------------------------------------ tokens


def test_coverage_tokens_only_full_blocks():
    tokens = coverage_tokens([Slot(MON, T(5, 45), T(7, 15))])
    assert tokens == {"0h0600", "0h0630"}
    assert coverage_tokens([Slot(MON, T(5, 30), T(6))]) == {"0h0530"}
    assert coverage_tokens([Slot(MON, T(5, 31), T(6))]) == set()
    assert coverage_tokens([]) == set()


def test_coverage_tokens_night_and_week_wrap():
    tokens = coverage_tokens([Slot(SUN, T(23), T(1))])
    assert tokens == {"6h2300", "6h2330", "0h0000", "0h0030"}
    assert len(coverage_tokens(Slot(d, T(0), T(0)) for d in range(7))) == WEEK_MINUTES // 30


def test_coverage_tokens_adjacent_slots_join_inside_a_block():
    # 12:15 boundary falls inside the 12:00 block but the two slots are adjacent.
    slots = [Slot(MON, T(6), T(12, 15)), Slot(MON, T(12, 15), T(13))]
    assert {"0h1200", "0h1230"} <= coverage_tokens(slots)


def test_needed_tokens_on_block_boundaries():
    assert needed_tokens([MON], T(8), T(9)) == {"0h0800", "0h0830"}
    assert needed_tokens([FRI, MON], T(23), T(0)) == {"0h2300", "0h2330", "4h2300", "4h2330"}


def test_needed_tokens_off_block_boundaries_round_outward():
    assert needed_tokens([MON], T(8, 10), T(8, 40)) == {"0h0800", "0h0830"}
    assert needed_tokens([MON], T(8, 10), T(8, 20)) == {"0h0800"}
    # Conservative: a need of 8:10 is not matched by an opening at 8:15...
    slots = [Slot(MON, T(8, 15), T(18))]
    assert not covers(slots, [MON], T(8, 10), T(12))
    assert not needed_tokens([MON], T(8, 10), T(12)) <= coverage_tokens(slots)
    # ... nor, conservatively, by an opening at 8:05 (false negative, never false positive).
    slots = [Slot(MON, T(8, 5), T(18))]
    assert covers(slots, [MON], T(8, 10), T(12))
    assert not needed_tokens([MON], T(8, 10), T(12)) <= coverage_tokens(slots)


def test_needed_tokens_night_and_sunday_wrap():
    assert needed_tokens([SUN], T(23), T(1)) == {"6h2300", "6h2330", "0h0000", "0h0030"}
    night = [Slot(d, T(21), T(6)) for d in WEEKDAYS]
    need = needed_tokens(WEEKDAYS, T(21), T(5))
    assert len(need) == 5 * 16
    assert need <= coverage_tokens(night)
    assert not needed_tokens([SUN], T(21), T(5)) <= coverage_tokens(night)


def test_token_format():
    assert needed_tokens([SUN], T(5, 30), T(6)) == {"6h0530"}
    assert all(len(t) == 6 for t in needed_tokens(range(7), T(0), T(0)))
    assert BLOCK_MINUTES == 30


# ------------------------------------------------------- hypothesis checks


def quarter_times(step: int = 15):
    return st.integers(0, 1440 // step - 1).map(lambda i: T((i * step) // 60, (i * step) % 60))


def slots_strategy(step: int):
    candidates = st.tuples(st.integers(0, 6), quarter_times(step), quarter_times(step)).filter(
        lambda t: t[1] != t[2] or t[1] == T(0)
    )
    return st.lists(candidates.map(lambda t: Slot(*t)), max_size=8)


def need_strategy(step: int):
    return st.tuples(
        st.sets(st.integers(0, 6), min_size=1, max_size=7),
        quarter_times(step),
        quarter_times(step),
    ).filter(lambda n: n[1] != n[2] or n[1] == T(0))


@st.composite
def slots_and_need(draw, slot_step: int, need_step: int):
    """Random slots and a need, often drawn inside (or around) one of the slots."""
    slots = draw(slots_strategy(slot_step).filter(bool))
    if draw(st.booleans()):
        return slots, draw(need_strategy(need_step))
    slot = draw(st.sampled_from(slots))
    opens = slot.opens.hour * 60 + slot.opens.minute
    # Start around the slot opening, end around its closing (may overshoot by a step).
    first = (opens // need_step) + draw(st.integers(-1, 2))
    length = draw(st.integers(1, (slot.duration_minutes + need_step) // need_step))
    start_minute = (first * need_step) % 1440
    end_minute = (start_minute + length * need_step) % 1440
    days = {slot.weekday} | draw(st.sets(st.integers(0, 6), max_size=2))
    if start_minute == end_minute and start_minute != 0:
        end_minute = (end_minute + need_step) % 1440
    start = T(start_minute // 60, start_minute % 60)
    end = T(end_minute // 60, end_minute % 60)
    return slots, (days, start, end)


def open_minutes(slots):
    minutes = set()
    for s in slots:
        start = s.start_of_week
        minutes.update(m % WEEK_MINUTES for m in range(start, start + s.duration_minutes))
    return minutes


def need_minutes(days, start, end):
    s = start.hour * 60 + start.minute
    e = end.hour * 60 + end.minute
    length = (e - s) % 1440 or 1440
    return {(d * 1440 + s + i) % WEEK_MINUTES for d in days for i in range(length)}


HYPO = settings(max_examples=300, deadline=None, database=None)


@HYPO
@given(slots_and_need(15, 5))
def test_covers_matches_minute_by_minute_oracle(case):
    slots, need = case
    days, start, end = need
    assert covers(slots, days, start, end) == (
        need_minutes(days, start, end) <= open_minutes(slots)
    )


@HYPO
@given(slots_and_need(15, 15))
def test_tokens_are_conservative(case):
    slots, need = case
    days, start, end = need
    if needed_tokens(days, start, end) <= coverage_tokens(slots):
        assert covers(slots, days, start, end)


@HYPO
@given(slots_and_need(15, 30))
def test_tokens_exact_for_block_aligned_needs(case):
    slots, need = case
    days, start, end = need
    assert (needed_tokens(days, start, end) <= coverage_tokens(slots)) == covers(
        slots, days, start, end
    )


@HYPO
@given(slots_and_need(30, 30))
def test_tokens_exact_for_aligned_slots_and_needs(case):
    slots, need = case
    days, start, end = need
    assert (needed_tokens(days, start, end) <= coverage_tokens(slots)) == covers(
        slots, days, start, end
    )


@HYPO
@given(slots_strategy(15))
def test_week_intervals_match_oracle(slots):
    intervals = week_intervals(slots)
    minutes = {m for a, b in intervals for m in range(a, b)}
    assert minutes == open_minutes(slots)
    assert all(0 <= a < b <= WEEK_MINUTES for a, b in intervals)
    assert all(b1 < a2 for (_, b1), (a2, _) in itertools.pairwise(intervals))


# ----------------------------------------------------------------- summary


def test_summary_of_a_classic_creche():
    summary = summarize(daycare())
    assert summary == HoursSummary(
        early=False,
        late=False,
        night=False,
        weekend=False,
        open_days=(0, 1, 2, 3, 4),
        max_daily_amplitude_minutes=690,
    )
    assert not summary.atypical
    assert summary.labels_fr() == []
    assert asdict(summary)["atypical"] is False


def test_early_threshold():
    assert not summarize(daycare(opens=T(7, 30))).early
    assert summarize(daycare(opens=T(7))).early
    assert summarize(daycare(opens=T(7, 29))).early


def test_late_threshold():
    assert not summarize(daycare(closes=T(19))).late
    assert summarize(daycare(closes=T(19, 30))).late
    assert summarize(daycare(closes=T(19, 1))).late


def test_night_thresholds():
    assert not summarize(daycare(opens=T(5), closes=T(22))).night
    assert summarize(daycare(opens=T(4, 30))).night
    assert summarize(daycare(closes=T(22, 30))).night
    assert summarize(daycare(closes=T(0))).night  # open until midnight


def test_summary_of_night_care():
    summary = summarize([Slot(d, T(21), T(6)) for d in WEEKDAYS])
    assert summary.night and summary.early and summary.late
    # Friday's night ends on Saturday morning: open on a weekend day.
    assert summary.weekend
    assert summary.open_days == (0, 1, 2, 3, 4, 5)
    assert summary.max_daily_amplitude_minutes == 540
    assert summary.atypical
    assert summary.labels_fr() == [
        fr("Tôt le matin (avant 7~h~30)"),
        fr("En soirée (après 19~h~00)"),
        "La nuit",
        "Le week-end",
    ]


def test_summary_sunday_night_wraps_to_monday():
    summary = summarize([Slot(SUN, T(22), T(6))])
    assert summary.open_days == (0, 6)
    assert summary.weekend and summary.night and summary.early


def test_summary_weekend():
    assert summarize([Slot(SAT, T(9), T(12))]).weekend
    assert summarize([Slot(SUN, T(9), T(12))]).atypical
    assert not summarize([Slot(FRI, T(18), T(0))]).weekend


def test_amplitude():
    split_day = [Slot(MON, T(6), T(12)), Slot(MON, T(14), T(19))]
    assert summarize(split_day).max_daily_amplitude_minutes == 13 * 60
    day_and_night = [Slot(MON, T(7), T(19)), Slot(MON, T(21), T(6))]
    assert summarize(day_and_night).max_daily_amplitude_minutes == 23 * 60
    assert summarize([Slot(MON, T(0), T(0))]).max_daily_amplitude_minutes == 1440
    too_long = [Slot(MON, T(0), T(1)), Slot(MON, T(23), T(22))]
    assert summarize(too_long).max_daily_amplitude_minutes == 1440  # capped
    two_days = [Slot(TUE, T(8), T(9)), Slot(WED, T(6), T(20))]
    assert summarize(two_days).max_daily_amplitude_minutes == 840


def test_summary_of_nothing():
    summary = summarize([])
    assert summary.open_days == ()
    assert summary.max_daily_amplitude_minutes == 0
    assert not summary.atypical


# ---------------------------------------------------------------- closures


def test_closures():
    closures = [Closure(date(2021, 8, 2), date(2021, 8, 20), "Congés d’été")]
    assert is_closed_on(closures, date(2021, 8, 2))
    assert is_closed_on(closures, date(2021, 8, 20))
    assert is_closed_on(closures, datetime(2021, 8, 10, 12))
    assert not is_closed_on(closures, date(2021, 8, 21))
    assert not is_closed_on([], date(2021, 8, 10))
    with pytest.raises(ValueError, match="Fermeture invalide"):
        Closure(date(2021, 8, 20), date(2021, 8, 2))


# ------------------------------------------------------------ next opening


def test_next_opening_open_now():
    assert next_opening(daycare(), at(0, 10)) == (at(0, 7, 30), at(0, 19))
    assert describe_next_opening(daycare(), at(0, 10)) == fr("Ouvert maintenant, jusqu’à 19~h~00")
    # Exactly at opening time: open. Exactly at closing time: closed.
    assert next_opening(daycare(), at(0, 7, 30)) == (at(0, 7, 30), at(0, 19))
    assert next_opening(daycare(), at(0, 19)) == (at(1, 7, 30), at(1, 19))


def test_next_opening_later_today_tomorrow_and_after_weekend():
    assert describe_next_opening(daycare(), at(0, 6)) == fr("Ouvre aujourd’hui à 7~h~30")
    early = daycare(opens=T(5, 30))
    assert describe_next_opening(early, at(0, 20)) == fr("Ouvre demain à 5~h~30")
    assert next_opening(daycare(), at(4, 20)) == (at(7, 7, 30), at(7, 19))
    assert describe_next_opening(daycare(), at(4, 20)) == fr("Ouvre lundi à 7~h~30")
    afternoon = [Slot(MON, T(14), T(18))]
    assert describe_next_opening(afternoon, at(0, 9)) == fr("Ouvre aujourd’hui à 14~h~00")


def test_next_opening_beyond_six_days_gives_the_date():
    only_monday = [Slot(MON, T(7, 30), T(19))]
    assert describe_next_opening(only_monday, at(0, 20)) == fr("Ouvre le lundi 11 janvier à 7~h~30")
    assert describe_next_opening(only_monday, at(1, 8)) == fr("Ouvre lundi à 7~h~30")


def test_next_opening_skips_closures():
    closures = [Closure(date(2021, 1, 5), date(2021, 1, 8), "Formation")]
    assert next_opening(daycare(), at(0, 20), closures) == (at(7, 7, 30), at(7, 19))
    assert describe_next_opening(daycare(), at(0, 20), closures) == fr(
        "Ouvre le lundi 11 janvier à 7~h~30"
    )
    # Closed today although within opening hours.
    today = [Closure(MONDAY, MONDAY)]
    assert next_opening(daycare(), at(0, 10), today) == (at(1, 7, 30), at(1, 19))
    # First of the month is written « 1er ».
    january = [Closure(date(2021, 1, 1), date(2021, 1, 31))]
    assert describe_next_opening(daycare(), at(0, 10), january) == fr(
        "Ouvre le lundi 1er février à 7~h~30"
    )


def test_next_opening_night_slot():
    night = [Slot(d, T(21), T(6)) for d in WEEKDAYS]
    assert next_opening(night, at(1, 2)) == (at(0, 21), at(1, 6))
    assert describe_next_opening(night, at(1, 2)) == fr("Ouvert maintenant, jusqu’à 6~h~00")
    assert describe_next_opening(night, at(0, 23)) == fr("Ouvert maintenant, jusqu’à demain 6~h~00")
    assert describe_next_opening(night, at(1, 7)) == fr("Ouvre aujourd’hui à 21~h~00")
    # Saturday 05:00 is still Friday's night.
    assert next_opening(night, at(5, 5)) == (at(4, 21), at(5, 6))
    # A closure on the start day removes the whole night, including its morning tail.
    closed_monday = [Closure(MONDAY, MONDAY)]
    assert next_opening(night, at(1, 2), closed_monday) == (at(1, 21), at(2, 6))


def test_next_opening_merges_adjacent_slots_and_midnight():
    slots = [Slot(MON, T(18), T(0)), Slot(TUE, T(0), T(6))]
    assert next_opening(slots, at(0, 20)) == (at(0, 18), at(1, 6))
    until_midnight = [Slot(MON, T(18), T(0))]
    assert describe_next_opening(until_midnight, at(0, 20)) == "Ouvert maintenant, jusqu’à minuit"
    split = [Slot(MON, T(6), T(12)), Slot(MON, T(12), T(19))]
    assert describe_next_opening(split, at(0, 11)) == fr("Ouvert maintenant, jusqu’à 19~h~00")


def test_next_opening_sunday_night_wraps():
    slots = [Slot(SUN, T(22), T(6))]
    assert next_opening(slots, at(7, 3)) == (at(6, 22), at(7, 6))
    assert describe_next_opening(slots, at(6, 12)) == fr("Ouvre aujourd’hui à 22~h~00")


def test_next_opening_always_open():
    always = [Slot(d, T(0), T(0)) for d in range(7)]
    assert describe_next_opening(always, at(2, 3)) == fr("Ouvert maintenant, 24~h/24")
    start, end = next_opening(always, at(2, 3))
    assert start <= at(2, 3) < end
    # A closure ends the continuous opening.
    closures = [Closure(date(2021, 1, 20), date(2021, 1, 20))]
    assert next_opening(always, at(2, 3), closures)[1] == datetime(2021, 1, 20)
    assert describe_next_opening(always, at(2, 3), closures) == (
        "Ouvert maintenant, jusqu’au mardi 19 janvier à minuit"
    )


def test_next_opening_nothing():
    assert next_opening([], at(0, 10)) is None
    assert describe_next_opening([], at(0, 10)) == "Horaires non renseignés"
    long_closure = [Closure(date(2021, 1, 1), date(2021, 6, 30))]
    assert next_opening(daycare(), at(0, 10), long_closure) is None
    assert describe_next_opening(daycare(), at(0, 10), long_closure) == (
        "Aucune ouverture prévue dans les 8 prochaines semaines"
    )
    # Opening just inside / outside the 8-week horizon.
    until_march_1 = [Closure(date(2021, 1, 1), date(2021, 2, 28))]
    assert next_opening(daycare(), at(0, 8), until_march_1) == (at(56, 7, 30), at(56, 19))
    assert next_opening(daycare(), at(0, 7), until_march_1) is None


# --------------------------------------------------------------- formatting


def test_format_time_fr():
    assert format_time_fr(T(5, 30)) == fr("5~h~30")
    assert format_time_fr(T(19)) == fr("19~h~00")
    assert format_time_fr(T(0)) == fr("0~h~00")
    assert format_time_fr(T(0), closing=True) == "minuit"
    assert format_time_fr(T(6), closing=True) == fr("6~h~00")


def test_format_range_fr():
    assert format_range_fr(T(7, 30), T(19)) == fr("7~h~30~– 19~h~00")
    assert format_range_fr(T(21), T(6)) == fr("21~h~00~– 6~h~00~(lendemain)")
    assert format_range_fr(T(18), T(0)) == fr("18~h~00~– minuit")
    assert format_range_fr(T(0), T(0)) == fr("0~h~00~– minuit")
    with pytest.raises(ValueError):
        format_range_fr(T(8), T(8))


def test_weekly_table():
    slots = [
        Slot(MON, T(14), T(18)),
        Slot(MON, T(8), T(12)),
        Slot(MON, T(8), T(12)),
        Slot(FRI, T(21), T(6)),
    ]
    table = weekly_table(slots)
    assert [day for day, _ in table] == list(WEEKDAYS_FR)
    assert table[0] == ("lundi", [fr("8~h~00~– 12~h~00"), fr("14~h~00~– 18~h~00")])
    assert table[4] == ("vendredi", [fr("21~h~00~– 6~h~00~(lendemain)")])
    assert table[5] == ("samedi", [])
    assert weekly_table([]) == [(day, []) for day in WEEKDAYS_FR]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5:30", T(5, 30)),
        ("05:30", T(5, 30)),
        ("5h30", T(5, 30)),
        ("5 h 30", T(5, 30)),
        (fr("5~h~30"), T(5, 30)),
        ("5H30", T(5, 30)),
        ("5h", T(5)),
        (" 19 h ", T(19)),
        ("0:00", T(0)),
        ("23:59", T(23, 59)),
        ("24:00", T(0)),
        ("24h", T(0)),
        # What a phone's keypad (no « : » nor « h ») or a hurried person types (issue 14).
        ("530", T(5, 30)),
        ("0530", T(5, 30)),
        ("1400", T(14)),
        ("2400", T(0)),
        ("14", T(14)),
        ("5", T(5)),
        ("5.30", T(5, 30)),
        ("5,30", T(5, 30)),
        ("5 30", T(5, 30)),
        ("14h", T(14)),
        ("minuit", T(0)),
        ("Midi", T(12)),
    ],
)
def test_parse_time(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        *("", "5:3", "25:00", "24:30", "7:60", "7h300", "sept heures", "5:30 pm"),
        *("2460", "25", "5:75", "abc", "5h3o", "12345", "5..30", "5 3", "midi et demi"),
    ],
)
def test_parse_time_errors(text):
    with pytest.raises(ValueError) as excinfo:
        parse_time(text)
    assert str(excinfo.value) == fr(f"Heure invalide~: «~{text}~». Utilisez le format 7:30.")


# --------------------------------------------------------------------- OSM


def test_to_osm_groups_days():
    slots = [*daycare(opens=T(5, 30), closes=T(20)), Slot(SAT, T(8), T(12))]
    assert to_osm(slots) == "Mo-Fr 05:30-20:00; Sa 08:00-12:00"
    split = [Slot(d, o, c) for d in (MON, WED) for o, c in ((T(8), T(12)), (T(14), T(18)))]
    assert to_osm(split) == "Mo,We 08:00-12:00,14:00-18:00"
    assert to_osm([Slot(SAT, T(9), T(12)), Slot(SUN, T(9), T(12))]) == "Sa,Su 09:00-12:00"


def test_to_osm_night_midnight_and_always():
    assert to_osm([Slot(MON, T(21), T(6))]) == "Mo 21:00-06:00"
    assert to_osm([Slot(FRI, T(18), T(0))]) == "Fr 18:00-24:00"
    assert to_osm([Slot(FRI, T(0), T(0))]) == "Fr 00:00-24:00"
    assert to_osm([Slot(d, T(0), T(0)) for d in range(7)]) == "24/7"
    halves = [Slot(d, o, c) for d in range(7) for o, c in ((T(0), T(12)), (T(12), T(0)))]
    assert to_osm(halves) == "24/7"
    assert to_osm([]) == ""


def test_from_osm_common_subset():
    assert from_osm("Mo-Fr 05:30-20:00; Sa 08:00-12:00") == sorted(
        [*daycare(opens=T(5, 30), closes=T(20)), Slot(SAT, T(8), T(12))]
    )
    assert from_osm("Mo,We 08:00-12:00,14:00-18:00") == sorted(
        Slot(d, o, c) for d in (MON, WED) for o, c in ((T(8), T(12)), (T(14), T(18)))
    )
    assert from_osm("Mo 21:00-06:00") == [Slot(MON, T(21), T(6))]
    assert from_osm("Fr 18:00-24:00") == [Slot(FRI, T(18), T(0))]
    assert from_osm("Fr 22:00-30:00") == [Slot(FRI, T(22), T(6))]
    assert from_osm("24/7") == [Slot(d, T(0), T(0)) for d in range(7)]
    assert from_osm("24/7; PH off") == [Slot(d, T(0), T(0)) for d in range(7)]
    assert from_osm("Mo-Fr 08:00-18:00; PH off") == daycare(T(8), T(18))
    assert from_osm("off") == []
    assert from_osm("") == []
    assert from_osm("  mo - fr  08:00 - 18:00 ;") == daycare(T(8), T(18))
    assert from_osm("Sa-Mo 10:00-12:00") == [Slot(d, T(10), T(12)) for d in (MON, SAT, SUN)]
    assert from_osm("09:00-12:00") == [Slot(d, T(9), T(12)) for d in range(7)]


def test_from_osm_later_rules_override_earlier_days():
    assert from_osm("Mo-Fr 08:00-18:00; We 08:00-12:00") == sorted(
        [*daycare(T(8), T(18), days=(MON, TUE, THU, FRI)), Slot(WED, T(8), T(12))]
    )
    assert from_osm("Mo-Fr 08:00-18:00; We off") == daycare(T(8), T(18), days=(MON, TUE, THU, FRI))


@pytest.mark.parametrize(
    ("text", "bad_part"),
    [
        ("Mo-Fr 08:00-18:00; Sa 09:00-12:00+", "09:00-12:00+"),
        ("Lu-Ve 08:00-18:00", "Lu-Ve"),
        ("Jan-Mar Mo 08:00-12:00", "Jan-Mar Mo 08:00-12:00"),
        ("Mo 08h00-12h00", "08h00-12h00"),
        ("Mo sunrise-sunset", "sunrise-sunset"),
        ("Mo 25:00-26:00", "25:00-26:00"),
        ("Mo 08:00-08:00", "08:00-08:00"),
        ("Mo 08:00-33:00", "08:00-33:00"),
        ("PH 10:00-12:00", "PH 10:00-12:00"),
        ("Mo-Fr", "Mo-Fr"),
        ('Mo 08:00-12:00 "sur rendez-vous"', 'Mo 08:00-12:00 "sur rendez-vous"'),
    ],
)
def test_from_osm_errors_name_the_bad_part(text, bad_part):
    with pytest.raises(ValueError) as excinfo:
        from_osm(text)
    message = str(excinfo.value)
    assert message.startswith("Horaires au format OpenStreetMap non pris en charge")
    assert fr(f"«~{bad_part}~»") in message


def test_osm_round_trip_examples():
    examples = [
        "Mo-Fr 05:30-20:00; Sa 08:00-12:00",
        "Mo,We 08:00-12:00,14:00-18:00; Tu,Th 14:00-18:00",
        "Mo-Fr 21:00-06:00; Su 22:00-06:00",
        "Mo-Sa 07:00-19:00,19:00-24:00",
        "24/7",
    ]
    for text in examples:
        assert to_osm(from_osm(text)) == text


@HYPO
@given(slots_strategy(15))
def test_osm_round_trip_property(slots):
    parsed = from_osm(to_osm(slots))
    assert week_intervals(parsed) == week_intervals(slots)
    if to_osm(slots) != "24/7":
        assert parsed == sorted(set(slots))


@given(slots_and_need(15, 15))
@settings(max_examples=300, deadline=None, database=None)
def test_masks_say_exactly_what_tokens_say(case):
    """The index tests coverage with per-day masks: same answer as the token rule."""
    slots, (days, start, end) = case
    by_tokens = needed_tokens(days, start, end) <= coverage_tokens(slots)
    assert masks_cover(coverage_masks(slots), needed_masks(days, start, end)) == by_tokens


def test_slots_overlap_shares_a_minute_and_touching_ends_do_not():
    """The back office refuses two slots of the same offer that overlap (« Ce créneau
    chevauche… »); touching ends are a continuous opening, and a night slot from Sunday to
    Monday overlaps Monday's early morning."""
    morning = Slot(0, time(7, 30), time(12, 0))
    assert slots_overlap(morning, Slot(0, time(11, 0), time(14, 0)))
    assert not slots_overlap(morning, Slot(0, time(12, 0), time(18, 30)))
    assert not slots_overlap(morning, Slot(1, time(7, 30), time(12, 0)))
    sunday_night = Slot(6, time(21, 0), time(6, 0))
    assert slots_overlap(sunday_night, Slot(0, time(5, 0), time(8, 0)))
    assert not slots_overlap(sunday_night, Slot(0, time(6, 0), time(8, 0)))
