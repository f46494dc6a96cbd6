"""Shared helpers for the command-line tests: every test drives the real `frontdesk` command in a
subprocess (the `frontdesk` fixture of tests/conftest.py) against a SQLite file in tmp_path,
and looks at the database with the plain sqlite3 module when it needs to see what was stored.

The subprocess does not share the in-process fixed clock, so every call that depends on
"today" passes `--today 2026-11-21` (the `cli` fixture does it) or an explicit `--on`.
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

TODAY = "2026-11-21"

PATIENT_HEADER = ["patient_id", "first_name", "last_name", "date_of_birth", "phone", "email",
                  "phase", "phase_since", "stabilization_target",
                  "maintenance_interval_months", "registered_on"]
APPOINTMENT_HEADER = ["patient_id", "start", "duration_minutes", "kind", "status", "chair"]

# FILE:LINE: reason (INTERFACES.md, `frontdesk import`)
PROBLEM = re.compile(r"^(?P<file>.+?):(?P<line>[1-9]\d*): (?P<reason>\S.*)$")


def csv_text(header: list[str], rows: list[list[str]], newline: str = "\n") -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def write_csv(path: Path, header: list[str], rows: list[list[str]], *, newline: str = "\n",
              bom: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = csv_text(header, rows, newline).encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def patient(pid: str, first: str = "Ann", last: str = "Lee", *, dob: str = "1980-05-17",
            phone: str = "650-253-0000", email: str = "", phase: str = "intake",
            since: str = "2026-11-01", target: str = "", interval: str = "",
            registered: str = "") -> list[str]:
    """One row in PATIENT_HEADER order."""
    return [pid, first, last, dob, phone, email, phase, since, target, interval, registered]


def appointment(pid: str, start: str, kind: str = "infusion", status: str = "booked",
                chair: str = "", duration: str = "") -> list[str]:
    """One row in APPOINTMENT_HEADER order."""
    return [pid, start, duration, kind, status, chair]


def query(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def counts(db: Path) -> dict[str, int]:
    """Row counts of the tables an import writes."""
    return {table: query(db, f'SELECT COUNT(*) FROM "{table}"')[0][0]
            for table in ("patient", "appointment", "chair", "phase_change", "audit_entry")}


@dataclass(frozen=True)
class Problems:
    """stderr of a rejected import split into FILE:LINE: reason lines and anything else."""
    items: list[tuple[str, int, str]]
    other: list[str]

    @property
    def lines(self) -> set[tuple[str, int]]:
        return {(f, n) for f, n, _ in self.items}

    def reasons(self, file: str, line: int) -> str:
        return " | ".join(r for f, n, r in self.items if f == file and n == line)


def problems(err: str) -> Problems:
    items, other = [], []
    for text in err.splitlines():
        match = PROBLEM.match(text)
        if match and not text.startswith("frontdesk:"):
            items.append((match["file"], int(match["line"]), match["reason"]))
        else:
            other.append(text)
    return Problems(items, other)


def one_line_error(result) -> str:
    """Bad usage/input: exactly one non-empty line on stderr, no traceback, nothing else."""
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert "Traceback" not in result.err, result.err
    assert len(lines) == 1, result.err
    return lines[0]
