"""The census over a range of days (services.census.census_range) against the census of each
day on its own, against the lists' own SQL of each day (services.lists.list_sizes), and
against the pure rules (domain.lists, domain.phases) on generated clinics whose phase
histories change inside the range, on SQLite and PostgreSQL; and the pieces the range is
counted with: the stretches, the phase runs, the literal id lists."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdesk import clock
from frontdesk.db import models as m
from frontdesk.db import queries as q
from frontdesk.domain import lists as rules
from frontdesk.domain.dates import one_month_before
from frontdesk.domain.lists import PatientRecord, Visit, compute_lists
from frontdesk.domain.model import ACTIVE_PHASES, SEEN_STATUSES, Kind, Phase, Status
from frontdesk.domain.phases import DayChange, PhaseChange, phase_in_history, phase_timeline
from frontdesk.services import census as c
from frontdesk.services.lists import list_sizes
from frontdesk.services.reports import census_dict

from test_lists_agree import _store, examples

D = dt.date
LISTS = ("mid_stabilization", "due_for_maintenance", "not_seen_over_a_month")


def at(day: D, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


# --- the reference: each day's standing from the pure rules ---------------------------------

def expected_standing(patients: list[PatientRecord], day: D) -> tuple[dict, dict]:
    """(active_by_phase, list sizes) as of `day`, from domain.phases and domain.lists."""
    phases = Counter()
    for p in patients:
        standing = p.phase_as_of(day)
        if standing is not None:
            phases[standing[0].value] += 1
    desk = compute_lists(patients, day)
    return ({ph.value: phases[ph.value] for ph in ACTIVE_PHASES},
            {name: len(getattr(desk, name)) for name in LISTS})


def expected_new(patients: list[PatientRecord], day: D) -> int:
    """Patients whose first day ever seen is `day`."""
    seen = {s for s in SEEN_STATUSES}
    return sum(1 for p in patients
               if min((v.start.date() for v in p.visits if v.status in seen),
                      default=None) == day)


def check_range(patients: list[PatientRecord], first: D, last: D) -> list[c.Census]:
    """census_range(first, last) is census(day) for each day, and each day's standing and new
    patients are the rules' and the per-day SQL's."""
    days = list(c.census_range(first, last))
    assert [d.date for d in days] == c.days_between(first, last)
    for i, got in enumerate(days):
        alone = c.census(got.date)
        assert census_dict(got) == census_dict(alone), got.date
        assert got == alone, got.date  # chairs and minutes too
        phases, sizes = expected_standing(patients, got.date)
        assert got.active_by_phase == phases, got.date
        assert got.lists == sizes, got.date
        assert got.new_patients == expected_new(patients, got.date), got.date
        if i % 7 == 0 or got.date == last:  # the lists' own SQL, on some of the days
            assert got.lists == list_sizes(got.date), got.date
            assert got.active_by_phase == c.active_by_phase(got.date), got.date
    return days


# --- generated clinics: phase changes inside the range -----------------------------------------

BASES = [D(2026, 11, 21), D(2026, 3, 1), D(2028, 2, 29), D(2026, 1, 31), D(2026, 12, 31)]


@st.composite
def ranges(draw):
    """(patients, first, last, today): a range of 1 to 45 days (one stretch or two),
    before, around or after today; histories that change inside it."""
    base = draw(st.sampled_from(BASES))
    length = draw(st.sampled_from([1, 2, 8, 22, 28, 30, 32, 45]))
    first = base - dt.timedelta(days=draw(st.sampled_from([0, 3, 20, 40])))
    last = first + dt.timedelta(days=length - 1)
    today = draw(st.sampled_from([last + dt.timedelta(days=1), last, first,
                                  first + dt.timedelta(days=length // 2),
                                  last + dt.timedelta(days=30)]))

    def a_day(low: int, high: int) -> D:  # days around the range
        return first + dt.timedelta(days=draw(st.integers(low, length + high)))

    patients = []
    for n in range(draw(st.integers(1, 10))):
        registered = a_day(-90, 5)
        changes, phase, since = [], None, None
        if draw(st.booleans()):  # imported: the history starts with a phase, or from nothing
            phase = draw(st.sampled_from(list(Phase)))
        day = registered if phase is None else a_day(-60, 0)
        for _ in range(draw(st.sampled_from([0, 1, 2, 3, 4]))):
            if day > today:
                break
            to = draw(st.sampled_from(list(Phase)))
            hour = draw(st.sampled_from([0, 9, 23]))
            recorded = since if since is not None and draw(st.booleans()) else None
            changes.append(PhaseChange(at=at(day, hour, 15), from_phase=phase, to_phase=to,
                                       from_since=recorded))
            phase, since = to, day
            day += dt.timedelta(days=draw(st.sampled_from([0, 1, 3, 7, 12, 25, 31])))
        if changes:  # the stored columns are where the history ends
            stored, stored_since = changes[-1].to_phase, changes[-1].at.date()
        else:
            stored, stored_since = draw(st.sampled_from(list(Phase))), a_day(-60, 0)
        visits = []
        for _ in range(draw(st.integers(0, 8))):
            kind = draw(st.sampled_from([Kind.INFUSION, Kind.INFUSION, Kind.CONSULT,
                                         Kind.ASSESSMENT]))
            status = draw(st.sampled_from([Status.COMPLETED, Status.COMPLETED, Status.BOOKED,
                                           Status.NO_SHOW, Status.CANCELLED, Status.ARRIVED]))
            start = at(a_day(-400, 40), draw(st.sampled_from([8, 9, 12, 16])), 30)
            visits.append(Visit(start=start, kind=kind, status=status))
        patients.append(PatientRecord(
            patient_id=f"R-{n:03d}", last_name="Range", first_name=str(n), phase=stored,
            phase_since=stored_since, registered_on=registered,
            stabilization_target=draw(st.integers(3, 8)),
            maintenance_interval_months=draw(st.sampled_from([1, 1, 1, 2, 3, 12])),
            visits=tuple(visits), history=tuple(changes)))
    return patients, first, last, today


@examples(60)
@given(clinic=ranges())
def test_a_range_is_its_days_on_generated_clinics(any_db, clinic):
    patients, first, last, today = clinic
    clock.set_today(today)
    try:
        _store(patients)
        check_range(patients, first, last)
    finally:
        clock.set_today(None)


# --- a clinic by hand: every kind of change inside a 30-day range ------------------------------
#
# The range is Oct 22 to Nov 20, 2026; today is Nov 20 (the stored columns hold from today on).
#   S-1 stabilization since Oct 1 (infusions Oct 1, 8, 15, 22, 29); the 6th on Nov 5 moves
#       it to maintenance: mid-stabilization until Nov 4, due for maintenance from Nov 29 on
#       (Dec 5 - 7 days: after the range).
#   M-1 maintenance since Jun 1, last infusion Sep 10 (due since Oct 3), discharged Nov 10.
#   M-2 maintenance since May 1, last infusion Sep 30 (due Oct 30, from Oct 23), infused again
#       Nov 3 (not due after), nothing booked.
#   M-3 maintenance, last infusion Sep 25 (due Oct 25), one booked Nov 12: not due up to it,
#       due again from Nov 13 (a booking in the past counts for nothing).
#   G-1 integration since Aug 1 (last seen Sep 1), back to stabilization Nov 14.
#   N-1 registered Nov 2, never seen (intake); N-2 registered Nov 2 with an import's visit
#       from 2025 (not seen in over a month from registration on).
#   X-1 discharged Oct 25 from intake, seen Oct 1.
RANGE_FIRST, RANGE_LAST = D(2026, 10, 22), D(2026, 11, 20)


def hand_made() -> list[PatientRecord]:
    I, S, M, G, X = (Phase.INTAKE, Phase.STABILIZATION, Phase.MAINTENANCE, Phase.INTEGRATION,
                     Phase.DISCHARGED)
    done = lambda day: Visit(at(day, 9), Kind.INFUSION, Status.COMPLETED)  # noqa: E731
    return [
        PatientRecord("S-1", "Stab", "One", M, D(2026, 11, 5), D(2026, 9, 20),
                      visits=tuple(done(D(2026, mo, d)) for mo, d in
                                   ((10, 1), (10, 8), (10, 15), (10, 22), (10, 29), (11, 5))),
                      history=(PhaseChange(at(D(2026, 9, 20)), None, I),
                               PhaseChange(at(D(2026, 10, 1)), I, S, D(2026, 9, 20)),
                               PhaseChange(at(D(2026, 11, 5)), S, M, D(2026, 10, 1)))),
        PatientRecord("M-1", "Maint", "One", X, D(2026, 11, 10), D(2026, 1, 5),
                      visits=(done(D(2026, 9, 10)),),
                      history=(PhaseChange(at(D(2026, 6, 1)), S, M),
                               PhaseChange(at(D(2026, 11, 10)), M, X, D(2026, 6, 1)))),
        PatientRecord("M-2", "Maint", "Two", M, D(2026, 5, 1), D(2026, 1, 5),
                      visits=(done(D(2026, 9, 30)), done(D(2026, 11, 3)))),
        PatientRecord("M-3", "Maint", "Three", M, D(2026, 5, 1), D(2026, 1, 5),
                      visits=(done(D(2026, 9, 25)),
                              Visit(at(D(2026, 11, 12), 9), Kind.INFUSION, Status.BOOKED))),
        PatientRecord("G-1", "Integ", "One", S, D(2026, 11, 14), D(2026, 1, 5),
                      visits=(Visit(at(D(2026, 9, 1), 10), Kind.ASSESSMENT, Status.COMPLETED),),
                      history=(PhaseChange(at(D(2026, 8, 1)), M, G),
                               PhaseChange(at(D(2026, 11, 14)), G, S))),
        PatientRecord("N-1", "New", "One", I, D(2026, 11, 2), D(2026, 11, 2),
                      history=(PhaseChange(at(D(2026, 11, 2), 9), None, I),)),
        PatientRecord("N-2", "New", "Two", I, D(2026, 11, 2), D(2026, 11, 2),
                      visits=(Visit(at(D(2025, 6, 2), 10), Kind.CONSULT, Status.COMPLETED),)),
        PatientRecord("X-1", "Disch", "One", X, D(2026, 10, 25), D(2026, 6, 1),
                      visits=(Visit(at(D(2026, 10, 1), 10), Kind.CONSULT, Status.COMPLETED),),
                      history=(PhaseChange(at(D(2026, 10, 25)), I, X),)),
    ]


@pytest.fixture
def hand_clinic(any_db):
    clock.set_today(RANGE_LAST)
    patients = hand_made()
    _store(patients)
    yield patients
    clock.set_today(None)


def test_a_month_with_every_kind_of_change(hand_clinic):
    days = {d.date: d for d in check_range(hand_clinic, RANGE_FIRST, RANGE_LAST)}
    mid = lambda day: days[day].lists["mid_stabilization"]  # noqa: E731
    # S-1 mid-stabilization to Nov 4, maintenance from Nov 5; G-1 from Nov 14
    assert (mid(D(2026, 11, 4)), mid(D(2026, 11, 5)), mid(D(2026, 11, 14))) == (1, 0, 1)
    due = lambda day: days[day].lists["due_for_maintenance"]  # noqa: E731
    # Oct 22: M-1 (due Oct 10); Oct 23: and M-2 (due Oct 30, within 7 days); Nov 3: M-2
    # infused (due Dec 3); Nov 10: M-1 discharged; Nov 13: M-3, its Nov 12 booking past (due
    # Oct 25)
    assert [due(D(2026, 10, 22)), due(D(2026, 10, 23)), due(D(2026, 11, 2)),
            due(D(2026, 11, 3)), due(D(2026, 11, 9)), due(D(2026, 11, 10)),
            due(D(2026, 11, 12)), due(D(2026, 11, 13))] == [1, 2, 2, 1, 1, 0, 0, 1]
    # new: nobody is seen for the first time in the range (N-2's visit is from 2025)
    assert sum(d.new_patients for d in days.values()) == 0
    # Oct 24: X-1 still in intake (discharged the next day); N-1 and N-2 not registered yet
    phases = days[D(2026, 10, 24)].active_by_phase
    assert phases == {"intake": 1, "stabilization": 1, "maintenance": 3, "integration": 1}


def test_the_range_after_today_and_a_year(hand_clinic):
    """Stretches after today read the stored columns; a year's range is its days."""
    days = check_range(hand_clinic, D(2026, 11, 1), D(2026, 12, 31))
    assert len(days) == 61
    year = list(c.census_range(D(2025, 11, 21), D(2026, 11, 20)))
    assert len(year) == 365
    for day in (D(2025, 11, 21), D(2026, 2, 28), D(2026, 3, 1), D(2026, 10, 22),
                D(2026, 11, 20)):
        assert year[(day - D(2025, 11, 21)).days] == c.census(day)


# --- the pieces -------------------------------------------------------------------------------

@pytest.mark.parametrize("first", [D(2026, 1, 31), D(2026, 2, 1), D(2028, 2, 29),
                                   D(2026, 10, 22), D(2026, 12, 31)])
def test_stretches_cover_the_range_and_each_ends_by_its_cutoff(first):
    last = first + dt.timedelta(days=400)
    runs = list(c.stretches(first, last))
    assert runs[0][0] == first and runs[-1][1] == last
    for (a, b), (after, _) in zip(runs, runs[1:]):
        assert after == b + dt.timedelta(days=1)
    for a, b in runs:
        assert a <= b and (b - a).days + 1 <= c.LONGEST_STRETCH_DAYS
        # seen on the first day, a patient is not over a month unseen on the last
        assert one_month_before(b) <= a
        # and the next day would break that (the stretch is as long as it can be)
        if b < last and (b - a).days + 1 < c.LONGEST_STRETCH_DAYS:
            assert one_month_before(b + dt.timedelta(days=1)) > a
    assert c.NOT_DUE_AFTER_INFUSION_DAYS == 28 - rules.DUE_WINDOW_DAYS


@st.composite
def histories(draw):
    first = D(2026, 3, 1) + dt.timedelta(days=draw(st.integers(0, 60)))
    day = first - dt.timedelta(days=draw(st.integers(0, 40)))
    registered = day - dt.timedelta(days=draw(st.integers(0, 30)))
    phase, changes = draw(st.sampled_from([None, *Phase])), []
    for _ in range(draw(st.integers(0, 6))):
        to = draw(st.sampled_from(list(Phase)))
        since = draw(st.sampled_from([None, day - dt.timedelta(days=3)]))
        changes.append(PhaseChange(at(day, draw(st.sampled_from([0, 9, 23]))), phase, to,
                                   since))
        phase = to
        day += dt.timedelta(days=draw(st.sampled_from([0, 0, 1, 2, 9, 30])))
    stored = (draw(st.sampled_from(list(Phase))), first - dt.timedelta(days=5))
    last = first + dt.timedelta(days=draw(st.integers(0, 45)))
    return changes, stored, registered, first, last


@examples(300)
@given(case=histories())
def test_phase_timeline_and_runs_are_phase_in_history_day_by_day(case):
    changes, stored, registered, first, last = case
    in_time = sorted(changes, key=lambda ch: ch.at)  # as SQL reads them: by at, then as written
    after = [DayChange(ch.at.date(), ch.from_phase, ch.to_phase, ch.from_since)
             for ch in in_time if ch.at.date() > first]
    before = [ch.at.date() for ch in changes if ch.at.date() <= first]
    segments = phase_timeline(after, stored, registered, max(before, default=None),
                              first, last)
    by_day = {first + dt.timedelta(days=i): (phase, since)
              for begin, end, phase, since in segments
              for i in range((begin - first).days, (end - first).days + 1)}
    expected = {day: phase_in_history(changes, stored[0], stored[1], registered, day)
                for day in c.days_between(first, last)}
    assert by_day == expected
    # the census's runs, in day indexes: the same phases; the stored one from `history_end`
    n = (last - first).days + 1
    for history_end in (n - 1, n // 2, -1):
        runs = c.phase_runs([((ch.day - first).days, ch.from_phase or ch.to_phase)
                             for ch in after], stored[0].value, history_end, n)
        assert [b for b, _, _, _ in runs] == sorted(b for b, _, _, _ in runs)
        phases = {i: phase for b, e, phase, _ in runs for i in range(b, e + 1)}
        assert phases == {i: (expected[first + dt.timedelta(days=i)][0].value
                              if i <= history_end else stored[0].value) for i in range(n)}


def test_one_of_names_ids_as_numbers(any_db):
    clock.set_today(D(2026, 11, 21))
    _store([PatientRecord(f"O-{n}", "One", "Of", Phase.INTAKE, D(2026, 1, 1), D(2026, 1, 1))
            for n in range(5)])
    ids = [pid for (pid,) in m.Patient.select(m.Patient.id).order_by(m.Patient.id).tuples()]
    chosen = lambda subset: sorted(  # noqa: E731
        pid for (pid,) in m.Patient.select(m.Patient.id)
        .where(q.one_of(m.Patient.id, subset)).tuples())
    assert chosen(ids[1:4]) == ids[1:4]
    assert chosen([]) == []
    assert chosen(iter([ids[0], ids[0]])) == [ids[0]]
    with pytest.raises(ValueError):
        q.one_of(m.Patient.id, ["1); DROP TABLE patient; --"])


def test_a_range_without_chairs_is_the_same_but_for_them(hand_clinic):
    with_chairs = list(c.census_range(RANGE_FIRST, RANGE_LAST))
    without = list(c.census_range(RANGE_FIRST, RANGE_LAST, chairs=False))
    assert all(day.chairs == () for day in without)
    assert [dataclasses.replace(day, chairs=()) for day in with_chairs] == without
    assert any(day.chairs for day in with_chairs)


def test_a_change_stamped_after_today_counts_before_today_only(any_db):
    """The history answers for the days before today, the stored columns from today on
    (services.lists.phase_as_of), also for a change stamped later than today (a clock set
    back): a range across today reads each day as census(day) does."""
    today = D(2026, 11, 10)
    clock.set_today(today)
    try:
        _store([PatientRecord(
            "F-1", "Future", "One", Phase.MAINTENANCE, D(2026, 11, 15), D(2026, 1, 5),
            visits=(Visit(at(D(2026, 9, 1), 9), Kind.INFUSION, Status.COMPLETED),),
            history=(PhaseChange(at(D(2026, 11, 15)), Phase.INTEGRATION, Phase.MAINTENANCE),))])
        days = list(c.census_range(D(2026, 11, 1), D(2026, 11, 20)))
        assert [d.active_by_phase["integration"] for d in days] == [1] * 9 + [0] * 11
        assert [d.lists["due_for_maintenance"] for d in days] == [0] * 9 + [1] * 11
        assert days == [c.census(d.date) for d in days]
    finally:
        clock.set_today(None)
