"""The manager's census: one day's numbers, the week side by side, and the trend.

Every number is the one `frontdesk census --format json` prints for the day (services.census
counts them; this screen only shows them). The data comes from thread workers, one kind at a
time each: a key held down does not pile up queries; the answer for a day no longer chosen is
kept (coming back is instant) and the latest wish is asked next. A change to the database
reloads what is on screen in place (refresh_data: base.py's stale-reload block).
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Header, Static
from textual.worker import Worker, WorkerState

from frontdesk import clock
from frontdesk.domain.dates import day_words
from frontdesk.domain.model import ACTIVE_PHASES
from frontdesk.domain.phases import badge
from frontdesk.services.census import (Census, Figures, TREND_DAYS, TREND_WEEKS, combine,
                                       census, trend, week_figures, week_of, weekly_trend)
from frontdesk.tui.format import full_day
from frontdesk.tui.messages import CensusLoaded, CensusRangeLoaded
from frontdesk.tui.screens.base import DeskBaseScreen
from frontdesk.tui.widgets.census_figures import (KIND_LABELS, STATUS_LABELS, WAITING,
                                                  ChairTable, FigureList, Line, WeekTable,
                                                  count, percent)
from frontdesk.tui.widgets.footer import Footer
from frontdesk.tui.widgets.trend_chart import Point, TrendChart

VIEWS = {"day": "Day", "week": "Week", "trend": "Trend"}
VIEW_KEYS = {"day": "d", "week": "w", "trend": "g"}
LIST_LABELS = {"mid_stabilization": "Mid-stabilization",
               "due_for_maintenance": "Due for maintenance",
               "not_seen_over_a_month": "Not seen over a month"}
PHASE_BADGES = {phase.value: badge(phase, completed=0, target=0).split()[0]
                for phase in ACTIVE_PHASES}  # INTAKE, STAB, MAINT, INTEG
KEEP = 40  # answers kept per kind of data (days stepped through come back at once)
DAY_KEYS = Binding.Group("Day", compact=True)
WEEK_KEYS = Binding.Group("Week", compact=True)


def monday_of(day: dt.date) -> dt.date:
    return week_of(day)[0]


class CensusBar(Widget):
    """The chosen day on the left; the views on the right, the shown one highlighted (a click
    on one shows it)."""

    COMPONENT_CLASSES = {"census-bar--day", "census-bar--today", "census-bar--closed",
                         "census-bar--view", "census-bar--chosen", "census-bar--key"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.day = dt.date.min
        self.today = dt.date.min
        self.closed: bool | None = None
        self.view = "day"
        self._tabs: list[tuple[int, int, str]] = []  # where each view's name is drawn

    def show(self, day: dt.date, today: dt.date, closed: bool | None, view: str) -> None:
        self.day, self.today, self.closed, self.view = day, today, closed, view
        self.refresh()

    def tabs(self) -> Text:
        style = self.get_component_rich_style
        text = Text(no_wrap=True)
        for view, name in VIEWS.items():
            chosen = view == self.view
            look = style("census-bar--chosen") if chosen else style("census-bar--view")
            text.append(" ", look)
            text.append(VIEW_KEYS[view], look + style("census-bar--key", partial=True))
            text.append(f" {name} ", look)
            text.append(" ")
        return text

    def render(self) -> Text:
        width = self.content_size.width
        style = self.get_component_rich_style
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(full_day(self.day), style("census-bar--day"))
        if self.day == self.today:
            title.append(" · today", style("census-bar--today"))
        if self.closed:
            title.append(" · closed", style("census-bar--closed"))
        tabs = self.tabs()
        gap = width - title.cell_len - tabs.cell_len
        if gap < 1:
            title.truncate(max(0, width - tabs.cell_len - 1), overflow="ellipsis")
            gap = max(1, width - title.cell_len - tabs.cell_len)
        start = title.cell_len + gap
        self._tabs = []
        for view in VIEWS:
            size = len(VIEW_KEYS[view]) + len(VIEWS[view]) + 3
            self._tabs.append((start, start + size, view))
            start += size + 1
        return Text.assemble(title, " " * gap, tabs)

    def on_click(self, event: events.Click) -> None:
        where = event.get_content_offset(self)
        for start, end, view in self._tabs:
            if where is not None and start <= where.x < end:
                self.screen.action_view(view)


class CensusScreen(DeskBaseScreen):
    HELP_TITLE = "The census"
    BINDINGS = [
        Binding("left,less_than_sign,comma", "step_day(-1)", "Day before", group=DAY_KEYS,
                id="census.day_before"),
        Binding("right,greater_than_sign,full_stop", "step_day(1)", "Day after",
                group=DAY_KEYS, id="census.day_after"),
        Binding("left_square_bracket,pageup", "step_day(-7)", "Week before", group=WEEK_KEYS,
                id="census.week_before"),
        Binding("right_square_bracket,pagedown", "step_day(7)", "Week after",
                group=WEEK_KEYS, id="census.week_after"),
        Binding("t", "today", "Today", id="census.today"),
        Binding("d", "view('day')", "Day view", show=False, id="census.view_day"),
        Binding("w", "view('week')", "Week view", show=False, id="census.view_week"),
        # g opens the trend; in the trend it switches between 30 days and 12 weeks
        Binding("g", "view('trend')", "Trend view", show=False, id="census.view_trend"),
        Binding("g", "span('weeks')", "Trend: 12 weeks", id="census.trend_weeks"),
        Binding("g", "span('days')", "Trend: 30 days", id="census.trend_days"),
        Binding("r", "refresh", "Refresh", show=False, id="census.refresh"),
        Binding("escape", "back", "Back", id="census.back"),
        Binding("f1", "help", "Help", id="census.help"),
    ]

    def __init__(self, day: dt.date | None = None) -> None:
        super().__init__()
        self.day = day or clock.today()
        self.view = "day"
        self.span = "days"  # the trend: "days" (30) or "weeks" (12)
        self._generation = 0  # bumped by every change to the database
        # kind -> key -> (generation, data); kinds: day, week, days, weeks
        self._data: dict[str, OrderedDict] = {k: OrderedDict()
                                              for k in ("day", "week", "days", "weeks")}
        self._busy: dict[str, Worker] = {}  # the worker on its way, of each kind

    # --- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield CensusBar(id="census-bar")
        with ContentSwitcher(initial="census-day", id="census-views"):
            with Vertical(id="census-day"):
                with Horizontal(id="census-top"):
                    yield FigureList(id="census-appointments")
                    yield FigureList(id="census-patients")
                    yield FigureList(id="census-overall")
                yield ChairTable(id="census-chairs")
            with VerticalScroll(id="census-week", can_focus=False):
                yield WeekTable(id="census-week-table")
            with Vertical(id="census-trend"):
                yield Static("", id="census-trend-title")
                yield TrendChart(dates=False, id="census-trend-seen")
                yield TrendChart(dates=False, id="census-trend-no-shows")
                yield TrendChart(id="census-trend-utilization")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = self.app.sub_title
        self.query_one("#census-chairs", ChairTable).focus()
        self._show()
        self._ask()

    def on_resize(self, event: events.Resize) -> None:
        if self.view == "trend":  # the charts' scales line up again at the new size
            self.call_after_refresh(self._show)

    # --- what is wanted, and asking for it ---------------------------------------------------

    def _wanted(self) -> list[tuple[str, dt.date]]:
        if self.view == "day":
            return [("day", self.day)]
        if self.view == "week":
            return [("week", monday_of(self.day))]
        if self.span == "days":
            return [("days", self.day)]
        return [("weeks", monday_of(self.day))]

    def _have(self, kind: str, key: dt.date):
        """The data for `key`, fresh or from before the last change (shown until the fresh
        one comes); None when never loaded."""
        found = self._data[kind].get(key)
        return found[1] if found is not None else None

    def _ask(self) -> None:
        """Start a worker for what the screen shows, unless one of its kind is on its way:
        the next starts when that one is done, for whatever is wanted then (a key held down
        never queues more than one query of a kind, and an exclusive worker never has to
        cancel one that already answered)."""
        for kind, key in self._wanted():
            found = self._data[kind].get(key)
            if found is not None and found[0] == self._generation:
                continue
            if kind in self._busy:
                continue
            self._busy[kind] = self._loaders[kind](self._generation, key)

    @property
    def _loaders(self):
        return {"day": self.load_day, "week": self.load_week, "days": self.load_days,
                "weeks": self.load_weeks}

    @work(thread=True, exclusive=True, group="census-day", exit_on_error=False)
    def load_day(self, generation: int, day: dt.date) -> None:
        self.post_message(CensusLoaded(generation, day, census(day)))

    @work(thread=True, exclusive=True, group="census-week", exit_on_error=False)
    def load_week(self, generation: int, monday: dt.date) -> None:
        self.post_message(CensusRangeLoaded(generation, "week", monday, week_figures(monday)))

    @work(thread=True, exclusive=True, group="census-days", exit_on_error=False)
    def load_days(self, generation: int, day: dt.date) -> None:
        self.post_message(CensusRangeLoaded(generation, "days", day, trend(day)))

    @work(thread=True, exclusive=True, group="census-weeks", exit_on_error=False)
    def load_weeks(self, generation: int, monday: dt.date) -> None:
        self.post_message(CensusRangeLoaded(generation, "weeks", monday,
                                            weekly_trend(monday)))

    def _keep(self, kind: str, key: dt.date, generation: int, data) -> None:
        kept = self._data[kind]
        old = kept.get(key)
        if old is None or old[0] <= generation:
            kept[key] = (generation, data)
            kept.move_to_end(key)
            while len(kept) > KEEP:
                kept.popitem(last=False)
        self._show()

    def on_census_loaded(self, message: CensusLoaded) -> None:
        self._keep("day", message.day, message.generation, message.census)

    def on_census_range_loaded(self, message: CensusRangeLoaded) -> None:
        self._keep(message.kind, message.key, message.generation, message.figures)

    @on(Worker.StateChanged)
    def _worker_done(self, event: Worker.StateChanged) -> None:
        """A worker of ours is done: ask for what is wanted now (after a failure, only when
        asked again: base.py's one handler says what went wrong)."""
        if event.state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        for kind, worker in list(self._busy.items()):
            if worker is event.worker:
                del self._busy[kind]
                if event.state == WorkerState.SUCCESS:
                    self._ask()

    # --- the database changed ----------------------------------------------------------------

    def refresh_data(self) -> None:
        """The database changed (base.py: the change watcher)."""
        self.action_refresh()

    def action_refresh(self) -> None:
        """Everything is counted again; what is on screen stays until the new numbers come."""
        self._generation += 1
        self._ask()

    # --- showing -----------------------------------------------------------------------------

    def _show(self) -> None:
        today = clock.today()
        closed = None
        day_data = self._have("day", self.day)
        if day_data is not None:
            closed = day_data.open_minutes == 0
        else:
            week = self._have("week", monday_of(self.day))
            if week is not None:
                closed = not week[self.day.weekday()].open_days
        self.query_one(CensusBar).show(self.day, today, closed, self.view)
        if self.view == "day":
            self._show_day(day_data)
        elif self.view == "week":
            monday = monday_of(self.day)
            self.query_one(WeekTable).show(monday, self.day, today,
                                           self._have("week", monday))
        else:
            self._show_trend()

    def _show_day(self, c: Census | None) -> None:
        open_minutes = c.open_minutes if c is not None else 0

        def n(value) -> str:
            return WAITING if c is None else count(value)

        appointments = [Line("Appointments", n(c and c.total), "heading")]
        appointments += [Line(label, n(c and c.by_status[key]))
                         for key, label in STATUS_LABELS.items()]
        appointments.append(Line("By kind", kind="heading"))
        appointments += [Line(label, n(c and c.by_kind[key]))
                         for key, label in KIND_LABELS.items()]

        patients = [
            Line("Patients seen", n(c and c.patients_seen), "heading"),
            Line("New patients", n(c and c.new_patients), "heading"),
            Line("No-shows", n(c and c.no_shows), "heading"),
            Line("No-show rate", WAITING if c is None else percent(c.no_show_rate), "heading"),
            Line("Late cancellations", n(c and c.late_cancellations), "heading"),
            Line(kind="blank"),
            Line("Active by phase", kind="heading"),
        ]
        patients += [Line(PHASE_BADGES[phase.value], n(c and c.active_by_phase[phase.value]),
                          badge=f"badge--{phase.value}") for phase in ACTIVE_PHASES]

        active = sum(1 for chair in (c.chairs if c else ()) if chair.active)
        if c is None:
            use, minutes, short, detail = WAITING, "", "", ""
        elif open_minutes == 0:
            use = "closed"
            minutes = f"{count(c.chair_minutes)} chair-minutes booked"
            short = f"{count(c.chair_minutes)} chair-min booked"
            detail = "no opening hours this day"
        else:
            use = percent(c.chair_utilization)
            minutes = f"{count(c.chair_minutes)} of {count(c.capacity_minutes)} chair-minutes"
            short = f"{count(c.chair_minutes)} of {count(c.capacity_minutes)} chair-min"
            detail = (f"{count(active)} chair{'s' if active != 1 else ''} × "
                      f"{count(open_minutes)} min open")
        overall = [Line("Chair utilization", use, "big"),
                   Line(minutes, kind="note", short=short), Line(detail, kind="note"),
                   Line(kind="blank"), Line("Lists", kind="heading")]
        overall += [Line(label, n(c and c.lists[key])) for key, label in LIST_LABELS.items()]

        self.query_one("#census-appointments", FigureList).show(appointments)
        self.query_one("#census-patients", FigureList).show(patients)
        self.query_one("#census-overall", FigureList).show(overall)
        chairs = self.query_one(ChairTable)
        chairs.show(c.chairs if c is not None else None, open_minutes)
        if c is None:
            chairs.border_title = "Chairs"
        elif open_minutes == 0:
            chairs.border_title = "Chairs · closed"
        else:
            chairs.border_title = (f"Chairs · {count(active)} active · "
                                   f"{percent(c.chair_utilization)} overall")

    def _show_trend(self) -> None:
        weekly = self.span == "weeks"
        key = monday_of(self.day) if weekly else self.day
        figures: list[Figures] | None = self._have(self.span, key)
        if weekly:
            last = week_of(self.day)[1]
            first = last - dt.timedelta(days=7 * TREND_WEEKS - 1)
            what = f"{TREND_WEEKS} weeks"
        else:
            first, last = self.day - dt.timedelta(days=TREND_DAYS - 1), self.day
            what = f"{TREND_DAYS} days"
        other = "30 days" if weekly else "12 weeks"
        title = Text(no_wrap=True, overflow="ellipsis")
        # (the first day with its year when the span began the year before)
        title.append(f"{what}: {day_words(first, last)} – {day_words(last, last)} {last.year}",
                     "bold")
        title.append(f"  (g: {other})", "dim")
        self.query_one("#census-trend-title", Static).update(title)

        seen = self.query_one("#census-trend-seen", TrendChart)
        no_shows = self.query_one("#census-trend-no-shows", TrendChart)
        use = self.query_one("#census-trend-utilization", TrendChart)
        seen_title = "Patient-days seen" if weekly else "Patients seen"
        if figures is None:
            seen.show(seen_title, None, weekly=weekly)
            no_shows.show("No-shows", None, weekly=weekly)
            use.show("Chair utilization", None, percent=True, weekly=weekly)
            return

        def closed(f: Figures) -> bool:
            return f.open_days == 0

        every = combine(figures)
        open_days = every.open_days
        newest = figures[-1]
        when = (f"week of {newest.first.day} {newest.first:%b}" if weekly
                else day_words(newest.last, last))
        per = "per week" if weekly else "per open day"
        average = every.patients_seen / (len(figures) if weekly else max(1, open_days))
        average_text = f"{average:,.0f}" if weekly else f"{average:,.1f}"
        seen.show(seen_title,
                  [Point(f.first, f.patients_seen, closed(f)) for f in figures],
                  summary=(f"{when}: {count(newest.patients_seen)} · "
                           f"average {average_text} {per}"),
                  weekly=weekly)
        no_shows.show("No-shows",
                      [Point(f.first, f.no_shows, closed(f)) for f in figures],
                      summary=(f"{when}: {count(newest.no_shows)} · {count(every.no_shows)} "
                               f"in {what}, no-show rate {percent(every.no_show_rate)}"),
                      weekly=weekly)
        newest_use = (percent(newest.chair_utilization) if newest.capacity_minutes
                      else "closed")
        use.show("Chair utilization",
                 [Point(f.first, f.chair_utilization if f.capacity_minutes else None,
                        closed(f)) for f in figures],
                 summary=(f"{when}: {newest_use} · {percent(every.chair_utilization)} "
                          f"over {what}"),
                 percent=True, weekly=weekly)
        width = max(chart.axis_needed() for chart in (seen, no_shows, use))
        for chart in (seen, no_shows, use):
            chart.axis_width = width

    # --- keys --------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "view" and parameters == ("trend",):
            return self.view != "trend"
        if action == "span":
            return self.view == "trend" and parameters[0] != self.span
        return True

    def choose_day(self, day: dt.date) -> None:
        self.day = day
        self._show()
        self._ask()

    def action_step_day(self, days: int) -> None:
        self.choose_day(self.day + dt.timedelta(days=days))

    def action_today(self) -> None:
        self.choose_day(clock.today())

    def action_view(self, view: str) -> None:
        self.view = view
        self.query_one(ContentSwitcher).current = f"census-{view}"
        if view == "day":
            self.query_one(ChairTable).focus()
        else:
            self.set_focus(None)
        self.refresh_bindings()
        self._show()
        self._ask()

    def action_span(self, span: str) -> None:
        """The trend over 30 days or 12 weeks (from the palette too: it opens the trend)."""
        self.span = span
        if self.view != "trend":
            self.action_view("trend")
            return
        self.refresh_bindings()
        self._show()
        self._ask()

    def action_back(self) -> None:
        self.app.pop_screen()
