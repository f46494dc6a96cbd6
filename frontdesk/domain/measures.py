"""Measurement-based care: PHQ-9 and GAD-7 totals from the paper forms, and when a progress
assessment is due (DOMAIN.md's clinical guidance: surfaced, not enforced)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from frontdesk.domain.errors import ValidationError
from frontdesk.domain.model import Phase


class Measure(StrEnum):
    PHQ9 = "phq9"
    GAD7 = "gad7"


LABELS = {Measure.PHQ9: "PHQ-9", Measure.GAD7: "GAD-7"}
MAXIMUM = {Measure.PHQ9: 27, Measure.GAD7: 21}

#: A progress assessment is due about 2 days after the infusion that ends the stabilization
#: series, and after each maintenance infusion (the day after it).
AFTER_SERIES = dt.timedelta(days=2)
AFTER_MAINTENANCE_INFUSION = dt.timedelta(days=1)


def check_score(measure: Measure, value: int | None) -> int | None:
    if value is None:
        return None
    if type(value) is not int or not 0 <= value <= MAXIMUM[measure]:
        raise ValidationError(f"{LABELS[measure]} is a total from 0 to {MAXIMUM[measure]}, "
                              f"not {value}")
    return value


def parse_score(measure: Measure, text: str) -> int | None:
    """What was typed in a score field: empty for none, else a whole number in range."""
    text = text.strip()
    if not text:
        return None
    # isdigit() also takes '²', which int() refuses; int() refuses thousands of digits too
    if not text.isdecimal() or len(text) > 4:
        shown = text if len(text) <= 12 else text[:12] + "…"
        raise ValidationError(f"{LABELS[measure]} is a whole number from 0 to "
                              f"{MAXIMUM[measure]}, not {shown!r}")
    return check_score(measure, int(text))


def progress_assessment_due_on(phase: Phase, phase_since: dt.date,
                               last_infusion: dt.date | None,
                               last_scored: dt.date | None) -> dt.date | None:
    """The day a progress assessment is (or will be) due, or None when none is outstanding.

    Only maintenance patients have one outstanding: for the infusion that completed the
    series (on or before the day maintenance began) and after every later infusion. Scores
    taken on a later day than that infusion settle it; scores taken at its check-in do not.
    """
    if phase != Phase.MAINTENANCE or last_infusion is None:
        return None
    if last_scored is not None and last_scored > last_infusion:
        return None
    ended_series = last_infusion <= phase_since
    return last_infusion + (AFTER_SERIES if ended_series else AFTER_MAINTENANCE_INFUSION)
