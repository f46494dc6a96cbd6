"""How `frontdesk import` reads its files fast: column by column through the texts read so far
(the row by row reading words every problem), the appointments file in a helper process when
it is big, the load through a rollback journal. Each way gives what the plain way gives: the
same rows, the same problems word for word, the same database."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from pathlib import Path

import pytest

from frontdesk import clock
from frontdesk.db import models as m
from frontdesk.domain.clinic import ClinicSettings
from frontdesk.services import importer
from frontdesk.services.importer import ImportRejected, import_csv

TODAY = dt.date(2026, 11, 21)

PATIENT_HEADER = ["patient_id", "first_name", "last_name", "date_of_birth", "phone", "email",
                  "phase", "phase_since", "stabilization_target",
                  "maintenance_interval_months", "registered_on"]
APPOINTMENT_HEADER = ["patient_id", "start", "duration_minutes", "kind", "status", "chair",
                      "cancelled_at"]


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    import csv
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _patient_rows(rng: random.Random, count: int, bad: bool) -> list[list[str]]:
    """Good rows, and with `bad` every kind of bad text now and then (and texts repeated, as
    a real file repeats names, dates and phases)."""
    rows = []
    for n in range(count):
        row = [f"C-{n:05d}", rng.choice(["Ana", "José", " Zoë ", "Mary-Kate"]),
               rng.choice(["Núñez", "O'Brien", "Smith"]),
               rng.choice(["1980-01-31", "1955-06-10", "2001-12-12"]),
               rng.choice([f"650-253-{n % 10000:04d}", f"(212) 555-{n % 10000:04d}",
                           f"+1 650 253 {n % 10000:04d}", f"+44 20 7946 {n % 10000:04d}"]),
               rng.choice(["", f"p{n}@example.com"]),
               rng.choice(["intake", "stabilization", "maintenance", "integration"]),
               rng.choice(["2026-01-01", "2026-10-31"]), rng.choice(["", "4", "8"]),
               rng.choice(["", "1", "12"]), rng.choice(["", "2025-12-01"])]
        if bad and rng.random() < 0.3:
            column = rng.randrange(len(row) + 3)
            if column < len(row):
                row[column] = rng.choice(["", " ", "x", "1980-02-30", "2030-01-01", "13",
                                          "1", "0", "abc@", "C-00001", "\x07", "😀",
                                          "a" * 101, "1850-01-01", "phase"])
            elif column == len(row):
                row.append("surplus")
            elif column == len(row) + 1:
                row = row[:5]
            else:
                row = [""] * len(row)
        rows.append(row)
    return rows


def _appointment_rows(rng: random.Random, count: int, charts: int, bad: bool
                      ) -> list[list[str]]:
    rows = []
    for n in range(count):
        day = 1 + n % 28
        row = [f"C-{rng.randrange(charts):05d}",
               f"2026-10-{day:02d}T{rng.choice(['08:00', '09:30', '11:00', '12:30'])}",
               rng.choice(["", "", "90", "45"]), rng.choice(["infusion", "consult"]),
               rng.choice(["completed", "booked", "cancelled", "no_show"]),
               f"Chair {1 + n % 40}" if n % 3 else "", ""]
        if bad and rng.random() < 0.2:
            column = rng.randrange(len(row) + 2)
            if column < len(row):
                row[column] = rng.choice(["", " ", "2026-02-30T09:00", "2026-10-01 09:00",
                                          "4", "481", "massage", "done", "C-99999",
                                          "2026-10-01T08:00", "x" * 65, "\x07"])
            elif column == len(row):
                row.append("surplus")
            else:
                row = row[:3]
        rows.append(row)
    return rows


@pytest.fixture
def every_row_read_alone(monkeypatch):
    """The fast path never taken: each row read by `_patient` / `_appointment`."""
    def never(self, raw):
        raise KeyError(raw)
    return lambda: monkeypatch.setattr(importer._Learnt, "__missing__", never)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_patients_read_fast_are_read_as_row_by_row(tmp_path, every_row_read_alone, seed):
    rng = random.Random(seed)
    path = _csv(tmp_path / "p.csv", PATIENT_HEADER, _patient_rows(rng, 400, bad=True))
    fast_report = importer._Report()
    fast = importer._read_patients(path, fast_report, TODAY, "US")
    every_row_read_alone()
    slow_report = importer._Report()
    slow = importer._read_patients(path, slow_report, TODAY, "US")
    assert fast == slow
    assert fast_report.problems == slow_report.problems
    assert fast_report.problems and fast[0]


def test_patients_without_the_optional_columns_read_fast_as_row_by_row(
        tmp_path, every_row_read_alone):
    rows = [row[:5] + row[6:8] for row in _patient_rows(random.Random(4), 200, bad=False)]
    header = PATIENT_HEADER[:5] + PATIENT_HEADER[6:8]
    path = _csv(tmp_path / "p.csv", header, rows)
    fast = importer._read_patients(path, importer._Report(), TODAY, "US")
    every_row_read_alone()
    assert fast == importer._read_patients(path, importer._Report(), TODAY, "US")
    assert {r.target for r in fast[0]} == {6} and all(r.email is None for r in fast[0])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_appointments_read_fast_are_read_as_row_by_row(tmp_path, every_row_read_alone, seed):
    rng = random.Random(seed)
    rows = _appointment_rows(rng, 600, 50, bad=True)
    rows[7][4], rows[7][6] = "cancelled", "2026-09-30T12:00"    # cancelled_at: row by row
    rows[8][4], rows[8][6] = "booked", "2026-09-30T12:00"
    path = _csv(tmp_path / "a.csv", APPOINTMENT_HEADER, rows)
    durations = ClinicSettings().durations
    fast_report = importer._Report()
    fast = importer._read_appointments(path, fast_report, durations)
    every_row_read_alone()
    slow_report = importer._Report()
    slow = importer._read_appointments(path, slow_report, durations)
    assert fast == slow
    assert fast_report.problems == slow_report.problems
    assert fast_report.problems and fast


def _files(tmp_path: Path, bad: bool, overlap: bool = False) -> tuple[Path, Path]:
    """A patients file and an appointments file: good; or `bad`, with every kind of problem
    (the patients', the rows' own, an unknown patient, an overlap in a chair); or with an
    `overlap` alone (which the database finds, the rows' check then words)."""
    rng = random.Random(11)
    patients = _patient_rows(rng, 300, bad=False)
    for n, row in enumerate(patients):   # valid US numbers, one each
        row[4] = f"650-253-{n:04d}"
    if bad:
        patients[5][3] = "2030-01-01"
    appointments = [row for row in _appointment_rows(rng, 2000, 300, bad=bad)]
    # no overlap in a chair but where a bad file wants one: one chair per row
    for n, row in enumerate(appointments):
        if len(row) > 5 and row[5]:
            row[5] = f"Chair {n + 1}"
    if bad:   # two infusions at once in one chair, a patient nobody knows
        appointments[20] = ["C-00001", "2026-10-05T09:00", "", "infusion", "booked",
                            "Chair 9999", ""]
        appointments[21] = ["C-00002", "2026-10-05T10:00", "", "infusion", "booked",
                            "chair 9999", ""]
        appointments[30] = ["NOBODY", "2026-10-05T10:00", "", "consult", "booked", "", ""]
    if overlap:
        appointments[20] = ["C-00001", "2026-10-05T09:00", "", "infusion", "booked",
                            "Chair 9999", ""]
        appointments[1500] = ["C-00002", "2026-10-05T08:00", "120", "infusion", "completed",
                              "chair 9999", ""]
    return (_csv(tmp_path / "p.csv", PATIENT_HEADER, patients),
            _csv(tmp_path / "a.csv", APPOINTMENT_HEADER, appointments))


def _stored(path: Path) -> dict:
    with sqlite3.connect(path) as conn:
        return {table: conn.execute(f'SELECT * FROM "{table}" ORDER BY id').fetchall()
                for table in ("patient", "appointment", "phase_change", "chair")}


def _import(path: Path, files, apart: bool, monkeypatch):
    from frontdesk.services.clinic import close_clinic, open_clinic
    monkeypatch.setattr(importer, "READ_APART_FROM", 0 if apart else 10 ** 12)
    clock.set_now(dt.datetime.combine(TODAY, dt.time(12, 34, 56)))   # the rows' created_at
    open_clinic(str(path))
    try:
        return import_csv(*files)
    finally:
        close_clinic()


def test_a_helper_process_reads_the_appointments_as_this_one_does(tmp_path, monkeypatch):
    files = _files(tmp_path, bad=False)
    here = _import(tmp_path / "here.db", files, False, monkeypatch)
    apart = _import(tmp_path / "apart.db", files, True, monkeypatch)
    assert (here.patients, here.appointments, here.chairs_created) == (
        apart.patients, apart.appointments, apart.chairs_created)
    assert here.appointments > 1000
    assert _stored(tmp_path / "here.db") == _stored(tmp_path / "apart.db")


@pytest.mark.parametrize("bad", ["every kind", "an overlap alone"])
def test_a_helper_process_reports_the_same_problems(tmp_path, monkeypatch, bad):
    files = _files(tmp_path, bad=bad == "every kind", overlap=bad == "an overlap alone")
    found = []
    for apart, name in ((False, "here.db"), (True, "apart.db")):
        with pytest.raises(ImportRejected) as caught:
            _import(tmp_path / name, files, apart, monkeypatch)
        found.append([str(p) for p in caught.value.problems])
        stored = _stored(tmp_path / name)
        assert stored["patient"] == stored["appointment"] == []
        assert [name for _, name, *_ in stored["chair"]] == [f"Chair {n}" for n in range(1, 5)]
    assert found[0] == found[1]
    reasons = "\n".join(found[0])
    assert "Chair 9999" in reasons
    if bad == "every kind":
        assert "2030-01-01" in reasons and "NOBODY" in reasons
    else:
        assert found[0] == [f"{files[1]}:22: Chair 9999 is already taken "
                            "2026-10-05T08:00-10:00 (line 1502)"]


def test_a_big_import_leaves_the_database_in_wal(db_path, tmp_path):
    """Through a rollback journal when no other connection has the database open; through
    the WAL when one has; in WAL mode afterwards either way, rejected or not."""
    files = _files(tmp_path, bad=False)
    other = sqlite3.connect(db_path)   # another desk: the load stays in the WAL
    try:
        other.execute("SELECT count(*) FROM patient").fetchone()
        with pytest.raises(ImportRejected):
            import_csv(files[0], _csv(tmp_path / "bad.csv", APPOINTMENT_HEADER,
                                      [["C-00001", "2026-13-01T09:00", "", "consult",
                                        "booked", "", ""]]))
    finally:
        other.close()
    db = m.database.obj
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    summary = import_csv(*files)
    assert summary.appointments > 1000
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT count(*) FROM appointment").fetchone()[0] == \
            summary.appointments
