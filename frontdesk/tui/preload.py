"""The desk's first screenful, read from the database while Textual loads.

`frontdesk` (cli.cmd_desk) opens the database, starts this, and only then imports Textual and
builds the app: a few hundred milliseconds of the interpreter's own work before the first
frame. Meanwhile two threads of their own read what the desk shows first (the clinic's
settings, the patient list's size and first page, the highlighted patient's detail, the
day's agenda, the month's counts, and the filter counts, which take longest on a big
clinic), SQLite doing its work outside Python's lock. The desk takes each answer when its
pane asks for it (screens/desk.py: the pane's worker waits for it instead of asking the
database again), once: a reload asks the database.

The change watcher takes its starting point before anything is read, so a write another
desk makes meanwhile is seen by its first look, as it would be had the desk read it itself.

Nothing here imports Textual: a subcommand never does, and the point is to start first.
"""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import Future
from typing import Any, Callable

from frontdesk.services.calendar import day_agenda, day_counts
from frontdesk.services.changes import ChangeWatcher
from frontdesk.services.clinic import clinic_settings
from frontdesk.services.patients import ListPager, ListQuery, filter_counts, patient_detail
from frontdesk.tui.format import PAGE, grid_days


class DeskPreload:
    """Started at once; `take(name)` hands a pane its answer (a Future) once."""

    def __init__(self, as_of: dt.date) -> None:
        self.as_of = as_of
        self.query = ListQuery(as_of)  # the desk's list as it opens: all patients by name
        self.pager = ListPager(self.query)
        self.month = as_of.replace(day=1)
        self.watcher = ChangeWatcher()
        self.watcher.start()  # before any read (see the module's docstring)
        self._futures: dict[str, Future] = {name: Future() for name in (
            "clinic", "list", "detail", "agenda", "month", "counts")}
        self._untaken = set(self._futures)
        self._lock = threading.Lock()
        days = grid_days(self.month)
        # Two lanes: the first rows and what goes with them, then the month's counts; and
        # the filter counts (the slowest on a big clinic: SQLite's time, not Python's) from
        # the start, then the agenda (thousands of lines a day on a big clinic, made into
        # Python objects: on a small one done before the app is up, on a big one after the
        # counts, rather than taking Python's lock from Textual's start meanwhile)
        self._lanes = [
            [("clinic", clinic_settings, ()), ("list", self._first_page, ()),
             ("detail", self._first_detail, ()), ("month", day_counts, (days[0], days[-1]))],
            [("counts", filter_counts, (as_of,)), ("agenda", day_agenda, (as_of,))],
        ]
        self.threads = [threading.Thread(target=self._run, args=(lane,),
                                         name=f"desk-preload-{n}")
                        for n, lane in enumerate(self._lanes)]
        for thread in self.threads:
            thread.start()

    def _run(self, lane: list[tuple[str, Callable, tuple]]) -> None:
        for name, call, args in lane:
            future = self._futures[name]
            if not future.set_running_or_notify_cancel():
                continue  # nobody will take it
            try:
                future.set_result(call(*args))
            except Exception as error:  # the desk's worker raises it: one failure path
                future.set_exception(error)

    def _first_page(self) -> tuple[int, list]:
        size = self.pager.size()
        return size, (self.pager.page(0, PAGE) if size else [])

    def _first_detail(self) -> tuple[int | None, str, Any]:
        """(patient id, phone region, detail) of the first row, as the desk shows it."""
        _, rows = self._futures["list"].result()
        region = self._futures["clinic"].result().phone_region
        if not rows:
            return None, region, None
        return rows[0].id, region, patient_detail(rows[0].id, self.as_of, region=region)

    def take(self, name: str) -> Future | None:
        """The answer for a pane, or None when it was taken already (then ask the database);
        the first time only: later loads must see what the database holds then."""
        with self._lock:
            if name not in self._untaken:
                return None
            self._untaken.discard(name)
            return self._futures[name]

    def drop(self) -> None:
        """Answers nobody took are not waited for (a thread still reading finishes its
        query; the rest of its lane is skipped)."""
        with self._lock:
            names, self._untaken = self._untaken, set()
        for name in names:
            self._futures[name].cancel()
