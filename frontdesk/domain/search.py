"""What the desk's search box means: one text, read as every kind of key it could be.

"nunez" is a name, "C-1001" a chart number, "3/7/84" a date of birth, "(555) 010-2345" a
phone number. A text can be several at once ("1984" is part of a chart number or of a phone
number); the search finds a patient when any reading matches. A whole date or a whole valid
phone number is read as nothing else, so those searches use their indexes.

A name word of three characters or more may be any part of the name ("une" finds Núñez); a
shorter one is the start of a name part ("ng" finds Ng and Nguyen, not Young), since one or two
letters anywhere match nearly everyone. One word with a digit in it is not a name but a chart
number, found by its start ("c-10" finds C-1001; case ignored) or, typed as digits alone, by
its number ("17" or "0017" finds C-000017); digits are also part of a phone number.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import phonenumbers

from frontdesk.domain.validation import search_key

#: Regions that write dates month first (3/7/84 is March 7); elsewhere day first.
MONTH_FIRST_REGIONS = frozenset({"US", "PH", "FM", "MH", "PW", "AS", "GU", "MP", "PR", "VI",
                                 "UM", "CA"})
#: Fewer digits than this are too common to search phone numbers by.
MIN_PHONE_DIGITS = 4
MAX_CHART_CHARS = 32
#: Name words shorter than this match the start of a name part, not any part of it.
MIN_PART_CHARS = 3
#: What comes before a chart's number: letters, punctuation and zeros ("C-000017" is 17).
CHART_LEAD = "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_/. 0"
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def chart_fold(chart: str) -> str:
    """A chart number with its letters a-z in upper case (as SQL's upper() does)."""
    return chart.translate(_ASCII_UPPER)


def chart_value(chart: str) -> str:
    """A chart's number without what leads it: 'C-000017' -> '17'."""
    return chart_fold(chart).lstrip(CHART_LEAD)

_SLASHED = re.compile(r"([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{2}|[0-9]{4})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DIGITS = re.compile(r"[0-9]+")
_PHONE_CHARS = re.compile(r"[0-9+()\-.\s/]+")


@dataclass(frozen=True)
class SearchTerms:
    """The readings of one search text. Empty when there is nothing to search for."""
    words: tuple[str, ...] = ()          # folded, 3+ characters: each appears in the name
    word_starts: tuple[str, ...] = ()    # folded, 1-2 characters: each starts a name part
    chart_start: str | None = None       # chart numbers starting so (chart_fold)
    chart_value: str | None = None       # the chart with this number (chart_value)
    dates: tuple[dt.date, ...] = ()      # dates of birth
    phone_digits: str | None = None      # digits somewhere in the stored E.164 number
    phone_e164: str | None = None        # the whole number, read in the clinic's region

    text: str = field(default="", compare=False)  # what was typed, outer spaces left out

    @property
    def readable(self) -> bool:
        """Whether the text reads as any key at all ('%' does not, and finds no one)."""
        return bool(self.words or self.word_starts or self.chart_start or self.chart_value
                    or self.dates or self.phone_digits or self.phone_e164)

    @property
    def empty(self) -> bool:
        """Nothing typed: no search."""
        return not self.text and not self.readable


def _birth_date(two_digit_year: int, month: int, day: int, today: dt.date) -> dt.date:
    """A two-digit year of birth gives the latest such date not in the future: 84 -> 1984,
    and on 2026-11-21 '12/25/26' is 1926-12-25."""
    century = today.year - today.year % 100
    for year in (century + two_digit_year, century - 100 + two_digit_year):
        try:
            born = dt.date(year, month, day)
        except ValueError:  # Feb 29 of a century year that is not a leap year
            continue
        if born <= today:
            return born
    raise ValueError("no such date of birth")


def read_date_of_birth(text: str, region: str, today: dt.date) -> dt.date | None:
    """`1984-03-07`, `03/07/1984`, `3/7/84` (month first in the US, day first elsewhere)."""
    text = text.strip()
    try:
        if match := _ISO.fullmatch(text):
            return dt.date(*(int(part) for part in match.groups()))
        if match := _SLASHED.fullmatch(text):
            first, second, year_text = match.groups()
            month, day = ((int(first), int(second)) if region in MONTH_FIRST_REGIONS
                          else (int(second), int(first)))
            if len(year_text) == 2:
                return _birth_date(int(year_text), month, day, today)
            return dt.date(int(year_text), month, day)
    except ValueError:
        return None
    return None


def _read_phone(text: str, region: str) -> tuple[str | None, str | None]:
    if not _PHONE_CHARS.fullmatch(text):
        return None, None
    digits = re.sub(r"[^0-9]", "", text)
    if len(digits) < MIN_PHONE_DIGITS:
        return None, None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return digits, None
    if not phonenumbers.is_valid_number(number):
        return digits, None
    return digits, phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_search(text: str, region: str, today: dt.date) -> SearchTerms:
    """Every reading of `text`; see the module's docstring."""
    text = text.strip()
    if not text:
        return SearchTerms()
    birth = read_date_of_birth(text, region, today)
    if birth:  # a date is only a date of birth
        return SearchTerms(dates=(birth,), text=text)
    digits, e164 = _read_phone(text, region)
    if e164:  # a whole valid number is only that number (an exact, indexed match)
        return SearchTerms(phone_e164=e164, text=text)
    if " " not in text and any(ch.isdigit() for ch in text):  # a chart number, not a name
        chart = text if len(text) <= MAX_CHART_CHARS else None
        by_value = chart is not None and _DIGITS.fullmatch(chart) is not None
        return SearchTerms(chart_start=chart_fold(chart) if chart and not by_value else None,
                           chart_value=(chart_value(chart) or None) if by_value else None,
                           phone_digits=digits, text=text)
    words = search_key(text).split() if any(ch.isalpha() for ch in text) else []
    return SearchTerms(words=tuple(w for w in words if len(w) >= MIN_PART_CHARS),
                       word_starts=tuple(w for w in words if len(w) < MIN_PART_CHARS),
                       phone_digits=digits, text=text)
