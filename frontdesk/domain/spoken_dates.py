"""A day (and a time) as a booker types it on the phone: `today`, `tomorrow`, `+3` or `3d`
(days), `+2w`, a weekday (`fri`: the next one after today), `11/24` (month first in the US,
day first elsewhere; the next such day), `Nov 24`, `2026-11-24`; times `9:30`, `14:00`, `2pm`.

The one reader for every field a day is typed into (the booking's From, the series' From,
the call-back day): each passes the clinic's phone region, which is why it has no default:
`11/12` must not read as 12 November in one field and 11 December in another."""

from __future__ import annotations

import datetime as dt
import re

from dateutil import parser as date_parser

from frontdesk.domain.errors import ValidationError
from frontdesk.domain.search import MONTH_FIRST_REGIONS

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_IN_DAYS = re.compile(r"\+?([0-9]{1,3})\s*(d|days?|w|weeks?)?")
_DAY_MONTH = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})(?:[/.-]([0-9]{2}|[0-9]{4}))?")
_ISO = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")
_YEAR = re.compile(r"[0-9]{4}")


def read_day(text: str, today: dt.date, region: str) -> dt.date | None:
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


# --- what the fields read: a day, a time, both ------------------------------------------------

_TIME = re.compile(r"^(\d{1,2})(?::?(\d{2}))?(am|pm)?$")
DATE_HELP = "a date: 2026-11-30, today, tomorrow, +3, +2w or fri, optionally 14:00"


def parse_time(text: str, *, alone: bool = True) -> dt.time | None:
    """'9', '9:30', '0930', '14:00', '2pm' -> a time; None when the text is not one. `alone`:
    a bare one- or two-digit number is not read as an hour (it may be meant as a day)."""
    word = text.strip().lower().replace(".", ":").replace(" ", "")
    found = _TIME.match(word)
    if not found:
        return None
    hours, minutes, half = int(found[1]), int(found[2] or 0), found[3]
    if alone and found[2] is None and half is None and ":" not in word:
        return None
    if half:
        if not 1 <= hours <= 12:
            return None
        hours = hours % 12 + (12 if half == "pm" else 0)
    if hours > 23 or minutes > 59:
        return None
    return dt.time(hours, minutes)


def parse_day(text: str, today: dt.date, region: str) -> dt.date:
    """A day for a booking field: empty or 'now' is today; ValidationError saying how to
    write one when the text names none."""
    word = text.strip().lower()
    if word in ("", "now"):
        return today
    day = read_day(word, today, region)
    if day is None:
        raise ValidationError(f"{text.strip()!r} is not {DATE_HELP}")
    return day


def parse_when(text: str, today: dt.date, region: str) -> tuple[dt.date, dt.time | None]:
    """'fri 14:00', 'tomorrow', '2026-11-30 9:30', '14:00' (today): a day and maybe a time."""
    words = text.lower().replace(",", " ").split()
    if len(words) >= 2 and words[-1] in ("am", "pm"):
        words[-2:] = [words[-2] + words[-1]]
    time = parse_time(words[-1], alone=len(words) == 1) if words else None
    if time is not None:
        words = words[:-1]
    return parse_day(" ".join(words), today, region), time


def read_call_back_day(text: str, today: dt.date, region: str) -> dt.date | None:
    """The day to call back: None when empty (the field is optional until checked)."""
    if not text.strip():
        return None
    day = read_day(text, today, region)
    if day is None:
        raise ValidationError(f"call back on {text.strip()!r} is not a day "
                              "(e.g. tomorrow, +3, fri, 2026-11-24)")
    return day
