"""Opening a clinic's database, and its clinic-wide settings."""

from __future__ import annotations

import datetime as dt
import json

from frontdesk.db import models as m
from frontdesk.db.connection import bind, connect, make_database
from frontdesk.db.schema import ensure_schema
from frontdesk.domain.clinic import ClinicSettings
from frontdesk.domain.model import Kind


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
    raw = {row.key: json.loads(row.value) for row in m.ClinicSetting.select()}
    defaults = ClinicSettings()
    durations = {Kind(k): int(v) for k, v in raw.get("durations", {}).items()}
    return ClinicSettings(
        name=raw.get("name", defaults.name),
        open_weekdays=tuple(raw.get("open_weekdays", defaults.open_weekdays)),
        opens=dt.time.fromisoformat(raw["opens"]) if "opens" in raw else defaults.opens,
        closes=dt.time.fromisoformat(raw["closes"]) if "closes" in raw else defaults.closes,
        phone_region=raw.get("phone_region", defaults.phone_region),
        durations={**defaults.durations, **durations},
    )


def active_chair_names() -> list[str]:
    query = (m.Chair.select(m.Chair.name).where(m.Chair.active)
             .order_by(m.Chair.position, m.Chair.name))
    return [name for (name,) in query.tuples()]
