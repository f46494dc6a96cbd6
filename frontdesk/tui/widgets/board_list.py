"""The flow board's list: one line per appointment of the day, with the time its patient has
spent in the current status and an alert when they wait too long or overstay recovery."""

from __future__ import annotations

import datetime as dt

from rich.text import Text

from frontdesk.domain.model import STATUS_WORDS, Status
from frontdesk.domain.status_flow import DEFAULT_WAIT_ALERT_MINUTES, alert_for, minutes_between
from frontdesk.services.flow import BoardLine
from frontdesk.tui import format as fmt
from frontdesk.tui.widgets.patient_list import BADGE_CLASSES, badge_class
from frontdesk.tui.widgets.virtual_list import VirtualList

BADGE, KIND, CHAIR, STATUS, SINCE, ALERT = 9, 5, 9, 10, 5, 16
NAME_MAX = 32  # wider terminals keep the columns together rather than far apart
IN_CLINIC = frozenset({Status.ARRIVED, Status.IN_CHAIR, Status.RECOVERY})
FINISHED = frozenset({Status.COMPLETED, Status.NO_SHOW, Status.CANCELLED})


def time_in_status(minutes: int) -> str:
    """12m, 1h05: short enough for a narrow column."""
    return f"{minutes}m" if minutes < 60 else f"{minutes // 60}h{minutes % 60:02d}"


class BoardList(VirtualList):
    HELP_NAME = "Board"
    COMPONENT_CLASSES = VirtualList.COMPONENT_CLASSES | BADGE_CLASSES | {
        f"status--{status.value}" for status in Status} | {"board--alert", "board--finished"}
    header = "columns"
    empty_text = "No appointments on this day"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.now = dt.datetime.now()        # the screen sets it on every tick of the clock
        self.wait_limit = DEFAULT_WAIT_ALERT_MINUTES

    def _name_width(self, width: int) -> int:
        return max(8, min(NAME_MAX, width - (6 + BADGE + KIND + CHAIR + STATUS + SINCE + ALERT
                                             + 2)))

    def row_look(self) -> tuple:
        return self.now, self.wait_limit  # the time in status and the alerts follow them

    def header_text(self, width: int) -> Text:
        name = self._name_width(width)
        return Text(f" {'Time':<5} {'Patient':<{name}} {'Phase':<{BADGE}}{'Kind':<{KIND}}"
                    f"{'Chair':<{CHAIR}}{'Status':<{STATUS}}{'For':<{SINCE}}Alert")

    def row_text(self, row: BoardLine, width: int) -> Text:
        style = self.get_component_rich_style
        name_width = self._name_width(width)
        name = row.name if len(row.name) <= name_width else row.name[:name_width - 1] + "…"
        text = Text(f" {row.start:%H:%M} {name:<{name_width}} ")
        badge = Text(row.badge[:BADGE - 1], style(badge_class(row.badge, row.phase))
                     if row.phase else "")
        badge.pad_right(BADGE - badge.cell_len)
        text.append_text(badge)
        text.append(f"{fmt.KIND_SHORT[row.kind]:<{KIND}}{(row.chair or '–')[:CHAIR - 1]:<{CHAIR}}")
        status = STATUS_WORDS[row.status]
        if row.status == Status.CANCELLED and row.late_cancellation:
            status = "late canc."
        text.append(f"{status:<{STATUS}}", style(f"status--{row.status.value}"))
        since = (time_in_status(minutes_between(row.status_at, self.now))
                 if row.status in IN_CLINIC else "")
        text.append(f"{since:<{SINCE}}")
        alert = alert_for(row.status, row.status_at, row.ends_at, self.now, self.wait_limit)
        if alert is not None:
            text.append(f"! {alert.text}")
            text.stylize(style("board--alert", partial=True))
        elif row.status in FINISHED:
            text.stylize(style("board--finished", partial=True))
        return text
