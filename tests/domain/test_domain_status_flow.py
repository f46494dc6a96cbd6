"""Appointment status flow (DOMAIN.md "Appointments")."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from frontdesk.domain.errors import Conflict
from frontdesk.domain.model import Kind, Status
from frontdesk.domain.status_flow import (NeedsConfirmation, Verdict, check_change,
                                          check_status_change, judge_change, next_due,
                                          next_statuses)

B, A, C, R, DONE, NS, X = (Status.BOOKED, Status.ARRIVED, Status.IN_CHAIR, Status.RECOVERY,
                           Status.COMPLETED, Status.NO_SHOW, Status.CANCELLED)

# booked -> arrived -> in_chair -> recovery -> completed; booked -> no_show; booked -> cancelled
INFUSION_FLOW = {(B, A), (A, C), (C, R), (R, DONE), (B, NS), (B, X)}
# consults and assessments skip in_chair/recovery
VISIT_FLOW = {(B, A), (A, DONE), (B, NS), (B, X)}
FLOW = {Kind.INFUSION: INFUSION_FLOW, Kind.CONSULT: VISIT_FLOW, Kind.ASSESSMENT: VISIT_FLOW}
FINAL = (DONE, NS, X)

ALL = list(itertools.product(Kind, Status, Status))


@pytest.mark.parametrize(("kind", "current", "new"),
                         [t for t in ALL if (t[1], t[2]) in FLOW[t[0]]])
def test_allowed_status_changes(kind, current, new):
    check_status_change(kind, current, new)
    assert new in next_statuses(kind, current)


@pytest.mark.parametrize(("kind", "current", "new"),
                         [t for t in ALL if (t[1], t[2]) not in FLOW[t[0]]])
def test_refused_status_changes(kind, current, new):
    assert new not in next_statuses(kind, current)
    with pytest.raises(Conflict) as err:
        check_status_change(kind, current, new)
    message = str(err.value)
    # readable: names the kind, where it is, where it cannot go
    assert str(kind) in message and str(current) in message and str(new) in message
    assert "Status." not in message and "Kind." not in message and "\n" not in message


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("status", list(Status))
def test_next_statuses_is_exactly_the_flow(kind, status):
    expected = {new for cur, new in FLOW[kind] if cur == status}
    assert next_statuses(kind, status) == expected


def test_full_infusion_walk():
    path = [B, A, C, R, DONE]
    for current, new in zip(path, path[1:]):
        check_status_change(Kind.INFUSION, current, new)


@pytest.mark.parametrize("kind", [Kind.CONSULT, Kind.ASSESSMENT])
def test_consult_and_assessment_skip_chair(kind):
    check_status_change(kind, B, A)
    check_status_change(kind, A, DONE)
    for new in (C, R):
        with pytest.raises(Conflict):
            check_status_change(kind, A, new)


def test_infusion_cannot_skip_the_chair():
    for current, new in [(A, DONE), (A, R), (B, C), (B, DONE), (C, DONE)]:
        with pytest.raises(Conflict):
            check_status_change(Kind.INFUSION, current, new)


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("final", FINAL)
def test_final_statuses_go_nowhere(kind, final):
    assert next_statuses(kind, final) == frozenset()
    with pytest.raises(Conflict, match="final"):
        check_status_change(kind, final, B)


@pytest.mark.parametrize("kind", list(Kind))
def test_no_show_and_cancel_only_from_booked(kind):
    for current in Status:
        for new in (NS, X):
            allowed = new in next_statuses(kind, current)
            assert allowed == (current == B), (kind, current, new)


def test_refusal_lists_what_is_possible():
    with pytest.raises(Conflict) as err:
        check_status_change(Kind.INFUSION, A, DONE)
    assert "in_chair" in str(err.value)
    with pytest.raises(Conflict) as err:
        check_status_change(Kind.CONSULT, B, C)
    message = str(err.value)
    assert all(s in message for s in ("arrived", "no_show", "cancelled"))


# --- which day a change may be made on (DOMAIN.md: arriving, the chair and recovery happen
# today; a no-show before the start, and any change to a past day, need a confirmation) -----

TODAY = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, 14, 15)


def _start(days: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(TODAY + dt.timedelta(days=days), dt.time(hour, minute))


@pytest.mark.parametrize("days", [1, 7, -1, -30])
@pytest.mark.parametrize(("kind", "current", "new"), [
    (Kind.INFUSION, B, A), (Kind.INFUSION, A, C), (Kind.INFUSION, C, R),
    (Kind.CONSULT, B, A), (Kind.ASSESSMENT, B, A)])
def test_the_clinic_steps_are_refused_on_another_day(days, kind, current, new):
    verdict = judge_change(kind, current, new, _start(days), NOW)
    assert verdict.refused and not verdict.confirm and not verdict.fine
    assert "today" in verdict.refused and str(kind) in verdict.refused
    day = f"{TODAY + dt.timedelta(days=days):%a %d %b}"
    assert day in verdict.refused and "\n" not in verdict.refused
    with pytest.raises(Conflict) as err:
        check_change(kind, current, new, _start(days), NOW, confirmed=True)
    assert not isinstance(err.value, NeedsConfirmation)


@pytest.mark.parametrize(("kind", "current"), [(Kind.INFUSION, R), (Kind.CONSULT, A)])
def test_completing_is_refused_ahead_and_confirmed_for_a_past_day(kind, current):
    assert judge_change(kind, current, DONE, _start(1), NOW).refused
    verdict = judge_change(kind, current, DONE, _start(-3), NOW)
    assert verdict.confirm == "a change to a past day's appointment (Fri 20 Nov)"
    assert judge_change(kind, current, DONE, _start(0, 8), NOW).fine


@pytest.mark.parametrize("new", [NS, X])
def test_any_change_to_a_past_day_needs_a_confirmation(new):
    verdict = judge_change(Kind.INFUSION, B, new, _start(-1, 17, 30), NOW)
    assert verdict == Verdict(confirm="a change to a past day's appointment (Sun 22 Nov)")
    with pytest.raises(NeedsConfirmation) as err:
        check_change(Kind.INFUSION, B, new, _start(-1, 17, 30), NOW)
    assert err.value.why == verdict.confirm and "confirmation" in str(err.value)
    assert check_change(Kind.INFUSION, B, new, _start(-1, 17, 30), NOW,
                        confirmed=True) == verdict.confirm


def test_a_past_day_in_another_year_names_the_year():
    start = dt.datetime(2025, 12, 30, 9)
    assert judge_change(Kind.INFUSION, B, NS, start, NOW).confirm.endswith("(Tue 30 Dec 2025)")


@pytest.mark.parametrize(("start", "confirm"), [
    (_start(0, 17, 30), "a no-show before the start time (17:30)"),
    (_start(0, 14, 16), "a no-show before the start time (14:16)"),
    (_start(3, 9), "a no-show before the start time (09:00)"),
    (_start(0, 14, 15), ""),            # at the start time: the patient is late
    (_start(0, 8), "")])
def test_a_no_show_before_the_start_needs_a_confirmation(start, confirm):
    assert judge_change(Kind.INFUSION, B, NS, start, NOW) == Verdict(confirm=confirm)


@pytest.mark.parametrize("days", [0, 1, 30])
def test_cancelling_today_or_ahead_and_todays_steps_are_fine(days):
    assert judge_change(Kind.INFUSION, B, X, _start(days, 17, 30), NOW).fine
    assert check_change(Kind.INFUSION, B, X, _start(days, 17, 30), NOW) == ""
    for current, new in [(B, A), (A, C), (C, R), (R, DONE)]:
        assert judge_change(Kind.INFUSION, current, new, _start(0, 17, 30), NOW).fine


def test_the_flow_itself_comes_first():
    verdict = judge_change(Kind.CONSULT, A, C, _start(1), NOW)
    assert "a consult that is arrived cannot become in_chair" in verdict.refused


# --- where the board opens: the next patient due --------------------------------------------

def test_next_due_is_the_first_booked_not_long_past():
    rows = [(_start(0, 8), DONE), (_start(0, 9, 30), A),       # in the clinic, waiting
            (_start(0, 12, 30), B),                            # 105 min late: gone
            (_start(0, 12, 45), B),                            # 90 min late: still due
            (_start(0, 15), B)]
    assert next_due(rows, NOW) == 3
    assert next_due(rows[:3], NOW) == 1                        # else the first unfinished
    assert next_due([(_start(0, 8), DONE), (_start(0, 9), NS)], NOW) is None
    assert next_due([], NOW) is None
    # another day: ahead, the first booked; past, the first left unfinished
    assert next_due([(_start(1, 8), X), (_start(1, 9), B)], NOW) == 1
    assert next_due([(_start(-1, 8), DONE), (_start(-1, 9), B)], NOW) == 1
