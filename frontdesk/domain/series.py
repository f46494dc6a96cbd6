"""A stabilization series in one step: the dates of a pattern (dateutil.rrule), skipping
closed days, each placed in a free chair on its day or moved to the next free time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import islice

from dateutil.rrule import DAILY, FR, MO, TH, TU, WE, WEEKLY, rrule

from frontdesk.domain.clinic import ClinicSettings
from frontdesk.domain.errors import ValidationError
from frontdesk.domain.slots import Slot

SERIES_MAX = 12
#: How far a series date may move when its day has no free chair.
MAX_SHIFT_DAYS = 14


class Pattern(StrEnum):
    MON_WED_FRI = "mon-wed-fri"
    TUE_THU = "tue-thu"
    MON_THU = "mon-thu"
    TUE_FRI = "tue-fri"
    EVERY_OTHER_DAY = "every-other-day"
    EVERY_DAY = "every-day"


PATTERN_LABELS = {
    Pattern.MON_WED_FRI: "Mon/Wed/Fri",
    Pattern.TUE_THU: "Tue/Thu (twice a week)",
    Pattern.MON_THU: "Mon/Thu (twice a week)",
    Pattern.TUE_FRI: "Tue/Fri (twice a week)",
    Pattern.EVERY_OTHER_DAY: "every other open day",
    Pattern.EVERY_DAY: "every open day",
}

_WEEKDAYS = {Pattern.MON_WED_FRI: (MO, WE, FR), Pattern.TUE_THU: (TU, TH),
             Pattern.MON_THU: (MO, TH), Pattern.TUE_FRI: (TU, FR)}


def parse_pattern(text: str) -> Pattern:
    try:
        return Pattern(text.strip().lower())
    except ValueError:
        options = ", ".join(p.value for p in Pattern)
        raise ValidationError(f"pattern {text!r} is not one of: {options}") from None


def check_count(count: int) -> int:
    if not 1 <= count <= SERIES_MAX:
        raise ValidationError(f"a series has 1-{SERIES_MAX} infusions, not {count}")
    return count


def planned_dates(pattern: Pattern, first: dt.date, count: int,
                  settings: ClinicSettings) -> list[dt.date]:
    """The pattern's first `count` open days from `first` on."""
    check_count(count)
    start = dt.datetime.combine(first, dt.time())
    until = start + dt.timedelta(days=366)
    if pattern in _WEEKDAYS:
        rule = rrule(WEEKLY, byweekday=_WEEKDAYS[pattern], dtstart=start, until=until)
        days = (d.date() for d in rule if settings.is_open_on(d.date()))
    else:
        if not settings.open_weekdays:
            raise ValidationError("the clinic has no open days")
        rule = rrule(DAILY, byweekday=settings.open_weekdays, dtstart=start, until=until)
        step = 2 if pattern == Pattern.EVERY_OTHER_DAY else 1
        days = islice((d.date() for d in rule), 0, None, step)
    dates = list(islice(days, count))
    if len(dates) < count:
        raise ValidationError(f"the clinic is not open on the days of {PATTERN_LABELS[pattern]}")
    return dates


def latest_day(dates: Sequence[dt.date]) -> dt.date:
    """No date of a series planned on `dates` is placed after this day (plan_series: each
    moves at most MAX_SHIFT_DAYS past its date or the day after the one before)."""
    return dates[-1] + dt.timedelta(days=(MAX_SHIFT_DAYS + 1) * len(dates))


@dataclass(frozen=True)
class SeriesItem:
    planned: dt.date
    slot: Slot | None        # None: nothing free within MAX_SHIFT_DAYS
    note: str = ""           # why it is not on the planned day at the asked time


def plan_series(dates: Sequence[dt.date], preferred: dt.time, settings: ClinicSettings,
                free_from: Callable[[dt.date, dt.time], Iterable[Slot]],
                infusion_days: Collection[dt.date] = ()) -> list[SeriesItem]:
    """Place each date: the first free start at or after `preferred` that day, else the
    day's first free start; a full day moves to the next open day after the series' previous
    infusion (one infusion a day: `infusion_days`, the days the patient already has one, are
    full too). `free_from(day, earliest)` gives the day's free slots from `earliest` on in
    time order; only the first is taken, so it may find them lazily."""
    items: list[SeriesItem] = []
    previous: dt.date | None = None
    for planned in dates:
        pushed = previous is not None and planned <= previous
        day = previous + dt.timedelta(1) if pushed else planned
        placed = None
        for _ in range(MAX_SHIFT_DAYS + 1):
            if settings.is_open_on(day) and day not in infusion_days:
                placed = _first(free_from(day, preferred))
                if placed is None:  # nothing from `preferred` on: the day's first, earlier
                    placed = _first(free_from(day, dt.time.min))
                if placed is not None:
                    break
            day += dt.timedelta(days=1)
        if placed is None:
            items.append(SeriesItem(planned, None,
                                    f"nothing free within {MAX_SHIFT_DAYS} days"))
            continue
        note = ""
        if placed.day != planned:
            why = ("an infusion is already booked that day" if planned in infusion_days
                   else f"the one before is on {previous:%a %d %b}" if pushed
                   else "nothing free that day")
            note = f"moved from {planned:%a %d %b}: {why}"
        elif placed.start.time() != preferred:
            note = f"{placed.start:%H:%M}: nothing free at {preferred:%H:%M}"
        previous = placed.day
        items.append(SeriesItem(planned, placed, note))
    return items


def _first(slots: Iterable[Slot]) -> Slot | None:
    return next(iter(slots), None)
