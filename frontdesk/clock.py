"""The one clock of the application.

Everything that needs "today" or "now" asks here, so tests and `--today` can fix time.
"""

from __future__ import annotations

import datetime as dt

_fixed_today: dt.date | None = None


def set_today(day: dt.date | None) -> None:
    """Pin today's date (None returns to the real clock). The time of day stays real."""
    global _fixed_today
    _fixed_today = day


def today() -> dt.date:
    return _fixed_today or dt.date.today()


def now() -> dt.datetime:
    real = dt.datetime.now().replace(microsecond=0)
    if _fixed_today is None:
        return real
    return dt.datetime.combine(_fixed_today, real.time())
