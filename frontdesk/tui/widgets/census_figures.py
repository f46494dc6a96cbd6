"""The census's numbers on screen: a column of figures, the week side by side, the chairs.

Each widget keeps plain values and builds its text when it is drawn, so the theme's colours
(frontdesk.tcss, component classes) follow a change of theme. Nothing here touches the
database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from frontdesk.domain.model import STATUS_WORDS, Kind
from frontdesk.services.census import NO_CHAIR, ChairUse, Figures, combine

WAITING = "…"  # a number not loaded yet
BLOCKS = " ▏▎▍▌▋▊▉█"  # eighths of a cell, for the chairs' bars


def count(n: int) -> str:
    return f"{n:,}"


def percent(fraction: float) -> str:
    """A census rate as a manager reads it: 0.1667 -> 16.67% (the JSON's four places)."""
    return f"{fraction * 100:.2f}%"


def bar(fraction: float, width: int) -> tuple[str, str]:
    """A horizontal bar in eighths of a cell, and the empty rest of its width."""
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    if fraction > 0 and eighths == 0:
        eighths = 1  # something booked is never drawn as nothing
    full, part = divmod(eighths, 8)
    filled = "█" * full + (BLOCKS[part] if part else "")
    return filled, " " * (width - len(filled))


# --- a column of figures ---------------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    """One line of a FigureList: a heading, an item (indented under a heading), a note, or a
    blank. `badge` is a component class for the label (the phase badges); `short` is said
    instead of the label when the label does not fit."""
    label: str = ""
    value: str = ""
    kind: str = "item"
    badge: str = ""
    short: str = ""


class FigureList(Widget):
    """Labels on the left, numbers on the right, one per line."""

    COMPONENT_CLASSES = {"figures--heading", "figures--label", "figures--value",
                         "figures--note", "figures--waiting", "figures--big",
                         "badge--intake", "badge--stabilization", "badge--maintenance",
                         "badge--integration"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[Line] = []

    def show(self, lines: list[Line]) -> None:
        if lines != self.lines:
            size_changed = len(lines) != len(self.lines)
            self.lines = lines
            self.refresh(layout=size_changed)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines)

    def render(self) -> Text:
        width = self.content_size.width
        style = self.get_component_rich_style
        out = Text(no_wrap=True, overflow="ellipsis")
        for number, line in enumerate(self.lines):
            if number:
                out.append("\n")
            if line.kind == "blank":
                continue
            indent = "  " if line.kind == "item" else ""
            value_style = (style("figures--waiting") if line.value == WAITING
                           else style("figures--big") if line.kind == "big"
                           else style("figures--value"))
            label_style = (style(line.badge) if line.badge
                           else style("figures--heading") if line.kind in ("heading", "big")
                           else style("figures--note") if line.kind == "note"
                           else style("figures--label"))
            room = max(0, width - len(indent) - len(line.value) - (1 if line.value else 0))
            label = line.label
            if len(label) > room and line.short:
                label = line.short
            if len(label) > room:
                label = label[:max(0, room - 1)] + "…"
            out.append(indent)
            out.append(label, label_style)
            if line.value:
                out.append(" " * (room - len(label) + 1))
                out.append(line.value, value_style)
        return out


# --- the week side by side -------------------------------------------------------------------

WEEK_ROWS: list[tuple[str, str]] = [
    ("Appointments", "total"), ("Patients seen", "patients_seen"),
    ("New patients", "new_patients"), ("No-shows", "no_shows"),
    ("No-show rate", "no_show_rate"), ("Late cancels", "late_cancellations"),
    ("Chair use", "chair_utilization"),
]
STATUS_LABELS = {s.value: word.capitalize() for s, word in STATUS_WORDS.items()}  # "In chair"
KIND_LABELS = {k.value: k.value.capitalize() for k in Kind}


def figure_value(f: Figures, key: str) -> str:
    """One of the week's figures as the week view shows it."""
    if key == "chair_utilization":
        return percent(f.chair_utilization) if f.capacity_minutes else (
            "closed" if not f.open_days else "–")
    if key == "no_show_rate":
        return percent(f.no_show_rate)
    if key.startswith("status:"):
        return count(f.by_status[key[7:]])
    if key.startswith("kind:"):
        return count(f.by_kind[key[5:]])
    return count(getattr(f, key))


def week_rows() -> list[tuple[str, str]]:
    """Every row of the week view: the key figures, then by status and by kind ("" heads a
    section)."""
    rows = list(WEEK_ROWS)
    rows.append(("By status", ""))
    rows += [(label, f"status:{key}") for key, label in STATUS_LABELS.items()]
    rows.append(("By kind", ""))
    rows += [(label, f"kind:{key}") for key, label in KIND_LABELS.items()]
    return rows


class WeekTable(Widget):
    """Monday to Sunday in columns, a figure per row, the week's total on the right when there
    is room; the chosen day's column stands out, closed days are marked."""

    COMPONENT_CLASSES = {"week-table--header", "week-table--chosen", "week-table--today",
                         "week-table--closed", "week-table--section", "week-table--total",
                         "week-table--waiting", "week-table--note", "week-table--value"}
    LABEL = 13
    NOTE = "Week: patients seen adds up each day's patients (patient-days)"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.days: list[Figures] = []
        self.monday = dt.date.min
        self.chosen = dt.date.min
        self.today = dt.date.min

    def show(self, monday: dt.date, chosen: dt.date, today: dt.date,
             days: Sequence[Figures] | None) -> None:
        self.monday, self.chosen, self.today = monday, chosen, today
        self.days = list(days) if days is not None else []
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 1 + len(week_rows()) + self.columns(width)[2]

    def columns(self, width: int) -> tuple[int, int, bool]:
        """(label width, day column width, whether the week total fits)."""
        label = self.LABEL
        for with_total in (True, False):
            n = 8 if with_total else 7
            cell = min(11, (width - label) // n)
            if cell >= 8:
                return label, cell, with_total
        return label, max(7, (width - label) // 7), False

    def render(self) -> Text:
        width = self.content_size.width
        label_w, cell, with_total = self.columns(width)
        style = self.get_component_rich_style
        dates = [self.monday + dt.timedelta(days=i) for i in range(7)]
        loaded = len(self.days) == 7 and self.days[0].first == self.monday
        out = Text(no_wrap=True, overflow="crop")
        # the chosen column's background only, over whatever look its cells have
        chosen = Style(bgcolor=style("week-table--chosen").bgcolor)

        # the header: the week's dates, then each day's name and number
        sunday = dates[-1]
        span = (f"{self.monday.day}–{sunday.day} {sunday:%b}" if self.monday.month == sunday.month
                else f"{self.monday.day} {self.monday:%b}–{sunday.day} {sunday:%b}")
        out.append(f"{span:<{label_w}}", style("week-table--header"))
        for index, day in enumerate(dates):
            head = f"{day:%a} {day.day}"
            look = style("week-table--header")
            if loaded and not self.days[index].open_days:
                look = style("week-table--closed")
            if day == self.today:
                look += style("week-table--today")
            if day == self.chosen:
                look += chosen
            out.append(f"{head:>{cell}}", look)
        if with_total:
            out.append(f"{'Week':>{cell}}",
                       style("week-table--header") + style("week-table--total"))

        total = combine(self.days) if loaded else None
        for name, key in week_rows():
            out.append("\n")
            if not key:  # a section's name; the chosen column runs on through it
                out.append(f"{name:<{label_w}}", style("week-table--section"))
                for day in dates:
                    out.append(" " * cell, chosen if day == self.chosen else Style())
                continue
            out.append(f"{name:<{label_w}}")
            for index, day in enumerate(dates):
                if not loaded:
                    value, look = WAITING, style("week-table--waiting")
                else:
                    figures = self.days[index]
                    value = figure_value(figures, key)
                    look = (style("week-table--closed") if not figures.open_days
                            else style("week-table--value"))
                if day == self.chosen:
                    look += chosen
                out.append(f"{value:>{cell}}", look)
            if with_total:
                value = figure_value(total, key) if total is not None else WAITING
                out.append(f"{value:>{cell}}", style("week-table--total"))
        if with_total:
            out.append("\n")
            out.append(self.NOTE, style("week-table--note"))
        return out


# --- the chairs, one per line: only the lines on screen are drawn ------------------------------

class ChairTable(ScrollView, can_focus=True, inherit_bindings=False):
    """Each chair's booked minutes, share of the day and a bar. A clinic of a thousand chairs
    draws only the lines in sight."""

    HELP_NAME = "Chairs"
    BINDINGS = [
        Binding("up", "scroll_by(-1)", "Scroll the chairs up", show=False),
        Binding("down", "scroll_by(1)", "Scroll the chairs down", show=False),
        Binding("home", "scroll_by(-1_000_000)", "First chair", show=False),
        Binding("end", "scroll_by(1_000_000)", "Last chair", show=False),
    ]
    COMPONENT_CLASSES = {"chair-table--header", "chair-table--bar", "chair-table--track",
                         "chair-table--retired", "chair-table--waiting"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.chairs: tuple[ChairUse, ...] = ()
        self.open_minutes = 0
        self.loaded = False
        self._name_width = 8

    def show(self, chairs: Sequence[ChairUse] | None, open_minutes: int = 0) -> None:
        """The day's chairs (None: still loading)."""
        same = self.loaded and chairs is not None and tuple(chairs) == self.chairs
        self.loaded = chairs is not None
        self.chairs = tuple(chairs or ())
        self.open_minutes = open_minutes
        self._name_width = max([len(self.chair_label(c)) for c in self.chairs] + [5])
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.chairs) + 1)
        if not same:
            self.refresh()

    @staticmethod
    def chair_label(chair: ChairUse) -> str:
        if chair.active:
            return chair.chair
        return chair.chair if chair.chair == NO_CHAIR else f"{chair.chair} (retired)"

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.chairs) + 1)

    def action_scroll_by(self, lines: int) -> None:
        self.scroll_to(y=max(0, min(self.max_scroll_y, self.scroll_offset.y + lines)),
                       animate=False, immediate=True)

    def row_text(self, chair: ChairUse, width: int) -> Text:
        name_w = min(self._name_width, max(10, width // 3))
        name = self.chair_label(chair)
        if len(name) > name_w:
            name = name[:name_w - 1] + "…"
        use = percent(chair.utilization) if chair.open_minutes else "closed"
        text = Text(no_wrap=True)
        text.append(f"{name:<{name_w}}",
                    self.get_component_rich_style("chair-table--retired") if not chair.active
                    else Style())
        text.append(f"  {count(chair.booked_minutes):>6} min  {use:>7}  ")
        room = width - text.cell_len
        if room >= 4 and chair.open_minutes:
            filled, rest = bar(chair.utilization, min(room, 40))
            text.append(filled, self.get_component_rich_style("chair-table--bar"))
            text.append(rest, self.get_component_rich_style("chair-table--track"))
        return text

    def header_text(self, width: int) -> Text:
        name_w = min(self._name_width, max(10, width // 3))
        each = (f"of {count(self.open_minutes)} min each" if self.open_minutes
                else "closed: no opening hours")
        return Text(f"{'Chair':<{name_w}}  {'booked':>10}  {'use':>7}  {each}", no_wrap=True)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            return self._strip(self.header_text(width), width,
                               self.get_component_rich_style("chair-table--header"))
        index = int(self.scroll_offset.y) + y - 1
        if not self.loaded:
            if y == 1:
                return self._strip(Text(f" {WAITING}"), width,
                                   self.get_component_rich_style("chair-table--waiting"))
            return Strip.blank(width, self.rich_style)
        if index >= len(self.chairs):
            if not self.chairs and y == 1:
                return self._strip(Text("No chairs"), width,
                                   self.get_component_rich_style("chair-table--waiting"))
            return Strip.blank(width, self.rich_style)
        return self._strip(self.row_text(self.chairs[index], width), width, None)

    def _strip(self, text: Text, width: int, style: Style | None) -> Strip:
        text.truncate(width, overflow="ellipsis", pad=True)
        if style is not None:
            text.stylize(style)
        segments = list(text.render(self.app.console))
        strip = Strip(segments).adjust_cell_length(width)
        base = self.rich_style
        return Strip([Segment(t, base + s if s else base, c) for t, s, c in strip])
