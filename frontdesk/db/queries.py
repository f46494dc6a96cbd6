"""The clinic's rules as SQL: small named pieces of queries that services compose.

Each piece is written once here, beside its pure twin in `domain` (domain.model.holds_chair
and friends, domain.dates), and a test states each against its twin on generated data on
both databases. A service says `A.select().where(on_day(d), holds_chair())` instead of
spelling the rule out again, so the same rule reads the same everywhere.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from peewee import SQL, Case, fn

from frontdesk.db import models as m
from frontdesk.db.dialect import day_of, for_update, lock_rows
from frontdesk.domain.dates import start_of_day, start_of_next_day
from frontdesk.domain.errors import NotFound
from frontdesk.domain.model import (DURATION_RANGE, FREES_CHAIR, FREES_PATIENT,
                                    KINDS_NEEDING_CHAIR, KINDS_ONE_A_DAY, SEEN_STATUSES, Kind,
                                    Status)

A = m.Appointment
P = m.Patient

#: No appointment lasts a day (DURATION_RANGE is 5-480 minutes), so anything reaching into a
#: time started less than a day before it: the bound lets overlap queries walk an index.
LONGEST_APPOINTMENT = dt.timedelta(days=1)


def _values(members) -> list[str]:
    return sorted(str(v.value if hasattr(v, "value") else v) for v in members)


# --- days -------------------------------------------------------------------------------------

def on_day(day: dt.date, column=None):
    """`column` (default: the appointment's start) falls on `day`."""
    column = A.start if column is None else column
    return (column >= start_of_day(day)) & (column < start_of_next_day(day))


def in_days(first: dt.date, last: dt.date, column=None):
    """`column` falls on a day from `first` to `last`, both included."""
    column = A.start if column is None else column
    return (column >= start_of_day(first)) & (column < start_of_next_day(last))


def from_day(day, column=None):
    """`column` falls on `day` or later (`day`: a date, or a day read in SQL, such as the
    phase_since of phase_as_of)."""
    bound = start_of_day(day) if isinstance(day, dt.date) else day
    return (A.start if column is None else column) >= bound


def by_end_of(day: dt.date, column=None):
    """`column` falls on `day` or earlier."""
    return (A.start if column is None else column) < start_of_next_day(day)


def overlapping(start: dt.datetime, ends: dt.datetime):
    """The appointment's [start, ends_at) meets [start, ends) (half-open: touching ends do
    not overlap); bounded below so it walks the (chair, start) and (patient, start) indexes."""
    return (A.start < ends) & (A.ends_at > start) & (A.start > start - LONGEST_APPOINTMENT)


#: The longest length a booking can have (DURATION_RANGE), in minutes.
LONGEST_BOOKED_MINUTES = DURATION_RANGE.stop - 1


def overlapping_few(start: dt.datetime, ends: dt.datetime):
    """overlapping(start, ends), reading only rows that can match: an appointment that began
    more than LONGEST_BOOKED_MINUTES before `start` reaches it only if it lasts longer than
    that (ends_at is start + duration), which the day index's duration column tells without
    reading the row. overlapping alone reads every row of the day before `start` (a whole
    day of a chain's chairs) to look at its ends_at."""
    longest = dt.timedelta(minutes=LONGEST_BOOKED_MINUTES)
    return overlapping(start, ends) & ((A.start > start - longest)
                                       | (A.duration_minutes > LONGEST_BOOKED_MINUTES))


# --- what an appointment holds ----------------------------------------------------------------

def uses_chair_time():
    """The appointment books chair time, with a chair or not (domain.model.uses_chair_time)."""
    return A.kind.in_(_values(KINDS_NEEDING_CHAIR)) & A.status.not_in(_values(FREES_CHAIR))


def holds_chair():
    """The appointment keeps its chair from anyone else (domain.model.holds_chair)."""
    return A.chair.is_null(False) & uses_chair_time()


def holds_patient():
    """The appointment keeps the patient's time (domain.model.holds_patient)."""
    return A.status.not_in(_values(FREES_PATIENT))


def holds_patient_day():
    """The appointment is the patient's one infusion of its day
    (domain.model.holds_patient_day)."""
    return A.kind.in_(_values(KINDS_ONE_A_DAY)) & holds_patient()


def seen():
    """The appointment says its patient was seen that day."""
    return A.status.in_(_values(SEEN_STATUSES))


def completed_infusions():
    return (A.kind == Kind.INFUSION.value) & (A.status == Status.COMPLETED.value)


def completed_in_phase(since, by: dt.date | None = None):
    """Completed infusions from the phase's first day (`since`: a date, or the phase_since of
    phase_as_of) on, and up to the end of `by` when given: DOMAIN.md's k."""
    where = completed_infusions() & from_day(since)
    return where & by_end_of(by) if by is not None else where


# --- chairs -----------------------------------------------------------------------------------

def active_chairs():
    """The chairs in service (id, name), in the clinic's order: the order the first free
    chair is chosen in."""
    return (m.Chair.select(m.Chair.id, m.Chair.name).where(m.Chair.active)
            .order_by(m.Chair.position, m.Chair.name))


# --- locks ------------------------------------------------------------------------------------

def lock_patient(patient_id: int, *columns) -> m.Patient:
    """The patient's row, locked until the write ends (PostgreSQL): two desks booking or
    checking in one patient at once take turns."""
    row = for_update(P.select(*columns).where(P.id == patient_id)).first()
    if row is None:
        raise NotFound("that patient is no longer in the database")
    return row


def lock_chairs() -> None:
    """Every chair, locked until the write ends (PostgreSQL): whoever is choosing a chair,
    or putting an appointment back into one, waits for the others, so the chair guard never
    refuses a choice made on a stale read."""
    lock_rows(m.Chair.select(m.Chair.id).order_by(m.Chair.id))


# --- phases as of a day (domain.phases.phase_as_of) -----------------------------------------

def registered_by(day: dt.date):
    """The patient was registered on or before `day` (one registered later counts for nothing
    as of `day`)."""
    return P.registered_on <= day


def phase_as_of(day: dt.date):
    """(phase, phase_since) of the patient at the end of `day`, as two SQL expressions over
    Patient: the twin of domain.phases.phase_in_history (registered_by is the other half of
    phase_as_of). The first change after `day` (by at, then id) says what it changed from and
    since when; with none, the stored columns are the answer."""
    after = m.PhaseChange.alias("change_after")
    before = m.PhaseChange.alias("change_before")
    end = start_of_next_day(day)

    def first_change_after(value):
        return (after.select(value).where(after.patient == P.id, after.at >= end)
                .order_by(after.at, after.id).limit(1))

    latest_before = before.select(fn.MAX(before.at)).where(before.patient == P.id,
                                                            before.at < end)
    began = fn.COALESCE(after.from_since, day_of(latest_before),
                        Case(None, [(after.from_phase.is_null(), day_of(after.at))],
                             P.registered_on))
    phase = fn.COALESCE(first_change_after(fn.COALESCE(after.from_phase, after.to_phase)),
                        P.phase)
    return phase, fn.COALESCE(first_change_after(began), P.phase_since)


def changed_after(day: dt.date):
    """The patient of every phase change after the end of `day`: only for these patients
    does phase_as_of(day) differ from the stored columns."""
    change = m.PhaseChange
    return change.select(change.patient).where(change.at >= start_of_next_day(day))


# --- order --------------------------------------------------------------------------------------

def agenda_order() -> tuple:
    """A day's appointments as every agenda lists them (board, calendar, day sheet): by start,
    then chair (none last), then patient name. Needs Patient joined, and Chair left-joined."""
    return (A.start, m.Chair.position.is_null(), m.Chair.position, m.Chair.name,
            P.search_key, A.id)


# --- many patients by id ------------------------------------------------------------------------

def one_of(column, ids: Iterable[int]):
    """`column` is one of `ids`, the ids written into the statement as numbers: a list of
    thousands costs no parameters (SQLite allows 32,766 a statement) and no query node per
    id; the database builds its lookup once however often the statement reads the list."""
    numbers = [int(i) for i in ids]  # ints only: nothing else is written into the SQL
    if not numbers:
        return column.in_([])
    return column.in_(SQL("(" + ", ".join(map(str, numbers)) + ")"))
