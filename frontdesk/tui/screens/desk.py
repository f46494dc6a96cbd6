"""The desk: calendar, patient list with phase badges and filters, the patient's detail.

Wide terminals show all three panes. Below WIDE_FROM columns the desk shows either the
calendar (month and agenda side by side) or the patients (list over detail); `c` and `p`
switch, and every key that needs a pane brings it up.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections import deque
from concurrent.futures import Future
from typing import TYPE_CHECKING, Callable, TypeVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical
from textual.widgets import Header, Input, Static
from textual.worker import Worker, get_current_worker

from frontdesk import clock
from frontdesk.domain.clinic import ClinicSettings
from frontdesk.domain.search import parse_search
from frontdesk.services.calendar import day_agenda, day_counts
from frontdesk.services.clinic import clinic_settings
from frontdesk.domain.model import STATUS_WORDS, Kind, Phase
from frontdesk.services.patients import (Filter, ListPager, ListQuery, SortKey,
                                         filter_counts, index_of, patient_detail)
from frontdesk.tui import format as fmt
from frontdesk.tui.messages import (AgendaLoaded, ClinicLoaded, CountsLoaded, DetailLoaded,
                                    ListLoaded, MonthLoaded, PageLoaded, TodayLoaded)
from frontdesk.tui.screens.base import DeskBaseScreen
from frontdesk.tui.screens.flow_actions import FlowActions
from frontdesk.tui.widgets.agenda import AgendaList
from frontdesk.tui.widgets.detail import DetailPane
from frontdesk.tui.widgets.filter_bar import FilterBar, filter_title
from frontdesk.tui.widgets.footer import Footer
from frontdesk.tui.widgets.month_grid import MonthGrid, grid_days
from frontdesk.tui.widgets.patient_list import PatientList
from frontdesk.tui.widgets.search_box import SearchBox
from frontdesk.tui.widgets.virtual_list import PAGE, VirtualList

if TYPE_CHECKING:
    from frontdesk.services.registration import Registered
    from frontdesk.tui.preload import DeskPreload

WIDE_FROM = 140
T = TypeVar("T")
FILTERS = Binding.Group("Filter", compact=True)
#: While a search is typed, the rest of its first page and the first match's detail wait
#: until the keys pause this long (seconds): a burst of keys reads and draws only its lists.
KEYS_PAUSE = 0.15
#: Where the phone booker works through recall calls.
RECALL_FILTERS = (Filter.DUE_FOR_MAINTENANCE, Filter.NOT_SEEN)


class DeskScreen(FlowActions, DeskBaseScreen):
    HELP_TITLE = "The desk"
    BINDINGS = [
        # priority: the app moves the focus before it hands on the keys typed right after
        # (Textual passes a key to the focused widget before a normal binding runs)
        Binding("slash", "search", "Find", id="desk.search", priority=True),
        Binding("escape", "clear_search", "Clear search", show=False, id="desk.clear_search"),
        Binding("enter,down", "to_results", "Go to the results", show=False, priority=True,
                id="desk.to_results"),
        Binding("1", "filter('all')", "All patients", group=FILTERS, id="desk.filter_all"),
        Binding("2", "filter('mid_stabilization')", "Mid-stabilization", group=FILTERS,
                id="desk.filter_stabilization"),
        Binding("3", "filter('due_for_maintenance')", "Due for maintenance", group=FILTERS,
                id="desk.filter_due"),
        Binding("4", "filter('not_seen_over_a_month')", "Not seen in over a month",
                group=FILTERS, id="desk.filter_not_seen"),
        Binding("5", "filter('day')", "Patients of the chosen day", group=FILTERS,
                id="desk.filter_day"),
        Binding("c", "show_calendar", "Calendar", id="desk.calendar"),
        Binding("p", "show_patients", "Patients", id="desk.patients"),
        Binding("t", "today", "Today", id="desk.today"),
        Binding("less_than_sign,comma", "step_day(-1)", "Day before", show=False,
                id="desk.day_before"),
        Binding("greater_than_sign,full_stop", "step_day(1)", "Day after", show=False,
                id="desk.day_after"),
        Binding("e", "edit_notes", "Notes", id="desk.notes"),
        Binding("i", "check_in", "Check in", id="desk.check_in"),
        Binding("b", "board", "Board", id="desk.board"),
        Binding("m", "census", "Census", id="desk.census"),
        Binding("n", "book", "Book", id="desk.book"),
        Binding("a", "register", "New patient", id="desk.register"),
        Binding("l", "log_call", "Log call", id="desk.log_call"),
        Binding("h", "hide_called", "Hide called today", show=False, id="desk.hide_called"),
        Binding("u", "undo", "Undo", show=False, id="desk.undo"),
        Binding("r", "refresh", "Refresh", show=False, id="desk.refresh"),
        Binding("f1", "help", "Help", id="desk.help"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.today = clock.today()
        self.as_of = self.today
        self.filter = Filter.ALL
        self.search_text = ""
        self.hide_called = False  # h: leave out the patients called today
        self.clinic = ClinicSettings()
        self.counts: dict[Filter, int] | None = None
        self.search_count: int | None = None
        self._list_generation = 0
        self._pager: ListPager | None = None
        self._month_shown: dt.date | None = None
        self._detail_for: int | None = None
        self._detail_after_pause = False  # _detail_for waits for the keys to pause
        # a search list read only as far as in sight: (pager, the list widget's generation,
        # the rows read)
        self._rest_of_page: tuple[ListPager, int, int] | None = None
        self._started = False  # True once the first rows are shown
        self._list_pending = False  # a reload asked for and not answered yet
        # an action on the highlighted patient asked for while the list or the detail was
        # still loading (keys typed in a burst: "nunez", enter, "e"): run once they show
        self._waiting_action: Callable[[], None] | None = None
        # the patients list's pages asked for, fetched one at a time (a pager is not
        # thread-safe): see load_pages
        self._wanted_pages: deque = deque()
        self._pager_lock = threading.Lock()
        # what `frontdesk` read while Textual loaded (tui.preload): each pane's first answer
        self._preload: DeskPreload | None = None

    # --- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Container(id="desk"):
            with Container(id="calendar-pane"):
                with Vertical(id="month-box"):
                    yield MonthGrid(self.today, id="month")
                    yield Static("", id="appointment-card")
                with Vertical(id="agenda-box"):
                    yield Static("", id="agenda-title")
                    yield AgendaList(id="agenda")
            with Vertical(id="right"):
                with Vertical(id="patients-pane"):
                    yield FilterBar(id="filters")
                    yield SearchBox(placeholder="Find: name, chart, birth date or phone  (/)",
                                    id="search")
                    yield PatientList(id="patients")
                yield DetailPane(id="detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = self.app.sub_title
        self._preload = getattr(self.app, "preload", None)
        self._fit_layout(self.app.size.width)
        self.set_focus(self.query_one("#patients", PatientList))
        self._show_day_title()
        ready = self._preloaded("clinic")
        if not self._post_if_here(ready, ClinicLoaded):
            self.load_clinic(ready)
        self.reload_list()  # the rest waits for the first rows: see on_list_loaded
        if self._preload is not None:  # read already: the rest competes with nothing
            self._started = True
            self._load_the_rest()

    def on_resize(self, event: events.Resize) -> None:
        self._fit_layout(event.size.width)

    def _fit_layout(self, width: int) -> None:
        narrow = width < WIDE_FROM
        self.set_class(narrow, "-narrow")
        if narrow and not (self.has_class("-view-calendar") or self.has_class("-view-patients")):
            self.add_class("-view-patients")

    def _show_view(self, view: str) -> None:
        self.set_class(view == "calendar", "-view-calendar")
        self.set_class(view == "patients", "-view-patients")

    # --- loading -----------------------------------------------------------------------------

    def _load_the_rest(self) -> None:
        """Counts, agenda and month start once the list shows: started together they
        compete with the first rows for the interpreter (at 100k the rows came 1.5x later).
        Read before the app started (tui.preload), they start with it."""
        ready = self._preloaded("counts", self._preloaded_day())
        if not self._post_if_here(ready, lambda counts: CountsLoaded(self.as_of, counts)):
            self.load_counts(self.as_of, ready)
        ready = self._preloaded("agenda", self._preloaded_day())
        if not self._post_if_here(ready, lambda lines: AgendaLoaded(self.as_of, lines)):
            self.load_agenda(self.as_of, ready)
        self._load_month_if_needed(force=True)

    def _preloaded(self, name: str, wanted: bool = True) -> Future | None:
        """A pane's answer read before the app started (tui.preload), the first time it
        loads, when it is for what the pane shows now (`wanted`); else None: ask."""
        if self._preload is None:
            return None
        ready = self._preload.take(name)
        return ready if wanted else None

    def _preloaded_day(self) -> bool:
        return self._preload is not None and self._preload.as_of == self.as_of

    def _post_if_here(self, ready: Future | None, message: Callable) -> bool:
        """When the preload's answer is here already, hand it on at once (it is in memory:
        no database work on the event loop), so it shows in the first frame; False when a
        worker must wait for it (or ask the database: a failed read is asked again)."""
        if (ready is None or not ready.done() or ready.cancelled()
                or ready.exception() is not None):
            return False
        found = message(ready.result())
        if found is None:
            return False
        self.post_message(found)
        return True

    def _query(self) -> ListQuery:
        return ListQuery(self.as_of, self.filter,
                         parse_search(self.search_text, self.clinic.phone_region, self.today),
                         hide_called_on=self.today if self.hide_called else None)

    def reload_list(self, keep: SortKey | None = None, *, in_place: bool = False) -> None:
        """Load the list again: the cursor on `keep` (a patient), or, `in_place`, where the
        cursor is when the rows arrive (a refresh must not pull it back from where the user
        moved it meanwhile)."""
        self._list_generation += 1
        self._list_pending = True
        self._pager = ListPager(self._query())
        ready = self._preloaded("list", self._preload is not None and keep is None
                                and not in_place and self._pager.query == self._preload.query)
        if ready is not None:  # its pager, which knows the first page's keys
            self._pager = self._preload.pager
        patients = self.query_one("#patients", PatientList)
        patients.this_year = self.as_of.year
        around = patients.cursor if in_place else None
        generation = self._list_generation
        # A search opens on its first row and changes with every key: it reads the rows in
        # sight (a third of a page on a tall terminal, an eighth on 80x24), the rest of its
        # first page once the keys pause (_read_the_rest). Other lists read a page.
        count = PAGE
        if self._pager.query.searching and keep is None and not in_place:
            count = min(PAGE, patients.size.height) or PAGE
        # (size, first page): the cursor on the first row, as a new list has it
        if not self._post_if_here(ready, lambda found: ListLoaded(generation, found[0], 0,
                                                                  found[1], 0)):
            self.load_list(self._pager, generation, keep, around, ready, count)

    def _load_month_if_needed(self, force: bool = False) -> None:
        first = self.as_of.replace(day=1)
        if force or first != self._month_shown:
            self._month_shown = first
            days = grid_days(first)
            ready = self._preloaded("month", self._preload is not None
                                    and self._preload.month == first)
            if not self._post_if_here(ready, lambda counts: MonthLoaded(first, counts)):
                self.load_month(first, days[0], days[-1], ready)

    @work(thread=True, exclusive=True, group="clinic", exit_on_error=False)
    def load_clinic(self, ready: Future | None = None) -> None:
        self.post_message(ClinicLoaded(_answer(ready, clinic_settings)))

    @work(thread=True, exclusive=True, group="counts", exit_on_error=False)
    def load_counts(self, as_of: dt.date, ready: Future | None = None) -> None:
        counts = _answer(ready, lambda: filter_counts(as_of))
        if not get_current_worker().is_cancelled:
            self.post_message(CountsLoaded(as_of, counts))

    @work(thread=True, exclusive=True, group="list", exit_on_error=False)
    def load_list(self, pager: ListPager, generation: int, keep: SortKey | None,
                  around: int | None, ready: Future | None = None, count: int = PAGE) -> None:
        with self._pager_lock:
            size, rows = _answer(ready, lambda: (None, None))
            cursor = start = 0
            if size is None:
                size = pager.size()
                if around is not None and size:
                    cursor = min(around, size - 1)
                elif keep is not None and pager.query.by_name and size:
                    cursor = min(index_of(pager.query, keep), size - 1)
                start = cursor // PAGE * PAGE
                rows = pager.page(start, count if cursor == 0 else PAGE) if size else []
        if not get_current_worker().is_cancelled:
            self.post_message(ListLoaded(generation, size, start, rows, cursor,
                                         in_place=around is not None))

    @work(thread=True, exclusive=True, group="patients-pages", exit_on_error=False)
    def load_pages(self) -> None:
        """Every page the list asked for, one after the other. Exclusive: a newer call
        takes over the queue (one cancelled before its thread ran loses nothing), and the
        lock keeps two threads off one pager."""
        with self._pager_lock:
            while self._wanted_pages:
                pager, generation, start, count = self._wanted_pages.popleft()
                if pager is self._pager:  # an older list's page: nobody waits for it
                    self.post_message(PageLoaded(generation, start, pager.page(start, count)))

    @work(thread=True, exclusive=True, group="month", exit_on_error=False)
    def load_month(self, first: dt.date, from_day: dt.date, to_day: dt.date,
                   ready: Future | None = None) -> None:
        counts = _answer(ready, lambda: day_counts(from_day, to_day))
        if not get_current_worker().is_cancelled:
            self.post_message(MonthLoaded(first, counts))

    @work(thread=True, exclusive=True, group="agenda", exit_on_error=False)
    def load_agenda(self, day: dt.date, ready: Future | None = None) -> None:
        lines = _answer(ready, lambda: day_agenda(day))
        if not get_current_worker().is_cancelled:
            self.post_message(AgendaLoaded(day, lines))

    @work(exclusive=True, group="keys-pause", exit_on_error=False)
    async def when_the_keys_pause(self) -> None:
        """While a search is typed: the rest waits for a pause in the keys (KEYS_PAUSE).
        Exclusive: the next key's list starts the wait again."""
        await asyncio.sleep(KEYS_PAUSE)
        self._read_the_rest()

    def _read_the_rest(self) -> None:
        """What waited for the keys to pause: the rest of the search's first page, and
        the detail of the patient it points at."""
        if self._rest_of_page is not None:
            pager, widget_generation, read = self._rest_of_page
            self._rest_of_page = None
            if pager is self._pager:  # from the last row read on (the pager knows its key)
                self._wanted_pages.append((pager, widget_generation, read, PAGE - read))
                self.load_pages()
        if self._detail_after_pause:
            self._detail_after_pause = False
            self._load_detail_now(self._detail_for)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load_detail(self, patient_id: int, as_of: dt.date, region: str,
                    ready: Future | None = None) -> None:
        # the preload read the first row's detail, in the region it read: that one, if so
        read_for, read_in, detail = _answer(ready, lambda: (None, None, None))
        if (read_for, read_in) != (patient_id, region):
            detail = patient_detail(patient_id, as_of, region=region)
        if not get_current_worker().is_cancelled:
            self.post_message(DetailLoaded(patient_id, detail))

    # --- results -----------------------------------------------------------------------------

    def worker_failed(self, worker: Worker, error: BaseException) -> bool:
        """(base.py's one dispatcher asks; the notification follows.)"""
        if worker.group in ("list", "detail"):
            self._waiting_action = None  # what it waited for will not come
            if worker.group == "list":
                self._list_pending = False
                if not self._started:  # no rows to wait for: load the rest anyway
                    self._started = True
                    self._load_the_rest()
        return False

    def on_clinic_loaded(self, message: ClinicLoaded) -> None:
        self.clinic = message.settings
        month = self.query_one("#month", MonthGrid)
        month.open_weekdays = message.settings.open_weekdays
        month.refresh()
        if self.search_text:  # read the search again with the clinic's phone region
            self.reload_list()

    def on_counts_loaded(self, message: CountsLoaded) -> None:
        if message.as_of == self.as_of:
            self.counts = message.counts
            self._show_filters()

    def on_list_loaded(self, message: ListLoaded) -> None:
        if message.generation != self._list_generation:
            return
        patients = self.query_one("#patients", PatientList)
        rows = {message.start + i: row for i, row in enumerate(message.rows)}
        cursor = patients.cursor if message.in_place else message.cursor
        widget_generation = patients.reset(message.size, rows, cursor=cursor,
                                           keep_scroll=message.in_place)
        self._list_pending = False
        short = message.start == 0 and len(message.rows) < min(PAGE, message.size)
        self._rest_of_page = ((self._pager, widget_generation, len(message.rows)) if short
                              else None)
        if not self._started:
            self._started = True
            self._load_the_rest()
        self.search_count = message.size if self.search_text.strip() else None
        self._show_filters()
        highlighted = patients.highlighted  # now, not when its Highlighted message comes
        if highlighted is None or highlighted.id != self._detail_for:
            self._show_detail(highlighted.id if highlighted is not None else None,
                              pause=self._typing())
        if self._typing():
            self.when_the_keys_pause()
        else:
            self._read_the_rest()
        self._run_waiting_action()

    def on_page_loaded(self, message: PageLoaded) -> None:
        self.query_one("#patients", PatientList).put(message.generation, message.start,
                                                    message.rows)

    def on_month_loaded(self, message: MonthLoaded) -> None:
        if message.first == self._month_shown:
            self.query_one("#month", MonthGrid).show_counts(message.counts)

    def on_agenda_loaded(self, message: AgendaLoaded) -> None:
        if message.day == self.as_of:
            agenda = self.query_one("#agenda", AgendaList)
            agenda.reset(len(message.lines), dict(enumerate(message.lines)))
            if not message.lines:
                self._show_appointment_card(None)
            self._show_day_title(len(message.lines))

    def on_detail_loaded(self, message: DetailLoaded) -> None:
        if message.patient_id == self._detail_for:
            self.query_one("#detail", DetailPane).show(message.detail, self.as_of)
            self._run_waiting_action()

    def _showing_the_current_patient(self) -> bool:
        """Whether the detail pane shows the patient the desk points at: no reload of the
        list, no move of a cursor still to be heard of, no load of the detail under way."""
        shown = self.query_one("#detail", DetailPane).patient
        shown_id = shown.id if shown else None
        return (not self._list_pending and shown_id == self._detail_for
                and shown_id == self._pointed_at())

    def _pointed_at(self) -> int | None:
        """The patient under the cursor of the focused list (the agenda's or the patients')."""
        agenda = self.query_one("#agenda", AgendaList)
        if self.focused is agenda:
            return agenda.highlighted.patient_id if agenda.highlighted else self._detail_for
        row = self.query_one("#patients", PatientList).highlighted
        return row.id if row is not None else None

    def _when_current(self, action: Callable[[], None]) -> bool:
        """False, keeping the action for later, while the desk is still catching up."""
        if self._showing_the_current_patient():
            return True
        self._waiting_action = action
        return False

    def _run_waiting_action(self) -> None:
        if self._waiting_action is not None and self._showing_the_current_patient():
            action, self._waiting_action = self._waiting_action, None
            action()

    # --- showing -----------------------------------------------------------------------------

    def _show_filters(self) -> None:
        from frontdesk.tui.widgets.filter_bar import hidden_note
        pane = self.query_one("#patients-pane")
        searching = self.search_count is not None
        patients = self.query_one("#patients", PatientList)
        patients.show_calls(self.filter in RECALL_FILTERS and not searching)
        title = ("Search: all patients" if searching
                 else filter_title(self.filter, self.as_of, self.today))
        if not searching and self.hide_called:
            shown = None if self._list_pending else patients.row_count
            title += hidden_note(self.counts.get(self.filter) if self.counts else None, shown)
        elif not searching and self.filter in RECALL_FILTERS:
            title += " · h hides called today"
        pane.border_title = title
        self.query_one("#filters", FilterBar).show(
            chosen=self.filter, counts=self.counts, day=self.as_of, today=self.today,
            search_count=self.search_count)

    def _show_day_title(self, count: int | None = None) -> None:
        shown = "…" if count is None else f"{count:,}"
        title = self.query_one("#agenda-title", Static)
        title.update(f" {fmt.long_day(self.as_of)} · {shown} appointments")
        self.sub_title = " · ".join(filter(None, [self.app.sub_title,
                                                  f"as of {fmt.long_day(self.as_of)}"]))

    def _typing(self) -> bool:
        """A search is being typed: its box has the focus."""
        return self.focused is self.query_one("#search", SearchBox)

    def _show_detail(self, patient_id: int | None, *, pause: bool = False) -> None:
        """Show this patient in the detail pane (load it); `pause`: once the keys pause."""
        self._detail_for = patient_id
        self._detail_after_pause = pause and patient_id is not None
        if self._detail_after_pause:
            self.when_the_keys_pause()
            return
        self._load_detail_now(patient_id)

    def _load_detail_now(self, patient_id: int | None) -> None:
        if patient_id is None:
            self.query_one("#detail", DetailPane).show(None, self.as_of)
            return
        region = self.clinic.phone_region
        ready = self._preloaded("detail", self._preloaded_day())
        if not self._post_if_here(ready, lambda found: DetailLoaded(patient_id, found[2])
                                  if found[:2] == (patient_id, region) else None):
            self.load_detail(patient_id, self.as_of, region, ready)

    # --- events from the panes ---------------------------------------------------------------

    @on(VirtualList.NeedRows, "#patients")
    def _patients_need_rows(self, message: VirtualList.NeedRows) -> None:
        if self._pager is not None:
            self._wanted_pages.append((self._pager, message.source.generation, message.start,
                                       message.count))
            self.load_pages()

    @on(VirtualList.Highlighted, "#patients")
    def _patient_highlighted(self, message: VirtualList.Highlighted) -> None:
        if message.row is not None and message.row.id != self._detail_for:
            self._show_detail(message.row.id, pause=self._typing())

    @on(VirtualList.Highlighted, "#agenda")
    def _appointment_highlighted(self, message: VirtualList.Highlighted) -> None:
        self._show_appointment_card(message.row)
        if message.source.has_focus and message.row is not None:
            self._show_detail(message.row.patient_id)

    def _show_appointment_card(self, line) -> None:
        """Beside a narrow agenda: the highlighted appointment in full."""
        card = self.query_one("#appointment-card", Static)
        if line is None:
            card.update("")
            return
        end = line.start + dt.timedelta(minutes=line.duration_minutes)
        card.update(f"{line.start:%H:%M}–{end:%H:%M}  {line.chair or 'no chair'}\n"
                    f"{line.name}\n{line.chart} · {line.kind.value} · "
                    f"{STATUS_WORDS[line.status]}\nEnter: show this patient")

    @on(VirtualList.Activated, "#agenda")
    def _appointment_opened(self, message: VirtualList.Activated) -> None:
        self.open_patient(message.row.chart)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        widget = event.widget
        if widget.id == "patients":  # out of the search box: what waited for a pause, now
            self.workers.cancel_group(self, "keys-pause")
            self._read_the_rest()
            if widget.highlighted is not None and widget.highlighted.id != self._detail_for:
                self._show_detail(widget.highlighted.id)
        elif widget.id == "agenda" and widget.highlighted is not None:
            self._show_detail(widget.highlighted.patient_id)

    @on(MonthGrid.DayChosen)
    def _day_chosen(self, message: MonthGrid.DayChosen) -> None:
        self.choose_day(message.day)

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        changed = event.value.strip() != self.search_text.strip()
        self.search_text = event.value
        if changed:
            self.reload_list()

    # --- actions -----------------------------------------------------------------------------

    def choose_day(self, day: dt.date) -> None:
        if day == self.as_of:
            return
        self.as_of = day
        month = self.query_one("#month", MonthGrid)
        if month.chosen != day:
            month.chosen = day
        self.counts = None
        self._show_filters()
        self._show_day_title()
        self.load_counts(day)
        keep = self.query_one("#patients", PatientList).highlighted
        self.reload_list(keep=keep.key if keep is not None else None)
        self.load_agenda(day)
        self._load_month_if_needed()
        if self._detail_for is not None:
            self._show_detail(self._detail_for)

    def action_today(self) -> None:
        self.choose_day(self.today)

    def action_step_day(self, days: int) -> None:
        self.choose_day(self.as_of + dt.timedelta(days=days))

    def action_filter(self, name: str) -> None:
        chosen = Filter(name)
        self._show_view("patients")
        search = self.query_one("#search", Input)
        if chosen == self.filter and not self.search_text:
            self.set_focus(self.query_one("#patients", PatientList))
            return
        self.filter = chosen
        if self.search_text:
            self.search_text = ""
            with search.prevent(Input.Changed):
                search.value = ""
        self.search_count = None
        self._show_filters()
        self.reload_list()
        self.set_focus(self.query_one("#patients", PatientList))

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "search" and isinstance(self.focused, Input):
            return False  # "/" is part of what is typed there (03/07/1984)
        if action == "to_results":  # only from the search box; elsewhere the keys are the list's
            return self.focused is self.query_one("#search", Input)
        return True

    def action_to_results(self) -> None:
        self.set_focus(self.query_one("#patients", PatientList))

    def action_search(self) -> None:
        self._show_view("patients")
        self.set_focus(self.query_one("#search", Input))

    def action_clear_search(self) -> None:
        search = self.query_one("#search", Input)
        if self.search_text:
            search.value = ""  # Input.Changed reloads the list
        self.set_focus(self.query_one("#patients", PatientList))

    def action_show_calendar(self) -> None:
        self._show_view("calendar")
        self.set_focus(self.query_one("#month", MonthGrid))

    def action_show_patients(self) -> None:
        self._show_view("patients")
        self.set_focus(self.query_one("#patients", PatientList))

    def refresh_data(self) -> None:
        """The database changed (base.py: the change watcher): what is there now, cursor
        kept."""
        self.action_refresh()

    def action_refresh(self) -> None:
        self.load_counts(self.as_of)
        self.reload_list(in_place=True)
        self.load_agenda(self.as_of)
        self._load_month_if_needed(force=True)
        if self._detail_for is not None:
            self._show_detail(self._detail_for)

    def action_edit_notes(self) -> None:
        if not self._when_current(self.action_edit_notes):
            return
        detail = self.query_one("#detail", DetailPane).patient
        if detail is None:
            self.notify("Highlight a patient first", severity="warning")
            return
        from frontdesk.tui.screens.notes import NotesScreen
        # saved notes reach the detail pane as every write does: through the change watcher
        self.app.push_screen(NotesScreen(detail))

    def action_check_in(self) -> None:
        """i: the highlighted patient's appointment today, or a walk-in (enter confirms)."""
        if not self._when_current(self.action_check_in):
            return
        detail = self.query_one("#detail", DetailPane).patient
        if detail is None:
            self.notify("Highlight a patient first (/ finds one)", severity="warning")
            return
        self.load_today(detail.id, detail.phase)

    @work(thread=True, exclusive=True, group="today", exit_on_error=False)
    def load_today(self, patient_id: int, phase) -> None:
        from frontdesk.services.flow import today_for_patient
        self.post_message(TodayLoaded(today_for_patient(patient_id, clock.today()), phase))

    def on_today_loaded(self, message: TodayLoaded) -> None:
        self.open_check_in(message.today, message.phase)

    def action_board(self) -> None:
        """b: the board of the chosen day (F2, from anywhere, opens today's)."""
        from frontdesk.tui.screens.board import BoardScreen
        self.app.push_screen(BoardScreen(self.as_of))

    def action_census(self) -> None:
        """m: the census of the chosen day (F3, from anywhere, opens today's)."""
        from frontdesk.tui.screens.census import CensusScreen
        self.app.push_screen(CensusScreen(self.as_of))

    # --- the phone: booking, registering, recall calls ---------------------------------------

    def action_book(self) -> None:
        """n: book for the highlighted patient. From the Due list an infusion from the due
        date (enter books the first free one: two keys)."""
        if not self._when_current(self.action_book):
            return
        detail = self.query_one("#detail", DetailPane).patient
        if detail is None:
            self.notify("Highlight a patient first (/ finds one, a registers a new one)",
                        severity="warning")
            return
        self.open_booking(detail.id, detail.phase, detail.due_on)

    def open_booking(self, patient_id: int, phase: Phase, due_on: dt.date | None = None) -> None:
        from frontdesk.tui.screens.booking import BookingScreen
        first_day = max(self.as_of, self.today)
        if phase == Phase.MAINTENANCE and due_on is not None:
            first_day = max(due_on, self.today)
        kind = Kind.CONSULT if phase == Phase.INTAKE else Kind.INFUSION
        recall = self.filter in RECALL_FILTERS and not self.search_text
        self.app.push_screen(BookingScreen(patient_id, kind=kind, from_day=first_day,
                                           log_recall=recall))

    def action_register(self) -> None:
        """a: register a new caller (what was searched for fills the form)."""
        from frontdesk.domain.registration import prefill_from_search
        from frontdesk.tui.screens.register import RegisterScreen

        def chosen(patient: Registered | None) -> None:
            if patient is None:
                return
            self.open_patient(patient.chart)
            self.open_booking(patient.id, patient.phase)
        self.app.push_screen(RegisterScreen(prefill_from_search(
            self.search_text, self.clinic.phone_region, self.today)), chosen)

    def action_log_call(self) -> None:
        """l: log a recall call to the highlighted patient and how it went."""
        if not self._when_current(self.action_log_call):
            return
        detail = self.query_one("#detail", DetailPane).patient
        if detail is None:
            self.notify("Highlight a patient first", severity="warning")
            return
        from frontdesk.tui.screens.recall_call import CallScreen

        def logged(call) -> None:
            if call is None:
                return
            from frontdesk.domain.recall import OUTCOME_LABELS
            self.notify(f"{detail.name}: {OUTCOME_LABELS[call.outcome]}", title="Call logged",
                        timeout=4)
            # the change watcher reloads the list in place (refresh_data): the row shows the
            # call; with called-today hidden it goes, the cursor staying where it is, on the
            # next patient to call
        self.app.push_screen(CallScreen(detail.id, detail.name, phone=detail.phone,
                                        region=self.clinic.phone_region), logged)

    def action_hide_called(self) -> None:
        """h: leave out (or show again) the patients called today."""
        self.hide_called = not self.hide_called
        self.notify("Patients called today are hidden" if self.hide_called
                    else "Patients called today are shown again", timeout=3)
        self.reload_list()
        self._show_filters()

    def start_walk_in(self) -> None:
        self.action_search()
        self.notify("Walk-in: find the patient, then press i to check them in",
                    title="Walk-in", timeout=8)

    def open_patient(self, chart: str) -> None:
        """Show one patient: find it by chart number and put the cursor on it."""
        self._show_view("patients")
        search = self.query_one("#search", Input)
        search.value = chart
        self.set_focus(self.query_one("#patients", PatientList))


def _answer(ready: Future | None, ask: Callable[[], T]) -> T:
    """The answer read before the app started (tui.preload), waited for in the worker's
    thread; or, without one or when reading it failed, what `ask` reads now (so a failure
    shows as the desk's own, as without the preload)."""
    if ready is not None:
        try:
            return ready.result()
        except Exception:  # noqa: BLE001 - asked again below
            pass
    return ask()
