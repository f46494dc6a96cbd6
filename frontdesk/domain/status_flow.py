"""The appointment status flow of DOMAIN.md."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from frontdesk.domain.dates import day_words
from frontdesk.domain.errors import Conflict
from frontdesk.domain.model import DEFAULT_DURATION_MINUTES, UNFINISHED, Kind, Status

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


def next_step(kind: Kind, status: Status) -> Status | None:
    """The status the appointment normally moves to next; None when it is finished."""
    forward = next_statuses(kind, status) - {Status.NO_SHOW, Status.CANCELLED}
    return next(iter(forward)) if forward else None


#: The steps that happen with the patient in the clinic: today only (DOMAIN.md).
TODAY_ONLY = frozenset({Status.ARRIVED, Status.IN_CHAIR, Status.RECOVERY, Status.COMPLETED})


_STEP_WORDS = {Status.ARRIVED: "arriving", Status.IN_CHAIR: "the chair",
               Status.RECOVERY: "recovery", Status.COMPLETED: "completing"}


class NeedsConfirmation(Conflict):
    """A change the flow allows but that needs an explicit confirmation first (a no-show
    before the start time, any change to a past day's appointment); `why` says why."""

    def __init__(self, why: str) -> None:
        super().__init__(f"{why}: this needs an explicit confirmation")
        self.why = why


@dataclass(frozen=True)
class Verdict:
    """What the clinic's rules say about one status change at one moment: refused (and
    why), allowed once confirmed (and why it needs it), or fine (both empty)."""
    refused: str = ""
    confirm: str = ""

    @property
    def fine(self) -> bool:
        return not self.refused and not self.confirm


def judge_change(kind: Kind, current: Status, new: Status, start: dt.datetime,
                 now: dt.datetime) -> Verdict:
    """DOMAIN.md: the flow; arriving, the chair, recovery (and so completing) happen today
    and are refused for an appointment on another day; a no-show before the start time, and
    any change to a past day's appointment, need an explicit confirmation."""
    try:
        check_status_change(kind, current, new)
    except Conflict as refused:
        return Verdict(refused=str(refused))
    day, today = start.date(), now.date()
    if (new in TODAY_ONLY and day > today) or (new in TODAY_ONLY - {Status.COMPLETED}
                                               and day < today):
        tense = "is" if day > today else "was"
        return Verdict(refused=f"{_STEP_WORDS[new]} is for today's appointments: this {kind} "
                               f"{tense} on {day_words(day, today)}")
    if day < today:
        return Verdict(confirm=f"a change to a past day's appointment "
                               f"({day_words(day, today)})")
    if new == Status.NO_SHOW and now < start:
        return Verdict(confirm=f"a no-show before the start time ({start:%H:%M})")
    return Verdict()


def check_change(kind: Kind, current: Status, new: Status, start: dt.datetime,
                 now: dt.datetime, *, confirmed: bool = False) -> str:
    """judge_change as a check: raises Conflict when refused, NeedsConfirmation when it
    needs a confirmation not given; returns what was confirmed ("" for none)."""
    verdict = judge_change(kind, current, new, start, now)
    if verdict.refused:
        raise Conflict(verdict.refused)
    if verdict.confirm and not confirmed:
        raise NeedsConfirmation(verdict.confirm)
    return verdict.confirm


#: A booked patient this late is still the one the desk expects next (later than an
#: infusion lasts, the slot is gone: a no-show to mark rather than a patient to greet).
DUE_GRACE = dt.timedelta(minutes=DEFAULT_DURATION_MINUTES[Kind.INFUSION])


def next_due(appointments: Sequence[tuple[dt.datetime, Status]],
             now: dt.datetime) -> int | None:
    """Which of a day's appointments (start, status), in board order, the desk looks at
    first: the next patient due, i.e. the first still booked that starts at or after
    `now` less DUE_GRACE; when there is none, the first not yet finished (those in the
    clinic, a past day's stale bookings); None when every one is finished."""
    for index, (start, status) in enumerate(appointments):
        if status == Status.BOOKED and start >= now - DUE_GRACE:
            return index
    return next((index for index, (_, status) in enumerate(appointments)
                 if status in UNFINISHED), None)


def check_can_undo(current: Status, undone_to: Status) -> None:
    """An undo puts back the status before the last change, if the appointment still has
    the status that change gave it."""
    if current != undone_to:
        raise Conflict(f"the appointment is {current} now, not {undone_to}: "
                       "someone changed it since, so the change was not undone")


@dataclass(frozen=True)
class Alert:
    """Something the desk must look at: a patient waiting too long, or kept in recovery past
    the planned end."""
    kind: str      # "waiting" or "recovery"
    minutes: int   # waiting this long / this long past the planned end

    @property
    def text(self) -> str:
        if self.kind == "waiting":
            return f"waiting {self.minutes} min"
        return f"{self.minutes} min over"


DEFAULT_WAIT_ALERT_MINUTES = 15


def waiting_alert_cutoff(now: dt.datetime, wait_limit_minutes: int) -> dt.datetime:
    """Arrived at or before this time: waiting more than the limit (in whole minutes)."""
    return now - dt.timedelta(minutes=wait_limit_minutes + 1)


def recovery_alert_cutoff(now: dt.datetime) -> dt.datetime:
    """Planned to end at or before this time: at least a minute past the end."""
    return now - dt.timedelta(minutes=1)


def alert_for(status: Status, status_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime,
              wait_limit_minutes: int = DEFAULT_WAIT_ALERT_MINUTES) -> Alert | None:
    if status == Status.ARRIVED and status_at <= waiting_alert_cutoff(now, wait_limit_minutes):
        return Alert("waiting", minutes_between(status_at, now))
    if status == Status.RECOVERY and ends_at <= recovery_alert_cutoff(now):
        return Alert("recovery", minutes_between(ends_at, now))
    return None


def minutes_between(earlier: dt.datetime, later: dt.datetime) -> int:
    """Whole minutes passed, never negative."""
    return max(0, int((later - earlier).total_seconds() // 60))
