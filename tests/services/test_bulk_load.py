"""The bulk load's machinery (db.bulk): rows packed in one process and written by another
(Packer, insert_packed), the helper process (Helper), and the settings a load borrows."""

from __future__ import annotations

import datetime as dt

import pytest

from frontdesk.db import models as m
from frontdesk.db.bulk import (Helper, HelperFailed, Packer, Texts, indexes_deferred,
                               insert_packed, insert_rows, load_cache)
from frontdesk.db.connection import write_transaction

COLUMNS = ("username", "display_name", "created_at")
AT = dt.datetime(2026, 11, 20, 9, 30)


def staff_rows(first: int, count: int) -> list[tuple]:
    return [(f"user{n:03d}", f"Name {n}", AT + dt.timedelta(minutes=n))
            for n in range(first, first + count)]


def stored_staff() -> list[tuple]:
    return list(m.Staff.select(m.Staff.username, m.Staff.display_name, m.Staff.created_at)
                .order_by(m.Staff.id).tuples())


def test_packed_in_pieces_is_stored_as_insert_rows_stores_it(db_path):
    """Runs straddle the pieces; what is left over is written last; dates as insert_rows
    writes them (and read back as datetimes)."""
    packer = Packer(m.Staff, COLUMNS)
    assert packer.many > 1
    runs, rows = [], staff_rows(0, 3 * packer.many + 5)
    for piece in (rows[:10], rows[10:10 + 2 * packer.many], rows[10 + 2 * packer.many:]):
        runs += packer.pack(piece)
    rest = packer.rest()
    assert len(runs) == 3 and len(rest) == 5 and packer.rest() == []
    with write_transaction():
        insert_packed(m.Staff, COLUMNS, runs, rest)
    assert stored_staff() == rows

    more = staff_rows(500, 7)
    with write_transaction():
        insert_rows(m.Staff, COLUMNS, more)
    assert stored_staff() == rows + more
    raw = m.database.obj.execute_sql("SELECT created_at FROM staff WHERE username = 'user000'")
    assert raw.fetchone()[0] == "2026-11-20 09:30:00"


def test_ready_rows_are_packed_as_they_are(db_path):
    texts = Texts()
    rows = [(u, name, texts[at]) for u, name, at in staff_rows(0, 70)]
    assert texts["already text"] == "already text" and texts[None] is None
    packer = Packer(m.Staff, COLUMNS, ready=True)
    runs = packer.pack(rows)
    with write_transaction():
        insert_packed(m.Staff, COLUMNS, runs, packer.rest())
    assert stored_staff() == staff_rows(0, 70)


def test_a_helper_that_fails_says_why():
    with Helper("frontdesk.db.bulk:no_such_function") as helper:
        with pytest.raises(HelperFailed, match="AttributeError"):
            helper.recv()


def test_a_helper_that_ends_without_a_word_is_a_failure_too():
    with Helper("builtins:id") as helper:   # returns at once, sends nothing
        with pytest.raises(HelperFailed, match="ended early"):
            helper.recv()


def test_a_helper_that_cannot_start_says_why(monkeypatch):
    monkeypatch.setattr("frontdesk.db.bulk._BOOT", "import sys; sys.exit('no such helper')")
    with Helper("frontdesk.db.bulk:no_such_function") as helper:
        with pytest.raises(HelperFailed, match="no such helper"):
            helper.recv()


def test_a_load_gives_back_the_connections_settings(db_path, monkeypatch):
    """indexes_deferred sorts its index builds with helper threads in a small cache that does
    not spill, and load_cache holds a big cache for the load: all as before afterwards, the
    index built (from rows in no order, in more runs than one: a tiny sort cache)."""
    monkeypatch.setattr("frontdesk.db.bulk._SORT_CACHE_KIB", 64)
    db = m.database.obj
    settings = ("threads", "cache_size", "cache_spill")
    before = [db.execute_sql(f"PRAGMA {name}").fetchone()[0] for name in settings]
    indexes = "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'audit_entry' ORDER BY name"
    schema = db.execute_sql(indexes).fetchall()
    assert ("audit_entry_at",) in [(name,) for name, _ in schema]
    staff = m.Staff.create(username="u", display_name="U", created_at=AT).id
    moments = [AT + dt.timedelta(seconds=(n * 7919) % 20_000) for n in range(20_000)]
    with load_cache(), write_transaction():
        assert db.execute_sql("PRAGMA cache_size").fetchone()[0] < -100_000
        with indexes_deferred(m.AuditEntry):
            insert_rows(m.AuditEntry, ("at", "staff", "action", "entity"),
                        [(at, staff, "test", "x") for at in moments])
    assert [db.execute_sql(f"PRAGMA {name}").fetchone()[0] for name in settings] == before
    assert db.execute_sql(indexes).fetchall() == schema
    assert db.execute_sql("PRAGMA integrity_check").fetchall() == [("ok",)]
    by_index = [at for (at,) in db.execute_sql(
        "SELECT at FROM audit_entry INDEXED BY audit_entry_at ORDER BY at")]
    assert by_index == sorted(at.isoformat(" ") for at in moments)
