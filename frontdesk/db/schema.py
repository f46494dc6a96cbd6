"""Schema versions: create a new database, migrate an older one, refuse a newer one."""

from __future__ import annotations

import datetime as dt
import json
from typing import Callable

from peewee import Database

from frontdesk.db import models as m
from frontdesk.db.connection import DatabaseUnavailable, write_transaction
from frontdesk.domain.clinic import DEFAULT_CHAIRS, ClinicSettings

SCHEMA_VERSION = 1

#: MIGRATIONS[n] upgrades a database from version n-1 to version n, inside one transaction.
MIGRATIONS: dict[int, Callable[[Database], None]] = {}


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
    _set_version(SCHEMA_VERSION)
    defaults = ClinicSettings()
    for key, value in settings_rows(defaults).items():
        m.ClinicSetting.create(key=key, value=value)
    for position, name in enumerate(DEFAULT_CHAIRS, start=1):
        m.Chair.create(name=name, position=position)
    m.SchemaInfo.create(key="created_at", value=dt.datetime.now().isoformat(timespec="seconds"))


def _set_version(version: int) -> None:
    (m.SchemaInfo.insert(key="version", value=str(version))
     .on_conflict(conflict_target=[m.SchemaInfo.key], update={m.SchemaInfo.value: str(version)})
     .execute())


def settings_rows(s: ClinicSettings) -> dict[str, str]:
    return {
        "name": json.dumps(s.name),
        "open_weekdays": json.dumps(list(s.open_weekdays)),
        "opens": json.dumps(s.opens.strftime("%H:%M")),
        "closes": json.dumps(s.closes.strftime("%H:%M")),
        "phone_region": json.dumps(s.phone_region),
        "durations": json.dumps({str(k): v for k, v in s.durations.items()}),
    }
