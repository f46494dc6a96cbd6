"""Fill a new clinic database with a deterministic demo clinic.

    python seed.py --db demo.db --patients 1000 --seed 1 --today 2026-11-21

The same --patients, --seed and --today always give the same data. The database is created
if it does not exist; one that already has patients is refused (exit 2).
"""

from __future__ import annotations

import argparse
import os
import sys

from frontdesk import clock
from frontdesk.domain.errors import DomainError
from frontdesk.domain.validation import parse_iso_date
from frontdesk.services.clinic import close_clinic, open_clinic
from frontdesk.services.demo import generate_demo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="seed.py", description="Fill a new clinic database with a demo clinic.")
    parser.add_argument("--db", default=os.environ.get("FRONTDESK_DB"),
                        help="SQLite file or database URL (default: $FRONTDESK_DB)")
    parser.add_argument("--patients", type=int, default=1000, help="how many (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--today", help="YYYY-MM-DD the history leads up to (default: today)")
    parser.add_argument("--staff", default="seed", help="username in the audit trail")
    args = parser.parse_args(argv)
    try:
        if not args.db:
            raise DomainError("--db is required (or set FRONTDESK_DB)")
        if args.patients < 0:
            raise DomainError(f"--patients {args.patients} is negative")
        today = parse_iso_date(args.today, "--today") if args.today else clock.today()
        open_clinic(args.db)
        try:
            summary = generate_demo(patients=args.patients, seed=args.seed, today=today,
                                    staff=args.staff)
        finally:
            close_clinic()
    except DomainError as exc:
        print(f"seed.py: {exc}", file=sys.stderr)
        return 2
    print(f"{summary.patients} patients, {summary.appointments} appointments, "
          f"{summary.chairs} chairs in {summary.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
