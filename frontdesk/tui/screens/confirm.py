"""Asking for an explicit confirmation of a status change the clinic's rules want confirmed
(domain.status_flow.judge_change): a no-show before the start time, any change to a past
day's appointment. Enter confirms, esc goes back; dismisses with True or False."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, Static

from frontdesk.tui.screens.base import DeskModalScreen
from frontdesk.tui.widgets.footer import Footer


class ConfirmScreen(DeskModalScreen[bool]):
    HELP_TITLE = "Confirm"
    BINDINGS = [
        Binding("enter", "confirm", "Confirm", id="confirm.yes"),
        Binding("escape", "back", "Back", id="confirm.back"),
        Binding("f1", "help", "Help", id="confirm.help"),
    ]

    def __init__(self, title: str, what: str, why: str) -> None:
        super().__init__()
        self.title_text = title
        self.what = what
        self.why = why

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(self.what)
            yield Static(f"Needs a confirmation: {self.why}.", id="confirm-why")
            yield Label("enter: confirm (recorded as confirmed) · esc: back",
                        classes="dialog-hint")
        yield Footer()

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_back(self) -> None:
        self.dismiss(False)
