"""Recall calls: logging each call to a patient on the Due and Not-seen lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from frontdesk import clock
from frontdesk.db import models as m
from frontdesk.db.connection import write_transaction
from frontdesk.db.queries import on_day
from frontdesk.domain.errors import NotFound, ValidationError
from frontdesk.domain.recall import CallOutcome, check_call_back, describe, parse_outcome
from frontdesk.services import audit
from frontdesk.db.dialect import as_day, as_moment

C = m.RecallCall
NOTE_MAX_CHARS = 500


@dataclass(frozen=True)
class RecallCallLine:
    id: int
    patient_id: int
    at: dt.datetime
    staff: str
    outcome: CallOutcome
    call_back_on: dt.date | None
    note: str


def log_call(patient_id: int, outcome: CallOutcome | str, *, staff: str,
             call_back_on: dt.date | None = None, note: str = "") -> RecallCallLine:
    outcome = outcome if isinstance(outcome, CallOutcome) else parse_outcome(outcome)
    call_back_on = check_call_back(outcome, call_back_on, clock.today())
    note = (note or "").strip()
    if len(note) > NOTE_MAX_CHARS:
        raise ValidationError(f"the note is longer than {NOTE_MAX_CHARS} characters")
    with write_transaction():
        staff_id = audit.staff_id(staff)
        if not m.Patient.select().where(m.Patient.id == patient_id).exists():
            raise NotFound("that patient is no longer in the database")
        now = clock.now()
        row = C.create(patient=patient_id, at=now, staff=staff_id, outcome=outcome.value,
                       call_back_on=call_back_on, note=note)
        audit.record(staff_id, "recall_call", "patient", patient_id, outcome=outcome.value)
        username = m.Staff.get_by_id(staff_id).username
    return RecallCallLine(row.id, patient_id, now, username, outcome, call_back_on, note)


def calls_of(patient_id: int, limit: int = 20) -> list[RecallCallLine]:
    """The patient's calls, newest first."""
    query = (C.select(C.id, C.at, m.Staff.username, C.outcome, C.call_back_on, C.note)
             .join(m.Staff).where(C.patient == patient_id)
             .order_by(C.at.desc(), C.id.desc()).limit(limit).tuples())
    return [RecallCallLine(cid, patient_id, as_moment(at), who, CallOutcome(outcome),
                           as_day(back), note)
            for cid, at, who, outcome, back, note in query]


def called_on(day: dt.date):
    """Ids of the patients called on a day (a subquery)."""
    return C.select(C.patient).where(on_day(day, C.at))


def last_calls(patient_ids: list[int]) -> dict[int, str]:
    """Each patient's latest call, described for a list column ('11-20 no answer')."""
    if not patient_ids:
        return {}
    latest = C.select(fn.MAX(C.id)).where(C.patient.in_(patient_ids)).group_by(C.patient)
    query = C.select(C.patient, C.at, C.outcome, C.call_back_on).where(C.id.in_(latest))
    return {pid: describe(CallOutcome(outcome), as_moment(at), as_day(back))
            for pid, at, outcome, back in query.tuples()}
