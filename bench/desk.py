"""The desk as a person meets it: start-up, search keystrokes, screens opening, memory.

Each measure runs in a fresh interpreter (`python -m bench.desk --child MODE --db DB`), as the
desk runs: Textual keeps caches and objects from one app to the next, and a heap grown by
earlier apps makes every full garbage collection slower.

Start-up, two ways, each next to an empty Textual app (Header, DataTable, Footer: the
yardstick, bench/empty_app.py) started the same way:
- in-process: `App.run_test(size=(160, 50))`, headless, from `open_clinic()` + constructing
  the app to every pane of the desk loaded (the patient list painting its first rows, the
  filter bar its counts, the agenda, the month's counts, the highlighted patient's detail).
  One warm-up start in the same interpreter first (imports, stylesheet caches).
- the real command in a 160x50 tmux pane (a private tmux server; XDG folders inside the work
  folder so no user settings are touched), from launch to the three list counts on screen, as
  `tmux capture-pane` sees them (polled every ~10 ms). A fresh process each time: Python's
  start and the imports count. The app's peak memory (VmHWM) is read then.

Keystrokes: focus the search ("/") and type a name, a birth date, a phone number and a chart
number one key at a time (erasing each), waiting for each answer. Per key: from the key event
reaching the app (as `pilot.press` sends it, without its idle waits) to the ListLoaded message
of that key's list being handled (the list reset with its first page). A frame is 16.7 ms.

Screens: from the key (F2, F3, n) to the screen's first data handled (in its widgets).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import unicodedata
from contextlib import asynccontextmanager
from pathlib import Path

from textual import events
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.widgets import Input
from textual.worker import WorkerState

from frontdesk import clock
from frontdesk.services.clinic import close_clinic, open_clinic
from frontdesk.tui.app import FrontdeskApp
from frontdesk.tui.screens.desk import DeskScreen
from frontdesk.tui.widgets.filter_bar import FilterBar
from frontdesk.tui.widgets.patient_list import PatientList
from frontdesk.tui.widgets.virtual_list import VirtualList

from bench import clinics
from bench.clinics import FRONTDESK, TODAY, isolated_env
from bench.empty_app import READY, EmptyApp
from bench.figures import (Figure, Stat, at_least, at_most, baseline_at_most, growth_at_most,
                           ms, percentile)

SIZE = (160, 50)
FRAME_MS = 1000 / 60
TIMEOUT = 60.0

#: Typed one key at a time: a name, a birth date, a phone number, a chart number, each erased.
KEYS: list[str] = (["n", "u", "n", "e", "z"] + ["backspace"] * 5
                   + list("1960-03-04") + ["backspace"] * 10
                   + list("317 730 2072") + ["backspace"] * 12
                   + list("C-00017") + ["backspace"] * 7)
QUICK_KEYS: list[str] = ["n", "u", "n", "backspace", "backspace", "backspace"]


# --- hooks: when things happen in the app (this process only; the app's code is unchanged) ----

class Marks:
    """Timestamps (perf_counter) the app's own handlers and painters leave as they run."""

    def __init__(self) -> None:
        self.list_loaded: dict[int, float] = {}   # screen list generation -> handled
        self.list_painted: dict[int, float] = {}  # PatientList.generation -> first paint
        self.counts_painted: float | None = None
        self.month_loaded: float | None = None
        self.agenda_loaded: float | None = None
        self.detail_loaded: float | None = None
        self.search_changed: dict[str, float] = {}  # search text -> Input.Changed handled

    def clear(self) -> None:
        self.__init__()


MARKS = Marks()


def _install_hooks() -> None:
    loaded = DeskScreen.on_list_loaded

    def on_list_loaded(self, message):
        loaded(self, message)
        if message.generation == self._list_generation:
            MARKS.list_loaded.setdefault(message.generation, time.perf_counter())

    DeskScreen.on_list_loaded = on_list_loaded

    def render_line(self, y):
        strip = VirtualList.render_line(self, y)
        if self.loaded and (self.row_count == 0 or self.row(int(self.scroll_offset.y))
                            is not None):
            MARKS.list_painted.setdefault(self.generation, time.perf_counter())
        return strip

    PatientList.render_line = render_line

    bar_render = FilterBar.render

    def render(self):
        if self.counts and MARKS.counts_painted is None:
            MARKS.counts_painted = time.perf_counter()
        return bar_render(self)

    FilterBar.render = render

    def mark_after(name: str, attr: str) -> None:
        handler = getattr(DeskScreen, name)

        def hooked(self, message):  # Textual passes the message by the parameters' count
            handler(self, message)
            if getattr(MARKS, attr) is None:
                setattr(MARKS, attr, time.perf_counter())

        setattr(DeskScreen, name, hooked)

    mark_after("on_month_loaded", "month_loaded")
    mark_after("on_agenda_loaded", "agenda_loaded")
    mark_after("on_detail_loaded", "detail_loaded")

    # The screen answers Input.Changed with an @on handler; an on_input_changed method runs
    # right after it (Textual dispatches decorated handlers first).
    def on_input_changed(self, event):
        MARKS.search_changed[event.value] = time.perf_counter()

    DeskScreen.on_input_changed = on_input_changed


def send_key(app, key: str) -> None:
    """What `pilot.press` does for one key, without its waits for the app to go idle: those
    poll the process's CPU time and delay the app's own repaint by ~20 ms, which would be
    counted against the desk. The key reaches the app the way a terminal's keys do."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)


async def _until(condition, timeout: float = TIMEOUT, step: float = 0.002) -> None:
    """Poll with plain sleeps: `pilot.pause` forces a screen update each time, so the desk
    would paint on the benchmark's schedule instead of its own. The times themselves come
    from the marks the app's handlers leave, not from when a poll noticed."""
    ends = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > ends:
            raise TimeoutError("the desk did not get there in time")
        await asyncio.sleep(step)


def _workers_done(app) -> bool:
    return all(w.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED)
               for w in app.workers)


def _all_panes(patients: PatientList) -> float | None:
    """When the last pane got its data (None while one still waits)."""
    marks = [min(MARKS.list_painted.values(), default=None), MARKS.counts_painted,
             MARKS.month_loaded, MARKS.agenda_loaded]
    if patients.row_count:
        marks.append(MARKS.detail_loaded)
    return None if None in marks else max(marks)


# --- startup in-process ----------------------------------------------------------------------

@asynccontextmanager
async def _settled_desk(path: Path):
    """The desk on `path`, headless: (app, pilot, patient list) once every pane has loaded
    and no worker runs; the clinic closed afterwards."""
    open_clinic(str(path))
    app = FrontdeskApp(clinic_name="bench")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _until(lambda: isinstance(app.screen, DeskScreen))
            patients = app.screen.query_one("#patients", PatientList)
            await _until(lambda: _all_panes(patients) and _workers_done(app), step=0.005)
            yield app, pilot, patients
    finally:
        close_clinic()


async def _startup_once(path: Path) -> dict[str, float]:
    MARKS.clear()
    gc.collect()
    began = time.perf_counter()
    open_clinic(str(path))
    app = FrontdeskApp(clinic_name="bench")
    try:
        async with app.run_test(size=SIZE):
            await _until(lambda: isinstance(app.screen, DeskScreen), step=0.005)
            patients = app.screen.query_one("#patients", PatientList)
            await _until(lambda: patients.loaded and patients.row(0) is not None
                         and MARKS.list_painted and _all_panes(patients), step=0.005)
            figures = {"rows": min(MARKS.list_painted.values()) - began,
                       "counts": MARKS.counts_painted - began,
                       "all": _all_panes(patients) - began}
            await app.workers.wait_for_complete()
    finally:
        close_clinic()
    return figures




async def _empty_startup(_path: Path | None) -> dict[str, float]:
    """The yardstick started as the desk is: construct, run headless, to its rows painted."""
    from textual.widgets import DataTable
    gc.collect()
    began = time.perf_counter()
    app = EmptyApp()
    async with app.run_test(size=SIZE):
        table = app.query_one(DataTable)
        await _until(lambda: table.row_count == 3 and table._row_render_cache, step=0.002)
        return {"all": time.perf_counter() - began}


#: Each screen, its key on the desk, and the messages that fill it on opening.
SCREENS = {"board": ("f2", "frontdesk.tui.screens.board", "BoardScreen",
                     ("on_board_loaded", "on_summary_loaded")),
           "census": ("f3", "frontdesk.tui.screens.census", "CensusScreen",
                      ("on_census_loaded",)),  # it opens on the day's census
           "booking": ("n", "frontdesk.tui.screens.booking", "BookingScreen",
                       ("on_booking_loaded", "on_slots_loaded"))}


def _hook_screens() -> dict[str, float]:
    """Handler name -> when it last ran (its screen's message handled)."""
    import importlib
    handled: dict[str, float] = {}
    for _key, module, name, handlers in SCREENS.values():
        screen = getattr(importlib.import_module(module), name)
        for handler in handlers:
            setattr(screen, handler, _marking(getattr(screen, handler), handler, handled))
    return handled


def _marking(call, name: str, handled: dict[str, float]):
    def hooked(self, message):  # two parameters: Textual passes the message by their count
        call(self, message)
        handled[name] = time.perf_counter()
    return hooked


async def _screens(path: Path) -> dict[str, float]:
    """From the key to the screen's first messages handled (its data in its widgets: the
    screen repaints within a frame), then back to the desk for the next. (`pilot.pause()`
    is not used: it waits for the process to go idle, ~1 s on a busy machine.)"""
    handled = _hook_screens()
    figures: dict[str, float] = {}
    async with _settled_desk(path) as (app, _pilot, _patients):
        desk = app.screen
        for name, (key, _module, _screen, handlers) in SCREENS.items():
            handled.clear()
            began = time.perf_counter()
            send_key(app, key)
            await _until(lambda: all(h in handled for h in handlers))
            figures[name] = max(handled.values()) - began
            await _until(lambda: _workers_done(app))
            send_key(app, "escape")
            await _until(lambda: app.screen is desk and _workers_done(app))
    return figures


async def _one_write(path: Path) -> dict:
    """A recall call logged at the desk (Due list, `l`, "no answer"): which workers start in
    the next 1.5 s (three looks of the change watcher), by name."""
    import sqlite3
    from textual.worker_manager import WorkerManager
    started: list[str] = []
    add_worker = WorkerManager.add_worker

    def counting(self, worker, start=True, exclusive=True):
        started.append(worker.name)
        return add_worker(self, worker, start, exclusive)

    def calls() -> int:
        with sqlite3.connect(path) as conn:
            return conn.execute("SELECT count(*) FROM recall_call").fetchone()[0]

    before = calls()
    async with _settled_desk(path) as (app, _pilot, patients):
        send_key(app, "3")
        await _until(lambda: patients.row_count and patients.row(0) is not None
                     and _workers_done(app))
        await asyncio.sleep(1.0)  # the watcher's looks are quiet again
        WorkerManager.add_worker = counting
        try:
            for key in ("l", "2", "enter"):
                send_key(app, key)
                await asyncio.sleep(0.05)
            await asyncio.sleep(1.5)
            await _until(lambda: _workers_done(app))
        finally:
            WorkerManager.add_worker = add_worker
    if calls() != before + 1:
        raise RuntimeError("the recall call was not logged: the desk's keys have changed")
    reloads = [name for name in started if name != "look_for_changes"]
    return {"workers": reloads}


def _peak_rss_mb() -> float:
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- startup in a real terminal --------------------------------------------------------------

class Tmux:
    """A private tmux server (its own socket), so no one's sessions are touched."""

    def __init__(self, work: Path) -> None:
        self.socket = f"bench_{os.getpid()}"
        self.env = {k: v for k, v in isolated_env(work).items() if k.startswith("XDG_")}
        self.launches = 0
        # A session that lives as long as the server: killing a run's only session ends the
        # server, and the next new-session could meet the dying one ("server exited").
        self.tmux("new-session", "-d", "-s", "keep", "sleep 86400")

    def tmux(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                              text=True)
        if check and done.returncode != 0:
            raise RuntimeError(f"tmux {args[0]} failed: {done.stderr.strip()}")
        return done.stdout

    def frontdesk(self, path: Path) -> tuple[str, str]:
        """The real command, and what its screen shows once the three list counts are on."""
        return (f"{shlex.quote(str(FRONTDESK))} --db {shlex.quote(str(path))} "
                f"--today {TODAY.isoformat()}", r"2 \w+ [\d,]+ +3 \w+ [\d,]+ +4 [\w ]+ [\d,]+")

    def empty_app(self) -> tuple[str, str]:
        return f"{shlex.quote(sys.executable)} -m bench.empty_app", READY

    def launch(self, program: tuple[str, str]) -> dict[str, float]:
        """Seconds from launch to `ready` on screen, and the process's peak memory then."""
        command, ready = program
        self.launches += 1
        name = f"run{self.launches}"  # a name of its own: never one still being killed
        env = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.env.items())
        began = time.perf_counter()
        self.tmux("new-session", "-d", "-s", name, "-x", str(SIZE[0]), "-y", str(SIZE[1]),
                  "-c", str(Path(__file__).resolve().parent.parent), f"exec env {env} {command}")
        try:
            pid = self.tmux("list-panes", "-t", name, "-F", "#{pane_pid}").strip()
            while True:
                if time.perf_counter() - began > TIMEOUT:
                    screen = self.tmux("capture-pane", "-p", "-t", name, check=False)
                    raise TimeoutError(f"{command} did not show {ready!r}:\n{screen}")
                screen = self.tmux("capture-pane", "-p", "-t", name, check=False)
                if re.search(ready, screen):
                    seconds = time.perf_counter() - began
                    break
                time.sleep(0.010)
            return {"ready": seconds, "rss_mb": _peak_memory_mb(pid)}
        finally:
            self.tmux("kill-session", "-t", name, check=False)

    def close(self) -> None:
        self.tmux("kill-server", check=False)
        folder = Path(os.environ.get("TMUX_TMPDIR", "/tmp")) / f"tmux-{os.getuid()}"
        (folder / self.socket).unlink(missing_ok=True)  # tmux leaves the socket file


def _peak_memory_mb(pid: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def _texts(keys: list[str]) -> list[str]:
    """The search box's text after each key."""
    text, out = "", []
    for key in keys:
        text = text[:-1] if key == "backspace" else text + key
        out.append(text)
    return out


class FullCollections:
    """Python's full (generation 2) garbage collections while it is on: they stop the
    event loop, so one that lands on a key delays that key's answer."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self._began = 0.0
        self.on = False

    def __call__(self, phase: str, info: dict) -> None:
        if info.get("generation") != 2 or not self.on:
            return
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.pauses.append(time.perf_counter() - self._began)


async def _keystrokes(path: Path, keys: list[str]) -> dict:
    MARKS.clear()
    collections = FullCollections()
    gc.callbacks.append(collections)
    per_key: list[tuple[str, str, float]] = []  # key, text, handled
    try:
        async with _settled_desk(path) as (app, pilot, _patients):
            screen = app.screen
            search = screen.query_one("#search", Input)
            await pilot.press("slash")
            await _until(lambda: search.has_focus)
            collections.on = True
            for key, text in zip(keys, _texts(keys)):
                before = screen._list_generation
                MARKS.search_changed.pop(text, None)
                began = time.perf_counter()
                send_key(app, key)
                await _until(lambda: text in MARKS.search_changed)
                if screen._list_generation == before:  # nothing to reload
                    per_key.append((key, text, MARKS.search_changed[text] - began))
                else:
                    generation = screen._list_generation
                    await _until(lambda: generation in MARKS.list_loaded)
                    per_key.append((key, text, MARKS.list_loaded[generation] - began))
                await _until(lambda: _workers_done(app))  # the detail pane too
            collections.on = False
            await app.workers.wait_for_complete()
    finally:
        gc.callbacks.remove(collections)
    return {"keys": per_key, "gc": collections.pauses}


# --- each measure in a fresh interpreter ---------------------------------------------------

async def _startup_measured(path: Path) -> dict[str, float]:
    await _startup_once(path)  # warm-up: imports and stylesheet caches, as `frontdesk` pays
    return await _startup_once(path)


async def _empty_measured(path: Path | None) -> dict[str, float]:
    await _empty_startup(path)
    return await _empty_startup(path)


async def _keys_full(path: Path) -> dict:
    return await _keystrokes(path, KEYS)


async def _keys_quick(path: Path) -> dict:
    return await _keystrokes(path, QUICK_KEYS)


CHILD_MODES = {"startup": _startup_measured, "empty": _empty_measured, "keys": _keys_full,
               "keys-quick": _keys_quick, "screens": _screens, "write": _one_write}


def child(mode: str, path: Path | None, work: Path) -> dict:
    script = [sys.executable, "-m", "bench.desk", "--child", mode]
    if path is not None:
        script += ["--db", str(path)]
    done = subprocess.run(script, capture_output=True, text=True, env=isolated_env(work),
                          cwd=Path(__file__).resolve().parent.parent)
    if done.returncode != 0:
        raise RuntimeError(f"bench.desk {mode} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_child(mode: str, path: Path | None) -> int:
    clock.set_today(TODAY)
    _install_hooks()
    result = asyncio.run(CHILD_MODES[mode](path))
    result["peak_rss_mb"] = _peak_rss_mb()
    print(json.dumps(result))
    return 0


# --- the figures ---------------------------------------------------------------------------

def measure(ctx) -> list[Figure]:
    """Start-up (in-process and in tmux, next to the empty app), keystrokes, screens."""
    small, large = ctx.sizes
    paths = {size: ctx.clinic(size) for size in ctx.sizes}
    figures = []

    ctx.say("desk: start-up in-process…")
    runs: dict[int, list[dict]] = {size: [] for size in ctx.sizes}
    empty: list[dict] = []
    for _ in range(ctx.repeat):  # interleaved, so drift hits every size alike
        empty.append(child("empty", None, ctx.work))
        for size in ctx.sizes:
            runs[size].append(child("startup", paths[size], ctx.work))
    startup = Figure("start-up to the complete desk, in-process (run_test)", "ms", "desk",
                     {s: ms([r["all"] for r in runs[s]]) for s in ctx.sizes},
                     "empty Textual app", {large: ms([r["all"] for r in empty])},
                     (growth_at_most(1.10), baseline_at_most(2.0)))
    figures.append(startup)

    if shutil.which("tmux") and FRONTDESK.exists():
        ctx.say("desk: start-up in tmux…")
        tmux = Tmux(ctx.work)
        try:
            frontdesk = {size: [] for size in ctx.sizes}
            yardstick = []
            for size in ctx.sizes:
                tmux.launch(tmux.frontdesk(paths[size]))  # warm-up: writes the settings file
            for _ in range(ctx.repeat):
                yardstick.append(tmux.launch(tmux.empty_app()))
                for size in ctx.sizes:
                    frontdesk[size].append(tmux.launch(tmux.frontdesk(paths[size])))
        finally:
            tmux.close()
        figures.append(Figure(
            "start-up to the three list counts on screen, tmux", "ms", "desk",
            {s: ms([r["ready"] for r in frontdesk[s]]) for s in ctx.sizes},
            "empty Textual app", {large: ms([r["ready"] for r in yardstick])},
            (growth_at_most(1.10), baseline_at_most(2.0))))
        figures.append(Figure(
            "peak memory of the app at the complete desk (VmHWM)", "MB", "desk",
            {s: Stat.of([r["rss_mb"] for r in frontdesk[s]]) for s in ctx.sizes},
            "empty Textual app", {large: Stat.of([r["rss_mb"] for r in yardstick])},
            (growth_at_most(1.2),)))
    else:
        ctx.note("tmux or the frontdesk command is missing: the terminal start-up was skipped")

    ctx.say("desk: search keystrokes…")
    typed = {size: child("keys-quick" if ctx.quick else "keys", paths[size], ctx.work)
             for size in ctx.sizes}
    handled = {s: [1000 * k[2] for k in typed[s]["keys"]] for s in ctx.sizes}
    for size in ctx.sizes:
        slowest = sorted(typed[size]["keys"], key=lambda k: -k[2])[:3]
        ctx.note(f"slowest search keys at {size:,}: " + ", ".join(
            f"{text!r} {1000 * seconds:.0f} ms" for _, text, seconds in slowest)
            + f"; {len(typed[size]['gc'])} full garbage collections while typing")
    figures.append(Figure("search key to list handled, p50", "ms", "desk",
                          {s: Stat.one(percentile(handled[s], 0.5)) for s in ctx.sizes}))
    figures.append(Figure("search key to list handled, p95", "ms", "desk",
                          {s: Stat.one(percentile(handled[s], 0.95)) for s in ctx.sizes},
                          targets=(at_most(16, "ms"), growth_at_most(1.5))))
    figures.append(Figure("search keys handled within a frame", "%", "desk",
                          {s: Stat.one(100 * sum(v <= FRAME_MS for v in handled[s])
                                       / len(handled[s])) for s in ctx.sizes},
                          targets=(at_least(95, "%"),)))

    ctx.say("desk: screens opening…")
    opened = {size: [child("screens", paths[size], ctx.work) for _ in range(ctx.repeat)]
              for size in ctx.sizes}
    for name in ("board", "census", "booking"):
        figures.append(Figure(f"{name} screen opens (key to its data shown)", "ms", "desk",
                              {s: ms([r[name] for r in opened[s]]) for s in ctx.sizes},
                              targets=(at_most(100, "ms"),)))

    ctx.say("desk: one write…")
    wrote = {size: child("write", clinics.copy(paths[size], ctx.work, f"write_{size}.db"),
                         ctx.work)["workers"] for size in ctx.sizes}
    for size in ctx.sizes:
        ctx.note(f"workers one write started at {size:,}: "
                 + ", ".join(f"{name} x{wrote[size].count(name)}"
                             for name in sorted(set(wrote[size]))))
    figures.append(Figure("one write at the desk: the most times one worker reloads", "n",
                          "desk", {s: Stat.one(max(map(wrote[s].count, wrote[s]), default=0))
                                   for s in ctx.sizes}, targets=(at_most(1, "n"),)))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="one desk measure in this interpreter "
                                                 "(the benchmark runs it: python -m bench)")
    parser.add_argument("--child", choices=sorted(CHILD_MODES), required=True)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args(argv)
    return run_child(args.child, args.db)


if __name__ == "__main__":
    sys.exit(main())
