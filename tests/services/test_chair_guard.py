"""The database's own guard against a double-booked chair (db.chair_guard), tested by writing
rows directly, past every service: two infusions that are not cancelled never overlap in one
chair ([start, ends_at) half-open), on SQLite and on PostgreSQL, for inserts and updates, for
another program's connection, and for a database migrated from schema v5."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from peewee import IntegrityError

from frontdesk.db import models as m
from frontdesk.db import schema
from frontdesk.db.bulk import insert_rows
from frontdesk.db import chair_guard
from frontdesk.db.chair_guard import GUARD, is_chair_taken
from frontdesk.db.connection import DatabaseUnavailable, write_transaction
from frontdesk.domain.model import Kind, Status
from frontdesk.domain.validation import name_key
from frontdesk.services.clinic import close_clinic, open_clinic
from guard_support import guard_in_place

D = dt.date
A = m.Appointment
MONDAY = D(2026, 11, 23)
NOW = dt.datetime(2026, 11, 1, 12, 0)
FIXTURES = Path(__file__).parent.parent / "fixtures"
INF, CONSULT = Kind.INFUSION, Kind.CONSULT


def at(hour: int, minute: int = 0, day: dt.date = MONDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def add_patient(chart: str = "C-1") -> int:
    with write_transaction():
        return m.Patient.create(chart_number=chart, first_name="Ann", last_name="Abe",
                                search_key=name_key("Ann", "Abe"), date_of_birth=D(1980, 1, 1),
                                phone="+16502530000", phase="maintenance",
                                phase_since=D(2026, 1, 1), registered_on=D(2026, 1, 1),
                                created_at=NOW, updated_at=NOW).id


def chair(name: str = "Chair 1") -> int:
    return m.Chair.get(m.Chair.name == name).id


def add(start: dt.datetime, minutes: int = 90, *, chair_name: str | None = "Chair 1",
        kind: Kind = INF, status: Status = Status.BOOKED, patient: int | None = None) -> int:
    """An appointment written straight through the model, in its own transaction."""
    with write_transaction():
        staff = m.Staff.get_or_create(username="raw", defaults={"created_at": NOW})[0].id
        patient = patient or m.Patient.select(m.Patient.id).scalar() or add_patient()
        return A.create(patient=patient, kind=kind.value, start=start, duration_minutes=minutes,
                        ends_at=start + dt.timedelta(minutes=minutes),
                        chair=chair(chair_name) if chair_name else None, status=status.value,
                        status_at=NOW, status_by=staff, booked_at=NOW, booked_by=staff).id


def update(appointment_id: int, **changes) -> None:
    with write_transaction():
        assert A.update(**changes).where(A.id == appointment_id).execute() == 1


def refused(write, *args, driver: bool = False, **kwargs) -> Exception:
    """The write is refused by the guard, and leaves the appointments as they were.
    `driver`: the write goes past peewee (bulk), so the error is the driver's own."""
    before = list(A.select().order_by(A.id).tuples())
    with pytest.raises(Exception) as caught:
        write(*args, **kwargs)
    assert GUARD in str(caught.value), caught.value
    if driver:
        assert type(caught.value).__name__ in ("IntegrityError", "ExclusionViolation")
    else:
        assert isinstance(caught.value, IntegrityError) and is_chair_taken(caught.value)
    assert list(A.select().order_by(A.id).tuples()) == before
    return caught.value


# --- inserts ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("start", "minutes"), [
    (at(9), 90),            # the same time
    (at(10), 60),           # starts inside
    (at(8), 75),            # ends inside
    (at(8), 240),           # around it
    (at(9, 30), 15),        # inside it
    (at(10, 29), 5),        # its last minute
])
def test_overlap_refused(any_db, start, minutes):
    """An overlapping infusion in the same chair is refused."""
    add(at(9))  # 09:00-10:30
    refused(add, start, minutes)


def test_touching_infusions_share_a_chair(any_db):
    add(at(9))
    add(at(10, 30))          # starts as the first ends
    add(at(7, 30), 90)       # ends as the first starts
    assert A.select().where(A.chair == chair()).count() == 3


def test_other_chairs_and_no_chair_are_free(any_db):
    add(at(9))
    add(at(9), chair_name="Chair 2")
    add(at(9), chair_name=None)   # an infusion not yet in a chair is not in one
    add(at(9), chair_name=None)
    refused(add, at(9, 15), chair_name="Chair 2")


def test_cancelled_infusions_hold_no_chair(any_db):
    first = add(at(9), status=Status.CANCELLED)
    add(at(9))                                   # over a cancelled one
    add(at(9, 30), status=Status.CANCELLED)      # a cancelled one over a booked one
    add(at(9, 30), status=Status.CANCELLED)
    assert A.get_by_id(first).status == "cancelled"
    refused(add, at(9, 30))


@pytest.mark.parametrize("status", [s for s in Status if s != Status.CANCELLED])
def test_every_other_status_holds_the_chair(any_db, status):
    add(at(9), status=status)
    refused(add, at(10), status=Status.BOOKED)
    refused(add, at(10), status=status)


def test_consults_and_assessments_are_no_part_of_it(any_db):
    add(at(9))
    add(at(9), 60, kind=CONSULT, chair_name="Chair 1")         # a chair on a consult: ignored
    add(at(9), 30, kind=Kind.ASSESSMENT, chair_name="Chair 1")
    add(at(9), 60, kind=CONSULT, chair_name=None)
    add(at(9), 60, kind=CONSULT, chair_name=None)
    assert A.select().count() == 5


def test_bulk_inserts_are_guarded_too(any_db):
    add(at(9))
    staff = m.Staff.get(m.Staff.username == "raw").id
    patient = m.Patient.select(m.Patient.id).scalar()

    def bulk(*starts):
        with write_transaction():
            insert_rows(A, ["patient", "kind", "start", "duration_minutes", "ends_at", "chair",
                            "status", "status_at", "status_by", "booked_at", "booked_by"],
                        [(patient, "infusion", s, 90, s + dt.timedelta(minutes=90), chair(),
                          "booked", NOW, staff, NOW, staff) for s in starts])

    refused(bulk, at(12), at(10), driver=True)   # the second of the batch: none of it stays
    refused(bulk, at(12), at(13), driver=True)   # two in one batch overlapping each other
    bulk(at(12), at(13, 30))
    assert A.select().count() == 3


def test_an_infusion_after_midnight_is_checked_against_the_evening_before(any_db):
    add(at(22), 480)                          # 22:00 until 06:00 the next day
    refused(add, at(5, day=MONDAY + dt.timedelta(days=1)), 60)
    add(at(6, day=MONDAY + dt.timedelta(days=1)), 60)


# --- bulk loads: the guard suspended, then checked once ----------------------------------------

def load(*rows: tuple) -> None:
    """A bulk load as the demo generator and import write it: one transaction, the guard
    suspended, the rows written with the driver's executemany. A row is (start, minutes,
    chair name or None, kind, status)."""
    staff = m.Staff.get_or_create(username="raw", defaults={"created_at": NOW})[0].id
    patient = m.Patient.select(m.Patient.id).scalar() or add_patient()
    with write_transaction():
        with chair_guard.suspended():
            insert_rows(A, ["patient", "kind", "start", "duration_minutes", "ends_at", "chair",
                            "status", "status_at", "status_by", "booked_at", "booked_by"],
                        [(patient, kind.value, s, n, s + dt.timedelta(minutes=n),
                          chair(name) if name else None, status.value, NOW, staff, NOW, staff)
                         for s, n, name, kind, status in rows])


def live(start: dt.datetime, minutes: int = 90, name: str | None = "Chair 1",
         kind: Kind = INF, status: Status = Status.BOOKED) -> tuple:
    return (start, minutes, name, kind, status)


def test_a_bulk_load_overlapping_a_stored_infusion_is_refused_whole(any_db):
    add(at(9))
    assert guard_in_place()
    error = refused(load, live(at(12)), live(at(14)), live(at(10)))  # the last one overlaps
    if any_db != "postgres" and "://" not in str(any_db):  # SQLite's check names them
        assert "Chair 1 is taken twice at once" in str(error)
        assert "2026-11-23 10:00 to 2026-11-23 11:30" in str(error)
    refused(load, live(at(7, 45)))   # ending inside the stored one
    assert guard_in_place()          # back, as it was
    refused(add, at(10))             # and it still refuses a single write
    add(at(10, 30))


def test_a_bulk_load_overlapping_itself_is_refused_whole(any_db):
    add(at(7), 30)
    refused(load, live(at(12)), live(at(14)), live(at(13, 59), 5, "Chair 1"))
    refused(load, live(at(22), 480), live(at(5, day=MONDAY + dt.timedelta(days=1)), 60))
    assert guard_in_place()
    assert A.select().count() == 1


def test_a_bulk_load_that_fits_is_stored_and_leaves_the_guard_in_place(any_db):
    add(at(9))
    load(live(at(10, 30)),                                  # touching the stored one
         live(at(9), name="Chair 2"), live(at(10, 30), name="Chair 2"),
         live(at(9, 30), status=Status.CANCELLED),           # a cancelled one holds no chair
         live(at(9, 30), 60, kind=CONSULT),                  # nor a consult in a chair
         live(at(9, 30), 30, kind=Kind.ASSESSMENT),
         live(at(9), name=None), live(at(9), name=None),     # nor an infusion without one
         live(at(12), status=Status.COMPLETED), live(at(13, 30), status=Status.NO_SHOW))
    assert A.select().count() == 11
    assert guard_in_place()
    refused(add, at(11))                                     # the loaded ones are guarded
    refused(add, at(10), chair_name="Chair 2")
    refused(add, at(13), chair_name="Chair 1")


def test_a_load_that_fails_otherwise_leaves_the_guard_in_place(any_db):
    add(at(9))
    with pytest.raises(RuntimeError):
        with write_transaction():
            with chair_guard.suspended():
                raise RuntimeError("the load broke")
    assert guard_in_place()
    refused(add, at(10))


def test_an_empty_load_is_fine(any_db):
    load()
    assert guard_in_place()


# --- updates ------------------------------------------------------------------------------------

def test_moving_an_infusion_onto_another_is_refused(any_db):
    add(at(9))
    later = add(at(11))
    refused(update, later, start=at(10), ends_at=at(11, 30))
    refused(update, later, ends_at=at(12, 30), start=at(10, 15))
    update(later, start=at(10, 30), ends_at=at(12))         # touching: fine


def test_moving_within_its_own_time_is_fine(any_db):
    one = add(at(9))
    update(one, start=at(9, 15), ends_at=at(10, 45))
    update(one, ends_at=at(11))
    update(one, status=Status.ARRIVED.value, version=A.version + 1)


def test_lengthening_into_the_next_is_refused(any_db):
    first = add(at(9))
    add(at(10, 30))
    refused(update, first, ends_at=at(10, 31), duration_minutes=91)


def test_changing_to_a_taken_chair_is_refused(any_db):
    add(at(9))
    other = add(at(9), chair_name="Chair 2")
    refused(update, other, chair=chair("Chair 1"))
    update(other, chair=chair("Chair 3"))


def test_a_cancelled_one_cannot_come_back_over_a_taken_time(any_db):
    old = add(at(9), status=Status.CANCELLED)
    add(at(9, 30))
    refused(update, old, status=Status.BOOKED.value)
    update(old, cancel_reason="moved")   # other columns of a cancelled one: fine
    free = add(at(14), status=Status.CANCELLED)
    update(free, status=Status.BOOKED.value)   # its time is free: it may come back


def test_a_consult_turned_into_an_infusion_is_checked(any_db):
    add(at(9))
    consult = add(at(9), 60, kind=CONSULT, chair_name="Chair 1")
    refused(update, consult, kind=INF.value)


def test_updating_other_columns_of_several_rows_is_fine(any_db):
    ids = [add(at(9 + 2 * n)) for n in range(3)]
    with write_transaction():
        A.update(version=A.version + 1).where(A.id.in_(ids)).execute()
    assert {a.version for a in A.select()} == {2}


def test_other_integrity_errors_are_not_the_guard(any_db):
    add_patient("C-1")
    with pytest.raises(IntegrityError) as caught:
        add_patient("C-1")  # the same chart number twice
    assert not is_chair_taken(caught.value)
    assert not is_chair_taken(ValueError(GUARD))


# --- other programs, other desks ----------------------------------------------------------------

def test_another_programs_connection_is_refused_on_sqlite(db_path):
    add(at(9))
    staff = m.Staff.get(m.Staff.username == "raw").id
    patient = m.Patient.select(m.Patient.id).scalar()
    other = sqlite3.connect(db_path)
    insert = ("INSERT INTO appointment (patient_id, kind, start, duration_minutes, ends_at, "
              "chair_id, status, status_at, status_by_id, booked_at, booked_by_id, "
              "late_cancellation, version) VALUES (?, 'infusion', ?, 90, ?, ?, 'booked', ?, ?, "
              "?, ?, 0, 1)")
    try:
        with pytest.raises(sqlite3.IntegrityError, match=GUARD):
            other.execute(insert, (patient, "2026-11-23 10:00:00", "2026-11-23 11:30:00",
                                   chair(), "2026-11-01 12:00:00", staff,
                                   "2026-11-01 12:00:00", staff))
        other.execute(insert, (patient, "2026-11-23 10:30:00", "2026-11-23 12:00:00",
                               chair(), "2026-11-01 12:00:00", staff,
                               "2026-11-01 12:00:00", staff))
        other.commit()
    finally:
        other.close()
    assert A.select().count() == 2


def _psycopg(url: str):
    import psycopg2
    conn = psycopg2.connect(url)
    conn.autocommit = False
    return conn


@pytest.mark.parametrize("first_commits", [True, False])
def test_two_desks_at_the_same_moment_on_postgres(postgres_db, first_commits):
    """The second insert waits for the first transaction: refused when it commits, written
    when it rolls back."""
    import psycopg2
    add(at(8), 30)  # a staff, a patient, a chair exist
    staff = m.Staff.get(m.Staff.username == "raw").id
    patient = m.Patient.select(m.Patient.id).scalar()
    sql = ("INSERT INTO appointment (patient_id, kind, start, duration_minutes, ends_at, "
           "chair_id, status, status_at, status_by_id, booked_at, booked_by_id, "
           "late_cancellation, version) VALUES (%s, 'infusion', %s, 90, %s, %s, 'booked', "
           "%s, %s, %s, %s, false, 1)")
    row = lambda start: (patient, start, start + dt.timedelta(minutes=90), chair(), NOW, staff,
                         NOW, staff)
    desk1, desk2 = _psycopg(postgres_db), _psycopg(postgres_db)
    outcome: list[object] = []

    def second_desk():
        try:
            with desk2.cursor() as cur:
                cur.execute(sql, row(at(9, 30)))
            desk2.commit()
            outcome.append("written")
        except psycopg2.IntegrityError as error:
            desk2.rollback()
            outcome.append(error)

    try:
        with desk1.cursor() as cur:
            cur.execute(sql, row(at(9)))
        waiting = threading.Thread(target=second_desk)
        waiting.start()
        waiting.join(timeout=1.0)
        assert waiting.is_alive() and outcome == []  # held until the first desk is done
        desk1.commit() if first_commits else desk1.rollback()
        waiting.join(timeout=10)
        assert not waiting.is_alive()
    finally:
        desk1.close()
        desk2.close()
    if first_commits:
        assert isinstance(outcome[0], psycopg2.IntegrityError) and GUARD in str(outcome[0])
        assert [a.start for a in A.select().where(A.start > at(8))] == [at(9)]
    else:
        assert outcome == ["written"]
        assert [a.start for a in A.select().where(A.start > at(8))] == [at(9, 30)]


# --- a database of schema v5 ----------------------------------------------------------------------

def _v5_sqlite(tmp_path, monkeypatch) -> Path:
    """The first schema's fixture migrated as far as v5, as the previous frontdesk did."""
    path = tmp_path / "v5.db"
    shutil.copy(FIXTURES / "schema_v1.db", path)
    with monkeypatch.context() as patch:
        patch.setattr(schema, "SCHEMA_VERSION", 5)
        open_clinic(str(path))
        close_clinic()
    with sqlite3.connect(path) as conn:
        assert dict(conn.execute("SELECT key, value FROM schema_info"))["version"] == "5"
        assert not conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                "AND name LIKE ?", (GUARD + "%",)).fetchall()
    return path


def test_a_v5_sqlite_database_gets_the_guard(tmp_path, monkeypatch):
    path = _v5_sqlite(tmp_path, monkeypatch)
    with sqlite3.connect(path) as conn:  # without the guard, v5 takes an overlap
        conn.execute("INSERT INTO appointment (patient_id, kind, start, duration_minutes, "
                     "ends_at, chair_id, status, status_at, status_by_id, booked_at, "
                     "booked_by_id, late_cancellation, version) SELECT patient_id, kind, "
                     "'2026-11-23 10:00:00', 90, '2026-11-23 11:30:00', 2, status, "
                     "status_at, status_by_id, booked_at, booked_by_id, 0, 1 "
                     "FROM appointment WHERE id = 4")
        conn.execute("DELETE FROM appointment WHERE id = last_insert_rowid()")
    assert open_clinic(str(path)) == 5
    try:
        assert m.SchemaInfo.get(m.SchemaInfo.key == "version").value == str(schema.SCHEMA_VERSION)
        booked = A.get_by_id(4)  # 2026-11-23 09:00-10:30, Chair 1
        assert (booked.start, booked.chair_id, booked.status) == (at(9), 1, "booked")
        refused(add, at(10), chair_name="Chair 1", patient=booked.patient_id)
        add(at(10, 30), chair_name="Chair 1", patient=booked.patient_id)
        assert A.get_by_id(4).rescheduled_from_id is None  # the v6 column is there
        assert m.RecallCall.select().count() == 0          # and the v6 table
    finally:
        close_clinic()


def _downgrade_postgres_to_v5(url: str) -> None:
    """A fresh database made to look as schema v5 left it."""
    conn = _psycopg(url)
    with conn.cursor() as cur:
        cur.execute(f"ALTER TABLE appointment DROP CONSTRAINT {GUARD}")
        cur.execute("DROP TABLE recall_call")
        cur.execute("ALTER TABLE appointment DROP COLUMN rescheduled_from_id")
        cur.execute("UPDATE schema_info SET value = '5' WHERE key = 'version'")
    conn.commit()
    conn.close()


def test_a_v5_postgres_database_gets_the_guard(postgres_db):
    add(at(9))
    close_clinic()
    _downgrade_postgres_to_v5(postgres_db)
    assert open_clinic(postgres_db) == 5
    refused(add, at(10))
    assert m.RecallCall.select().count() == 0
    assert A.select(A.rescheduled_from).scalar() is None


def test_a_v5_postgres_database_with_an_overlap_is_refused_and_left_as_it_was(postgres_db):
    first = add(at(9))
    close_clinic()
    _downgrade_postgres_to_v5(postgres_db)
    conn = _psycopg(postgres_db)
    with conn.cursor() as cur:  # what an older frontdesk could have written
        cur.execute("INSERT INTO appointment (patient_id, kind, start, duration_minutes, "
                    "ends_at, chair_id, status, status_at, status_by_id, booked_at, "
                    "booked_by_id, late_cancellation, version) SELECT patient_id, kind, "
                    "start + interval '1 hour', 90, ends_at + interval '1 hour', chair_id, "
                    "status, status_at, status_by_id, booked_at, booked_by_id, false, 1 "
                    "FROM appointment WHERE id = %s", (first,))
    conn.commit()
    with pytest.raises(DatabaseUnavailable, match="two infusions already overlap"):
        open_clinic(postgres_db)
    close_clinic()
    with conn.cursor() as cur:  # the whole migration rolled back
        cur.execute("SELECT value FROM schema_info WHERE key = 'version'")
        assert cur.fetchone() == ("5",)
        cur.execute("SELECT count(*) FROM information_schema.columns WHERE "
                    "table_name = 'appointment' AND column_name = 'rescheduled_from_id'")
        assert cur.fetchone() == (0,)
    conn.close()
    # once one of them is cancelled (by an older frontdesk), the database opens
    conn = _psycopg(postgres_db)
    with conn.cursor() as cur:
        cur.execute("UPDATE appointment SET status = 'cancelled' WHERE id = %s", (first,))
    conn.commit()
    conn.close()
    assert open_clinic(postgres_db) == 5
    refused(add, at(10, 15))  # the guard is on: 10:00-11:30 holds Chair 1 now
