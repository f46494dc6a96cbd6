"""Recall calls (services.recall) on real databases: logging a call and its outcome, the
call-back date rules, each patient's latest call for the list column, and the desk's
"hide the patients called today" (ListQuery.hide_called_on) on the Due and Not-seen lists,
while a search still shows everyone."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from frontdesk import clock
from frontdesk.db import models as m
from frontdesk.domain.errors import NotFound, ValidationError
from frontdesk.domain.model import Kind, Phase, Status
from frontdesk.domain.recall import CallOutcome
from frontdesk.domain.search import parse_search
from frontdesk.services.patients import Filter, ListPager, ListQuery, rows_for_ids
from frontdesk.services.recall import (NOTE_MAX_CHARS, RecallCallLine, called_on, calls_of,
                                       last_calls, log_call)

from test_patients import add_patient

D, T = dt.date, dt.datetime
TODAY = D(2026, 11, 21)
NOW = T(2026, 11, 21, 10, 15)


@pytest.fixture(autouse=True)
def pinned_now():
    clock.set_now(NOW)
    yield NOW
    clock.set_now(None)


def overdue(chart: str, last: str) -> int:
    """In maintenance, last infusion in September: due for maintenance and not seen for
    over a month."""
    return add_patient(chart, "Ana", last, phase=Phase.MAINTENANCE, phase_since=D(2026, 3, 1),
                       visits=[(T(2026, 9, 15, 9), Kind.INFUSION, Status.COMPLETED)])


def ids(pager: ListPager) -> list[int]:
    return [row.id for row in pager.page(0, 100)]


# --- logging a call -----------------------------------------------------------------------------

def test_a_call_is_logged_with_who_when_and_how_it_went(any_db):
    pid = overdue("C-1", "Abe")
    line = log_call(pid, "no answer", staff="amara", note="  rang twice ")
    assert line == RecallCallLine(line.id, pid, NOW, "amara", CallOutcome.NO_ANSWER, None,
                                  "rang twice")
    row = m.RecallCall.get_by_id(line.id)
    assert (row.patient_id, row.outcome, row.call_back_on, row.note) == (
        pid, "no_answer", None, "rang twice")
    audit = m.AuditEntry.get(m.AuditEntry.action == "recall_call")
    assert (audit.entity, audit.entity_id, json.loads(audit.detail)) == (
        "patient", pid, {"outcome": "no_answer"})  # the note stays out of the audit


def test_call_back_needs_a_date_today_or_later(any_db):
    pid = overdue("C-1", "Abe")
    line = log_call(pid, CallOutcome.CALL_BACK, staff="amara", call_back_on=D(2026, 11, 24))
    assert (line.outcome, line.call_back_on) == (CallOutcome.CALL_BACK, D(2026, 11, 24))
    assert log_call(pid, "call back", staff="amara", call_back_on=TODAY).call_back_on == TODAY
    for outcome, back, message in [
            ("call_back", None, "say when to call back"),
            ("call_back", D(2026, 11, 20), "in the past"),
            ("declined", D(2026, 11, 24), "only a 'call back' outcome takes a date"),
            ("maybe", None, "is not one of")]:
        with pytest.raises(ValidationError, match=message):
            log_call(pid, outcome, staff="amara", call_back_on=back)
    assert m.RecallCall.select().count() == 2  # the refusals wrote nothing


def test_a_long_note_or_an_unknown_patient_is_refused(any_db):
    pid = overdue("C-1", "Abe")
    assert len(log_call(pid, "booked", staff="a", note="x" * NOTE_MAX_CHARS).note) == 500
    with pytest.raises(ValidationError, match="longer than 500"):
        log_call(pid, "booked", staff="a", note="x" * (NOTE_MAX_CHARS + 1))
    with pytest.raises(NotFound):
        log_call(10**6, "booked", staff="a")
    assert m.RecallCall.select().count() == 1
    assert m.AuditEntry.select().where(m.AuditEntry.action == "recall_call").count() == 1


def test_calls_of_a_patient_newest_first(any_db):
    pid, other = overdue("C-1", "Abe"), overdue("C-2", "Bee")
    for minute, outcome in [(0, "no_answer"), (5, "left_voicemail"), (9, "booked")]:
        clock.set_now(NOW + dt.timedelta(minutes=minute))
        log_call(pid, outcome, staff="amara")
    log_call(other, "declined", staff="amara")
    calls = calls_of(pid)
    assert [(c.at, c.outcome) for c in calls] == [
        (NOW + dt.timedelta(minutes=9), CallOutcome.BOOKED),
        (NOW + dt.timedelta(minutes=5), CallOutcome.LEFT_VOICEMAIL),
        (NOW, CallOutcome.NO_ANSWER)]
    assert [c.outcome for c in calls_of(pid, limit=1)] == [CallOutcome.BOOKED]
    assert calls_of(overdue("C-3", "Cee")) == []


def test_last_calls_describe_each_patients_latest(any_db):
    a, b, c = overdue("C-1", "Abe"), overdue("C-2", "Bee"), overdue("C-3", "Cee")
    clock.set_now(T(2026, 11, 20, 16))
    log_call(a, "no_answer", staff="x")
    clock.set_now(NOW)
    log_call(a, "call_back", staff="x", call_back_on=D(2026, 11, 24))
    log_call(b, "wrong_number", staff="x")
    assert last_calls([a, b, c]) == {a: "11-21 call back 11-24", b: "11-21 wrong number"}
    assert last_calls([]) == {}
    rows = {r.id: r for r in rows_for_ids([a, b, c], TODAY)}
    assert (rows[a].last_call, rows[b].last_call, rows[c].last_call) == (
        "11-21 call back 11-24", "11-21 wrong number", None)


# --- hiding the patients called today -----------------------------------------------------------

@pytest.mark.parametrize("list_filter", [Filter.DUE_FOR_MAINTENANCE, Filter.NOT_SEEN])
def test_called_hidden(any_db,
                                                                           list_filter):
    a, b, c = overdue("C-1", "Abe"), overdue("C-2", "Bee"), overdue("C-3", "Cee")
    clock.set_now(T(2026, 11, 20, 17))
    log_call(c, "no_answer", staff="x")           # yesterday: still shown today
    clock.set_now(NOW)
    log_call(a, "left_voicemail", staff="x")      # today
    shown = ListPager(ListQuery(TODAY, list_filter))
    hiding = ListPager(ListQuery(TODAY, list_filter, hide_called_on=TODAY))
    assert sorted(ids(shown)) == [a, b, c] and shown.size() == 3
    assert sorted(ids(hiding)) == [b, c] and hiding.size() == 2
    assert sorted(ids(ListPager(ListQuery(TODAY, list_filter,
                                          hide_called_on=D(2026, 11, 20))))) == [a, b]
    search = parse_search("ana", "US", TODAY)
    found = ListPager(ListQuery(TODAY, list_filter, search, hide_called_on=TODAY))
    assert sorted(ids(found)) == [a, b, c] and found.size() == 3
    assert {r.id: r.last_call for r in found.page(0, 10)}[a] == "11-21 left voicemail"


def test_hiding_keeps_the_lists_own_order_and_counts(db_path):
    """Due for maintenance keeps its due-date order with the called left out."""
    patients = []
    for n, month in enumerate([6, 7, 8, 9]):
        patients.append(add_patient(f"C-{n}", "Ana", f"P{n}", phase=Phase.MAINTENANCE,
                                    phase_since=D(2026, 1, 1),
                                    visits=[(T(2026, month, 10, 9), Kind.INFUSION,
                                             Status.COMPLETED)]))
    log_call(patients[1], "declined", staff="x")
    due = ListPager(ListQuery(TODAY, Filter.DUE_FOR_MAINTENANCE, hide_called_on=TODAY))
    assert ids(due) == [patients[0], patients[2], patients[3]]
    assert list(called_on(TODAY).tuples()) == [(patients[1],)]
    assert list(called_on(D(2026, 11, 22)).tuples()) == []
