"""Fast bulk inserts for import and the demo generator.

peewee's insert_many is about ten times slower than the driver's executemany; the rows here
are already validated plain values (dates, datetimes, ints, strings), which sqlite3 and
psycopg2 both adapt to the same text peewee would write.
"""

from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager
from itertools import chain, islice
from typing import Iterable, Iterator, Sequence

from peewee import DateField, DateTimeField, PostgresqlDatabase

from frontdesk.db.connection import write_transaction
from frontdesk.db.dialect import is_sqlite
from frontdesk.db.models import database


def _quoted(name: str) -> str:
    quote = database.obj.quote
    return f"{quote[0]}{name}{quote[-1]}"


def insert_rows(model, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert plain tuples; columns left out get the model's default (as peewee would)."""
    fields = [model._meta.fields[name] for name in columns]
    defaulted = [f for f in model._meta.sorted_fields
                 if f.name not in columns and f.default is not None
                 and f is not model._meta.primary_key]
    extra = tuple(f.default() if callable(f.default) else f.default for f in defaulted)
    fields += defaulted
    names = ", ".join(_quoted(f.column_name) for f in fields)
    table = _quoted(model._meta.table_name)
    if isinstance(database.obj, PostgresqlDatabase):
        if extra:
            rows = (tuple(row) + extra for row in rows)
        # psycopg2's executemany sends one statement per row; execute_values batches them
        from psycopg2.extras import execute_values
        execute_values(database.obj.cursor(), f"INSERT INTO {table} ({names}) VALUES %s",
                       rows, page_size=1000)
        return
    row = "(" + ", ".join([database.obj.param] * len(fields)) + ")"
    timed = [i for i, f in enumerate(fields) if isinstance(f, (DateTimeField, DateField))]
    rows = map(_row_builder(len(columns), timed, extra), rows)
    cursor = database.obj.cursor()
    sql = f"INSERT INTO {table} ({names}) VALUES "
    many = max(1, min(_ROWS_PER_INSERT, _MAX_VARIABLES // len(fields)))
    if many > 1:
        # several rows a statement: sqlite3 pays its per-statement overhead once for them
        short: list = []
        cursor.executemany(sql + ", ".join([row] * many), _runs(rows, many, short))
        rows = short
    cursor.executemany(sql + row, rows)  # the last few, one at a time


#: Rows a multi-row INSERT takes, within SQLite's 999 parameters (the old default limit).
_ROWS_PER_INSERT = 64
_MAX_VARIABLES = 999


def _runs(rows: Iterator[tuple], many: int, short: list) -> Iterator[tuple]:
    """Runs of `many` rows, each as one flat tuple; the short last run goes into `short`."""
    flat = chain.from_iterable
    for run in iter(lambda: tuple(islice(rows, many)), ()):
        if len(run) < many:
            short.extend(run)
            return
        yield tuple(flat(run))


def _row_builder(width: int, timed: list[int], extra: tuple):
    """SQLite: a function turning one row into the tuple written: the defaulted values
    appended and dates and datetimes as the text sqlite3's adapters would write
    (isoformat, a space before the time). Generated code (one tuple display, no loop) and a
    dict of the texts, so a row costs one call: a load repeats the same moments (a grid of
    slots, one `now`) and formatting costs more than the insert, so each distinct value is
    formatted once (_Texts.__missing__)."""
    items = [f"r[{i}]" for i in range(width)] + [f"extra[{i}]" for i in range(len(extra))]
    for i in timed:
        items[i] = f"text({items[i]})"
    return eval(f"lambda r: ({', '.join(items)},)",
                {"text": _Texts().__getitem__, "extra": extra})


class _Texts(dict):
    """value -> the text SQLite stores for it (None and text as they are, not kept)."""

    def __missing__(self, value):
        if value is None or isinstance(value, str):
            return value
        text = self[value] = (value.isoformat(" ") if isinstance(value, dt.datetime)
                              else value.isoformat())
        return text


def update_rows(model, column: str, rows: Iterable[tuple]) -> None:
    """Set one column by primary key: rows are (value, id)."""
    field = model._meta.fields[column]
    param = database.obj.param
    sql = (f"UPDATE {_quoted(model._meta.table_name)} SET {_quoted(field.column_name)} = {param}"
           f" WHERE {_quoted(model._meta.primary_key.column_name)} = {param}")
    database.obj.cursor().executemany(sql, rows)


#: A load defers the indexes when it adds at least 1/DEFER_RATIO of the rows already there:
#: rebuilding an index costs about as much per row as the table holds, keeping it up to date
#: row by row several times that per row loaded (FTS5 about fourteen times).
DEFER_RATIO = 8
#: Page cache during a load (KiB; SQLite's default is 2 MB): the transaction's pages stay in
#: memory instead of spilling to the WAL and being read back, and the index builds sort in
#: memory. Only what is used is allocated; the connection's own size comes back after.
_LOAD_CACHE_KIB = 1_048_576


@contextmanager
def indexes_deferred(*models, adding: int | None = None) -> Iterator[None]:
    """A bulk load into `models`' tables (SQLite) with their indexes built once after it
    instead of row by row: inside the caller's write transaction, the tables' plain
    (non-unique) indexes are dropped, and so are the triggers that keep an external-content
    FTS5 table over them up to date on insert; after the load the indexes are created again
    from their own SQL, each such FTS5 table is rebuilt and its triggers come back. Unique
    indexes stay: they keep the load honest and serve lookups during it. An error rolls all
    of it back with the load. `adding`: how many rows the load brings; a small load into a
    big table keeps its indexes (see DEFER_RATIO). PostgreSQL: nothing changes."""
    db = database.obj
    if not is_sqlite(db):
        yield
        return
    tables = [model._meta.table_name for model in models]
    if adding is not None:
        existing = sum(db.execute_sql(f"SELECT count(*) FROM {_quoted(t)}").fetchone()[0]
                       for t in tables)
        if adding * DEFER_RATIO < existing:
            yield
            return
    marks = ", ".join("?" * len(tables))
    schema = db.execute_sql(
        f"SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL "
        f"AND (tbl_name IN ({marks}) OR type = 'table') ORDER BY rowid", tables).fetchall()
    indexes = [(name, sql) for kind, name, _, sql in schema
               if kind == "index" and not _UNIQUE.match(sql)]
    fts = [name for kind, name, _, sql in schema if kind == "table"
           and (over := _FTS_CONTENT.search(sql)) and over.group(1).strip("'\"") in tables]
    triggers = [(name, sql) for kind, name, _, sql in schema
                if kind == "trigger" and _AFTER_INSERT.search(sql)
                and any(re.search(rf"\b{re.escape(t)}\b", sql) for t in fts)]
    cache = db.execute_sql("PRAGMA cache_size").fetchone()[0]
    db.execute_sql(f"PRAGMA cache_size=-{_LOAD_CACHE_KIB}")
    try:
        with write_transaction():  # a savepoint when the caller's transaction is open
            for name, _ in triggers:
                db.execute_sql(f"DROP TRIGGER {_quoted(name)}")
            for name, _ in indexes:
                db.execute_sql(f"DROP INDEX {_quoted(name)}")
            yield
            for _, sql in indexes:
                db.execute_sql(sql)
            for name in fts:
                db.execute_sql(f"INSERT INTO {_quoted(name)}({_quoted(name)}) VALUES ('rebuild')")
            for _, sql in triggers:
                db.execute_sql(sql)
    finally:
        db.execute_sql(f"PRAGMA cache_size={int(cache)}")


_UNIQUE = re.compile(r"\s*CREATE\s+UNIQUE\b", re.IGNORECASE)
_FTS_CONTENT = re.compile(r"USING\s+fts5\s*\(.*\bcontent\s*=\s*('[^']*'|\"[^\"]*\"|\w+)",
                          re.IGNORECASE | re.DOTALL)
_AFTER_INSERT = re.compile(r"\bAFTER\s+INSERT\b", re.IGNORECASE)
