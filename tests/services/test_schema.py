"""Opening databases: creation, pragmas, write locking, migration of a v1 file, refusals."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from frontdesk.db import models as m
from frontdesk.db.connection import DatabaseUnavailable, make_database, write_transaction
from frontdesk.db.schema import SCHEMA_VERSION, SchemaTooNew
from frontdesk.services.clinic import active_chair_names, clinic_settings, close_clinic, open_clinic

FIXTURES = Path(__file__).parent.parent / "fixtures"


def _rows(path: Path, table: str, columns: str = "*") -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT {columns} FROM {table} ORDER BY 1").fetchall()


def test_a_new_database_gets_the_current_schema_and_defaults(tmp_path):
    path = tmp_path / "sub" / "new.db"  # the folder is created too
    assert open_clinic(str(path)) == 0
    try:
        assert _rows(path, "schema_info", "value") != []
        assert dict(_rows(path, "schema_info"))["version"] == str(SCHEMA_VERSION)
        assert active_chair_names() == ["Chair 1", "Chair 2", "Chair 3", "Chair 4"]
        s = clinic_settings()
        assert (s.opens.isoformat(), s.closes.isoformat(), s.open_weekdays) == (
            "08:00:00", "18:00:00", (0, 1, 2, 3, 4))
        assert s.phone_region == "US"
    finally:
        close_clinic()
    assert open_clinic(str(path)) == SCHEMA_VERSION  # reopening changes nothing
    close_clinic()


def test_sqlite_pragmas(db_path):
    db = m.database.obj
    pragma = lambda name: db.execute_sql(f"PRAGMA {name}").fetchone()[0]
    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("busy_timeout") >= 5000
    assert pragma("synchronous") == 2  # FULL


def test_write_transactions_take_the_write_lock_up_front(db_path):
    """BEGIN IMMEDIATE: another writer is locked out before the first write happens."""
    other = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    with write_transaction():
        m.Chair.select().count()  # only a read so far
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")  # free again once committed
    other.execute("ROLLBACK")
    other.close()


def test_a_v1_database_is_migrated_without_losing_a_row(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema_v1.db", path)
    tables = ["patient", "appointment", "phase_change", "staff", "chair", "audit_entry",
              "clinic_setting"]
    before = {t: _rows(path, t) for t in tables}
    assert dict(_rows(path, "schema_info"))["version"] == "1"
    assert len(before["patient"]) == 6 and len(before["appointment"]) == 9

    assert open_clinic(str(path)) == 1
    close_clinic()

    assert dict(_rows(path, "schema_info"))["version"] == str(SCHEMA_VERSION)
    for table in tables:
        if table == "patient":
            continue
        width = len(before[table][0]) if before[table] else 0
        after = _rows(path, table)
        assert [row[:width] for row in after] == before[table], table
        assert all(value is None for row in after for value in row[width:]), table  # v5's
    old = {r[1]: r for r in before["patient"]}  # by chart number
    new = _rows(path, "patient", "chart_number, first_name, last_name, phone, search_key")
    assert {r[0] for r in new} == set(old)
    keys = {r[0]: r[4] for r in new}
    assert keys["C-1001"] == "nunez jose"          # Núñez, José: last name first, folded
    assert keys["C-1004"] == "muller lukasz"       # Łukasz Müller
    assert keys["C-1002"] == "obrien siobhan"      # Siobhán O'Brien
    assert all(r[1] == old[r[0]][2] and r[2] == old[r[0]][3] for r in new)  # names as written


def _index_columns(path) -> dict[str, list[str]]:
    with sqlite3.connect(path) as con:
        names = [n for (n,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")]
        return {n: [c[2] for c in con.execute(f'PRAGMA index_info("{n}")')] for n in names}


def test_a_migrated_database_has_the_indexes_of_a_new_one(tmp_path):
    old = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema_v1.db", old)
    open_clinic(str(old))
    close_clinic()
    new = tmp_path / "new.db"
    open_clinic(str(new))
    close_clinic()
    migrated, fresh = _index_columns(old), _index_columns(new)
    assert migrated == fresh
    # v7: the census reads its counts from this one index alone
    assert fresh[m.DAY_FIGURES_INDEX] == ["start", "status", "kind", "late_cancellation",
                                          "duration_minutes", "patient_id"]
    assert "appointment_start_status" not in fresh


def test_a_database_from_a_newer_frontdesk_is_refused(tmp_path):
    path = tmp_path / "future.db"
    open_clinic(str(path))
    close_clinic()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE schema_info SET value = ? WHERE key = 'version'",
                     (str(SCHEMA_VERSION + 1),))
    with pytest.raises(SchemaTooNew, match="newer frontdesk"):
        open_clinic(str(path))
    close_clinic()
    assert dict(_rows(path, "schema_info"))["version"] == str(SCHEMA_VERSION + 1)  # untouched


def test_foreign_databases_are_refused(tmp_path):
    foreign = tmp_path / "other.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(DatabaseUnavailable, match="not a frontdesk database"):
        open_clinic(str(foreign))
    close_clinic()
    text = tmp_path / "notes.txt"
    text.write_text("hello, I am not a database\n" * 100)
    with pytest.raises(DatabaseUnavailable):
        open_clinic(str(text))
    close_clinic()


@pytest.mark.parametrize("target, expected", [
    ("clinic.db", "clinic.db"),
    ("sqlite:///rel/clinic.db", "rel/clinic.db"),
    ("sqlite:////abs/clinic.db", "/abs/clinic.db"),
])
def test_sqlite_targets(tmp_path, monkeypatch, target, expected):
    monkeypatch.chdir(tmp_path)
    if expected.startswith("/"):
        target = target.replace("/abs", str(tmp_path / "abs"))
        expected = str(tmp_path / "abs" / "clinic.db")
    db = make_database(target)
    assert db.database == expected


def test_postgres_urls_are_understood_without_connecting():
    db = make_database("postgresql://desk:s%40cret@db.example:5433/clinic")
    assert db.database == "clinic"
    assert db.connect_params == {"host": "db.example", "port": 5433, "user": "desk",
                                 "password": "s@cret"}
    with pytest.raises(DatabaseUnavailable, match="names no database"):
        make_database("postgresql://desk@localhost/")
    with pytest.raises(DatabaseUnavailable, match="unknown database URL scheme"):
        make_database("mysql://x/y")
