"""`frontdesk appointments` and `frontdesk set-status` through the real command
(INTERFACES.md, "Scripting the desk"; DOMAIN.md, the status flow and the phases).

The clinic is imported from CSV; what a command stored is read back with sqlite3.
"""

from __future__ import annotations

import json

import pytest

from cli_support import (APPOINTMENT_HEADER, PATIENT_HEADER, appointment, one_line_error,
                         patient, query, write_csv)

KEYS = ["id", "patient_id", "name", "start", "duration_minutes", "kind", "chair", "status"]
DAY = "2026-11-23"  # a Monday

PATIENTS = [
    # three infusions planned, two done: completing the third ends stabilization
    patient("C-1", "Ann", "Lee", phase="stabilization", since="2026-11-10", target="3"),
    patient("C-2", "Bo", "Ng", phase="intake", since="2026-11-01"),
    patient("C-3", "Zoë", "O'Brien-Çelik", phase="maintenance", since="2026-06-01"),
    patient("C-4", "Dan", "Kay", phase="intake", since="2026-11-01"),
    patient("C-5", "Eve", "Moss", phase="maintenance", since="2026-06-01"),
]
APPOINTMENTS = [
    appointment("C-1", "2026-11-12T09:00", "infusion", "completed", "Chair 1"),
    appointment("C-1", "2026-11-17T09:00", "infusion", "completed", "Chair 1"),
    # on DAY, listed here out of board order on purpose
    appointment("C-1", f"{DAY}T10:00", "infusion", "recovery", "Chair 3"),
    appointment("C-2", f"{DAY}T09:00", "consult", "booked"),
    appointment("C-3", f"{DAY}T09:00", "infusion", "booked", "Chair 2"),
    appointment("C-4", f"{DAY}T09:00", "infusion", "booked", "Chair 1", duration="120"),
    appointment("C-5", f"{DAY}T08:00", "assessment", "cancelled"),
    appointment("C-5", f"{DAY}T15:00", "infusion", "booked", "Chair 4"),
    # three days later: cancelling it can never be late
    appointment("C-5", "2026-11-26T08:00", "infusion", "booked", "Chair 1"),
    appointment("C-3", "2026-11-16T09:00", "infusion", "completed", "Chair 2"),
]

EXPECTED_DAY = [  # by start, then chair (Chair 1 before Chair 2; no chair last)
    ("C-5", "Moss, Eve", f"{DAY}T08:00", 30, "assessment", None, "cancelled"),
    ("C-4", "Kay, Dan", f"{DAY}T09:00", 120, "infusion", "Chair 1", "booked"),
    ("C-3", "O'Brien-Çelik, Zoë", f"{DAY}T09:00", 90, "infusion", "Chair 2", "booked"),
    ("C-2", "Ng, Bo", f"{DAY}T09:00", 60, "consult", None, "booked"),
    ("C-1", "Lee, Ann", f"{DAY}T10:00", 90, "infusion", "Chair 3", "recovery"),
    ("C-5", "Moss, Eve", f"{DAY}T15:00", 90, "infusion", "Chair 4", "booked"),
]


def import_clinic(cli, folder):
    write_csv(folder / "p.csv", PATIENT_HEADER, PATIENTS)
    write_csv(folder / "a.csv", APPOINTMENT_HEADER, APPOINTMENTS)
    result = cli("import", "--patients", "p.csv", "--appointments", "a.csv")
    assert result.code == 0, result.err


@pytest.fixture
def clinic(made_once):
    made_once(import_clinic)


def appt_id(db, chart: str, start: str) -> int:
    rows = query(db, "SELECT a.id FROM appointment a JOIN patient p ON p.id = a.patient_id "
                     "WHERE p.chart_number = ? AND a.start LIKE ?",
                 (chart, start.replace("T", " ") + "%"))
    assert len(rows) == 1, (chart, start, rows)
    return rows[0][0]


def appointments_json(cli, on: str = DAY) -> list[dict]:
    result = cli("appointments", "--on", on, "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def set_status(cli, aid, status: str, *more: str, today: str = DAY):
    return cli("set-status", str(aid), status, "--today", today, *more)


def moved(cli, aid, status: str, *more: str, today: str = DAY) -> dict:
    result = set_status(cli, aid, status, *more, today=today)
    assert result.code == 0, result.err
    assert result.err == ""
    return json.loads(result.out)


def stored(db, aid: int) -> dict:
    (row,) = query(db, "SELECT a.status, s.username, a.late_cancellation, a.cancel_reason, "
                       "a.version FROM appointment a JOIN staff s ON s.id = a.status_by_id "
                       "WHERE a.id = ?", (aid,))
    return dict(zip(["status", "by", "late", "reason", "version"], row))


def events(db, aid: int) -> list[tuple]:
    return query(db, "SELECT e.from_status, e.to_status, s.username, e.reason "
                     "FROM appointment_event e JOIN staff s ON s.id = e.staff_id "
                     "WHERE e.appointment_id = ? ORDER BY e.id", (aid,))


def everything(db) -> dict[str, list[tuple]]:
    """Every row a status change could touch."""
    return {table: query(db, f'SELECT * FROM "{table}" ORDER BY id')
            for table in ("appointment", "appointment_event", "patient", "phase_change",
                          "audit_entry", "staff", "measurement")}


def phase_of(db, chart: str) -> tuple:
    return query(db, "SELECT phase, phase_since FROM patient WHERE chart_number = ?",
                 (chart,))[0]


def phase_changes(db, chart: str) -> list[tuple]:
    return query(db, "SELECT c.from_phase, c.to_phase, s.username, c.reason, "
                     "c.appointment_event_id FROM phase_change c "
                     "JOIN patient p ON p.id = c.patient_id JOIN staff s ON s.id = c.staff_id "
                     "WHERE p.chart_number = ? ORDER BY c.id", (chart,))


def last_event_id(db, aid: int) -> int:
    return query(db, "SELECT MAX(id) FROM appointment_event WHERE appointment_id = ?",
                 (aid,))[0][0]


# --- frontdesk appointments ------------------------------------------------------------------

def test_appointments_json_keys_types_and_order(cli, db, clinic):
    data = appointments_json(cli)
    for item in data:
        assert list(item) == KEYS
        assert isinstance(item["id"], int) and not isinstance(item["id"], bool)
        assert isinstance(item["duration_minutes"], int)
        assert all(isinstance(item[k], str) for k in ("patient_id", "name", "start", "kind",
                                                       "status"))
        assert item["chair"] is None or isinstance(item["chair"], str)
    assert [tuple(item[k] for k in KEYS[1:]) for item in data] == EXPECTED_DAY
    assert [item["id"] for item in data] == [appt_id(db, chart, start)
                                             for chart, _, start, *_ in EXPECTED_DAY]


def test_appointments_json_keeps_unicode_as_written(cli, clinic):
    result = cli("appointments", "--on", DAY, "--format", "json")
    assert "O'Brien-Çelik, Zoë" in result.out  # not \u-escaped


def test_appointments_on_an_empty_day(cli, clinic):
    assert appointments_json(cli, "2026-11-22") == []
    result = cli("appointments", "--on", "2026-11-22")
    assert result.code == 0, result.err
    assert "No appointments" in result.out


def test_appointments_of_an_empty_clinic(cli):
    assert appointments_json(cli) == []


def test_appointments_default_to_today(cli, clinic):
    result = cli("appointments", "--format", "json")  # cli passes --today 2026-11-21
    assert result.code == 0, result.err
    assert json.loads(result.out) == []
    result = cli("appointments", "--today", DAY, "--format", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out) == appointments_json(cli)


def test_appointments_table_is_readable(cli, db, clinic):
    result = cli("appointments", "--on", DAY)  # table is the default
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == f"Appointments on Monday {DAY} (6)"
    header = lines[2].split()
    assert header == ["ID", "Start", "Min", "Kind", "Chair", "Status", "Chart", "Patient"]
    rows = [line for line in lines[4:] if line.strip()]
    assert len(rows) == len(EXPECTED_DAY)
    for line, (chart, name, start, minutes, kind, chair, status) in zip(rows, EXPECTED_DAY):
        assert line.split()[:3] == [str(appt_id(db, chart, start)), start[11:], str(minutes)]
        for cell in (kind, chair or "-", status, chart, name):
            assert cell in line
    assert result.out == cli("appointments", "--on", DAY, "--format", "table").out


@pytest.mark.parametrize("args", [["--on", "2026-02-30"], ["--on", "tomorrow"],
                                  ["--format", "csv"], ["--on"]])
def test_appointments_bad_usage(cli, clinic, args):
    result = cli("appointments", *args)
    assert result.code == 2
    assert one_line_error(result).startswith("frontdesk: ")
    assert result.out == ""


# --- frontdesk set-status: the flow ----------------------------------------------------------

def test_infusion_goes_through_the_whole_flow(cli, db, clinic):
    aid = appt_id(db, "C-3", f"{DAY}T09:00")  # maintenance: no phase change
    phases_before = phase_changes(db, "C-3")
    for status in ("arrived", "in_chair", "recovery", "completed"):
        out = moved(cli, aid, status)
        assert list(out) == KEYS
        assert out == {"id": aid, "patient_id": "C-3", "name": "O'Brien-Çelik, Zoë",
                       "start": f"{DAY}T09:00", "duration_minutes": 90, "kind": "infusion",
                       "chair": "Chair 2", "status": status}
        assert stored(db, aid)["status"] == status
    assert events(db, aid) == [("booked", "arrived", "cli", ""),
                               ("arrived", "in_chair", "cli", ""),
                               ("in_chair", "recovery", "cli", ""),
                               ("recovery", "completed", "cli", "")]
    assert stored(db, aid)["version"] == 5
    assert phase_of(db, "C-3") == ("maintenance", "2026-06-01")
    assert phase_changes(db, "C-3") == phases_before


def test_consult_skips_the_chair(cli, db, clinic):
    aid = appt_id(db, "C-2", f"{DAY}T09:00")
    assert moved(cli, aid, "arrived")["status"] == "arrived"
    out = moved(cli, aid, "completed")
    assert out == {"id": aid, "patient_id": "C-2", "name": "Ng, Bo", "start": f"{DAY}T09:00",
                   "duration_minutes": 60, "kind": "consult", "chair": None,
                   "status": "completed"}
    assert [e[:2] for e in events(db, aid)] == [("booked", "arrived"), ("arrived", "completed")]
    # a consult completed moves no phase
    assert query(db, "SELECT phase FROM patient WHERE chart_number = 'C-2'") == [("intake",)]


def test_set_status_output_matches_the_day_list(cli, db, clinic):
    aid = appt_id(db, "C-4", f"{DAY}T09:00")
    out = moved(cli, aid, "arrived")
    (listed,) = [item for item in appointments_json(cli) if item["id"] == aid]
    assert out == listed


def test_status_as_people_type_it(cli, db, clinic):
    aid = appt_id(db, "C-3", f"{DAY}T09:00")
    assert moved(cli, aid, "Arrived")["status"] == "arrived"
    assert moved(cli, aid, "in-chair")["status"] == "in_chair"


@pytest.mark.parametrize(("chart", "start", "steps", "refused"), [
    ("C-3", f"{DAY}T09:00", [], "completed"),                  # booked -> completed
    ("C-3", f"{DAY}T09:00", [], "in_chair"),                   # booked -> in_chair
    ("C-3", f"{DAY}T09:00", ["arrived"], "completed"),         # an infusion needs the chair
    ("C-3", f"{DAY}T09:00", ["arrived"], "no_show"),
    ("C-3", f"{DAY}T09:00", ["arrived"], "booked"),
    ("C-2", f"{DAY}T09:00", ["arrived"], "in_chair"),          # a consult has no chair
    ("C-2", f"{DAY}T09:00", ["arrived", "completed"], "arrived"),  # completed is final
    ("C-5", f"{DAY}T08:00", [], "booked"),                     # cancelled is final
    ("C-5", f"{DAY}T15:00", ["no_show"], "arrived"),           # so is no_show
    ("C-3", f"{DAY}T09:00", ["arrived"], "arrived"),           # no change to itself
])
def test_refused_transitions_change_nothing(cli, db, clinic, chart, start, steps, refused):
    aid = appt_id(db, chart, start)
    for status in steps:
        moved(cli, aid, status)
    before = everything(db)
    result = set_status(cli, aid, refused, "--reason", "try")
    assert result.code == 2
    assert result.out == ""
    line = one_line_error(result)
    assert line.startswith("frontdesk: ") and "cannot become" in line, line
    assert everything(db) == before


@pytest.mark.parametrize(("aid", "status", "says"), [
    ("999", "arrived", "no appointment 999"),
    ("0", "arrived", "no appointment 0"),
    ("-3", "arrived", "no appointment -3"),
    ("99999999999999999999999", "arrived", "no appointment"),
    ("abc", "arrived", "whole number"),
    ("1.5", "arrived", "whole number"),
    ("", "arrived", "whole number"),
    ("{C-3}", "done", "unknown status 'done'"),
    ("{C-3}", "", "unknown status"),
    ("{C-3}", "ARRIVED!", "unknown status 'ARRIVED!'"),
])
def test_bad_id_or_status_is_bad_input(cli, db, clinic, aid, status, says):
    aid = aid.replace("{C-3}", str(appt_id(db, "C-3", f"{DAY}T09:00")))
    before = everything(db)
    result = set_status(cli, aid, status)
    assert result.code == 2
    assert result.out == ""
    line = one_line_error(result)
    assert line.startswith("frontdesk: ") and says in line, line
    assert everything(db) == before


def test_missing_arguments_are_bad_usage(cli, clinic):
    for args in ([], ["1"]):
        result = cli("set-status", *args)
        assert result.code == 2
        assert one_line_error(result).startswith("frontdesk: ")


# --- who, why, when ---------------------------------------------------------------------------

def test_staff_is_recorded(cli, db, clinic):
    aid = appt_id(db, "C-3", f"{DAY}T09:00")
    moved(cli, aid, "arrived", "--staff", "amy")
    assert stored(db, aid)["by"] == "amy"
    moved(cli, aid, "in_chair")  # default staff
    assert stored(db, aid)["by"] == "cli"
    assert [e[2] for e in events(db, aid)] == ["amy", "cli"]
    audit = query(db, "SELECT s.username, a.action FROM audit_entry a "
                      "JOIN staff s ON s.id = a.staff_id WHERE a.entity = 'appointment' "
                      "AND a.entity_id = ? ORDER BY a.id", (aid,))
    assert audit == [("amy", "set_status"), ("cli", "set_status")]


def test_too_long_staff_name_is_bad_input(cli, db, clinic):
    aid = appt_id(db, "C-3", f"{DAY}T09:00")
    before = everything(db)
    result = set_status(cli, aid, "arrived", "--staff", "x" * 65)
    assert result.code == 2
    assert "64 characters" in one_line_error(result)
    assert everything(db) == before


def test_cancel_stores_the_reason(cli, db, clinic):
    aid = appt_id(db, "C-5", "2026-11-26T08:00")
    out = moved(cli, aid, "cancelled", "--reason", "  flu, will call back ", "--staff", "bob")
    assert out["status"] == "cancelled"
    assert list(out) == KEYS  # a cancellation moves no phase
    row = stored(db, aid)
    assert (row["status"], row["by"], row["reason"]) == ("cancelled", "bob",
                                                         "flu, will call back")
    assert events(db, aid) == [("booked", "cancelled", "bob", "flu, will call back")]


def test_cancel_without_reason_stores_none(cli, db, clinic):
    aid = appt_id(db, "C-5", "2026-11-26T08:00")
    moved(cli, aid, "cancelled")
    assert stored(db, aid)["reason"] is None


# clock.now() is the --today date at the real time of day, so "now" lies somewhere in that
# date: an appointment later the same date is always less than 24 h away, and one three days
# later always more, whatever time the tests run.

def test_cancelling_the_same_day_is_late(cli, db, clinic):
    aid = appt_id(db, "C-5", f"{DAY}T15:00")
    moved(cli, aid, "cancelled", "--reason", "car trouble", today=DAY)
    assert stored(db, aid)["late"] == 1
    census = json.loads(cli("census", "--on", DAY, "--format", "json").out)
    assert census["late_cancellations"] == 1


def test_cancelling_three_days_ahead_is_not_late(cli, db, clinic):
    aid = appt_id(db, "C-5", "2026-11-26T08:00")
    moved(cli, aid, "cancelled", today=DAY)
    assert stored(db, aid)["late"] == 0


def test_no_show(cli, db, clinic):
    # the time of day is the real one: before 15:00 a no-show needs --force, after it not
    aid = appt_id(db, "C-5", f"{DAY}T15:00")
    assert moved(cli, aid, "no_show", "--force")["status"] == "no_show"
    assert moved(cli, appt_id(db, "C-4", f"{DAY}T09:00"), "no-show",
                 "--force")["status"] == "no_show"
    assert stored(db, aid)["late"] == 0


# --- the day a change is made on (DOMAIN.md; issue 14) -----------------------------------------

AHEAD = "2026-11-26T08:00"  # C-5's infusion, three days after DAY


@pytest.mark.parametrize("more", [(), ("--force",)])
def test_arriving_a_week_ahead_is_refused(cli, db, clinic, more):
    aid = appt_id(db, "C-5", AHEAD)
    before = everything(db)
    result = set_status(cli, aid, "arrived", *more)
    assert result.code == 2
    assert one_line_error(result) == ("frontdesk: arriving is for today's appointments: "
                                      "this infusion is on Thu 26 Nov")
    assert result.out == "" and everything(db) == before


def test_a_no_show_before_the_start_needs_force(cli, db, clinic):
    aid = appt_id(db, "C-5", AHEAD)
    before = everything(db)
    result = set_status(cli, aid, "no-show", "--reason", "phoned")
    assert result.code == 2
    assert one_line_error(result) == (
        "frontdesk: a no-show before the start time (08:00) needs an explicit confirmation: "
        "nothing was changed; --force confirms it")
    assert everything(db) == before
    assert moved(cli, aid, "no-show", "--reason", "phoned", "--force")["status"] == "no_show"
    assert events(db, aid)[-1] == ("booked", "no_show", "cli", "phoned; confirmed: a no-show "
                                   "before the start time (08:00)")


def test_a_past_days_change_needs_force(cli, db, clinic):
    aid = appt_id(db, "C-5", f"{DAY}T15:00")
    before = everything(db)
    result = set_status(cli, aid, "cancelled", today="2026-11-24")
    assert result.code == 2
    assert "a change to a past day's appointment (Mon 23 Nov)" in one_line_error(result)
    assert "--force" in one_line_error(result)
    assert everything(db) == before
    moved(cli, aid, "cancelled", "--force", today="2026-11-24")
    assert stored(db, aid)["status"] == "cancelled"
    assert events(db, aid)[-1][3] == "confirmed: a change to a past day's appointment " \
                                     "(Mon 23 Nov)"


# --- phases moved by a completed infusion ------------------------------------------------------

def test_completing_the_last_stabilization_infusion_starts_maintenance(cli, db, clinic):
    aid = appt_id(db, "C-1", f"{DAY}T10:00")
    before = phase_changes(db, "C-1")
    out = moved(cli, aid, "completed", "--staff", "amy")
    assert list(out) == KEYS + ["phase_changed"]
    assert out["status"] == "completed"
    assert out["phase_changed"] == {"from": "stabilization", "to": "maintenance"}
    assert phase_of(db, "C-1") == ("maintenance", DAY)
    (change,) = phase_changes(db, "C-1")[len(before):]
    assert change[:3] == ("stabilization", "maintenance", "amy")
    assert "3 of 3" in change[3]
    assert change[4] == last_event_id(db, aid)
    lists = json.loads(cli("lists", "--on", DAY, "--format", "json").out)
    assert "C-1" not in [e["patient_id"] for e in lists["mid_stabilization"]]


def test_completing_a_first_infusion_starts_stabilization(cli, db, clinic):
    aid = appt_id(db, "C-4", f"{DAY}T09:00")
    for status in ("arrived", "in_chair", "recovery"):
        assert "phase_changed" not in moved(cli, aid, status)
    out = moved(cli, aid, "completed")
    assert out["phase_changed"] == {"from": "intake", "to": "stabilization"}
    assert phase_of(db, "C-4") == ("stabilization", DAY)
    (change,) = phase_changes(db, "C-4")[-1:]
    assert change[:2] == ("intake", "stabilization")
    assert change[4] == last_event_id(db, aid)
