"""The highlighted patient: contact, phase and its history, progress, scores, appointments,
notes."""

from __future__ import annotations

import datetime as dt

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from frontdesk.domain.measures import LABELS, MAXIMUM, Measure
from frontdesk.domain.model import STATUS_WORDS, Phase
from frontdesk.services.patients import AppointmentLine, PatientDetail, ScorePoint
from frontdesk.tui import format as fmt
from frontdesk.tui.widgets.patient_list import BADGE_CLASSES, badge_class

TWO_COLUMNS_FROM = 70  # wide enough for contact and appointments side by side
LABEL_WIDTH = 10
COLUMN_GAP = 2
SCROLLBAR = 2  # kept free whether or not the pane scrolls, so lines never get cut
MIN_SPARKLINE = 3


def _appointment(line: AppointmentLine, this_year: int) -> Text:
    chair = f" {line.chair}" if line.chair else ""
    return Text(f"{fmt.day_time(line.start, this_year):<12} {fmt.KIND_SHORT[line.kind]:<4}"
                f" {STATUS_WORDS[line.status]}{chair}", no_wrap=True, overflow="ellipsis")


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _short_day(day: dt.date, this_year: int) -> str:
    """'Nov 20'; another year's date in full."""
    return f"{day:%b %d}" if day.year == this_year else day.isoformat()


def _latest(points: tuple[ScorePoint, ...], measure: Measure) -> tuple[int, dt.date] | None:
    for point in reversed(points):
        value = getattr(point, measure.value)
        if value is not None:
            return value, point.taken_at.date()
    return None


def _score_summary(points: tuple[ScorePoint, ...], window: tuple[ScorePoint, ...],
                   measure: Measure, this_year: int) -> str:
    """'21 → 9  (Nov 20)': the first value the sparkline shows, the latest and its day."""
    value, day = _latest(points, measure)
    shown = [v for p in window if (v := getattr(p, measure.value)) is not None]
    trend = f"{shown[0]} → " if len(shown) > 1 else ""
    return f"{trend}{value}  ({_short_day(day, this_year)})"


class DetailPane(VerticalScroll, can_focus=False):
    COMPONENT_CLASSES = ({"detail--heading", "detail--label", "detail--dim",
                          "detail--sparkline", "detail--assessment-due", "detail--call"}
                         | BADGE_CLASSES)

    def compose(self):
        yield Static("No patient highlighted", id="detail-body")

    patient: PatientDetail | None = None  # the one shown
    _as_of: dt.date | None = None
    _laid_out_for = 0  # the width the content was laid out for

    def show(self, detail: PatientDetail | None, as_of: dt.date) -> None:
        self.patient = detail
        self._as_of = as_of
        body = self.query_one("#detail-body", Static)
        if detail is None:
            body.update("No patient highlighted")
            return
        self._laid_out_for = self.size.width
        body.update(self._content(detail, as_of))

    def on_resize(self) -> None:
        # the columns and the sparklines' length follow the width
        if self.patient is not None and self.size.width != self._laid_out_for:
            self.show(self.patient, self._as_of)

    def _content(self, d: PatientDetail, as_of: dt.date):
        style = self.get_component_rich_style
        heading = Text()
        heading.append(d.name, style("detail--heading"))
        heading.append(f"  {d.chart}  ")
        heading.append(d.badge, style(badge_class(d.badge, d.phase)))
        if d.stalled:
            heading.append(" ")
            heading.append("STALLED", style("badge--stalled"))
        if d.assessment_due_on is not None:
            heading.append(" ")
            if d.assessment_due_on <= as_of:
                since = ("today" if d.assessment_due_on == as_of else
                         f"since {_short_day(d.assessment_due_on, as_of.year)}")
                heading.append("ASSESSMENT DUE", style("detail--assessment-due"))
                heading.append(f" {since}")
            else:
                heading.append(f"assessment due {_short_day(d.assessment_due_on, as_of.year)}",
                               style("detail--dim"))

        about = Text(no_wrap=True, overflow="ellipsis")
        label = style("detail--label")

        def field(name: str, value: str) -> None:
            about.append(f"{name:<{LABEL_WIDTH}}", label)
            about.append(f"{value}\n")

        field("Born", f"{d.date_of_birth.isoformat()} (age {_age(d.date_of_birth, as_of)})")
        field("Phone", d.phone)
        if d.last_call:  # the recall lists' latest call, beside the number it went to
            about.append(f"{'Last call':<{LABEL_WIDTH}}", label)
            about.append(f"{d.last_call}\n", style("detail--call"))
        field("Email", d.email or "–")
        field("Phase", d.phase.value)
        field("Since", d.phase_since.isoformat())
        if d.phase == Phase.STABILIZATION:
            field("Series", f"{d.infusions_completed} of {d.stabilization_target} infusions")
        if d.phase == Phase.MAINTENANCE:
            field("Due on", f"{fmt.day(d.due_on)} (every {d.maintenance_interval_months} mo)")
        field("Last inf.", fmt.day(d.last_infusion))
        field("Last seen", fmt.day(d.last_seen))
        two_columns = self.size.width >= TWO_COLUMNS_FROM
        width = self.size.width - SCROLLBAR
        self._add_scores(about, d, as_of.year,
                         (width - COLUMN_GAP) // 2 if two_columns else width)
        about.rstrip()

        history = Text()
        history.append("Phase history\n", label)
        for step in d.history[-4:]:
            came_from = f"{step.from_phase.value} → " if step.from_phase else ""
            history.append(f"{step.at:%Y-%m-%d} {came_from}{step.to_phase.value}\n")
            if step.reason:
                history.append(f"  {step.reason} ({step.staff})\n", style("detail--dim"))
        history.rstrip()

        visits = Text()
        for title, lines, none in (("Upcoming", d.upcoming, "none booked"),
                                   ("Recent", d.recent, "none")):
            visits.append(f"{title}\n", label)
            for line in lines:
                visits.append_text(_appointment(line, as_of.year))
                visits.append("\n")
            if not lines:
                visits.append(f"{none}\n", style("detail--dim"))
        visits.rstrip()

        notes = Text()
        notes.append("Notes ", label)
        notes.append("(e to edit)\n", style("detail--dim"))
        notes.append(d.notes or "–")

        if two_columns:
            grid = Table.grid(padding=(0, 2), expand=True)
            grid.add_column(ratio=1)
            grid.add_column(ratio=1)
            grid.add_row(Group(about, Text(""), history), Group(visits, Text(""), notes))
            return Group(heading, grid)
        return Group(heading, about, Text(""), visits, Text(""), history, Text(""), notes)

    def _add_scores(self, about: Text, d: PatientDetail, this_year: int, width: int) -> None:
        """A line per measure: its sparkline over the latest sittings that fit the width
        (the same sittings on both lines, a gap where one was not taken), where it started
        and where it is now."""
        style = self.get_component_rich_style
        label = style("detail--label")
        if not d.scores:
            about.append(f"{'Scores':<{LABEL_WIDTH}}", label)
            about.append("none recorded\n", style("detail--dim"))
            return
        summaries = {measure: _score_summary(d.scores, d.scores, measure, this_year)
                     for measure in Measure if _latest(d.scores, measure) is not None}
        # one more for a window whose first value has more digits than the series' first
        room = width - LABEL_WIDTH - 2 - max(map(len, summaries.values())) - 1
        window = d.scores[-room:] if room >= MIN_SPARKLINE else ()
        for measure in Measure:
            about.append(f"{LABELS[measure]:<{LABEL_WIDTH}}", label)
            if measure not in summaries:
                about.append("–\n", style("detail--dim"))
                continue
            if window:
                values = [getattr(point, measure.value) for point in window]
                about.append(fmt.sparkline(values, MAXIMUM[measure]),
                             style("detail--sparkline"))
                about.append("  ")
            about.append(f"{_score_summary(d.scores, window, measure, this_year)}\n")
