"""Clinic-wide settings: opening hours, chairs, default lengths, phone region."""

from __future__ import annotations

import datetime as dt
import json
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


def settings_to_rows(s: ClinicSettings) -> dict[str, str]:
    """The settings as key -> JSON text, the way the clinic_setting table stores them."""
    return {
        "name": json.dumps(s.name),
        "open_weekdays": json.dumps(list(s.open_weekdays)),
        "opens": json.dumps(s.opens.strftime("%H:%M")),
        "closes": json.dumps(s.closes.strftime("%H:%M")),
        "phone_region": json.dumps(s.phone_region),
        "durations": json.dumps({str(k): v for k, v in s.durations.items()}),
    }


def settings_from_rows(rows: dict[str, str]) -> ClinicSettings:
    """The inverse of settings_to_rows; missing keys keep their defaults."""
    raw = {key: json.loads(value) for key, value in rows.items()}
    defaults = ClinicSettings()
    durations = {Kind(k): int(v) for k, v in raw.get("durations", {}).items()}
    return ClinicSettings(
        name=raw.get("name", defaults.name),
        open_weekdays=tuple(raw.get("open_weekdays", defaults.open_weekdays)),
        opens=dt.time.fromisoformat(raw["opens"]) if "opens" in raw else defaults.opens,
        closes=dt.time.fromisoformat(raw["closes"]) if "closes" in raw else defaults.closes,
        phone_region=raw.get("phone_region", defaults.phone_region),
        durations={**defaults.durations, **durations},
    )
