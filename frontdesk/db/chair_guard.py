"""The database's own guard against double-booking a chair.

Two appointments that hold a chair (domain.model.holds_chair: a chair, a kind in
KINDS_NEEDING_CHAIR, a status not in FREES_CHAIR) must never overlap in that chair
([start, ends_at) half-open), whichever program writes them and however many desks write at
once:

- SQLite: triggers before every insert and every update that could make an overlap abort
  the statement. Writers are serialized (BEGIN IMMEDIATE), so the check sees every commit.
  The check reads the (chair, start) index from a day before the new start: no appointment
  lasts a day (DURATION_RANGE is 5-480 minutes).
- PostgreSQL: an exclusion constraint (GiST over the chair as a one-point range and the
  time range), which PostgreSQL enforces between concurrent transactions itself.

Both name the rule GUARD, so `is_chair_taken(error)` recognizes the refusal on either. The
SQL text of "holds a chair" is built from domain.model's constants, the one home of the rule.

A bulk load (the demo generator, import) does not pay the triggers row by row:
`suspended()` lifts them inside the load's transaction, checks every row the load wrote
once, in one set-based query over the (chair, start) index, and puts them back before the
transaction commits; a load that overlaps is refused whole.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from peewee import Database, IntegrityError
from peewee import __exception_wrapper__ as _as_peewee_errors

from frontdesk.db.bulk import DEFER_RATIO
from frontdesk.db.connection import DatabaseUnavailable, is_sqlite, write_transaction
from frontdesk.db.models import database
from frontdesk.domain.model import FREES_CHAIR, KINDS_NEEDING_CHAIR

GUARD = "appointment_chair_free"
TRIGGERS = (f"{GUARD}_insert", f"{GUARD}_update")


def _literals(members) -> str:
    quoted = ("'" + str(getattr(v, "value", v)).replace("'", "''") + "'" for v in members)
    return ", ".join(sorted(quoted))


def holds_chair_sql(row: str) -> str:
    """domain.model.holds_chair as an SQL condition on the appointment `row` (an alias)."""
    return (f"{row}.chair_id IS NOT NULL AND {row}.kind IN ({_literals(KINDS_NEEDING_CHAIR)}) "
            f"AND {row}.status NOT IN ({_literals(FREES_CHAIR)})")


def _day_before(db: Database, column: str) -> str:
    """`column` minus a day (longer than any appointment): the lower bound that lets an
    overlap query walk the (chair, start) index."""
    return f"datetime({column}, '-1 day')" if is_sqlite(db) else f"{column} - interval '1 day'"


def _overlap_of(db: Database, row: str, other: str) -> str:
    """`other` holds `row`'s chair during part of `row`'s time."""
    return (f"{other}.chair_id = {row}.chair_id AND {other}.start > {_day_before(db, row + '.start')} "
            f"AND {other}.start < {row}.ends_at AND {other}.ends_at > {row}.start "
            f"AND {holds_chair_sql(other)}")


def install(db: Database) -> None:
    if is_sqlite(db):
        when = holds_chair_sql("NEW")
        refuse = (f"SELECT RAISE(ABORT, '{GUARD}: that chair is already taken at that time') "
                  f"WHERE EXISTS (SELECT 1 FROM appointment AS other "
                  f"WHERE {_overlap_of(db, 'NEW', 'other')}{{same}});")
        db.execute_sql(f"CREATE TRIGGER {TRIGGERS[0]} BEFORE INSERT ON appointment "
                       f"WHEN {when} BEGIN {refuse.format(same='')} END")
        db.execute_sql(f"CREATE TRIGGER {TRIGGERS[1]} "
                       f"BEFORE UPDATE OF chair_id, start, ends_at, kind, status ON appointment "
                       f"WHEN {when} BEGIN {refuse.format(same=' AND other.id <> NEW.id')} END")
        return
    try:
        with db.atomic():  # a savepoint: the migration's transaction survives a refusal
            db.execute_sql(
                f"ALTER TABLE appointment ADD CONSTRAINT {GUARD} EXCLUDE USING gist "
                f"(int4range(chair_id, chair_id, '[]') WITH &&, tsrange(start, ends_at) WITH &&) "
                f"WHERE ({holds_chair_sql('appointment')})")
    except IntegrityError:
        raise DatabaseUnavailable(
            "cannot add the double-booking guard: two infusions already overlap in one "
            "chair; an older frontdesk wrote them, cancel one of them and open again") from None


def _uninstall(db: Database) -> None:
    """SQLite: drop the triggers (inside a transaction: they come back if it rolls back)."""
    for name in TRIGGERS:
        db.execute_sql(f"DROP TRIGGER IF EXISTS {name}")


def first_overlap(db: Database, after_id: int = 0) -> tuple | None:
    """The first pair of appointments holding one chair at once, at least one of them with
    an id above `after_id` (the rows a bulk load wrote), as (chair name, id, start, ends_at,
    other id, other start, other ends_at); None when there is none.

    One query. Of two overlapping appointments, the one starting later (or as well) starts
    inside the other's time; so each appointment that holds a chair looks in the (chair,
    start) index for another starting in [its start, its end): mostly an empty range, read
    from the index alone. With rows already stored (after_id > 0), only those starting from
    a day before the new rows to their last end are looked at (no appointment lasts a day)."""
    params: list = [after_id, after_id]
    near = ""
    if after_id:
        span = db.execute_sql(
            f"SELECT MIN(n.start), MAX(n.ends_at) FROM appointment AS n "
            f"WHERE n.id > {db.param} AND {holds_chair_sql('n')}", (after_id,)).fetchone()
        if span[0] is None:
            return None
        near = f"AND a.start > {_day_before(db, db.param)} AND a.start < {db.param} "
        params += [span[0], span[1]]
    return db.execute_sql(
        f"SELECT chair.name, a.id, a.start, a.ends_at, b.id, b.start, b.ends_at "
        f"FROM appointment AS a "
        f"JOIN appointment AS b ON b.chair_id = a.chair_id AND b.start >= a.start "
        f"AND b.start < a.ends_at AND b.id <> a.id AND {holds_chair_sql('b')} "
        f"JOIN chair ON chair.id = a.chair_id "
        f"WHERE {holds_chair_sql('a')} AND (a.id > {db.param} OR b.id > {db.param}) {near}"
        f"LIMIT 1", params).fetchone()


def check(db: Database | None = None, after_id: int = 0) -> None:
    """Refuse (IntegrityError naming GUARD, as the guard itself would) when an appointment
    with an id above `after_id` holds its chair at the same time as another."""
    db = db or database.obj
    pair = first_overlap(db, after_id)
    if pair is not None:
        name, one, start, ends, other, other_start, other_ends = pair
        raise IntegrityError(
            f"{GUARD}: {name} is taken twice at once: appointment {one} "
            f"({_moment(start)} to {_moment(ends)}) and appointment {other} "
            f"({_moment(other_start)} to {_moment(other_ends)})")


def _moment(value) -> str:
    return str(value)[:16].replace("T", " ")


@contextmanager
def suspended(db: Database | None = None, *, adding: int | None = None) -> Iterator[None]:
    """A bulk load of appointments with the guard checked once instead of row by row.

    Runs inside the caller's write transaction (or opens one), in a savepoint. SQLite: drops
    the guard's triggers, runs the load, checks every appointment the load wrote against
    every other in one query (`first_overlap`) and creates the triggers again. `adding`:
    how many appointments the load brings; a few into a big table are cheaper checked by
    the triggers as they are written (bulk.DEFER_RATIO), so the triggers stay then.
    PostgreSQL: the exclusion constraint stays on and checks each row in its index as it is
    written (measured at 20,000 demo patients: no slower than dropping it and adding it
    back, which validates the whole table and locks it meanwhile). Either way an overlap,
    or any error in the load, rolls the savepoint back, the guard included, and the refusal
    is an IntegrityError naming GUARD (`is_chair_taken`). Write appointments with new ids
    only (above every id already stored), as inserts do: those are the rows checked."""
    db = db or database.obj
    with write_transaction():
        if not is_sqlite(db) or (adding is not None and adding * DEFER_RATIO < db.execute_sql(
                "SELECT count(*) FROM appointment").fetchone()[0]):
            with _as_peewee_errors:  # the driver's refusal as peewee's IntegrityError
                yield
            return
        _uninstall(db)
        before = db.execute_sql("SELECT COALESCE(MAX(id), 0) FROM appointment").fetchone()[0]
        yield
        check(db, before)
        install(db)


def is_chair_taken(error: Exception) -> bool:
    """Whether a write failed because the guard refused it."""
    return isinstance(error, IntegrityError) and GUARD in str(error)
