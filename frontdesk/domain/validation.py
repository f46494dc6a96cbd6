"""Checking what people type or import. Each parser returns a clean value or raises
ValidationError with a message that names the problem."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

import phonenumbers
from dateutil.relativedelta import relativedelta

from frontdesk.domain.errors import ValidationError
from frontdesk.domain.model import (DURATION_RANGE, MAINTENANCE_INTERVAL_RANGE,
                                    STABILIZATION_TARGET_RANGE, Kind, Phase, Status)

MAX_AGE_YEARS = 120
CHART_NUMBER_MAX = 32
NAME_KEY_MAX = 210
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_MINUTE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def parse_iso_date(text: str, what: str = "date") -> dt.date:
    text = text.strip()
    if not _ISO_DATE.fullmatch(text):
        raise ValidationError(f"{what} {text!r} is not a date written YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{what} {text!r} is not a real date") from None


def parse_start(text: str, what: str = "start") -> dt.datetime:
    text = text.strip()
    if not _ISO_MINUTE.fullmatch(text):
        raise ValidationError(f"{what} {text!r} is not written YYYY-MM-DDTHH:MM")
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{what} {text!r} is not a real date and time") from None


@functools.lru_cache(maxsize=16)
def _oldest_birth(today: dt.date) -> dt.date:
    """The earliest date of birth allowed as of `today` (an import asks it once per row)."""
    return today - relativedelta(years=MAX_AGE_YEARS)


def check_date_of_birth(dob: dt.date, today: dt.date) -> dt.date:
    if dob > today:
        raise ValidationError(f"date of birth {dob.isoformat()} is in the future")
    if dob < _oldest_birth(today):
        raise ValidationError(
            f"date of birth {dob.isoformat()} is more than {MAX_AGE_YEARS} years ago")
    return dob


# Fast path (an import reads 100,000 phones): a North American number in one of the usual
# writings is the number +1 and its ten digits, which phonenumbers.parse would also give (an
# area code starting 2-9 leaves no national prefix to strip); only the parse is skipped,
# phonenumbers' own validity rules still decide. Checked against the slow path in
# tests/domain/test_validation_fast_paths.py.
_NANP_WRITINGS = re.compile(r"\+1([2-9][0-9]{9})|([2-9][0-9]{9})"
                            r"|\(([2-9][0-9]{2})\) ([0-9]{3})-([0-9]{4})"
                            r"|([2-9][0-9]{2})([-.])([0-9]{3})\7([0-9]{4})")
# is_valid_number(n) for country code 1 asks the regions of +1 in this order, the US first
# (it has no leading-digits rule): valid for the US is valid, anything else is asked in full
_US_FIRST = (phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(1, ("",))[0] == "US"
             and phonenumbers.PhoneMetadata.metadata_for_region("US") is not None
             and phonenumbers.PhoneMetadata.metadata_for_region("US").leading_digits is None)


def _nanp_fast(raw: str, region: str) -> str | None:
    """The ten digits after +1 of the number `raw` is, when it is one of the writings above
    (a bare ten digits only in region US), else None (then phonenumbers.parse reads it)."""
    match = _NANP_WRITINGS.fullmatch(raw)
    if match is None:
        return None
    plus, bare, paren_area, paren_mid, paren_end, area, _, mid, end = match.groups()
    digits = plus or "".join(filter(None, (bare, paren_area, paren_mid, paren_end, area, mid,
                                           end)))
    if plus is None and region != "US":
        return None
    return digits


def _is_valid(number: phonenumbers.PhoneNumber) -> bool:
    if (_US_FIRST and number.country_code == 1
            and phonenumbers.is_valid_number_for_region(number, "US")):
        return True
    return phonenumbers.is_valid_number(number)


def _is_valid_nanp(digits: str) -> bool:
    """_is_valid(+1 `digits`), ten digits starting 2-9: valid for the US by its metadata's
    own patterns, each compiled once (_us_patterns), else phonenumbers asked in full."""
    if _US_FIRST:
        general, kinds = _us_patterns()
        length = len(digits)
        lengths, pattern = general
        if (not lengths or length in lengths) and pattern.fullmatch(digits):
            for lengths, pattern in kinds:
                if (not lengths or length in lengths) and pattern.fullmatch(digits):
                    return True
    return phonenumbers.is_valid_number(
        phonenumbers.PhoneNumber(country_code=1, national_number=int(digits)))


@functools.lru_cache(maxsize=1)
def _us_patterns() -> tuple[tuple, list[tuple]]:
    """phonenumbers.is_valid_number_for_region(n, "US") as data: valid when the national
    number has a length and matches the pattern of the general description and of one of
    the kinds of number (_number_type_helper is not UNKNOWN: a description without a
    pattern matches nothing; mobile is asked only when its pattern is not fixed-line's)."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("US")

    def desc(d) -> tuple | None:
        if d is None or not d.national_number_pattern:
            return None
        return frozenset(d.possible_length), re.compile(d.national_number_pattern)
    kinds = [desc(getattr(metadata, name)) for name in (
        "premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan",
        "voicemail", "fixed_line")]
    if not metadata.same_mobile_and_fixed_line_pattern:
        kinds.append(desc(metadata.mobile))
    general = desc(metadata.general_desc) or (frozenset(), re.compile("(?!)"))
    return general, [k for k in kinds if k is not None]


def parse_phone(text: str, region: str) -> str:
    """A phone number in any common writing, returned in E.164 (+15551234567)."""
    raw = text.strip()
    if not raw:
        raise ValidationError("phone is empty")
    digits = _nanp_fast(raw, region)
    if digits is not None:
        if not _is_valid_nanp(digits):
            raise ValidationError(f"phone {raw!r} is not a valid number for region {region}")
        return f"+1{digits}"
    return _parse_phone_slow(raw, region)


def _parse_phone_slow(raw: str, region: str) -> str:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(f"phone {raw!r} is not a phone number") from None
    if not _is_valid(number):
        raise ValidationError(f"phone {raw!r} is not a valid number for region {region}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str, region: str) -> str:
    """For display: national format at home, international otherwise."""
    try:
        number = phonenumbers.parse(e164, region)
    except phonenumbers.NumberParseException:
        return e164
    home = phonenumbers.region_code_for_number(number) == region
    style = (phonenumbers.PhoneNumberFormat.NATIONAL if home
             else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, style)


NAME_MAX = 100


def parse_name(text: str, what: str) -> str:
    """Names are kept as written (unicode, apostrophes, hyphens); only outer spaces go. A
    name holds at least one letter (of any script): one of only emoji, digits or marks could
    never be found by name (search_key keeps letters and digits only). The one rule for the
    registration form and the import alike."""
    name = unicodedata.normalize("NFC", text.strip())
    if not name:
        raise ValidationError(f"{what} is empty")
    if len(name) > NAME_MAX:
        raise ValidationError(f"{what} is longer than {NAME_MAX} characters")
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise ValidationError(f"{what} contains control characters")
    if not any(unicodedata.category(c).startswith("L") for c in name):
        raise ValidationError(f"{what} {name!r} has no letter in it")
    return name


def parse_chart_number(text: str) -> str:
    chart = text.strip()
    if not chart:
        raise ValidationError("patient_id is empty")
    if len(chart) > CHART_NUMBER_MAX:
        raise ValidationError(
            f"patient_id {chart[:40]!r} is longer than {CHART_NUMBER_MAX} characters")
    # (printable ASCII has no control character: the usual chart number asks no more)
    if not (chart.isascii() and chart.isprintable()) and any(
            unicodedata.category(c).startswith("C") for c in chart):
        raise ValidationError("patient_id contains control characters")
    return chart


def parse_email(text: str) -> str | None:
    email = text.strip()
    if not email:
        return None
    if len(email) > 254:
        raise ValidationError("email is longer than 254 characters")
    if not _EMAIL.fullmatch(email):
        raise ValidationError(f"email {email!r} is not an e-mail address")
    return email


def _parse_choice(text: str, enum, what: str):
    value = text.strip()
    try:
        return enum(value)
    except ValueError:
        options = ", ".join(e.value for e in enum)
        raise ValidationError(f"{what} {value!r} is not one of: {options}") from None


def parse_phase(text: str) -> Phase:
    return _parse_choice(text, Phase, "phase")


def parse_kind(text: str) -> Kind:
    return _parse_choice(text, Kind, "kind")


def parse_status(text: str) -> Status:
    return _parse_choice(text, Status, "status")


def _parse_int_in(text: str, allowed: range, what: str) -> int:
    value = text.strip()
    if not re.fullmatch(r"[+-]?[0-9]+", value):
        raise ValidationError(f"{what} {value!r} is not a whole number")
    number = int(value)
    if number not in allowed:
        raise ValidationError(
            f"{what} {number} is outside {allowed.start}-{allowed.stop - 1}")
    return number


def parse_stabilization_target(text: str) -> int:
    return _parse_int_in(text, STABILIZATION_TARGET_RANGE, "stabilization_target")


def parse_maintenance_interval(text: str) -> int:
    return _parse_int_in(text, MAINTENANCE_INTERVAL_RANGE, "maintenance_interval_months")


def parse_duration(text: str) -> int:
    return _parse_int_in(text, DURATION_RANGE, "duration_minutes")


# letters that carry no combining accent, so NFKD leaves them alone
_FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i",
                       "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th"})


def search_key(*parts: str) -> str:
    """Lower-case, accents and punctuation folded: 'Núñez O’Brien' -> 'nunez obrien'.
    Only letters and digits remain, as words split by single spaces."""
    text = unicodedata.normalize("NFKD", " ".join(parts)).casefold()
    text = "".join(c for c in text if not unicodedata.combining(c)).translate(_FOLD)
    text = re.sub(r"['’`´‘]", "", text)
    return re.sub(r"[\W_]+", " ", text).strip()


def name_key(first_name: str, last_name: str) -> str:
    """A patient's stored search and sort key: last name first, folded ('nunez jose'); cut
    to the column's 210 characters (folding can lengthen a name: ß is ss)."""
    return search_key(last_name, first_name)[:NAME_KEY_MAX].rstrip()
