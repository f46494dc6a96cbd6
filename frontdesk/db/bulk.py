"""Fast bulk inserts for import and the demo generator.

peewee's insert_many is about ten times slower than the driver's executemany; the rows here
are already validated plain values (dates, datetimes, ints, strings), which sqlite3 and
psycopg2 both adapt to the same text peewee would write.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from peewee import PostgresqlDatabase

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
    if defaulted:
        extra = tuple(f.default() if callable(f.default) else f.default for f in defaulted)
        fields += defaulted
        rows = (tuple(row) + extra for row in rows)
    names = ", ".join(_quoted(f.column_name) for f in fields)
    table = _quoted(model._meta.table_name)
    if isinstance(database.obj, PostgresqlDatabase):
        # psycopg2's executemany sends one statement per row; execute_values batches them
        from psycopg2.extras import execute_values
        execute_values(database.obj.cursor(), f"INSERT INTO {table} ({names}) VALUES %s",
                       rows, page_size=1000)
        return
    marks = ", ".join([database.obj.param] * len(fields))
    database.obj.cursor().executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def update_rows(model, column: str, rows: Iterable[tuple]) -> None:
    """Set one column by primary key: rows are (value, id)."""
    field = model._meta.fields[column]
    param = database.obj.param
    sql = (f"UPDATE {_quoted(model._meta.table_name)} SET {_quoted(field.column_name)} = {param}"
           f" WHERE {_quoted(model._meta.primary_key.column_name)} = {param}")
    database.obj.cursor().executemany(sql, rows)
