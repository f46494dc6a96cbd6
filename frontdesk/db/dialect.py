"""What differs between SQLite and PostgreSQL, in one place (as harlequin gives each database
one adapter). Services never ask which database they are on: they call these.

- Row locks: PostgreSQL locks the rows a write reads (SELECT ... FOR UPDATE) so two desks
  cannot both decide on the same rows; SQLite has no FOR UPDATE, and needs none, because
  every write transaction takes the database's write lock up front (BEGIN IMMEDIATE).
- A timestamp's day: DATE(start) on both, but SQLite hands the day back as text.
"""

from __future__ import annotations

import datetime as dt

from peewee import Database, SqliteDatabase, fn

from frontdesk.db.models import database


def is_sqlite(db: Database | None = None) -> bool:
    db = db or database.obj
    return isinstance(db, SqliteDatabase)


def for_update(query):
    """`query`, locking the rows it reads until the transaction ends (PostgreSQL)."""
    return query if is_sqlite() else query.for_update()


def lock_rows(query) -> None:
    """Lock every row `query` reads until the transaction ends (PostgreSQL; SQLite's write
    transaction already holds the whole database)."""
    if not is_sqlite():
        list(query.for_update().tuples())


def day_of(column):
    """The calendar day of a timestamp column, for GROUP BY; read it back with as_day."""
    return fn.DATE(column)


def as_day(value) -> dt.date | None:
    """A day read back from SQL: SQLite gives text, PostgreSQL a date or a datetime."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def as_moment(value) -> dt.datetime | None:
    """A timestamp read raw (an aggregate, a .tuples() row): SQLite may give text."""
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))
