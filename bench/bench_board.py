"""How fast the day's board answers as the clinic grows (numbers, never pass/fail).

    python bench/bench_board.py --db1 small.db --db2 big.db [--day 2026-11-20]

Both databases are seed.py clinics (the default day, a Monday after their seeding day,
is all booked) (copies are used: the bench writes status changes). For
each: the day's size, the board's first load as the screen does it (ids in order, the first
page of lines with badges, the counts per status), one more page, a status change and its
undo, the other-desk probe, and the board opened in the real app under Pilot (first rows).
The last lines give each figure as a ratio of the second database to the first.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_lists import best_of, compare_two_databases  # noqa: E402

from frontdesk import clock  # noqa: E402
from frontdesk.domain.model import Status  # noqa: E402
from frontdesk.services import flow  # noqa: E402
from frontdesk.services.changes import ChangeWatcher  # noqa: E402
from frontdesk.services.clinic import close_clinic, open_clinic  # noqa: E402

PAGE = 60


def first_load(day: dt.date, now: dt.datetime) -> None:
    ids = flow.board_ids(day)
    flow.board_ids(day, unfinished_only=True)
    flow.board_lines(ids[:PAGE], day)
    flow.board_summary(day, now, 15)


def change_and_undo(day: dt.date) -> None:
    """A no-show and its undo, on the day's first booked appointment."""
    page = flow.board_lines(flow.board_ids(day, unfinished_only=True)[:PAGE], day)
    line = next(line for line in page if line.status == Status.BOOKED)
    flow.undo(flow.set_status(line.id, Status.NO_SHOW, staff="bench",
                              expected_version=line.version, confirmed=True),
              staff="bench")


async def app_first_rows(path: Path) -> float:
    from frontdesk.tui.app import FrontdeskApp
    from frontdesk.tui.widgets.board_list import BoardList
    app = FrontdeskApp(clinic_name="bench")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        began = time.perf_counter()
        await pilot.press("f2")
        while True:
            await pilot.pause(0.001)
            board = app.screen.query("#board")
            if board and board.first(BoardList).row_count and board.first(BoardList).row(
                    board.first(BoardList).cursor) is not None:
                return time.perf_counter() - began


def measure(path: Path, day: dt.date) -> dict[str, float]:
    open_clinic(str(path))
    clock.set_now(dt.datetime.combine(day, dt.time(11, 0)))
    now = clock.now()
    try:
        figures = {"appointments that day": float(len(flow.board_ids(day)))}
        figures["board first load (ms)"] = 1000 * best_of(5, lambda: first_load(day, now))
        ids = flow.board_ids(day)
        figures["one more page (ms)"] = 1000 * best_of(5, lambda: flow.board_lines(
            ids[PAGE:2 * PAGE], day))
        figures["counts per status (ms)"] = 1000 * best_of(5, lambda: flow.board_summary(
            day, now, 15))
        figures["status change + undo (ms)"] = 1000 * best_of(5, lambda: change_and_undo(day))
        watcher = ChangeWatcher()
        figures["other-desk probe (µs)"] = 1e6 * best_of(50, watcher.changed)
        watcher.close()
        figures["app: F2 to first rows (ms)"] = 1000 * min(
            asyncio.run(app_first_rows(path)) for _ in range(3))
    finally:
        close_clinic()
    return figures


def main() -> None:
    compare_two_databases(__doc__.splitlines()[0], measure, dt.date(2026, 11, 23))


if __name__ == "__main__":
    main()
