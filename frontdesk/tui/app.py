"""The desk application: thin; screens own their keys."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from frontdesk.config import DeskSettings
from frontdesk.tui.screens.desk import DeskScreen


class FrontdeskApp(App):
    CSS_PATH = "frontdesk.tcss"
    TITLE = "frontdesk"
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
