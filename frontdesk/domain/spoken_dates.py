"""A day as a booker types it on the phone: `today`, `tomorrow`, `+3` or `3d` (days), `+2w`,
a weekday (`fri`: the next one after today), `11/24` (month first in the US, day first
elsewhere; the next such day), `Nov 24`, `2026-11-24`."""

from __future__ import annotations

import datetime as dt
import re

from dateutil import parser as date_parser

from frontdesk.domain.search import MONTH_FIRST_REGIONS

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_IN_DAYS = re.compile(r"\+?([0-9]{1,3})\s*(d|days?|w|weeks?)?")
_DAY_MONTH = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})(?:[/.-]([0-9]{2}|[0-9]{4}))?")
_ISO = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")
_YEAR = re.compile(r"[0-9]{4}")


def read_day(text: str, today: dt.date, region: str = "US") -> dt.date | None:
    """The day the text names, or None when it names none (empty text included)."""
    raw = text.strip().lower()
    if not raw:
        return None
    if raw in ("today", "tod"):
        return today
    if raw in ("tomorrow", "tmrw", "tmr", "tom"):
        return today + dt.timedelta(days=1)
    if (match := _IN_DAYS.fullmatch(raw)) and (raw.startswith("+") or match.group(2)):
        count, unit = int(match.group(1)), match.group(2) or "d"
        return today + dt.timedelta(days=count * (7 if unit.startswith("w") else 1))
    if len(raw) >= 2 and raw.isalpha():
        matches = [i for i, name in enumerate(WEEKDAYS) if name.startswith(raw)]
        if len(matches) == 1:
            return today + dt.timedelta(days=(matches[0] - today.weekday() - 1) % 7 + 1)
    try:
        if _ISO.fullmatch(raw):
            return dt.date(*(int(part) for part in raw.split("-")))
        if match := _DAY_MONTH.fullmatch(raw):
            first, second, year = match.groups()
            month, day = ((int(first), int(second)) if region in MONTH_FIRST_REGIONS
                          else (int(second), int(first)))
            if year:
                return dt.date(int(year) + (2000 if len(year) == 2 else 0), month, day)
            return _next(today, month, day)
        if any(c.isalpha() for c in raw):
            read = date_parser.parse(raw, default=dt.datetime(today.year, 1, 1),
                                     dayfirst=region not in MONTH_FIRST_REGIONS).date()
            return read if _YEAR.search(raw) else _next(today, read.month, read.day)
    except (ValueError, OverflowError):
        return None
    return None


def _next(today: dt.date, month: int, day: int) -> dt.date:
    """That day this year, or next year's when it is already past."""
    this_year = dt.date(today.year, month, day)
    return this_year if this_year >= today else dt.date(today.year + 1, month, day)
