"""How fast the manager's census answers as the clinic grows (numbers, never pass/fail).

    python bench/bench_census.py --db1 small.db --db2 big.db [--day 2026-11-20]

Both databases are seed.py clinics; copies are used (opening one written by an older
frontdesk migrates it, which the first figure shows). For each: the census of a day, the
30-day trend (and the two together, what the census screen asks for first), the week, the
12-week trend, the per-chair use; then the commands end to end in a fresh process, as a
script runs them: `census --on`, a 30-day `census --from --to --format csv`, `daysheet` and
`export-ics` for the day. Milliseconds, best of 5 warm runs in-process and of 3 for
commands; the last column is the second database's figure as a ratio of the first's,
measured in the same run.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_lists import best_of, compare_two_databases  # noqa: E402

from frontdesk.services import census  # noqa: E402
from frontdesk.services.clinic import close_clinic, open_clinic  # noqa: E402

FRONTDESK = Path(sys.executable).with_name("frontdesk")


def command(path: Path, *args: str) -> float:
    return best_of(3, lambda: subprocess.run([str(FRONTDESK), "--db", str(path), *args],
                                             check=True, capture_output=True))


def measure(path: Path, day: dt.date) -> dict[str, float]:
    figures: dict[str, float] = {}
    began = time.perf_counter()
    open_clinic(str(path))
    figures["open (migrating a copy when older)"] = time.perf_counter() - began
    try:
        figures["census(day)"] = best_of(5, lambda: census.census(day))
        figures["trend(day): 30 days"] = best_of(5, lambda: census.trend(day))
        figures["census + 30-day trend"] = best_of(
            5, lambda: (census.census(day), census.trend(day)))
        figures["week_figures(day)"] = best_of(5, lambda: census.week_figures(day))
        figures["weekly_trend(day): 12 weeks"] = best_of(5, lambda: census.weekly_trend(day))
        figures["chair_use(day)"] = best_of(5, lambda: census.chair_use(day))
        figures["daily_figures, 30 days with new patients"] = best_of(
            5, lambda: census.daily_figures(day - dt.timedelta(days=29), day))
    finally:
        close_clinic()
    on = day.isoformat()
    first = (day - dt.timedelta(days=29)).isoformat()
    figures["cli census --on D --format json"] = command(path, "census", "--on", on,
                                                         "--format", "json")
    figures["cli census 30 days --format csv"] = command(path, "census", "--from", first,
                                                        "--to", on, "--format", "csv")
    figures["cli daysheet --on D --format html"] = command(path, "daysheet", "--on", on,
                                                           "--format", "html")
    figures["cli export-ics --on D"] = command(path, "export-ics", "--on", on)
    return {key: seconds * 1000 for key, seconds in figures.items()}


def main() -> None:
    compare_two_databases(__doc__.splitlines()[0], measure, dt.date(2026, 11, 20))


if __name__ == "__main__":
    main()
