"""Plain-data shapes of the lists, the census and appointments, as INTERFACES.md fixes them
(JSON keys and order, CSV columns). The CLI and any exporter share these."""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import Enum
from pathlib import Path
from functools import cache
from typing import TYPE_CHECKING, Iterable, Sequence

from frontdesk.db import models as m
from frontdesk.db.connection import is_sqlite
from frontdesk.domain.lists import (DeskLists, MaintenanceDueEntry, NotSeenEntry,
                                    StabilizationEntry)

if TYPE_CHECKING:  # `frontdesk lists` need not load the census
    from frontdesk.services.census import Census

LIST_ENTRIES = {"mid_stabilization": StabilizationEntry,
                "due_for_maintenance": MaintenanceDueEntry,
                "not_seen_over_a_month": NotSeenEntry}
LIST_NAMES = tuple(LIST_ENTRIES)


def list_columns(name: str) -> list[str]:
    """A list's CSV columns: its JSON keys, in the same order."""
    return [f.name for f in dataclasses.fields(LIST_ENTRIES[name])]


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind))


def entry_dict(entry) -> dict:
    # the names once per class: dataclasses.fields() per entry cost ~140 ms for the
    # 29,000 entries of a 100,000-patient clinic's lists
    return {name: _plain(getattr(entry, name)) for name in _field_names(type(entry))}


def lists_dict(desk: DeskLists) -> dict:
    out: dict = {"as_of": desk.as_of.isoformat()}
    for name in LIST_NAMES:
        out[name] = [entry_dict(e) for e in getattr(desk, name)]
    return out


def appointment_dict(line) -> dict:
    """One appointment as `frontdesk appointments` and `set-status` print it. `line` is a
    calendar.AgendaLine or a flow.BoardLine: both carry these fields under these names."""
    return {"id": line.id, "patient_id": line.chart, "name": line.name,
            "start": line.start.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": line.duration_minutes, "kind": line.kind.value,
            "chair": line.chair, "status": line.status.value}


def census_dict(c: Census) -> dict:
    return {
        "date": c.date.isoformat(),
        "appointments": {"total": c.total, "by_status": dict(c.by_status),
                         "by_kind": dict(c.by_kind)},
        "patients_seen": c.patients_seen,
        "new_patients": c.new_patients,
        "no_show_rate": c.no_show_rate,
        "late_cancellations": c.late_cancellations,
        "chair_utilization": c.chair_utilization,
        "active_by_phase": dict(c.active_by_phase),
        "lists": dict(c.lists),
    }


def census_row(c: Census) -> dict:
    """The census flattened to one CSV row (column names say where each number is from)."""
    row = {"date": c.date.isoformat(), "appointments_total": c.total}
    row.update({f"status_{k}": n for k, n in c.by_status.items()})
    row.update({f"kind_{k}": n for k, n in c.by_kind.items()})
    row.update({"patients_seen": c.patients_seen, "new_patients": c.new_patients,
                "no_show_rate": c.no_show_rate, "late_cancellations": c.late_cancellations,
                "chair_utilization": c.chair_utilization})
    row.update({f"active_{k}": n for k, n in c.active_by_phase.items()})
    row.update({f"list_{k}": n for k, n in c.lists.items()})
    return row


# --- per-chair use (`census --chairs`) ---------------------------------------------------------

CHAIRS_KEY = "chair_utilization_by_chair"  # appended after INTERFACES.md's keys, on request only


def chair_utilization_by_chair(c: Census) -> dict[str, float]:
    """Each chair's share of its open minutes booked that day, in chair order: the active
    chairs, then retired ones and "no chair" when they hold minutes that day
    (census.chair_use)."""
    return {use.chair: use.utilization for use in c.chairs}


def census_dict_with_chairs(c: Census) -> dict:
    return {**census_dict(c), CHAIRS_KEY: chair_utilization_by_chair(c)}


def chair_columns(chairs: Sequence[str], taken: Iterable[str] = ()) -> list[str]:
    """`chair_<name>` for each chair. A name that would repeat a column already there (a chair
    called "utilization" makes census_row's "chair_utilization") gets " #2", " #3"..."""
    used = set(taken)
    out = []
    for chair in chairs:
        column = base = f"chair_{chair}"
        n = 1
        while column in used:
            n += 1
            column = f"{base} #{n}"
        used.add(column)
        out.append(column)
    return out


def census_row_with_chairs(c: Census, chairs: Sequence[str]) -> dict:
    """census_row, then one column per chair of `chairs` (the chairs of the whole export, in
    that order). A chair the day does not list (a retired chair with nothing booked that day)
    counts 0.0."""
    use = chair_utilization_by_chair(c)
    row = census_row(c)
    row.update({column: use.get(chair, 0.0)
                for chair, column in zip(chairs, chair_columns(chairs, taken=row))})
    return row


# --- exports ------------------------------------------------------------------------------------

def database_files() -> list[Path]:
    """The files that hold the open SQLite database (an export must never be written over
    them); empty for PostgreSQL."""
    db = m.database.obj
    if db is None or not is_sqlite(db):
        return []
    main = Path(db.database)
    return [main, main.with_name(main.name + "-wal"), main.with_name(main.name + "-shm")]
