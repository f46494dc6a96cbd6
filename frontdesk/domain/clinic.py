"""Clinic-wide settings: opening hours, chairs, default lengths, phone region."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from frontdesk.domain.model import DEFAULT_DURATION_MINUTES, Kind

DEFAULT_CHAIRS = ("Chair 1", "Chair 2", "Chair 3", "Chair 4")


@dataclass(frozen=True)
class ClinicSettings:
    name: str = "Ketamine Clinic"
    open_weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday = 0
    opens: dt.time = dt.time(8, 0)
    closes: dt.time = dt.time(18, 0)
    phone_region: str = "US"
    durations: dict[Kind, int] = field(default_factory=lambda: dict(DEFAULT_DURATION_MINUTES))

    def is_open_on(self, day: dt.date) -> bool:
        return day.weekday() in self.open_weekdays

    def open_minutes(self, day: dt.date) -> int:
        if not self.is_open_on(day):
            return 0
        opens = dt.datetime.combine(day, self.opens)
        closes = dt.datetime.combine(day, self.closes)
        return max(0, int((closes - opens).total_seconds() // 60))

    def duration_of(self, kind: Kind) -> int:
        return self.durations.get(kind, DEFAULT_DURATION_MINUTES[kind])
