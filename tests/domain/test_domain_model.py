"""Fixed facts of the clinic (DOMAIN.md): late cancellation, half-open intervals, defaults."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontdesk.domain.clinic import DEFAULT_CHAIRS, ClinicSettings
from frontdesk.domain.model import (DEFAULT_DURATION_MINUTES, KINDS_NEEDING_CHAIR,
                                    MAINTENANCE_INTERVAL_DEFAULT, MAINTENANCE_INTERVAL_RANGE,
                                    SEEN_STATUSES, STABILIZATION_TARGET_DEFAULT,
                                    STABILIZATION_TARGET_RANGE, Kind, Phase, Status, end_of,
                                    intervals_overlap, is_late_cancellation)

START = dt.datetime(2026, 11, 23, 10, 0)


# --- late cancellation: less than 24 h before the start -----------------------------------

@pytest.mark.parametrize(("before", "late"), [
    (dt.timedelta(hours=24), False),                    # exactly 24 h: not late
    (dt.timedelta(hours=24, seconds=1), False),
    (dt.timedelta(days=3), False),
    (dt.timedelta(hours=23, minutes=59), True),         # 23h59: late
    (dt.timedelta(hours=23, minutes=59, seconds=59), True),
    (dt.timedelta(hours=1), True),
    (dt.timedelta(0), True),                            # at the start
    (-dt.timedelta(minutes=30), True),                  # after the start
])
def test_is_late_cancellation(before, late):
    assert is_late_cancellation(START, START - before) is late


def test_late_cancellation_across_midnight_and_month_end():
    start = dt.datetime(2026, 3, 1, 8, 0)
    assert is_late_cancellation(start, dt.datetime(2026, 2, 28, 8, 1))
    assert not is_late_cancellation(start, dt.datetime(2026, 2, 28, 8, 0))


# --- half-open intervals --------------------------------------------------------------------

def at(h: int, m: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, 23, h, m)


@pytest.mark.parametrize(("a", "b", "overlap"), [
    ((at(9), at(10, 30)), (at(10, 30), at(12)), False),   # DOMAIN.md: touching ends
    ((at(10, 30), at(12)), (at(9), at(10, 30)), False),
    ((at(9), at(10, 31)), (at(10, 30), at(12)), True),
    ((at(9), at(12)), (at(10), at(11)), True),            # containment
    ((at(10), at(11)), (at(9), at(12)), True),
    ((at(9), at(10)), (at(9), at(10)), True),             # identical
    ((at(9), at(10)), (at(11), at(12)), False),
    ((at(9), at(10)), (at(9, 59), at(10, 0)), True),
])
def test_intervals_overlap(a, b, overlap):
    assert intervals_overlap(*a, *b) is overlap
    assert intervals_overlap(*b, *a) is overlap  # symmetric


def test_end_of_and_default_lengths():
    assert end_of(at(9), 90) == at(10, 30)
    assert end_of(dt.datetime(2026, 11, 23, 23, 0), 90) == dt.datetime(2026, 11, 24, 0, 30)
    # a 90-minute infusion at 09:00 and the next at 10:30 in the same chair: no overlap
    first = (at(9), end_of(at(9), DEFAULT_DURATION_MINUTES[Kind.INFUSION]))
    second = (at(10, 30), end_of(at(10, 30), DEFAULT_DURATION_MINUTES[Kind.INFUSION]))
    assert not intervals_overlap(*first, *second)


minutes = st.integers(min_value=0, max_value=24 * 60)
lengths = st.integers(min_value=5, max_value=480)


@settings(max_examples=300, deadline=None)
@given(minutes, lengths, minutes, lengths)
def test_overlap_means_a_shared_minute(a0, alen, b0, blen):
    base = dt.datetime(2026, 11, 23)
    a = set(range(a0, a0 + alen))
    b = set(range(b0, b0 + blen))
    got = intervals_overlap(base + dt.timedelta(minutes=a0), base + dt.timedelta(minutes=a0 + alen),
                            base + dt.timedelta(minutes=b0), base + dt.timedelta(minutes=b0 + blen))
    assert got == bool(a & b)


# --- vocabulary and defaults ------------------------------------------------------------------

def test_vocabulary_values():
    assert [p.value for p in Phase] == ["intake", "stabilization", "maintenance", "integration",
                                        "discharged"]
    assert {k.value for k in Kind} == {"consult", "infusion", "assessment"}
    assert {s.value for s in Status} == {"booked", "arrived", "in_chair", "recovery",
                                         "completed", "no_show", "cancelled"}


def test_seen_statuses():
    assert SEEN_STATUSES == {Status.ARRIVED, Status.IN_CHAIR, Status.RECOVERY, Status.COMPLETED}


def test_defaults_from_domain_md():
    assert DEFAULT_DURATION_MINUTES == {Kind.CONSULT: 60, Kind.INFUSION: 90,
                                        Kind.ASSESSMENT: 30}
    assert KINDS_NEEDING_CHAIR == {Kind.INFUSION}
    assert STABILIZATION_TARGET_DEFAULT == 6
    assert list(STABILIZATION_TARGET_RANGE) == [3, 4, 5, 6, 7, 8]
    assert MAINTENANCE_INTERVAL_DEFAULT == 1
    assert list(MAINTENANCE_INTERVAL_RANGE) == list(range(1, 13))


def test_clinic_defaults():
    clinic = ClinicSettings()
    assert DEFAULT_CHAIRS == ("Chair 1", "Chair 2", "Chair 3", "Chair 4")
    assert (clinic.opens, clinic.closes) == (dt.time(8, 0), dt.time(18, 0))
    monday = dt.date(2026, 11, 23)
    assert monday.weekday() == 0
    for offset in range(5):  # Mon-Fri open, 10 h
        assert clinic.is_open_on(monday + dt.timedelta(days=offset))
        assert clinic.open_minutes(monday + dt.timedelta(days=offset)) == 600
    for offset in (5, 6):    # weekend closed
        assert not clinic.is_open_on(monday + dt.timedelta(days=offset))
        assert clinic.open_minutes(monday + dt.timedelta(days=offset)) == 0
    assert clinic.phone_region == "US"
    assert {k: clinic.duration_of(k) for k in Kind} == {Kind.CONSULT: 60, Kind.INFUSION: 90,
                                                        Kind.ASSESSMENT: 30}


def test_clinic_configurable_hours_and_lengths():
    clinic = ClinicSettings(open_weekdays=(5,), opens=dt.time(9, 30), closes=dt.time(13, 0),
                            durations={Kind.INFUSION: 120})
    saturday = dt.date(2026, 11, 28)
    assert clinic.open_minutes(saturday) == 210
    assert clinic.open_minutes(saturday - dt.timedelta(days=1)) == 0
    assert clinic.duration_of(Kind.INFUSION) == 120
    assert clinic.duration_of(Kind.CONSULT) == 60   # falls back to the default
