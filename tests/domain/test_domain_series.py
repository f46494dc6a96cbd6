"""A stabilization series in one step (domain.series): each pattern's dates, closed days
skipped, the count's limits, and the placing of each date in a free slot (the asked time
when free, a full day moved to the next open day, one infusion a day)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontdesk.domain.clinic import ClinicSettings
from frontdesk.domain.errors import ValidationError
from frontdesk.domain.series import (MAX_SHIFT_DAYS, PATTERN_LABELS, SERIES_MAX, Pattern,
                                     SeriesItem, check_count, parse_pattern, plan_series,
                                     planned_dates)
from frontdesk.domain.slots import Slot

D, T = dt.date, dt.datetime
SATURDAY = D(2026, 11, 21)
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY = (D(2026, 11, 23 + n) for n in range(5))
CLINIC = ClinicSettings()  # Mon-Fri
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def weekdays(dates: list[dt.date]) -> list[int]:
    return [d.weekday() for d in dates]


# --- the patterns' dates ----------------------------------------------------------------------

@pytest.mark.parametrize(("pattern", "days"), [
    (Pattern.MON_WED_FRI, (MON, WED, FRI)),
    (Pattern.TUE_THU, (TUE, THU)),
    (Pattern.MON_THU, (MON, THU)),
    (Pattern.TUE_FRI, (TUE, FRI)),
])
def test_weekday_patterns_give_their_days_in_order(pattern, days):
    dates = planned_dates(pattern, SATURDAY, 6, CLINIC)
    assert len(dates) == 6
    assert dates == sorted(set(dates)) and dates[0] > SATURDAY
    assert weekdays(dates) == [days[n % len(days)] for n in range(6)]
    # consecutive weeks: no week of the pattern left out
    assert (dates[-1] - dates[0]).days < 7 * (6 // len(days) + 1)


def test_mon_wed_fri_from_a_monday_starts_that_day():
    assert planned_dates(Pattern.MON_WED_FRI, MONDAY, 4, CLINIC) == [
        MONDAY, WEDNESDAY, FRIDAY, MONDAY + dt.timedelta(days=7)]
    assert planned_dates(Pattern.MON_WED_FRI, TUESDAY, 2, CLINIC) == [WEDNESDAY, FRIDAY]


def test_every_day_and_every_other_day_count_open_days():
    assert planned_dates(Pattern.EVERY_DAY, FRIDAY, 3, CLINIC) == [
        FRIDAY, MONDAY + dt.timedelta(days=7), TUESDAY + dt.timedelta(days=7)]
    # every other open day: Mon, Wed, Fri, then Tue, Thu of the next week
    assert planned_dates(Pattern.EVERY_OTHER_DAY, SATURDAY, 5, CLINIC) == [
        MONDAY, WEDNESDAY, FRIDAY, TUESDAY + dt.timedelta(days=7),
        THURSDAY + dt.timedelta(days=7)]


def test_closed_days_of_a_pattern_are_skipped():
    closed_friday = ClinicSettings(open_weekdays=(MON, TUE, WED, THU))
    dates = planned_dates(Pattern.MON_WED_FRI, SATURDAY, 4, closed_friday)
    assert dates == [MONDAY, WEDNESDAY, MONDAY + dt.timedelta(days=7),
                     WEDNESDAY + dt.timedelta(days=7)]
    assert weekdays(planned_dates(Pattern.TUE_FRI, SATURDAY, 3, closed_friday)) == [TUE] * 3
    every_day = planned_dates(Pattern.EVERY_DAY, SATURDAY, 6, closed_friday)
    assert FRI not in weekdays(every_day) and len(every_day) == 6


@settings(max_examples=150, deadline=None)
@given(pattern=st.sampled_from(list(Pattern)), count=st.integers(1, SERIES_MAX),
       first=st.dates(D(2026, 1, 1), D(2028, 12, 31)),
       open_days=st.sets(st.integers(0, 6), min_size=1))
def test_every_date_is_an_open_day_from_the_first_on(pattern, count, first, open_days):
    clinic = ClinicSettings(open_weekdays=tuple(sorted(open_days)))
    try:
        dates = planned_dates(pattern, first, count, clinic)
    except ValidationError as error:
        # only a weekday pattern whose every day is closed
        assert pattern not in (Pattern.EVERY_DAY, Pattern.EVERY_OTHER_DAY)
        assert "not open" in str(error)
        return
    assert len(dates) == count
    assert dates == sorted(set(dates)) and dates[0] >= first
    assert all(clinic.is_open_on(d) for d in dates)
    if pattern == Pattern.EVERY_DAY:  # no open day left out between them
        between = [first + dt.timedelta(days=n) for n in range((dates[-1] - first).days + 1)]
        assert dates == [d for d in between if clinic.is_open_on(d)]
    if pattern == Pattern.EVERY_OTHER_DAY:
        between = [first + dt.timedelta(days=n) for n in range((dates[-1] - first).days + 1)]
        assert dates == [d for d in between if clinic.is_open_on(d)][::2]


@pytest.mark.parametrize("count", range(1, SERIES_MAX + 1))
def test_counts_one_to_twelve(count):
    assert check_count(count) == count
    assert len(planned_dates(Pattern.TUE_THU, SATURDAY, count, CLINIC)) == count


@pytest.mark.parametrize("count", [0, -1, SERIES_MAX + 1, 100])
def test_counts_outside_one_to_twelve_are_refused(count):
    with pytest.raises(ValidationError, match="1-12"):
        planned_dates(Pattern.TUE_THU, SATURDAY, count, CLINIC)


def test_a_pattern_on_days_the_clinic_never_opens_is_refused():
    weekends = ClinicSettings(open_weekdays=(SAT, SUN))
    with pytest.raises(ValidationError, match="not open on the days of Tue/Thu"):
        planned_dates(Pattern.TUE_THU, SATURDAY, 2, weekends)
    with pytest.raises(ValidationError, match="no open days"):
        planned_dates(Pattern.EVERY_DAY, SATURDAY, 2, ClinicSettings(open_weekdays=()))


@pytest.mark.parametrize(("text", "pattern"), [
    ("mon-wed-fri", Pattern.MON_WED_FRI), (" Tue-Thu ", Pattern.TUE_THU),
    ("EVERY-DAY", Pattern.EVERY_DAY), ("every-other-day", Pattern.EVERY_OTHER_DAY)])
def test_parse_pattern(text, pattern):
    assert parse_pattern(text) == pattern


def test_parse_pattern_refuses_others_naming_the_choices():
    with pytest.raises(ValidationError, match="mon-wed-fri, tue-thu"):
        parse_pattern("weekly")


def test_every_pattern_has_a_label():
    assert set(PATTERN_LABELS) == set(Pattern)


# --- placing the dates --------------------------------------------------------------------------

def slot(day: dt.date, hour: int, minute: int = 0, chair: str = "Chair 1") -> Slot:
    start = T.combine(day, dt.time(hour, minute))
    return Slot(start, start + dt.timedelta(minutes=90), chair)


class FreeDays:
    """A stand-in for the service's free_from: the free starts of each day from a time on,
    and the days asked for (once each, however often asked)."""

    def __init__(self, free: dict[dt.date, list[Slot]] | None = None,
                 default_hours: tuple[int, ...] = (8, 9, 10, 14)) -> None:
        self.free = free or {}
        self.default_hours = default_hours
        self.asked: list[dt.date] = []

    def __call__(self, day: dt.date, earliest: dt.time) -> list[Slot]:
        if day not in self.asked:
            self.asked.append(day)
        slots = self.free[day] if day in self.free else [slot(day, h) for h in self.default_hours]
        return [s for s in slots if s.start.time() >= earliest]


def test_each_date_at_the_asked_time_when_free():
    dates = planned_dates(Pattern.MON_WED_FRI, MONDAY, 3, CLINIC)
    items = plan_series(dates, dt.time(10), CLINIC, FreeDays())
    assert items == [SeriesItem(d, slot(d, 10), "") for d in dates]


def test_the_next_free_start_after_the_asked_time_else_the_days_first():
    free = FreeDays({MONDAY: [slot(MONDAY, 8), slot(MONDAY, 11, 15, "Chair 3")],
                     WEDNESDAY: [slot(WEDNESDAY, 8, 30), slot(WEDNESDAY, 9)]})
    items = plan_series([MONDAY, WEDNESDAY], dt.time(10), CLINIC, free)
    assert items[0] == SeriesItem(MONDAY, slot(MONDAY, 11, 15, "Chair 3"),
                                  "11:15: nothing free at 10:00")
    assert items[1] == SeriesItem(WEDNESDAY, slot(WEDNESDAY, 8, 30),
                                  "08:30: nothing free at 10:00")


def test_a_full_day_moves_to_the_next_open_day():
    free = FreeDays({FRIDAY: []})
    items = plan_series([WEDNESDAY, FRIDAY], dt.time(9), CLINIC, free)
    monday = MONDAY + dt.timedelta(days=7)
    assert items[1] == SeriesItem(FRIDAY, slot(monday, 9), "moved from Fri 27 Nov: nothing "
                                                           "free that day")
    assert free.asked == [WEDNESDAY, FRIDAY, monday]  # the weekend is not asked


def test_one_infusion_a_day_when_a_move_reaches_the_next_date():
    free = FreeDays({MONDAY: []})
    items = plan_series([MONDAY, TUESDAY, WEDNESDAY], dt.time(9), CLINIC, free)
    assert [i.slot.day for i in items] == [TUESDAY, WEDNESDAY, THURSDAY]
    assert [i.planned for i in items] == [MONDAY, TUESDAY, WEDNESDAY]
    assert [i.note for i in items] == [
        "moved from Mon 23 Nov: nothing free that day",
        "moved from Tue 24 Nov: the one before is on Tue 24 Nov",
        "moved from Wed 25 Nov: the one before is on Wed 25 Nov"]
    assert len({i.slot.day for i in items}) == 3


def test_a_day_the_patient_already_has_an_infusion_counts_as_full():
    free = FreeDays()
    items = plan_series([MONDAY, WEDNESDAY, FRIDAY], dt.time(9), CLINIC, free,
                        infusion_days={MONDAY, TUESDAY, FRIDAY + dt.timedelta(days=3)})
    assert [i.slot.day for i in items] == [WEDNESDAY, THURSDAY, FRIDAY]
    assert items[0].note == "moved from Mon 23 Nov: an infusion is already booked that day"
    assert items[1].note == "moved from Wed 25 Nov: the one before is on Wed 25 Nov"
    assert MONDAY not in free.asked and TUESDAY not in free.asked


def test_nothing_free_within_the_shift_gives_no_slot_and_the_rest_goes_on():
    full = {MONDAY + dt.timedelta(days=n): [] for n in range(MAX_SHIFT_DAYS + 1)}
    later = MONDAY + dt.timedelta(days=MAX_SHIFT_DAYS + 1)
    free = FreeDays(full)
    items = plan_series([MONDAY, later], dt.time(9), CLINIC, free)
    assert items[0] == SeriesItem(MONDAY, None, f"nothing free within {MAX_SHIFT_DAYS} days")
    assert items[1] == SeriesItem(later, slot(later, 9), "")
    assert max(free.asked[:-1]) == MONDAY + dt.timedelta(days=MAX_SHIFT_DAYS)


def test_every_item_has_a_slot_when_free_and_never_two_on_one_day():
    dates = planned_dates(Pattern.EVERY_DAY, MONDAY, 12, CLINIC)
    free = FreeDays({d: [] for d in dates[::3]})  # every third date is full
    items = plan_series(dates, dt.time(14), CLINIC, free)
    assert all(i.slot is not None for i in items)
    days = [i.slot.day for i in items]
    assert days == sorted(set(days))
    assert all(i.slot.day >= i.planned and CLINIC.is_open_on(i.slot.day) for i in items)
    assert all((i.slot.day == i.planned) == (i.note == "") for i in items)


def test_only_the_first_free_slot_from_the_asked_time_is_looked_for():
    """free_from may find a day's free slots lazily: the series takes the first from the
    asked time, else (nothing from then on) the first of the day, and never looks further."""
    asked = []

    def free_from(day: dt.date, earliest: dt.time):
        asked.append((day, earliest))
        if day == MONDAY and earliest == dt.time(15):
            return  # Monday is full from 15:00 on
        yield slot(day, max(earliest.hour, 8))
        raise AssertionError("looked past the first free slot")

    items = plan_series([MONDAY, WEDNESDAY], dt.time(15), CLINIC, free_from)
    assert [i.slot for i in items] == [slot(MONDAY, 8), slot(WEDNESDAY, 15)]
    assert items[0].note == "08:00: nothing free at 15:00"
    assert asked == [(MONDAY, dt.time(15)), (MONDAY, dt.time.min), (WEDNESDAY, dt.time(15))]
