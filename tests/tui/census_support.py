"""A small clinic whose census was worked out by hand (the same as tests/cli/test_cli_census.py),
and helpers to read what the census screen shows."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

#: The census day: a Monday, open 08:00-18:00 (600 minutes), 4 chairs.
CENSUS_DAY = dt.date(2026, 11, 23)

PATIENT_HEADER = ["patient_id", "first_name", "last_name", "date_of_birth", "phone", "email",
                  "phase", "phase_since", "stabilization_target",
                  "maintenance_interval_months", "registered_on"]
APPOINTMENT_HEADER = ["patient_id", "start", "duration_minutes", "kind", "status", "chair",
                      "cancelled_at"]


def _patient(pid: str, phase: str, since: str) -> list[str]:
    return [pid, "Pat", f"Census{pid}", "1980-05-17", "650-253-0000", "", phase, since,
            "", "", ""]


def _appointment(pid, start, kind, status, chair="", duration="", cancelled_at=""):
    return [pid, start, duration, kind, status, chair, cancelled_at]


PATIENTS = [
    _patient("P-1", "stabilization", "2026-11-16"),
    _patient("P-2", "stabilization", "2026-11-16"),
    _patient("P-3", "intake", "2026-11-01"),
    _patient("P-4", "maintenance", "2026-06-01"),
    _patient("P-5", "maintenance", "2026-06-01"),
    _patient("P-6", "integration", "2026-09-01"),
    _patient("P-7", "intake", "2026-11-20"),
    _patient("P-8", "maintenance", "2026-06-01"),
    _patient("P-9", "integration", "2026-09-01"),
    _patient("P-10", "discharged", "2026-10-01"),
]
APPOINTMENTS = [
    # before the census day
    _appointment("P-1", "2026-11-16T09:00", "infusion", "completed", "Chair 1"),
    _appointment("P-2", "2026-11-16T09:00", "infusion", "no_show", "Chair 2"),
    _appointment("P-4", "2026-10-20T09:00", "infusion", "completed", "Chair 1"),
    _appointment("P-5", "2026-11-02T09:00", "infusion", "completed", "Chair 1"),
    _appointment("P-6", "2026-11-10T09:00", "assessment", "completed"),
    _appointment("P-8", "2026-10-23T09:00", "infusion", "completed", "Chair 1"),
    _appointment("P-9", "2026-10-01T09:00", "infusion", "completed", "Chair 1"),
    _appointment("P-5", "2026-11-22T23:30", "assessment", "completed"),
    # the census day: 10 appointments
    _appointment("P-1", "2026-11-23T09:00", "infusion", "completed", "Chair 1"),
    _appointment("P-2", "2026-11-23T09:00", "infusion", "in_chair", "Chair 2", duration="125"),
    _appointment("P-3", "2026-11-23T10:00", "consult", "arrived"),
    _appointment("P-3", "2026-11-23T11:00", "assessment", "completed"),
    _appointment("P-9", "2026-11-23T10:00", "infusion", "recovery", "Chair 3"),
    _appointment("P-4", "2026-11-23T13:00", "infusion", "no_show", "Chair 1"),
    _appointment("P-5", "2026-11-23T14:00", "infusion", "cancelled", "Chair 3",
                 cancelled_at="2026-11-22T14:01"),
    _appointment("P-6", "2026-11-23T15:00", "infusion", "cancelled", "Chair 3",
                 cancelled_at="2026-11-22T15:00"),
    _appointment("P-7", "2026-11-23T16:00", "consult", "cancelled",
                 cancelled_at="2026-11-20T10:00"),
    _appointment("P-8", "2026-11-23T16:00", "infusion", "booked", "Chair 4"),
    # after
    _appointment("P-5", "2026-11-24T00:00", "consult", "booked"),
    _appointment("P-9", "2026-11-28T09:00", "infusion", "booked", "Chair 1"),  # a Saturday
]

#: What `frontdesk census --on 2026-11-23` prints (worked out in tests/cli/test_cli_census.py).
EXPECTED_MONDAY = {
    "date": "2026-11-23",
    "appointments": {
        "total": 10,
        "by_status": {"booked": 1, "arrived": 1, "in_chair": 1, "recovery": 1, "completed": 2,
                      "no_show": 1, "cancelled": 3},
        "by_kind": {"consult": 2, "infusion": 7, "assessment": 1},
    },
    "patients_seen": 4, "new_patients": 2, "no_show_rate": 0.1667, "late_cancellations": 1,
    "chair_utilization": 0.2021,
    "active_by_phase": {"intake": 2, "stabilization": 2, "maintenance": 3, "integration": 2},
    "lists": {"mid_stabilization": 2, "due_for_maintenance": 1, "not_seen_over_a_month": 1},
}


def write_clinic(folder: Path) -> tuple[Path, Path]:
    patients, appointments = folder / "census-p.csv", folder / "census-a.csv"
    for path, header, rows in ((patients, PATIENT_HEADER, PATIENTS),
                               (appointments, APPOINTMENT_HEADER, APPOINTMENTS)):
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            writer.writerows(rows)
    return patients, appointments


# --- reading the screen ------------------------------------------------------------------------

def widget_lines(app, widget) -> list[str]:
    """The lines the terminal shows where `widget` is (its whole region, borders included)."""
    strips = app.screen._compositor.render_strips()
    region = widget.region
    lines = []
    for y in range(region.y, region.y + region.height):
        text = "".join(segment.text for segment in strips[y])
        lines.append(text[region.x:region.x + region.width].rstrip())
    return lines


FIGURE = re.compile(r"^\s*(?P<label>\S.*?)\s{1,}(?P<value>[\d,]+(?:\.\d+)?%?|closed|…)$")


def figures_shown(app, widget) -> dict[str, str]:
    """label -> value of every line of a column of figures that ends in a number."""
    found = {}
    for line in widget_lines(app, widget):
        match = FIGURE.match(line)
        if match:
            found[match["label"]] = match["value"]
    return found


def number(text: str) -> int:
    """'1,234' -> 1234."""
    return int(text.replace(",", ""))


def fraction(text: str) -> float:
    """'16.67%' -> 0.1667 (the JSON's four places)."""
    assert text.endswith("%"), text
    return round(float(text[:-1]) / 100, 4)
