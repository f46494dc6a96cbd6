"""Logging a recall call: how the call to a patient on the Due or Not-seen list went.

The booker presses the outcome's number (1-6) and enter: `l 3 enter` logs "no answer".
"Call back" asks for the day to call again (tomorrow, +3, fri, 11/24, 2026-11-24); a note is
optional. Dismisses with the logged `services.recall.RecallCallLine`, or None.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker

from frontdesk import clock
from frontdesk.domain.errors import ValidationError
from frontdesk.domain.recall import OUTCOME_LABELS, CallOutcome, check_call_back
from frontdesk.domain.spoken_dates import read_call_back_day
from frontdesk.services.recall import NOTE_MAX_CHARS, RecallCallLine, calls_of, log_call
from frontdesk.tui.messages import CallsLoaded
from frontdesk.domain.dates import day_words
from frontdesk.tui.screens.base import SavingDialog
from frontdesk.tui.widgets.bounded_input import BoundedInput
from frontdesk.tui.widgets.footer import Footer

OUTCOMES = list(CallOutcome)  # the number keys' order: 1 booked ... 6 call back
EARLIER_CALLS = 3


def call_words(call: RecallCallLine, today: dt.date) -> Text:
    """'Fri 20 Nov 10:15  no answer  (anna)  rang twice'."""
    when = f"{day_words(call.at, today)} {call.at:%H:%M}"
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{when}  ")
    text.append(OUTCOME_LABELS[call.outcome], style="bold")
    if call.call_back_on is not None:
        text.append(f" {call.call_back_on:%a %d %b}")
    text.append(f"  ({call.staff})")
    if call.note:
        text.append(f"  {call.note}")
    return text


class OutcomeList(OptionList):
    """The six outcomes; their number picks one."""

    HELP_NAME = "Outcomes"
    BINDINGS = [
        *(Binding(str(n), f"pick({n})", "Choose that outcome", show=False,
                  id=f"call.outcome_{n}") for n in range(1, len(OUTCOMES) + 1)),
        Binding("enter", "confirm", "Log the call", show=False, id="call.confirm"),
    ]

    class Picked(Message):
        """An outcome chosen by its number: the form moves on to the next field."""

    class Confirmed(Message):
        """Enter on the list: log the call with the outcome highlighted (if any)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, compact=True)

    def on_mount(self) -> None:
        self.add_options(Option(Text.assemble((f"{n} ", "bold"), OUTCOME_LABELS[outcome]),
                                id=outcome.value)
                         for n, outcome in enumerate(OUTCOMES, start=1))
        self.highlighted = None  # nothing chosen until the booker says

    @property
    def outcome(self) -> CallOutcome | None:
        option = self.highlighted_option
        return CallOutcome(option.id) if option is not None else None

    def action_pick(self, number: int) -> None:
        self.highlighted = number - 1
        self.post_message(self.Picked())

    def action_confirm(self) -> None:
        self.post_message(self.Confirmed())


class CallScreen(SavingDialog):
    HELP_TITLE = "Log a recall call"
    BINDINGS = [
        Binding("ctrl+s", "save", "Log the call", id="call.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="call.cancel"),
        Binding("f1", "help", "Help", id="call.help"),
    ]

    def __init__(self, patient_id: int, name: str, *, phone: str = "",
                 region: str = "US") -> None:
        super().__init__()
        self.patient_id = patient_id
        self.patient_name = name
        self.phone = phone
        self.phone_region = region
        self._busy: Worker | None = None  # the save under way: enter waits for it

    def compose(self) -> ComposeResult:
        phone = f" · {self.phone}" if self.phone else ""
        with Vertical(id="call-box", classes="dialog"):
            yield Label(f"Recall call: {self.patient_name}{phone}", classes="dialog-title",
                        markup=False)
            yield Static("Earlier calls: loading…", id="call-history")
            yield Label("How did it go?", classes="call-label")
            yield OutcomeList(id="call-outcomes")
            with Horizontal(classes="call-row", id="call-back-row"):
                yield Label("Call back on", classes="call-label")
                yield BoundedInput(placeholder="tomorrow, +3, fri, 11/24, 2026-11-24",
                                   id="call-back",
                            compact=True, select_on_focus=False, max_length=40,
                            classes="call-field")
            yield Static("", id="call-back-note", markup=False)
            with Horizontal(classes="call-row"):
                yield Label("Note", classes="call-label")
                yield BoundedInput(placeholder="optional", id="call-note", compact=True,
                            select_on_focus=False, max_length=NOTE_MAX_CHARS,
                            classes="call-field")
            yield Static("", classes="dialog-problem", markup=False)
            yield Label("1-6: how it went · enter: log the call · esc: cancel",
                        classes="dialog-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#call-back-row").display = False
        self._back_note("")
        self.query_one("#call-outcomes", OutcomeList).focus()
        self.load_calls(self.patient_id)

    @work(thread=True, exclusive=True, group="calls", exit_on_error=False)
    def load_calls(self, patient_id: int) -> None:
        self.post_message(CallsLoaded(patient_id, calls_of(patient_id, EARLIER_CALLS)))

    def on_calls_loaded(self, message: CallsLoaded) -> None:
        history = Text(no_wrap=True, overflow="ellipsis")
        if not message.calls:
            history.append("Earlier calls: none")
        else:
            history.append("Earlier calls:\n")
            today = clock.today()
            for i, call in enumerate(message.calls):
                history.append("  ")
                history.append_text(call_words(call, today))
                if i < len(message.calls) - 1:
                    history.append("\n")
        self.query_one("#call-history", Static).update(history)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        for row in self.query(".call-row"):  # the focused field's label stands out
            row.set_class(event.widget.parent is row, "-current")

    # --- the form ----------------------------------------------------------------------------

    def _back_note(self, text: str, *, error: bool = False) -> None:
        note = self.query_one("#call-back-note", Static)
        note.update(text)
        note.display = bool(text)
        note.set_class(error, "-error")

    @on(OptionList.OptionHighlighted, "#call-outcomes")
    def _outcome_moved(self, event: OptionList.OptionHighlighted) -> None:
        call_back = event.option.id == CallOutcome.CALL_BACK.value
        self.query_one("#call-back-row").display = call_back
        if not call_back:
            self._back_note("")
        self.show_problem("")

    @on(OutcomeList.Picked)
    def _outcome_picked(self) -> None:
        outcomes = self.query_one("#call-outcomes", OutcomeList)
        after = "#call-back" if outcomes.outcome == CallOutcome.CALL_BACK else "#call-note"
        self.query_one(after, Input).focus()

    @on(Input.Changed, "#call-back")
    def _back_typed(self, event: Input.Changed) -> None:
        try:
            day = read_call_back_day(event.value, clock.today(), self.phone_region)
        except ValidationError:
            day = None
        self._back_note(f"= {day:%A %d %B %Y}" if day else "")

    @on(OutcomeList.Confirmed)
    @on(Input.Submitted, ".call-field")
    def _enter(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        if self._busy is not None:
            return
        outcomes = self.query_one("#call-outcomes", OutcomeList)
        outcome = outcomes.outcome
        if outcome is None:
            self.show_problem("Choose how the call went: 1-6")
            outcomes.focus()
            return
        back_field = self.query_one("#call-back", Input)
        call_back_on = None
        if outcome == CallOutcome.CALL_BACK:
            today = clock.today()
            try:
                call_back_on = check_call_back(
                    outcome, read_call_back_day(back_field.value, today, self.phone_region),
                    today)
            except ValidationError as problem:
                text = str(problem)
                self._back_note(text[:1].upper() + text[1:], error=True)
                back_field.focus()
                return
        self.show_problem("")
        self._busy = self.save(outcome, call_back_on, self.query_one("#call-note", Input).value,
                               self.staff)

    @work(thread=True, exclusive=True, group="log-call", exit_on_error=False)
    def save(self, outcome: CallOutcome, call_back_on: dt.date | None, note: str,
             staff: str) -> None:
        self.post_message(self.Saved(log_call(self.patient_id, outcome, staff=staff,
                                              call_back_on=call_back_on, note=note)))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is self._busy and event.worker.is_finished:
            self._busy = None

    def action_cancel(self) -> None:
        self.dismiss(None)
