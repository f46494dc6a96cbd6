"""The desk application: thin; screens own their keys."""

from __future__ import annotations

import gc
import importlib
import sys
import time
from functools import partial
from typing import TYPE_CHECKING, Iterable

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from frontdesk import clock
from frontdesk.config import DeskSettings
from frontdesk.services.changes import ChangeWatcher
from frontdesk.tui.commands import PatientCommands
from frontdesk.tui.messages import DataChanged
from frontdesk.tui.screens.desk import DeskScreen

if TYPE_CHECKING:
    from frontdesk.services.flow import StatusChange
    from frontdesk.tui.preload import DeskPreload


#: A full collection (of every object not frozen at start-up) waits until keys and mouse have
#: rested this long (seconds): taking 30-130 ms, it landed on a keystroke now and then while a
#: search was typed. Young objects are still collected as they come.
QUIET_FOR_A_FULL_COLLECTION = 1.0
#: How often (seconds) the desk looks whether a full collection is due and it is quiet.
FULL_COLLECTION_CHECK = 2.0
#: How long (seconds) a thread may keep Python's lock while another waits for it (Python's
#: default: 0.005). A search key's worker needs it for its query's Python part while the
#: event loop draws the typed letter; waiting up to 5 ms each time it changed hands, the
#: list came 3-7 ms later. Given back when the app ends.
LOCK_SWITCH = 0.001
#: The other screens, loaded after the desk's first frame, a module at a time while keys and
#: mouse have rested this long (seconds), so that opening one the first time costs no imports
#: (their services, dateutil's parser, their widgets: 50-150 ms on these machines) and no key
#: waits for them.
WARM_UP_WHEN_QUIET = 0.5
WARM_UP = ("frontdesk.tui.screens.board", "frontdesk.tui.screens.census",
           "frontdesk.tui.screens.booking", "frontdesk.tui.screens.series",
           "frontdesk.tui.screens.register", "frontdesk.tui.screens.recall_call",
           "frontdesk.tui.screens.check_in", "frontdesk.tui.screens.notes",
           "frontdesk.tui.screens.help")


class FrontdeskApp(App):
    CSS_PATH = "frontdesk.tcss"
    TITLE = "frontdesk"
    COMMANDS = App.COMMANDS | {PatientCommands}
    # ctrl+q is listed by F1 and the palette; the footer keeps its room for the desk's keys
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True, show=False),
        Binding("f2", "board", "Today's board", id="board", priority=True),
        # F1 and the palette list it; shown, it would push keys off every footer
        Binding("f3", "census", "Census", id="census", priority=True, show=False),
    ]

    def __init__(self, clinic_name: str = "", desk: DeskSettings | None = None,
                 preload: DeskPreload | None = None) -> None:
        """The database is open already (services.clinic.open_clinic); `preload` is what
        `frontdesk` read of the desk's first screen meanwhile (tui.preload)."""
        super().__init__()
        self.preload = preload
        self.sub_title = clinic_name
        self.desk_settings = desk or DeskSettings()
        # status changes made at this desk, newest last: u undoes them one by one
        self.recent_changes: list[tuple[StatusChange, str]] = []
        self._watcher: ChangeWatcher | None = None
        self._last_input = 0.0  # time.monotonic() of the last key or mouse event
        self._full_threshold: int | None = None  # Python's, while the desk holds it back
        self._switch_interval: float | None = None  # Python's, while the desk's is in force

    def on_mount(self) -> None:
        if self.desk_settings.theme in self.available_themes:
            self.theme = self.desk_settings.theme
        else:
            self.notify(f"Unknown theme {self.desk_settings.theme!r} in the settings file; "
                        f"using {self.theme}", severity="warning")
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(LOCK_SWITCH)
        self.push_screen(DeskScreen())
        self.call_after_refresh(self._settle_heap)
        self.start_watching()

    # --- the garbage collector: never in the middle of typing -----------------------------------

    def _settle_heap(self) -> None:
        """After the first frame. The startup heap (Textual's widgets, styles, caches) is
        long-lived: frozen, full collections skip it. Full collections then wait for a quiet
        moment (`frontdesk` started with the collector off: cli.cmd_desk)."""
        gc.freeze()
        young, middle, self._full_threshold = gc.get_threshold()
        gc.set_threshold(young, middle, 2**31 - 1)  # full collections: _collect_when_quiet
        gc.enable()
        self.set_interval(FULL_COLLECTION_CHECK, self._collect_when_quiet)
        self.warm_up()

    def _collect_when_quiet(self) -> None:
        # due by Python's own rule: after so many collections of the middle generation
        due = gc.get_count()[2] >= (self._full_threshold or 0)
        if due and time.monotonic() - self._last_input >= QUIET_FOR_A_FULL_COLLECTION:
            gc.collect()

    @work(thread=True, exclusive=True, group="warm-up", exit_on_error=False)
    def warm_up(self) -> None:
        for module in WARM_UP:
            while (quiet := time.monotonic() - self._last_input) < WARM_UP_WHEN_QUIET:
                time.sleep(WARM_UP_WHEN_QUIET - quiet)
            importlib.import_module(module)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent) and not event.is_forwarded:
            self._last_input = time.monotonic()
        await super().on_event(event)

    # --- changes: the watcher is the one trigger of a reload ----------------------------------

    def start_watching(self) -> None:
        """Ask the database now and then whether anyone wrote to it (services.changes); the
        watcher's first read runs in a worker too."""
        # the preload's watcher took its starting point before the preload read anything
        self._watcher = self.preload.watcher if self.preload is not None else ChangeWatcher()
        self.begin_watching(self._watcher)
        self.set_interval(self._watcher.interval, self.look_for_changes)

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def begin_watching(self, watcher: ChangeWatcher) -> None:
        watcher.start()

    @work(thread=True, group="look", exit_on_error=False)
    def look_for_changes(self) -> None:
        # not exclusive: a look cancelled before its thread ran would lose a write. The
        # watcher reports each write to exactly one look, however many run at once.
        watcher = self._watcher
        if watcher is not None and watcher.changed():
            self.post_message(DataChanged(seen=True))

    def on_data_changed(self, message: DataChanged) -> None:
        """The watcher saw a write (this desk's or another's): every screen of the stack
        hears it once; a screen out of sight reloads on its return. A screen that wrote
        posts DataChanged too: the watcher then looks at once, so the desk feels instant and
        the write is still seen once (not once directly and once more by the watcher)."""
        if not message.seen and self._watcher is not None:
            self.look_for_changes()
            return
        for screen in self.screen_stack:
            if screen is not self.screen_stack[0]:
                screen.post_message(DataChanged(seen=True))

    def on_unmount(self) -> None:
        if self._switch_interval is not None:
            sys.setswitchinterval(self._switch_interval)
        if self._full_threshold is not None:  # Python's own rule again
            young, middle, _ = gc.get_threshold()
            gc.set_threshold(young, middle, self._full_threshold)
        if self.preload is not None:
            self.preload.drop()
        if self._watcher is not None:
            self._watcher.close()

    def action_board(self) -> None:
        """F2, from anywhere: today's board (brought to the top if it is open)."""
        from frontdesk.tui.screens.board import BoardScreen
        for screen in self.screen_stack:
            if isinstance(screen, BoardScreen):
                while self.screen is not screen:
                    self.pop_screen()
                screen.choose_day(screen.today)
                return
        self.push_screen(BoardScreen())

    def action_census(self) -> None:
        """F3, from anywhere: today's census (brought to the top if it is open)."""
        from frontdesk.tui.screens.census import CensusScreen
        for screen in self.screen_stack:
            if isinstance(screen, CensusScreen):
                while self.screen is not screen:
                    self.pop_screen()
                screen.choose_day(clock.today())
                return
        self.push_screen(CensusScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette runs every action of the screen it was opened on, by its key's name."""
        for binding in getattr(screen, "BINDINGS", []):
            if isinstance(binding, Binding) and binding.description:
                key = self.get_key_display(binding)
                yield SystemCommand(binding.description, f"Key: {key}",
                                    partial(screen.run_action, binding.action))
        yield from super().get_system_commands(screen)
