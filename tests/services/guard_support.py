"""Whether the database's double-booking guard (db.chair_guard) is in its schema: read from
the catalogue itself, not from frontdesk's code."""

from __future__ import annotations

from frontdesk.db import models as m
from frontdesk.db.chair_guard import GUARD


def guard_in_place() -> bool:
    """The guard's triggers (SQLite) or exclusion constraint (PostgreSQL) are in the schema."""
    db = m.database.obj
    if "sqlite" in type(db).__name__.lower():
        names = {name for (name,) in db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'appointment'")}
        return names >= {f"{GUARD}_insert", f"{GUARD}_update"}
    return db.execute_sql("SELECT count(*) FROM pg_constraint WHERE conname = %s "
                          "AND contype = 'x'", (GUARD,)).fetchone()[0] == 1
