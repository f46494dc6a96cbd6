"""The desk's patient list: one line per patient, fetched a page at a time."""

from __future__ import annotations

from rich.text import Text

from frontdesk.domain.model import Phase
from frontdesk.services.patients import PatientRow
from frontdesk.tui import format as fmt
from frontdesk.tui.widgets.virtual_list import VirtualList

CHART, BADGE, LAST, NEXT, CALL = 9, 16, 10, 12, 16
#: With the last-call column, Next booked shows only while the names keep this much room.
NAME_MIN = 18
#: The call column's words where the domain's are longer (the detail pane has them in full).
SHORT_CALL = {"left voicemail": "voicemail", "wrong number": "wrong no.", "call back": "call"}
BADGE_CLASSES = {f"badge--{name}" for name in (
    "intake", "stabilization", "maintenance", "due", "overdue", "integration", "discharged",
    "stalled")}


def badge_class(row_badge: str, phase: Phase) -> str:
    """The badge's look (frontdesk.tcss); the text itself always says the same thing."""
    if row_badge in ("DUE", "OVERDUE"):
        return f"badge--{row_badge.lower()}"
    return f"badge--{phase.value}"


def short_call(text: str | None) -> str:
    """'11-20 left voicemail' as '11-20 voicemail', '11-20 call back 11-24' as
    '11-20 call 11-24': the latest call in the list's column."""
    if not text:
        return "–"
    day, _, rest = text.partition(" ")
    for long, short in SHORT_CALL.items():
        if rest.startswith(long):
            rest = short + rest[len(long):]
            break
    return f"{day} {rest}"[:CALL]


class PatientList(VirtualList):
    HELP_NAME = "Patient list"
    COMPONENT_CLASSES = VirtualList.COMPONENT_CLASSES | BADGE_CLASSES | {"patient-list--call"}
    header = "columns"
    empty_text = "No patient matches (a: register a new patient)"
    this_year = 0  # the chosen day's year (set by the desk): other years' dates show in full

    calls = False  # the recall lists (Due, Not seen) show each patient's latest call

    def show_calls(self, calls: bool) -> None:
        if calls != self.calls:
            self.calls = calls
            self.refresh()

    def row_look(self) -> tuple:
        return self.calls, self.this_year

    def header_text(self, width: int) -> Text:
        return self._line("Patient", "Chart", "Phase", "Last seen", "Next booked", "Last call",
                          width)

    def _layout(self, width: int) -> tuple[int, bool]:
        """The name's width, and whether Next booked shows (it gives way to the last call
        on a narrow recall list: the detail pane lists what is booked)."""
        fixed = CHART + BADGE + LAST + NEXT + 4
        if not self.calls:
            return max(8, width - fixed - 1), True
        if width - fixed - CALL - 1 - 1 >= NAME_MIN:
            return width - fixed - CALL - 1 - 1, True
        return max(8, width - fixed + NEXT + 1 - CALL - 1 - 1), False

    def _line(self, name: str, chart: str, badge: Text | str, last: str, nxt: str,
              call: str | Text, width: int) -> Text:
        name_width, with_next = self._layout(width)
        text = Text(" ")
        text.append(Text(name[:name_width - 1] + "…" if len(name) > name_width else
                         name.ljust(name_width)))
        text.append(f" {chart[:CHART - 1]:<{CHART}}")
        text.append(badge if isinstance(badge, Text) else Text(f"{badge:<{BADGE}}"))
        text.append(f" {last:<{LAST}}")
        if self.calls:
            text.append(" ")
            text.append(call if isinstance(call, Text) else Text(f"{call:<{CALL}}"))
        if with_next:
            text.append(f" {nxt:<{NEXT}}")
        return text

    def row_text(self, row: PatientRow, width: int) -> Text:
        badge = Text()
        badge.append(row.badge, self.get_component_rich_style(badge_class(row.badge, row.phase)))
        if row.stalled:
            badge.append(" ")
            badge.append("STALLED", self.get_component_rich_style("badge--stalled"))
        badge.pad_right(BADGE - badge.cell_len)
        call = Text(f"{short_call(row.last_call):<{CALL}}",
                    self.get_component_rich_style("patient-list--call"))
        return self._line(row.name, row.chart, badge, fmt.day(row.last_seen),
                          fmt.day_time(row.next_booked, self.this_year), call, width)
