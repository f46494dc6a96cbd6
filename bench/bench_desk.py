"""How fast the desk opens and answers a search keystroke as the clinic grows (numbers, never
pass/fail).

    python bench/bench_desk.py                        # seeds 1,000 and 100,000 patients
    python bench/bench_desk.py --sizes 1000,10000     # other sizes (ratios are to the first)
    python bench/bench_desk.py --workdir DIR --reuse  # keep the databases in DIR, reuse them
    python bench/bench_desk.py --repeat 9             # more startups per size (default 5)

The databases come from `seed.py` (seed 1, --today 2026-11-21) in a subprocess; the desk runs
as of Friday 2026-11-20. All sizes are measured in the same run, interleaved, and the last
column gives each figure as a ratio to the first size.

Startup, two ways:
- in-process: `App.run_test(size=(160, 50))`, headless, from `open_clinic()` + constructing
  the app to the patient list painting its first rows (PatientList.render_line drawing a
  fetched row), to the filter bar painting its counts, and to every pane loaded (agenda,
  month counts, detail of the highlighted patient). Each measured startup runs in a fresh
  interpreter after one warm-up startup there (imports, stylesheet caches), so no app's
  leftovers slow the next one.
- the real command: `frontdesk --db DB --today 2026-11-20` in a 160x50 tmux pane (a private
  tmux server, XDG folders inside the work folder so no user settings are touched), from
  launch to the first paint, to the first patient row ("C-0…" chart number), to the filter
  counts and to the agenda, as `tmux capture-pane` sees them (polled every ~10 ms, so each
  figure is late by up to one poll). A fresh process each time: includes Python's start and
  the imports. One warm-up launch per database (it writes the settings file).
Where the time goes: each worker's service call alone (best of --repeat; the five filter
counts one by one too), and a diagnosis startup with the filter counts, agenda and month
counts answered at once (stubbed in that child process only), so the gap to the real startup
is what those three cost the first rows while they share the machine (and the GIL) with it.

Keystroke: in a headless app of its own (a fresh interpreter per size), focus the search ("/")
and type a name, a birth date, a phone number and a chart number one key at a time (erasing
each with backspaces), waiting for each answer and the detail pane before the next key. Per
key: from the key event reaching the app (as `pilot.press` sends it, without its idle waits)
to the ListLoaded message of that key's list being handled (the list reset with its first
page), and to the list painting it (the screen repaints on its own 60 Hz timer, so "painted"
can trail "handled" by up to a frame), and to the search box painting the typed text (the
echo): a list painted with its echo, or by the next frame, answered the key within a frame
of the key being seen. A key that leaves the stripped text unchanged (a space)
reloads nothing and is timed to the search box's change being handled. Also the service alone
for the same texts (parse_search + ListPager.size() + page(0, 60), then its parts: the count()
count, the first page's ids in name order, the rows for those ids), a burst: "nunez" typed at
80 ms a key without waiting, from the last key to the final list painted, and Python's full
garbage collections while typing (each stops the event loop). A frame is 16.7 ms at 60 Hz.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import json
import os
import platform
import re
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

import textual
from textual import events
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.widgets import Input
from textual.worker import WorkerState

from frontdesk import clock
from frontdesk.domain.search import parse_search
from frontdesk.services.calendar import day_agenda, day_counts
from frontdesk.services.clinic import clinic_settings, close_clinic, open_clinic
from frontdesk.services.patients import (Filter, ListPager, ListQuery, count, filter_counts,
                                         patient_detail, rows_after, rows_for_ids, walks_names)
from frontdesk.tui.app import FrontdeskApp
from frontdesk.tui.screens import desk as desk_module
from frontdesk.tui.screens.desk import DeskScreen
from frontdesk.tui.widgets.filter_bar import FilterBar
from frontdesk.tui.widgets.month_grid import grid_days
from frontdesk.tui.widgets.patient_list import PatientList
from frontdesk.tui.widgets.virtual_list import PAGE, VirtualList

from bench_lists import best_of  # bench/ is the script's folder, so on sys.path

TODAY = dt.date(2026, 11, 20)
SEED_TODAY = "2026-11-21"
SIZE = (160, 50)
ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seed.py"
FRONTDESK = Path(sys.executable).with_name("frontdesk")
FRAME_MS = 1000 / 60
TIMEOUT = 60.0

#: Typed one key at a time: a name, a birth date, a phone number, each erased again.
KEYS: list[str] = (["n", "u", "n", "e", "z"] + ["backspace"] * 5
                   + list("1960-03-04") + ["backspace"] * 10
                   + list("317 730 2072") + ["backspace"] * 12
                   + list("C-00017") + ["backspace"] * 7)
BURST = "nunez"
BURST_GAP = 0.080


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
        self.echo_painted: dict[str, float] = {}    # search text -> the search box painted it

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

    input_render_line = Input.render_line

    def echo_render_line(self, y):
        strip = input_render_line(self, y)
        if self.id == "search":
            MARKS.echo_painted.setdefault(self.value, time.perf_counter())
        return strip

    Input.render_line = echo_render_line

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


# --- databases -------------------------------------------------------------------------------

def seeded(folder: Path, size: int, reuse: bool) -> Path:
    path = folder / f"desk_{size}.db"
    if reuse and path.exists():
        return path
    began = time.perf_counter()
    subprocess.run([sys.executable, str(SEED), "--db", str(path), "--patients", str(size),
                    "--seed", "1", "--today", SEED_TODAY, "--replace"],
                   check=True, capture_output=True)
    print(f"  seeded {size:,} patients in {time.perf_counter() - began:.1f} s", flush=True)
    return path


def db_facts(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        patients = conn.execute("SELECT COUNT(*) FROM patient").fetchone()[0]
        appointments = conn.execute("SELECT COUNT(*) FROM appointment").fetchone()[0]
    return (f"{patients:,} patients, {appointments:,} appointments, "
            f"{path.stat().st_size / 1e6:.0f} MB")


# --- startup in-process ----------------------------------------------------------------------

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


STUBS = {"filter_counts": lambda as_of: {f: 0 for f in Filter},
         "day_agenda": lambda day: [], "day_counts": lambda first, last: {}}


async def _startup_list_alone(path: Path) -> dict[str, float]:
    """A diagnosis, not the desk: the same startup with the filter counts, the agenda and
    the month's counts answered at once (empty), so the list's worker and the first layout
    run without them. The gap to the real startup is what those three cost the first rows."""
    saved = {name: getattr(desk_module, name) for name in STUBS}
    for name, stub in STUBS.items():
        setattr(desk_module, name, stub)
    try:
        return await _startup_once(path)
    finally:
        for name, call in saved.items():
            setattr(desk_module, name, call)


# --- startup in a real terminal --------------------------------------------------------------

class Tmux:
    """A private tmux server (its own socket), so no one's sessions are touched."""

    def __init__(self, workdir: Path) -> None:
        self.socket = f"bench_desk_{os.getpid()}"
        xdg = workdir / "xdg"
        self.env = {f"XDG_{k}_HOME": str(xdg / k.lower())
                    for k in ("CONFIG", "STATE", "DATA", "CACHE")}

    def tmux(self, *args: str, check: bool = True) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], check=check,
                              capture_output=True, text=True).stdout

    def launch(self, path: Path) -> dict[str, float]:
        name = "desk"
        env = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.env.items())
        command = (f"env {env} {shlex.quote(str(FRONTDESK))} --db {shlex.quote(str(path))} "
                   f"--today {TODAY.isoformat()}")
        marks: dict[str, float] = {}
        began = time.perf_counter()
        self.tmux("new-session", "-d", "-s", name, "-x", str(SIZE[0]), "-y", str(SIZE[1]),
                  command)
        try:
            ends = began + TIMEOUT
            while len(marks) < 4:
                if time.perf_counter() > ends:
                    raise TimeoutError(f"frontdesk in tmux showed only {sorted(marks)}")
                screen = self.tmux("capture-pane", "-p", "-t", name, check=False)
                now = time.perf_counter() - began
                if "frontdesk" in screen:
                    marks.setdefault("paint", now)
                if re.search(r"C-0\d{3}", screen):
                    marks.setdefault("rows", now)
                if re.search(r"1 All [\d,]+ ", screen):
                    marks.setdefault("counts", now)
                if re.search(r" · [\d,]+ appointments", screen):
                    marks.setdefault("agenda", now)
                time.sleep(0.010)
        finally:
            self.tmux("kill-session", "-t", name, check=False)
        return marks

    def close(self) -> None:
        self.tmux("kill-server", check=False)
        folder = Path(os.environ.get("TMUX_TMPDIR", "/tmp")) / f"tmux-{os.getuid()}"
        (folder / self.socket).unlink(missing_ok=True)  # tmux leaves the socket file


# --- the workers' service calls alone --------------------------------------------------------

def services(path: Path, repeat: int) -> dict[str, float]:
    figures = {"open_clinic()": best_of(repeat, lambda: (open_clinic(str(path)), close_clinic()))}
    open_clinic(str(path))
    try:
        days = grid_days(TODAY.replace(day=1))

        def first_page():
            pager = ListPager(ListQuery(TODAY))
            return pager.size(), pager.page(0, PAGE)

        first_id = first_page()[1][0].id
        figures |= {
            "clinic_settings()": best_of(repeat, clinic_settings),
            "filter_counts()": best_of(repeat, lambda: filter_counts(TODAY)),
            **{f"  count({f.value})": best_of(repeat, lambda f=f: count(ListQuery(TODAY, f)))
               for f in Filter},
            "list size()+page(0)": best_of(repeat, first_page),
            "day_agenda()": best_of(repeat, lambda: day_agenda(TODAY)),
            "day_counts() month": best_of(repeat, lambda: day_counts(days[0], days[-1])),
            "patient_detail()": best_of(repeat, lambda: patient_detail(first_id, TODAY)),
        }
    finally:
        close_clinic()
    return figures


# --- keystrokes ------------------------------------------------------------------------------

def _texts(keys: list[str]) -> list[str]:
    """The search box's text after each key."""
    text, out = "", []
    for key in keys:
        text = text[:-1] if key == "backspace" else text + key
        out.append(text)
    return out


def _key_name(key: str) -> str:
    return {" ": "space", "-": "minus"}.get(key, key)


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


async def _keystrokes(path: Path) -> dict:
    MARKS.clear()
    collections = FullCollections()
    gc.callbacks.append(collections)
    open_clinic(str(path))
    app = FrontdeskApp(clinic_name="bench")
    per_key: list[tuple[str, str, float, float, float]] = []  # key, text, handled, painted, echo
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _until(lambda: isinstance(app.screen, DeskScreen))
            screen = app.screen
            patients = screen.query_one("#patients", PatientList)
            await _until(lambda: _all_panes(patients) and _workers_done(app), step=0.005)
            search = screen.query_one("#search", Input)
            await pilot.press("slash")
            await _until(lambda: search.has_focus)
            collections.on = True
            for key, text in zip(KEYS, _texts(KEYS)):
                before = screen._list_generation
                MARKS.search_changed.pop(text, None)
                MARKS.echo_painted.pop(text, None)
                began = time.perf_counter()
                send_key(app, key)
                await _until(lambda: text in MARKS.search_changed)
                if screen._list_generation == before:  # nothing to reload
                    changed = MARKS.search_changed[text] - began
                    per_key.append((key, text, changed, changed, changed))
                else:
                    generation = screen._list_generation
                    await _until(lambda: generation in MARKS.list_loaded
                                 and patients.generation in MARKS.list_painted
                                 and MARKS.list_painted[patients.generation]
                                 >= MARKS.list_loaded[generation])
                    await _until(lambda: text in MARKS.echo_painted)
                    per_key.append((key, text, MARKS.list_loaded[generation] - began,
                                    MARKS.list_painted[patients.generation] - began,
                                    MARKS.echo_painted[text] - began))
                await _until(lambda: _workers_done(app))  # the detail pane too
            collections.on = False
            # the burst: type without waiting, time the last key to the final list painted
            send_key(app, "ctrl+u")
            await _until(lambda: screen.search_text == "" and _workers_done(app))
            await asyncio.sleep(0.1)
            for key in BURST[:-1]:
                send_key(app, key)
                await asyncio.sleep(BURST_GAP)
            began = time.perf_counter()
            send_key(app, BURST[-1])
            await _until(lambda: screen.search_text == BURST)
            generation = screen._list_generation
            await _until(lambda: generation in MARKS.list_loaded
                         and patients.generation in MARKS.list_painted
                         and MARKS.list_painted[patients.generation]
                         >= MARKS.list_loaded[generation])
            burst = MARKS.list_painted[patients.generation] - began
            await app.workers.wait_for_complete()
    finally:
        close_clinic()
        gc.callbacks.remove(collections)
    return {"keys": per_key, "burst": burst, "gc": collections.pauses}


# --- each app in a fresh interpreter ---------------------------------------------------------

CHILD_MODES = {"startup": _startup_once, "alone": _startup_list_alone, "keys": _keystrokes}


def child(mode: str, path: Path) -> dict:
    """Run one measure in a fresh interpreter, as the desk runs: Textual keeps caches and
    objects from one app to the next, and a heap grown by earlier apps makes every full
    garbage collection slower. Startups first run the desk once (not counted) for the
    imports and stylesheet caches a real start pays inside `frontdesk` (the tmux figures)."""
    script = [sys.executable, __file__, "--child", mode, "--db", str(path)]
    done = subprocess.run(script, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_child(mode: str, path: Path) -> int:
    clock.set_today(TODAY)
    _install_hooks()
    if mode != "keys":
        asyncio.run(_startup_once(path))  # warm-up
    result = asyncio.run(CHILD_MODES[mode](path))
    print(json.dumps(result))
    return 0


def search_services(path: Path) -> dict[str, list[float]]:
    """Per typed text: the whole answer as the list's worker gets it (ListPager: size() then
    page(0, 60)), and its parts: count() (size), the first page's ids in name order
    (rows_after minus rows_for_ids) and the rows for those ids (rows_for_ids)."""
    open_clinic(str(path))
    try:
        region = clinic_settings().phone_region
        out: dict[str, list[float]] = {"total": [], "count": [], "ids": [], "rows": []}
        for text in _texts(KEYS):
            began = time.perf_counter()
            query = ListQuery(TODAY, search=parse_search(text, region, TODAY))
            pager = ListPager(query)
            if pager.size():
                pager.page(0, PAGE)
            out["total"].append(time.perf_counter() - began)
            began = time.perf_counter()
            matches = count(query)
            out["count"].append(time.perf_counter() - began)
            walk = query.searching and walks_names(matches, count(ListQuery(TODAY)), PAGE)
            began = time.perf_counter()
            first = rows_after(query, None, PAGE, walk_names=walk)  # as the pager chooses
            page = time.perf_counter() - began
            began = time.perf_counter()
            rows_for_ids([row.id for row in first], TODAY)
            out["rows"].append(time.perf_counter() - began)
            out["ids"].append(max(0.0, page - out["rows"][-1]))
        return out
    finally:
        close_clinic()


# --- report ----------------------------------------------------------------------------------

def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _spread(prefix: str, values: list[float], how=("median", "p95", "max")) -> dict[str, float]:
    calls = {"median": statistics.median, "min": min, "max": max, "p95": _p95}
    return {f"{prefix} ({h})": calls[h](values) for h in how}


def machine_notes() -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return [f"{platform.platform()}, {cpu}, {os.cpu_count()} CPUs",
            f"Python {platform.python_version()}, Textual {textual.__version__}, "
            f"SQLite {sqlite3.sqlite_version}, run {dt.datetime.now():%Y-%m-%d %H:%M}"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000",
                        help="comma-separated patient counts (default 1000,100000)")
    parser.add_argument("--repeat", type=int, default=5, help="startups per size (default 5)")
    parser.add_argument("--workdir", type=Path, help="folder for the databases (default: a "
                                                     "temporary one, removed afterwards)")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse databases already in --workdir instead of seeding anew")
    parser.add_argument("--child", choices=sorted(CHILD_MODES), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return run_child(args.child, args.db)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    clock.set_today(TODAY)
    with tempfile.TemporaryDirectory(prefix="bench_desk_") as tmp:
        folder = args.workdir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        paths = {size: seeded(folder, size, args.reuse) for size in sizes}
        rows: dict[int, dict[str, float]] = {size: {} for size in sizes}
        notes = machine_notes() + [f"{size:,}: {db_facts(p)}" for size, p in paths.items()]

        print("startup in-process (run_test)…", flush=True)
        runs: dict[int, list[dict[str, float]]] = {size: [] for size in sizes}
        alone: dict[int, list[dict[str, float]]] = {size: [] for size in sizes}
        for _ in range(args.repeat):
            for size in sizes:  # interleaved, so drift hits every size alike
                runs[size].append(child("startup", paths[size]))
                alone[size].append(child("alone", paths[size]))
        for size in sizes:
            for mark, label in (("rows", "first rows"), ("counts", "filter counts"),
                                ("all", "all panes")):
                rows[size] |= _spread(f"in-process → {label}", [r[mark] for r in runs[size]],
                                      ("median", "min"))
            rows[size] |= _spread("  diagnosis: first rows, list alone",
                                  [r["rows"] for r in alone[size]], ("median", "min"))

        if shutil.which("tmux") and FRONTDESK.exists():
            print("startup in tmux (frontdesk)…", flush=True)
            tmux = Tmux(folder)
            try:
                for size in sizes:
                    tmux.launch(paths[size])  # warm-up: writes the settings file
                launches: dict[int, list[dict[str, float]]] = {size: [] for size in sizes}
                for _ in range(args.repeat):
                    for size in sizes:
                        launches[size].append(tmux.launch(paths[size]))
            finally:
                tmux.close()
            for size in sizes:
                for mark, label in (("paint", "first paint"), ("rows", "first rows"),
                                    ("counts", "filter counts"), ("agenda", "agenda")):
                    rows[size] |= _spread(f"tmux frontdesk → {label}",
                                          [r[mark] for r in launches[size]], ("median", "min"))
        else:
            notes.append("tmux or the frontdesk command is missing: the terminal startup "
                         "was skipped")

        print("service calls…", flush=True)
        for size in sizes:
            rows[size] |= {f"service {k} (best)": v
                           for k, v in services(paths[size], args.repeat).items()}

        print("keystrokes…", flush=True)
        slowest: dict[int, list] = {}
        for size in sizes:
            typed = child("keys", paths[size])
            keys = typed["keys"]
            rows[size] |= _spread("key → list handled", [k[2] for k in keys])
            rows[size] |= _spread("key → list painted", [k[3] for k in keys])
            rows[size]["keys handled within a frame (%)"] = (
                100 * sum(k[2] * 1000 <= FRAME_MS for k in keys) / len(keys))
            rows[size]["keys painted within a frame (%)"] = (
                100 * sum(k[3] * 1000 <= FRAME_MS for k in keys) / len(keys))
            rows[size] |= _spread("key → typed text painted (echo)", [k[4] for k in keys])
            rows[size]["list painted with its echo (%)"] = (
                100 * sum(k[3] - k[4] < 0.001 for k in keys) / len(keys))
            rows[size]["list painted ≤ 1 frame after its echo (%)"] = (
                100 * sum((k[3] - k[4]) * 1000 <= FRAME_MS for k in keys) / len(keys))
            rows[size]["burst 'nunez' last key → painted"] = typed["burst"]
            rows[size]["full gc collections while typing (n)"] = len(typed["gc"])
            rows[size]["  longest full gc pause"] = max(typed["gc"], default=0.0)
            found = search_services(paths[size])
            rows[size] |= _spread("service search size()+page(0)", found["total"])
            for part, label in (("count", "count()"), ("ids", "first 60 ids in order"),
                                ("rows", "rows_for_ids(60)")):
                rows[size] |= _spread(f"  {label}", found[part], ("median", "max"))
            slowest[size] = sorted(keys, key=lambda k: -k[3])[:3]

    names = list(rows[sizes[0]])
    width = max(len(n) for n in names) + 2
    head = f"{'measure (ms)':<{width}}" + "".join(f"{f'{s:,}':>10}" for s in sizes)
    head += "".join(f"{f'{s // 1000}k/{sizes[0] // 1000}k':>10}" if s >= 1000 and
                    sizes[0] >= 1000 else f"{f'{s}/{sizes[0]}':>10}" for s in sizes[1:])
    print()
    print(head)
    print("-" * len(head))
    for name in names:
        percent = name.endswith("(%)") or name.endswith("(n)")
        cells = [rows[s][name] if percent else rows[s][name] * 1000 for s in sizes]
        line = f"{name:<{width}}" + "".join(f"{c:>10.0f}" if percent else f"{c:>10.1f}"
                                            for c in cells)
        base = cells[0]
        line += "".join(f"{(c / base if base else float('nan')):>9.2f}x" for c in cells[1:])
        print(line)
    print()
    print(f"{len(KEYS)} keys per size: {' '.join(_key_name(k) for k in KEYS)}")
    for size in sizes:
        worst = ", ".join(f"{text!r} {painted * 1000:.0f} ms"
                          for _, text, _, painted, _ in slowest[size])
        print(f"slowest keys at {size:,}: {worst}")
    print(f"a frame at 60 Hz: {FRAME_MS:.1f} ms; median over {args.repeat} startups per size")
    for note in notes:
        print(note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
