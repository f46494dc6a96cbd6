"""The day's flow board: every appointment of a day, moved through the clinic from the keys.

The list pages from SQL (the day's ids in board order, then a page of lines at a time), the
counts per status come from one GROUP BY, and the time in each status and the alerts follow
the clock without a key press.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections import deque

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Static
from textual.worker import Worker, get_current_worker

from frontdesk import clock
from frontdesk.domain.dates import day_words
from frontdesk.domain.model import STATUS_WORDS, Status
from frontdesk.domain.status_flow import Verdict, judge_change, next_step
from frontdesk.services import flow
from frontdesk.services.flow import BoardLine, BoardSummary, TodayForPatient
from frontdesk.tui.messages import BoardLoaded, BoardPageLoaded, StatusChanged, SummaryLoaded
from frontdesk.tui.screens.base import DeskBaseScreen
from frontdesk.tui.screens.check_in import CancelScreen, appointment_words
from frontdesk.tui.screens.confirm import ConfirmScreen
from frontdesk.tui.screens.flow_actions import FlowActions
from frontdesk.tui.widgets.board_list import BoardList
from frontdesk.tui.widgets.footer import Footer
from frontdesk.tui.widgets.virtual_list import PAGE, VirtualList

TICK_SECONDS = 15        # time in status and alerts are redrawn this often
SUMMARY_EVERY_TICKS = 4  # and the alert counts asked again this often (once a minute)
STRIP = tuple((status, STATUS_WORDS[status]) for status in Status)  # the counts' words


class BoardScreen(FlowActions, DeskBaseScreen):
    HELP_TITLE = "The day's board"
    BINDINGS = [
        Binding("space", "next_step", "Next step", id="board.next_step"),
        Binding("a", "check_in", "Check in", id="board.check_in"),
        # space covers these; the footer keeps its room for the rest (F1 lists them all)
        Binding("s", "set_status('in_chair')", "In chair", show=False, id="board.in_chair"),
        Binding("r", "set_status('recovery')", "Recovery", show=False, id="board.recovery"),
        Binding("d", "set_status('completed')", "Completed", show=False,
                id="board.completed"),
        Binding("n", "set_status('no_show')", "No-show", id="board.no_show"),
        Binding("x", "cancel_appointment", "Cancel", id="board.cancel"),
        Binding("u", "undo", "Undo", id="board.undo"),
        Binding("w", "walk_in", "Walk-in", id="board.walk_in"),
        Binding("m", "scores", "Scores", id="board.scores"),
        Binding("left,less_than_sign,comma", "step_day(-1)", "Day before", show=False,
                id="board.day_before"),
        Binding("right,greater_than_sign,full_stop", "step_day(1)", "Day after",
                show=False, id="board.day_after"),
        Binding("t", "today", "Today", show=False, id="board.today"),
        Binding("escape", "back", "Desk", id="board.back"),
        Binding("f1", "help", "Help", id="board.help"),
    ]

    def __init__(self, day: dt.date | None = None) -> None:
        super().__init__()
        self.day = day or clock.today()
        self.today = clock.today()
        self.ids: list[int] = []
        self.summary: BoardSummary | None = None
        self._generation = 0
        self._ticks = 0
        self._saving: set[int] = set()  # appointments with a change on its way
        # the list's pages asked for, fetched one at a time by one worker: see load_pages
        self._wanted_pages: deque = deque()
        self._pages_lock = threading.Lock()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="board-title")
        yield Static("", id="board-strip")
        yield BoardList(id="board")
        yield Footer(compact=True)

    @property
    def board(self) -> BoardList:
        return self.query_one("#board", BoardList)

    def on_mount(self) -> None:
        self.sub_title = self.app.sub_title
        self.board.wait_limit = self.app.desk_settings.wait_alert_minutes
        self.board.now = clock.now()
        self.board.focus()
        self._show_title()
        self.reload(follow_clock=True)
        self.set_interval(TICK_SECONDS, self._tick)

    # --- loading -----------------------------------------------------------------------------

    def reload(self, *, follow_clock: bool = False) -> None:
        """Load the day again, keeping the cursor on the same appointment (or, when asked,
        putting it on the next patient due: status_flow.next_due)."""
        self._generation += 1
        keep = None if follow_clock else self.board.highlighted
        self.load_board(self._generation, self.day, keep.id if keep else None,
                        self.board.cursor, clock.now())
        self.load_summary(self.day, clock.now(), self.board.wait_limit)

    @work(thread=True, exclusive=True, group="board", exit_on_error=False)
    def load_board(self, generation: int, day: dt.date, keep_id: int | None,
                   keep_index: int, now: dt.datetime) -> None:
        ids = flow.board_ids(day)
        if keep_id is not None and keep_id in ids:
            cursor = ids.index(keep_id)
        elif keep_id is not None:
            cursor = min(keep_index, max(0, len(ids) - 1))
        else:  # the next patient due
            due = flow.next_due_id(day, now)
            cursor = ids.index(due) if due in ids else 0
        start = cursor // PAGE * PAGE
        lines = flow.board_lines(ids[start:start + PAGE], day)
        if not get_current_worker().is_cancelled:
            self.post_message(BoardLoaded(generation, day, ids, start, lines, cursor,
                                          in_place=keep_id is not None))

    @work(thread=True, exclusive=True, group="board-pages", exit_on_error=False)
    def load_pages(self) -> None:
        """Every page the list asked for, one after the other (as the desk's list). Exclusive:
        a newer call takes over the queue (one cancelled before its thread ran loses
        nothing), and the lock keeps two threads from fetching at once."""
        with self._pages_lock:
            while self._wanted_pages:
                generation, day, start, ids = self._wanted_pages.popleft()
                self.post_message(BoardPageLoaded(generation, start,
                                                  flow.board_lines(ids, day)))

    @work(thread=True, exclusive=True, group="summary", exit_on_error=False)
    def load_summary(self, day: dt.date, now: dt.datetime, wait_limit: int) -> None:
        summary = flow.board_summary(day, now, wait_limit)
        if not get_current_worker().is_cancelled:
            self.post_message(SummaryLoaded(summary))

    def on_board_loaded(self, message: BoardLoaded) -> None:
        if message.generation != self._generation:
            return
        self.ids = message.ids
        rows = {message.start + i: line for i, line in enumerate(message.lines)}
        cursor, shown = message.cursor, self.board.highlighted
        if message.in_place and shown is not None and shown.id in message.ids:
            cursor = message.ids.index(shown.id)  # where the user is now, not when asked
        self._wanted_pages.clear()  # pages of the list before: nobody waits for them
        self.board.reset(len(message.ids), rows, cursor=cursor, keep_scroll=message.in_place)

    def on_board_page_loaded(self, message: BoardPageLoaded) -> None:
        self.board.put(message.generation, message.start, message.lines)

    def on_summary_loaded(self, message: SummaryLoaded) -> None:
        if message.summary.day == self.day:
            self.summary = message.summary
            self._show_title()

    @on(VirtualList.NeedRows, "#board")
    def _need_rows(self, message: VirtualList.NeedRows) -> None:
        ids = self.ids[message.start:message.start + message.count]
        if ids:
            self._wanted_pages.append((message.source.generation, self.day, message.start,
                                       ids))
            self.load_pages()

    def worker_failed(self, worker: Worker, error: BaseException) -> bool:
        """(base.py's one dispatcher asks; the notification follows.)"""
        if worker.group == "change":
            self._saving.clear()
            self.reload()  # a refused change: show what the appointment is now
        return False

    # --- the clock and other desks -----------------------------------------------------------

    def _tick(self) -> None:
        self.board.now = clock.now()
        self.board.refresh()
        self._ticks += 1
        if clock.today() != self.today:  # past midnight: today's board moves on with it
            was_today, self.today = self.day == self.today, clock.today()
            if was_today:
                self.choose_day(self.today)
                return
        if self._ticks % SUMMARY_EVERY_TICKS == 0:
            self.load_summary(self.day, clock.now(), self.board.wait_limit)
        self._show_title()

    def refresh_data(self) -> None:
        """The database changed (base.py: the change watcher): the day again, cursor kept."""
        self.reload()

    # --- showing -----------------------------------------------------------------------------

    def _show_title(self) -> None:
        title = Text(f" {day_words(self.day, self.today)}", style="bold")
        if self.day == self.today:
            title.append(f" {self.board.now:%H:%M}", style="bold")
        s = self.summary if self.summary is not None and self.summary.day == self.day else None
        strip = Text(" ")
        if s is None:
            strip.append("…")
        else:
            title.append(f" · {s.total:,} appointments")
            alerts = []
            if s.waiting_too_long:
                alerts.append(f"{s.waiting_too_long} waiting >{self.board.wait_limit} min")
            if s.recovery_overdue:
                alerts.append(f"{s.recovery_overdue} over in recovery")
            if alerts:
                title.append("  ")
                title.append(f" ! {' · '.join(alerts)} ",
                             self.board.get_component_rich_style("board--alert"))
            counts = [(word, f"{s.by_status[status]:,}", status) for status, word in STRIP]
            wide = sum(len(w) + len(n) + 3 for w, n, _ in counts) < self.size.width
            for word, number, status in counts:  # one space apart when two do not fit
                strip.append(f"{word} ")
                strip.append(number,
                             self.board.get_component_rich_style(f"status--{status.value}"))
                strip.append("  " if wide else " ")
        self.query_one("#board-title", Static).update(title)
        self.query_one("#board-strip", Static).update(strip)

    def choose_day(self, day: dt.date) -> None:
        self.day = day
        self.summary = None
        self.ids = []
        self._wanted_pages.clear()
        self.board.reset(0)
        self.board.loaded = False
        self._show_title()
        self.reload(follow_clock=True)

    # --- actions -----------------------------------------------------------------------------

    def _line(self) -> BoardLine | None:
        line = self.board.highlighted
        if line is None:
            self.notify("No appointment highlighted", severity="warning")
        elif line.id in self._saving:
            self.notify("One moment: the last change to this appointment is being saved")
            return None
        return line

    def action_set_status(self, status: str) -> None:
        line = self._line()
        if line is not None:
            self._change(line, Status(status))

    def action_next_step(self) -> None:
        line = self._line()
        if line is None:
            return
        step = next_step(line.kind, line.status)
        if step is None:
            self.notify(f"{line.name}: {STATUS_WORDS[line.status]}, nothing comes next "
                        f"(u undoes the last change)", severity="warning")
            return
        self._change(line, step)

    def _change(self, line: BoardLine, status: Status) -> None:
        verdict = self._judge(line, status)
        if verdict is None:
            return
        if verdict.confirm:
            def done(confirmed: bool | None) -> None:
                if confirmed:
                    self._saving.add(line.id)
                    self.change_status(line, status, self.staff, confirmed=True)
            self._confirm(line, STATUS_WORDS[status], verdict, done)
            return
        self._saving.add(line.id)
        self.change_status(line, status, self.staff)

    @work(thread=True, group="change", exit_on_error=False)
    def change_status(self, line: BoardLine, status: Status, staff: str,
                      confirmed: bool = False) -> None:
        change = flow.set_status(line.id, status, staff=staff, expected_version=line.version,
                                 confirmed=confirmed)
        self.post_message(StatusChanged(change, line.name))

    def _judge(self, line: BoardLine, status: Status) -> Verdict | None:
        """The clinic's rules on this change now (domain.status_flow.judge_change); a refusal
        is told in one line and gives None."""
        verdict = judge_change(line.kind, line.status, status, line.start, clock.now())
        if verdict.refused:
            self.notify(f"{line.name}: {verdict.refused}", severity="warning")
            return None
        return verdict

    def _confirm(self, line: BoardLine, step: str, verdict: Verdict, done) -> None:
        self.app.push_screen(ConfirmScreen(f"{step.capitalize()}: {line.name} ({line.chart})",
                                           appointment_words(line), verdict.confirm), done)

    @on(StatusChanged)
    def _show_change_at_once(self, message: StatusChanged) -> None:
        """The line shows its new status before the reload comes back (and a second key on
        it already carries the new version)."""
        change = message.change
        self._saving.discard(change.appointment_id)
        for index, line in self.board.loaded_rows():
            if line.id == change.appointment_id:
                self.board.replace_row(index, dataclasses.replace(
                    line, status=change.to_status, version=change.version,
                    status_at=clock.now()))

    def _line_that_can_become(self, status: Status) -> tuple[BoardLine, Verdict] | None:
        """The highlighted line, if the rules let it move to `status` (before a dialog)."""
        line = self._line()
        if line is None:
            return None
        verdict = self._judge(line, status)
        return None if verdict is None else (line, verdict)

    def action_check_in(self) -> None:
        found = self._line_that_can_become(Status.ARRIVED)
        if found is None:
            return
        line, _ = found  # arriving is today's: refused or fine, never to confirm
        self.open_check_in(TodayForPatient(patient_id=line.patient_id, name=line.name,
                                           chart=line.chart, booked=line, in_clinic=None),
                           line.phase)

    def action_scores(self) -> None:
        line = self._line()
        if line is not None:
            self.open_check_in(TodayForPatient(patient_id=line.patient_id, name=line.name,
                                               chart=line.chart, booked=None, in_clinic=None),
                               line.phase, scores_only=True)

    def action_cancel_appointment(self) -> None:
        found = self._line_that_can_become(Status.CANCELLED)
        if found is None:
            return
        line, verdict = found

        def done(change) -> None:
            if change is not None:
                self.post_message(StatusChanged(change, line.name))

        if not verdict.confirm:
            self.app.push_screen(CancelScreen(line), done)
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.app.push_screen(CancelScreen(line, confirmed=True), done)
        self._confirm(line, "cancel", verdict, confirmed)

    def action_walk_in(self) -> None:
        """Walk-ins are found on the desk (its search), then checked in with i."""
        self.app.pop_screen()
        self.app.screen.start_walk_in()

    def action_step_day(self, days: int) -> None:
        self.choose_day(self.day + dt.timedelta(days=days))

    def action_today(self) -> None:
        self.choose_day(self.today)

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(VirtualList.Activated, "#board")
    def _open_patient(self, message: VirtualList.Activated) -> None:
        """Enter: the patient on the desk (detail, notes, history)."""
        chart = message.row.chart
        self.app.pop_screen()
        self.app.screen.open_patient(chart)
