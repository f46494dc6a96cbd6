"""Recall calls: the outcome of each call to a patient on the Due and Not-seen lists."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from frontdesk.domain.errors import ValidationError


class CallOutcome(StrEnum):
    BOOKED = "booked"
    LEFT_VOICEMAIL = "left_voicemail"
    NO_ANSWER = "no_answer"
    WRONG_NUMBER = "wrong_number"
    DECLINED = "declined"
    CALL_BACK = "call_back"


OUTCOME_LABELS = {
    CallOutcome.BOOKED: "booked",
    CallOutcome.LEFT_VOICEMAIL: "left voicemail",
    CallOutcome.NO_ANSWER: "no answer",
    CallOutcome.WRONG_NUMBER: "wrong number",
    CallOutcome.DECLINED: "declined",
    CallOutcome.CALL_BACK: "call back",
}


def parse_outcome(text: str) -> CallOutcome:
    value = text.strip().lower().replace(" ", "_").replace("-", "_")
    try:
        return CallOutcome(value)
    except ValueError:
        options = ", ".join(o.value for o in CallOutcome)
        raise ValidationError(f"call outcome {text!r} is not one of: {options}") from None


def check_call_back(outcome: CallOutcome, call_back_on: dt.date | None,
                    today: dt.date) -> dt.date | None:
    """'call back' needs the date to call again (today or later); no other outcome has one."""
    if outcome != CallOutcome.CALL_BACK:
        if call_back_on is not None:
            raise ValidationError("only a 'call back' outcome takes a date")
        return None
    if call_back_on is None:
        raise ValidationError("say when to call back")
    if call_back_on < today:
        raise ValidationError(f"call back on {call_back_on:%Y-%m-%d} is in the past")
    return call_back_on


def describe(outcome: CallOutcome, at: dt.datetime, call_back_on: dt.date | None) -> str:
    """'11-20 no answer', '11-20 call back 11-24': short enough for a list column."""
    text = f"{at:%m-%d} {OUTCOME_LABELS[outcome]}"
    return f"{text} {call_back_on:%m-%d}" if call_back_on else text
