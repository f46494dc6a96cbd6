"""Exit status 1: an unexpected failure prints one line naming the log file, never a
traceback, and the log holds the details."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def test_an_unexpected_failure_is_one_line_and_a_log(frontdesk, tmp_path, user_dirs):
    db = tmp_path / "broken.db"
    assert frontdesk("--db", str(db), "lists", "--on", "2026-11-21").code == 0
    with sqlite3.connect(db) as conn:  # a table vanishes behind frontdesk's back
        conn.execute("DROP TABLE appointment_event")
        conn.execute("DROP TABLE appointment")

    result = frontdesk("--db", str(db), "lists", "--on", "2026-11-21")

    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.err
    log = Path(user_dirs["XDG_STATE_HOME"]) / "frontdesk" / "log" / "frontdesk.log"
    assert str(log) in lines[0]
    assert "no such table" in log.read_text()


def test_a_damaged_database_file_is_refused_in_one_line(frontdesk, tmp_path):
    db = tmp_path / "damaged.db"
    assert frontdesk("--db", str(db), "lists", "--on", "2026-11-21").code == 0
    data = bytearray(db.read_bytes())
    for offset in range(4096, len(data), 4096):  # keep the header page, wreck the rest
        data[offset:offset + 4096] = b"\xde\xad\xbe\xef" * 1024
    db.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)

    result = frontdesk("--db", str(db), "lists", "--on", "2026-11-21")

    assert result.code == 2
    assert result.err.strip() == ("frontdesk: cannot open the database: "
                                  "database disk image is malformed")


def test_bad_output_folder_and_staff_name_are_bad_input(frontdesk, tmp_path):
    db = str(tmp_path / "c.db")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    result = frontdesk("--db", db, "lists", "--format", "csv", "--out", str(blocker))
    assert result.code == 2
    assert result.err.strip().startswith(f"frontdesk: cannot write the lists to {blocker}")

    patients = tmp_path / "p.csv"
    patients.write_text("patient_id,first_name,last_name,date_of_birth,phone,phase,phase_since\n"
                        "C-1,Ana,Abe,1980-01-01,650 253 0000,intake,2026-01-01\n")
    result = frontdesk("--db", db, "import", "--patients", str(patients), "--staff", "s" * 65)
    assert (result.code, result.err.strip()) == (
        2, "frontdesk: the staff username is longer than 64 characters")
