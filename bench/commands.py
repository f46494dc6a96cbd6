"""The commands as a script or a person runs them, each a whole process: `frontdesk lists`,
`census` of a day and of 30 days, `import` of a whole clinic, and `seed.py`."""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
import subprocess
import time
from pathlib import Path

from bench.clinics import FRONTDESK, TODAY, facts, isolated_env, seed
from bench.figures import Figure, Stat, at_least, at_most

PATIENT_COLUMNS = ["patient_id", "first_name", "last_name", "date_of_birth", "phone", "email",
                   "phase", "phase_since", "stabilization_target",
                   "maintenance_interval_months", "registered_on"]
APPOINTMENT_COLUMNS = ["patient_id", "start", "duration_minutes", "kind", "status", "chair"]


def export_csv(source: Path) -> tuple[Path, Path]:
    """The clinic as INTERFACES.md's import files (kept beside the cached clinic)."""
    patients = source.with_suffix(".patients.csv")
    appointments = source.with_suffix(".appointments.csv")
    if patients.exists() and appointments.exists():
        return patients, appointments
    conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        with patients.open("w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(PATIENT_COLUMNS)
            out.writerows(conn.execute(
                "SELECT chart_number, first_name, last_name, date_of_birth, phone,"
                " coalesce(email, ''), phase, phase_since, stabilization_target,"
                " maintenance_interval_months, registered_on FROM patient ORDER BY id"))
        with appointments.open("w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(APPOINTMENT_COLUMNS)
            for chart, start, minutes, kind, status, chair in conn.execute(
                    "SELECT p.chart_number, a.start, a.duration_minutes, a.kind, a.status,"
                    " coalesce(c.name, '') FROM appointment a"
                    " JOIN patient p ON p.id = a.patient_id"
                    " LEFT JOIN chair c ON c.id = a.chair_id ORDER BY a.id"):
                out.writerow([chart, start[:16].replace(" ", "T"), minutes, kind, status, chair])
    finally:
        conn.close()
    return patients, appointments


def run(work: Path, *args: str) -> float:
    """Seconds for one `frontdesk …` process; a failure stops the benchmark with its error."""
    began = time.perf_counter()
    done = subprocess.run([str(FRONTDESK), *args], capture_output=True, text=True,
                          env=isolated_env(work))
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise RuntimeError(f"frontdesk {' '.join(args)} exited {done.returncode}: "
                           f"{done.stderr.strip()[-2000:]}")
    return seconds


def measure(ctx) -> list[Figure]:
    on = TODAY.isoformat()
    first = (TODAY - dt.timedelta(days=29)).isoformat()
    reads = {
        "frontdesk lists --format json": ("lists", "--on", on, "--format", "json"),
        "frontdesk census --on D": ("census", "--on", on, "--format", "json"),
        "frontdesk census, 30 days --format csv": ("census", "--from", first, "--to", on,
                                                   "--format", "csv"),
    }
    targets = {"frontdesk census, 30 days --format csv": (at_most(1000, "ms"),)}
    figures = []
    ctx.say("commands: lists and census…")
    for name, args in reads.items():
        samples = {size: [] for size in ctx.sizes}
        for _ in range(ctx.repeat):
            for size in ctx.sizes:
                samples[size].append(run(ctx.work, "--db", str(ctx.clinic(size)), *args))
        figures.append(Figure(name, "ms", "commands",
                              {s: Stat.of([1000 * x for x in samples[s]]) for s in ctx.sizes},
                              targets=targets.get(name, ())))

    ctx.say("commands: import…")
    seconds = {size: [] for size in ctx.sizes}
    rows = {}
    for size in ctx.sizes:
        source = ctx.clinic(size)
        patients, appointments = export_csv(source)
        rows[size] = facts(source)["appointment"]
        for n in range(ctx.repeat):
            target = ctx.work / f"imported_{size}_{n}.db"
            seconds[size].append(run(ctx.work, "--db", str(target), "--today", on, "import",
                                     "--patients", str(patients),
                                     "--appointments", str(appointments)))
            target.unlink()
    figures.append(Figure("frontdesk import, whole clinic", "s", "commands",
                          {s: Stat.of(seconds[s]) for s in ctx.sizes}))
    figures.append(Figure("import throughput (appointment rows/s)", "rows/s", "commands",
                          {s: Stat.of([rows[s] / x for x in seconds[s]]) for s in ctx.sizes},
                          targets=(at_least(50_000, "rows/s"),)))

    ctx.say("commands: seed.py…")
    seeded = {size: [] for size in ctx.sizes}
    for size in ctx.sizes:
        for n in range(ctx.repeat):
            seeded[size].append(seed(ctx.work / f"seeded_{size}.db", size))
        (ctx.work / f"seeded_{size}.db").unlink()
    figures.append(Figure("seed.py, whole process", "s", "commands",
                          {s: Stat.of(seeded[s]) for s in ctx.sizes},
                          targets=(at_most(20, "s"),)))
    figures.append(Figure("seed throughput (appointment rows/s)", "rows/s", "commands",
                          {s: Stat.of([facts(ctx.clinic(s))["appointment"] / x
                                       for x in seeded[s]]) for s in ctx.sizes}))
    return figures
