"""How fast frontdesk is at a small and a chain-sized clinic, in one run (never pass/fail).

    python -m bench                    # 1,000 and 100,000 patients, each figure 3 times
    python -m bench --quick            # tiny clinics, once each: under a minute (CI runs it)
    python -m bench --json out.json    # the same table as JSON too
    python -m bench --only services,commands --repeat 5

Prints one table: each figure at both sizes (median of the runs, ± half the spread), the
baseline measured in the same run where there is one (an empty Textual app, the best
hand-written SQL), the ratio (to the baseline, else large to small), the target and whether
it is met. The clinics are seed.py databases kept in a cache folder ($FRONTDESK_BENCH_CACHE,
else ~/.cache/frontdesk-bench) and built anew when seed.py, the demo generator or the schema
change. With PostgreSQL's server installed (as the tests use it) the services are measured
there too, on a private throwaway server.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from bench.run import GROUPS, Options, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench",
                                     description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[1:]))
    parser.add_argument("--quick", action="store_true",
                        help="tiny clinics (50 and 500 patients), each figure once")
    parser.add_argument("--sizes", help="two patient counts, e.g. 1000,100000")
    parser.add_argument("--repeat", type=int, help="runs per figure (default 3; --quick 1)")
    parser.add_argument("--only", help=f"comma-separated groups of {', '.join(GROUPS)}")
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--no-postgres", action="store_true",
                        help="skip PostgreSQL even when its server is installed")
    args = parser.parse_args(argv)
    sizes = (50, 500) if args.quick else (1000, 100_000)
    if args.sizes:
        try:
            sizes = tuple(sorted(int(s.replace("_", "")) for s in args.sizes.split(",")))
        except ValueError:
            parser.error(f"--sizes {args.sizes!r}: give two patient counts, e.g. 1000,100000")
        if len(sizes) != 2 or sizes[0] < 1:
            parser.error(f"--sizes {args.sizes!r}: give two positive patient counts")
    groups = tuple(GROUPS)
    if args.only:
        groups = tuple(g.strip() for g in args.only.split(",") if g.strip())
        unknown = sorted(set(groups) - set(GROUPS))
        if unknown:
            parser.error(f"--only: no group {', '.join(unknown)} (groups: {', '.join(GROUPS)})")
    repeat = args.repeat or (1 if args.quick else 3)
    if repeat < 1:
        parser.error("--repeat must be 1 or more")
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-") as work:
        # The user's own settings must not reach a bench database, in this process either.
        for kind in ("CONFIG", "DATA", "STATE"):
            os.environ[f"XDG_{kind}_HOME"] = str(Path(work) / "xdg" / kind.lower())
        options = Options(sizes=sizes, repeat=repeat, quick=args.quick, groups=groups,
                          postgres=not args.no_postgres, json=args.json)
        return run(options, Path(work))


if __name__ == "__main__":
    sys.exit(main())
