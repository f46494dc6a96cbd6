"""How fast the demo generator fills a new database (numbers only, never pass/fail).

    python bench/bench_seed.py                      # 1,000 / 10,000 / 100,000 patients
    python bench/bench_seed.py --sizes 1000,10000   # pick the sizes

Each size goes into a fresh SQLite file in a temporary folder; the time is end to end:
creating the schema, generating, writing, rebuilding the indexes and the final checkpoint.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from frontdesk.services.clinic import close_clinic, open_clinic
from frontdesk.services.demo import generate_demo

TABLES = ("patient", "appointment", "phase_change", "chair", "staff", "audit_entry")


def run(size: int, seed: int, today: dt.date, folder: Path) -> dict:
    path = folder / f"seed_{size}.db"
    gc.collect()
    started = time.perf_counter()
    open_clinic(str(path))
    try:
        summary = generate_demo(patients=size, seed=seed, today=today)
    finally:
        close_clinic()
    seconds = time.perf_counter() - started
    with sqlite3.connect(path) as conn:
        rows = sum(conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in TABLES)
    size_mb = path.stat().st_size / 1e6
    return {"patients": size, "appointments": summary.appointments, "rows": rows,
            "seconds": seconds, "generator_seconds": summary.seconds, "mb": size_mb}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000",
                        help="comma-separated patient counts (default 1000,10000,100000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", default="2026-11-20", help="YYYY-MM-DD (a Friday by default)")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    today = dt.date.fromisoformat(args.today)
    print(f"{'patients':>9} {'appointments':>13} {'rows':>10} {'seconds':>8} "
          f"{'rows/s':>10} {'appts/s':>10} {'MB':>7}")
    with tempfile.TemporaryDirectory(prefix="bench_seed_") as tmp:
        for size in sizes:
            r = run(size, args.seed, today, Path(tmp))
            print(f"{r['patients']:>9,} {r['appointments']:>13,} {r['rows']:>10,} "
                  f"{r['seconds']:>8.2f} {r['rows'] / r['seconds']:>10,.0f} "
                  f"{r['appointments'] / r['seconds']:>10,.0f} {r['mb']:>7.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
