"""The one clock of the application.

Everything that needs "today" or "now" asks here, so tests and `--today` can fix time.
"""

from __future__ import annotations

import datetime as dt

_fixed_today: dt.date | None = None
_fixed_now: dt.datetime | None = None


def set_today(day: dt.date | None) -> None:
    """Pin today's date (None returns to the real clock). The time of day stays real."""
    global _fixed_today, _fixed_now
    _fixed_today, _fixed_now = day, None


def set_now(moment: dt.datetime | None) -> None:
    """Pin the date and the time of day (tests of waiting times and alerts)."""
    global _fixed_today, _fixed_now
    _fixed_today = moment.date() if moment else None
    _fixed_now = moment


def today() -> dt.date:
    return _fixed_today or dt.date.today()


def now() -> dt.datetime:
    if _fixed_now is not None:
        return _fixed_now
    real = dt.datetime.now().replace(microsecond=0)
    if _fixed_today is None:
        return real
    return dt.datetime.combine(_fixed_today, real.time())
