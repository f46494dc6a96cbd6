"""Registering a caller: the fields of the quick registration, each checked on its own so
the form can put the message beside the field, and the likely duplicates to show first."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from dateutil import parser as date_parser

from frontdesk.domain.errors import ValidationError
from frontdesk.domain.search import MONTH_FIRST_REGIONS, parse_search, read_date_of_birth
from frontdesk.domain.validation import (check_date_of_birth, parse_email, parse_name,
                                         parse_phone, search_key)

FIELDS = ("first_name", "last_name", "date_of_birth", "phone", "email")
#: Names at least this alike (difflib ratio of the folded names) are likely the same person.
SIMILAR_NAME_RATIO = 0.75
_YEAR = re.compile(r"[0-9]{4}")
#: Two defaults that differ in every part: a part the text leaves out reads differently.
_DEFAULTS = (dt.datetime(2000, 1, 1), dt.datetime(2001, 2, 2))


@dataclass(frozen=True)
class NewPatient:
    first_name: str
    last_name: str
    date_of_birth: dt.date
    phone: str          # E.164
    email: str | None


class RegistrationInvalid(ValidationError):
    """Some fields are wrong: `problems` maps each to its message."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems.values()))


def parse_date_of_birth(text: str, region: str, today: dt.date) -> dt.date:
    """`1984-03-07`, `03/07/1984`, `3/7/84`, `7.3.1984` (month first in the US, day first
    elsewhere), `March 7 1984`, `7 Mar 1984`; not in the future, not over 120 years ago."""
    raw = text.strip()
    if not raw:
        raise ValidationError("date of birth is empty")
    born = read_date_of_birth(raw, region, today)
    if born is None and any(c.isalpha() for c in raw) and _YEAR.search(raw):
        born = _written_date(raw, dayfirst=region not in MONTH_FIRST_REGIONS)
    if born is None:
        raise ValidationError(f"date of birth {raw!r} is not a date (e.g. 1984-03-07)")
    return check_date_of_birth(born, today)


def _written_date(text: str, *, dayfirst: bool) -> dt.date | None:
    """A date with its month in words; None when the day or the month is missing ('March
    1984', 'Tuesday 1984'), which dateutil would otherwise fill in from its default."""
    try:
        readings = {date_parser.parse(text, dayfirst=dayfirst, default=default).date()
                    for default in _DEFAULTS}
    except (ValueError, OverflowError):
        return None
    return readings.pop() if len(readings) == 1 else None


def check_new_patient(fields: dict[str, str], region: str, today: dt.date) -> NewPatient:
    """Every field checked; raises RegistrationInvalid naming each bad one."""
    problems: dict[str, str] = {}

    def field(name: str, parse):
        try:
            return parse(fields.get(name, ""))
        except ValidationError as error:
            problems[name] = str(error)
            return None

    first = field("first_name", lambda t: parse_name(t, "first name"))
    last = field("last_name", lambda t: parse_name(t, "last name"))
    born = field("date_of_birth", lambda t: parse_date_of_birth(t, region, today))
    phone = field("phone", lambda t: parse_phone(t, region))
    email = field("email", parse_email)
    if problems:
        raise RegistrationInvalid(problems)
    return NewPatient(first, last, born, phone, email)


def similar_names(a_first: str, a_last: str, b_first: str, b_last: str) -> bool:
    """Alike once accents, case and apostrophe styles are folded: the same last name, the
    same first name, one name inside the other, or close spellings."""
    af, al, bf, bl = (search_key(n) for n in (a_first, a_last, b_first, b_last))
    a, b = f"{al} {af}", f"{bl} {bf}"
    return (al == bl or af == bf or a in b or b in a
            or SequenceMatcher(None, a, b).ratio() >= SIMILAR_NAME_RATIO)


def is_likely_duplicate(new: NewPatient, first: str, last: str, born: dt.date,
                        phone: str) -> bool:
    """The same phone, or the same date of birth with a similar name."""
    return phone == new.phone or (
        born == new.date_of_birth and similar_names(new.first_name, new.last_name, first, last))


def next_chart_number(highest: int | None) -> str:
    """The clinic's next chart number after the highest 'C-<digits>' one: C-000001, ..."""
    return f"C-{(highest or 0) + 1:06d}"


def prefill_from_search(text: str, region: str, today: dt.date) -> dict[str, str]:
    """The registration form filled from what the booker searched for: a date of birth (also
    'March 7 1984'), a phone number, or a name: the last word taken as the last name, or
    'Last, First' as the desk writes names. Words holding digits are no part of a name."""
    terms = parse_search(text, region, today)
    if terms.dates:
        return {"date_of_birth": terms.dates[0].isoformat()}
    dayfirst = region not in MONTH_FIRST_REGIONS
    if _YEAR.search(text) and (born := _written_date(text, dayfirst=dayfirst)):
        return {"date_of_birth": born.isoformat()}
    if terms.phone_e164 or (terms.phone_digits and not terms.words and not terms.word_starts
                            and not terms.chart_start):
        return {"phone": text.strip()}
    if not (terms.words or terms.word_starts):
        return {}
    last, comma, first = text.partition(",")
    if comma:
        names = {"last_name": _name_words(last), "first_name": _name_words(first)}
        return {field: name for field, name in names.items() if name}
    words = _name_words(text).split()
    if len(words) <= 1:
        return {"last_name": words[0]} if words else {}
    return {"first_name": " ".join(words[:-1]), "last_name": words[-1]}


def _name_words(text: str) -> str:
    return " ".join(w for w in text.split() if not any(c.isdigit() for c in w))
