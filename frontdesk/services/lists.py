"""The three lists of DOMAIN.md, computed in SQL.

The database narrows each list to its members with correlated subqueries on the
appointment indexes, one index search per patient and question (and, for a past day, on the
phase history: phase_as_of); Python only finishes the (short) result rows with the same
domain functions the reference implementation in domain.lists uses. The rows are read from
the database's cursor as plain tuples (a list holds thousands of members at a clinic chain's
scale: a row object per member cost more than the SQL).
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from peewee import Case, fn

from frontdesk import clock
from frontdesk.db import models as m
from frontdesk.db import queries as q
from frontdesk.db.connection import read_snapshot
from frontdesk.db.dialect import as_day
from frontdesk.domain import lists as rules
from frontdesk.domain.dates import add_months, latest_start_reaching, start_of_next_day
from frontdesk.domain.model import MAINTENANCE_INTERVAL_RANGE, Kind, Phase, Status

P = m.Patient
A = m.Appointment

#: Up to this many patients with a phase change after a past day are named in the query
#: (their phase read from the history, everyone else's from the stored columns); with more,
#: every patient's phase is read from the history.
FEW_CHANGED = 500

#: (phase, phase_since) as SQL expressions over Patient: what phase_as_of answers
PhaseAsOf = tuple


def phase_as_of(as_of: dt.date, *, few: bool = False) -> PhaseAsOf:
    """(phase, phase_since) of the patient at the end of `as_of`, as SQL expressions
    (DOMAIN.md "as of D"; queries.phase_as_of). Every phase change is stamped with the
    clock's now, so from today on none comes after the day and the stored columns are the
    answer: the history is read only for a past day, and then only for the patients it
    changed after that day (asked first, in the caller's snapshot). `few`: the expressions
    are for a few patients (a page of rows, one patient), for whom reading the history of
    each costs less than asking who changed."""
    if as_of >= clock.today():
        return P.phase, P.phase_since
    if few:
        return q.phase_as_of(as_of)
    changed = [pid for (pid,) in m.database.execute(
        q.changed_after(as_of).distinct().limit(FEW_CHANGED + 1))]
    if not changed:
        return P.phase, P.phase_since
    phase, since = q.phase_as_of(as_of)
    if len(changed) > FEW_CHANGED:
        return phase, since
    # a CASE, not an OR of the stored phase (its index) and the named patients: with the
    # changed patients as an IN subquery read by two terms, SQLite 3.40.1's multi-index OR
    # dropped members (seen in the due list); a full pass over the patients is cheap
    named = P.id.in_(changed)
    return Case(None, [(named, phase)], P.phase), Case(None, [(named, since)], P.phase_since)


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


def seen_by(as_of: dt.date, *conditions):
    return of_patient(q.seen(), q.by_end_of(as_of), *conditions)


# The subqueries above are shared with services.patients (the desk's rows).
# Each list is "who is on it" (conditions on Patient) and "what is shown" (the columns), so
# the census and the desk's filters count members without building the rows. A condition
# that costs an index search comes after the cheap ones on the patient's own columns.

def _mid_stabilization_members(as_of: dt.date, phases: PhaseAsOf) -> list:
    phase, _ = phases
    return [q.registered_by(as_of), phase == Phase.STABILIZATION.value]


def _due_thresholds(as_of: dt.date):
    """due_on <= D + 7 days  <=>  last infusion before this moment, one per interval, so the
    calendar arithmetic stays in domain.dates."""
    window_end = rules.due_window_end(as_of)
    return Case(P.maintenance_interval_months, [
        (months, start_of_next_day(latest_start_reaching(window_end, months)))
        for months in MAINTENANCE_INTERVAL_RANGE])


def _due_for_maintenance_members(as_of: dt.date, phases: PhaseAsOf) -> list:
    # due_on <= D + 7: no completed infusion from the interval's threshold to D, and either
    # one before it or, with none, the phase began by D + 7 (due_on is then phase_since).
    # The recent infusion first: most patients on boosters had one, fewer have the next
    # one booked.
    phase, since = phases
    return [q.registered_by(as_of), phase == Phase.MAINTENANCE.value,
            ~fn.EXISTS(completed_infusions_by(as_of, A.start >= _due_thresholds(as_of))),
            ~fn.EXISTS(infusions(Status.BOOKED, q.from_day(as_of))),
            (since <= rules.due_window_end(as_of)) | fn.EXISTS(completed_infusions_by(as_of))]


def _not_seen_members(as_of: dt.date, phases: PhaseAsOf) -> list:
    cutoff = rules.not_seen_cutoff(as_of)
    phase, _ = phases
    return [q.registered_by(as_of), phase != Phase.DISCHARGED.value,
            ~fn.EXISTS(seen_by(as_of, q.from_day(cutoff))),
            (P.registered_on < cutoff) | fn.EXISTS(seen_by(as_of))]


_MEMBERS: dict[str, Callable[[dt.date, PhaseAsOf], list]] = {
    "mid_stabilization": _mid_stabilization_members,
    "due_for_maintenance": _due_for_maintenance_members,
    "not_seen_over_a_month": _not_seen_members}


def members(list_name: str, as_of: dt.date, phases: PhaseAsOf | None = None) -> list:
    """The conditions on Patient that make a patient a member of the list as of a date
    (`phases`: phase_as_of(as_of), when the caller has it already)."""
    return _MEMBERS[list_name](as_of, phases or phase_as_of(as_of))


# --- reading rows ----------------------------------------------------------------------------

def fetch(query) -> list[tuple]:
    """The query's rows as the database driver gives them (no row objects)."""
    return m.database.execute(query).fetchall()


def day_reader() -> Callable[[object], dt.date | None]:
    """as_day for many values: SQLite gives the same day's text again and again."""
    days: dict[str, dt.date] = {}

    def day(value):
        if value is None:
            return None
        if isinstance(value, str):
            text = value[:10]
            found = days.get(text)
            if found is None:
                found = days[text] = dt.date.fromisoformat(text)
            return found
        return as_day(value)
    return day


def due_reader() -> Callable[[dt.date | None, int, dt.date], dt.date]:
    """rules.due_on for many patients: the same (last infusion, interval) comes again and
    again."""
    after: dict[tuple[dt.date, int], dt.date] = {}

    def due(last_infusion: dt.date | None, months: int, phase_since: dt.date) -> dt.date:
        if last_infusion is None:
            return rules.due_on(last_infusion=None, interval_months=months,
                                phase_since=phase_since)
        key = (last_infusion, months)
        found = after.get(key)
        if found is None:
            found = after[key] = add_months(last_infusion, months)
        return found
    return due


_PHASES = {p.value: p for p in Phase}


# --- the lists -------------------------------------------------------------------------------

def mid_stabilization(as_of: dt.date, phases: PhaseAsOf | None = None
                      ) -> list[rules.StabilizationEntry]:
    phases = phases or phase_as_of(as_of)
    _, since = phases
    # the last completed infusion since phase_since is the last one ever when that is on or
    # after phase_since (one index search fewer per member)
    query = P.select(P.chart_number, P.last_name, P.first_name, since,
                     P.stabilization_target,
                     completed_in_phase(since, as_of, fn.COUNT(A.id)),
                     last_completed_infusion(as_of),
                     next_booked(as_of, A.kind == Kind.INFUSION.value)
                     ).where(*_mid_stabilization_members(as_of, phases))
    day = day_reader()
    entries = []
    # the entries' fields in order (positional: a keyword call costs a third more, and a
    # list holds thousands)
    for chart, last, first, began, target, k, last_ever, next_infusion in fetch(query):
        began, last_ever, next_infusion = day(began), day(last_ever), day(next_infusion)
        entries.append(rules.StabilizationEntry(
            chart, rules.display_name(last, first), k, target, last_ever, next_infusion,
            rules.is_stalled(phase_since=began,
                             last_completed_since_phase=(last_ever if last_ever is not None
                                                         and last_ever >= began else None),
                             has_booked_infusion=next_infusion is not None, as_of=as_of)))
    return entries


def due_for_maintenance(as_of: dt.date, phases: PhaseAsOf | None = None
                        ) -> list[rules.MaintenanceDueEntry]:
    phases = phases or phase_as_of(as_of)
    _, since = phases
    query = P.select(P.chart_number, P.last_name, P.first_name, since,
                     P.maintenance_interval_months, last_completed_infusion(as_of)
                     ).where(*_due_for_maintenance_members(as_of, phases))
    day, due_on = day_reader(), due_reader()
    entries = []
    for chart, last, first, began, months, last_infusion in fetch(query):
        last_infusion = day(last_infusion)
        due = due_on(last_infusion, months, day(began))
        entries.append(rules.MaintenanceDueEntry(
            chart, rules.display_name(last, first), last_infusion, due, due < as_of))
    return entries


def not_seen_over_a_month(as_of: dt.date, phases: PhaseAsOf | None = None
                          ) -> list[rules.NotSeenEntry]:
    phases = phases or phase_as_of(as_of)
    phase, _ = phases
    query = P.select(P.chart_number, P.last_name, P.first_name, phase,
                     seen_by(as_of).select(fn.MAX(A.start)), next_booked(as_of)
                     ).where(*_not_seen_members(as_of, phases))
    day = day_reader()
    return [rules.NotSeenEntry(chart, rules.display_name(last, first), _PHASES[phase],
                               day(last_seen), day(booked))
            for chart, last, first, phase, last_seen, booked in fetch(query)]


def list_sizes(as_of: dt.date) -> dict[str, int]:
    """How many patients each list holds, counted in SQL without building the rows."""
    with read_snapshot():
        phases = phase_as_of(as_of)
        return {name: P.select(fn.COUNT(P.id)).where(*members(as_of, phases)).scalar()
                for name, members in _MEMBERS.items()}


def desk_lists(as_of: dt.date) -> rules.DeskLists:
    with read_snapshot():
        phases = phase_as_of(as_of)
        return rules.sort_lists(as_of, mid_stabilization(as_of, phases),
                                due_for_maintenance(as_of, phases),
                                not_seen_over_a_month(as_of, phases))
