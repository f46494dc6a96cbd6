"""`frontdesk census --from/--to` (one census per day) and `--chairs` (per-chair use), through
the real command, on test_cli_census.py's hand-computed clinic.

Every expected number was worked out by hand; the comments give the arithmetic.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest

from cli_support import PATIENT_HEADER, one_line_error, write_csv
from test_cli_census import (APPOINTMENTS, CENSUS_KEYS, EXPECTED_MONDAY, HEADER, PATIENTS, A,
                             assert_shape)

ACTIVE = {"intake": 2, "stabilization": 2, "maintenance": 3, "integration": 2}  # current phases
# as of 11-16 (DOMAIN.md "as of D"): P-7, registered 11-20, is not counted yet
ACTIVE_11_16 = {**ACTIVE, "intake": 1}

# Monday 2026-11-16: P-1 infusion completed (Chair 1, 90 min), P-2 infusion no-show (Chair 2,
# 90 min).
EXPECTED_11_16 = {
    "date": "2026-11-16",
    "appointments": {"total": 2,
                     "by_status": {"booked": 0, "arrived": 0, "in_chair": 0, "recovery": 0,
                                   "completed": 1, "no_show": 1, "cancelled": 0},
                     "by_kind": {"consult": 0, "infusion": 2, "assessment": 0}},
    "patients_seen": 1,     # P-1
    "new_patients": 1,      # P-1's first seen visit ever (the next one is 11-23)
    "no_show_rate": 0.5,    # 1 / (1 + 1)
    "late_cancellations": 0,
    # 90 + 90 (a no-show is not cancelled) = 180 / (4 chairs x 600 min) = 0.075
    "chair_utilization": 0.075,
    "active_by_phase": ACTIVE_11_16,
    # mid: P-1, P-2. due (D+7 = 11-23): P-4 (due 11-20; its 11-23 infusion is a no-show, not
    # booked); P-8 due 11-23 has an infusion booked on 11-23; P-5 due 12-02.
    # not seen (D-1 month = 10-16): P-9 (10-01); P-4 seen 10-20 is not before 10-16;
    # P-2, P-3, P-7 never seen but registered after 10-16.
    "lists": {"mid_stabilization": 2, "due_for_maintenance": 1, "not_seen_over_a_month": 1},
}

# Sunday 2026-11-22 (closed): P-5's assessment at 23:30, completed.
EXPECTED_11_22 = {
    "date": "2026-11-22",
    "appointments": {"total": 1,
                     "by_status": {"booked": 0, "arrived": 0, "in_chair": 0, "recovery": 0,
                                   "completed": 1, "no_show": 0, "cancelled": 0},
                     "by_kind": {"consult": 0, "infusion": 0, "assessment": 1}},
    "patients_seen": 1,     # P-5
    "new_patients": 0,      # P-5 was seen on 11-02
    "no_show_rate": 0.0,    # 0 / (0 + 1)
    "late_cancellations": 0,
    "chair_utilization": 0.0,  # closed: no open minutes
    "active_by_phase": ACTIVE,
    # due (D+7 = 11-29): P-4 only (as on 11-16). not seen (D-1 month = 10-22): P-9 (10-01)
    # and now P-4 (10-20 < 10-22); P-8 seen 10-23 is not.
    "lists": {"mid_stabilization": 2, "due_for_maintenance": 1, "not_seen_over_a_month": 2},
}

RANGE = ("--from", "2026-11-16", "--to", "2026-11-28")
RANGE_DAYS = [f"2026-11-{d}" for d in range(16, 29)]  # 13 days, both ends included


def import_clinic(cli, folder):
    write_csv(folder / "p.csv", PATIENT_HEADER, PATIENTS)
    write_csv(folder / "a.csv", HEADER, APPOINTMENTS)
    result = cli("import", "--patients", "p.csv", "--appointments", "a.csv")
    assert result.code == 0, result.err


@pytest.fixture
def clinic(made_once):
    made_once(import_clinic)


def run(cli, *args: str) -> str:
    result = cli("census", *args)
    assert result.code == 0, result.err
    assert result.err == ""
    return result.out


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def one_day_csv(cli, day: str, *more: str) -> tuple[list[str], list[str]]:
    header, row = csv_rows(run(cli, "--on", day, "--format", "csv", *more))
    return header, row


# --- CSV ---------------------------------------------------------------------------------------

def test_range_csv_has_one_row_per_day_closed_days_included(cli, clinic):
    rows = csv_rows(run(cli, *RANGE, "--format", "csv"))
    header, body = rows[0], rows[1:]
    # the header once, then 13 rows: 11-16 .. 11-28, with the weekend days 21, 22, 28
    assert [r[0] for r in body] == RANGE_DAYS
    assert header.count("date") == 1
    assert all(len(r) == len(header) for r in body)
    # exactly census --on D --format csv's columns, in its order
    assert header == one_day_csv(cli, "2026-11-23")[0]


@pytest.mark.parametrize("day", ["2026-11-16", "2026-11-22", "2026-11-23", "2026-11-28"])
def test_range_csv_row_equals_the_one_day_row(cli, clinic, day):
    rows = csv_rows(run(cli, *RANGE, "--format", "csv"))
    by_date = {r[0]: r for r in rows[1:]}
    assert by_date[day] == one_day_csv(cli, day)[1]


def test_range_csv_values_worked_out_by_hand(cli, clinic):
    rows = csv_rows(run(cli, *RANGE, "--format", "csv"))
    header = rows[0]
    by_date = {r[0]: dict(zip(header, r)) for r in rows[1:]}
    monday = by_date["2026-11-16"]
    assert (monday["appointments_total"], monday["status_completed"],
            monday["status_no_show"], monday["kind_infusion"]) == ("2", "1", "1", "2")
    assert (monday["patients_seen"], monday["new_patients"]) == ("1", "1")
    assert monday["no_show_rate"] == "0.5"            # 1 / (1 + 1)
    assert monday["chair_utilization"] == "0.075"     # 180 / 2400
    assert (monday["list_due_for_maintenance"], monday["list_not_seen_over_a_month"]) == (
        "1", "1")
    sunday = by_date["2026-11-22"]
    assert (sunday["appointments_total"], sunday["kind_assessment"]) == ("1", "1")
    assert sunday["chair_utilization"] == "0.0"       # closed
    assert sunday["list_not_seen_over_a_month"] == "2"  # P-9 and P-4
    # an empty weekday: Wednesday 11-25 has nothing
    assert by_date["2026-11-25"]["appointments_total"] == "0"
    # the census day of test_cli_census.py: 485 / 2400
    assert by_date["2026-11-23"]["chair_utilization"] == "0.2021"


# --- JSON --------------------------------------------------------------------------------------

def test_range_json_is_the_list_of_one_day_objects(cli, clinic):
    data = json.loads(run(cli, *RANGE, "--format", "json"))
    assert isinstance(data, list)
    assert [d["date"] for d in data] == RANGE_DAYS
    for d in data:
        assert_shape(d)
    by_date = {d["date"]: d for d in data}
    assert by_date["2026-11-16"] == EXPECTED_11_16
    assert by_date["2026-11-22"] == EXPECTED_11_22
    assert by_date["2026-11-23"] == EXPECTED_MONDAY
    for day in ("2026-11-16", "2026-11-24", "2026-11-28"):
        assert by_date[day] == json.loads(run(cli, "--on", day, "--format", "json"))


def test_from_alone_runs_to_today_and_to_alone_covers_30_days(cli, clinic):
    # --today 2026-11-21 (the cli fixture): 11-16 .. 11-21
    from_only = json.loads(run(cli, "--from", "2026-11-16", "--format", "json"))
    assert [d["date"] for d in from_only] == [f"2026-11-{d}" for d in range(16, 22)]
    # --to 2026-11-30 alone: the 30 days 11-01 .. 11-30 (29 days before it, and it)
    to_only = csv_rows(run(cli, "--to", "2026-11-30", "--format", "csv"))[1:]
    assert len(to_only) == 30
    assert (to_only[0][0], to_only[-1][0]) == ("2026-11-01", "2026-11-30")
    # one day as a range is one row
    single = json.loads(run(cli, "--from", "2026-11-23", "--to", "2026-11-23",
                            "--format", "json"))
    assert single == [EXPECTED_MONDAY]


# --- table -------------------------------------------------------------------------------------

def test_range_table_one_line_per_day_with_the_key_figures(cli, clinic):
    out = run(cli, *RANGE)
    lines = out.splitlines()
    day_lines = {line.split()[0]: line.split() for line in lines
                 if line[:4] == "2026"}
    assert list(day_lines) == RANGE_DAYS
    # date, weekday, appointments, seen, new, no-shows, no-show rate, late cancels, chair use
    assert day_lines["2026-11-16"] == ["2026-11-16", "Mon", "2", "1", "1", "1", "50.0%", "0",
                                       "7.5%"]
    # 11-23: 10 appointments, 4 seen, 2 new, 1 no-show (1/6 = 16.7%), 1 late, 485/2400 = 20.2%
    assert day_lines["2026-11-23"] == ["2026-11-23", "Mon", "10", "4", "2", "1", "16.7%", "1",
                                       "20.2%"]
    # Saturday 11-28: one booked infusion on a closed day; nobody due to come: no rate
    assert day_lines["2026-11-28"] == ["2026-11-28", "Sat", "1", "0", "0", "0", "-", "0",
                                       "closed"]
    # the total line: appointments 2 (16th) + 1 (22nd) + 10 (23rd) + 1 (24th) + 1 (28th) = 15;
    # seen 1 + 1 + 4 = 6 patient-days; new 1 + 0 + 2 = 3; no-shows 1 + 1 = 2;
    # rate 2 / (2 + seen appointments 1 + 1 + 5) = 2/9 = 22.2%; late 1;
    # chairs (180 + 485 + the 28th's 90) / (10 open weekdays x 2400) = 755 / 24000 = 3.1%
    total = next(line.split() for line in lines if line.startswith("13 days"))
    assert total == ["13", "days", "15", "6", "3", "2", "22.2%", "1", "3.1%"]
    assert all(len(line) <= 100 for line in lines)


# --- --chairs ----------------------------------------------------------------------------------

MONDAY_CHAIRS = {
    "Chair 1": 0.3,      # P-1 90 + P-4's no-show 90 = 180 / 600
    "Chair 2": 0.2083,   # P-2 125 / 600 = 0.208333
    "Chair 3": 0.15,     # P-9 90 / 600 (P-5 and P-6 cancelled)
    "Chair 4": 0.15,     # P-8 90 / 600
}


def test_chairs_json_adds_one_key_after_the_documented_ones(cli, clinic):
    plain = run(cli, "--on", "2026-11-23", "--format", "json")
    with_chairs = json.loads(run(cli, "--on", "2026-11-23", "--format", "json", "--chairs"))
    assert list(with_chairs) == CENSUS_KEYS + ["chair_utilization_by_chair"]
    assert with_chairs["chair_utilization_by_chair"] == MONDAY_CHAIRS
    assert list(with_chairs["chair_utilization_by_chair"]) == list(MONDAY_CHAIRS)  # chair order
    del with_chairs["chair_utilization_by_chair"]
    assert with_chairs == json.loads(plain) == EXPECTED_MONDAY
    # without --chairs the output is exactly what it always was: one line of json.dumps
    assert plain == json.dumps(EXPECTED_MONDAY, ensure_ascii=False) + "\n"


def test_chairs_in_the_range_json_and_csv(cli, clinic):
    data = json.loads(run(cli, "--from", "2026-11-22", "--to", "2026-11-23", "--format",
                          "json", "--chairs"))
    assert [d["chair_utilization_by_chair"] for d in data] == [
        dict.fromkeys(MONDAY_CHAIRS, 0.0),   # Sunday: closed, every chair 0 of 0 minutes
        MONDAY_CHAIRS]
    rows = csv_rows(run(cli, "--from", "2026-11-22", "--to", "2026-11-23", "--format", "csv",
                        "--chairs"))
    header = rows[0]
    base = one_day_csv(cli, "2026-11-23")[0]
    assert header == base + ["chair_Chair 1", "chair_Chair 2", "chair_Chair 3",
                             "chair_Chair 4"]
    assert rows[2][len(base):] == ["0.3", "0.2083", "0.15", "0.15"]
    assert rows[2][:len(base)] == one_day_csv(cli, "2026-11-23")[1]


def test_chairs_table_has_a_per_chair_section(cli, clinic):
    out = run(cli, "--on", "2026-11-23", "--chairs")
    section = out[out.index("Chair use by chair"):].splitlines()
    rows = {line.split("  ")[0]: line.split() for line in section[3:]}
    # chair, use, booked minutes, open minutes
    assert rows["Chair 1"] == ["Chair", "1", "30.0%", "180", "600"]
    assert rows["Chair 2"] == ["Chair", "2", "20.8%", "125", "600"]
    assert rows["Chair 4"] == ["Chair", "4", "15.0%", "90", "600"]
    assert "Chair use by chair" not in run(cli, "--on", "2026-11-23")
    # over a range: 11-16 adds Chair 1 90 and Chair 2 90; 5 open weekdays 16-20 + 23 = 6 x 600
    ranged = run(cli, "--from", "2026-11-16", "--to", "2026-11-23", "--chairs")
    section = ranged[ranged.index("Chair use by chair"):].splitlines()
    rows = {line.split("  ")[0]: line.split() for line in section[3:]}
    assert rows["Chair 1"][2:] == ["7.5%", "270", "3600"]    # (90 + 180) / 3600
    assert rows["Chair 2"][2:] == ["6.0%", "215", "3600"]    # (90 + 125) / 3600


def test_retired_chairs_and_infusions_without_a_chair(cli, clinic, db, tmp_path):
    # Chair 4 retired (its P-8 infusion on 11-23 stays), and an infusion booked with no chair
    # on Tuesday 11-24 for P-3
    write_csv(tmp_path / "more.csv", HEADER, [A("P-3", "2026-11-24T09:00", "infusion",
                                                  "booked")])
    result = cli("import", "--appointments", "more.csv")
    assert result.code == 0, result.err
    con = sqlite3.connect(db)
    with con:
        con.execute("UPDATE chair SET active = 0 WHERE name = 'Chair 4'")
    con.close()

    monday = json.loads(run(cli, "--on", "2026-11-23", "--format", "json", "--chairs"))
    # Chair 4 listed by its name though retired; the day's use now divides by 3 chairs:
    # 485 / (3 x 600) = 0.269444
    assert monday["chair_utilization_by_chair"] == MONDAY_CHAIRS
    assert monday["chair_utilization"] == 0.2694
    tuesday = json.loads(run(cli, "--on", "2026-11-24", "--format", "json", "--chairs"))
    # Chair 4 holds nothing on 11-24: not listed; the chairless infusion: 90 / 600
    assert tuesday["chair_utilization_by_chair"] == {
        "Chair 1": 0.0, "Chair 2": 0.0, "Chair 3": 0.0, "no chair": 0.15}
    rows = csv_rows(run(cli, "--from", "2026-11-23", "--to", "2026-11-24", "--format", "csv",
                        "--chairs"))
    header = rows[0]
    chairs = [h for h in header if h.startswith("chair_") and h != "chair_utilization"]
    # every chair some day lists, in the clinic's chair order, "no chair" last
    assert chairs == ["chair_Chair 1", "chair_Chair 2", "chair_Chair 3", "chair_Chair 4",
                      "chair_no chair"]
    values = [dict(zip(header, r)) for r in rows[1:]]
    assert [[v[c] for c in chairs] for v in values] == [
        ["0.3", "0.2083", "0.15", "0.15", "0.0"],
        ["0.0", "0.0", "0.0", "0.0", "0.15"]]
    table = run(cli, "--on", "2026-11-23", "--chairs")
    assert "Chair 4 (retired)" in table


# --- usage errors ------------------------------------------------------------------------------

@pytest.mark.parametrize("args, says", [
    (["--on", "2026-11-23", "--from", "2026-11-16"], "--on"),
    (["--on", "2026-11-23", "--to", "2026-11-30"], "--on"),
    (["--from", "2026-11-23", "--to", "2026-11-16"], "before"),
    (["--from", "2026-12-01"], "after today"),             # today is 2026-11-21
    (["--from", "2025-11-20", "--to", "2026-11-21"], "367 days"),
    (["--to", "2026-11-31"], "2026-11-31"),
    (["--from", "16.11.2026"], "16.11.2026"),
    (["--from", "2026-11-16", "--format", "xml"], "xml"),
])
def test_usage_errors_are_one_line_and_exit_2(cli, clinic, args, says):
    result = cli("census", *args)
    assert result.code == 2
    assert says in one_line_error(result)
    assert result.out == ""


def test_the_longest_range_is_366_days(cli):
    # 2025-11-21 .. 2026-11-21 is 366 days with both ends: allowed; one more day is not
    result = cli("census", "--from", "2025-11-21", "--to", "2026-11-21", "--format", "csv")
    assert result.code == 0, result.err
    assert len(csv_rows(result.out)) == 1 + 366
