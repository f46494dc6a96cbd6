"""How dates, times, kinds and statuses read on the desk's screens."""

from __future__ import annotations

import datetime as dt

from frontdesk.domain.model import Kind, Status

KIND_SHORT = {Kind.INFUSION: "INF", Kind.CONSULT: "CONS", Kind.ASSESSMENT: "ASMT"}
STATUS_WORDS = {Status.BOOKED: "booked", Status.ARRIVED: "arrived", Status.IN_CHAIR: "in chair",
                Status.RECOVERY: "recovery", Status.COMPLETED: "completed",
                Status.NO_SHOW: "no-show", Status.CANCELLED: "cancelled"}


def day(value: dt.date | None) -> str:
    """2026-11-20, or an en dash for none (dates stay ISO, as on the command line)."""
    return value.isoformat() if value else "–"


def day_time(value: dt.datetime | None, this_year: int) -> str:
    """'Nov 25 09:30' (12 characters); another year's date shows as 2027-01-05."""
    if value is None:
        return "–"
    return value.strftime("%b %d %H:%M") if value.year == this_year else value.date().isoformat()


def long_day(value: dt.date) -> str:
    return value.strftime("%a %d %b %Y")


def compact_count(n: int, width: int = 4) -> str:
    """A count in at most `width` (3 or 4) characters: 57, 999, 6.1k (or 6k), 12k."""
    if n < 10 ** (width - 1) and n < 1000:
        return str(n)
    if width >= 4 and n < 10_000:
        return f"{n / 1000:.1f}k"
    return f"{n // 1000}k" if n < 10 ** (width - 1) * 1000 else "99+"
