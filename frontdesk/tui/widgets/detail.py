"""The highlighted patient: contact, phase and its history, progress, appointments, notes."""

from __future__ import annotations

import datetime as dt

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from frontdesk.domain.model import Phase
from frontdesk.services.patients import AppointmentLine, PatientDetail
from frontdesk.tui import format as fmt
from frontdesk.tui.widgets.patient_list import BADGE_CLASSES, badge_class

TWO_COLUMNS_FROM = 70  # wide enough for contact and appointments side by side


def _appointment(line: AppointmentLine, this_year: int) -> Text:
    chair = f" {line.chair}" if line.chair else ""
    return Text(f"{fmt.day_time(line.start, this_year):<12} {fmt.KIND_SHORT[line.kind]:<4}"
                f" {fmt.STATUS_WORDS[line.status]}{chair}", no_wrap=True, overflow="ellipsis")


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class DetailPane(VerticalScroll, can_focus=False):
    COMPONENT_CLASSES = {"detail--heading", "detail--label", "detail--dim"} | BADGE_CLASSES

    def compose(self):
        yield Static("No patient highlighted", id="detail-body")

    patient: PatientDetail | None = None  # the one shown

    def show(self, detail: PatientDetail | None, as_of: dt.date) -> None:
        self.patient = detail
        body = self.query_one("#detail-body", Static)
        if detail is None:
            body.update("No patient highlighted")
            return
        body.update(self._content(detail, as_of))

    def _content(self, d: PatientDetail, as_of: dt.date):
        style = self.get_component_rich_style
        heading = Text()
        heading.append(d.name, style("detail--heading"))
        heading.append(f"  {d.chart}  ")
        heading.append(d.badge, style(badge_class(d.badge, d.phase)))
        if d.stalled:
            heading.append(" ")
            heading.append("STALLED", style("badge--stalled"))

        about = Text(no_wrap=True, overflow="ellipsis")
        label = style("detail--label")

        def field(name: str, value: str) -> None:
            about.append(f"{name:<10}", label)
            about.append(f"{value}\n")

        field("Born", f"{d.date_of_birth.isoformat()} (age {_age(d.date_of_birth, as_of)})")
        field("Phone", d.phone)
        field("Email", d.email or "–")
        field("Phase", d.phase.value)
        field("Since", d.phase_since.isoformat())
        if d.phase == Phase.STABILIZATION:
            field("Series", f"{d.infusions_completed} of {d.stabilization_target} infusions")
        if d.phase == Phase.MAINTENANCE:
            field("Due on", f"{fmt.day(d.due_on)} (every {d.maintenance_interval_months} mo)")
        field("Last inf.", fmt.day(d.last_infusion))
        field("Last seen", fmt.day(d.last_seen))
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

        if self.size.width >= TWO_COLUMNS_FROM:
            grid = Table.grid(padding=(0, 2), expand=True)
            grid.add_column(ratio=1)
            grid.add_column(ratio=1)
            grid.add_row(Group(about, Text(""), history), Group(visits, Text(""), notes))
            return Group(heading, grid)
        return Group(heading, about, Text(""), visits, Text(""), history, Text(""), notes)
