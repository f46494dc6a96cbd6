"""A bar chart in the terminal: one bar per day (or week), dates under it, its scale beside it.

Drawn with block characters in eighths of a cell, every bar in a column of its own width, so
a date label sits under the bar it names at any terminal width (plotext spaces numeric x
values unevenly at 80 columns, and its bars then drift from their dates). A closed day with
nothing to count is a dot on the baseline, not an empty bar: an empty bar is a bad day.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Sequence

from rich.text import Text
from textual.widget import Widget

EIGHTHS = " ▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class Point:
    """One bar: the day (or the Monday of the week) it stands for, its value (None: nothing
    to measure, as the chair use of a closed day), and whether the clinic was closed."""
    day: dt.date
    value: float | None
    closed: bool = False


def nice_top(value: float) -> float:
    """The scale's top: a round number at least `value` (and 1) that halves evenly."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.6, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= step * power:
            top = step * power
            return int(top) if top == int(top) else top
    return 10 * power


class TrendChart(Widget):
    """Set `title`, `summary`, `points` with `show`; `percent` charts fractions on 0-100%."""

    COMPONENT_CLASSES = {"trend-chart--title", "trend-chart--summary", "trend-chart--bar",
                         "trend-chart--last", "trend-chart--axis", "trend-chart--closed",
                         "trend-chart--waiting", "trend-chart--value"}

    #: below this height a chart leaves its dates to the chart under it (charts stacked in
    #: one view share their columns), unless `dates` says it is the one that shows them
    DATES_FROM = 9

    def __init__(self, *, dates: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.dates = dates
        self.axis_width = 0  # at least this wide: stacked charts line their bars up
        self.title = ""
        self.summary = ""
        self.points: list[Point] = []
        self.percent = False
        self.weekly = False
        self.loaded = False

    def show(self, title: str, points: Sequence[Point] | None, *, summary: str = "",
             percent: bool = False, weekly: bool = False) -> None:
        self.title, self.summary = title, summary
        self.loaded = points is not None
        self.points = list(points or [])
        self.percent, self.weekly = percent, weekly
        self.refresh()

    # --- the scale ---------------------------------------------------------------------------

    def top(self, rows: int = 0) -> float:
        """The top of the scale; given the rows (values shown above the bars), high enough
        that the tallest bar leaves a row for its value."""
        if self.percent:
            return 1.0
        highest = max([p.value or 0 for p in self.points] + [0])
        # counts rise in whole steps: a scale up to 2.5 no-shows reads oddly
        return math.ceil(nice_top(highest * rows / (rows - 1) if rows > 1 else highest))

    def plot_rows(self) -> int:
        """Rows of bars: the title above, the dates below (when this chart shows them)."""
        height = self.content_size.height
        return height - 1 - (self.dates or height >= self.DATES_FROM)

    def value_label(self, value: float, room: int) -> str:
        """A bar's value in at most `room` characters ("" when it cannot be said there):
        58%, 562, 5,157 or 5.2k."""
        if self.percent:
            text = f"{value * 100:.0f}%"
        else:
            text = f"{value:,.0f}"
            if len(text) > room and value >= 1000:
                text = f"{value / 1000:.1f}k" if value < 9_950 else f"{value / 1000:.0f}k"
        return text if len(text) <= room else ""

    def axis_needed(self) -> int:
        """The width of this chart's widest scale label."""
        tops = (self.top(), self.top(self.plot_rows()))
        return max(len(self.scale_label(value)) for top in tops for value in (top, top / 2))

    def scale_label(self, value: float) -> str:
        if self.percent:
            return f"{value * 100:.0f}%"
        return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"

    # --- drawing -----------------------------------------------------------------------------

    def render(self) -> Text:
        width, height = self.content_size.width, self.content_size.height
        style = self.get_component_rich_style
        out = Text(no_wrap=True, overflow="crop")
        out.append(self.title, style("trend-chart--title"))
        if self.summary:
            out.append("  ")
            out.append(self.summary, style("trend-chart--summary"))
        out.truncate(width, overflow="ellipsis")
        with_dates = self.dates or height >= self.DATES_FROM
        rows = self.plot_rows()
        if rows < 1:
            return out
        if not self.loaded or not self.points:
            out.append("\n")
            out.append(" …" if not self.loaded else " nothing to show",
                       style("trend-chart--waiting"))
            return out

        # wide enough columns carry each bar's value just above it (the scale leaves room)
        plot_guess = max(1, width - len(self.scale_label(self.top())) - 1)
        values_shown = plot_guess // len(self.points) >= 4 and rows >= 6
        top = self.top(rows if values_shown else 0)
        # the top of the scale at the top of the first row, nought at the foot of the last,
        # and half way (the top of the row halfway down) when the rows divide evenly
        labels = {0: self.scale_label(top), rows - 1: self.scale_label(0)}
        if rows >= 4 and rows % 2 == 0 and (self.percent or top % 2 == 0):
            labels[rows // 2] = self.scale_label(top / 2)
        axis_w = max([len(label) for label in labels.values()] + [self.axis_width])
        plot_w = max(1, width - axis_w - 1)
        n = len(self.points)
        cell = max(1, plot_w // n)
        bar_w = 1 if cell <= 2 else max(1, round(cell * 0.6))
        pad = (cell - bar_w + 1) // 2 if cell > 1 else 0
        eighths = [None if p.value is None else
                   max(1 if p.value > 0 else 0,
                       round(min(p.value, top) / top * rows * 8))
                   for p in self.points]
        axis = style("trend-chart--axis")
        bar_look, last_look = style("trend-chart--bar"), style("trend-chart--last")
        closed_look = style("trend-chart--closed")

        value_at: dict[int, tuple[int, str]] = {}
        if values_shown and cell >= 4:
            for index, (point, level) in enumerate(zip(self.points, eighths)):
                if level is None or (level == 0 and point.closed):
                    continue
                row = rows - 1 if level == 0 else rows - 2 - (level - 1) // 8
                text = self.value_label(point.value, cell - 1)
                if row >= 0 and text:
                    value_at[index] = (row, text)
        value_look = style("trend-chart--value")

        for row in range(rows):
            out.append("\n")
            label = labels.get(row, "")
            out.append(f"{label:>{axis_w}}", axis)
            out.append("┤" if label else "│", axis)
            floor = (rows - 1 - row) * 8  # eighths below this row
            for index, (point, level) in enumerate(zip(self.points, eighths)):
                look = last_look if index == n - 1 else bar_look
                if value_at.get(index, (None,))[0] == row:
                    out.append(value_at[index][1].center(cell)[:cell], value_look)
                    continue
                out.append(" " * pad)
                if (level is None or level == 0) and point.closed:
                    mark = "·" if row == rows - 1 else " "
                    out.append(mark.center(bar_w), closed_look)
                elif level is None:
                    out.append(" " * bar_w)
                else:
                    part = max(0, min(8, level - floor))
                    out.append(EIGHTHS[part] * bar_w, look)
                out.append(" " * (cell - pad - bar_w))

        if with_dates:
            out.append("\n")
            out.append(" " * (axis_w + 1))
            out.append(self.date_row(plot_w, cell, pad, bar_w), axis)
        return out

    def date_row(self, plot_w: int, cell: int, pad: int, bar_w: int) -> str:
        """Dates under their bars, the last bar's first: then every Monday (days) or every
        k-th week back from the last (weeks, k as small as lets the labels breathe), leaving
        out a label that would run into one already placed."""
        line = [" "] * plot_w
        taken: list[tuple[int, int]] = []
        n = len(self.points)
        if self.weekly:
            stride = max(1, math.ceil(8 / cell))  # "16 Nov" and two spaces
            order = list(range(n - 1, -1, -stride))
        else:
            order = [n - 1] + [i for i in range(n - 2, -1, -1)
                               if self.points[i].day.weekday() == 0]
        for index in order:
            day = self.points[index].day
            label = f"{day.day} {day:%b}"
            start = index * cell + pad
            if start + len(label) > plot_w:
                start = max(0, index * cell + pad + bar_w - len(label))
            end = start + len(label)
            if end > plot_w or any(start < b + 2 and a < end + 2 for a, b in taken):
                continue
            taken.append((start, end))
            line[start:end] = label
        return "".join(line)

    def values(self) -> list[float | None]:
        return [p.value for p in self.points]
