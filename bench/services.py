"""What the desk's workers ask the services for, in-process and warm: the three lists (size
and first page), the filter counts, the day's agenda and the month's counts, the census of a
day and of a 30-day range, the next free slots and a series preview. The lists and the census
stand next to the best hand-written SQL for the same answer (bench/handsql.py), measured on
the same database in the same run."""

from __future__ import annotations

import datetime as dt
from typing import Callable

from frontdesk import clock
from frontdesk.domain.errors import DomainError
from frontdesk.services import booking, calendar, census, flow
from frontdesk.services.clinic import close_clinic, open_clinic
from frontdesk.services.lists import desk_lists
from frontdesk.services.patients import Filter, ListPager, ListQuery, filter_counts

from bench import handsql
from bench.clinics import TODAY
from bench.figures import Figure, at_most, baseline_at_most, growth_at_most, ms, timed

PAGE = 60
#: A Monday after the seeding day: the booking figures look for room from there.
BOOKING_DAY = dt.date(2026, 11, 23)
LISTS = (Filter.MID_STABILIZATION, Filter.DUE_FOR_MAINTENANCE, Filter.NOT_SEEN)


def _list_answer(which: Filter) -> Callable[[], object]:
    def answer():
        pager = ListPager(ListQuery(TODAY, which))
        return pager.size(), pager.page(0, PAGE)
    return answer


def _month() -> tuple[dt.date, dt.date]:
    first = TODAY.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return first, last


def _series_patient() -> int:
    """The first patient a series of 6 can be planned for (the target allows it)."""
    for patient in range(1, 1000):
        try:
            _plan_series(patient)
            return patient
        except DomainError:
            continue
    raise RuntimeError("no patient in the first 1,000 can take a series of 6")


def _plan_series(patient: int):
    return booking.plan_stabilization_series(patient, 6, "mon-wed-fri", BOOKING_DAY,
                                             dt.time(9))


def _board():
    """What the board's two workers ask for when it opens on the day."""
    now = dt.datetime.combine(TODAY, dt.time(11, 0))
    ids = flow.board_ids(TODAY)
    due = flow.next_due_id(TODAY, now)
    start = ids.index(due) // PAGE * PAGE if due in ids else 0
    return flow.board_lines(ids[start:start + PAGE], TODAY), flow.board_summary(TODAY, now, 15)


def calls() -> dict[str, Callable[[], object]]:
    """Each figure's service call, as the screen's worker makes it."""
    start = dt.datetime.combine(BOOKING_DAY, dt.time(8, 0))
    series_patient = _series_patient()
    first_day = TODAY - dt.timedelta(days=29)
    answers = {f"{which.value.replace('_', ' ')} list: size + first page":
               _list_answer(which) for which in LISTS}
    return answers | {
        "the three lists, whole (desk_lists)": lambda: desk_lists(TODAY),
        "filter counts (the five buttons)": lambda: filter_counts(TODAY),
        "census of a day": lambda: census.census(TODAY),
        "census of 30 days (census_range)": lambda: list(census.census_range(first_day, TODAY)),
        "census trend, 30 days": lambda: census.trend(TODAY),
        "census trend, 12 weeks": lambda: census.weekly_trend(TODAY),
        "the day's board: ids, next due, first page, counts": _board,
        "day agenda": lambda: calendar.day_agenda(TODAY),
        "month day counts": lambda: calendar.day_counts(*_month()),
        "next 5 free slots": lambda: booking.find_slots("infusion", start, 5),
        "series preview of 6": lambda: _plan_series(series_patient),
    }


TARGETS = {
    "filter counts (the five buttons)": (at_most(50, "ms"),),
    "day agenda": (at_most(20, "ms"),),
    "month day counts": (at_most(20, "ms"),),
    "next 5 free slots": (growth_at_most(2.0),),
    "series preview of 6": (at_most(30, "ms"),),
    "the day's board: ids, next due, first page, counts": (at_most(100, "ms"),),
}


def measure_one(target: str, repeat: int, *, database: str) -> dict[str, list[float]]:
    """Seconds per call of each figure on one clinic (and of its hand-written SQL)."""
    open_clinic(target)
    clock.set_now(dt.datetime.combine(BOOKING_DAY - dt.timedelta(days=2), dt.time(10, 0)))
    clock.set_today(TODAY)
    try:
        answers = calls()
        samples = {name: timed(call, repeat) for name, call in answers.items()}
        for name, sql in handsql.baselines(database, TODAY).items():
            samples[f"{name}: SQL"] = timed(sql, repeat)
            if name.endswith("size + first page"):
                by_hand, by_service = sql()[0], answers[name]()[0]
                if by_hand != by_service:
                    raise RuntimeError(f"the hand-written SQL for {name!r} counts "
                                       f"{by_hand}, the service {by_service}")
    finally:
        clock.set_today(None)
        close_clinic()
    return samples


def figures_from(samples: dict[int, dict[str, list[float]]], database: str) -> list[Figure]:
    out = []
    sizes = sorted(samples)
    for name in (n for n in samples[sizes[-1]] if not n.endswith(": SQL")):
        figure = Figure(name, "ms", "services", {s: ms(samples[s][name]) for s in sizes},
                        database=database, targets=TARGETS.get(name, ()))
        if f"{name}: SQL" in samples[sizes[-1]]:
            figure.baseline_name = "hand-written SQL"
            figure.baseline = {s: ms(samples[s][f"{name}: SQL"]) for s in sizes}
            if "list" in name or name.startswith("census"):  # the "lists and census"
                figure.targets = (*figure.targets, baseline_at_most(1.5))
        out.append(figure)
    return out


def measure(ctx) -> list[Figure]:
    ctx.say("services on SQLite…")
    samples = {size: measure_one(str(ctx.clinic(size)), ctx.repeat, database="sqlite")
               for size in ctx.sizes}
    figures = figures_from(samples, "sqlite")
    if ctx.postgres is not None:
        ctx.say("services on PostgreSQL…")
        samples = {size: measure_one(ctx.postgres.clinic(size), ctx.repeat,
                                     database="postgresql") for size in ctx.sizes}
        figures += figures_from(samples, "postgresql")
    return figures
