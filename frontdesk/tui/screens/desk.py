"""The desk: for now, the three lists' sizes and their first patients."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Header, Static

from frontdesk import clock
from frontdesk.domain.lists import DeskLists
from frontdesk.domain.model import Phase
from frontdesk.domain.phases import badge
from frontdesk.services.lists import desk_lists
from frontdesk.tui.messages import ListsLoaded
from frontdesk.tui.screens.base import DeskBaseScreen

TITLES = {"mid_stabilization": "Mid-stabilization",
          "due_for_maintenance": "Due maintenance",
          "not_seen_over_a_month": "Not seen >1 month"}


class DeskScreen(DeskBaseScreen):
    BINDINGS = [
        Binding("r", "refresh", "Refresh", id="desk.refresh"),
        Binding("q", "app.quit", "Quit", id="desk.quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="lists"):
            yield Static("Loading…", id="mid_stabilization", classes="list-panel")
            yield Static("Loading…", id="due_for_maintenance", classes="list-panel")
            yield Static("Loading…", id="not_seen_over_a_month", classes="list-panel")
        yield Footer()

    def on_mount(self) -> None:
        self._lines: dict[str, list[str]] = {}
        self.action_refresh()

    def action_refresh(self) -> None:
        self.load_lists()

    @work(thread=True, exclusive=True, group="lists", exit_on_error=False)
    def load_lists(self) -> None:
        self.post_message(ListsLoaded(desk_lists(clock.today())))

    def on_lists_loaded(self, message: ListsLoaded) -> None:
        desk: DeskLists = message.lists
        self.sub_title = " · ".join(filter(None, [self.app.sub_title,
                                                  f"as of {desk.as_of:%a %d %b %Y}"]))
        self._lines = {
            "mid_stabilization": [
                f"{'STALLED ' if e.stalled else ''}"
                f"{badge(Phase.STABILIZATION, completed=e.infusions_completed, target=e.target)}"
                f"  {e.name}" for e in desk.mid_stabilization],
            "due_for_maintenance": [
                f"{badge(Phase.MAINTENANCE, due=True, overdue=e.overdue):<7} "
                f"{e.due_on:%d %b %y}  {e.name}" for e in desk.due_for_maintenance],
            "not_seen_over_a_month": [
                f"{e.last_seen:%d %b %y}  {e.name}" if e.last_seen else f"never      {e.name}"
                for e in desk.not_seen_over_a_month]}
        for widget_id in self._lines:
            self._show(widget_id)

    def on_resize(self) -> None:
        for widget_id in self._lines:  # what fits changed; the rows are already here
            self._show(widget_id)

    def _show(self, widget_id: str) -> None:
        lines = self._lines[widget_id]
        panel = self.query_one(f"#{widget_id}", Static)
        panel.border_title = f"{len(lines)} {TITLES[widget_id]}"  # the count survives narrowing
        room = max(1, panel.content_size.height)
        if len(lines) > room:
            lines = lines[:room - 1] + [f"… and {len(lines) - room + 1} more"]
        panel.update(Text("\n".join(lines) if lines else "Nobody"))  # names are never markup
