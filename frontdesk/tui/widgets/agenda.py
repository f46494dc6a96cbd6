"""The chosen day's agenda: time, chair, patient, kind, status."""

from __future__ import annotations

from rich.text import Text

from frontdesk.domain.model import STATUS_WORDS
from frontdesk.services.calendar import AgendaLine
from frontdesk.tui import format as fmt
from frontdesk.tui.widgets.virtual_list import VirtualList

CHAIR, KIND, STATUS = 9, 5, 9


class AgendaList(VirtualList):
    HELP_NAME = "Agenda"
    COMPONENT_CLASSES = VirtualList.COMPONENT_CLASSES | {
        f"status--{status}" for status in ("booked", "arrived", "in_chair", "recovery",
                                           "completed", "no_show", "cancelled")}
    header = " Time  Chair    Patient"
    empty_text = "No appointments"

    def row_text(self, row: AgendaLine, width: int) -> Text:
        name_width = max(6, width - 7 - CHAIR - KIND - STATUS - 1)
        name = row.name if len(row.name) <= name_width else row.name[:name_width - 1] + "…"
        text = Text(f" {row.start:%H:%M} {(row.chair or '–')[:CHAIR - 1]:<{CHAIR}}"
                    f"{name:<{name_width}} {fmt.KIND_SHORT[row.kind]:<{KIND}}")
        text.append(STATUS_WORDS[row.status],
                    self.get_component_rich_style(f"status--{row.status.value}"))
        return text
