"""What every screen of the desk shares."""

from __future__ import annotations

import logging
from typing import Generic, TypeVar

from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from frontdesk.domain.errors import DomainError

log = logging.getLogger("frontdesk.tui")


class ReportsWorkerErrors:
    """The one place a failed database call becomes a message; the desk stays up.

    (Worker.StateChanged does not bubble, so each screen that owns workers mixes this in.)
    """

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, DomainError):  # a refusal with a message a person can act on
            self.notify(str(error), title="Not done", severity="warning", timeout=8)
            return
        log.error("worker %s failed", event.worker.name, exc_info=error)
        self.notify(f"Could not load: {error}", title="Database problem",
                    severity="error", timeout=10)


class DeskBaseScreen(ReportsWorkerErrors, Screen):
    pass


ResultType = TypeVar("ResultType")


class DeskModalScreen(ReportsWorkerErrors, ModalScreen[ResultType], Generic[ResultType]):
    pass
