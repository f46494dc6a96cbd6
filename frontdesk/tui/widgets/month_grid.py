"""A month at a glance: each day with its number of appointments; today marked."""

from __future__ import annotations

import calendar
import datetime as dt

from dateutil.relativedelta import relativedelta
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from frontdesk.tui import format as fmt
from frontdesk.tui.format import grid_days  # noqa: F401 - in format: tui.preload reads it

CELL = 4  # three characters and a space: " 57 ", "6k "


class MonthGrid(Widget, can_focus=True):
    HELP_NAME = "Calendar"
    """Arrows move by day and week, PgUp/PgDn by month (as calcurse and ikhal do)."""

    BINDINGS = [
        Binding("left", "move(-1)", "Day before", show=False),
        Binding("right", "move(1)", "Day after", show=False),
        Binding("up", "move(-7)", "Week before", show=False),
        Binding("down", "move(7)", "Week after", show=False),
        Binding("pageup", "month(-1)", "Month before", show=False),
        Binding("pagedown", "month(1)", "Month after", show=False),
        Binding("home", "edge(0)", "First of month", show=False),
        Binding("end", "edge(1)", "End of month", show=False),
    ]
    COMPONENT_CLASSES = {"month-grid--title", "month-grid--weekday", "month-grid--other-month",
                         "month-grid--today", "month-grid--chosen", "month-grid--count",
                         "month-grid--closed"}

    chosen: reactive[dt.date] = reactive(dt.date(2000, 1, 1), always_update=True)

    class DayChosen(Message):
        def __init__(self, day: dt.date) -> None:
            super().__init__()
            self.day = day

    def __init__(self, today: dt.date, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.today = today
        self.counts: dict[dt.date, int] = {}
        self.open_weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
        self.set_reactive(MonthGrid.chosen, today)

    def show_counts(self, counts: dict[dt.date, int]) -> None:
        self.counts = counts
        self.refresh()

    def choose(self, day: dt.date) -> None:
        if day != self.chosen:
            self.chosen = day
            self.post_message(self.DayChosen(day))

    def action_move(self, days: int) -> None:
        self.choose(self.chosen + dt.timedelta(days=days))

    def action_month(self, months: int) -> None:
        self.choose(self.chosen + relativedelta(months=months))

    def action_edge(self, end: int) -> None:
        last = calendar.monthrange(self.chosen.year, self.chosen.month)[1]
        self.choose(self.chosen.replace(day=last if end else 1))

    def render(self) -> Text:
        style = self.get_component_rich_style
        text = Text()
        title = self.chosen.strftime("%B %Y")
        text.append(f"{title:^{CELL * 7}}\n", style("month-grid--title"))
        text.append("".join(f"{name:>{CELL - 1}} " for name in
                            ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")) + "\n",
                    style("month-grid--weekday"))
        days = grid_days(self.chosen)
        for week in range(6):
            week_days = days[week * 7:(week + 1) * 7]
            for day in week_days:
                look = style("month-grid--other-month") if day.month != self.chosen.month \
                    else style("month-grid--closed") if day.weekday() not in self.open_weekdays \
                    else None
                if day == self.today:
                    look = style("month-grid--today")
                if day == self.chosen:
                    look = style("month-grid--chosen")
                mark = "•" if day == self.today else " "
                text.append(f"{mark}{day.day:>{CELL - 2}}", look)
                text.append(" ")
            text.append("\n")
            for day in week_days:
                n = self.counts.get(day, 0)
                shown = fmt.compact_count(n) if n else ""
                text.append(f"{shown:>{CELL - 1}} ", style("month-grid--count"))
            if week < 5:
                text.append("\n")
        return text

    def on_click(self, event) -> None:
        row, col = event.y - 2, event.x // CELL
        if 0 <= row < 12 and 0 <= col < 7:
            self.choose(grid_days(self.chosen)[(row // 2) * 7 + col])
