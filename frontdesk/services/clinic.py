"""Opening a clinic's database, and its clinic-wide settings."""

from __future__ import annotations

from frontdesk.db import models as m
from frontdesk.db.connection import bind, connect, make_database
from frontdesk.db.schema import ensure_schema
from frontdesk.domain.clinic import ClinicSettings, settings_from_rows


def open_clinic(target: str) -> int:
    """Open (creating or migrating) the database at `target` for this process.

    Returns the schema version the database had before (0 when it was just created).
    Raises DatabaseUnavailable / SchemaTooNew with a one-line reason.
    """
    db = make_database(target)
    bind(db)
    connect(db)
    return ensure_schema(db)


def close_clinic() -> None:
    db = m.database.obj
    if db is not None and not db.is_closed():
        db.close()


def clinic_settings() -> ClinicSettings:
    return settings_from_rows(dict(m.ClinicSetting.select(m.ClinicSetting.key,
                                                          m.ClinicSetting.value).tuples()))


def database_created_at() -> str:
    """When this database was created (schema_info), as written there: what tells it apart
    from another database at the same place or another clinic's; "" when unknown."""
    row = m.SchemaInfo.get_or_none(m.SchemaInfo.key == "created_at")
    return row.value if row else ""


def active_chair_names() -> list[str]:
    query = (m.Chair.select(m.Chair.name).where(m.Chair.active)
             .order_by(m.Chair.position, m.Chair.name))
    return [name for (name,) in query.tuples()]
