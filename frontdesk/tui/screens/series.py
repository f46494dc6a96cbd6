"""A stabilization series in one step: how many infusions, on which pattern, from which day
and at what time; a preview of every date (worked out again whenever a field changes), then
all booked or none.

Enter in a field goes to "Book all"; enter there (or ctrl+s anywhere) books the series shown.
A slot taken since the preview refuses the whole series: the message shows, the preview is
worked out again, and nothing is booked.
"""

from __future__ import annotations

import datetime as dt

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Header, Input, Label, Select, Static
from textual.worker import Worker, get_current_worker

from frontdesk import clock
from frontdesk.domain.errors import DomainError, ValidationError
from frontdesk.domain.model import Phase
from frontdesk.domain.series import PATTERN_LABELS, SERIES_MAX, Pattern, check_count
from frontdesk.domain.slots import SlotTaken
from frontdesk.services import booking
from frontdesk.services.booking import BookingContext, SeriesPlan
from frontdesk.tui.messages import BookingDone, SeriesPlanned
from frontdesk.tui.screens.base import DeskBaseScreen
from frontdesk.domain.dates import day_words
from frontdesk.domain.spoken_dates import parse_day, parse_time
from frontdesk.tui.screens.booking import log_recall_call, patient_markup
from frontdesk.tui.widgets.footer import Footer

DEFAULT_TIME = dt.time(9, 0)
#: The pattern chooser's words: short enough for the fields to share one line at 80 columns.
PATTERN_WORDS = {**PATTERN_LABELS, Pattern.TUE_THU: "Tue/Thu", Pattern.MON_THU: "Mon/Thu",
                 Pattern.TUE_FRI: "Tue/Fri"}


class SeriesPreview(Widget):
    """Every infusion of the planned series: date, time, chair, and why it is not where the
    pattern put it."""

    COMPONENT_CLASSES = {"series-preview--note", "series-preview--missing",
                         "series-preview--number"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.plan: SeriesPlan | None = None
        self.today = clock.today()
        self.waiting = True

    def show(self, plan: SeriesPlan | None, *, waiting: bool = False) -> None:
        self.plan, self.waiting = plan, waiting
        self.set_class(waiting, "-waiting")
        self.refresh(layout=True)

    def render(self) -> Table | Text:
        if self.plan is None:
            return Text("Working out the dates…" if self.waiting else "No preview",
                        style="italic")
        style = self.get_component_rich_style
        table = Table.grid(padding=(0, 2))
        table.add_column(justify="right", no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(overflow="fold")
        for number, item in enumerate(self.plan.items, start=1):
            mark = Text(f"{number}", style("series-preview--number"))
            if item.slot is None:
                table.add_row(mark, day_words(item.planned, self.today), "–", "",
                              Text(item.note, style("series-preview--missing")))
                continue
            slot = item.slot
            table.add_row(mark, day_words(slot.start, self.today),
                          f"{slot.start:%H:%M}–{slot.end:%H:%M}", slot.chair or "",
                          Text(item.note, style("series-preview--note")))
        return table


class SeriesScreen(DeskBaseScreen):
    HELP_TITLE = "Book a stabilization series"
    BINDINGS = [
        Binding("ctrl+s", "book_all", "Book all", id="series.book", priority=True),
        Binding("escape", "back", "Back", id="series.back"),
        Binding("f1", "help", "Help", id="series.help"),
    ]

    def __init__(self, context: BookingContext, first_day: dt.date, *,
                 log_recall: bool = False, region: str = "US") -> None:
        super().__init__()
        self.context = context
        self.phone_region = region  # the clinic's phone region: how a typed day reads
        self.first_day = first_day
        self.log_recall = log_recall
        self.today = clock.today()
        self.plan: SeriesPlan | None = None
        self._generation = 0
        self._planned = 0           # the generation of the plan shown
        self._book_when_planned = False
        self._saving = False

    def compose(self) -> ComposeResult:
        c = self.context
        yield Header()
        title = f" Series for {patient_markup(c)}"
        if c.infusions_booked:
            title += f"  {c.infusions_booked} booked"
            if c.phase in (Phase.INTAKE, Phase.STABILIZATION):  # booked toward this series
                title += (f", {c.series_default} left of {c.stabilization_target}"
                          if c.series_default else f", target {c.stabilization_target} reached")
        yield Static(title, id="series-patient")
        with Horizontal(id="series-fields"):
            yield Label("Infusions", classes="series-label")
            yield Input(str(min(c.series_default, SERIES_MAX)), id="series-count",
                        restrict=r"[0-9]*", max_length=2, compact=True)
            yield Label("Pattern", classes="series-label")
            yield Select([(label, pattern) for pattern, label in PATTERN_WORDS.items()],
                         value=Pattern.MON_WED_FRI, allow_blank=False, compact=True,
                         id="series-pattern")
            yield Label("From", classes="series-label")
            yield Input(self.first_day.isoformat(), id="series-first", compact=True,
                        placeholder="fri, +3, 2026-11-30")
            yield Label("At", classes="series-label")
            yield Input(f"{DEFAULT_TIME:%H:%M}", id="series-time", compact=True,
                        placeholder="09:00")
        yield Static("", id="series-problem")
        with VerticalScroll(id="series-preview-box"):
            yield SeriesPreview(id="series-preview")
        with Horizontal(id="series-actions"):
            yield Button("Book all", id="series-book", variant="primary", compact=True)
            yield Label("enter in a field: to Book all · ctrl+s: book · esc: back",
                        id="series-hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = " · ".join(filter(None, [self.app.sub_title, "Series"]))
        self.query_one("#series-count", Input).focus()
        self.replan()

    # --- the fields ----------------------------------------------------------------------------

    def read_fields(self) -> tuple[int, Pattern, dt.date, dt.time]:
        """The fields as a series to plan; ValidationError naming the field to mend."""
        count_text = self.query_one("#series-count", Input).value.strip()
        if not count_text:
            raise ValidationError(f"how many infusions? (1-{SERIES_MAX})")
        count = check_count(int(count_text))
        pattern = self.query_one("#series-pattern", Select).value
        first = parse_day(self.query_one("#series-first", Input).value, self.today,
                          self.phone_region)
        if first < self.today:
            raise ValidationError(f"{first:%Y-%m-%d} has already passed")
        time_text = self.query_one("#series-time", Input).value
        preferred = parse_time(time_text) if time_text.strip() else DEFAULT_TIME
        if preferred is None:
            raise ValidationError(f"{time_text.strip()!r} is not a time (09:00, 14:30, 2pm)")
        return count, Pattern(pattern), first, preferred

    def replan(self, *, keep_problem: bool = False) -> None:
        """Work out the preview again from the fields; while a field does not read, the old
        preview stays (dimmed) and booking waits. `keep_problem`: a refusal stays shown."""
        self._generation += 1
        try:
            count, pattern, first, preferred = self.read_fields()
        except DomainError as error:
            # the old preview stays, dimmed, and the line under the fields says what to mend
            self.show_problem(self._nothing_left() or str(error))
            self.query_one("#series-preview", SeriesPreview).set_class(True, "-waiting")
            self._show_button()
            return
        if not keep_problem:
            self.show_problem("")
        self.query_one("#series-preview", SeriesPreview).set_class(True, "-waiting")
        self._show_button()
        self.load_plan(self._generation, count, pattern, first, preferred)

    def _nothing_left(self) -> str:
        """Why a count of 0 is shown: the series has reached the patient's target."""
        c = self.context
        if c.series_default or self.query_one("#series-count", Input).value.strip() != "0":
            return ""
        return (f"The series target of {c.stabilization_target} is reached: nothing is left to "
                f"book (change the patient's target to book more).")

    @work(thread=True, exclusive=True, group="series-plan", exit_on_error=False)
    def load_plan(self, generation: int, count: int, pattern: Pattern, first: dt.date,
                  preferred: dt.time) -> None:
        plan = booking.plan_stabilization_series(self.context.patient_id, count, pattern,
                                                 first, preferred)
        if not get_current_worker().is_cancelled:
            self.post_message(SeriesPlanned(generation, plan))

    def on_series_planned(self, message: SeriesPlanned) -> None:
        if message.generation != self._generation:
            return
        self.plan, self._planned = message.plan, message.generation
        self.query_one("#series-preview", SeriesPreview).show(message.plan)
        self._show_title()
        self._show_button()
        if self._book_when_planned:
            self._book_when_planned = False
            self.action_book_all()

    def _plan_is_current(self) -> bool:
        return self.plan is not None and self._planned == self._generation

    def _show_title(self) -> None:
        box = self.query_one("#series-preview-box")
        plan = self.plan
        if plan is None:
            box.border_title = "Preview"
            return
        placed = [item.slot for item in plan.items if item.slot is not None]
        span = (f", {day_words(placed[0].start, self.today)} to "
                f"{day_words(placed[-1].start, self.today)}" if placed else "")
        box.border_title = (f"Preview: {len(plan.items)} infusions, "
                            f"{PATTERN_WORDS[plan.pattern]}{span}")
        missing = len(plan.items) - len(placed)
        box.border_subtitle = f"{missing} without a chair" if missing else ""

    def _show_button(self) -> None:
        button = self.query_one("#series-book", Button)
        count = self.query_one("#series-count", Input).value.strip() or "?"
        button.label = f"Book all {count}"
        button.disabled = self._saving

    def show_problem(self, text: str) -> None:
        problem = self.query_one("#series-problem", Static)
        problem.update(text)
        problem.set_class(bool(text), "-shown")

    @on(Input.Changed)
    @on(Select.Changed)
    def _field_changed(self) -> None:
        self.replan()

    @on(Input.Submitted)
    def _field_submitted(self) -> None:
        """Enter in a field: show what does not read, else go to Book all."""
        try:
            self.read_fields()
        except DomainError as problem:
            self.show_problem(str(problem))
            return
        self.query_one("#series-book", Button).focus()

    # --- booking -------------------------------------------------------------------------------

    @on(Button.Pressed, "#series-book")
    def _book_pressed(self) -> None:
        self.action_book_all()

    def action_book_all(self) -> None:
        if self._saving:
            return
        try:
            self.read_fields()
        except DomainError as problem:
            self.show_problem(str(problem))
            return
        if not self._plan_is_current():
            self._book_when_planned = True  # the preview of these fields is on its way
            return
        plan = self.plan
        if not plan.complete:
            missing = next(item for item in plan.items if item.slot is None)
            self.show_problem(f"The infusion planned for {missing.planned:%a %d %b} has no "
                              f"free chair: choose another start, time or pattern")
            return
        self._saving = True
        self._show_button()
        self.show_problem("")
        self.book(plan, self.staff, self.log_recall)

    @work(thread=True, exclusive=True, group="series-book", exit_on_error=False)
    def book(self, plan: SeriesPlan, staff: str, log_recall: bool) -> None:
        lines = booking.book_series(plan, staff=staff)
        logged, problem = log_recall_call(plan.patient_id, staff) if log_recall else (False, "")
        self.post_message(BookingDone(lines, call_logged=logged, call_problem=problem))

    def on_booking_done(self, message: BookingDone) -> None:
        self._saving = False
        self.wrote()
        self.dismiss(message)

    def worker_failed(self, worker: Worker, error: BaseException) -> bool:
        """A refusal shows above the preview (base.py's dispatcher then says nothing)."""
        group = worker.group
        if group == "series-book":
            self._saving = False
            self._show_button()
        elif group == "series-plan":
            self._book_when_planned = False
        if not isinstance(error, DomainError):
            return False  # the base logs it and says so
        if group == "series-book":
            taken = "That slot was just taken: " if isinstance(error, SlotTaken) else ""
            self.show_problem(f"{taken}{error}. The preview is worked out again: look at it "
                              f"and book again.")
            self.replan(keep_problem=True)
            return True
        if group == "series-plan":
            self.plan = None
            self.query_one("#series-preview", SeriesPreview).show(None)
            self._show_title()
            self.show_problem(str(error))
            return True
        return False

    # --- leaving, other desks ------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss(None)

    def refresh_data(self) -> None:
        """The database changed: the preview again (not while the series is being saved:
        its own write is what changed)."""
        if not self._saving:
            self.replan(keep_problem=True)
