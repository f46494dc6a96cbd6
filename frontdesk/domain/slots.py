"""Finding free starts: the clinic's hours, the kind's length, a free chair for an infusion,
and no other appointment of the same patient.

Starts are offered on a grid of START_STEP_MINUTES from the opening time (08:00, 08:15, ...),
so a booker reads out times a patient can remember; an appointment must end by closing time.
A booking at an exact time off the grid (`frontdesk book --start 09:10`) is allowed: the grid
is only where the finder looks. Intervals are half-open: [start, end).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import TypeVar

from frontdesk.domain.clinic import ClinicSettings
from frontdesk.domain.errors import Conflict
from frontdesk.domain.model import intervals_overlap

START_STEP_MINUTES = 15

Interval = tuple[dt.datetime, dt.datetime]
Chair = TypeVar("Chair", bound=Hashable)


@dataclass(frozen=True, order=True)
class Slot:
    start: dt.datetime
    end: dt.datetime
    chair: str | None  # None for a kind that needs no chair

    @property
    def day(self) -> dt.date:
        return self.start.date()


class SlotTaken(Conflict):
    """The chair, or every chair, is taken at that time. `alternatives` holds the next free
    slots to offer instead (filled in by the service that refused)."""

    def __init__(self, message: str, alternatives: tuple[Slot, ...] = ()) -> None:
        super().__init__(message)
        self.alternatives = alternatives


def fits_hours(settings: ClinicSettings, start: dt.datetime, end: dt.datetime) -> bool:
    """Within one open day's hours: from opening, ending by closing time."""
    day = start.date()
    return (settings.is_open_on(day) and dt.datetime.combine(day, settings.opens) <= start
            and end <= _closing(settings, day))


def _closing(settings: ClinicSettings, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, settings.closes)


def grid_starts(settings: ClinicSettings, length_minutes: int, after: dt.datetime,
                last_day: dt.date) -> Iterator[dt.datetime]:
    """Starts on the grid, at or after `after`, whose appointment ends by closing time, on
    open days up to `last_day`."""
    step = dt.timedelta(minutes=START_STEP_MINUTES)
    length = dt.timedelta(minutes=length_minutes)
    day = after.date()
    while day <= last_day:
        if settings.is_open_on(day):
            start = dt.datetime.combine(day, settings.opens)
            closes = _closing(settings, day)
            while start + length <= closes:
                if start >= after:
                    yield start
                start += step
        day += dt.timedelta(days=1)


def patient_starts(settings: ClinicSettings, length_minutes: int, after: dt.datetime,
                   last_day: dt.date, *, patient_taken: Iterable[Interval] = (),
                   patient_days: Collection[dt.date] = ()) -> Iterator[dt.datetime]:
    """The grid starts (grid_starts) the patient can take: none on a day in `patient_days`
    (one infusion a day), none meeting one of `patient_taken` (their own appointments)."""
    length = dt.timedelta(minutes=length_minutes)
    patient = sorted(patient_taken)
    for start in grid_starts(settings, length_minutes, after, last_day):
        if start.date() in patient_days:
            continue
        end = start + length
        if any(intervals_overlap(start, end, s, e) for s, e in patient):
            continue
        yield start


def first_free_chairs(starts: Sequence[dt.datetime], length: dt.timedelta,
                      chairs: Sequence[Chair],
                      taken: Iterable[tuple[Chair, dt.datetime, dt.datetime]]
                      ) -> list[Chair | None]:
    """For each of `starts` (in time order), the first chair in `chairs` order that nothing
    in `taken` (chair, start, end) holds during [start, start + length); None when every
    chair is held then. `taken` must hold every interval of those chairs that reaches into
    [starts[0], starts[-1] + length); intervals of chairs not in `chairs` (retired) count
    for nothing.

    One sweep through time: an interval counts against its chair from the first start it
    reaches to the last, and each start's chair is the first whose count is zero, found by
    one scan in C. The work is the intervals read plus that scan, not a chair-by-chair test
    of every start. A chair is anything hashable: its name, or its id."""
    if any(b < a for a, b in zip(starts, starts[1:])):
        raise ValueError("starts must be in time order")
    rank = {name: n for n, name in enumerate(chairs)}
    spans = [(s, e, rank[c]) for c, s, e in taken if c in rank]
    entering = sorted(spans, key=itemgetter(0))
    leaving = sorted(spans, key=itemgetter(1))
    held = [0] * len(chairs)  # how many intervals hold each chair at the start looked at
    n_in = n_out = 0
    found: list[Chair | None] = []
    for start in starts:
        end = start + length
        while n_in < len(entering) and entering[n_in][0] < end:
            held[entering[n_in][2]] += 1
            n_in += 1
        while n_out < len(leaving) and leaving[n_out][1] <= start:
            held[leaving[n_out][2]] -= 1  # it began before `end` too, so it was counted
            n_out += 1
        try:
            found.append(chairs[held.index(0)])
        except ValueError:
            found.append(None)
    return found


def free_slots(settings: ClinicSettings, length_minutes: int, after: dt.datetime,
               last_day: dt.date, *, chairs: Sequence[str] | None,
               chair_taken: Mapping[str, Iterable[Interval]],
               patient_taken: Iterable[Interval] = (),
               patient_days: Collection[dt.date] = ()) -> Iterator[Slot]:
    """Every free start in time order, each with the first free chair (in `chairs` order).

    `chairs` None: the kind needs no chair. `chair_taken` holds each chair's taken
    intervals, `patient_taken` the patient's own appointments (other than one being moved),
    `patient_days` the days the patient may have no other of this kind (one infusion a day).
    """
    length = dt.timedelta(minutes=length_minutes)
    starts = list(patient_starts(settings, length_minutes, after, last_day,
                                 patient_taken=patient_taken, patient_days=patient_days))
    if chairs is None:
        chosen: Sequence[str | None] = [None] * len(starts)
    else:
        taken = [(name, s, e) for name, intervals in chair_taken.items()
                 for s, e in intervals]
        chosen = first_free_chairs(starts, length, chairs, taken)
    for start, chair in zip(starts, chosen):
        if chairs is None or chair is not None:
            yield Slot(start, start + length, chair)


def spread(slots: Iterable[Slot], count: int, *, min_gap_minutes: int = 60,
           per_day: int = 3) -> list[Slot]:
    """Alternatives to read out on the phone: the first free start, then later ones at least
    `min_gap_minutes` apart, at most `per_day` a day, so the list reaches other days."""
    chosen: list[Slot] = []
    gap = dt.timedelta(minutes=min_gap_minutes)
    for slot in slots:
        if len(chosen) >= count:
            break
        same_day = [s for s in chosen if s.day == slot.day]
        if len(same_day) >= per_day:
            continue
        if same_day and slot.start - same_day[-1].start < gap:
            continue
        chosen.append(slot)
    return chosen
