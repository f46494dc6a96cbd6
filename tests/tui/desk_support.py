"""Helpers for driving the desk under Pilot."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

FIXTURES = Path(__file__).parent.parent / "fixtures"
#: A Friday: the demo clinic is open and the day has appointments.
DESK_DAY = dt.date(2026, 11, 20)
#: A Monday morning for the board (tests/tui/conftest.py: board_db).
BOARD_NOW = dt.datetime(2026, 11, 23, 9, 5)


async def settle(pilot, rounds: int = 4) -> None:
    """Let every worker finish and every message they posted be handled (a result can
    start another worker: the list's first row loads the detail)."""
    from textual.worker import WorkerFailed
    app = pilot.app
    for _ in range(rounds):
        try:
            await app.workers.wait_for_complete()
        except WorkerFailed:  # the screen turns it into a notification; tests check that
            pass
        await pilot.pause()


async def type_text(pilot, text: str) -> None:
    """`text` typed into the text box that has the focus, the way a terminal delivers a fast
    typist's or a paste's keys: one key event per character, all at once, then a pause for
    the screen to take them. (pilot.press waits for the whole process to fall idle after
    every key, twice: with the desk's searches running in threads that is a tenth of a
    second a character.) The keys go to the box they were typed in: typing never moves the
    focus, which is checked."""
    from textual import events
    from textual.keys import _character_to_key
    from textual.widgets import Input, TextArea
    app = pilot.app
    box = app.focused
    assert isinstance(box, (Input, TextArea)), f"typing {text!r} into {box!r}"
    for character in text:
        app.post_message(events.Key(_character_to_key(character), character))
    await pilot.pause()
    assert app.focused is box, f"typing {text!r} moved the focus to {app.focused!r}"


def steady_cursors(app) -> None:
    """Every text box's cursor shown steadily, as it is right after a key: a screenshot taken
    half a second or more after the last key would otherwise catch the blinking cursor in
    whichever phase it was (a busy machine made the snapshots flaky)."""
    from textual.widgets import Input, TextArea
    for screen in app.screen_stack:
        for box in [*screen.query(Input), *screen.query(TextArea)]:
            box.cursor_blink = False


def screen_text(app) -> str:
    """What the terminal shows, as plain text, one line per row."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def rows(db, sql: str, *args) -> list[tuple]:
    """What a query reads from the desk's database file (another connection, as a second
    program would)."""
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


async def open_register_form(pilot):
    """`a` on the desk: the registration form."""
    from frontdesk.tui.screens.register import RegisterScreen
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    assert isinstance(pilot.app.screen, RegisterScreen)
    return pilot.app.screen


def register_note(app, name: str) -> str:
    """What the registration form says under a field ("" when nothing)."""
    from textual.widgets import Static
    note = app.screen.query_one(f"#reg-{name}-note", Static)
    return str(note.content) if note.display else ""
