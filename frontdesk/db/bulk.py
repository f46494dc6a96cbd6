"""Fast bulk inserts for import and the demo generator.

peewee's insert_many is about ten times slower than the driver's executemany; the rows here
are already validated plain values (dates, datetimes, ints, strings), which sqlite3 and
psycopg2 both adapt to the same text peewee would write.

A big load uses two cores: `Helper` runs the making of the rows (the demo's simulation, the
import's reading of a file) in a second Python process while this one writes what it has
sent so far; `Packer` lets that process also do the rows' packing for SQLite.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import re
import struct
import subprocess
import sys
import tempfile
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
    if isinstance(database.obj, PostgresqlDatabase):
        _, extra = _fields(model, columns)
        if extra:
            rows = (tuple(row) + extra for row in rows)
        # psycopg2's executemany sends one statement per row; execute_values batches them
        from psycopg2.extras import execute_values
        execute_values(database.obj.cursor(), f"INSERT INTO {_table(model)} "
                       f"({_names(model, columns)}) VALUES %s", rows, page_size=1000)
        return
    packer = Packer(model, columns)
    cursor = database.obj.cursor()
    short: list = []
    many, one = _statements(model, columns)
    if packer.many > 1:
        # several rows a statement: sqlite3 pays its per-statement overhead once for them
        cursor.executemany(many, _runs(map(packer.build, rows), packer.many, short))
        rows = short
    else:
        rows = map(packer.build, rows)
    cursor.executemany(one, rows)  # the last few, one at a time


#: Rows a multi-row INSERT takes, within SQLite's 999 parameters (the old default limit).
_ROWS_PER_INSERT = 64
_MAX_VARIABLES = 999


def _fields(model, columns: Sequence[str]) -> tuple[list, tuple]:
    """The fields written: `columns`, then those left out that have a default (and the
    defaults' values)."""
    fields = [model._meta.fields[name] for name in columns]
    defaulted = [f for f in model._meta.sorted_fields
                 if f.name not in columns and f.default is not None
                 and f is not model._meta.primary_key]
    extra = tuple(f.default() if callable(f.default) else f.default for f in defaulted)
    return fields + defaulted, extra


def _table(model) -> str:
    return _quoted(model._meta.table_name)


def _names(model, columns: Sequence[str]) -> str:
    return ", ".join(_quoted(f.column_name) for f in _fields(model, columns)[0])


def _statements(model, columns: Sequence[str]) -> tuple[str, str]:
    """SQLite: the INSERT of Packer(model, columns).many rows, and that of one row."""
    width = len(_fields(model, columns)[0])
    row = "(" + ", ".join([database.obj.param] * width) + ")"
    sql = f"INSERT INTO {_table(model)} ({_names(model, columns)}) VALUES "
    return sql + ", ".join([row] * _many(width)), sql + row


def _many(width: int) -> int:
    return max(1, min(_ROWS_PER_INSERT, _MAX_VARIABLES // width))


class Packer:
    """SQLite: rows of one table turned into what `insert_packed` writes, in any process
    (it needs the models, not the database): `pack(rows)` gives the runs ready so far (the
    values of `many` rows as one flat tuple, with the defaults appended and dates as SQLite's
    text, as insert_rows writes them) and holds the few left over; `rest()` those. A load
    made in one process and written by another: the packing is the writer's work saved.
    `ready`: the rows hold their dates as that text already (Texts), and every column."""

    def __init__(self, model, columns: Sequence[str], ready: bool = False):
        fields, extra = _fields(model, columns)
        timed = [i for i, f in enumerate(fields) if isinstance(f, (DateTimeField, DateField))]
        self.build = (_row_builder(len(columns), timed, extra) if not ready
                      else _as_it_is if not extra else (lambda row: tuple(row) + extra))
        self.many = _many(len(fields))
        self._held: list = []

    def pack(self, rows: Iterable[Sequence]) -> list[tuple]:
        short: list = []
        rows = iter(rows) if self.build is _as_it_is else map(self.build, rows)
        if self._held:
            rows = chain(self._held, rows)
        if self.many == 1:
            self._held = []
            return list(rows)
        runs = list(_runs(rows, self.many, short))
        self._held = short
        return runs

    def rest(self) -> list[tuple]:
        rest, self._held = self._held, []
        return rest


def insert_packed(model, columns: Sequence[str], runs: list[tuple], rest: list[tuple] = ()
                  ) -> None:
    """SQLite: write what Packer(model, columns) packed (runs, then the rows left over)."""
    many, one = _statements(model, columns)
    cursor = database.obj.cursor()
    if runs:  # (with one row a statement, `many` is `one`)
        cursor.executemany(many, runs)
    if rest:
        cursor.executemany(one, rest)


def _as_it_is(row):
    return row


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
    formatted once (Texts.__missing__)."""
    items = [f"r[{i}]" for i in range(width)] + [f"extra[{i}]" for i in range(len(extra))]
    for i in timed:
        items[i] = f"text({items[i]})"
    return eval(f"lambda r: ({', '.join(items)},)",
                {"text": Texts().__getitem__, "extra": extra})


class Texts(dict):
    """value -> the text SQLite stores for it (None and text as they are, also kept: a row
    given as text already costs a lookup, not a call)."""

    def __missing__(self, value):
        if value is None or isinstance(value, str):
            text = value
        else:
            text = (value.isoformat(" ") if isinstance(value, dt.datetime)
                    else value.isoformat())
        self[value] = text
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
#: memory instead of spilling to the WAL (or the file) and being read back. Only what is
#: used is allocated; the connection's own size comes back after.
_LOAD_CACHE_KIB = 1_048_576


#: The index builds after a load sort with this many helper threads besides the connection's
#: own (PRAGMA threads; SQLite's default is none): with two cores the 1.09 M demo
#: appointments' four wide indexes sort in about half the time. Threads only help when the
#: sort is cut into several runs, whose size is the page cache's (up to 512 MB): so the
#: builds run with a small cache (_SORT_CACHE_KIB) that does not spill (the load's pages
#: stay in memory whatever the cache's size: PRAGMA cache_spill=OFF).
_SORT_THREADS = max(1, min(4, (os.cpu_count() or 1) - 1))
_SORT_CACHE_KIB = 8192


@contextmanager
def _sorting_in_threads(db, builds: int) -> Iterator[None]:
    """SQLite index builds sorting with helper threads (see _SORT_THREADS); the
    connection's settings come back after."""
    if not builds:
        yield
        return
    saved = {name: db.execute_sql(f"PRAGMA {name}").fetchone()[0]
             for name in ("threads", "cache_size", "cache_spill")}
    db.execute_sql(f"PRAGMA threads={_SORT_THREADS}")
    db.execute_sql("PRAGMA cache_spill=OFF")
    db.execute_sql(f"PRAGMA cache_size=-{_SORT_CACHE_KIB}")
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA cache_size={int(saved['cache_size'])}")
        db.execute_sql(f"PRAGMA cache_spill={'ON' if saved['cache_spill'] else 'OFF'}")
        db.execute_sql(f"PRAGMA threads={int(saved['threads'])}")


@contextmanager
def load_cache() -> Iterator[None]:
    """SQLite: the load's page cache (_LOAD_CACHE_KIB) for as long as this lasts, then the
    connection's own size again. A load's caller holds it from the first insert to its
    last check: with the usual 2 MB, the checks after the index builds (the chair guard's,
    the foreign keys') would spill the load's pages to the file and read them back."""
    db = database.obj
    if not is_sqlite(db):
        yield
        return
    cache = db.execute_sql("PRAGMA cache_size").fetchone()[0]
    db.execute_sql(f"PRAGMA cache_size=-{_LOAD_CACHE_KIB}")
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA cache_size={int(cache)}")


def journal_mode(db, mode: str | None = None):
    """SQLite's journal mode; with `mode`, whether switching to it worked (leaving WAL needs
    the database to be open on this connection alone)."""
    if mode is None:
        return db.execute_sql("PRAGMA journal_mode").fetchone()[0].lower()
    try:
        return db.execute_sql(f"PRAGMA journal_mode={mode}").fetchone()[0].lower() == mode
    except Exception:  # another connection holds the database open: stay as it is
        return False


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
    with load_cache(), write_transaction():  # a savepoint when the caller's is open
        for name, _ in triggers:
            db.execute_sql(f"DROP TRIGGER {_quoted(name)}")
        for name, _ in indexes:
            db.execute_sql(f"DROP INDEX {_quoted(name)}")
        yield
        with _sorting_in_threads(db, len(indexes)):
            for _, sql in indexes:
                db.execute_sql(sql)
        for name in fts:
            db.execute_sql(f"INSERT INTO {_quoted(name)}({_quoted(name)}) VALUES ('rebuild')")
        for _, sql in triggers:
            db.execute_sql(sql)


_UNIQUE = re.compile(r"\s*CREATE\s+UNIQUE\b", re.IGNORECASE)
_FTS_CONTENT = re.compile(r"USING\s+fts5\s*\(.*\bcontent\s*=\s*('[^']*'|\"[^\"]*\"|\w+)",
                          re.IGNORECASE | re.DOTALL)
_AFTER_INSERT = re.compile(r"\bAFTER\s+INSERT\b", re.IGNORECASE)


# --- a second process for the load ------------------------------------------------------------

class HelperFailed(RuntimeError):
    """The helper process failed (its error, or how it ended); nothing of the load is kept."""


_FRAME = struct.Struct("<Q")
_PROTOCOL = pickle.HIGHEST_PROTOCOL
_BOOT = "import sys; from frontdesk.db.bulk import _helper_main; _helper_main(sys.argv[1])"


class Helper:
    """`target` ("package.module:function") run in a child Python process, started at once
    so that its start-up overlaps the caller's work. The function gets a channel with send()
    and recv() (any picklable values, both ways); so does the caller, here. An exception in
    the child comes back from recv() as HelperFailed, with its message; close() (or leaving
    a `with`) ends the child. A plain subprocess of this interpreter, with this process's
    import path: nothing of the parent (a database connection, threads) is shared, and no
    module is imported twice here as multiprocessing's spawn would (the main script)."""

    def __init__(self, target: str):
        self._errors = tempfile.TemporaryFile()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        self._process = subprocess.Popen(
            [sys.executable, "-c", _BOOT, target], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self._errors, env=env)
        try:  # Linux: room for a whole batch in the pipe, so the child can run ahead
            import fcntl
            fcntl.fcntl(self._process.stdout, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
        except (ImportError, OSError):
            pass

    def __enter__(self) -> "Helper":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def send(self, value) -> None:
        try:
            _write(self._process.stdin, value)
        except (BrokenPipeError, OSError):
            raise self._failed("it stopped reading") from None

    def recv(self):
        try:
            message = _read(self._process.stdout)
        except EOFError:
            raise self._failed("it ended early") from None
        if isinstance(message, _Failure):
            raise HelperFailed(f"the helper process failed: {message.text}")
        return message

    def _failed(self, what: str) -> HelperFailed:
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._errors.seek(0)
        lines = self._errors.read().decode(errors="replace").strip().splitlines()
        said = f": {lines[-1]}" if lines else ""
        return HelperFailed(f"the helper process failed ({what}, exit status "
                            f"{self._process.returncode}){said}")

    def close(self) -> None:
        process = self._process
        for pipe in (process.stdin, process.stdout):
            try:
                pipe.close()
            except OSError:
                pass
        try:  # done (it has sent all), or given up on: it need not finish
            process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        self._errors.close()


class _Failure:
    def __init__(self, text: str):
        self.text = text


def _write(pipe, value) -> None:
    data = pickle.dumps(value, _PROTOCOL)
    pipe.write(_FRAME.pack(len(data)))
    pipe.write(data)
    pipe.flush()


def _read(pipe):
    head = pipe.read(_FRAME.size)
    if len(head) < _FRAME.size:
        raise EOFError
    size = _FRAME.unpack(head)[0]
    data = pipe.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


class _Channel:
    """The child's side: stdin and stdout, which print() no longer reaches."""

    def __init__(self):
        self._in, self._out = sys.stdin.buffer, sys.stdout.buffer
        sys.stdout = sys.stderr

    def send(self, value) -> None:
        _write(self._out, value)

    def recv(self):
        return _read(self._in)


def _helper_main(target: str) -> None:
    channel = _Channel()
    try:
        module, name = target.split(":")
        function = getattr(__import__(module, fromlist=[name]), name)
        function(channel)
    except (BrokenPipeError, EOFError):  # the parent is gone or gave up
        sys.exit(1)
    except BaseException as exc:  # noqa: BLE001 - the parent raises it as HelperFailed
        try:
            channel.send(_Failure(f"{type(exc).__name__}: {exc}"))
        except OSError:
            pass
        raise
