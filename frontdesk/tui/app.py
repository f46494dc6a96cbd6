"""The desk application: thin; screens own their keys."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from frontdesk.tui.screens.desk import DeskScreen


class FrontdeskApp(App):
    CSS_PATH = "frontdesk.tcss"
    TITLE = "frontdesk"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", id="quit", priority=True, show=False)]

    def __init__(self, db_target: str, clinic_name: str = "") -> None:
        super().__init__()
        self.db_target = db_target
        self.sub_title = clinic_name

    def on_mount(self) -> None:
        self.push_screen(DeskScreen())
