"""The desk application: thin; screens own their keys."""

from __future__ import annotations

import gc
from functools import partial
from typing import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from frontdesk.config import DeskSettings
from frontdesk.tui.commands import PatientCommands
from frontdesk.tui.screens.desk import DeskScreen


class FrontdeskApp(App):
    CSS_PATH = "frontdesk.tcss"
    TITLE = "frontdesk"
    COMMANDS = App.COMMANDS | {PatientCommands}
    # ctrl+q is listed by F1 and the palette; the footer keeps its room for the desk's keys
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", id="quit", priority=True, show=False)]

    def __init__(self, db_target: str, clinic_name: str = "",
                 desk: DeskSettings | None = None) -> None:
        super().__init__()
        self.db_target = db_target
        self.sub_title = clinic_name
        self.desk_settings = desk or DeskSettings()

    def on_mount(self) -> None:
        if self.desk_settings.theme in self.available_themes:
            self.theme = self.desk_settings.theme
        else:
            self.notify(f"Unknown theme {self.desk_settings.theme!r} in the settings file; "
                        f"using {self.theme}", severity="warning")
        self.push_screen(DeskScreen())
        # The startup heap (Textual's widgets, styles, caches) is long-lived: frozen, full
        # collections skip it, and a collection landing on a keystroke no longer pauses it
        # for 30-70 ms.
        self.call_after_refresh(gc.freeze)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette runs every action of the screen it was opened on, by its key's name."""
        for binding in getattr(screen, "BINDINGS", []):
            if isinstance(binding, Binding) and binding.description:
                key = self.get_key_display(binding)
                yield SystemCommand(binding.description, f"Key: {key}",
                                    partial(screen.run_action, binding.action))
        yield from super().get_system_commands(screen)
