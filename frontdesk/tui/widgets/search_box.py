"""The desk's search box: an Input whose keystrokes do not lay the whole screen out again."""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class SearchBox(Input):
    """Textual's Input keeps the width of its text as its scrollable size, a reactive that
    asks for a layout of the whole screen when it changes: on every keystroke, the desk's
    forty widgets arranged again and its panes and scrollbars redrawn before the list's
    answer could show. The box's own size never follows its text (frontdesk.tcss: one line,
    the pane's width), so the scrollable width is kept without a layout; the text scrolls
    within the box as before."""

    virtual_size = Reactive(Size(0, 0), layout=False)
