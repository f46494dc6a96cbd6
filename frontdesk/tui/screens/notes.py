"""Editing a patient's desk notes. Nothing typed is lost: a refused save keeps the text."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, TextArea

from frontdesk.services.patients import PatientDetail, save_notes
from frontdesk.tui.screens.base import DeskModalScreen
from frontdesk.tui.widgets.footer import Footer


class NotesScreen(DeskModalScreen[bool]):
    HELP_TITLE = "Desk notes"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="notes.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="notes.cancel"),
        Binding("f1", "help", "Help", id="notes.help"),
    ]

    class Saved(Message):
        def __init__(self, version: int) -> None:
            super().__init__()
            self.version = version

    def __init__(self, detail: PatientDetail) -> None:
        super().__init__()
        self.detail = detail
        self.version = detail.version
        self._warned = False

    def compose(self) -> ComposeResult:
        with Vertical(id="notes-box"):
            yield Label(f"Desk notes: {self.detail.name} ({self.detail.chart})",
                        id="notes-title")
            yield TextArea(self.detail.notes, id="notes-text", soft_wrap=True)
            yield Label("ctrl+s save · esc cancel", id="notes-hint")
        yield Footer()

    def on_mount(self) -> None:
        area = self.query_one("#notes-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    @property
    def text(self) -> str:
        return self.query_one("#notes-text", TextArea).text

    def action_save(self) -> None:
        self.save(self.detail.id, self.text, self.version, self.staff)

    @work(thread=True, exclusive=True, group="notes", exit_on_error=False)
    def save(self, patient_id: int, text: str, version: int, staff: str) -> None:
        self.post_message(self.Saved(save_notes(patient_id, text, expected_version=version,
                                                staff=staff)))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        self.notify("Notes saved")
        self.wrote()  # the desk's detail shows them when the change watcher sees the write
        self.dismiss(True)

    def action_cancel(self) -> None:
        if self.text != self.detail.notes and not self._warned:
            self._warned = True
            self.notify("The notes have unsaved changes: ctrl+s saves, esc again discards",
                        severity="warning")
            return
        self.dismiss(False)
