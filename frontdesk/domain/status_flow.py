"""The appointment status flow of DOMAIN.md."""

from __future__ import annotations

from frontdesk.domain.errors import Conflict
from frontdesk.domain.model import Kind, Status

_CHAIR_FLOW = {
    Status.BOOKED: frozenset({Status.ARRIVED, Status.NO_SHOW, Status.CANCELLED}),
    Status.ARRIVED: frozenset({Status.IN_CHAIR}),
    Status.IN_CHAIR: frozenset({Status.RECOVERY}),
    Status.RECOVERY: frozenset({Status.COMPLETED}),
}
_VISIT_FLOW = {  # consults and assessments skip in_chair and recovery
    Status.BOOKED: frozenset({Status.ARRIVED, Status.NO_SHOW, Status.CANCELLED}),
    Status.ARRIVED: frozenset({Status.COMPLETED}),
}


def next_statuses(kind: Kind, status: Status) -> frozenset[Status]:
    flow = _CHAIR_FLOW if kind == Kind.INFUSION else _VISIT_FLOW
    return flow.get(status, frozenset())


def check_status_change(kind: Kind, current: Status, new: Status) -> None:
    allowed = next_statuses(kind, current)
    if new not in allowed:
        options = ", ".join(sorted(allowed)) or "none (it is final)"
        article = "an" if kind[0] in "aeiou" else "a"
        raise Conflict(f"{article} {kind} that is {current} cannot become {new}; "
                       f"next can be: {options}")
