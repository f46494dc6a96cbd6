"""Schema versions: create a new database, migrate an older one, refuse a newer one."""

from __future__ import annotations

from typing import Callable

from peewee import Database
from playhouse.migrate import SchemaMigrator, migrate

from frontdesk import clock
from frontdesk.db import models as m
from frontdesk.db import chair_guard, search_index
from frontdesk.db.bulk import update_rows
from frontdesk.db.connection import DatabaseUnavailable, write_transaction
from frontdesk.domain.clinic import DEFAULT_CHAIRS, ClinicSettings, settings_to_rows
from frontdesk.domain.validation import name_key, search_key

SCHEMA_VERSION = 8


def _v2_patient_search_key(db: Database) -> None:
    """v2: names folded for accent-insensitive search, filled in for every patient."""
    # peewee's SQLite migrator rebuilds the table for NOT NULL, which foreign keys forbid;
    # ADD COLUMN with a default is enough on both SQLite and PostgreSQL.
    db.execute_sql('ALTER TABLE "patient" '
                   'ADD COLUMN "search_key" VARCHAR(210) NOT NULL DEFAULT \'\'')
    migrate(SchemaMigrator.from_database(db).add_index("patient", ("search_key",), False))
    rows = m.Patient.select(m.Patient.id, m.Patient.first_name, m.Patient.last_name).tuples()
    update_rows(m.Patient, "search_key",
                [(search_key(first, last), pid) for pid, first, last in rows])


def _v3_search_key_last_name_first(db: Database) -> None:
    """v3: the key is 'last first' (domain.validation.name_key), so the desk's patient list
    can page through its index in name order."""
    rows = m.Patient.select(m.Patient.id, m.Patient.first_name, m.Patient.last_name).tuples()
    update_rows(m.Patient, "search_key",
                [(name_key(first, last), pid) for pid, first, last in rows])


def _v4_search_indexes(db: Database) -> None:
    """v4: the search indexes (db.search_index); name keys now split at underscores too, as
    the word index does."""
    rows = m.Patient.select(m.Patient.id, m.Patient.first_name, m.Patient.last_name,
                            m.Patient.search_key).tuples()
    update_rows(m.Patient, "search_key", [(name_key(first, last), pid)
                                          for pid, first, last, key in rows
                                          if name_key(first, last) != key])
    search_index.install(db)


def _v5_flow_board(db: Database) -> None:
    """v5: what undo needs (the status and phase before each change, and which status change
    moved a phase), and the questionnaire scores taken at check-in."""
    event, change = m.AppointmentEvent, m.PhaseChange
    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column(event._meta.table_name, "from_status_at", event.from_status_at),
            migrator.add_column(event._meta.table_name, "from_status_by_id",
                                event.from_status_by),
            migrator.add_column(event._meta.table_name, "undoes_id", event.undoes),
            migrator.add_column(change._meta.table_name, "from_since", change.from_since),
            migrator.add_column(change._meta.table_name, "appointment_event_id",
                                change.appointment_event))
    db.create_tables([m.Measurement])


def _v6_booking(db: Database) -> None:
    """v6: the database refuses a double-booked chair (db.chair_guard); a rescheduled
    appointment points to the one it replaced; recall calls are logged."""
    appointment = m.Appointment
    migrate(SchemaMigrator.from_database(db).add_column(
        appointment._meta.table_name, "rescheduled_from_id", appointment.rescheduled_from))
    db.create_tables([m.RecallCall])
    chair_guard.install(db)


def _v7_day_figures_index(db: Database) -> None:
    """v7: the census counts a range of days from one covering index (models.DAY_FIGURES_INDEX),
    which also serves a day's agenda; the (start, status) index it extends is dropped."""
    db.execute_sql('DROP INDEX IF EXISTS "appointment_start_status"')
    db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{m.DAY_FIGURES_INDEX}" ON "appointment" '
                   '("start", "status", "kind", "late_cancellation", "duration_minutes", '
                   '"patient_id")')


#: v8 drops these: each is the first column of a wider index, or of rows never deleted
_V8_DROPPED = ("appointment_patient_id", "appointment_chair_id", "appointment_status_by_id",
               "appointment_booked_by_id", "appointment_rescheduled_from_id",
               "appointment_event_staff_id", "appointment_event_from_status_by_id",
               "phase_change_patient_id", "phase_change_staff_id")


def _v8_fewer_indexes(db: Database) -> None:
    """v8: fewer indexes to keep up on every write and to build after a bulk load (seed and
    import at 100,000 patients spent 4 s on single-column foreign-key indexes that wider
    ones already cover); moved appointments by a partial index; a patient's phase history
    by (patient, at), which the phase as of a past day reads."""
    for name in _V8_DROPPED:
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
    # the tables exist: this creates only the indexes they lack (IF NOT EXISTS)
    db.create_tables([m.Appointment, m.PhaseChange], safe=True)


#: MIGRATIONS[n] upgrades a database from version n-1 to version n, inside one transaction.
MIGRATIONS: dict[int, Callable[[Database], None]] = {
    2: _v2_patient_search_key, 3: _v3_search_key_last_name_first, 4: _v4_search_indexes,
    5: _v5_flow_board, 6: _v6_booking,
    7: _v7_day_figures_index, 8: _v8_fewer_indexes}


class SchemaTooNew(DatabaseUnavailable):
    pass


def stored_version(db: Database) -> int | None:
    """None for an empty database; raises for a database that is not frontdesk's."""
    tables = set(db.get_tables())
    if not tables:
        return None
    if m.SchemaInfo._meta.table_name not in tables:
        raise DatabaseUnavailable("this database has tables but is not a frontdesk database")
    row = m.SchemaInfo.get_or_none(m.SchemaInfo.key == "version")
    if row is None:
        raise DatabaseUnavailable("this frontdesk database has no schema version")
    return int(row.value)


def ensure_schema(db: Database) -> int:
    """Bring the bound database to SCHEMA_VERSION; return the version it had (0 when new)."""
    with write_transaction():
        version = stored_version(db)
        if version is None:
            _create(db)
            return 0
        if version > SCHEMA_VERSION:
            raise SchemaTooNew(
                f"this database was written by a newer frontdesk (schema {version}; this "
                f"frontdesk knows up to {SCHEMA_VERSION}): upgrade frontdesk to open it")
        for target in range(version + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[target](db)
            _set_version(target)
        return version


def _create(db: Database) -> None:
    db.create_tables(m.MODELS)
    search_index.install(db)
    chair_guard.install(db)
    _set_version(SCHEMA_VERSION)
    defaults = ClinicSettings()
    for key, value in settings_to_rows(defaults).items():
        m.ClinicSetting.create(key=key, value=value)
    for position, name in enumerate(DEFAULT_CHAIRS, start=1):
        m.Chair.create(name=name, position=position)
    m.SchemaInfo.create(key="created_at", value=clock.now().isoformat(timespec="seconds"))


def _set_version(version: int) -> None:
    (m.SchemaInfo.insert(key="version", value=str(version))
     .on_conflict(conflict_target=[m.SchemaInfo.key], update={m.SchemaInfo.value: str(version)})
     .execute())
