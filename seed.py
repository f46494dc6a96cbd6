"""Fill a new clinic database with a deterministic demo clinic.

    python seed.py --db demo.db --patients 1000 --seed 1 --today 2026-11-21

The same --patients, --seed and --today always give the same data. Without --db it fills the
database `frontdesk` opens by default ($FRONTDESK_DB, else frontdesk.db in the user data
folder). The database is created if it does not exist; one that already has patients is
refused (exit 2) unless --replace is given for a SQLite file, which starts it anew.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from frontdesk import clock, config
from frontdesk.db.connection import make_database
from frontdesk.domain.errors import DomainError
from frontdesk.domain.validation import parse_iso_date
from frontdesk.services.clinic import close_clinic, open_clinic
from frontdesk.services.demo import generate_demo


def _delete_sqlite_file(target: str) -> None:
    if "://" in target and not target.startswith("sqlite:"):
        raise DomainError("--replace only deletes SQLite files; empty other databases by hand")
    path = make_database(target).database
    for name in (path, f"{path}-wal", f"{path}-shm"):
        Path(name).unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="seed.py", description="Fill a new clinic database with a demo clinic.")
    parser.add_argument("--db", help="SQLite file or database URL (default: as frontdesk: "
                                     "$FRONTDESK_DB, else the user data folder)")
    parser.add_argument("--patients", type=int, default=1000, help="how many (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--today", help="YYYY-MM-DD the history leads up to (default: today)")
    parser.add_argument("--staff", default="seed", help="username in the audit trail")
    parser.add_argument("--replace", action="store_true",
                        help="delete an existing SQLite database file first")
    args = parser.parse_args(argv)
    try:
        target = config.choose_db_target(args.db)
        if args.replace:
            _delete_sqlite_file(target)
        if args.patients < 0:
            raise DomainError(f"--patients {args.patients} is negative")
        today = parse_iso_date(args.today, "--today") if args.today else clock.today()
        open_clinic(target)
        try:
            summary = generate_demo(patients=args.patients, seed=args.seed, today=today,
                                    staff=args.staff)
        finally:
            close_clinic()
    except DomainError as exc:
        print(f"seed.py: {exc}", file=sys.stderr)
        return 2
    print(f"{target}: {summary.patients} patients, {summary.appointments} appointments, "
          f"{summary.chairs} chairs in {summary.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
