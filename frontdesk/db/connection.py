"""Opening the database named by --db / FRONTDESK_DB: a SQLite path or URL, or PostgreSQL."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlparse

from peewee import Database, PostgresqlDatabase, SqliteDatabase, fn

from frontdesk.db.dialect import is_sqlite
from frontdesk.db.models import AuditEntry, database
from frontdesk.domain.errors import DomainError

SQLITE_PRAGMAS = (
    ("journal_mode", "wal"),
    ("foreign_keys", 1),
    ("busy_timeout", 10_000),   # ms; another desk's write waits instead of failing
    ("synchronous", "full"),
)


class DatabaseUnavailable(DomainError):
    """The database cannot be opened or is not one frontdesk can use."""


def make_database(target: str) -> Database:
    """Build (not connect) the peewee database for a path or URL."""
    if "://" not in target:
        return _sqlite(Path(target).expanduser())
    url = urlparse(target)
    if url.scheme == "sqlite":
        # sqlite:///relative.db and sqlite:////absolute.db, as SQLAlchemy and peewee write them;
        # sqlite:///tmp/x.db also finds /tmp/x.db when only that one exists.
        path = Path(unquote(url.path[1:] if url.path.startswith("/") else url.path)).expanduser()
        if not str(path) or str(path) == ".":
            raise DatabaseUnavailable(f"no file in database URL {target!r}")
        absolute = Path("/") / path
        if not path.is_absolute() and not path.exists() and absolute.exists():
            path = absolute
        return _sqlite(path)
    if url.scheme in ("postgresql", "postgres"):
        name = unquote(url.path.lstrip("/"))
        if not name:
            raise DatabaseUnavailable("the PostgreSQL URL names no database (…/dbname)")
        params = {"host": url.hostname, "port": url.port,
                  "user": unquote(url.username) if url.username else None,
                  "password": unquote(url.password) if url.password else None}
        return PostgresqlDatabase(name, **{k: v for k, v in params.items() if v is not None})
    raise DatabaseUnavailable(
        f"unknown database URL scheme {url.scheme!r} "
        "(use a file path, sqlite:/// or postgresql://)")


def _sqlite(path: Path) -> SqliteDatabase:
    if path.exists() and path.is_dir():
        raise DatabaseUnavailable(f"{path} is a folder, not a database file")
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, timeout=10)


def bind(db: Database) -> None:
    """Point the models at `db` (one database per process)."""
    database.initialize(db)


def connect(db: Database) -> None:
    try:
        db.connect(reuse_if_open=True)
    except Exception as exc:  # sqlite3, peewee and psycopg2 errors alike
        one_line = " ".join(str(exc).split())  # psycopg2 messages span several lines
        raise DatabaseUnavailable(f"cannot open the database: {one_line}") from None


@contextmanager
def write_transaction():
    """Every write takes the write lock up front (SQLite BEGIN IMMEDIATE), so two desks
    never both read-then-write the same rows."""
    db = database.obj
    with db.atomic(*(("IMMEDIATE",) if is_sqlite(db) else ())) as txn:
        yield txn


@contextmanager
def read_snapshot():
    """Several reads that must agree with each other (one transaction, one snapshot)."""
    with database.obj.atomic() as txn:
        yield txn


class ChangeProbe:
    """A cheap read whose answer changes whenever another connection commits a write.

    SQLite: `PRAGMA data_version` on a connection of its own (about 2 µs). PostgreSQL: the
    newest audit entry's id, one index lookup (every write frontdesk makes is audited).
    Used by one thread at a time.
    """

    def __init__(self, db: Database | None = None) -> None:
        self._db = db or database.obj
        self._sqlite = None
        # the app closes the probe on exit while a poll may be reading it: sqlite3 crashes
        # (a segfault) on a connection closed under a running statement
        self._lock = threading.Lock()
        self._closed = False
        if is_sqlite(self._db):
            self._sqlite = sqlite3.connect(self._db.database, timeout=1, isolation_level=None,
                                           check_same_thread=False)

    @property
    def interval(self) -> float:
        """Seconds between reads: a local file is free to ask; a server is asked less."""
        return 0.5 if self._sqlite is not None else 1.0

    def read(self) -> object:
        with self._lock:
            if self._sqlite is not None:
                return self._sqlite.execute("PRAGMA data_version").fetchone()[0]
            if self._closed:
                return None
        return AuditEntry.select(fn.MAX(AuditEntry.id)).scalar()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._sqlite is not None:
                self._sqlite.close()
                self._sqlite = None
