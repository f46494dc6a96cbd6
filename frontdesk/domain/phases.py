"""Treatment phases: which changes staff may make, the badge each phase shows, and the phase
a patient was in as of a date (read from the phase history)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, NamedTuple, Sequence

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


# --- the phase as of a date (DOMAIN.md "The three lists ... as of a date D") -----------------

@dataclass(frozen=True)
class PhaseChange:
    """One row of the phase history. `from_phase` is None for the first row of a registered
    or imported patient; `from_since` is the phase_since before the change, where recorded
    (the desk records it; imports, registrations and the demo do not)."""
    at: dt.datetime
    from_phase: Phase | None
    to_phase: Phase
    from_since: dt.date | None = None


def phase_in_history(history: Iterable[PhaseChange], stored_phase: Phase,
                     stored_since: dt.date, registered_on: dt.date,
                     day: dt.date) -> tuple[Phase, dt.date]:
    """(phase, phase_since) in force at the end of `day`, whether or not the patient was
    registered by then. `history` is in the order it was written (by id).

    The first change after `day` says what it changed from: that phase was in force at the
    end of `day` (so a history that does not reach back to `day` gives the earliest phase it
    knows, and an imported patient's first row, from nothing, the imported phase). With no
    change after `day`, the stored columns are the answer. The phase began (phase_since) on
    the day the change after `day` says it began, where it says so; else on the day of the
    latest change on or before `day`; else, for a first row, on that row's day; else on the
    registration day, the earliest the record knows.
    """
    changes = sorted(history, key=lambda c: c.at)  # stable: ties keep the order written
    before = [c for c in changes if c.at.date() <= day]
    after = [c for c in changes if c.at.date() > day]
    if not after:
        return stored_phase, stored_since
    first_after = after[0]
    phase = first_after.from_phase or first_after.to_phase
    if first_after.from_since is not None:
        since = first_after.from_since
    elif before:
        since = before[-1].at.date()
    elif first_after.from_phase is None:
        since = first_after.at.date()
    else:
        since = registered_on
    return Phase(phase), since


def phase_as_of(history: Iterable[PhaseChange], stored_phase: Phase, stored_since: dt.date,
                registered_on: dt.date, day: dt.date) -> tuple[Phase, dt.date] | None:
    """(phase, phase_since) as of the end of `day`; None when the patient was registered
    after `day` (not counted as of `day`). For `day` = today: the stored columns."""
    if registered_on > day:
        return None
    return phase_in_history(history, stored_phase, stored_since, registered_on, day)


class DayChange(NamedTuple):
    """A row of the phase history as the phase as of a day reads it: the change's day, what
    it changed from and to, and the phase_since before it where recorded."""
    day: dt.date
    from_phase: str | None
    to_phase: str
    from_since: dt.date | None = None


def phase_timeline(changes: Sequence[DayChange], after: tuple[Phase, dt.date],
                   registered_on: dt.date, latest_before: dt.date | None,
                   first: dt.date, last: dt.date
                   ) -> list[tuple[dt.date, dt.date, Phase, dt.date]]:
    """(from, to, phase, phase_since) for the days first..last, in order: what
    phase_in_history answers for each of those days, worked out once for each run of days
    between two changes instead of once a day (the census over a range of days).

    `changes` are the history's changes dated after `first`, in time order (ties as
    written); `after` is the (phase, phase_since) of a day none of them comes after: the
    stored columns when `changes` run to the end of the history, or the answer for `last`
    when they stop there. `latest_before` is the day of the latest change dated `first` or
    earlier (None when there is none); only phase_since depends on it.
    """
    segments: list[tuple[dt.date, dt.date, Phase, dt.date]] = []
    latest, i, day = latest_before, 0, first
    while day <= last:
        while i < len(changes) and changes[i].day <= day:
            latest = changes[i].day
            i += 1
        if i == len(changes):
            segments.append((day, last, after[0], after[1]))
            break
        change = changes[i]  # the first change after each day up to the one before its own
        if change.from_since is not None:
            since = change.from_since
        elif latest is not None:
            since = latest
        elif change.from_phase is None:
            since = change.day
        else:
            since = registered_on
        end = min(last, change.day - dt.timedelta(days=1))
        segments.append((day, end, Phase(change.from_phase or change.to_phase), since))
        day = end + dt.timedelta(days=1)
    return segments
