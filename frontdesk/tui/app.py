"""The desk application: thin; screens own their keys."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.worker import Worker, WorkerState

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

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed database call becomes a notification; the desk stays up."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(f"Could not load: {error}", title="Database problem",
                        severity="error", timeout=10)
