"""How fast `frontdesk import` takes a whole clinic (numbers, never pass/fail).

    python bench/bench_import.py --source seeded.db     # export it to CSV, import it anew
    python bench/bench_import.py --patients 10000       # seed a clinic of that size first

The CSV files are written from a seed.py database in INTERFACES.md's format, then imported
into a fresh database with the real command; the lists of both databases are compared.
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FRONTDESK = Path(sys.executable).with_name("frontdesk")
TODAY = "2026-11-20"


def export(source: Path, folder: Path) -> tuple[Path, Path]:
    conn = sqlite3.connect(source)
    patients, appointments = folder / "patients.csv", folder / "appointments.csv"
    with patients.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["patient_id", "first_name", "last_name", "date_of_birth", "phone",
                      "email", "phase", "phase_since", "stabilization_target",
                      "maintenance_interval_months", "registered_on"])
        out.writerows(conn.execute(
            "SELECT chart_number, first_name, last_name, date_of_birth, phone,"
            " coalesce(email, ''), phase, phase_since, stabilization_target,"
            " maintenance_interval_months, registered_on FROM patient ORDER BY id"))
    with appointments.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["patient_id", "start", "duration_minutes", "kind", "status", "chair"])
        for chart, start, minutes, kind, status, chair in conn.execute(
                "SELECT p.chart_number, a.start, a.duration_minutes, a.kind, a.status,"
                " coalesce(c.name, '') FROM appointment a JOIN patient p ON p.id = a.patient_id"
                " LEFT JOIN chair c ON c.id = a.chair_id ORDER BY a.id"):
            out.writerow([chart, start[:16].replace(" ", "T"), minutes, kind, status, chair])
    conn.close()
    return patients, appointments


def run(*args: str) -> tuple[float, subprocess.CompletedProcess]:
    began = time.perf_counter()
    proc = subprocess.run([str(FRONTDESK), *args], capture_output=True, text=True)
    return time.perf_counter() - began, proc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="a seed.py database to export")
    parser.add_argument("--patients", type=int, default=10000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench_import_") as tmp:
        folder = Path(tmp)
        source = args.source
        if source is None:
            source = folder / "source.db"
            subprocess.run([sys.executable, str(Path(__file__).parent.parent / "seed.py"),
                            "--db", str(source), "--patients", str(args.patients),
                            "--today", TODAY], check=True)
        patients, appointments = export(source, folder)
        target = folder / "imported.db"
        seconds, proc = run("--db", str(target), "--today", TODAY, "import",
                            "--patients", str(patients), "--appointments", str(appointments))
        if proc.returncode != 0:
            print(proc.stderr[:2000], file=sys.stderr)
            return 1
        print(f"import: {proc.stdout.strip()} ({seconds:.1f} s end to end)")
        same = [run("--db", str(db), "lists", "--on", TODAY, "--format", "json")[1].stdout
                for db in (source, target)]
        print("lists identical after import:", same[0] == same[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
