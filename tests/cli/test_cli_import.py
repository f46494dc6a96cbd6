"""`frontdesk import` through the real command (INTERFACES.md, `frontdesk import`).

Success: counts printed, exit 0, values stored as the contract says (checked in the SQLite
file itself). Failure: all or nothing, exit 2, every bad row reported on stderr as
`FILE:LINE: reason` with LINE counting the header as line 1, never a traceback.
"""

from __future__ import annotations

import re
import sqlite3

import pytest

from cli_support import (APPOINTMENT_HEADER, PATIENT_HEADER, PROBLEM, Problems, appointment,
                         counts, csv_text, patient, problems, query, write_csv)


def _imported(result, patients: int, appointments: int) -> None:
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    assert re.search(rf"\b{patients} patients\b", result.out), result.out
    assert re.search(rf"\b{appointments} appointments\b", result.out), result.out


def _rejected(result, before: dict, db) -> Problems:
    """Exit 2, no traceback, nothing written; returns the parsed problem lines."""
    assert result.code == 2, (result.code, result.out, result.err)
    assert "Traceback" not in result.err, result.err
    assert counts(db) == before, "a rejected import must write nothing"
    return problems(result.err)


def import_base_clinic(cli, folder):
    write_csv(folder / "base_p.csv", PATIENT_HEADER, [
        patient("B-1", "Bea", "Base", phase="stabilization", since="2026-11-20"),
        patient("B-2", "Bob", "Base", phone="650-253-0001"),
    ])
    write_csv(folder / "base_a.csv", APPOINTMENT_HEADER, [
        appointment("B-1", "2026-11-23T09:00", chair="Chair 1"),
        appointment("B-2", "2026-11-23T09:00", status="cancelled", chair="Chair 3"),
    ])
    result = cli("import", "--patients", "base_p.csv", "--appointments", "base_a.csv")
    _imported(result, 2, 2)


@pytest.fixture
def base_clinic(made_once, db) -> dict:
    """Two patients already in the database; B-1 has an infusion in Chair 1 on
    2026-11-23 09:00-10:30, B-2 a cancelled one in Chair 3 at the same time.
    Returns the table counts after this import."""
    made_once(import_base_clinic)
    before = counts(db)
    assert before == {"patient": 2, "appointment": 2, "chair": 4, "phase_change": 2,
                      "audit_entry": 1}
    return before


# --- success ------------------------------------------------------------------------------

def test_unicode_names_phones_column_order_bom_and_defaults(cli, tmp_path, db):
    # Excel-style file: UTF-8 BOM, CRLF, columns in a different order, no optional columns.
    header = ["phase_since", "phone", "last_name", "patient_id", "date_of_birth",
              "first_name", "phase"]
    write_csv(tmp_path / "patients.csv", header, [
        ["2026-11-10", "(650) 253-0000", "Núñez", "U-1", "1984-03-07", "José", "stabilization"],
        ["2026-06-01", "650.253.0001", "O'Brien", "U-2", "1970-01-31", "Siobhán", "maintenance"],
        ["2026-01-01", "+1 650 253 0002", "O’Brien", "U-3", "1990-12-12", "Conor", "maintenance"],
        ["2026-11-01", "650-253-0003", "Smith-Jones", "U-4", "1962-02-28", "Zoë", "intake"],
        ["2026-09-15", "6502530004", "Ng", "U-5", "2001-07-04", "J", "integration"],
        ["2026-10-01", "1 (650) 253-0005", "Müller", "U-6", "1955-05-05", "Łukasz", "discharged"],
        ["2026-10-02", "  +44 20 7946 0958 ", "Ødegaard", "U-7", "1977-08-08", "Bjørn", "intake"],
    ], newline="\r\n", bom=True)
    # appointments: other order again, no duration_minutes column, one unknown chair
    write_csv(tmp_path / "appointments.csv", ["chair", "status", "kind", "start", "patient_id"], [
        ["Recliner A", "booked", "infusion", "2026-11-23T09:00", "U-1"],
        ["", "completed", "consult", "2026-11-10T10:00", "U-2"],
        ["", "booked", "assessment", "2026-11-24T11:00", "U-4"],
        ["Chair 2", "booked", "infusion", "2026-11-23T09:00", "U-4"],
    ], bom=True)

    result = cli("import", "--patients", "patients.csv", "--appointments", "appointments.csv")

    _imported(result, 7, 4)
    rows = {r[0]: r[1:] for r in query(db, """
        SELECT chart_number, first_name, last_name, phone, email, date_of_birth, phase,
               phase_since, stabilization_target, maintenance_interval_months, registered_on
        FROM patient""")}
    assert {k: v[:3] for k, v in rows.items()} == {
        "U-1": ("José", "Núñez", "+16502530000"),
        "U-2": ("Siobhán", "O'Brien", "+16502530001"),
        "U-3": ("Conor", "O’Brien", "+16502530002"),
        "U-4": ("Zoë", "Smith-Jones", "+16502530003"),
        "U-5": ("J", "Ng", "+16502530004"),
        "U-6": ("Łukasz", "Müller", "+16502530005"),
        "U-7": ("Bjørn", "Ødegaard", "+442079460958"),
    }
    for chart, (_, _, _, email, dob, phase, since, target, interval, registered) in rows.items():
        assert email is None, chart
        assert target == 6, chart            # stabilization_target default
        assert interval == 1, chart          # maintenance_interval_months default
        assert str(registered)[:10] == str(since)[:10], chart  # registered_on = phase_since
    assert str(rows["U-1"][4])[:10] == "1984-03-07"
    assert rows["U-1"][5] == "stabilization" and str(rows["U-1"][6])[:10] == "2026-11-10"

    appts = query(db, """
        SELECT p.chart_number, a.kind, a.status, a.duration_minutes, c.name, a.start
        FROM appointment a JOIN patient p ON p.id = a.patient_id
        LEFT JOIN chair c ON c.id = a.chair_id ORDER BY p.chart_number, a.start""")
    assert [r[:5] for r in appts] == [
        ("U-1", "infusion", "booked", 90, "Recliner A"),     # infusion default 90
        ("U-2", "consult", "completed", 60, None),           # consult default 60
        ("U-4", "infusion", "booked", 90, "Chair 2"),
        ("U-4", "assessment", "booked", 30, None),           # assessment default 30
    ]
    assert [str(r[5])[:16].replace(" ", "T") for r in appts] == [
        "2026-11-23T09:00", "2026-11-10T10:00", "2026-11-23T09:00", "2026-11-24T11:00"]
    chairs = [name for (name,) in query(db, "SELECT name FROM chair ORDER BY name")]
    assert chairs == ["Chair 1", "Chair 2", "Chair 3", "Chair 4", "Recliner A"]

    # the names come back unchanged through the lists too (U-1 is mid-stabilization)
    lists = cli("lists", "--on", "2026-11-21", "--format", "json")
    assert lists.code == 0, lists.err
    assert '"name": "Núñez, José"' in lists.out


def test_explicit_optional_columns_and_accepted_boundaries(cli, tmp_path, db):
    write_csv(tmp_path / "patients.csv", PATIENT_HEADER, [
        # born exactly 120 years before 2026-11-21: allowed
        patient("E-1", "Old", "Est", dob="1906-11-21", email="old.est@example.com",
                phase="stabilization", since="2026-11-01", target="3", interval="12",
                registered="2026-09-30"),
        # born today: not in the future, allowed
        patient("E-2", "New", "Born", dob="2026-11-21", phone="650-253-0001",
                phase="maintenance", since="2026-05-01", target="8", interval="1"),
        # a 32-character chart number is the longest allowed
        patient("X" * 32, "Long", "Chart", phone="650-253-0002"),
    ])
    write_csv(tmp_path / "appointments.csv", APPOINTMENT_HEADER, [
        appointment("E-1", "2026-11-23T08:00", "assessment", duration="5"),
        appointment("E-2", "2026-11-23T08:00", "infusion", chair="Chair 1", duration="480"),
        appointment("E-1", "2026-11-24T08:00", "consult", "cancelled", duration=""),
    ])
    result = cli("import", "--patients", "patients.csv", "--appointments", "appointments.csv")
    _imported(result, 3, 3)
    rows = query(db, """SELECT chart_number, email, stabilization_target,
                        maintenance_interval_months, registered_on, date_of_birth
                        FROM patient ORDER BY chart_number""")
    assert [(r[0], r[1], r[2], r[3], str(r[4])[:10], str(r[5])[:10]) for r in rows] == [
        ("E-1", "old.est@example.com", 3, 12, "2026-09-30", "1906-11-21"),
        ("E-2", None, 8, 1, "2026-05-01", "2026-11-21"),
        ("X" * 32, None, 6, 1, "2026-11-01", "1980-05-17"),
    ]
    durations = query(db, "SELECT kind, duration_minutes FROM appointment ORDER BY start, kind")
    assert durations == [("assessment", 5), ("infusion", 480), ("consult", 60)]


def test_appointments_alone_for_patients_already_in_the_database(cli, tmp_path, db, base_clinic):
    write_csv(tmp_path / "more.csv", APPOINTMENT_HEADER, [
        appointment("B-1", "2026-11-24T09:00", chair="Chair 1", duration="45"),
        appointment("B-2", "2026-11-24T09:00", chair="Chair 2"),
        appointment("B-2", "2026-11-25T14:00", "consult"),
        # touches B-1's infusion already in the database (09:00-10:30): no overlap
        appointment("B-2", "2026-11-23T10:30", chair="Chair 1"),
    ])
    result = cli("import", "--appointments", "more.csv")
    _imported(result, 0, 4)
    assert counts(db)["appointment"] == base_clinic["appointment"] + 4
    assert counts(db)["patient"] == base_clinic["patient"]
    rows = query(db, """SELECT p.chart_number, a.kind, a.duration_minutes FROM appointment a
                        JOIN patient p ON p.id = a.patient_id ORDER BY a.id""")
    assert rows[2:] == [("B-1", "infusion", 45), ("B-2", "infusion", 90), ("B-2", "consult", 60),
                        ("B-2", "infusion", 90)]


# --- all or nothing: every bad row reported --------------------------------------------------

OK = "<good row>"
BAD_PATIENTS = [  # (row, a word the reason must contain, or OK); line = index + 2
    (patient("G-1", "Good", "One"), OK),
    (patient("", "No", "Chart"), "patient_id"),                            # missing
    (patient("C" * 33, "Too", "Long"), "patient_id"),                       # 33 characters
    (patient("G-1", "Twice", "Same"), "G-1"),                               # duplicate in file
    (patient("B-1", "Already", "There"), "B-1"),                            # already in the db
    (patient("P-05", "", "Nofirst"), "first_name"),
    (patient("P-06", "Nolast", "   "), "last_name"),
    (patient("P-07", dob="12/03/1980"), "12/03/1980"),                      # not YYYY-MM-DD
    (patient("P-08", dob="2026-02-30"), "2026-02-30"),                      # not a real date
    (patient("P-09", dob="2026-11-22"), "2026-11-22"),                      # in the future
    (patient("P-10", dob="1906-11-20"), "1906-11-20"),                      # > 120 years ago
    (patient("P-11", dob=""), "date_of_birth"),
    (patient("P-12", phone="12345"), "12345"),
    (patient("P-13", phone="call me maybe"), "call me maybe"),
    (patient("P-14", phone=""), "phone"),
    (patient("P-15", phase="active"), "active"),
    (patient("P-16", since="2026-13-01"), "2026-13-01"),
    (patient("P-17", target="2"), "stabilization_target"),
    (patient("P-18", target="9"), "stabilization_target"),
    (patient("P-19", target="six"), "six"),
    (patient("P-20", interval="0"), "maintenance_interval_months"),
    (patient("P-21", interval="13"), "maintenance_interval_months"),
    (patient("P-22", registered="yesterday"), "yesterday"),
    (patient("P-23", email="jose@"), "jose@"),
    (patient("P-24", phase=""), "phase"),
    (patient("G-2", "Good", "Two", phone="650-253-0001"), OK),
    (patient("P-26") + ["surplus"], None),                                  # too many values
]


def test_every_bad_patient_row_is_reported_and_nothing_is_imported(cli, tmp_path, db,
                                                                   base_clinic):
    write_csv(tmp_path / "patients.csv", PATIENT_HEADER, [row for row, _ in BAD_PATIENTS])
    result = cli("import", "--patients", "patients.csv")
    found = _rejected(result, base_clinic, db)
    assert found.lines == {("patients.csv", i + 2)
                           for i, (_, word) in enumerate(BAD_PATIENTS) if word != OK}
    for i, (_, word) in enumerate(BAD_PATIENTS):
        if word not in (None, OK):
            assert word.lower() in found.reasons("patients.csv", i + 2).lower(), (i + 2, word)


BAD_APPOINTMENTS = [  # (row, a word the reason must contain or None, bad?); line = index + 2
    # 2026-11-24, Chair 2: N-1 09:00-10:30, B-2 at 09:45 overlaps -> the later row is bad
    (appointment("N-1", "2026-11-24T09:00", chair="Chair 2"), None, False),
    (appointment("ZZZ-9", "2026-11-24T12:00", "consult"), "ZZZ-9", True),       # unknown patient
    (appointment("B-2", "2026-11-21 09:00", "consult"), "2026-11-21 09:00", True),
    (appointment("B-2", "2026-11-21T9:00", "consult"), "2026-11-21T9:00", True),
    (appointment("B-2", "2026-11-25T12:00", "consult", duration="4"), "duration_minutes", True),
    (appointment("B-2", "2026-11-25T13:00", "consult", duration="481"), "duration_minutes", True),
    (appointment("B-2", "2026-11-25T14:00", "massage"), "massage", True),
    (appointment("B-2", "2026-11-25T15:00", "consult", "done"), "done", True),
    (appointment("B-2", "2026-11-24T09:45", chair="Chair 2"), "Chair 2", True),
    # 2026-11-23, Chair 1: B-1's infusion 09:00-10:30 is in the database
    (appointment("B-2", "2026-11-23T10:00", chair="Chair 1"), "Chair 1", True),
    (appointment("N-1", "2026-11-23T08:00", chair="Chair 1"), "Chair 1", True),  # 08:00-09:30
    # 2026-11-23, Chair 3: the infusion in the database there is cancelled: fine
    (appointment("N-1", "2026-11-23T09:30", chair="Chair 3"), None, False),
    # 2026-12-04, Chair 4: a 3-hour infusion and two that start inside it: both reported;
    # the one starting when the second ends (12:30) touches it: fine
    (appointment("N-1", "2026-12-04T09:00", chair="Chair 4", duration="180"), None, False),
    (appointment("B-2", "2026-12-04T09:30", chair="Chair 4"), "Chair 4", True),
    (appointment("B-1", "2026-12-04T11:00", chair="Chair 4"), "Chair 4", True),
    (appointment("B-2", "2026-12-04T12:30", chair="Chair 4"), None, False),
    (appointment("ZZZ-9", "2026-12-05T12:00", "consult"), "ZZZ-9", True),  # unknown again
    # 2026-11-25, Chair 3: touching 09:00-10:30 and 10:30 is fine
    (appointment("N-1", "2026-11-25T09:00", chair="Chair 3"), None, False),
    (appointment("B-2", "2026-11-25T10:30", chair="Chair 3"), None, False),
    # 2026-11-26, Chair 2: overlapping, but one of them is cancelled: fine
    (appointment("N-1", "2026-11-26T09:00", status="cancelled", chair="Chair 2"), None, False),
    (appointment("B-2", "2026-11-26T09:30", chair="Chair 2"), None, False),
    (appointment("B-1", "2026-11-26T09:15", status="cancelled", chair="Chair 2"), None, False),
    # 2026-11-27: overlapping in different chairs: fine
    (appointment("N-1", "2026-11-27T09:00", chair="Chair 2"), None, False),
    (appointment("B-2", "2026-11-27T09:30", chair="Chair 3"), None, False),
    # 2026-11-30, Chair 4: consults in a chair overlapping an infusion: only infusions count
    (appointment("N-1", "2026-11-30T09:00", "consult", chair="Chair 4"), None, False),
    (appointment("B-2", "2026-11-30T09:15", chair="Chair 4"), None, False),
    (appointment("B-1", "2026-11-30T09:30", "consult", chair="Chair 4"), None, False),
    # too many values
    (appointment("B-2", "2026-12-01T09:00", "consult") + ["x"], None, True),
    (appointment("B-2", "2026-12-02T09:00", "consult", status=""), "status", True),
    (appointment("B-2", "", "consult"), "start", True),
]


def test_every_bad_appointment_row_is_reported_and_nothing_is_imported(cli, tmp_path, db,
                                                                       base_clinic):
    # the patients file is fine; only the appointments are bad: nothing at all is imported,
    # not even the good patient, and no chair is created
    write_csv(tmp_path / "patients.csv", PATIENT_HEADER,
              [patient("N-1", "New", "Comer", phone="650-253-0005")])
    write_csv(tmp_path / "appointments.csv", APPOINTMENT_HEADER,
              [row for row, _, _ in BAD_APPOINTMENTS] +
              [appointment("N-1", "2026-12-03T09:00", chair="Brand New Chair")])
    result = cli("import", "--patients", "patients.csv", "--appointments", "appointments.csv")
    found = _rejected(result, base_clinic, db)
    expected = {("appointments.csv", i + 2) for i, (_, _, bad) in enumerate(BAD_APPOINTMENTS)
                if bad}
    assert found.lines == expected
    for i, (_, word, _) in enumerate(BAD_APPOINTMENTS):
        if word is not None:
            assert word.lower() in found.reasons("appointments.csv", i + 2).lower(), (i + 2, word)
    assert query(db, "SELECT COUNT(*) FROM chair WHERE name = 'Brand New Chair'") == [(0,)]


def test_problem_lines_and_nothing_else_on_stderr(cli, tmp_path, db, base_clinic):
    """INTERFACES.md: every bad row is reported on stderr as FILE:LINE: reason."""
    write_csv(tmp_path / "patients.csv", PATIENT_HEADER, [
        patient("B-1"), patient("Q-2", dob="1980-02-30"), patient("Q-3", phone="1")])
    result = cli("import", "--patients", "patients.csv")
    assert result.code == 2
    lines = result.err.splitlines()
    assert len(lines) >= 3
    for line in lines:
        assert PROBLEM.match(line) and line.startswith("patients.csv:"), \
            f"stderr line not of the form FILE:LINE: reason: {line!r}"


def test_one_bad_row_among_many_rejects_the_whole_file(cli, tmp_path, db, base_clinic):
    rows = [patient(f"M-{i:03d}", "Many", f"Rows{i}", phone=f"650-253-{1000 + i}")
            for i in range(60)]
    rows[38] = patient("M-038", "Many", "Rows38", dob="2030-01-01")  # line 40
    write_csv(tmp_path / "patients.csv", PATIENT_HEADER, rows)
    write_csv(tmp_path / "appointments.csv", APPOINTMENT_HEADER, [
        appointment(f"M-{i:03d}", f"2026-12-{1 + i % 28:02d}T{8 + i // 28:02d}:00", "consult")
        for i in range(60) if i != 38])
    result = cli("import", "--patients", "patients.csv", "--appointments", "appointments.csv")
    found = _rejected(result, base_clinic, db)
    assert found.lines == {("patients.csv", 40)}
    assert "2030-01-01" in found.reasons("patients.csv", 40)


def test_appointment_of_a_patient_whose_row_is_bad_is_not_reported_as_unknown(
        cli, tmp_path, db, base_clinic):
    """The patient IS in patients.csv (its row is bad and reported); its appointment row is
    fine, so it must not be reported as a bad row ('not in the patients file' is untrue)."""
    write_csv(tmp_path / "patients.csv", PATIENT_HEADER, [
        patient("K-1"), patient("K-2", dob="2030-01-01", phone="650-253-0001")])
    write_csv(tmp_path / "appointments.csv", APPOINTMENT_HEADER, [
        appointment("K-1", "2026-12-01T09:00", "consult"),
        appointment("K-2", "2026-12-01T10:00", "consult")])
    result = cli("import", "--patients", "patients.csv", "--appointments", "appointments.csv")
    found = _rejected(result, base_clinic, db)
    assert found.lines == {("patients.csv", 3)}


def test_a_file_path_is_reported_as_given(cli, tmp_path, db, base_clinic):
    write_csv(tmp_path / "in" / "p.csv", PATIENT_HEADER, [patient("A-1", dob="1980-1-1")])
    write_csv(tmp_path / "in" / "a.csv", APPOINTMENT_HEADER,
              [appointment("NOPE", "2026-11-24T09:00", "consult")])
    absolute = str(tmp_path / "in" / "a.csv")
    result = cli("import", "--patients", "in/p.csv", "--appointments", absolute)
    found = _rejected(result, base_clinic, db)
    assert found.lines == {("in/p.csv", 2), (absolute, 2)}


# --- all or nothing: problems with a whole file -----------------------------------------------

P_HEAD = ",".join(PATIENT_HEADER)
A_HEAD = ",".join(APPOINTMENT_HEADER)
P_ROW = ",".join(patient("H-1"))
A_ROW = ",".join(appointment("B-2", "2026-11-24T09:00", "consult"))


@pytest.mark.parametrize(("which", "text", "words"), [
    ("patients", P_HEAD + ",nickname\n" + P_ROW + ",Nick\n", ["nickname"]),
    ("patients", P_HEAD.replace(",phone", "") + "\n" + P_ROW.replace(",650-253-0000", "") + "\n",
     ["phone"]),
    ("patients", P_HEAD + ",phase\n" + P_ROW + ",intake\n", ["phase"]),
    ("patients", "", []),                                                      # empty file
    ("patients", "\ufeff", []),                                               # only a BOM
    ("patients", P_HEAD.replace("phone", "telephone") + "\n" + P_ROW + "\n",  # two problems
     ["telephone", "phone"]),
    ("appointments", A_HEAD + ",room\n" + A_ROW + ",R1\n", ["room"]),
    ("appointments", A_HEAD.replace(",kind", "") + "\n" + A_ROW.replace(",consult", "") + "\n",
     ["kind"]),
    ("appointments", A_HEAD + ",start\n" + A_ROW + ",2026-11-24T09:00\n", ["start"]),
    ("appointments", "", []),
], ids=["p-unknown-column", "p-missing-column", "p-duplicate-column", "p-empty-file", "p-bom-only",
        "p-two-header-problems", "a-unknown-column", "a-missing-column", "a-duplicate-column",
        "a-empty-file"])
def test_header_problems_are_reported_on_line_1(cli, tmp_path, db, base_clinic, which, text,
                                                words):
    name = f"{which}.csv"
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = cli("import", f"--{which}", name)
    found = _rejected(result, base_clinic, db)
    assert found.lines == {(name, 1)}
    reasons = found.reasons(name, 1)
    for word in words:
        assert word in reasons, (word, reasons)
    if len(words) == 2:
        assert len(found.items) == 2, "each header problem gets its own line"


def test_bad_header_in_one_file_and_bad_rows_in_the_other_are_all_reported(cli, tmp_path, db,
                                                                           base_clinic):
    (tmp_path / "p.csv").write_text(P_HEAD + ",nickname\n" + P_ROW + ",Nick\n", encoding="utf-8")
    write_csv(tmp_path / "a.csv", APPOINTMENT_HEADER, [
        appointment("B-2", "2026-11-24T09:00", "consult", "done"),
        appointment("B-2", "2026-11-24T10:00", "consult"),
        appointment("B-2", "2026-11-24T11:00", "tea")])
    found = _rejected(cli("import", "--patients", "p.csv", "--appointments", "a.csv"),
                      base_clinic, db)
    assert found.lines == {("p.csv", 1), ("a.csv", 2), ("a.csv", 4)}


def test_a_file_that_is_not_utf8_is_reported_with_its_line(cli, tmp_path, db, base_clinic):
    text = csv_text(PATIENT_HEADER, [patient("L-1", "Ann", "Lee"),
                                     patient("L-2", "José", "Núñez", phone="650-253-0001")])
    (tmp_path / "latin1.csv").write_bytes(text.encode("latin-1"))
    found = _rejected(cli("import", "--patients", "latin1.csv"), base_clinic, db)
    assert found.lines == {("latin1.csv", 3)}


def test_a_missing_file_is_bad_input(cli, tmp_path, db, base_clinic):
    result = cli("import", "--patients", "no-such-file.csv")
    _rejected(result, base_clinic, db)
    assert "no-such-file.csv" in result.err


def test_import_without_files_is_bad_usage(cli, db):
    result = cli("import")
    assert result.code == 2
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_a_record_spanning_two_lines_counts_both(cli, tmp_path, db, base_clinic):
    # line 2: good; lines 3-4: one record (a quoted name with a line break), bad phase;
    # line 5: bad date of birth; line 6: good
    text = (P_HEAD + "\n"
            + ",".join(patient("T-1")) + "\n"
            + 'T-2,"Mary\nAnn",Lee,1980-05-17,650-253-0001,,asleep,2026-11-01,,,\n'
            + ",".join(patient("T-3", dob="1980-02-31", phone="650-253-0002")) + "\n"
            + ",".join(patient("T-4", phone="650-253-0003")) + "\n")
    (tmp_path / "multi.csv").write_text(text, encoding="utf-8")
    found = _rejected(cli("import", "--patients", "multi.csv"), base_clinic, db)
    assert found.lines == {("multi.csv", 3), ("multi.csv", 5)}
    assert "asleep" in found.reasons("multi.csv", 3)
    assert "1980-02-31" in found.reasons("multi.csv", 5)


def test_an_unterminated_quote_is_reported_at_the_record_start(cli, tmp_path, db, base_clinic):
    text = (P_HEAD + "\n" + ",".join(patient("V-1")) + "\n"
            + 'V-2,"Unclosed,Lee,1980-05-17,650-253-0001,,intake,2026-11-01,,,\n'
            + ",".join(patient("V-3", phone="650-253-0002")) + "\n")
    (tmp_path / "broken.csv").write_text(text, encoding="utf-8")
    found = _rejected(cli("import", "--patients", "broken.csv"), base_clinic, db)
    assert found.lines == {("broken.csv", 3)}


def test_a_file_with_only_a_header_imports_nothing_successfully(cli, tmp_path, db, base_clinic):
    (tmp_path / "p.csv").write_text(P_HEAD + "\n", encoding="utf-8")
    (tmp_path / "a.csv").write_text(A_HEAD + "\n", encoding="utf-8")
    _imported(cli("import", "--patients", "p.csv", "--appointments", "a.csv"), 0, 0)
    after = counts(db)
    for table in ("patient", "appointment", "chair", "phase_change"):
        assert after[table] == base_clinic[table], table


# --- the chair rule, checked once for the whole load --------------------------------------------

GUARD_TRIGGERS = [("appointment_chair_free_insert",), ("appointment_chair_free_update",)]


def _guard_triggers(db) -> list[tuple]:
    return query(db, "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                     "AND name LIKE 'appointment_chair_free%' ORDER BY name")


def test_an_overlapping_load_is_refused_whole_and_the_guard_stays(cli, tmp_path, db):
    """Into an empty clinic (the load goes in with the guard suspended): two infusions at
    once in one chair are reported, nothing is stored, the guard's triggers are there."""
    write_csv(tmp_path / "patients.csv", PATIENT_HEADER, [
        patient(f"L-{i}", "Lo", f"Ad{i}", phone=f"650-253-{2000 + i}") for i in range(3)])
    write_csv(tmp_path / "appointments.csv", APPOINTMENT_HEADER, [
        appointment("L-0", "2026-11-23T09:00", chair="Chair 1"),
        appointment("L-1", "2026-11-23T10:30", chair="Chair 1"),             # touching: fine
        appointment("L-2", "2026-11-23T10:00", chair="chair 1", duration="30"),  # line 4
    ])
    result = cli("import", "--patients", "patients.csv", "--appointments", "appointments.csv")
    assert result.code == 2, result.err
    found = problems(result.err)
    assert found.lines == {("appointments.csv", 4)}
    assert "Chair 1" in found.reasons("appointments.csv", 4)
    assert query(db, "SELECT COUNT(*) FROM patient") == [(0,)]
    assert query(db, "SELECT COUNT(*) FROM appointment") == [(0,)]
    assert _guard_triggers(db) == GUARD_TRIGGERS


def test_a_load_leaves_the_guard_and_the_indexes_as_they_were(cli, tmp_path, db):
    """A big load into an empty clinic, and a small one into it after (which keeps the
    indexes and triggers up to date row by row): the schema ends as it began, and the
    guard still refuses another program's overlapping write."""
    assert cli("lists", "--format", "json").code == 0   # creates the database
    catalogue = "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
    before = query(db, catalogue)
    write_csv(tmp_path / "patients.csv", PATIENT_HEADER, [
        patient(f"L-{i}", "Lo", f"Ad{i}", phone=f"650-253-{2000 + i}") for i in range(40)])
    write_csv(tmp_path / "appointments.csv", APPOINTMENT_HEADER, [
        appointment(f"L-{i}", f"2026-11-{2 + i // 4:02d}T{8 + 2 * (i % 4):02d}:00",
                    chair=f"Chair {1 + i % 2}") for i in range(40)])
    _imported(cli("import", "--patients", "patients.csv", "--appointments",
                  "appointments.csv"), 40, 40)
    write_csv(tmp_path / "more.csv", APPOINTMENT_HEADER,
              [appointment("L-0", "2026-11-30T15:00", chair="Chair 1")])
    _imported(cli("import", "--appointments", "more.csv"), 0, 1)
    assert query(db, catalogue) == before
    con = sqlite3.connect(db)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="appointment_chair_free"):
            con.execute("INSERT INTO appointment (patient_id, kind, start, duration_minutes, "
                        "ends_at, chair_id, status, status_at, status_by_id, booked_at, "
                        "booked_by_id, late_cancellation, version) SELECT patient_id, kind, "
                        "'2026-11-02 09:00:00', 90, '2026-11-02 10:30:00', chair_id, status, "
                        "status_at, status_by_id, booked_at, booked_by_id, 0, 1 "
                        "FROM appointment WHERE start = '2026-11-02 08:00:00'")
    finally:
        con.close()
