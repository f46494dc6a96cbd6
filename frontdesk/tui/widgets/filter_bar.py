"""The filters above the patient list, each with its live count; the chosen one stands out."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.widget import Widget

from frontdesk.services.patients import Filter

KEYS = {Filter.ALL: "1", Filter.MID_STABILIZATION: "2", Filter.DUE_FOR_MAINTENANCE: "3",
        Filter.NOT_SEEN: "4", Filter.DAY: "5"}
LABELS = {Filter.ALL: "All", Filter.MID_STABILIZATION: "Stab",
          Filter.DUE_FOR_MAINTENANCE: "Due", Filter.NOT_SEEN: "Not seen"}
TITLES = {Filter.ALL: "All patients", Filter.MID_STABILIZATION: "Mid-stabilization",
          Filter.DUE_FOR_MAINTENANCE: "Due for maintenance (overdue first)",
          Filter.NOT_SEEN: "Not seen in over a month (never seen first)"}


def filter_label(f: Filter, day: dt.date, today: dt.date) -> str:
    """The short label of the filter bar."""
    if f == Filter.DAY:
        return "Today" if day == today else day.strftime("%b %d")
    return LABELS[f]


def filter_title(f: Filter, day: dt.date, today: dt.date) -> str:
    """The full name, above the list."""
    if f == Filter.DAY:
        return ("Coming today" if day == today else f"Coming {day:%a %d %b}") + \
            " (by first appointment)"
    return TITLES[f]


def hidden_note(total: int | None, shown: int | None) -> str:
    """After the list's title while the patients called today are left out (h):
    ' · 3 called today hidden (h)', the number when the filter's count is known."""
    hidden = total - shown if total is not None and shown is not None else None
    if hidden is None or hidden < 0:
        return " · called today hidden (h)"
    return f" · {hidden:,} called today hidden (h)"


class FilterBar(Widget):
    COMPONENT_CLASSES = {"filter-bar--chosen", "filter-bar--key", "filter-bar--search"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.chosen = Filter.ALL
        self.counts: dict[Filter, int] = {}
        self.day = self.today = dt.date.min
        self.search_count: int | None = None  # set while a search is active

    def show(self, *, chosen: Filter, counts: dict[Filter, int] | None = None,
             day: dt.date, today: dt.date, search_count: int | None) -> None:
        self.chosen, self.day, self.today, self.search_count = chosen, day, today, search_count
        if counts is not None:
            self.counts = counts
        self.refresh()

    def render(self) -> Text:
        style = self.get_component_rich_style
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.search_count is not None:
            text.append(f" {self.search_count:,} found ", style("filter-bar--search"))
            text.append("  enter: to the results   esc: back to the list")
            return text
        for f in Filter:
            count = self.counts.get(f)
            shown = "…" if count is None else f"{count:,}"
            look = style("filter-bar--chosen") if f == self.chosen else None
            text.append(KEYS[f], style("filter-bar--key"))
            text.append(f" {filter_label(f, self.day, self.today)} {shown}", look)
            text.append("  ")
        return text
