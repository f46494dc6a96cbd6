"""How fast the three lists and the census answer as the clinic grows (numbers, never
pass/fail).

    python bench/bench_lists.py                       # seeds 1,000 and 100,000 patients
    python bench/bench_lists.py --sizes 1000,10000    # other sizes
    python bench/bench_lists.py --keep DIR            # keep / reuse the seeded files in DIR

For each size: the `frontdesk lists` and `frontdesk census` commands end to end (a fresh
process, as a script would run them), and the services in-process (best of 5, warm). The
last lines give each figure as a ratio to the smallest size, measured in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from frontdesk.services.census import census
from frontdesk.services.clinic import close_clinic, open_clinic
from frontdesk.services.demo import generate_demo
from frontdesk.services.lists import desk_lists

TODAY = dt.date(2026, 11, 20)
FRONTDESK = Path(sys.executable).with_name("frontdesk")


def seeded(folder: Path, size: int) -> Path:
    path = folder / f"bench_{size}.db"
    if not path.exists():
        open_clinic(str(path))
        try:
            generate_demo(patients=size, seed=1, today=TODAY)
        finally:
            close_clinic()
    return path


def best_of(n: int, call) -> float:
    times = []
    for _ in range(n):
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
    return min(times)


def compare_two_databases(description: str, measure, default_day: dt.date) -> None:
    """`--db1 small.db --db2 big.db [--day D]`: measure(copy, day) -> {figure: number} on a
    copy of each, printed side by side with the second as a ratio of the first."""
    import shutil
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--db1", type=Path, required=True)
    parser.add_argument("--db2", type=Path, required=True)
    parser.add_argument("--day", type=dt.date.fromisoformat, default=default_day)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        results = []
        for source in (args.db1, args.db2):
            copy = Path(folder) / source.name
            shutil.copy(source, copy)
            results.append(measure(copy, args.day))
    width = max(len(key) for key in results[0]) + 2
    print(f"{'figure':<{width}}{args.db1.name:>14}{args.db2.name:>14}{'ratio':>8}")
    for key in results[0]:
        a, b = results[0][key], results[1][key]
        print(f"{key:<{width}}{a:>14.1f}{b:>14.1f}{(b / a if a else 0):>7.2f}x")


def command(path: Path, *args: str) -> float:
    return best_of(3, lambda: subprocess.run(
        [str(FRONTDESK), "--db", str(path), *args, "--on", TODAY.isoformat(),
         "--format", "json"], check=True, capture_output=True))


def measure(path: Path) -> dict[str, float]:
    figures = {"cli lists": command(path, "lists"), "cli census": command(path, "census")}
    open_clinic(str(path))
    try:
        figures["lists()"] = best_of(5, lambda: desk_lists(TODAY))
        figures["census()"] = best_of(5, lambda: census(TODAY))
        sizes = desk_lists(TODAY)
        figures["rows"] = (len(sizes.mid_stabilization) + len(sizes.due_for_maintenance)
                           + len(sizes.not_seen_over_a_month))
    finally:
        close_clinic()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--keep", type=Path, help="folder to keep and reuse seeded databases")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench_lists_") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        results = {size: measure(seeded(folder, size)) for size in sizes}
    keys = ["cli lists", "cli census", "lists()", "census()"]
    print(f"{'patients':>9} " + " ".join(f"{k:>11}" for k in keys) + f" {'list rows':>10}")
    for size, r in results.items():
        print(f"{size:>9,} " + " ".join(f"{r[k]:>10.3f}s" for k in keys) + f" {r['rows']:>10,}")
    base = results[sizes[0]]
    for size in sizes[1:]:
        ratios = " ".join(f"{results[size][k] / base[k]:>10.1f}x" for k in keys)
        print(f"{size:>7,}/{sizes[0]:,} ratio: {ratios}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
