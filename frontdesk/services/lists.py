"""The three lists of DOMAIN.md, computed in SQL.

The database narrows each list to its members with correlated subqueries on the
appointment indexes (and, for a past day, on the phase history: phase_as_of); Python only finishes the (short) result rows with the same domain
functions the reference implementation in domain.lists uses.
"""

from __future__ import annotations

import datetime as dt

from peewee import Case, fn

from frontdesk import clock
from frontdesk.db import models as m
from frontdesk.db import queries as q
from frontdesk.db.connection import read_snapshot
from frontdesk.db.dialect import as_day
from frontdesk.domain import lists as rules
from frontdesk.domain.dates import latest_start_reaching, start_of_next_day
from frontdesk.domain.model import MAINTENANCE_INTERVAL_RANGE, Kind, Phase, Status

P = m.Patient
A = m.Appointment

def phase_as_of(as_of: dt.date):
    """(phase, phase_since) of the patient at the end of `as_of`, as SQL expressions
    (DOMAIN.md "as of D"; queries.phase_as_of). Every phase change is stamped with the
    clock's now, so from today on none comes after the day and the stored columns are the
    answer: the history is read only for a past day."""
    if as_of >= clock.today():
        return P.phase, P.phase_since
    return q.phase_as_of(as_of)


def of_patient(*conditions):
    return A.select().where(A.patient == P.id, *conditions)


def infusions(status: Status, *conditions):
    return of_patient(A.kind == Kind.INFUSION.value, A.status == status.value, *conditions)


def completed_infusions_by(as_of: dt.date, *extra):
    return of_patient(q.completed_infusions(), q.by_end_of(as_of), *extra)


def last_completed_infusion(as_of: dt.date, *extra):
    return completed_infusions_by(as_of, *extra).select(fn.MAX(A.start))


def completed_in_phase(since, as_of: dt.date, *columns):
    """The patient's completed infusions from `since` (a phase_as_of phase_since) to the end
    of `as_of`: k is their count."""
    return of_patient(q.completed_in_phase(since, as_of)).select(*columns)


def next_booked(as_of: dt.date, *extra):
    return of_patient(A.status == Status.BOOKED.value, q.from_day(as_of),
                      *extra).select(fn.MIN(A.start))


# The subqueries above are shared with services.patients (the desk's rows).
# Each list is "who is on it" (conditions on Patient) and "what is shown" (the columns), so
# the census can count members without building the rows.

def _mid_stabilization_members(as_of: dt.date) -> list:
    phase, _ = phase_as_of(as_of)
    return [q.registered_by(as_of), phase == Phase.STABILIZATION.value]


def mid_stabilization(as_of: dt.date) -> list[rules.StabilizationEntry]:
    _, since = phase_as_of(as_of)
    query = (P.select(
        P.chart_number, P.last_name, P.first_name, since.alias("since"),
        P.stabilization_target,
        completed_in_phase(since, as_of, fn.COUNT(A.id)).alias("k"),
        completed_in_phase(since, as_of, fn.MAX(A.start)).alias("last_in_phase"),
        last_completed_infusion(as_of).alias("last_ever"),
        next_booked(as_of, A.kind == Kind.INFUSION.value).alias("next_infusion"))
        .where(*_mid_stabilization_members(as_of)))
    entries = []
    for row in query.dicts():
        next_infusion = as_day(row["next_infusion"])
        entries.append(rules.StabilizationEntry(
            patient_id=row["chart_number"],
            name=rules.display_name(row["last_name"], row["first_name"]),
            infusions_completed=row["k"],
            target=row["stabilization_target"],
            last_infusion=as_day(row["last_ever"]),
            next_infusion=next_infusion,
            stalled=rules.is_stalled(phase_since=as_day(row["since"]),
                                     last_completed_since_phase=as_day(row["last_in_phase"]),
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
    booked = infusions(Status.BOOKED, q.from_day(as_of))
    phase, since = phase_as_of(as_of)
    return [q.registered_by(as_of), phase == Phase.MAINTENANCE.value,
            ~fn.EXISTS(booked),
            (~fn.EXISTS(completed) & (since <= window_end))
            | (last_completed_infusion(as_of) < threshold)]


def due_for_maintenance(as_of: dt.date) -> list[rules.MaintenanceDueEntry]:
    _, since = phase_as_of(as_of)
    query = (P.select(P.chart_number, P.last_name, P.first_name, since.alias("since"),
                      P.maintenance_interval_months,
                      last_completed_infusion(as_of).alias("last_infusion"))
             .where(*_due_for_maintenance_members(as_of)))
    entries = []
    for row in query.dicts():
        last_infusion = as_day(row["last_infusion"])
        due = rules.due_on(last_infusion=last_infusion,
                           interval_months=row["maintenance_interval_months"],
                           phase_since=as_day(row["since"]))
        entries.append(rules.MaintenanceDueEntry(
            patient_id=row["chart_number"],
            name=rules.display_name(row["last_name"], row["first_name"]),
            last_infusion=last_infusion, due_on=due, overdue=due < as_of))
    return entries


def seen_by(as_of: dt.date, *conditions):
    return of_patient(q.seen(), q.by_end_of(as_of), *conditions)


def _not_seen_members(as_of: dt.date) -> list:
    cutoff = rules.not_seen_cutoff(as_of)
    phase, _ = phase_as_of(as_of)
    return [q.registered_by(as_of), phase != Phase.DISCHARGED.value,
            ~fn.EXISTS(seen_by(as_of, q.from_day(cutoff))),
            fn.EXISTS(seen_by(as_of)) | (P.registered_on < cutoff)]


def not_seen_over_a_month(as_of: dt.date) -> list[rules.NotSeenEntry]:
    last_seen = seen_by(as_of).select(fn.MAX(A.start))
    phase, _ = phase_as_of(as_of)
    query = (P.select(P.chart_number, P.last_name, P.first_name, phase.alias("phase"),
                      last_seen.alias("last_seen"), next_booked(as_of).alias("next_booked"))
             .where(*_not_seen_members(as_of)))
    return [rules.NotSeenEntry(patient_id=row["chart_number"],
                               name=rules.display_name(row["last_name"], row["first_name"]),
                               phase=Phase(row["phase"]), last_seen=as_day(row["last_seen"]),
                               next_booked=as_day(row["next_booked"]))
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
