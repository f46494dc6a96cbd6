"""The three lists of DOMAIN.md, computed in SQL.

The database narrows each list to its members with correlated subqueries on the
appointment indexes; Python only finishes the (short) result rows with the same domain
functions the reference implementation in domain.lists uses.
"""

from __future__ import annotations

import datetime as dt

from peewee import Case, fn

from frontdesk.db import models as m
from frontdesk.db.connection import read_snapshot
from frontdesk.domain import lists as rules
from frontdesk.domain.dates import latest_start_reaching, start_of_day, start_of_next_day
from frontdesk.domain.model import MAINTENANCE_INTERVAL_RANGE, SEEN_STATUSES, Kind, Phase, Status

P = m.Patient
A = m.Appointment


def as_date(value) -> dt.date | None:
    """A start from an aggregate: SQLite hands back text, PostgreSQL a datetime."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def as_datetime(value) -> dt.datetime | None:
    """A datetime column read raw: SQLite may hand back text."""
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def of_patient(*conditions):
    return A.select().where(A.patient == P.id, *conditions)


def infusions(status: Status, *conditions):
    return of_patient(A.kind == Kind.INFUSION.value, A.status == status.value, *conditions)


def completed_infusions_by(as_of: dt.date, *extra):
    return infusions(Status.COMPLETED, A.start < start_of_next_day(as_of), *extra)


def last_completed_infusion(as_of: dt.date, *extra):
    return completed_infusions_by(as_of, *extra).select(fn.MAX(A.start))


def next_booked(as_of: dt.date, *extra):
    return of_patient(A.status == Status.BOOKED.value,
                       A.start >= start_of_day(as_of), *extra).select(fn.MIN(A.start))


# The subqueries above are shared with services.patients (the desk's rows).
# Each list is "who is on it" (conditions on Patient) and "what is shown" (the columns), so
# the census can count members without building the rows.

def _mid_stabilization_members(as_of: dt.date) -> list:
    return [P.phase == Phase.STABILIZATION.value]


def mid_stabilization(as_of: dt.date) -> list[rules.StabilizationEntry]:
    since_phase = A.start >= P.phase_since
    query = (P.select(
        P.chart_number, P.last_name, P.first_name, P.phase_since, P.stabilization_target,
        completed_infusions_by(as_of, since_phase).select(fn.COUNT(A.id)).alias("k"),
        last_completed_infusion(as_of, since_phase).alias("last_in_phase"),
        last_completed_infusion(as_of).alias("last_ever"),
        next_booked(as_of, A.kind == Kind.INFUSION.value).alias("next_infusion"))
        .where(*_mid_stabilization_members(as_of)))
    entries = []
    for row in query.dicts():
        next_infusion = as_date(row["next_infusion"])
        entries.append(rules.StabilizationEntry(
            patient_id=row["chart_number"],
            name=rules.display_name(row["last_name"], row["first_name"]),
            infusions_completed=row["k"],
            target=row["stabilization_target"],
            last_infusion=as_date(row["last_ever"]),
            next_infusion=next_infusion,
            stalled=rules.is_stalled(phase_since=row["phase_since"],
                                     last_completed_since_phase=as_date(row["last_in_phase"]),
                                     has_booked_infusion=next_infusion is not None,
                                     as_of=as_of)))
    return entries


def _due_for_maintenance_members(as_of: dt.date) -> list:
    window_end = rules.due_window_end(as_of)
    # due_on <= window_end  <=>  last infusion on or before latest_start_reaching(...),
    # one threshold per interval, so the calendar arithmetic stays in domain.dates.
    threshold = Case(P.maintenance_interval_months, [
        (months, start_of_next_day(latest_start_reaching(window_end, months)))
        for months in MAINTENANCE_INTERVAL_RANGE])
    completed = completed_infusions_by(as_of)
    booked = infusions(Status.BOOKED, A.start >= start_of_day(as_of))
    return [P.phase == Phase.MAINTENANCE.value,
            ~fn.EXISTS(booked),
            (~fn.EXISTS(completed) & (P.phase_since <= window_end))
            | (last_completed_infusion(as_of) < threshold)]


def due_for_maintenance(as_of: dt.date) -> list[rules.MaintenanceDueEntry]:
    query = (P.select(P.chart_number, P.last_name, P.first_name, P.phase_since,
                      P.maintenance_interval_months,
                      last_completed_infusion(as_of).alias("last_infusion"))
             .where(*_due_for_maintenance_members(as_of)))
    entries = []
    for row in query.dicts():
        last_infusion = as_date(row["last_infusion"])
        due = rules.due_on(last_infusion=last_infusion,
                           interval_months=row["maintenance_interval_months"],
                           phase_since=row["phase_since"])
        entries.append(rules.MaintenanceDueEntry(
            patient_id=row["chart_number"],
            name=rules.display_name(row["last_name"], row["first_name"]),
            last_infusion=last_infusion, due_on=due, overdue=due < as_of))
    return entries


def seen_by(as_of: dt.date, *conditions):
    return of_patient(A.status.in_([s.value for s in SEEN_STATUSES]),
                       A.start < start_of_next_day(as_of), *conditions)


def _not_seen_members(as_of: dt.date) -> list:
    cutoff = rules.not_seen_cutoff(as_of)
    return [P.phase != Phase.DISCHARGED.value,
            ~fn.EXISTS(seen_by(as_of, A.start >= start_of_day(cutoff))),
            fn.EXISTS(seen_by(as_of)) | (P.registered_on < cutoff)]


def not_seen_over_a_month(as_of: dt.date) -> list[rules.NotSeenEntry]:
    last_seen = seen_by(as_of).select(fn.MAX(A.start))
    query = (P.select(P.chart_number, P.last_name, P.first_name, P.phase,
                      last_seen.alias("last_seen"), next_booked(as_of).alias("next_booked"))
             .where(*_not_seen_members(as_of)))
    return [rules.NotSeenEntry(patient_id=row["chart_number"],
                               name=rules.display_name(row["last_name"], row["first_name"]),
                               phase=Phase(row["phase"]), last_seen=as_date(row["last_seen"]),
                               next_booked=as_date(row["next_booked"]))
            for row in query.dicts()]


_MEMBERS = {"mid_stabilization": _mid_stabilization_members,
            "due_for_maintenance": _due_for_maintenance_members,
            "not_seen_over_a_month": _not_seen_members}


def members(list_name: str, as_of: dt.date) -> list:
    """The conditions on Patient that make a patient a member of the list as of a date."""
    return _MEMBERS[list_name](as_of)


def list_sizes(as_of: dt.date) -> dict[str, int]:
    """How many patients each list holds, counted in SQL without building the rows."""
    with read_snapshot():
        return {name: P.select(fn.COUNT(P.id)).where(*members(as_of)).scalar()
                for name, members in _MEMBERS.items()}


def desk_lists(as_of: dt.date) -> rules.DeskLists:
    with read_snapshot():
        return rules.sort_lists(as_of, mid_stabilization(as_of), due_for_maintenance(as_of),
                                not_seen_over_a_month(as_of))
