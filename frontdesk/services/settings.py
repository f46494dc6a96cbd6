"""The settings file meets the database: created from it, pushed into it when edited.

The database is the clinic's shared truth (every desk and every command reads it); the
settings file's [clinic] table is how this computer changes it. `sync_settings_file()` runs
right after the database is opened:

- No settings file yet: it is written from the database's current settings (a new database
  has the defaults), and that [clinic] table is recorded as applied: nothing to push.
- The file's [clinic] table (its canonical form: layout and comments do not count) differs
  from the one this computer last pushed into this database: it is pushed, in one write
  transaction, with an audit entry. So a desk whose old file nobody edited never reverts a
  change another desk made.
- A database this computer has not pushed to yet (a new file, a fresh demo clinic): the file
  is pushed if someone edited it since frontdesk wrote it (or wrote it themselves), and only
  recorded if not: an unedited file describes the database it was written from, not a wish.

The record lives in a small JSON file in the user state directory:
`{"written": DIGEST, "applied": {DATABASE: {"created_at": ..., "clinic": DIGEST}}}`, where
DATABASE names the database without any password and `created_at` (from schema_info) tells a
recreated database at the same place from the old one.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from frontdesk import config
from frontdesk.config import ClinicTable, DeskSettings, SettingsFile
from frontdesk.db import models as m
from frontdesk.db.connection import is_sqlite, write_transaction
from frontdesk.domain.clinic import DEFAULT_CHAIRS, ClinicSettings, settings_to_rows
from frontdesk.services import audit
from frontdesk.services.clinic import active_chair_names, clinic_settings, database_created_at


@dataclass(frozen=True)
class EffectiveSettings:
    """What this process runs with, once the settings file has been dealt with."""
    clinic: ClinicSettings
    chairs: tuple[str, ...]         # active chairs, in display order
    desk: DeskSettings
    path: Path                      # the settings file
    created: bool = False           # the file was just written from the database
    pushed: bool = False            # the file's [clinic] was just written into the database


def sync_settings_file(*, path: Path | None = None, state_path: Path | None = None,
                       demo: bool = False) -> EffectiveSettings:
    """Create the settings file from the open database, or push its edited [clinic] table
    into it (see the module docstring). Raises config.SettingsFileError for a bad file.

    `demo`: the open database is a generated demo clinic, whose chair count follows its
    patients; a settings file written now describes a new clinic (the defaults) instead.
    """
    path = path or config.settings_path()
    state_path = state_path or config.settings_state_path()
    state = _load_state(state_path)
    database, created_at = database_key(), database_created_at()
    current, chairs = clinic_settings(), tuple(active_chair_names())

    found = config.read_settings_file(path)
    created = False
    if found is None:
        if demo:
            text = config.render_settings(ClinicSettings(), DEFAULT_CHAIRS)
        else:
            text = config.render_settings(current, chairs)
        try:
            config.write_settings_file(text, path)
        except OSError:  # a read-only home still gets a working desk, on the database's values
            return EffectiveSettings(current, chairs, DeskSettings(), path)
        found = config.parse_settings(text, path)
        state["written"] = found.clinic.digest()
        created = True

    digest = found.clinic.digest()
    applied = state["applied"].get(database) or {}
    known = applied.get("created_at") == created_at
    pushed = False
    if known and applied.get("clinic") == digest:
        pass                                    # nothing changed in the file since last time
    elif _agrees(found.clinic, current, chairs, path):
        pass                                    # the database already says what the file says
    elif known or state["written"] != digest:
        current, chairs = push_clinic_table(found, found.desk.staff)
        pushed = True
    record = {"created_at": created_at, "clinic": digest}
    if created or record != applied:
        state["applied"][database] = record
        _save_state(state_path, state)
    return EffectiveSettings(current, chairs, found.desk, path, created, pushed)


def push_clinic_table(found: SettingsFile, staff: str) -> tuple[ClinicSettings, tuple[str, ...]]:
    """Write the file's [clinic] table into the database (one transaction, one audit entry);
    keys the file leaves out keep the database's values. Returns the new settings and chairs."""
    table = found.clinic
    with write_transaction():
        before = clinic_settings()
        merged = config.merge_clinic(table, before, found.path)
        old_rows, new_rows = settings_to_rows(before), settings_to_rows(merged)
        changed = sorted(k for k in new_rows if new_rows[k] != old_rows.get(k))
        stored = dict(m.ClinicSetting.select(m.ClinicSetting.key, m.ClinicSetting.value).tuples())
        for key, value in new_rows.items():
            if key not in stored:
                m.ClinicSetting.create(key=key, value=value)
            elif stored[key] != value:
                m.ClinicSetting.update(value=value).where(m.ClinicSetting.key == key).execute()
        chair_changes = _set_chairs(table.chairs) if table.chairs is not None else {}
        if changed or chair_changes:
            audit.record(audit.staff_id(staff), "update_settings", "clinic_setting", None,
                         source="settings file", changed=changed, **chair_changes)
        return clinic_settings(), tuple(active_chair_names())


def _set_chairs(names: Sequence[str]) -> dict[str, list[str]]:
    """Make `names` the active chairs, in that order. A chair is matched by name whatever its
    case (and takes the file's spelling); one left out is retired (active = False), never
    deleted, since appointments refer to it. Returns what changed, for the audit entry."""
    rows = list(m.Chair.select().order_by(m.Chair.id))
    exact = {row.name: row for row in rows}
    unused = {row.id: row for row in rows}
    changes: dict[str, list[str]] = {"chairs_added": [], "chairs_retired": [],
                                     "chairs_reactivated": [], "chairs_renamed": []}
    for position, name in enumerate(names, start=1):
        row = exact.get(name)
        if row is None or row.id not in unused:
            row = next((r for r in unused.values() if r.name.casefold() == name.casefold()),
                       None)
        if row is None:
            m.Chair.create(name=name, position=position, active=True)
            changes["chairs_added"].append(name)
            continue
        del unused[row.id]
        if not row.active:
            changes["chairs_reactivated"].append(name)
        if row.name != name:
            changes["chairs_renamed"].append(f"{row.name} -> {name}")
        if (row.name, row.position, row.active) != (name, position, True):
            (m.Chair.update(name=name, position=position, active=True)
             .where(m.Chair.id == row.id).execute())
    for row in unused.values():
        if row.active:
            m.Chair.update(active=False).where(m.Chair.id == row.id).execute()
            changes["chairs_retired"].append(row.name)
    old_order = [r.name for r in sorted((r for r in rows if r.active),
                                        key=lambda r: (r.position, r.name))]
    changes = {key: value for key, value in changes.items() if value}
    if old_order != list(names):
        changes["chairs"] = list(names)
    return changes


def _agrees(table: ClinicTable, current: ClinicSettings, chairs: Sequence[str],
            path: Path) -> bool:
    """True when applying `table` would change nothing."""
    if table.chairs is not None and tuple(table.chairs) != tuple(chairs):
        return False
    try:
        merged = config.merge_clinic(table, current, path)
    except config.SettingsFileError:
        return False  # the push reports it
    return settings_to_rows(merged) == settings_to_rows(current)


# --- which database, and what was pushed into it ------------------------------------------------

def database_key() -> str:
    """The open database, named without any password: sqlite:/abs/path or
    postgresql://user@host:port/name."""
    db = m.database.obj
    if is_sqlite(db):
        return "sqlite:" + str(Path(db.database).expanduser().resolve())
    params = db.connect_params
    user = params.get("user") or ""
    host = params.get("host") or ""
    port = params.get("port") or ""
    return f"postgresql://{user}@{host}:{port}/{db.database}"


def _load_state(path: Path) -> dict:
    """The record of what was written and pushed; unreadable counts as empty."""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {}
    if not isinstance(state, dict):
        state = {}
    if not isinstance(state.get("applied"), dict):
        state["applied"] = {}
    if not isinstance(state.get("written"), str):
        state["written"] = None
    return state


def _save_state(path: Path, state: dict) -> None:
    """Best effort: without the record the next start compares the file with the database."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".settings-", suffix=".json", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(state, fh, indent=1, sort_keys=True)
        os.replace(tmp, path)
    except OSError:
        pass
