"""Finding free starts (domain.slots): inside opening hours, clear of every taken chair
interval and of the patient's own appointments, the earliest first; the spread of
alternatives read out on the phone; the sweep that finds each start's first free chair."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontdesk.domain.clinic import ClinicSettings
from frontdesk.domain.errors import Conflict
from frontdesk.domain.model import intervals_overlap
from frontdesk.domain.slots import (START_STEP_MINUTES, Slot, SlotTaken, first_free_chairs,
                                    fits_hours, free_slots, grid_starts, patient_starts, spread)

D, T = dt.date, dt.datetime
MONDAY = D(2026, 11, 23)
DAYS = 4  # Monday to Thursday, and the Sunday before for a closed day
FIRST_DAY = MONDAY - dt.timedelta(days=1)
LAST_DAY = MONDAY + dt.timedelta(days=DAYS - 1)
CHAIRS = ["Chair 1", "Chair 2", "Chair 3"]
CLINIC = ClinicSettings()  # Mon-Fri 08:00-18:00


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return T.combine(day, dt.time(hour, minute))


def minutes(n: int) -> dt.timedelta:
    return dt.timedelta(minutes=n)


# --- strategies -----------------------------------------------------------------------------

def _moment(step: int = 5):
    """A time from the Sunday to the Thursday, on a `step`-minute grid (so touching and
    overlapping intervals are both common)."""
    span = (DAYS + 1) * 24 * 60 // step
    return st.integers(0, span).map(lambda n: T.combine(FIRST_DAY, dt.time()) + minutes(n * step))


@st.composite
def clinics(draw) -> ClinicSettings:
    weekdays = draw(st.sets(st.integers(0, 6), min_size=1, max_size=7))
    opens = dt.time(draw(st.integers(6, 10)), draw(st.sampled_from([0, 10, 15, 30, 45])))
    closes = dt.time(draw(st.integers(11, 20)), draw(st.sampled_from([0, 20, 30])))
    return ClinicSettings(open_weekdays=tuple(sorted(weekdays)), opens=opens, closes=closes)


@st.composite
def chair_intervals(draw) -> list[tuple[dt.datetime, dt.datetime]]:
    """One chair's taken intervals: never overlapping each other (the database's guard),
    sometimes touching, in any order."""
    starts = sorted(draw(st.lists(_moment(), max_size=10, unique=True)))
    taken = []
    for n, start in enumerate(starts):
        if taken and start < taken[-1][1]:
            continue
        limit = starts[n + 1] if n + 1 < len(starts) else start + minutes(480)
        length = draw(st.sampled_from([15, 30, 45, 60, 90, 120, 240]))
        end = min(start + minutes(length), limit)  # touching the next when cut
        if end > start:
            taken.append((start, end))
    return draw(st.permutations(taken))


def patient_intervals():
    """The patient's appointments: they may overlap each other (a stale booked one)."""
    return st.lists(st.tuples(_moment(), st.sampled_from([30, 60, 90])).map(
        lambda p: (p[0], p[0] + minutes(p[1]))), max_size=5)


# --- a reference: every grid start checked by hand ----------------------------------------------

def reference(settings: ClinicSettings, length: int, after: dt.datetime, last_day: dt.date,
              chairs: list[str] | None, chair_taken: dict, patient_taken: list) -> list[Slot]:
    found = []
    day = after.date()
    while day <= last_day:
        if day.weekday() in settings.open_weekdays:
            start = T.combine(day, settings.opens)
            while start + minutes(length) <= T.combine(day, settings.closes):
                end = start + minutes(length)
                free = (start >= after and not any(
                    s < end and start < e for s, e in patient_taken))
                if free and chairs is None:
                    found.append(Slot(start, end, None))
                elif free:
                    for chair in chairs:
                        if not any(s < end and start < e for s, e in chair_taken.get(chair, [])):
                            found.append(Slot(start, end, chair))
                            break
                start += minutes(START_STEP_MINUTES)
        day += dt.timedelta(days=1)
    return found


finder_cases = dict(
    settings=clinics(), length=st.sampled_from([15, 30, 60, 90, 120]),
    after=_moment(step=1),
    chair_count=st.integers(0, 3),
    taken=st.lists(chair_intervals(), min_size=3, max_size=3),
    patient=patient_intervals(),
)


@settings(max_examples=200, deadline=None)
@given(**finder_cases)
def test_the_finder_gives_exactly_the_free_grid_starts_earliest_first(
        settings, length, after, chair_count, taken, patient):
    chairs = CHAIRS[:chair_count] if chair_count else None  # 0: a kind with no chair
    chair_taken = dict(zip(CHAIRS, taken))
    got = list(free_slots(settings, length, after, LAST_DAY, chairs=chairs,
                          chair_taken=chair_taken, patient_taken=patient))
    assert got == reference(settings, length, after, LAST_DAY, chairs, chair_taken, patient)


@settings(max_examples=200, deadline=None)
@given(**finder_cases)
def test_every_slot_is_inside_the_hours_and_clear_of_everything_taken(
        settings, length, after, chair_count, taken, patient):
    chairs = CHAIRS[:chair_count] if chair_count else None
    chair_taken = dict(zip(CHAIRS, taken))
    got = list(free_slots(settings, length, after, LAST_DAY, chairs=chairs,
                          chair_taken=chair_taken, patient_taken=patient))
    assert [s.start for s in got] == sorted({s.start for s in got})  # time order, one a start
    for slot in got:
        day = slot.start.date()
        assert day.weekday() in settings.open_weekdays and day <= LAST_DAY
        assert T.combine(day, settings.opens) <= slot.start
        assert slot.end == slot.start + minutes(length)
        assert slot.end <= T.combine(day, settings.closes)
        assert fits_hours(settings, slot.start, slot.end)
        assert slot.start >= after
        since_opening = slot.start - T.combine(day, settings.opens)
        assert since_opening % minutes(START_STEP_MINUTES) == dt.timedelta(0)
        assert not any(intervals_overlap(slot.start, slot.end, s, e) for s, e in patient)
        if chairs is None:
            assert slot.chair is None
        else:
            assert slot.chair in chairs
            assert not any(intervals_overlap(slot.start, slot.end, s, e)
                           for s, e in chair_taken[slot.chair])
            # the first free chair in the clinic's order
            for earlier in chairs[:chairs.index(slot.chair)]:
                assert any(intervals_overlap(slot.start, slot.end, s, e)
                           for s, e in chair_taken[earlier])


def test_the_finder_skips_a_taken_chair_and_the_patients_own_time():
    chair_taken = {"Chair 1": [(at(MONDAY, 8), at(MONDAY, 9, 30))],
                   "Chair 2": [(at(MONDAY, 8), at(MONDAY, 8, 30))]}
    patient = [(at(MONDAY, 8, 30), at(MONDAY, 9))]
    got = list(free_slots(CLINIC, 90, at(MONDAY, 0), MONDAY, chairs=["Chair 1", "Chair 2"],
                          chair_taken=chair_taken, patient_taken=patient))
    # 08:00 (Chair 2 taken, Chair 1 taken) ... the patient's 08:30-09:00 blocks up to 09:00
    assert got[:3] == [Slot(at(MONDAY, 9), at(MONDAY, 10, 30), "Chair 2"),
                       Slot(at(MONDAY, 9, 15), at(MONDAY, 10, 45), "Chair 2"),
                       Slot(at(MONDAY, 9, 30), at(MONDAY, 11), "Chair 1")]  # touching: free
    assert got[-1] == Slot(at(MONDAY, 16, 30), at(MONDAY, 18), "Chair 1")  # ends at closing


def test_nothing_when_every_chair_is_full_all_day():
    full = [(at(MONDAY, 7), at(MONDAY, 19))]
    assert list(free_slots(CLINIC, 30, at(MONDAY, 0), MONDAY, chairs=CHAIRS,
                           chair_taken={c: full for c in CHAIRS})) == []
    assert list(free_slots(CLINIC, 30, at(MONDAY, 0), MONDAY, chairs=[],
                           chair_taken={})) == []  # a clinic without chairs


def test_a_consult_needs_no_chair_even_when_every_chair_is_full():
    full = [(at(MONDAY, 7), at(MONDAY, 19))]
    got = list(free_slots(CLINIC, 60, at(MONDAY, 17), MONDAY, chairs=None,
                          chair_taken={c: full for c in CHAIRS}))
    assert got == [Slot(at(MONDAY, 17), at(MONDAY, 18), None)]


def test_the_grid_starts_at_opening_even_off_the_quarter_hour():
    clinic = ClinicSettings(opens=dt.time(8, 10), closes=dt.time(10, 0))
    starts = list(grid_starts(clinic, 60, at(MONDAY, 8, 11), MONDAY))
    assert starts == [at(MONDAY, 8, 25), at(MONDAY, 8, 40), at(MONDAY, 8, 55)]


def test_the_grid_skips_closed_days_and_stops_at_the_last_day():
    friday, saturday = D(2026, 11, 27), D(2026, 11, 28)
    starts = list(grid_starts(CLINIC, 480, at(friday, 9, 1), friday + dt.timedelta(days=3)))
    # Friday 09:01: 10:00 is the last start of an 8-hour appointment; then Monday
    assert [s for s in starts if s.date() == friday] == [at(friday, 9, 15), at(friday, 9, 30),
                                                          at(friday, 9, 45), at(friday, 10)]
    assert all(s.date() != saturday and s.weekday() < 5 for s in starts)
    assert max(starts) == at(D(2026, 11, 30), 10)
    assert list(grid_starts(CLINIC, 660, at(MONDAY, 0), MONDAY)) == []  # longer than the day


# --- fits_hours -----------------------------------------------------------------------------

@pytest.mark.parametrize(("start", "length", "fits"), [
    (at(MONDAY, 8), 90, True),                # from opening
    (at(MONDAY, 7, 59), 90, False),           # a minute early
    (at(MONDAY, 16, 30), 90, True),           # ends at closing
    (at(MONDAY, 16, 31), 90, False),          # a minute late
    (at(MONDAY, 12, 10), 5, True),            # off the grid is fine
    (at(D(2026, 11, 22), 10), 60, False),     # Sunday: closed
    (at(D(2026, 11, 21), 10), 60, False),     # Saturday: closed
    (at(MONDAY, 17), 480, False),             # past midnight
])
def test_fits_hours(start, length, fits):
    assert fits_hours(CLINIC, start, start + minutes(length)) is fits


def test_fits_hours_follows_the_clinics_own_days_and_hours():
    saturday_clinic = ClinicSettings(open_weekdays=(5,), opens=dt.time(9), closes=dt.time(13))
    saturday = D(2026, 11, 21)
    assert fits_hours(saturday_clinic, at(saturday, 9), at(saturday, 13))
    assert not fits_hours(saturday_clinic, at(saturday, 12), at(saturday, 13, 30))
    assert not fits_hours(saturday_clinic, at(MONDAY, 9), at(MONDAY, 10))


# --- first_free_chairs ----------------------------------------------------------------------

def _first_free_by_hand(starts, length, chairs, taken):
    return [next((c for c in chairs
                  if not any(name == c and intervals_overlap(start, start + length, s, e)
                             for name, s, e in taken)), None)
            for start in starts]


@settings(max_examples=300, deadline=None)
@given(chair_count=st.integers(0, 4), data=st.data(),
       starts=st.lists(_moment(step=5), max_size=12), length=st.integers(1, 300),
       overlapping=st.lists(st.tuples(st.sampled_from(CHAIRS + ["Retired"]), _moment(),
                                      st.integers(0, 240)), max_size=6))
def test_first_free_chairs_agree_with_checking_every_chair(chair_count, data, starts, length,
                                                           overlapping):
    """Each start's first chair (in the clinic's order) with nothing reaching into it; the
    intervals come in any order, a retired chair's count for nothing, and even intervals
    overlapping in one chair (which the database's guard forbids) are counted right."""
    chairs = CHAIRS[:chair_count]
    taken = [(c, s, e) for c in CHAIRS + ["Retired"] for s, e in data.draw(chair_intervals())]
    taken += [(c, s, s + minutes(n)) for c, s, n in overlapping]
    starts = sorted(starts)
    taken = data.draw(st.permutations(taken))
    got = first_free_chairs(starts, minutes(length), chairs, taken)
    assert got == _first_free_by_hand(starts, minutes(length), chairs, taken)


def test_first_free_chairs_half_open_and_in_the_clinics_order():
    taken = [("Chair 1", at(MONDAY, 10), at(MONDAY, 11, 30)),
             ("Chair 1", at(MONDAY, 8), at(MONDAY, 9)),
             ("Chair 2", at(MONDAY, 8, 30), at(MONDAY, 12)),
             ("Chair 0", at(MONDAY, 0), at(MONDAY, 23))]  # retired: not in the chairs
    starts = [at(MONDAY, 7), at(MONDAY, 8, 59), at(MONDAY, 9), at(MONDAY, 9, 30),
              at(MONDAY, 10, 15), at(MONDAY, 11, 30)]
    got = first_free_chairs(starts, minutes(60), ["Chair 1", "Chair 2", "Chair 3"], taken)
    # 07:00-08:00 touches Chair 1's 08:00; 08:59 meets it; 09:00-10:00 fits between, touching
    # both; 09:30 meets Chair 1's 10:00 and Chair 2; 10:15 inside both; 11:30 touches the end
    assert got == ["Chair 1", "Chair 3", "Chair 1", "Chair 3", "Chair 3", "Chair 1"]
    assert first_free_chairs(starts, minutes(60), [], taken) == [None] * len(starts)
    assert first_free_chairs([], minutes(60), ["Chair 1"], taken) == []
    assert first_free_chairs([at(MONDAY, 10)], minutes(30), ["Chair 1", "Chair 2"],
                             taken) == [None]  # every chair held


def test_first_free_chairs_wants_the_starts_in_time_order():
    with pytest.raises(ValueError, match="time order"):
        first_free_chairs([at(MONDAY, 10), at(MONDAY, 9)], minutes(30), ["Chair 1"], [])


def test_patient_starts_leave_out_the_patients_days_and_times():
    got = list(patient_starts(CLINIC, 90, at(MONDAY, 15), MONDAY + dt.timedelta(days=2),
                              patient_taken=[(at(MONDAY, 16), at(MONDAY, 16, 15))],
                              patient_days={MONDAY + dt.timedelta(days=1)}))
    wednesday = MONDAY + dt.timedelta(days=2)
    assert got[:2] == [at(MONDAY, 16, 15), at(MONDAY, 16, 30)]  # 15:00-16:00 all meet it
    assert got[2] == at(wednesday, 8)  # nothing on Tuesday


# --- spread ---------------------------------------------------------------------------------

def _slots_from(starts: list[dt.datetime]) -> list[Slot]:
    return [Slot(s, s + minutes(90), "Chair 1") for s in sorted(set(starts))]


@settings(max_examples=200, deadline=None)
@given(starts=st.lists(_moment(step=15), max_size=40), count=st.integers(0, 8),
       gap=st.sampled_from([0, 30, 60, 120]), per_day=st.integers(1, 4))
def test_spread_keeps_its_rules_and_skips_only_for_them(starts, count, gap, per_day):
    slots = _slots_from(starts)
    chosen = spread(slots, count, min_gap_minutes=gap, per_day=per_day)
    assert len(chosen) <= count
    assert chosen == [s for s in slots if s in chosen]  # in the order found, no repeats
    if slots and count:
        assert chosen[0] == slots[0]  # the first free start is always offered
    for day in {s.day for s in chosen}:
        that_day = [s.start for s in chosen if s.day == day]
        assert len(that_day) <= per_day
        assert all(b - a >= minutes(gap) for a, b in zip(that_day, that_day[1:]))
    # greedy: a slot passed over before the list was full broke one of the rules
    if len(chosen) < count:
        for slot in slots:
            if slot in chosen:
                continue
            before = [s for s in chosen if s.day == slot.day and s.start < slot.start]
            assert len(before) >= per_day or (
                before and slot.start - before[-1].start < minutes(gap))


def test_spread_reaches_other_days():
    monday = [at(MONDAY, 8) + minutes(15 * n) for n in range(40)]
    tuesday = [at(MONDAY + dt.timedelta(days=1), 8) + minutes(15 * n) for n in range(40)]
    chosen = spread(_slots_from(monday + tuesday), 5)
    assert [s.start for s in chosen] == [at(MONDAY, 8), at(MONDAY, 9), at(MONDAY, 10),
                                         at(MONDAY + dt.timedelta(days=1), 8),
                                         at(MONDAY + dt.timedelta(days=1), 9)]
    assert spread(_slots_from(monday), 0) == []
    assert spread([], 5) == []


def test_slot_taken_is_a_conflict_carrying_alternatives():
    alternative = Slot(at(MONDAY, 9), at(MONDAY, 10, 30), "Chair 2")
    error = SlotTaken("Chair 1 is taken", (alternative,))
    assert isinstance(error, Conflict) and str(error) == "Chair 1 is taken"
    assert error.alternatives == (alternative,)
    assert SlotTaken("taken").alternatives == ()
    assert alternative.day == MONDAY
