"""Recall calls (domain.recall): the outcomes a booker can log, the call-back date only a
'call back' takes, and the short description the lists show."""

from __future__ import annotations

import datetime as dt

import pytest

from frontdesk.domain.errors import ValidationError
from frontdesk.domain.recall import (OUTCOME_LABELS, CallOutcome, check_call_back, describe,
                                     parse_outcome)

D, T = dt.date, dt.datetime
TODAY = D(2026, 11, 21)


@pytest.mark.parametrize(("text", "outcome"), [
    ("booked", CallOutcome.BOOKED), ("no_answer", CallOutcome.NO_ANSWER),
    ("no answer", CallOutcome.NO_ANSWER), ("No-Answer", CallOutcome.NO_ANSWER),
    (" left voicemail ", CallOutcome.LEFT_VOICEMAIL), ("WRONG NUMBER", CallOutcome.WRONG_NUMBER),
    ("declined", CallOutcome.DECLINED), ("call-back", CallOutcome.CALL_BACK)])
def test_parse_outcome_in_the_ways_it_is_typed(text, outcome):
    assert parse_outcome(text) == outcome


def test_every_outcome_reads_back_from_its_value_and_its_label():
    for outcome in CallOutcome:
        assert parse_outcome(outcome.value) == outcome
        assert parse_outcome(OUTCOME_LABELS[outcome]) == outcome


@pytest.mark.parametrize("text", ["", "busy", "noanswer", "booked!"])
def test_other_outcomes_are_refused_naming_the_choices(text):
    with pytest.raises(ValidationError, match="booked, left_voicemail, no_answer"):
        parse_outcome(text)


def test_call_back_needs_a_date_today_or_later():
    assert check_call_back(CallOutcome.CALL_BACK, TODAY, TODAY) == TODAY
    later = TODAY + dt.timedelta(days=3)
    assert check_call_back(CallOutcome.CALL_BACK, later, TODAY) == later
    with pytest.raises(ValidationError, match="say when to call back"):
        check_call_back(CallOutcome.CALL_BACK, None, TODAY)
    with pytest.raises(ValidationError, match="2026-11-20 is in the past"):
        check_call_back(CallOutcome.CALL_BACK, TODAY - dt.timedelta(days=1), TODAY)


@pytest.mark.parametrize("outcome", [o for o in CallOutcome if o != CallOutcome.CALL_BACK])
def test_only_call_back_takes_a_date(outcome):
    assert check_call_back(outcome, None, TODAY) is None
    with pytest.raises(ValidationError, match="only a 'call back' outcome takes a date"):
        check_call_back(outcome, TODAY + dt.timedelta(days=1), TODAY)


def test_describe_is_short_enough_for_a_list_column():
    at = T(2026, 11, 20, 14, 5)
    assert describe(CallOutcome.NO_ANSWER, at, None) == "11-20 no answer"
    assert describe(CallOutcome.LEFT_VOICEMAIL, at, None) == "11-20 left voicemail"
    assert describe(CallOutcome.CALL_BACK, at, D(2026, 11, 24)) == "11-20 call back 11-24"
    assert describe(CallOutcome.CALL_BACK, T(2026, 12, 31, 9), D(2027, 1, 4)) == (
        "12-31 call back 01-04")
