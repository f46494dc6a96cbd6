"""Check-in (a booked appointment or a walk-in) with the questionnaire totals from the paper
forms, recording totals alone, and cancelling with a reason.

Enter saves; a refusal shows under the fields and keeps everything typed.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from frontdesk import clock
from frontdesk.domain.dates import day_words
from frontdesk.domain.errors import DomainError
from frontdesk.domain.measures import LABELS, MAXIMUM, Measure, parse_score
from frontdesk.domain.model import STATUS_WORDS, Kind, Phase, is_late_cancellation
from frontdesk.services import flow
from frontdesk.services.flow import BoardLine, StatusChange, TodayForPatient
from frontdesk.tui.screens.base import SavingDialog
from frontdesk.tui.widgets.bounded_input import BoundedInput
from frontdesk.tui.widgets.footer import Footer

WALK_IN_KINDS = (Kind.INFUSION, Kind.CONSULT, Kind.ASSESSMENT)
CANCEL_REASONS = ("patient called to cancel", "illness", "transport", "weather",
                  "clinic cancelled", "rescheduling", "other")


def appointment_words(line: BoardLine) -> str:
    """Its day (with the year when it is another year's), time, kind, length, chair, status."""
    chair = f" · {line.chair}" if line.chair else ""
    return (f"{day_words(line.start, clock.today())} {line.start:%H:%M} · {line.kind.value} · "
            f"{line.duration_minutes} min{chair} · {STATUS_WORDS[line.status]}")


class CheckInScreen(SavingDialog):
    """Check in the patient's booked appointment, or a walk-in when there is none; with
    `scores_only`, record the totals without a check-in. Dismisses with the StatusChange
    (or True for scores alone), or None when cancelled."""

    HELP_TITLE = "Check in"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="checkin.cancel"),
        Binding("ctrl+s", "save", "Save", id="checkin.save", priority=True),
        Binding("f1", "help", "Help", id="checkin.help"),
    ]

    def __init__(self, today: TodayForPatient, *, scores_only: bool = False,
                 phase: Phase | None = None) -> None:
        super().__init__()
        self.today = today
        self.scores_only = scores_only
        self.walk_in = not scores_only and today.booked is None
        # one infusion a patient a day: none offered when one holds the day (services say)
        self.kinds = tuple(kind for kind in WALK_IN_KINDS if kind in today.walk_in_kinds)
        default = Kind.CONSULT if phase == Phase.INTAKE else Kind.INFUSION
        self.default_kind = default if default in self.kinds else self.kinds[0]

    def compose(self) -> ComposeResult:
        t = self.today
        with Vertical(id="checkin-box", classes="dialog"):
            if self.scores_only:
                title, what = "Scores", "PHQ-9 and GAD-7 totals from the paper forms"
            elif self.walk_in:
                title, what = "Walk-in", "No appointment booked today: check in as a walk-in"
            else:
                title, what = "Check in", appointment_words(t.booked)
            yield Label(f"{title}: {t.name} ({t.chart})", classes="dialog-title")
            yield Static(what, id="checkin-what")
            if self.walk_in:
                if t.no_walk_in_infusion:
                    yield Static(f"No infusion: {t.no_walk_in_infusion}", id="no-infusion")
                with RadioSet(id="walk-in-kind"):
                    for kind in self.kinds:
                        chair = " (takes the first free chair)" if kind == Kind.INFUSION else ""
                        yield RadioButton(f"{kind.value.capitalize()}{chair}",
                                          value=kind == self.default_kind, name=kind.value)
            with Horizontal(classes="score-row"):
                for measure in Measure:
                    yield Label(f"{LABELS[measure]} (0-{MAXIMUM[measure]})",
                                classes="score-label")
                    yield BoundedInput(placeholder="–", id=measure.value,
                                       restrict=r"[0-9]*", max_length=2, classes="score")
            yield Static("", classes="dialog-problem")
            action = "save" if self.scores_only else "check in"
            yield Label(f"enter: {action} · tab: next field · esc: cancel", classes="dialog-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(f"#{Measure.PHQ9.value}", Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def _kind(self) -> Kind:
        pressed = self.query_one("#walk-in-kind", RadioSet).pressed_button
        return Kind(pressed.name) if pressed is not None else self.default_kind

    def action_save(self) -> None:
        scores = {}
        for measure in Measure:
            field = self.query_one(f"#{measure.value}", Input)
            try:
                scores[measure.value] = parse_score(measure, field.value)
            except DomainError as problem:
                self.show_problem(str(problem))
                field.focus()
                return
        if self.scores_only and not any(v is not None for v in scores.values()):
            self.show_problem("Type a PHQ-9 or a GAD-7 total (or esc)")
            return
        self.show_problem("")
        self.save(self._kind() if self.walk_in else None, scores, self.staff)

    @work(thread=True, exclusive=True, group="check-in", exit_on_error=False)
    def save(self, walk_in_kind: Kind | None, scores: dict, staff: str) -> None:
        t = self.today
        if self.scores_only:
            flow.record_scores(t.patient_id, staff=staff, **scores)
            result: StatusChange | bool = True
        elif walk_in_kind is not None:
            result = flow.walk_in(t.patient_id, walk_in_kind, staff=staff, **scores)
        else:
            result = flow.check_in(t.booked.id, staff=staff, expected_version=t.booked.version,
                                   **scores)
        self.post_message(self.Saved(result))

    def action_cancel(self) -> None:
        self.dismiss(None)


class CancelScreen(SavingDialog):
    """Cancel an appointment; the reason is required. Dismisses with the StatusChange."""

    HELP_TITLE = "Cancel an appointment"
    BINDINGS = [
        Binding("escape", "cancel", "Back", id="cancel.back"),
        Binding("f1", "help", "Help", id="cancel.help"),
    ]

    def __init__(self, line: BoardLine, *, confirmed: bool = False) -> None:
        super().__init__()
        self.line = line
        self.confirmed = confirmed  # a past day's appointment: confirmed before this dialog

    def compose(self) -> ComposeResult:
        late = is_late_cancellation(self.line.start, clock.now())
        with Vertical(id="cancel-box", classes="dialog"):
            yield Label(f"Cancel: {self.line.name} ({self.line.chart})", classes="dialog-title")
            yield Static(appointment_words(self.line))
            if late:
                yield Static("LATE CANCELLATION: less than 24 h before the start",
                             id="late-warning")
            yield Label("Why? (e.g. " + ", ".join(CANCEL_REASONS[:4]) + "…)")
            yield BoundedInput(placeholder="reason", id="cancel-reason", max_length=200,
                               suggester=SuggestFromList(CANCEL_REASONS,
                                                         case_sensitive=False))
            yield Static("", classes="dialog-problem")
            yield Label("enter: cancel the appointment · →: take the suggestion · esc: back",
                        classes="dialog-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#cancel-reason", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        if not reason:
            self.show_problem("Say why it is cancelled (the clinic keeps the reason)")
            return
        self.save(reason, self.staff)

    @work(thread=True, exclusive=True, group="cancel", exit_on_error=False)
    def save(self, reason: str, staff: str) -> None:
        change = flow.set_status(self.line.id, "cancelled", staff=staff, reason=reason,
                                 expected_version=self.line.version,
                                 confirmed=self.confirmed)
        self.post_message(self.Saved(change))

    def action_cancel(self) -> None:
        self.dismiss(None)
