"""Treatment phases: which changes staff may make, and the badge each phase shows."""

from __future__ import annotations

from frontdesk.domain.errors import Conflict
from frontdesk.domain.model import Phase

#: Changes staff may make by hand (DOMAIN.md "Transitions"). Automatic ones
#: (first infusion completed, N-th infusion completed) are a subset of these.
STAFF_TRANSITIONS: dict[Phase, frozenset[Phase]] = {
    Phase.INTAKE: frozenset({Phase.STABILIZATION, Phase.DISCHARGED}),
    Phase.STABILIZATION: frozenset({Phase.MAINTENANCE, Phase.DISCHARGED}),
    Phase.MAINTENANCE: frozenset({Phase.INTEGRATION, Phase.DISCHARGED}),
    Phase.INTEGRATION: frozenset({Phase.MAINTENANCE, Phase.STABILIZATION, Phase.DISCHARGED}),
    Phase.DISCHARGED: frozenset(),
}


def check_phase_change(current: Phase, new: Phase) -> None:
    """Raise Conflict unless staff may move a patient from `current` to `new`."""
    if new not in STAFF_TRANSITIONS[current]:
        allowed = ", ".join(sorted(STAFF_TRANSITIONS[current])) or "none"
        raise Conflict(f"a patient in {current} cannot move to {new} (allowed: {allowed})")


def phase_after_completed_infusion(phase: Phase, completed_in_phase: int, target: int) -> Phase:
    """The phase a patient moves to automatically once an infusion is completed.

    `completed_in_phase` counts the completed stabilization infusions including this one.
    """
    if phase == Phase.INTAKE:
        phase = Phase.STABILIZATION
        completed_in_phase = max(completed_in_phase, 1)
    if phase == Phase.STABILIZATION and completed_in_phase >= target:
        return Phase.MAINTENANCE
    return phase


def badge(phase: Phase, *, completed: int = 0, target: int = 0,
          due: bool = False, overdue: bool = False) -> str:
    """The badge text; distinct in words, not only in colour."""
    match phase:
        case Phase.INTAKE:
            return "INTAKE"
        case Phase.STABILIZATION:
            return f"STAB {completed}/{target}"
        case Phase.MAINTENANCE:
            if overdue:
                return "OVERDUE"
            return "DUE" if due else "MAINT"
        case Phase.INTEGRATION:
            return "INTEG"
        case Phase.DISCHARGED:
            return "DISCH"
    raise ValueError(phase)
