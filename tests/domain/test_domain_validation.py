"""Checking what people type or import (INTERFACES.md import formats, DOMAIN.md ranges)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontdesk.domain.errors import DomainError, ValidationError
from frontdesk.domain.model import Kind, Phase, Status
from frontdesk.domain.validation import (check_date_of_birth, format_phone, parse_chart_number,
                                         parse_duration, parse_email, parse_iso_date,
                                         parse_kind, parse_maintenance_interval, parse_name,
                                         parse_phase, parse_phone, parse_stabilization_target,
                                         parse_start, parse_status, search_key)

D = dt.date


def test_validation_error_is_a_domain_error():
    assert issubclass(ValidationError, DomainError)


# --- dates and times ----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("2026-11-21", D(2026, 11, 21)),
    ("2028-02-29", D(2028, 2, 29)),
    ("  2026-01-05 ", D(2026, 1, 5)),
    ("1900-01-01", D(1900, 1, 1)),
])
def test_parse_iso_date_good(text, expected):
    assert parse_iso_date(text) == expected


@pytest.mark.parametrize("text", [
    "2026-02-30", "2027-02-29", "2026-13-01", "2026-00-10", "2026-04-31",   # not real dates
    "2026-2-3", "26-02-03", "2026/02/03", "03-02-2026", "20260203",        # not YYYY-MM-DD
    "2026-02-03T10:00", "2026-02-03 x", "", "   ", "today", "2026-W05-1",
])
def test_parse_iso_date_bad(text):
    with pytest.raises(ValidationError):
        parse_iso_date(text)


def test_parse_iso_date_messages_name_the_field_and_value():
    with pytest.raises(ValidationError, match=r"phase_since '2026-2-3'.*YYYY-MM-DD"):
        parse_iso_date("2026-2-3", "phase_since")
    with pytest.raises(ValidationError, match=r"'2026-02-30'.*not a real date"):
        parse_iso_date("2026-02-30")


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-11-21T09:30", dt.datetime(2026, 11, 21, 9, 30)),
    ("2026-11-21T00:00", dt.datetime(2026, 11, 21, 0, 0)),
    (" 2028-02-29T17:45 ", dt.datetime(2028, 2, 29, 17, 45)),
])
def test_parse_start_good(text, expected):
    result = parse_start(text)
    assert result == expected and result.tzinfo is None  # clinic local time, naive


@pytest.mark.parametrize("text", [
    "2026-11-21", "2026-11-21T9:30", "2026-11-21T24:00", "2026-11-21T09:60",
    "2026-02-30T09:00", "2026-11-21T09:30+01:00", "", "09:30", "2026-11-21T09",
])
def test_parse_start_bad(text):
    with pytest.raises(ValidationError):
        parse_start(text)


# --- date of birth ----------------------------------------------------------------------------

TODAY = D(2026, 11, 21)


@pytest.mark.parametrize("dob", [TODAY, D(1990, 5, 17), D(1906, 11, 21), TODAY - dt.timedelta(1)])
def test_date_of_birth_ok(dob):
    assert check_date_of_birth(dob, TODAY) == dob


def test_date_of_birth_in_future_refused():
    with pytest.raises(ValidationError, match="future"):
        check_date_of_birth(TODAY + dt.timedelta(days=1), TODAY)


def test_date_of_birth_more_than_120_years_ago_refused():
    with pytest.raises(ValidationError, match="120"):
        check_date_of_birth(D(1906, 11, 20), TODAY)
    check_date_of_birth(D(1906, 11, 21), TODAY)  # exactly 120 years: ok


def test_date_of_birth_120_years_on_leap_days():
    assert check_date_of_birth(D(1904, 2, 29), D(2024, 2, 29)) == D(1904, 2, 29)
    with pytest.raises(ValidationError):
        check_date_of_birth(D(1904, 2, 28), D(2024, 2, 29))
    assert check_date_of_birth(D(1908, 2, 29), D(2028, 2, 29)) == D(1908, 2, 29)


# --- phone ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["+1 650-253-0000", "650 253 0000", "650.253.0000",
                                  "(650) 253-0000", "6502530000", "+16502530000",
                                  "  650-253-0000  "])
def test_parse_phone_us_common_writings(text):
    assert parse_phone(text, "US") == "+16502530000"


@pytest.mark.parametrize("text", ["020 7946 0018", "+44 20 7946 0018", "02079460018"])
def test_parse_phone_uk_region(text):
    assert parse_phone(text, "GB") == "+442079460018"


def test_parse_phone_foreign_number_with_country_code_in_us_region():
    assert parse_phone("+44 20 7946 0018", "US") == "+442079460018"


@pytest.mark.parametrize("text", ["123", "", "   ", "abc", "+1 650 253 00000", "555-0000",
                                  "000 000 0000"])
def test_parse_phone_refused(text):
    with pytest.raises(ValidationError):
        parse_phone(text, "US")


def test_parse_phone_uk_number_without_country_code_is_not_us():
    with pytest.raises(ValidationError):
        parse_phone("020 7946 0018", "US")


def test_format_phone_national_at_home_international_abroad():
    assert format_phone("+16502530000", "US") == "(650) 253-0000"
    assert format_phone("+442079460018", "US") == "+44 20 7946 0018"
    assert format_phone("+442079460018", "GB") == "020 7946 0018"


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["+1 650-253-0000", "650 253 0000", "650.253.0000", "(650) 253-0000"]))
def test_parse_phone_is_idempotent_on_its_output(text):
    e164 = parse_phone(text, "US")
    assert parse_phone(e164, "US") == e164
    assert parse_phone(format_phone(e164, "US"), "US") == e164


# --- names, chart numbers, e-mail ----------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Núñez", "Núñez"),
    ("O'Brien", "O'Brien"),
    ("O’Brien", "O’Brien"),
    ("Smith-Jones", "Smith-Jones"),
    ("X", "X"),
    ("  Ana María  ", "Ana María"),
    ("van der Berg", "van der Berg"),
    ("Łukasz", "Łukasz"),
    ("李", "李"),
])
def test_parse_name_keeps_names_as_written(text, expected):
    assert parse_name(text, "last_name") == expected


def test_parse_name_decomposed_accents_are_kept_as_the_same_letters():
    decomposed = "Nu\u0301n\u0303ez"
    assert parse_name(decomposed, "last_name") == "Núñez"


@pytest.mark.parametrize("text", ["", "   ", "\t", "\n"])
def test_parse_name_refuses_empty(text):
    with pytest.raises(ValidationError, match="first_name"):
        parse_name(text, "first_name")


def test_parse_name_refuses_control_characters_and_overlong():
    with pytest.raises(ValidationError):
        parse_name("Ann\x00e", "first_name")
    with pytest.raises(ValidationError):
        parse_name("A" * 101, "first_name")
    assert parse_name("A" * 100, "first_name") == "A" * 100


@pytest.mark.parametrize("text", ["😀🎉", "123", "--", "’ ’", "\u0301", "🙂 🙂"])
def test_parse_name_needs_a_letter(text):
    """A name of only emoji, digits, marks or punctuation could never be found by name."""
    with pytest.raises(ValidationError, match="no letter"):
        parse_name(text, "last_name")


@pytest.mark.parametrize("text", ["Ann 😀", "X", "李", "O’Brien 3rd", "Zoë"])
def test_parse_name_with_a_letter_is_kept_and_searchable(text):
    assert parse_name(text, "last_name") == text
    assert search_key(text)


@pytest.mark.parametrize("text", ["C-1001", "1", "A" * 32, " 42 ", "ÄB-7"])
def test_parse_chart_number_ok(text):
    assert parse_chart_number(text) == text.strip()


@pytest.mark.parametrize("text", ["", "   ", "A" * 33, "C-1\x00"])
def test_parse_chart_number_refused(text):
    with pytest.raises(ValidationError):
        parse_chart_number(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("ana@example.com", "ana@example.com"),
    ("  o'brien@mail.example.ie ", "o'brien@mail.example.ie"),
    ("", None),
    ("   ", None),
])
def test_parse_email_ok_or_empty(text, expected):
    assert parse_email(text) == expected


@pytest.mark.parametrize("text", ["ana", "ana@", "@example.com", "ana@example", "a b@c.d",
                                  "a@b@c.de"])
def test_parse_email_refused(text):
    with pytest.raises(ValidationError, match="e-mail"):
        parse_email(text)


# --- choices ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("parse", "enum"), [(parse_phase, Phase), (parse_kind, Kind),
                                             (parse_status, Status)])
def test_enum_parsing_accepts_every_value(parse, enum):
    for member in enum:
        assert parse(member.value) is member
        assert parse(f" {member.value} ") is member


@pytest.mark.parametrize(("parse", "enum", "bad"), [
    (parse_phase, Phase, "induction"),
    (parse_phase, Phase, "Maintenance"),
    (parse_kind, Kind, "infusions"),
    (parse_kind, Kind, ""),
    (parse_status, Status, "in chair"),
    (parse_status, Status, "done"),
])
def test_enum_parsing_errors_name_the_allowed_values(parse, enum, bad):
    with pytest.raises(ValidationError) as err:
        parse(bad)
    message = str(err.value)
    for member in enum:
        assert member.value in message


# --- integer ranges ---------------------------------------------------------------------------

@pytest.mark.parametrize(("parse", "low", "high"), [
    (parse_stabilization_target, 3, 8),
    (parse_maintenance_interval, 1, 12),
    (parse_duration, 5, 480),
])
def test_integer_ranges_are_inclusive(parse, low, high):
    assert parse(str(low)) == low
    assert parse(str(high)) == high
    assert parse(f" {low} ") == low
    for bad in (low - 1, high + 1, 0, -low):
        with pytest.raises(ValidationError, match=f"{low}-{high}"):
            parse(str(bad))


@pytest.mark.parametrize("parse", [parse_stabilization_target, parse_maintenance_interval,
                                   parse_duration])
@pytest.mark.parametrize("text", ["6.0", "abc", "", " ", "6 months", "1e1", "0x6", "six"])
def test_integer_fields_refuse_non_integers(parse, text):
    with pytest.raises(ValidationError, match="whole number"):
        parse(text)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=-1000, max_value=1000))
def test_stabilization_target_property(n):
    if 3 <= n <= 8:
        assert parse_stabilization_target(str(n)) == n
    else:
        with pytest.raises(ValidationError):
            parse_stabilization_target(str(n))


# --- search keys ------------------------------------------------------------------------------

@pytest.mark.parametrize(("parts", "key"), [
    (("Núñez",), "nunez"),
    (("O'Brien",), "obrien"),
    (("O’Brien",), "obrien"),
    (("Smith-Jones",), "smith jones"),
    (("  MÜLLER  ",), "muller"),
    (("Núñez", "O’Brien"), "nunez obrien"),
    (("Zoë", "Ångström"), "zoe angstrom"),
])
def test_search_key_folds_case_accents_and_apostrophes(parts, key):
    assert search_key(*parts) == key


def test_search_key_same_for_all_apostrophes_and_accents():
    keys = {search_key(n) for n in ("O'Brien", "O’Brien", "o'brien", "OBrien", "O`Brien")}
    assert keys == {"obrien"}
    assert search_key("Nunez") == search_key("Núñez") == search_key("Nu\u0301n\u0303ez")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_search_key_is_idempotent_and_lower(text):
    key = search_key(text)
    assert search_key(key) == key
    assert key == key.casefold()
    assert key == key.strip()
