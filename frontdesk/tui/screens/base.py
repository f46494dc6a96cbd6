"""What every screen of the desk shares, so a screen holds only its own keys and layout:

- F1: the help screen listing every key of the screen (`HELP_TITLE` names it);
- who acts (`staff`): the name this desk records with a change;
- one worker-error dispatcher: a failed worker becomes one notification, unless the screen
  shows it itself (`worker_failed` returns True); the desk stays up;
- the stale-reload block: a change to the database reloads the screen on top at once
  (`refresh_data`) and the screens under it when they come back;
- a refused over-long input (widgets.bounded_input) says so;
- `SavingDialog`: a dialog whose save runs in a worker, a refusal shown in it.

A screen overrides `worker_failed` and `refresh_data`, never the handlers themselves (Textual
calls a handler of every class of the MRO, so a second one would run as well).
"""

from __future__ import annotations

import logging
from typing import Generic, TypeVar

from textual import on
from textual.events import ScreenResume
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from frontdesk.domain.errors import DomainError
from frontdesk.tui.messages import DataChanged
from frontdesk.tui.widgets.bounded_input import BoundedInput

log = logging.getLogger("frontdesk.tui")


def staff_of(screen) -> str:
    """Who this desk records as having made a change."""
    return getattr(screen.app.desk_settings, "staff", "") or "desk"


class DeskScreenParts:
    """Mixed into DeskBaseScreen and DeskModalScreen (Textual's own classes are the others)."""

    HELP_TITLE = ""
    _data_stale = False  # the database changed while another screen was on top

    # --- F1 ----------------------------------------------------------------------------------

    def action_help(self) -> None:
        from frontdesk.tui.screens.help import HelpScreen
        self.app.push_screen(HelpScreen(self))

    # --- who acts ----------------------------------------------------------------------------

    @property
    def staff(self) -> str:
        return staff_of(self)

    # --- worker errors -----------------------------------------------------------------------

    def worker_failed(self, worker: Worker, error: BaseException) -> bool:
        """A worker of this screen failed: True when the screen showed it itself (no
        notification then). Screens override it; the default leaves it to the notification."""
        return False

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if self.worker_failed(event.worker, error):
            return
        if isinstance(error, DomainError):  # a refusal with a message a person can act on
            self.notify(str(error), title="Not done", severity="warning", timeout=8)
            return
        log.error("worker %s failed", event.worker.name, exc_info=error)
        self.notify(f"Could not load: {error}", title="Database problem",
                    severity="error", timeout=10)

    # --- the database changed ----------------------------------------------------------------

    def wrote(self) -> None:
        """This screen wrote to the database: the app's change watcher looks at once, and
        every screen reloads once when it sees the write (not once here directly and once
        more when the watcher sees the same write)."""
        self.app.post_message(DataChanged())

    def refresh_data(self) -> None:
        """Show what the database holds now (cursor kept). Screens that show data override."""

    def on_data_changed(self, message: DataChanged) -> None:
        if self.is_current:
            self.refresh_data()
        else:
            self._data_stale = True

    def on_screen_resume(self, event: ScreenResume) -> None:
        if self._data_stale:
            self._data_stale = False
            self.refresh_data()

    # --- input refused for its length --------------------------------------------------------

    def on_bounded_input_too_long(self, message: BoundedInput.TooLong) -> None:
        self.notify(message.words, title="Too long", severity="warning", timeout=6)


class DeskBaseScreen(DeskScreenParts, Screen):
    pass


ResultType = TypeVar("ResultType")


class DeskModalScreen(DeskScreenParts, ModalScreen[ResultType], Generic[ResultType]):
    pass


class SavingDialog(DeskModalScreen[ResultType], Generic[ResultType]):
    """A dialog whose save runs in a worker (it posts `Saved`, the dialog closes with its
    result); a refusal (DomainError) shows in the dialog's `.dialog-problem`, nothing typed
    lost."""

    class Saved(Message):
        def __init__(self, result) -> None:
            super().__init__()
            self.result = result

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        self.wrote()
        self.dismiss(message.result)

    def show_problem(self, text: str) -> None:
        self.query_one(".dialog-problem", Static).update(text)

    def worker_failed(self, worker: Worker, error: BaseException) -> bool:
        if isinstance(error, DomainError):
            self.show_problem(str(error))
            return True
        return False
