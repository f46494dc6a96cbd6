"""The desk's patient list: one line per patient, fetched a page at a time."""

from __future__ import annotations

from rich.text import Text

from frontdesk.domain.model import Phase
from frontdesk.services.patients import PatientRow
from frontdesk.tui import format as fmt
from frontdesk.tui.widgets.virtual_list import VirtualList

CHART, BADGE, LAST, NEXT = 9, 16, 10, 12
BADGE_CLASSES = {f"badge--{name}" for name in (
    "intake", "stabilization", "maintenance", "due", "overdue", "integration", "discharged",
    "stalled")}


def badge_class(row_badge: str, phase: Phase) -> str:
    """The badge's look (frontdesk.tcss); the text itself always says the same thing."""
    if row_badge in ("DUE", "OVERDUE"):
        return f"badge--{row_badge.lower()}"
    return f"badge--{phase.value}"


class PatientList(VirtualList):
    HELP_NAME = "Patient list"
    COMPONENT_CLASSES = VirtualList.COMPONENT_CLASSES | BADGE_CLASSES
    header = "columns"
    empty_text = "No patient matches"
    this_year = 0  # the chosen day's year (set by the desk): other years' dates show in full

    def header_text(self, width: int) -> Text:
        return self._line("Patient", "Chart", "Phase", "Last seen", "Next booked", width)

    @staticmethod
    def _widths(width: int) -> tuple[int, bool]:
        fixed = CHART + BADGE + LAST + NEXT + 4
        return max(8, width - fixed - 1), width - fixed - 1 >= 8

    def _line(self, name: str, chart: str, badge: Text | str, last: str, nxt: str,
              width: int) -> Text:
        name_width, _ = self._widths(width)
        text = Text(" ")
        text.append(Text(name[:name_width - 1] + "…" if len(name) > name_width else
                         name.ljust(name_width)))
        text.append(f" {chart[:CHART - 1]:<{CHART}}")
        text.append(badge if isinstance(badge, Text) else Text(f"{badge:<{BADGE}}"))
        text.append(f" {last:<{LAST}} {nxt:<{NEXT}}")
        return text

    def row_text(self, row: PatientRow, width: int) -> Text:
        badge = Text()
        badge.append(row.badge, self.get_component_rich_style(badge_class(row.badge, row.phase)))
        if row.stalled:
            badge.append(" ")
            badge.append("STALLED", self.get_component_rich_style("badge--stalled"))
        badge.pad_right(BADGE - badge.cell_len)
        return self._line(row.name, row.chart, badge, fmt.day(row.last_seen),
                          fmt.day_time(row.next_booked, self.this_year), width)
