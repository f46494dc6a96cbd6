"""PHQ-9 and GAD-7 totals, and when a progress assessment is due (DOMAIN.md: about 2 days
after the last stabilization infusion, and after each maintenance infusion)."""

from __future__ import annotations

import datetime as dt

import pytest

from frontdesk.domain.errors import ValidationError
from frontdesk.domain.measures import Measure, check_score, parse_score, progress_assessment_due_on
from frontdesk.domain.model import Phase

PHQ9, GAD7 = Measure.PHQ9, Measure.GAD7
D = dt.date


@pytest.mark.parametrize(("measure", "value"),
                         [(PHQ9, 0), (PHQ9, 13), (PHQ9, 27), (GAD7, 0), (GAD7, 21),
                          (PHQ9, None), (GAD7, None)])
def test_scores_in_range_are_kept(measure, value):
    assert check_score(measure, value) == value


@pytest.mark.parametrize(("measure", "value"),
                         [(PHQ9, -1), (PHQ9, 28), (GAD7, -1), (GAD7, 22), (GAD7, 27),
                          (PHQ9, 5.0), (PHQ9, "5"), (PHQ9, True)])
def test_scores_out_of_range_or_not_whole_numbers_are_refused(measure, value):
    with pytest.raises(ValidationError) as err:
        check_score(measure, value)
    assert ("PHQ-9" if measure == PHQ9 else "GAD-7") in err.value.args[0]


@pytest.mark.parametrize(("measure", "text", "value"),
                         [(PHQ9, "0", 0), (PHQ9, "27", 27), (GAD7, "21", 21),
                          (PHQ9, " 5 ", 5), (GAD7, "07", 7), (PHQ9, "", None),
                          (GAD7, "   ", None)])
def test_typed_scores_are_read(measure, text, value):
    assert parse_score(measure, text) == value


@pytest.mark.parametrize(("measure", "text"),
                         [(PHQ9, "28"), (GAD7, "22"), (PHQ9, "-1"), (PHQ9, "abc"),
                          (PHQ9, "5.0"), (GAD7, "1 2"), (PHQ9, "+5"), (PHQ9, "²")])
def test_typed_scores_that_are_not_a_total_are_refused(measure, text):
    with pytest.raises(ValidationError) as err:
        parse_score(measure, text)
    assert ("from 0 to 27" if measure == PHQ9 else "from 0 to 21") in err.value.args[0]


# --- the progress assessment ------------------------------------------------------------------

SINCE = D(2026, 11, 10)  # maintenance began the day the series' last infusion was completed


def due(last_infusion, last_scored=None, *, phase=Phase.MAINTENANCE, since=SINCE):
    return progress_assessment_due_on(phase, since, last_infusion, last_scored)


def test_due_two_days_after_the_infusion_that_ended_the_series():
    assert due(SINCE) == D(2026, 11, 12)


def test_due_the_day_after_a_maintenance_infusion():
    assert due(D(2026, 12, 10)) == D(2026, 12, 11)
    assert due(SINCE + dt.timedelta(days=1)) == SINCE + dt.timedelta(days=2)


def test_an_infusion_before_maintenance_began_counts_as_ending_the_series():
    # staff moved the patient to maintenance some days after their last infusion
    assert due(D(2026, 11, 3), since=SINCE) == D(2026, 11, 5)


def test_scores_on_a_later_day_settle_it():
    assert due(SINCE, SINCE + dt.timedelta(days=1)) is None
    assert due(D(2026, 12, 10), D(2026, 12, 30)) is None


def test_scores_on_the_infusion_day_or_before_do_not():
    assert due(D(2026, 12, 10), D(2026, 12, 10)) == D(2026, 12, 11)
    assert due(D(2026, 12, 10), D(2026, 11, 12)) == D(2026, 12, 11)


def test_none_without_a_completed_infusion():
    assert due(None) is None
    assert due(None, D(2026, 11, 12)) is None


@pytest.mark.parametrize("phase", [p for p in Phase if p != Phase.MAINTENANCE])
def test_none_outside_maintenance(phase):
    assert due(SINCE, phase=phase) is None
