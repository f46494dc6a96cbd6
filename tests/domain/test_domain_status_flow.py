"""Appointment status flow (DOMAIN.md "Appointments")."""

from __future__ import annotations

import itertools

import pytest

from frontdesk.domain.errors import Conflict
from frontdesk.domain.model import Kind, Status
from frontdesk.domain.status_flow import check_status_change, next_statuses

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
