"""Finding free starts: the clinic's hours, the kind's length, a free chair for an infusion,
and no other appointment of the same patient.

Starts are offered on a grid of START_STEP_MINUTES from the opening time (08:00, 08:15, ...),
so a booker reads out times a patient can remember; an appointment must end by closing time.
A booking at an exact time off the grid (`frontdesk book --start 09:10`) is allowed: the grid
is only where the finder looks. Intervals are half-open: [start, end).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from frontdesk.domain.clinic import ClinicSettings
from frontdesk.domain.errors import Conflict
from frontdesk.domain.model import intervals_overlap

START_STEP_MINUTES = 15

Interval = tuple[dt.datetime, dt.datetime]


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


class ChairTimes:
    """One chair's taken intervals, sorted; they never overlap each other (the database
    guards that), so the one starting last before an end is the only one that can reach
    past a start."""

    def __init__(self, taken: Iterable[Interval]) -> None:
        ordered = sorted(taken)
        self._starts = [s for s, _ in ordered]
        self._ends = [e for _, e in ordered]

    def is_free(self, start: dt.datetime, end: dt.datetime) -> bool:
        before = bisect_left(self._starts, end)  # intervals that start before `end`
        return before == 0 or self._ends[before - 1] <= start


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
    patient = sorted(patient_taken)
    times = {name: ChairTimes(chair_taken.get(name, ())) for name in chairs or ()}
    for start in grid_starts(settings, length_minutes, after, last_day):
        if start.date() in patient_days:
            continue
        end = start + length
        if any(intervals_overlap(start, end, s, e) for s, e in patient):
            continue
        if chairs is None:
            yield Slot(start, end, None)
            continue
        chair = next((name for name in chairs if times[name].is_free(start, end)), None)
        if chair is not None:
            yield Slot(start, end, chair)


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
