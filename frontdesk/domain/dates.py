"""Calendar arithmetic the lists depend on (calendar months, not 30-day blocks)."""

from __future__ import annotations

import calendar
import datetime as dt

from dateutil.relativedelta import relativedelta


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` + `months` calendar months; Jan 31 + 1 month is Feb 28 (Feb 29 in a leap year)."""
    return day + relativedelta(months=months)


def one_month_before(day: dt.date) -> dt.date:
    return day - relativedelta(months=1)


def _is_last_day_of_month(day: dt.date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def latest_start_reaching(limit: dt.date, months: int) -> dt.date:
    """The latest date x with add_months(x, months) <= limit.

    add_months is monotonic but not invertible (Jan 28..31 all map to Feb 28), so this lets
    SQL test `due_on <= limit` as `last_infusion <= latest_start_reaching(limit, months)`
    without doing calendar arithmetic in SQL.
    """
    back = limit - relativedelta(months=months)
    if _is_last_day_of_month(limit):
        last_day = calendar.monthrange(back.year, back.month)[1]
        return back.replace(day=last_day)
    return back


def start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def start_of_next_day(day: dt.date) -> dt.datetime:
    return start_of_day(day + dt.timedelta(days=1))


def day_words(day: dt.date, today: dt.date) -> str:
    """A day as the desk says it: 'Mon 23 Nov', with the year when it is another year's
    ('Tue 05 Jan 2027'). The one spelling for screens and for the rules' messages."""
    return f"{day:%a %d %b}" if day.year == today.year else f"{day:%a %d %b %Y}"
