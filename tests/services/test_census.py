"""The census service (services.census) on SQLite and PostgreSQL: a small clinic whose chairs
and hours come from the settings, every number worked out by hand (the comments give the
arithmetic); the day figures of a range, weeks and trends; and the grouped SQL checked
against a plain count in Python on generated data."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest

from frontdesk import clock, config
from frontdesk.db import models as m
from frontdesk.domain.model import SEEN_STATUSES, Kind
from frontdesk.services import census as c
from frontdesk.services import lists
from frontdesk.services.importer import import_csv
from frontdesk.services.reports import census_dict
from frontdesk.services.settings import push_clinic_table

D = dt.date
WEDNESDAY = D(2026, 11, 25)  # the census day
TUESDAY, MONDAY = D(2026, 11, 24), D(2026, 11, 23)

# Open Tuesday to Saturday 09:00-16:30: 450 minutes. Three active recliners (Recliner D is
# retired after the import, keeping its bookings): 3 x 450 = 1,350 chair-minutes a day.
SETTINGS = """[clinic]
opens = "09:00"
closes = "16:30"
open_days = ["tue", "wed", "thu", "fri", "sat"]
chairs = [{chairs}]
"""
CHAIRS = ["Recliner A", "Recliner B", "Recliner C"]

PATIENTS = """patient_id,first_name,last_name,date_of_birth,phase,phase_since,phone
Q-1,Ada,One,1980-01-01,stabilization,2026-11-17,650-253-0001
Q-2,Bo,Two,1980-01-01,maintenance,2026-05-01,650-253-0002
Q-3,Cy,Three,1980-01-01,intake,2026-11-01,650-253-0003
Q-4,Di,Four,1980-01-01,integration,2026-09-01,650-253-0004
Q-5,Ed,Five,1980-01-01,maintenance,2026-06-01,650-253-0005
Q-6,Fe,Six,1980-01-01,discharged,2026-10-01,650-253-0006
Q-7,Gil,Seven,1980-01-01,stabilization,2026-11-24,650-253-0007
"""
APPOINTMENTS = """patient_id,start,duration_minutes,kind,status,chair,cancelled_at
Q-2,2026-10-01T09:00,,infusion,completed,Recliner A,
Q-1,2026-11-17T09:00,,infusion,completed,Recliner A,
Q-5,2026-11-18T10:00,,infusion,no_show,Recliner B,
Q-1,2026-11-24T09:00,,infusion,completed,Recliner A,
Q-7,2026-11-24T09:00,,consult,completed,,
Q-4,2026-11-24T11:00,,infusion,no_show,Recliner B,
Q-3,2026-11-24T13:00,,assessment,cancelled,,2026-11-24T08:00
Q-1,2026-11-25T09:00,100,infusion,in_chair,Recliner A,
Q-7,2026-11-25T09:00,,infusion,completed,Recliner B,
Q-5,2026-11-25T10:30,120,infusion,completed,Recliner C,
Q-5,2026-11-25T14:00,,assessment,arrived,,
Q-2,2026-11-25T11:00,,infusion,no_show,Recliner A,
Q-4,2026-11-25T13:00,,infusion,cancelled,Recliner B,2026-11-24T13:01
Q-3,2026-11-25T15:00,,consult,cancelled,,2026-11-20T10:00
Q-3,2026-11-25T08:00,60,infusion,recovery,Recliner D,
Q-4,2026-11-25T15:00,,infusion,booked,,
"""


def push_settings(tmp_path: Path, chairs: list[str]) -> None:
    path = tmp_path / "config.toml"
    text = SETTINGS.format(chairs=", ".join(f'"{name}"' for name in chairs))
    push_clinic_table(config.parse_settings(text, path), "manager")


@pytest.fixture
def clinic(any_db, tmp_path):
    clock.set_today(WEDNESDAY)
    push_settings(tmp_path, CHAIRS + ["Recliner D"])
    (tmp_path / "p.csv").write_text(PATIENTS, encoding="utf-8")
    (tmp_path / "a.csv").write_text(APPOINTMENTS, encoding="utf-8")
    import_csv(tmp_path / "p.csv", tmp_path / "a.csv")
    push_settings(tmp_path, CHAIRS)  # Recliner D retired; its booking stays
    yield
    clock.set_today(None)


def test_the_census_of_a_busy_day_by_hand(clinic):
    assert census_dict(c.census(WEDNESDAY)) == {
        "date": "2026-11-25",
        "appointments": {
            "total": 9,  # cancelled ones included
            "by_status": {"booked": 1, "arrived": 1, "in_chair": 1, "recovery": 1,
                          "completed": 2, "no_show": 1, "cancelled": 2},
            # infusions, Q-4 (cancelled), Q-3 (Recliner D), Q-4 (no chair)
            "by_kind": {"consult": 1, "infusion": 7, "assessment": 1},
        },
        # Q-1 (in chair), Q-7, Q-5 (twice: counted once), Q-3 (recovery)
        "patients_seen": 4,
        # first day ever seen: Q-5 (a no-show before) and Q-3 (a cancellation before);
        # Q-1 was seen on 11-17 and Q-7 the day before
        "new_patients": 2,
        # 1 no-show / (1 + 5 appointments with a seen status)
        "no_show_rate": 0.1667,
        # Q-4 cancelled 23 h 59 min ahead: late; Q-3's consult five days ahead: not late
        "late_cancellations": 1,
        # non-cancelled infusions, the no-show's included: 100 + 90 + 120 + 90 + 60 (retired
        # Recliner D, before opening) + 90 (no chair) = 550 of 3 chairs x 450 minutes
        "chair_utilization": 0.4074,
        "active_by_phase": {"intake": 1, "stabilization": 2, "maintenance": 2,
                            "integration": 1},
        # mid. due: Q-2 (last infusion 10-01 + 1 month = 11-01 <= 12-02; the
        # no-show is not a booking); Q-5 completed one on D, due 12-25. not seen since before
        # 10-25: Q-2 (10-01) and Q-4 (never seen, registered 09-01)
        "lists": {"mid_stabilization": 2, "due_for_maintenance": 1,
                  "not_seen_over_a_month": 2},
    }


def test_chair_use_per_chair_by_hand(clinic):
    census = c.census(WEDNESDAY)
    assert [(u.chair, u.booked_minutes, u.open_minutes, u.active, u.utilization)
            for u in census.chairs] == [
        ("Recliner A", 190, 450, True, 0.4222),   # Q-1 100 + Q-2's no-show 90
        ("Recliner B", 90, 450, True, 0.2),       # Q-7; Q-4's cancelled infusion is not
        ("Recliner C", 120, 450, True, 0.2667),
        ("Recliner D", 60, 450, False, 0.1333),   # retired: listed because it holds minutes
        ("no chair", 90, 450, False, 0.2),        # Q-4's imported infusion without a chair
    ]
    assert (census.chair_minutes, census.capacity_minutes) == (550, 1350)
    # the chairs together hold what the overall figure counts
    assert sum(u.booked_minutes for u in census.chairs) == census.chair_minutes


def test_a_closed_day_has_no_capacity_and_lists_only_active_chairs(clinic):
    monday = c.census(MONDAY)  # closed on Mondays
    assert (monday.total, monday.capacity_minutes, monday.chair_utilization) == (0, 0, 0.0)
    assert [(u.chair, u.booked_minutes, u.open_minutes) for u in monday.chairs] == [
        (name, 0, 0) for name in CHAIRS]  # Recliner D holds nothing that day: left out
    assert monday.chairs[0].utilization == 0.0


def test_the_day_before_by_hand(clinic):
    (tuesday,) = c.daily_figures(TUESDAY, TUESDAY)
    assert tuesday.by_status == {"booked": 0, "arrived": 0, "in_chair": 0, "recovery": 0,
                                 "completed": 2, "no_show": 1, "cancelled": 1}
    assert tuesday.by_kind == {"consult": 1, "infusion": 2, "assessment": 1}
    assert (tuesday.total, tuesday.patients_seen, tuesday.new_patients) == (4, 2, 1)  # Q-7 new
    assert (tuesday.no_shows, tuesday.seen_appointments, tuesday.no_show_rate) == (1, 2, 0.3333)
    assert tuesday.late_cancellations == 1  # cancelled 5 h ahead
    # Q-1 90 + Q-4's no-show 90 = 180 of 1,350
    assert (tuesday.chair_minutes, tuesday.capacity_minutes) == (180, 1350)
    assert tuesday.chair_utilization == 0.1333


def test_the_week_by_hand(clinic):
    week = c.week_figures(WEDNESDAY)
    assert [f.first for f in week] == [D(2026, 11, 23) + dt.timedelta(days=i) for i in range(7)]
    assert [f.open_days for f in week] == [0, 1, 1, 1, 1, 1, 0]  # Tuesday to Saturday
    assert [f.total for f in week] == [0, 4, 9, 0, 0, 0, 0]
    assert [f.capacity_minutes for f in week] == [0, 1350, 1350, 1350, 1350, 1350, 0]
    total = c.combine(week)
    assert (total.first, total.last) == (D(2026, 11, 23), D(2026, 11, 29))
    assert (total.total, total.patients_seen, total.new_patients) == (13, 6, 3)
    # 2 no-shows / (2 + 7 seen appointments)
    assert (total.no_shows, total.no_show_rate) == (2, 0.2222)
    # 730 chair-minutes of 5 open days x 1,350
    assert (total.chair_minutes, total.capacity_minutes, total.chair_utilization) == (
        730, 6750, 0.1081)
    assert (total.late_cancellations, total.open_days) == (2, 5)


def test_a_week_counts_each_day_up_to_its_capacity(clinic, tmp_path):
    """A booking on a closed day, or beyond a day's chair-hours, does not lift the week: each
    day's minutes count up to that day's capacity, as the day's own figure does."""
    (tmp_path / "more.csv").write_text(
        "patient_id,start,duration_minutes,kind,status,chair\n"
        "Q-2,2026-11-29T10:00,90,infusion,booked,Recliner A\n"        # Sunday: closed
        + "".join(f"Q-{p},2026-11-27T{9 + h:02d}:00,60,infusion,booked,Recliner {c}\n"
                  for h in range(0, 8) for p, c in ((4, "A"), (7, "B"))), encoding="utf-8")
    import_csv(None, tmp_path / "more.csv")
    week = c.week_figures(WEDNESDAY)
    friday, sunday = week[4], week[6]
    # Friday: 2 chairs x 8 hours booked from 09:00 to 17:00 = 960 minutes, capacity 1,350
    assert (friday.chair_minutes, friday.used_minutes, friday.chair_utilization) == (
        960, 960, 0.7111)
    assert (sunday.chair_minutes, sunday.used_minutes, sunday.chair_utilization) == (90, 0, 0.0)
    total = c.combine(week)
    # booked: 180 + 550 + 960 + 90 = 1,780; counted: 180 + 550 + 960 = 1,690 of 6,750
    assert (total.chair_minutes, total.used_minutes) == (1780, 1690)
    assert total.chair_utilization == 0.2504


def test_the_30_day_trend_ends_on_the_chosen_day(clinic):
    trend = c.trend(WEDNESDAY)
    assert len(trend) == c.TREND_DAYS == 30
    assert (trend[0].first, trend[-1].first) == (D(2026, 10, 27), WEDNESDAY)
    busy = {f.first: (f.patients_seen, f.no_shows, f.chair_minutes) for f in trend
            if f.total}
    assert busy == {D(2026, 11, 17): (1, 0, 90), D(2026, 11, 18): (0, 1, 90),
                    D(2026, 11, 24): (2, 1, 180), WEDNESDAY: (4, 1, 550)}
    # the trend skips the new-patient count; the rest equals the day's census
    assert [f.chair_utilization for f in trend][-2:] == [0.1333, 0.4074]


def test_the_12_week_trend(clinic):
    weeks = c.weekly_trend(WEDNESDAY)
    assert len(weeks) == c.TREND_WEEKS == 12
    assert (weeks[0].first, weeks[-1].last) == (D(2026, 9, 7), D(2026, 11, 29))
    assert all(w.first.weekday() == 0 and (w.last - w.first).days == 6 for w in weeks)
    seen = {w.first: (w.patients_seen, w.no_shows) for w in weeks if w.total}
    assert seen == {D(2026, 9, 28): (1, 0),     # Q-2 on 10-01
                    D(2026, 11, 16): (1, 1),    # Q-1 on 11-17, Q-5's no-show 11-18
                    D(2026, 11, 23): (6, 2)}
    assert all(w.capacity_minutes == 5 * 1350 for w in weeks)


def test_a_range_census_equals_each_day_on_its_own(clinic):
    days = list(c.census_range(D(2026, 11, 23), D(2026, 11, 26)))
    assert [x.date for x in days] == [D(2026, 11, 23) + dt.timedelta(days=i) for i in range(4)]
    assert [census_dict(x) for x in days] == [census_dict(c.census(x.date)) for x in days]


def test_last_before_first_is_refused(clinic):
    with pytest.raises(ValueError):
        c.daily_figures(WEDNESDAY, TUESDAY)


# --- the grouped SQL against a plain count in Python -----------------------------------------

def _count_in_python(first: D, last: D, open_minutes, chairs: int) -> dict[D, dict]:
    """DOMAIN.md's census figures from every appointment row, read one by one."""
    rows = list(m.Appointment.select(m.Appointment.patient, m.Appointment.start,
                                     m.Appointment.kind, m.Appointment.status,
                                     m.Appointment.duration_minutes,
                                     m.Appointment.late_cancellation).tuples())
    seen = {s.value for s in SEEN_STATUSES}
    first_seen: dict[int, D] = {}
    for patient, start, _kind, status, _minutes, _late in rows:
        if status in seen:
            day = start.date()
            first_seen[patient] = min(first_seen.get(patient, day), day)
    out: dict[D, dict] = {}
    for day in c.days_between(first, last):
        on_day = [r for r in rows if r[1].date() == day]
        statuses = defaultdict(int)
        for r in on_day:
            statuses[r[3]] += 1
        visitors = {r[0] for r in on_day if r[3] in seen}
        out[day] = {
            "total": len(on_day), "by_status": dict(statuses),
            "patients_seen": len(visitors),
            "new_patients": sum(1 for p in visitors if first_seen[p] == day),
            "late": sum(1 for r in on_day if r[3] == "cancelled" and r[5]),
            "chair_minutes": sum(r[4] for r in on_day
                                 if r[2] == Kind.INFUSION.value and r[3] != "cancelled"),
            "capacity": chairs * open_minutes(day),
        }
    return out


def test_day_figures_agree_with_a_count_in_python(any_db):
    from frontdesk.services.clinic import clinic_settings
    from frontdesk.services.demo import generate_demo
    today = D(2026, 11, 21)
    clock.set_today(today)
    try:
        generate_demo(patients=150, seed=7, today=today)
        first, last = today - dt.timedelta(days=45), today + dt.timedelta(days=10)
        chairs = m.Chair.select().where(m.Chair.active).count()
        expected = _count_in_python(first, last, clinic_settings().open_minutes, chairs)
        figures = c.daily_figures(first, last)
    finally:
        clock.set_today(None)
    assert sum(e["total"] for e in expected.values()) > 100  # the demo filled these days
    assert sum(e["new_patients"] for e in expected.values()) > 0
    for f in figures:
        want = expected[f.first]
        assert f.total == want["total"], f.first
        assert {k: v for k, v in f.by_status.items() if v} == want["by_status"], f.first
        assert (f.patients_seen, f.new_patients, f.late_cancellations) == (
            want["patients_seen"], want["new_patients"], want["late"]), f.first
        assert (f.chair_minutes, f.capacity_minutes) == (
            want["chair_minutes"], want["capacity"]), f.first
    # the trends add the same days up
    weeks = c.weekly_trend(today)
    in_range = [w for w in weeks if w.first >= first and w.last <= last]
    assert in_range
    for w in in_range:
        days = [expected[d] for d in c.days_between(w.first, w.last)]
        assert w.patients_seen == sum(d["patients_seen"] for d in days)
        assert w.chair_minutes == sum(d["chair_minutes"] for d in days)
    assert [(f.first, f.patients_seen) for f in c.trend(today)][-16:] == [
        (d, expected[d]["patients_seen"]) for d in c.days_between(today - dt.timedelta(15), today)]


# --- the phase mix and the lists as of a past day, from the phase history ----------------------
#
# Today is 2026-11-25. The history, as the desk, an import and a registration write it:
#   H-1 registered Jun 1 (intake); first infusion Jun 10 (stabilization); the 6th on Jul 1
#       (maintenance). Infusions Jun 10, 12, 15, 19, 24, Jul 1, all completed.
#   H-2 registered Jun 20, still in intake, never seen.
#   H-3 registered May 1; stabilization May 5; maintenance May 25; integration Sep 1;
#       discharged Nov 1. Infusions May 5 and May 25.
#   H-4 imported in maintenance since Mar 1 (registered Jan 1), discharged Aug 1. An infusion
#       on May 10.
#   H-5 registered Nov 20 (intake).
HISTORY_TODAY = D(2026, 11, 25)
JUNE_15 = D(2026, 6, 15)


def _at(day: D, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


def _clinic_with_history() -> None:
    from frontdesk.db.bulk import insert_rows
    from frontdesk.db.connection import write_transaction
    I, S, M, G, X = "intake", "stabilization", "maintenance", "integration", "discharged"
    patients = {  # chart: (phase, phase_since, registered_on)
        "H-1": (M, D(2026, 7, 1), D(2026, 6, 1)), "H-2": (I, D(2026, 6, 20), D(2026, 6, 20)),
        "H-3": (X, D(2026, 11, 1), D(2026, 5, 1)), "H-4": (X, D(2026, 8, 1), D(2026, 1, 1)),
        "H-5": (I, D(2026, 11, 20), D(2026, 11, 20))}
    changes = [  # chart, at, from, to, from_since
        ("H-1", _at(D(2026, 6, 1), 9), None, I, None),
        ("H-1", _at(D(2026, 6, 10)), I, S, D(2026, 6, 1)),
        ("H-1", _at(D(2026, 7, 1)), S, M, D(2026, 6, 10)),
        ("H-2", _at(D(2026, 6, 20), 9), None, I, None),
        ("H-3", _at(D(2026, 5, 1), 9), None, I, None),
        ("H-3", _at(D(2026, 5, 5)), I, S, D(2026, 5, 1)),
        ("H-3", _at(D(2026, 5, 25)), S, M, D(2026, 5, 5)),
        ("H-3", _at(D(2026, 9, 1)), M, G, D(2026, 5, 25)),
        ("H-3", _at(D(2026, 11, 1)), G, X, D(2026, 9, 1)),
        ("H-4", _at(D(2026, 3, 1), 0), None, M, None),  # the import's row
        ("H-4", _at(D(2026, 8, 1)), M, X, D(2026, 3, 1)),
        ("H-5", _at(D(2026, 11, 20), 9), None, I, None)]
    infusions = [("H-1", D(2026, 6, d), "Chair 1") for d in (10, 12, 15, 19, 24)] + [
        ("H-1", D(2026, 7, 1), "Chair 1"), ("H-3", D(2026, 5, 5), "Chair 2"),
        ("H-3", D(2026, 5, 25), "Chair 2"), ("H-4", D(2026, 5, 10), "Chair 3")]
    now = _at(HISTORY_TODAY)
    with write_transaction():
        staff = m.Staff.get_or_create(username="test", defaults={"created_at": now})[0].id
        chairs = dict(m.Chair.select(m.Chair.name, m.Chair.id).tuples())
        insert_rows(m.Patient, ["chart_number", "first_name", "last_name", "search_key",
                                "date_of_birth", "phone", "phase", "phase_since",
                                "registered_on", "created_at", "updated_at"],
                    [(chart, "Pat", chart, chart.lower(), D(1980, 1, 1), "+16502530000",
                      phase, since, registered, now, now)
                     for chart, (phase, since, registered) in patients.items()])
        ids = dict(m.Patient.select(m.Patient.chart_number, m.Patient.id).tuples())
        insert_rows(m.PhaseChange, ["patient", "at", "staff", "from_phase", "to_phase",
                                    "reason", "from_since"],
                    [(ids[chart], at, staff, src, dst, "", since)
                     for chart, at, src, dst, since in changes])
        insert_rows(m.Appointment, ["patient", "kind", "start", "duration_minutes", "ends_at",
                                    "chair", "status", "status_at", "status_by", "booked_at",
                                    "booked_by"],
                    [(ids[chart], "infusion", _at(day, 9), 90, _at(day, 9) + dt.timedelta(
                        minutes=90), chairs[chair], "completed", _at(day, 11), staff,
                      _at(day, 8), staff) for chart, day, chair in infusions])


@pytest.fixture
def history(any_db):
    clock.set_today(HISTORY_TODAY)
    _clinic_with_history()
    yield
    clock.set_today(None)


def test_a_past_census_counts_the_phases_of_its_day(history):
    june = census_dict(c.census(JUNE_15))
    # registered by Jun 15: H-1 (stabilization since Jun 10), H-3 (maintenance since May 25),
    # H-4 (maintenance, as imported); H-2 and H-5 came later
    assert june["active_by_phase"] == {"intake": 0, "stabilization": 1, "maintenance": 2,
                                       "integration": 0}
    # mid: H-1. due (by Jun 22): H-4, last infusion May 10 + 1 month = Jun 10 (overdue);
    # H-3 is due Jun 25. not seen since before May 15: H-4 (May 10)
    assert june["lists"] == {"mid_stabilization": 1, "due_for_maintenance": 1,
                             "not_seen_over_a_month": 1}
    desk = lists.desk_lists(JUNE_15)
    assert [(e.patient_id, e.infusions_completed, e.target, e.last_infusion, e.stalled)
            for e in desk.mid_stabilization] == [("H-1", 3, 6, JUNE_15, False)]
    assert [(e.patient_id, e.due_on, e.overdue) for e in desk.due_for_maintenance] == [
        ("H-4", D(2026, 6, 10), True)]
    assert [(e.patient_id, e.phase) for e in desk.not_seen_over_a_month] == [
        ("H-4", "maintenance")]


def test_the_census_of_today_reads_the_stored_phases(history):
    today = census_dict(c.census(HISTORY_TODAY))
    assert today["active_by_phase"] == {"intake": 2, "stabilization": 0, "maintenance": 1,
                                        "integration": 0}
    # due: H-1 (Jul 1 + 1 month = Aug 1, overdue). not seen since before Oct 25: H-1 (Jul 1)
    # and H-2 (never seen, registered Jun 20); H-5 registered Nov 20; H-3, H-4 discharged
    assert today["lists"] == {"mid_stabilization": 0, "due_for_maintenance": 1,
                              "not_seen_over_a_month": 2}


@pytest.mark.parametrize(("day", "phases"), [
    (D(2026, 4, 30), {"intake": 0, "stabilization": 0, "maintenance": 1, "integration": 0}),
    (D(2026, 5, 1), {"intake": 1, "stabilization": 0, "maintenance": 1, "integration": 0}),
    (D(2026, 6, 9), {"intake": 1, "stabilization": 0, "maintenance": 2, "integration": 0}),
    (D(2026, 6, 10), {"intake": 0, "stabilization": 1, "maintenance": 2, "integration": 0}),
    (D(2026, 7, 1), {"intake": 1, "stabilization": 0, "maintenance": 3, "integration": 0}),
    (D(2026, 8, 1), {"intake": 1, "stabilization": 0, "maintenance": 2, "integration": 0}),
    (D(2026, 9, 1), {"intake": 1, "stabilization": 0, "maintenance": 1, "integration": 1}),
    (D(2026, 11, 1), {"intake": 1, "stabilization": 0, "maintenance": 1, "integration": 0}),
])
def test_the_phase_mix_moves_with_the_history(history, day, phases):
    assert c.active_by_phase(day) == phases


def test_a_range_census_counts_each_day_as_of_that_day(history):
    days = list(c.census_range(D(2026, 6, 9), D(2026, 6, 10)))
    assert [(d.date, d.active_by_phase["intake"], d.active_by_phase["stabilization"],
             d.lists["mid_stabilization"]) for d in days] == [
        (D(2026, 6, 9), 1, 0, 0), (D(2026, 6, 10), 0, 1, 1)]
    assert [census_dict(d) for d in days] == [
        census_dict(c.census(D(2026, 6, 9))), census_dict(c.census(D(2026, 6, 10)))]
