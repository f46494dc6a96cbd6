"""`frontdesk census` through the real command (INTERFACES.md + DOMAIN.md, "Daily census").

The clinic below is small enough that every number was worked out by hand; the comments give
the arithmetic. Late cancellations come from the importer's optional `cancelled_at` column.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from cli_support import PATIENT_HEADER, one_line_error, patient, write_csv

CENSUS_KEYS = ["date", "appointments", "patients_seen", "new_patients", "no_show_rate",
               "late_cancellations", "chair_utilization", "active_by_phase", "lists"]
APPOINTMENT_KEYS = ["total", "by_status", "by_kind"]
STATUS_KEYS = ["booked", "arrived", "in_chair", "recovery", "completed", "no_show", "cancelled"]
KIND_KEYS = ["consult", "infusion", "assessment"]
PHASE_KEYS = ["intake", "stabilization", "maintenance", "integration"]
LIST_KEYS = ["mid_stabilization", "due_for_maintenance", "not_seen_over_a_month"]

HEADER = ["patient_id", "start", "duration_minutes", "kind", "status", "chair", "cancelled_at"]


def P(pid, phase, since, **kw):
    return patient(pid, "Pat", f"Census{pid}", phase=phase, since=since, **kw)


def A(pid, start, kind, status, chair="", duration="", cancelled_at=""):
    return [pid, start, duration, kind, status, chair, cancelled_at]


# Census day D = Monday 2026-11-23 (open 08:00-18:00: 600 minutes, 4 chairs).
PATIENTS = [
    P("P-1", "stabilization", "2026-11-16"),
    P("P-2", "stabilization", "2026-11-16"),
    P("P-3", "intake", "2026-11-01"),
    P("P-4", "maintenance", "2026-06-01"),
    P("P-5", "maintenance", "2026-06-01"),
    P("P-6", "integration", "2026-09-01"),
    P("P-7", "intake", "2026-11-20"),
    P("P-8", "maintenance", "2026-06-01"),
    P("P-9", "integration", "2026-09-01"),
    P("P-10", "discharged", "2026-10-01"),
]
APPOINTMENTS = [
    # ---- before D -------------------------------------------------------------------------
    A("P-1", "2026-11-16T09:00", "infusion", "completed", "Chair 1"),  # P-1 seen before D
    A("P-2", "2026-11-16T09:00", "infusion", "no_show", "Chair 2"),    # not seen: P-2 still new
    A("P-4", "2026-10-20T09:00", "infusion", "completed", "Chair 1"),
    A("P-5", "2026-11-02T09:00", "infusion", "completed", "Chair 1"),
    A("P-6", "2026-11-10T09:00", "assessment", "completed"),
    A("P-8", "2026-10-23T09:00", "infusion", "completed", "Chair 1"),
    A("P-9", "2026-10-01T09:00", "infusion", "completed", "Chair 1"),  # P-9 seen before D
    A("P-5", "2026-11-22T23:30", "assessment", "completed"),           # the day before D
    # ---- on D: 10 appointments ----------------------------------------------------------------
    A("P-1", "2026-11-23T09:00", "infusion", "completed", "Chair 1"),   # 90 min
    A("P-2", "2026-11-23T09:00", "infusion", "in_chair", "Chair 2", duration="125"),
    A("P-3", "2026-11-23T10:00", "consult", "arrived"),
    A("P-3", "2026-11-23T11:00", "assessment", "completed"),
    A("P-9", "2026-11-23T10:00", "infusion", "recovery", "Chair 3"),    # 90 min
    A("P-4", "2026-11-23T13:00", "infusion", "no_show", "Chair 1"),     # 90 min, not cancelled
    # cancelled 23 h 59 min before the start: late
    A("P-5", "2026-11-23T14:00", "infusion", "cancelled", "Chair 3", cancelled_at="2026-11-22T14:01"),
    # cancelled exactly 24 h before: not late
    A("P-6", "2026-11-23T15:00", "infusion", "cancelled", "Chair 3", cancelled_at="2026-11-22T15:00"),
    A("P-7", "2026-11-23T16:00", "consult", "cancelled", cancelled_at="2026-11-20T10:00"),
    A("P-8", "2026-11-23T16:00", "infusion", "booked", "Chair 4"),      # 90 min
    # ---- after D --------------------------------------------------------------------------
    A("P-5", "2026-11-24T00:00", "consult", "booked"),                  # the day after D
    A("P-9", "2026-11-28T09:00", "infusion", "booked", "Chair 1"),      # Saturday
]

EXPECTED_MONDAY = {
    "date": "2026-11-23",
    "appointments": {
        "total": 10,  # cancelled ones included
        "by_status": {"booked": 1, "arrived": 1, "in_chair": 1, "recovery": 1, "completed": 2,
                      "no_show": 1, "cancelled": 3},
        "by_kind": {"consult": 2, "infusion": 7, "assessment": 1},
    },
    # P-1, P-2, P-3 (twice: counted once), P-9
    "patients_seen": 4,
    # first day ever seen is D: P-2 (only a no-show before) and P-3; P-1 and P-9 were seen before
    "new_patients": 2,
    # 1 no-show / (1 no-show + 5 appointments with a seen status) = 1/6
    "no_show_rate": 0.1667,
    "late_cancellations": 1,
    # non-cancelled infusions: 90 (P-1) + 125 (P-2) + 90 (P-9) + 90 (P-4) + 90 (P-8) = 485
    # minutes / (4 chairs x 600 minutes) = 0.202083...
    "chair_utilization": 0.2021,
    "active_by_phase": {"intake": 2, "stabilization": 2, "maintenance": 3, "integration": 2},
    # as of D (D-7 = 11-16, D+7 = 11-30, D-1 month = 10-23):
    # mid: P-1 (k=2, last 11-23: not stalled), P-2 (k=0, phase_since 11-16: not stalled)
    # due: P-4 (last infusion 10-20 -> due 11-20; the no-show is not booked);
    #      P-5 due 12-02 > 11-30; P-8 has an infusion booked on D
    # not seen: P-4 (last seen 10-20 < 10-23); P-8 seen 10-23 is not before 10-23;
    #      P-7 never seen but registered 11-20
    "lists": {"mid_stabilization": 2, "due_for_maintenance": 1, "not_seen_over_a_month": 1},
}


def import_clinic(cli, folder):
    write_csv(folder / "p.csv", PATIENT_HEADER, PATIENTS)
    write_csv(folder / "a.csv", HEADER, APPOINTMENTS)
    result = cli("import", "--patients", "p.csv", "--appointments", "a.csv")
    assert result.code == 0, result.err


@pytest.fixture
def clinic(made_once):
    made_once(import_clinic)


def census_json(cli, on: str) -> dict:
    result = cli("census", "--on", on, "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def assert_shape(data: dict) -> None:
    assert list(data) == CENSUS_KEYS
    assert list(data["appointments"]) == APPOINTMENT_KEYS
    assert list(data["appointments"]["by_status"]) == STATUS_KEYS
    assert list(data["appointments"]["by_kind"]) == KIND_KEYS
    assert list(data["active_by_phase"]) == PHASE_KEYS
    assert list(data["lists"]) == LIST_KEYS
    assert isinstance(data["no_show_rate"], float)
    assert isinstance(data["chair_utilization"], float)


def test_census_json_on_a_weekday(cli, clinic):
    data = census_json(cli, "2026-11-23")
    assert_shape(data)
    assert data == EXPECTED_MONDAY


def test_census_list_sizes_match_frontdesk_lists(cli, clinic):
    data = census_json(cli, "2026-11-23")
    lists = cli("lists", "--on", "2026-11-23", "--format", "json")
    assert lists.code == 0, lists.err
    sizes = {name: len(entries) for name, entries in json.loads(lists.out).items()
             if name != "as_of"}
    assert data["lists"] == sizes


def test_census_on_a_saturday_and_on_an_empty_day(cli, clinic):
    saturday = census_json(cli, "2026-11-28")
    assert_shape(saturday)
    # one booked infusion, but the clinic is closed on Saturdays: no chair-minutes to use
    assert saturday["appointments"] == {
        "total": 1,
        "by_status": {"booked": 1, "arrived": 0, "in_chair": 0, "recovery": 0, "completed": 0,
                      "no_show": 0, "cancelled": 0},
        "by_kind": {"consult": 0, "infusion": 1, "assessment": 0}}
    assert saturday["chair_utilization"] == 0.0
    assert saturday["no_show_rate"] == 0.0
    assert (saturday["patients_seen"], saturday["new_patients"],
            saturday["late_cancellations"]) == (0, 0, 0)
    # Wednesday 2026-12-02: no appointments at all -> every count 0 and both rates 0.0
    empty = census_json(cli, "2026-12-02")
    assert_shape(empty)
    assert empty["appointments"]["total"] == 0
    assert set(empty["appointments"]["by_status"].values()) == {0}
    assert set(empty["appointments"]["by_kind"].values()) == {0}
    assert (empty["no_show_rate"], empty["chair_utilization"]) == (0.0, 0.0)
    assert empty["active_by_phase"] == EXPECTED_MONDAY["active_by_phase"]  # excludes discharged


def test_census_of_an_empty_clinic(cli):
    data = census_json(cli, "2026-11-23")
    assert_shape(data)
    assert data == {
        "date": "2026-11-23",
        "appointments": {"total": 0, "by_status": dict.fromkeys(STATUS_KEYS, 0),
                         "by_kind": dict.fromkeys(KIND_KEYS, 0)},
        "patients_seen": 0, "new_patients": 0, "no_show_rate": 0.0, "late_cancellations": 0,
        "chair_utilization": 0.0, "active_by_phase": dict.fromkeys(PHASE_KEYS, 0),
        "lists": dict.fromkeys(LIST_KEYS, 0)}


def _leaves(value) -> list:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    return [value]


def test_census_csv_is_a_header_and_one_row(cli, clinic):
    result = cli("census", "--on", "2026-11-23", "--format", "csv")
    assert result.code == 0, result.err
    rows = list(csv.reader(io.StringIO(result.out)))
    rows = [r for r in rows if r]
    assert len(rows) == 2
    header, row = rows
    assert len(header) == len(set(header)) == len(row)
    # the same numbers as the JSON, one column each, in the same order
    assert row == [str(v) for v in _leaves(EXPECTED_MONDAY)]
    assert header[0] == "date" and row[0] == "2026-11-23"


def test_census_table_and_default_date(cli, clinic):
    table = cli("census", "--on", "2026-11-23")
    assert table.code == 0, table.err
    assert "2026-11-23" in table.out
    default = cli("census", "--format", "json")  # --today 2026-11-21 from the cli fixture
    assert default.code == 0, default.err
    assert json.loads(default.out)["date"] == "2026-11-21"


@pytest.mark.parametrize("bad", ["2026-13-01", "23.11.2026"])
def test_census_bad_date_is_bad_usage(cli, bad):
    result = cli("census", "--on", bad)
    assert result.code == 2
    one_line_error(result)


# --- a past day's census and lists read the phase history (DOMAIN.md "as of a date D") ---------

HISTORY_PATIENTS = [
    P("H-1", "intake", "2026-11-02"),       # the desk completes its first infusion on Nov 10
    P("H-2", "maintenance", "2026-11-15"),  # registered (imported) Nov 15
    P("H-3", "integration", "2026-09-01", registered="2026-08-01"),
]
HISTORY_APPOINTMENTS = [A("H-1", "2026-11-10T09:00", "infusion", "booked", "Chair 1")]


def census_on(cli, day: str) -> dict:
    result = cli("census", "--on", day, "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_a_past_census_and_lists_read_the_phase_history(cli, db, tmp_path):
    from cli_support import query
    write_csv(tmp_path / "p.csv", PATIENT_HEADER, HISTORY_PATIENTS)
    write_csv(tmp_path / "a.csv", HEADER, HISTORY_APPOINTMENTS)
    assert cli("import", "--patients", "p.csv", "--appointments", "a.csv").code == 0
    (aid,) = [row[0] for row in query(db, "SELECT id FROM appointment")]
    for status in ("arrived", "in_chair", "recovery", "completed"):  # on the day, at the desk
        result = cli("set-status", str(aid), status, "--today", "2026-11-10")
        assert result.code == 0, result.err
    assert query(db, "SELECT phase, phase_since FROM patient WHERE chart_number = 'H-1'") == [
        ("stabilization", "2026-11-10")]

    # Nov 9: H-1 still in intake; H-2 not registered yet; H-3 never seen since Aug 1
    nov_9 = census_on(cli, "2026-11-09")
    assert nov_9["active_by_phase"] == {"intake": 1, "stabilization": 0, "maintenance": 0,
                                        "integration": 1}
    assert nov_9["lists"] == {"mid_stabilization": 0, "due_for_maintenance": 0,
                              "not_seen_over_a_month": 1}
    nov_10 = census_on(cli, "2026-11-10")
    assert nov_10["active_by_phase"] == {"intake": 0, "stabilization": 1, "maintenance": 0,
                                         "integration": 1}
    assert nov_10["lists"]["mid_stabilization"] == 1
    # today (Nov 21): the stored phases
    assert census_on(cli, "2026-11-21")["active_by_phase"] == {
        "intake": 0, "stabilization": 1, "maintenance": 1, "integration": 1}

    result = cli("lists", "--on", "2026-11-09", "--format", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["mid_stabilization"] == []
    result = cli("lists", "--on", "2026-11-10", "--format", "json")
    assert [(e["patient_id"], e["infusions_completed"]) for e in
            json.loads(result.out)["mid_stabilization"]] == [("H-1", 1)]

    result = cli("census", "--from", "2026-11-09", "--to", "2026-11-10", "--format", "csv")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert [(r["date"], r["active_intake"], r["active_stabilization"],
             r["list_mid_stabilization"]) for r in rows] == [
        ("2026-11-09", "1", "0", "0"), ("2026-11-10", "0", "1", "1")]
