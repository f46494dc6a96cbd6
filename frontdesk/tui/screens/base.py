"""What every screen of the desk shares."""

from __future__ import annotations

import logging

from textual.screen import Screen
from textual.worker import Worker, WorkerState

log = logging.getLogger("frontdesk.tui")


class DeskBaseScreen(Screen):
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a failed database call becomes a message; the desk stays up.

        (Worker.StateChanged does not bubble, so it is handled on the screen that owns the
        worker.)
        """
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            log.error("worker %s failed", event.worker.name, exc_info=error)
            self.notify(f"Could not load: {error}", title="Database problem",
                        severity="error", timeout=10)
