"""A list that draws only the lines on screen and asks for the rows it is missing.

The owner says how many rows there are (`reset`), hands rows in as they arrive (`put`) and
answers `NeedRows` by fetching a page in a worker. Nothing here touches the database.
"""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from frontdesk.tui.format import PAGE  # rows per request (in format: tui.preload reads it)


class VirtualList(ScrollView, can_focus=True, inherit_bindings=False):
    """Subclasses draw a row with `row_text`; rows not fetched yet show a placeholder."""

    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump_to(0)", "First", show=False),
        Binding("end", "jump_to(-1)", "Last", show=False),
        Binding("enter", "activate", "Open", show=False),
    ]
    COMPONENT_CLASSES = {"virtual-list--cursor", "virtual-list--header",
                         "virtual-list--placeholder"}

    class NeedRows(Message):
        def __init__(self, source: "VirtualList", start: int, count: int) -> None:
            super().__init__()
            self.source = source
            self.start = start
            self.count = count

        @property
        def control(self) -> "VirtualList":
            return self.source

    class Highlighted(Message):
        def __init__(self, source: "VirtualList", index: int, row: Any) -> None:
            super().__init__()
            self.source = source
            self.index = index
            self.row = row

        @property
        def control(self) -> "VirtualList":
            return self.source

    class Activated(Highlighted):
        """Enter (or a click on the highlighted row)."""

    header: str = ""      # a fixed first line (column titles); empty for none
    empty_text: str = "Nothing to show"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.row_count = 0
        self.cursor = 0
        self.generation = 0       # bumped by reset(); answers for older generations are dropped
        self.loaded = False       # False until the first reset(): shows "Loading…"
        self._rows: dict[int, Any] = {}
        self._asked: set[int] = set()  # page numbers requested and not answered yet
        # Drawn lines, by (row, width, under the cursor): Textual draws every line in sight
        # again whenever the list refreshes (a cursor move, a page arriving, a layout); a
        # row's line is made once while the look stays the same (see render_lines).
        self._lines: dict[tuple, Strip] = {}
        self._look: tuple | None = None
        self._base: Style | None = None    # the widget's style, once per drawing
        self._cursor: Style | None = None  # the cursor's, once per drawing

    # --- data in ----------------------------------------------------------------------------

    def reset(self, row_count: int, rows: dict[int, Any] | None = None,
              cursor: int = 0, keep_scroll: bool = False) -> int:
        """A new list: forget every row (`keep_scroll`: the same list again, read anew, shown
        where it was). Returns the new generation."""
        self.generation += 1
        self.loaded = True
        self.row_count = row_count
        self._rows = dict(rows or {})
        self._asked = set()
        self.cursor = max(0, min(cursor, row_count - 1))
        self.virtual_size = Size(self.scrollable_content_region.width,
                                 row_count + self._header_lines)
        if not keep_scroll:
            self.scroll_to(y=0, animate=False, immediate=True, force=True)
        self._keep_cursor_visible()
        self.refresh()
        self._ask_for_missing()
        self._announce()
        return self.generation

    def put(self, generation: int, start: int, rows: list[Any]) -> None:
        if generation != self.generation:
            return
        for index, row in enumerate(rows, start=start):
            self._rows[index] = row
        self._asked.discard(start // PAGE)
        self.refresh()
        if start <= self.cursor < start + len(rows):
            self._announce()

    def loaded_rows(self) -> list[tuple[int, Any]]:
        return list(self._rows.items())

    def replace_row(self, index: int, row: Any) -> None:
        """Show a changed row at once (before the list is loaded again)."""
        if index in self._rows:
            self._rows[index] = row
            self.refresh()
            if index == self.cursor:
                self._announce()

    def row(self, index: int) -> Any:
        return self._rows.get(index)

    @property
    def highlighted(self) -> Any:
        return self._rows.get(self.cursor) if self.row_count else None

    # --- drawing ----------------------------------------------------------------------------

    @property
    def _header_lines(self) -> int:
        return 1 if self.header else 0

    def header_text(self, width: int) -> Text:
        return Text(self.header)

    def row_text(self, row: Any, width: int) -> Text:
        raise NotImplementedError

    def row_look(self) -> tuple:
        """What else a row's line depends on (a subclass's settings: the clock, a column
        shown or not); a change draws every line anew."""
        return ()

    def render_lines(self, crop):
        # the widget's and the cursor's styles once per drawing, not once per line (each
        # looks up the stylesheet and the ancestors' colours); lines drawn for another look
        # (theme, focus, a subclass's settings) are forgotten
        self._base = self.rich_style
        # the cursor's look differs with and without focus (frontdesk.tcss)
        self._cursor = self.get_component_rich_style("virtual-list--cursor")
        look = (self._base, self._cursor, self.app.theme, self.row_look())
        if look != self._look:
            self._look = look
            self._lines.clear()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if self.header and y == 0:
            style = self.get_component_rich_style("virtual-list--header")
            return self._strip(self.header_text(width), width, style)
        index = self.scroll_offset.y + y - self._header_lines
        if not self.row_count:
            if y == self._header_lines:
                text = " " + (self.empty_text if self.loaded else "Loading…")
                style = self.get_component_rich_style("virtual-list--placeholder")
                return self._strip(Text(text), width, style)
            return Strip.blank(width, self._base_style())
        if index >= self.row_count:
            return Strip.blank(width, self._base_style())
        row = self._rows.get(index)
        if row is None:
            style = self.get_component_rich_style("virtual-list--placeholder")
            return self._strip(Text("…"), width, style)
        at_cursor = index == self.cursor
        key = (row, width, at_cursor)
        try:
            strip = self._lines.get(key)
        except TypeError:  # a row that cannot be a key: drawn every time
            key, strip = None, None
        if strip is None:
            cursor = None
            if at_cursor:
                cursor = self._cursor or self.get_component_rich_style("virtual-list--cursor")
            strip = self._strip(self.row_text(row, width), width, cursor)
            if key is not None:
                if len(self._lines) > 8 * PAGE:
                    self._lines.clear()
                self._lines[key] = strip
        return strip

    def _base_style(self) -> Style:
        return self._base or self.rich_style

    def _strip(self, text: Text, width: int, style: Style | None) -> Strip:
        text.truncate(width, overflow="ellipsis", pad=True)
        segments = list(text.render(self.app.console))
        strip = Strip(segments).adjust_cell_length(width)
        base = self._base_style()
        # the cursor's style goes on top: under the widget's background it would not show
        top = style or Style()
        return Strip([Segment(t, (base + s if s else base) + top, c) for t, s, c in strip])

    # --- asking for rows --------------------------------------------------------------------

    def _visible_range(self) -> range:
        top = int(self.scroll_offset.y)
        height = max(1, self.size.height - self._header_lines)
        return range(top, min(self.row_count, top + height))

    def _ask_for_missing(self) -> None:
        if not self.row_count:
            return
        for index in self._visible_range():
            if index not in self._rows:
                page = index // PAGE
                if page not in self._asked:
                    self._asked.add(page)
                    self.post_message(self.NeedRows(self, page * PAGE, PAGE))

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._ask_for_missing()

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width,
                                 self.row_count + self._header_lines)
        self._keep_cursor_visible()
        self._ask_for_missing()

    # --- moving -----------------------------------------------------------------------------

    def move_to(self, index: int) -> None:
        if not self.row_count:
            return
        index = max(0, min(index, self.row_count - 1))
        if index != self.cursor:
            self.cursor = index
            self._keep_cursor_visible()
            self.refresh()
            self._announce()

    def _keep_cursor_visible(self) -> None:
        """Scroll so the cursor's row is in sight. Forced: Textual allows a scroll only once
        the scrollbar is laid out, one refresh after the list grew, so a list loaded with its
        cursor below the view would otherwise stay at the top, the cursor out of sight
        (issue 14, bug 6)."""
        height = max(1, self.size.height - self._header_lines)
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True, force=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True,
                           force=True)
        self._ask_for_missing()

    def _announce(self) -> None:
        if self.row_count:
            self.post_message(self.Highlighted(self, self.cursor, self.highlighted))

    def action_cursor(self, step: int) -> None:
        self.move_to(self.cursor + step)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self.size.height - self._header_lines - 1))

    def action_jump_to(self, index: int) -> None:
        self.move_to(self.row_count - 1 if index < 0 else index)

    def action_activate(self) -> None:
        if self.row_count and self.highlighted is not None:
            self.post_message(self.Activated(self, self.cursor, self.highlighted))

    def on_click(self, event: events.Click) -> None:
        line = event.y - self._header_lines
        if line < 0:
            return
        index = int(self.scroll_offset.y) + line
        if index < self.row_count:
            again = index == self.cursor
            self.move_to(index)
            if again or event.chain > 1:
                self.action_activate()
