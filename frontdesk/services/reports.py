"""Plain-data shapes of the lists, the census and appointments, as INTERFACES.md fixes them
(JSON keys and order, CSV columns). The CLI and any exporter share these."""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import Enum

from frontdesk.domain.lists import (DeskLists, MaintenanceDueEntry, NotSeenEntry,
                                    StabilizationEntry)
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


def entry_dict(entry) -> dict:
    return {f.name: _plain(getattr(entry, f.name)) for f in dataclasses.fields(entry)}


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
