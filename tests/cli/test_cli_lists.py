"""`frontdesk lists` through the real command (INTERFACES.md + DOMAIN.md, "The three lists").

Every expected list below was worked out BY HAND from DOMAIN.md; the comment next to each
patient says why it is or is not on each list. Rules used (as of D):
- seen/completed visits count when on or before D; booked ones when on or after D;
- mid_stabilization: every stabilization patient; stalled = no infusion booked on/after D and
  max(phase_since, last completed infusion since phase_since) < D - 7 days;
- due_for_maintenance: maintenance, no infusion booked on/after D, due_on <= D + 7 days;
  due_on = last completed infusion (ever) + interval months, or phase_since; overdue = due_on < D;
- not_seen_over_a_month: not discharged, last seen day < D - 1 month (never seen: registered_on
  < D - 1 month); next_booked = first booked appointment of any kind on/after D.
"""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest

from cli_support import (APPOINTMENT_HEADER, PATIENT_HEADER, appointment, one_line_error,
                         patient, write_csv)

LIST_KEYS = ["as_of", "mid_stabilization", "due_for_maintenance", "not_seen_over_a_month"]
ENTRY_KEYS = {
    "mid_stabilization": ["patient_id", "name", "infusions_completed", "target",
                          "last_infusion", "next_infusion", "stalled"],
    "due_for_maintenance": ["patient_id", "name", "last_infusion", "due_on", "overdue"],
    "not_seen_over_a_month": ["patient_id", "name", "phase", "last_seen", "next_booked"],
}


def stab(pid, name, k, target, last, nxt, stalled):
    return {"patient_id": pid, "name": name, "infusions_completed": k, "target": target,
            "last_infusion": last, "next_infusion": nxt, "stalled": stalled}


def due(pid, name, last, due_on, overdue):
    return {"patient_id": pid, "name": name, "last_infusion": last, "due_on": due_on,
            "overdue": overdue}


def unseen(pid, name, phase, last_seen, next_booked):
    return {"patient_id": pid, "name": name, "phase": phase, "last_seen": last_seen,
            "next_booked": next_booked}


def P(pid, first, last, phase, since, **kw):
    return patient(pid, first, last, phase=phase, since=since, **kw)


def A(pid, start, kind="infusion", status="completed"):
    return appointment(pid, start if "T" in start else start + "T09:00", kind, status)


def load(cli, tmp_path, patients, appointments):
    write_csv(tmp_path / "p.csv", PATIENT_HEADER, patients)
    write_csv(tmp_path / "a.csv", APPOINTMENT_HEADER, appointments)
    result = cli("import", "--patients", "p.csv", "--appointments", "a.csv")
    assert result.code == 0, result.err


def lists_json(cli, on: str) -> dict:
    result = cli("lists", "--on", on, "--format", "json")
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    return json.loads(result.out)


def assert_shape(data: dict) -> None:
    """INTERFACES.md: the keys, in this order, at the top and in every entry."""
    assert list(data) == LIST_KEYS
    for name, keys in ENTRY_KEYS.items():
        for entry in data[name]:
            assert list(entry) == keys, (name, list(entry))


# --- the main clinic, as of Saturday 2026-11-21 ------------------------------------------------
# D - 7 days = 2026-11-14; D + 7 days = 2026-11-28; D - 1 month = 2026-10-21.

MAIN_PATIENTS = [
    # stabilization ------------------------------------------------------------------------
    P("S-1", "Amy", "Young", "stabilization", "2026-11-10"),
    P("S-2", "Ben", "Baker", "stabilization", "2026-11-01", target="4"),
    P("S-3", "Cy", "Carter", "stabilization", "2026-11-18", registered="2025-01-10"),
    P("S-4", "Ann", "Baker", "stabilization", "2026-11-13"),
    P("S-5", "Dan", "Diaz", "stabilization", "2026-11-14"),
    P("S-6", "Eve", "Evans", "stabilization", "2026-11-01"),
    # maintenance --------------------------------------------------------------------------
    P("M-1", "Hal", "Hill", "maintenance", "2026-06-01"),
    P("M-2", "Ida", "Ives", "maintenance", "2026-06-01"),
    P("M-3", "Jo", "Jones", "maintenance", "2026-06-01"),
    P("M-4", "Kim", "King", "maintenance", "2026-06-01"),
    P("M-5", "Lu", "Lowe", "maintenance", "2026-11-20", registered="2026-05-01"),
    P("M-6", "Mo", "Moss", "maintenance", "2026-06-01", interval="3"),
    P("M-7", "Ned", "Nash", "maintenance", "2026-06-01"),
    P("M-8", "Al", "Aaron", "maintenance", "2026-06-01"),
    P("M-9", "Oz", "Owen", "maintenance", "2026-06-01"),
    # others -------------------------------------------------------------------------------
    P("N-1", "Pat", "Park", "integration", "2026-09-01", registered="2025-01-01"),
    P("N-2", "Quy", "Quinn", "integration", "2026-09-01", registered="2025-01-01"),
    P("N-3", "Rae", "Reed", "intake", "2026-10-20"),
    P("N-4", "Sy", "Shaw", "intake", "2026-10-21"),
    P("N-5", "Ty", "Todd", "discharged", "2026-01-01", registered="2025-01-01"),
    P("N-6", "Uma", "Urban", "intake", "2026-09-01"),
    P("N-7", "Val", "Vance", "integration", "2026-09-01", registered="2025-01-01"),
]

MAIN_APPOINTMENTS = [
    # S-1: k=3 (11-10, 11-12, 11-19), next infusion 11-23 -> not stalled; seen 11-19
    A("S-1", "2026-11-10"), A("S-1", "2026-11-12"), A("S-1", "2026-11-19"),
    A("S-1", "2026-11-23", status="booked"),
    # S-2: k=1 (11-02); the booked infusion of 11-20 is stale, the booked assessment is not an
    #      infusion -> no next infusion, 11-02 < 11-14 -> stalled; seen 11-02
    A("S-2", "2026-11-02"), A("S-2", "2026-11-20", status="booked"),
    A("S-2", "2026-11-25", "assessment", "booked"),
    # S-3: re-induction since 11-18; completed infusion 10-05 is before phase_since (k=0 but it
    #      is the last infusion ever); the 11-22 one is after D -> does not count yet;
    #      reference = phase_since 11-18 >= 11-14 -> not stalled. Seen last 10-05 < 10-21 and
    #      registered 2025 -> not seen over a month, nothing booked (11-22 is completed).
    A("S-3", "2026-10-05"), A("S-3", "2026-11-22"),
    # S-4: nothing at all; phase_since 11-13 < 11-14 -> stalled; registered 11-13 -> not unseen
    # S-5: nothing at all; phase_since 11-14 is not before 11-14 -> not stalled
    # S-6: k=1 (11-03); an infusion booked ON D counts as next -> not stalled
    A("S-6", "2026-11-03"), A("S-6", "2026-11-21T16:00", status="booked"),
    # M-1: last infusion 10-10 -> due 11-10 (overdue); seen 10-10 -> unseen, nothing booked
    A("M-1", "2026-10-10"),
    # M-2: 10-28 -> due 11-28 = D+7 -> due, not overdue; seen 10-28 -> not unseen
    A("M-2", "2026-10-28"),
    # M-3: 10-29 -> due 11-29 > D+7 -> not due; seen 10-29 -> not unseen
    A("M-3", "2026-10-29"),
    # M-4: due 11-10 but an infusion is booked 11-24 -> not due; seen 10-10 -> unseen, next 11-24
    A("M-4", "2026-10-10"), A("M-4", "2026-11-24", status="booked"),
    # M-5: no infusion -> due_on = phase_since 11-20 (overdue); never seen, registered 05-01
    # M-6: interval 3: 08-21 + 3 months = 11-21 = D -> due, not overdue; assessment seen 11-02
    A("M-6", "2026-08-21"), A("M-6", "2026-11-02", "assessment"),
    # M-7: 10-05 -> due 11-05 (overdue): the booked infusion of 11-20 is stale; seen 10-05
    A("M-7", "2026-10-05"), A("M-7", "2026-11-20", status="booked"),
    # M-8: 10-10 -> due 11-10 (overdue): a booked consult is not an infusion; seen 10-10,
    #      next booked (any kind) 11-24
    A("M-8", "2026-10-10"), A("M-8", "2026-11-24T10:00", "consult", "booked"),
    # M-9: last COMPLETED infusion 09-30 -> due 10-30 (a completed consult and an infusion left
    #      'arrived' do not count as completed infusions); seen 11-16 -> not unseen
    A("M-9", "2026-09-30"), A("M-9", "2026-11-15", "consult"),
    A("M-9", "2026-11-16", "infusion", "arrived"),
    # N-1: seen 10-21 -> not over a month (the boundary)
    A("N-1", "2026-10-21", "assessment"),
    # N-2: seen 10-20 (arrived) -> over a month; next booked 11-28 (the cancelled 11-25 is not
    #      booked, the assessment 12-01 is later)
    A("N-2", "2026-10-20", "consult", "arrived"), A("N-2", "2026-11-25", "consult", "cancelled"),
    A("N-2", "2026-11-28", "consult", "booked"), A("N-2", "2026-12-01", "assessment", "booked"),
    # N-3: never seen, registered 10-20 < 10-21 -> unseen
    # N-4: never seen, registered 10-21 -> not unseen
    # N-5: discharged -> on no list
    A("N-5", "2025-12-01", "consult"),
    # N-6: a no-show and a cancellation are not "seen" -> never seen, registered 09-01 -> unseen
    A("N-6", "2026-10-01", "consult", "no_show"), A("N-6", "2026-10-15", "consult", "cancelled"),
    # N-7: in_chair 09-10 and recovery 10-20 are seen statuses -> last seen 10-20 -> unseen
    A("N-7", "2026-09-10", "infusion", "in_chair"), A("N-7", "2026-10-20", "infusion", "recovery"),
]

MAIN_EXPECTED = {
    "as_of": "2026-11-21",
    # by name: Baker, Ann < Baker, Ben < Carter < Diaz < Evans < Young
    "mid_stabilization": [
        stab("S-4", "Baker, Ann", 0, 6, None, None, True),
        stab("S-2", "Baker, Ben", 1, 4, "2026-11-02", None, True),
        stab("S-3", "Carter, Cy", 0, 6, "2026-10-05", None, False),
        stab("S-5", "Diaz, Dan", 0, 6, None, None, False),
        stab("S-6", "Evans, Eve", 1, 6, "2026-11-03", "2026-11-21", False),
        stab("S-1", "Young, Amy", 3, 6, "2026-11-19", "2026-11-23", False),
    ],
    # by due_on, then patient_id (M-1 and M-8 tie on 11-10; names would order them the other way)
    "due_for_maintenance": [
        due("M-9", "Owen, Oz", "2026-09-30", "2026-10-30", True),
        due("M-7", "Nash, Ned", "2026-10-05", "2026-11-05", True),
        due("M-1", "Hill, Hal", "2026-10-10", "2026-11-10", True),
        due("M-8", "Aaron, Al", "2026-10-10", "2026-11-10", True),
        due("M-5", "Lowe, Lu", None, "2026-11-20", True),
        due("M-6", "Moss, Mo", "2026-08-21", "2026-11-21", False),
        due("M-2", "Ives, Ida", "2026-10-28", "2026-11-28", False),
    ],
    # never seen first (by patient_id), then by last_seen, then patient_id
    "not_seen_over_a_month": [
        unseen("M-5", "Lowe, Lu", "maintenance", None, None),
        unseen("N-3", "Reed, Rae", "intake", None, None),
        unseen("N-6", "Urban, Uma", "intake", None, None),
        unseen("M-7", "Nash, Ned", "maintenance", "2026-10-05", None),
        unseen("S-3", "Carter, Cy", "stabilization", "2026-10-05", None),
        unseen("M-1", "Hill, Hal", "maintenance", "2026-10-10", None),
        unseen("M-4", "King, Kim", "maintenance", "2026-10-10", "2026-11-24"),
        unseen("M-8", "Aaron, Al", "maintenance", "2026-10-10", "2026-11-24"),
        unseen("N-2", "Quinn, Quy", "integration", "2026-10-20", "2026-11-28"),
        unseen("N-7", "Vance, Val", "integration", "2026-10-20", None),
    ],
}


def import_main_clinic(cli, folder):
    load(cli, folder, MAIN_PATIENTS, MAIN_APPOINTMENTS)


@pytest.fixture
def main_clinic(made_once):
    made_once(import_main_clinic)


def test_lists_json_on_the_main_clinic(cli, main_clinic):
    data = lists_json(cli, "2026-11-21")
    assert_shape(data)
    for name in LIST_KEYS[1:]:
        assert data[name] == MAIN_EXPECTED[name], name
    assert data == MAIN_EXPECTED


def test_default_date_is_today(cli, frontdesk, db, main_clinic):
    result = cli("lists", "--format", "json")  # cli passes --today 2026-11-21
    assert result.code == 0, result.err
    assert json.loads(result.out) == MAIN_EXPECTED
    # without --today: the real clock
    before = dt.date.today().isoformat()
    real = frontdesk("--db", str(db), "lists", "--format", "json")
    after = dt.date.today().isoformat()
    assert real.code == 0, real.err
    assert json.loads(real.out)["as_of"] in (before, after)


def test_lists_csv_writes_three_files_matching_the_json(cli, tmp_path, main_clinic):
    out = tmp_path / "exported"
    result = cli("lists", "--on", "2026-11-21", "--format", "csv", "--out", str(out))
    assert result.code == 0, result.err
    files = sorted(out.glob("*.csv"))
    assert len(files) == 3, files
    for name, keys in ENTRY_KEYS.items():
        matching = [f for f in files if name in f.stem]
        assert len(matching) == 1, (name, files)
        with matching[0].open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        assert rows[0] == keys
        expected = [[_cell(entry[k]) for k in keys] for entry in MAIN_EXPECTED[name]]
        assert [[c.lower() if c in ("True", "False") else c for c in r] for r in rows[1:]] \
            == expected, name


def test_lists_csv_of_an_empty_clinic_has_header_rows(cli, tmp_path):
    out = tmp_path / "deep" / "er"
    result = cli("lists", "--on", "2026-11-21", "--format", "csv", "--out", str(out))
    assert result.code == 0, result.err
    files = sorted(out.glob("*.csv"))
    assert len(files) == 3, files
    for name, keys in ENTRY_KEYS.items():
        [path] = [f for f in files if name in f.stem]
        with path.open(encoding="utf-8", newline="") as fh:
            assert list(csv.reader(fh)) == [keys], name


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def test_lists_table_is_readable(cli, main_clinic):
    result = cli("lists", "--on", "2026-11-21")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    for title, count in [("Mid-stabilization", 6), ("Due for maintenance", 7),
                         ("Not seen in over a month", 10)]:
        titled = [line for line in lines if title.lower() in line.lower()]
        assert titled and str(count) in titled[0], (title, titled)
    for name in LIST_KEYS[1:]:
        for entry in MAIN_EXPECTED[name]:
            assert entry["patient_id"] in result.out and entry["name"] in result.out
    assert "N-5" not in result.out and "N-4" not in result.out  # on no list


def test_csv_without_out_is_bad_usage(cli, tmp_path):
    result = cli("lists", "--on", "2026-11-21", "--format", "csv")
    assert result.code == 2
    one_line_error(result)
    assert result.out == ""


@pytest.mark.parametrize("bad", ["2026-02-30", "21/11/2026", "tomorrow", "2026-11-21T09:00"])
def test_bad_on_date_is_bad_usage(cli, bad):
    result = cli("lists", "--on", bad, "--format", "json")
    assert result.code == 2
    one_line_error(result)
    assert result.out == ""


# --- month end: as of Tuesday 2026-03-31 -------------------------------------------------------
# D - 7 days = 03-24; D + 7 days = 04-07; D - 1 month = 2026-02-28 (relativedelta clamps).

MONTH_END_PATIENTS = [
    P("A-1", "Al", "Abbot", "maintenance", "2025-06-01", interval="2"),
    P("A-2", "Bo", "Bell", "maintenance", "2025-06-01"),
    P("A-3", "Cy", "Cole", "maintenance", "2025-06-01"),
    P("A-4", "Di", "Dunn", "integration", "2025-06-01"),
    P("A-5", "Ed", "Egan", "integration", "2025-06-01"),
    P("A-6", "Fy", "Ford", "stabilization", "2026-03-24"),
    P("A-7", "Gu", "Gray", "stabilization", "2026-03-23"),
    P("A-8", "Hu", "Hart", "maintenance", "2025-06-01"),
]
MONTH_END_APPOINTMENTS = [
    A("A-1", "2026-01-31"),   # + 2 months = 03-31 = D: due, not overdue; seen 01-31 < 02-28
    A("A-2", "2026-03-07"),   # + 1 month = 04-07 = D+7: due, not overdue; seen recently
    A("A-3", "2026-03-08"),   # + 1 month = 04-08 > D+7: not due; seen recently
    A("A-4", "2026-02-28", "assessment"),  # seen 02-28 = D - 1 month: not over a month
    A("A-5", "2026-02-27", "assessment"),  # seen 02-27: over a month; next booked 04-02
    A("A-5", "2026-04-02", "assessment", "booked"),
    # phase_since 03-24 is not before 03-24: not stalled; registered 03-24: not unseen
    # phase_since 03-23 < 03-24: stalled; registered 03-23: not unseen
    A("A-8", "2026-02-28"),   # + 1 month = 03-28 < D: overdue; seen 02-28: not unseen
]
MONTH_END_EXPECTED = {
    "as_of": "2026-03-31",
    "mid_stabilization": [
        stab("A-6", "Ford, Fy", 0, 6, None, None, False),
        stab("A-7", "Gray, Gu", 0, 6, None, None, True),
    ],
    "due_for_maintenance": [
        due("A-8", "Hart, Hu", "2026-02-28", "2026-03-28", True),
        due("A-1", "Abbot, Al", "2026-01-31", "2026-03-31", False),
        due("A-2", "Bell, Bo", "2026-03-07", "2026-04-07", False),
    ],
    "not_seen_over_a_month": [
        unseen("A-1", "Abbot, Al", "maintenance", "2026-01-31", None),
        unseen("A-5", "Egan, Ed", "integration", "2026-02-27", "2026-04-02"),
    ],
}

# --- leap day: as of Tuesday 2028-02-29 --------------------------------------------------------
# D - 7 days = 02-22; D + 7 days = 2028-03-07; D - 1 month = 2028-01-29.

LEAP_PATIENTS = [
    P("L-1", "Li", "Lamb", "maintenance", "2027-06-01"),
    P("L-2", "Mo", "Mann", "maintenance", "2027-06-01"),
    P("L-3", "Nu", "Nye", "maintenance", "2027-01-01", interval="12"),
    P("L-4", "Oz", "Ochs", "integration", "2027-06-01"),
    P("L-5", "Pia", "Pike", "integration", "2027-06-01"),
    P("L-6", "Qi", "Quon", "stabilization", "2028-02-15", target="5"),
    P("L-7", "Ru", "Ross", "intake", "2028-01-28"),
    P("L-8", "Si", "Sato", "intake", "2028-01-29"),
]
LEAP_APPOINTMENTS = [
    A("L-1", "2028-01-31"),   # Jan 31 + 1 month = Feb 29 (leap year) = D: due, not overdue
    A("L-2", "2028-02-07"),   # + 1 month = 03-07 = D+7: due, not overdue
    A("L-3", "2027-02-28"),   # + 12 months = 2028-02-28 < D: overdue; seen 2027: unseen
    A("L-4", "2028-01-29", "consult"),  # seen on D - 1 month: not unseen
    A("L-5", "2028-01-28", "consult"),  # seen the day before: unseen
    # L-6: k=2 (02-15, 02-21); 02-21 < 02-22 and nothing booked: stalled
    A("L-6", "2028-02-15"), A("L-6", "2028-02-21"),
    # L-7: never seen, registered 01-28 < 01-29: unseen; L-8 registered 01-29: not unseen
]
LEAP_EXPECTED = {
    "as_of": "2028-02-29",
    "mid_stabilization": [stab("L-6", "Quon, Qi", 2, 5, "2028-02-21", None, True)],
    "due_for_maintenance": [
        due("L-3", "Nye, Nu", "2027-02-28", "2028-02-28", True),
        due("L-1", "Lamb, Li", "2028-01-31", "2028-02-29", False),
        due("L-2", "Mann, Mo", "2028-02-07", "2028-03-07", False),
    ],
    "not_seen_over_a_month": [
        unseen("L-7", "Ross, Ru", "intake", None, None),
        unseen("L-3", "Nye, Nu", "maintenance", "2027-02-28", None),
        unseen("L-5", "Pike, Pia", "integration", "2028-01-28", None),
    ],
}


@pytest.mark.parametrize(("patients", "appointments", "expected"), [
    (MONTH_END_PATIENTS, MONTH_END_APPOINTMENTS, MONTH_END_EXPECTED),
    (LEAP_PATIENTS, LEAP_APPOINTMENTS, LEAP_EXPECTED),
], ids=["month-end-2026-03-31", "leap-day-2028-02-29"])
def test_lists_json_at_calendar_edges(cli, tmp_path, patients, appointments, expected):
    load(cli, tmp_path, patients, appointments)
    data = lists_json(cli, expected["as_of"])
    assert_shape(data)
    for name in LIST_KEYS[1:]:
        assert data[name] == expected[name], name


def test_one_month_boundary_moves_with_the_date(cli, tmp_path):
    """Seen 2026-10-21: not over a month on 11-21, over a month on 11-22."""
    load(cli, tmp_path,
         [P("B-1", "Bo", "Edge", "integration", "2026-01-01"),
          P("B-2", "Cy", "Edge", "integration", "2026-01-01")],
         [A("B-1", "2026-10-21", "assessment"), A("B-2", "2026-10-20", "assessment")])
    on_21 = lists_json(cli, "2026-11-21")["not_seen_over_a_month"]
    on_22 = lists_json(cli, "2026-11-22")["not_seen_over_a_month"]
    assert [e["patient_id"] for e in on_21] == ["B-2"]
    assert [(e["patient_id"], e["last_seen"]) for e in on_22] == [
        ("B-2", "2026-10-20"), ("B-1", "2026-10-21")]
