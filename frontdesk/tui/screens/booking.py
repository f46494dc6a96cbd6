"""Booking on the phone: the caller's next free slots, one key to book, their appointments
ahead to move or cancel, and the way to a whole stabilization series.

The screen opens on the slot list, so from the desk `n` then enter books the earliest free
slot (the maintenance booking from the Due list in two keys). A refusal (someone else took
the slot a moment ago) shows under the kind line, the list then offers the next free times,
and nothing typed is lost.
"""

from __future__ import annotations

import datetime as dt
import logging

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.markup import escape
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, get_current_worker

from frontdesk import clock
from frontdesk.domain.clinic import ClinicSettings
from frontdesk.domain.dates import day_words
from frontdesk.domain.errors import DomainError
from frontdesk.domain.model import Kind, Phase, holds_patient_day, is_late_cancellation
from frontdesk.domain.phases import badge
from frontdesk.domain.slots import Slot, SlotTaken, spread
from frontdesk.domain.spoken_dates import parse_when
from frontdesk.services import booking
from frontdesk.services.booking import BookingContext
from frontdesk.services.flow import BoardLine, StatusChange
from frontdesk.tui import format as fmt
from frontdesk.tui.messages import BookingDone, BookingLoaded, SlotsLoaded
from frontdesk.tui.screens.base import DeskBaseScreen, DeskModalScreen
from frontdesk.tui.screens.check_in import CancelScreen
from frontdesk.tui.widgets.bounded_input import BoundedInput
from frontdesk.tui.widgets.footer import Footer

log = logging.getLogger("frontdesk.tui")

#: How many slots the list offers, and how many free starts they are chosen from.
SLOTS_SHOWN = 8
SLOTS_SEARCHED = 150
#: Alternatives at least this far apart on a day, so they reach morning and afternoon.
SLOT_GAP_MINUTES = 180
WIDE_FROM = 120
KIND_KEYS = {Kind.INFUSION: "1", Kind.CONSULT: "2", Kind.ASSESSMENT: "3"}
KINDS = Binding.Group("Kind", compact=True)
MOVE_REASONS = ("patient asked", "illness", "transport", "work", "clinic asked", "weather",
                "other")


# --- how slots and appointments read --------------------------------------------------------------

def slot_words(slot: Slot, today: dt.date) -> str:
    chair = f"  {slot.chair}" if slot.chair else ""
    return f"{day_words(slot.start, today)}  {slot.start:%H:%M}–{slot.end:%H:%M}{chair}"


def line_words(line: BoardLine, today: dt.date) -> str:
    chair = f"  {line.chair}" if line.chair else ""
    return (f"{day_words(line.start, today)}  {line.start:%H:%M}–{line.ends_at:%H:%M}  "
            f"{line.kind.value}{chair}")


def told_words(line: BoardLine, today: dt.date) -> str:
    """An appointment in a notification: 'Thu 26 Nov 08:00–09:30, infusion, Chair 1'."""
    chair = f", {line.chair}" if line.chair else ""
    return (f"{day_words(line.start, today)} {line.start:%H:%M}–{line.ends_at:%H:%M}, "
            f"{line.kind.value}{chair}")


def patient_badge(context: BookingContext) -> str:
    return badge(context.phase, completed=context.infusions_completed,
                 target=context.stabilization_target)


def patient_markup(context: BookingContext) -> str:
    """'[b]Núñez, Ana[/b]  C-1  STAB 2/3' as content markup, the badge in the theme's colour."""
    return (f"[b]{escape(context.name)}[/b]  {escape(context.chart)}  "
            f"[{fmt.BADGE_STYLES[context.phase]}]{patient_badge(context)}[/]")


# --- the lists ------------------------------------------------------------------------------------

class SlotList(OptionList):
    """The free slots to read out; enter books the highlighted one (or moves the appointment
    being moved there)."""

    HELP_NAME = "Free slots"
    BINDINGS = [
        Binding("enter", "book", "Book", id="booking.book"),
        Binding("enter", "move_here", "Move here", id="booking.move_here"),
    ]

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        moving = getattr(self.screen, "moving", None) is not None
        if action == "book":
            return not moving
        if action == "move_here":
            return moving
        return True

    def action_book(self) -> None:
        self.screen.take_slot(self.highlighted)

    def action_move_here(self) -> None:
        self.screen.take_slot(self.highlighted)


class UpcomingList(OptionList):
    """The patient's appointments ahead; r moves, x cancels the highlighted one."""

    HELP_NAME = "Booked ahead"


# --- the screen -----------------------------------------------------------------------------------

class BookingScreen(DeskBaseScreen):
    HELP_TITLE = "Booking"
    BINDINGS = [
        Binding("1", "kind('infusion')", "Infusion", group=KINDS, id="booking.kind_infusion"),
        Binding("2", "kind('consult')", "Consult", group=KINDS, id="booking.kind_consult"),
        Binding("3", "kind('assessment')", "Assessment", group=KINDS,
                id="booking.kind_assessment"),
        Binding("f", "from_date", "From", id="booking.from"),
        Binding("less_than_sign,comma", "step_day(-1)", "Day before", show=False,
                id="booking.day_before"),
        Binding("greater_than_sign,full_stop", "step_day(1)", "Day after", show=False,
                id="booking.day_after"),
        Binding("t", "today", "From today", show=False, id="booking.today"),
        Binding("s", "series", "Series", id="booking.series"),
        Binding("r", "reschedule", "Move", id="booking.reschedule"),
        Binding("x", "cancel_appointment", "Cancel", id="booking.cancel"),
        Binding("escape", "back", "Back", id="booking.back"),
        Binding("f1", "help", "Help", id="booking.help"),
    ]

    def __init__(self, patient_id: int, *, kind: Kind = Kind.INFUSION,
                 from_day: dt.date | None = None, log_recall: bool = False) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.kind = kind
        self.today = clock.today()
        self.from_day = from_day or self.today
        self.from_time: dt.time | None = None
        self.log_recall = log_recall  # a recall call to log as "booked" with the first booking
        self.context: BookingContext | None = None
        self.settings = ClinicSettings()
        self.slots: list[Slot] = []
        self.moving: BoardLine | None = None  # the appointment being moved (r)
        self._upcoming_lines: list[BoardLine] = []
        self._offer_title: str | None = None  # None: the usual offer, earliest first
        self._move_reason = MOVE_REASONS[0]
        self._generation = 0
        self._slots_pending = False
        self._book_when_loaded = False  # enter pressed before the slots came
        self._saving = False

    # --- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("…", id="booking-patient")
        with Horizontal(id="booking-bar"):
            for kind, key in KIND_KEYS.items():
                yield Label(f"{key} {kind.value.capitalize()}", id=f"kind-{kind.value}",
                            classes="kind-choice")
            yield Label("From", id="booking-from-label")
            yield Input(self.from_day.isoformat(), placeholder="today, fri, +3, 2026-11-30 14:00",
                        id="booking-from", compact=True)
        yield Static("", id="booking-notice")
        with Container(id="booking-main"):
            yield SlotList(id="slots")
            yield UpcomingList(id="upcoming")
        yield Footer(compact=True)

    @property
    def slot_list(self) -> SlotList:
        return self.query_one("#slots", SlotList)

    @property
    def upcoming(self) -> UpcomingList:
        return self.query_one("#upcoming", UpcomingList)

    def on_mount(self) -> None:
        self.sub_title = " · ".join(filter(None, [self.app.sub_title, "Booking"]))
        self._fit_layout(self.app.size.width)
        self.upcoming.border_title = "Booked ahead"
        self._show_kind()
        self._show_slots_title()
        self.slot_list.focus()
        self.reload()

    def on_resize(self, event: events.Resize) -> None:
        self._fit_layout(event.size.width)

    def _fit_layout(self, width: int) -> None:
        self.set_class(width >= WIDE_FROM, "-wide")

    # --- loading -----------------------------------------------------------------------------

    def reload(self, *, keep_slots: bool = False) -> None:
        """The patient and the slots again; `keep_slots` (another desk wrote) leaves the
        offer on the screen until the new one comes."""
        self.load_context(self.patient_id, self.today)
        self.reload_slots(keep=keep_slots)

    def _after(self) -> dt.datetime:
        return dt.datetime.combine(self.from_day, self.from_time or dt.time())

    def reload_slots(self, *, keep: bool = False) -> None:
        """Search again. Unless `keep`, the old offer goes at once: an enter typed before
        the new one comes books its first slot, never a slot of the old question."""
        self._generation += 1
        self._slots_pending = True
        if not keep:
            self.slots, self._offer_title = [], None
            self.slot_list.clear_options()
        self._show_slots_title()
        moving = self.moving
        self.load_slots(self._generation, moving.kind if moving else self.kind, self._after(),
                        moving.duration_minutes if moving else None,
                        moving.id if moving else None)

    @work(thread=True, exclusive=True, group="booking-context", exit_on_error=False)
    def load_context(self, patient_id: int, today: dt.date) -> None:
        from frontdesk.services.clinic import clinic_settings
        context = booking.booking_context(patient_id, today)
        settings = clinic_settings()
        if not get_current_worker().is_cancelled:
            self.post_message(BookingLoaded(context, settings))

    @work(thread=True, exclusive=True, group="booking-slots", exit_on_error=False)
    def load_slots(self, generation: int, kind: Kind, after: dt.datetime,
                   duration: int | None, moving: int | None) -> None:
        found = booking.find_slots(kind, after, SLOTS_SEARCHED, patient_id=self.patient_id,
                                   duration=duration, exclude_appointment=moving)
        slots = spread(found, SLOTS_SHOWN, min_gap_minutes=SLOT_GAP_MINUTES)
        if not get_current_worker().is_cancelled:
            self.post_message(SlotsLoaded(generation, after, slots))

    def on_booking_loaded(self, message: BookingLoaded) -> None:
        self.context, self.settings = message.context, message.settings
        self._show_patient()
        self._show_kind()
        self._show_slots_title()
        self._show_upcoming()

    def on_slots_loaded(self, message: SlotsLoaded) -> None:
        if message.generation != self._generation:
            return
        self._slots_pending = False
        self.show_slots(message.slots)
        if self._book_when_loaded:
            self._book_when_loaded = False
            if self.slots:
                self.take_slot(0)

    def worker_failed(self, worker: Worker, error: BaseException) -> bool:
        """A refusal shows on the screen (base.py's dispatcher then says nothing more)."""
        group = worker.group
        if group == "booking-write":
            self._saving = False
        elif group == "booking-slots":
            self._slots_pending = False
            self._book_when_loaded = False
        if not isinstance(error, DomainError):
            return False  # the base logs it and says so
        if group == "booking-write" and isinstance(error, SlotTaken):
            self.show_notice(f"That slot was just taken: {error}. The next free times "
                             f"are below.")
            if error.alternatives:
                self._generation += 1  # a search under way would replace them
                self._slots_pending = False
                self.show_slots(list(error.alternatives), title="Still free, nearest first")
            else:
                self.reload_slots()
            return True
        if group == "booking-write":
            self.show_notice(f"{'Not moved' if self.moving else 'Not booked'}: {error}")
            self.reload()
            return True
        if group == "booking-slots":
            self.show_notice(f"No slots: {error}")
            return True
        return False

    # --- showing -----------------------------------------------------------------------------

    def show_notice(self, text: str) -> None:
        notice = self.query_one("#booking-notice", Static)
        notice.update(text)
        notice.set_class(bool(text), "-shown")

    def _show_patient(self) -> None:
        c = self.context
        if c is None:
            return
        booked = c.infusions_booked
        text = (f" {patient_markup(c)}  {booked} infusion{'s' if booked != 1 else ''} "
                f"booked ahead")
        if c.phase == Phase.STABILIZATION:
            text += f" · series of {c.stabilization_target}, {c.infusions_completed} done"
        if self.log_recall:
            text += " · [i]recall call[/i]"
        self.query_one("#booking-patient", Static).update(text)

    def _show_kind(self) -> None:
        kind = self.moving.kind if self.moving else self.kind
        for each in KIND_KEYS:
            label = self.query_one(f"#kind-{each.value}", Label)
            label.set_class(each == kind, "-chosen")
            label.set_class(self.moving is not None and each != kind, "-off")
            length = self.settings.duration_of(each)
            label.update(f"{KIND_KEYS[each]} {each.value.capitalize()} {length} min"
                         if each == kind else f"{KIND_KEYS[each]} {each.value.capitalize()}")

    def _show_slots_title(self) -> None:
        title = self._offer_title
        when = day_words(self.from_day, self.today)
        if self.from_time is not None:
            when += f" {self.from_time:%H:%M}"
        if title is not None:  # after a refusal: the times nearest the one taken
            head = title
        elif self.moving is not None:
            m = self.moving
            head = (f"Move {day_words(m.start, self.today)} {m.start:%H:%M} {m.kind.value} "
                    f"to: free from {when}")
        else:
            head = f"Free {self.kind.value} slots from {when}"
        self.slot_list.border_title = head
        self.slot_list.set_class(self.moving is not None, "-moving")
        self.slot_list.border_subtitle = "…" if self._slots_pending else self._day_taken()

    def _day_taken(self) -> str:
        """Why the first day offers nothing: the patient's one infusion of that day."""
        moving = self.moving.id if self.moving is not None else None
        lines = self.context.upcoming if self.context else ()
        if any(line.start.date() == self.from_day and line.id != moving
               and line.kind == self.kind and holds_patient_day(line.kind, line.status)
               for line in lines):
            return (f"none on {day_words(self.from_day, self.today)}: "
                    f"one {self.kind.value} a day")
        return ""

    def show_slots(self, slots: list[Slot], *, title: str | None = None) -> None:
        """The offer: keeps the cursor on the same start when it is still free."""
        slot_list = self.slot_list
        was = self.slots[slot_list.highlighted] if (
            slot_list.highlighted is not None and slot_list.highlighted < len(self.slots)) else None
        self.slots = slots
        self._offer_title = title
        options = []
        for index, slot in enumerate(slots):
            text = Text(slot_words(slot, self.today))
            if index == 0 and title is None:
                text.append("  earliest", "italic")
            options.append(Option(text))
        if not options:
            options.append(Option(f"Nothing free within {booking.HORIZON_DAYS} days of "
                                  f"{day_words(self.from_day, self.today)}", disabled=True))
        slot_list.set_options(options)
        starts = [s.start for s in slots]
        if slots:
            slot_list.highlighted = starts.index(was.start) if was and was.start in starts else 0
        self._show_slots_title()

    def _show_upcoming(self) -> None:
        upcoming = self.upcoming
        lines = self.context.upcoming if self.context else ()
        was = upcoming.highlighted
        keep = (self._upcoming_lines[was].id if was is not None
                and was < len(self._upcoming_lines) else None)
        self._upcoming_lines = list(lines)
        options = [Option(line_words(line, self.today)) for line in lines]
        if not options:
            options = [Option("Nothing booked ahead", disabled=True)]
        upcoming.set_options(options)
        if lines:
            ids = [line.id for line in lines]
            upcoming.highlighted = ids.index(keep) if keep in ids else min(was or 0, len(ids) - 1)
        upcoming.border_title = f"Booked ahead · {len(lines)}"
        self.refresh_bindings()

    # --- booking -----------------------------------------------------------------------------

    def take_slot(self, index: int | None) -> None:
        """Enter on the slot list: book the slot, or move the appointment there."""
        if self._saving:
            self.notify("One moment: the last booking is being saved", timeout=3)
            return
        if index is None and self._slots_pending:
            self._book_when_loaded = True  # n, enter typed in a burst: the first slot
            return
        if index is None or index >= len(self.slots):
            return
        slot = self.slots[index]
        if self.moving is not None:
            line = self.moving

            def reason_given(reason: str | None) -> None:
                if reason:
                    self._move_reason = reason  # asked again after a refusal: kept
                    self._saving = True
                    self.move(line, slot, reason, self.staff)
            self.app.push_screen(MoveScreen(line, slot, self.today, self._move_reason),
                                 reason_given)
            return
        self._saving = True
        self.show_notice("")
        self.book(self.kind, slot, self.staff, self.log_recall)

    @work(thread=True, exclusive=True, group="booking-write", exit_on_error=False)
    def book(self, kind: Kind, slot: Slot, staff: str, log_recall: bool) -> None:
        line = booking.book(self.patient_id, kind, slot.start, staff=staff)
        logged, problem = log_recall_call(self.patient_id, staff) if log_recall else (False, "")
        self.post_message(BookingDone([line], call_logged=logged, call_problem=problem))

    @work(thread=True, exclusive=True, group="booking-write", exit_on_error=False)
    def move(self, line: BoardLine, slot: Slot, reason: str, staff: str) -> None:
        moved = booking.reschedule(line.id, slot.start, staff=staff, reason=reason,
                                   expected_version=line.version)
        self.post_message(BookingDone([moved.booked], moved=moved))

    def on_booking_done(self, message: BookingDone) -> None:
        self._saving = False
        if message.call_logged:
            self.log_recall = False  # one call, logged once however many are booked
        if message.moved is not None:
            self._move_reason = MOVE_REASONS[0]
            self.moving = None
            self._show_kind()
            self.refresh_bindings()
            self.slot_list.focus()
        self.notify(done_words(message, self.today), title="Booked", timeout=8)
        if message.call_problem:
            self.notify(f"The recall call was not logged: {message.call_problem}",
                        severity="warning", timeout=8)
        self.show_notice("")
        # the offer that held the booked slot goes at once (an enter now books the first
        # of the next offer); the change watcher, seeing this write, loads it (refresh_data)
        self._forget_offer()
        self.wrote()

    def _forget_offer(self) -> None:
        self._generation += 1
        self._slots_pending = True
        self.slots, self._offer_title = [], None
        self.slot_list.clear_options()
        self._show_slots_title()

    # --- actions -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "kind" and self.moving is not None:
            return None  # a move keeps the appointment's kind
        if action in ("reschedule", "cancel_appointment"):
            return bool(self._upcoming_lines) or None  # dimmed: nothing booked ahead
        return True

    def action_kind(self, name: str) -> None:
        kind = Kind(name)
        if kind == self.kind:
            return
        self.kind = kind
        self.show_notice("")
        self._show_kind()
        self.reload_slots()

    def action_from_date(self) -> None:
        self.query_one("#booking-from", Input).focus()

    @on(Input.Submitted, "#booking-from")
    def _from_submitted(self, event: Input.Submitted) -> None:
        try:
            day, time = parse_when(event.value, self.today, self.settings.phone_region)
        except DomainError as problem:
            self.show_notice(str(problem))
            return
        self.show_notice("")
        if day < self.today:  # the past has no free slots: from today on
            day, time = self.today, None
        self._set_from(day, time)
        self.slot_list.focus()

    def _set_from(self, day: dt.date, time: dt.time | None = None) -> None:
        self.from_day, self.from_time = day, time
        field = self.query_one("#booking-from", Input)
        text = day.isoformat() + (f" {time:%H:%M}" if time else "")
        with field.prevent(Input.Changed):
            field.value = text
        self.reload_slots()

    def action_step_day(self, days: int) -> None:
        self._set_from(max(self.today, self.from_day + dt.timedelta(days=days)))

    def action_today(self) -> None:
        self._set_from(self.today)

    def _highlighted_upcoming(self) -> BoardLine | None:
        index = self.upcoming.highlighted
        if index is None or index >= len(self._upcoming_lines):
            self.notify("No appointment booked ahead", severity="warning")
            return None
        return self._upcoming_lines[index]

    def action_reschedule(self) -> None:
        """r: offer slots for moving the highlighted appointment ahead."""
        line = self._highlighted_upcoming()
        if line is None:
            return
        self.moving = line
        self.show_notice("")
        self._show_kind()
        self.refresh_bindings()
        self.slot_list.focus()
        self.reload_slots()

    def action_cancel_appointment(self) -> None:
        line = self._highlighted_upcoming()
        if line is None:
            return

        def cancelled(change: StatusChange | None) -> None:
            if change is None:
                return
            late = " (LATE CANCELLATION)" if change.late_cancellation else ""
            self.notify(f"Cancelled {told_words(line, self.today)}{late}",
                        title="Cancelled", timeout=8)
            if self.moving is not None and self.moving.id == line.id:
                self.moving = None
                self._show_kind()
                self.refresh_bindings()
                self._forget_offer()
            self.wrote()  # the change watcher reloads (refresh_data)
        self.app.push_screen(CancelScreen(line), cancelled)

    def _stop_moving(self) -> None:
        self.moving = None
        self._show_kind()
        self.refresh_bindings()
        self.reload_slots()

    def action_series(self) -> None:
        if self.context is None:
            self.notify("One moment: the patient is still loading", timeout=3)
            return
        from frontdesk.tui.screens.series import SeriesScreen

        def booked(done: BookingDone | None) -> None:
            if done is None:
                return
            if done.call_logged:
                self.log_recall = False
            self.notify(done_words(done, self.today), title="Series booked", timeout=10)
            if done.call_problem:
                self.notify(f"The recall call was not logged: {done.call_problem}",
                            severity="warning", timeout=8)
            # (the series screen's write reaches this screen through the change watcher)
        first = max(self.from_day, self.today)
        self.app.push_screen(SeriesScreen(self.context, first, log_recall=self.log_recall,
                                          region=self.settings.phone_region), booked)

    def action_back(self) -> None:
        """esc: out of the date field, then out of a move, then back to the desk."""
        if self.focused is self.query_one("#booking-from", Input):
            self.slot_list.focus()
        elif self.moving is not None:
            self.show_notice("")
            self._stop_moving()
        else:
            self.dismiss()

    # --- other desks -------------------------------------------------------------------------

    def refresh_data(self) -> None:
        """The database changed (another desk, or this screen's own booking): the patient
        and the offer again, the offer staying shown until the new one comes."""
        self.reload(keep_slots=True)


def log_recall_call(patient_id: int, staff: str) -> tuple[bool, str]:
    """In the booking's worker, after it succeeded: the recall call, logged as 'booked'. A
    failure here must not read as a failed booking."""
    from frontdesk.services import recall
    try:
        recall.log_call(patient_id, "booked", staff=staff)
    except DomainError as problem:
        return False, str(problem)
    except Exception as problem:  # noqa: BLE001 - the booking stands; say so
        log.error("logging a recall call failed", exc_info=problem)
        return False, "database problem"
    return True, ""


def done_words(done: BookingDone, today: dt.date) -> str:
    """The notification after a booking, a move or a series."""
    lines = done.lines
    if done.moved is not None:
        late = " (a late cancellation)" if done.moved.cancelled.late_cancellation else ""
        text = f"Moved to {told_words(lines[0], today)}; the old one is cancelled{late}"
    elif len(lines) == 1:
        text = f"{lines[0].name}: {told_words(lines[0], today)}"
    else:
        text = (f"{lines[0].name}: {len(lines)} infusions, {day_words(lines[0].start, today)}"
                f" to {day_words(lines[-1].start, today)}")
    if done.call_logged:
        text += " · recall call logged"
    return text


# --- moving: the reason ---------------------------------------------------------------------------

class MoveScreen(DeskModalScreen[str]):
    """Why the appointment moves (enter keeps 'patient asked'); says when the old one is a
    late cancellation. Dismisses with the reason, or None."""

    HELP_TITLE = "Move an appointment"
    BINDINGS = [
        Binding("escape", "back", "Back", id="move.back"),
        Binding("f1", "help", "Help", id="move.help"),
    ]

    def __init__(self, line: BoardLine, slot: Slot, today: dt.date,
                 reason: str = MOVE_REASONS[0]) -> None:
        super().__init__()
        self.line, self.slot, self.today, self.reason = line, slot, today, reason

    def compose(self) -> ComposeResult:
        with Vertical(id="move-box", classes="dialog"):
            yield Label(f"Move: {self.line.name} ({self.line.chart})", classes="dialog-title")
            yield Static(f"from  {line_words(self.line, self.today)}")
            yield Static(f"to    {slot_words(self.slot, self.today)}")
            if is_late_cancellation(self.line.start, clock.now()):
                yield Static("LATE CANCELLATION: the old appointment is less than 24 h away",
                             id="late-warning")
            yield Label("Why? (" + ", ".join(MOVE_REASONS[:4]) + "…)")
            yield BoundedInput(self.reason, id="move-reason", max_length=200,
                        suggester=SuggestFromList(MOVE_REASONS, case_sensitive=False))
            yield Static("", classes="dialog-problem")
            yield Label("enter: move it · →: take the suggestion · esc: back",
                        classes="dialog-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#move-reason", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        if not reason:
            self.query_one(".dialog-problem", Static).update(
                "Say why it is moved (the clinic keeps the reason)")
            return
        self.dismiss(reason)

    def action_back(self) -> None:
        self.dismiss(None)
