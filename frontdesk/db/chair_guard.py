"""The database's own guard against double-booking a chair.

Two non-cancelled infusions in one chair must never overlap ([start, ends_at) half-open),
whichever program writes them and however many desks write at once:

- SQLite: triggers before every insert and every update that could make an overlap abort
  the statement. Writers are serialized (BEGIN IMMEDIATE), so the check sees every commit.
  The check reads the (chair, start) index from a day before the new start: no appointment
  lasts a day (DURATION_RANGE is 5-480 minutes).
- PostgreSQL: an exclusion constraint (GiST over the chair as a one-point range and the
  time range), which PostgreSQL enforces between concurrent transactions itself.

Both name the rule GUARD, so `is_chair_taken(error)` recognizes the refusal on either.
"""

from __future__ import annotations

from peewee import Database, IntegrityError

from frontdesk.db.connection import DatabaseUnavailable, is_sqlite

GUARD = "appointment_chair_free"

_HOLDS_CHAIR = ("{row}.chair_id IS NOT NULL AND {row}.kind = 'infusion' "
                "AND {row}.status <> 'cancelled'")

_OVERLAP = (f"SELECT RAISE(ABORT, '{GUARD}: that chair is already taken at that time') "
            "WHERE EXISTS (SELECT 1 FROM appointment AS other "
            "WHERE other.chair_id = NEW.chair_id AND other.start > datetime(NEW.start, '-1 day') "
            "AND other.start < NEW.ends_at AND other.ends_at > NEW.start "
            "AND other.kind = 'infusion' AND other.status <> 'cancelled' {same});")


def install(db: Database) -> None:
    if is_sqlite(db):
        when = _HOLDS_CHAIR.format(row="NEW")
        db.execute_sql(f"CREATE TRIGGER {GUARD}_insert BEFORE INSERT ON appointment "
                       f"WHEN {when} BEGIN {_OVERLAP.format(same='')} END")
        db.execute_sql(f"CREATE TRIGGER {GUARD}_update "
                       f"BEFORE UPDATE OF chair_id, start, ends_at, kind, status ON appointment "
                       f"WHEN {when} BEGIN {_OVERLAP.format(same='AND other.id <> NEW.id')} END")
        return
    try:
        with db.atomic():  # a savepoint: the migration's transaction survives a refusal
            db.execute_sql(
                f"ALTER TABLE appointment ADD CONSTRAINT {GUARD} EXCLUDE USING gist "
                f"(int4range(chair_id, chair_id, '[]') WITH &&, tsrange(start, ends_at) WITH &&) "
                f"WHERE ({_HOLDS_CHAIR.format(row='appointment')})")
    except IntegrityError:
        raise DatabaseUnavailable(
            "cannot add the double-booking guard: two infusions already overlap in one "
            "chair; an older frontdesk wrote them, cancel one of them and open again") from None


def is_chair_taken(error: Exception) -> bool:
    """Whether a write failed because the guard refused it."""
    return isinstance(error, IntegrityError) and GUARD in str(error)
