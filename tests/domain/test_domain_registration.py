"""Registering a caller (domain.registration): each field of the quick registration checked
on its own, every bad one reported at once; names as written; dates of birth in the ways
people say them; phones stored E.164; the likely duplicates; chart numbers; the form filled
from the search the booker typed."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta

from frontdesk.domain.errors import ValidationError
from frontdesk.domain.registration import (FIELDS, NewPatient, RegistrationInvalid,
                                           check_new_patient, is_likely_duplicate,
                                           next_chart_number, parse_date_of_birth,
                                           prefill_from_search, similar_names)

D = dt.date
TODAY = D(2026, 11, 21)
GOOD = {"first_name": "José", "last_name": "Núñez", "date_of_birth": "1984-03-07",
        "phone": "(650) 253-0000", "email": "jose@example.com"}


def check(region: str = "US", **changes: str) -> NewPatient:
    return check_new_patient({**GOOD, **changes}, region, TODAY)


def problems(region: str = "US", **changes: str) -> dict[str, str]:
    with pytest.raises(RegistrationInvalid) as caught:
        check(region, **changes)
    return caught.value.problems


def test_a_good_form_gives_the_clean_patient():
    assert check() == NewPatient("José", "Núñez", D(1984, 3, 7), "+16502530000",
                                 "jose@example.com")


def test_registration_invalid_is_a_validation_error():
    assert issubclass(RegistrationInvalid, ValidationError)


# --- names --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [
    "Núñez", "O'Brien", "O’Brien", "Smith-Jones", "Nguyễn", "Ødegaard", "李", "X",
    "de la Cruz", "D’Angelo-Ruiz", "Zoë"])
def test_names_are_kept_as_written(name):
    patient = check(first_name=name, last_name=name)
    assert (patient.first_name, patient.last_name) == (name, name)


def test_names_lose_only_their_outer_spaces_and_are_composed():
    patient = check(first_name="  Jose\u0301 ", last_name="\tvan der Berg\n")
    assert (patient.first_name, patient.last_name) == ("José", "van der Berg")


@pytest.mark.parametrize(("name", "message"), [
    ("", "is empty"), ("   ", "is empty"), ("Ana\x00", "control characters"),
    ("Ana\u200bMaria", "control characters"), ("A" * 101, "longer than 100")])
def test_bad_names(name, message):
    found = problems(first_name=name, last_name=name)
    assert set(found) == {"first_name", "last_name"}
    assert found["first_name"].startswith("first name") and message in found["first_name"]
    assert found["last_name"].startswith("last name") and message in found["last_name"]


@pytest.mark.parametrize("name", ["😀🎉", "42", "-"])
def test_a_name_needs_a_letter(name):
    found = problems(last_name=name)
    assert set(found) == {"last_name"} and "no letter" in found["last_name"]


def test_a_name_of_a_hundred_characters_is_fine():
    assert check(last_name="A" * 100).last_name == "A" * 100


# --- dates of birth -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "region", "expected"), [
    ("1984-03-07", "US", D(1984, 3, 7)),
    ("1984-03-07", "GB", D(1984, 3, 7)),
    ("3/7/84", "US", D(1984, 3, 7)),          # month first in the US
    ("3/7/84", "GB", D(1984, 7, 3)),          # day first elsewhere
    ("03/07/1984", "US", D(1984, 3, 7)),
    ("03/07/1984", "DE", D(1984, 7, 3)),
    ("7.3.1984", "DE", D(1984, 3, 7)),
    ("7.3.1984", "GB", D(1984, 3, 7)),
    ("12/31/1999", "US", D(1999, 12, 31)),
    ("31/12/1999", "GB", D(1999, 12, 31)),
    ("March 7 1984", "US", D(1984, 3, 7)),
    ("March 7 1984", "GB", D(1984, 3, 7)),    # the month in words is never ambiguous
    ("7 Mar 1984", "US", D(1984, 3, 7)),
    ("7 Mar 1984", "GB", D(1984, 3, 7)),
    ("Mar 7, 1984", "US", D(1984, 3, 7)),
    ("7th March 1984", "GB", D(1984, 3, 7)),
    ("29 February 1984", "GB", D(1984, 2, 29)),
    ("  1984-03-07 ", "US", D(1984, 3, 7)),
    ("12/25/26", "US", D(1926, 12, 25)),      # two digits: the latest such date not ahead
])
def test_dates_of_birth_in_the_ways_people_say_them(text, region, expected):
    assert parse_date_of_birth(text, region, TODAY) == expected
    assert check(region, date_of_birth=text, phone="+1 650 253 0000").date_of_birth == expected


@pytest.mark.parametrize(("text", "region"), [
    ("31/12/1999", "US"), ("12/31/1999", "GB"),           # no 31st month
    ("1984-02-30", "US"), ("February 30 1984", "US"),     # not real days
    ("29 Feb 1983", "GB"),                                 # not a leap year
    ("March 1984", "US"), ("Tuesday 1984", "GB"),         # no day: never guessed
    ("1984", "US"), ("March 7", "US"),                     # no day, no year
    ("yesterday", "US"), ("7 3 84", "US"), ("x", "GB"),
])
def test_what_is_not_a_whole_date_is_refused(text, region):
    with pytest.raises(ValidationError, match="is not a date"):
        parse_date_of_birth(text, region, TODAY)
    found = problems(region, date_of_birth=text, phone="+1 650 253 0000")
    assert list(found) == ["date_of_birth"] and "is not a date" in found["date_of_birth"]


def test_a_date_of_birth_may_be_today_but_not_later():
    assert parse_date_of_birth(TODAY.isoformat(), "US", TODAY) == TODAY
    tomorrow = TODAY + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="in the future"):
        parse_date_of_birth(tomorrow.isoformat(), "US", TODAY)
    assert "in the future" in problems(date_of_birth="November 22 2026")["date_of_birth"]


def test_a_date_of_birth_is_at_most_120_years_ago():
    oldest = TODAY - relativedelta(years=120)
    assert parse_date_of_birth(oldest.isoformat(), "US", TODAY) == oldest
    with pytest.raises(ValidationError, match="more than 120 years"):
        parse_date_of_birth((oldest - dt.timedelta(days=1)).isoformat(), "US", TODAY)
    assert "120 years" in problems(date_of_birth="1 Jan 1900")["date_of_birth"]


def test_an_empty_date_of_birth_says_so():
    assert problems(date_of_birth=" ")["date_of_birth"] == "date of birth is empty"


# --- phones and e-mail ----------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "(650) 253-0000", "650 253 0000", "650-253-0000", "650.253.0000", "6502530000",
    "+1 650 253 0000", "+1 (650) 253-0000", "1-650-253-0000", "+16502530000"])
def test_phones_in_any_common_writing_are_stored_e164(text):
    assert check(phone=text).phone == "+16502530000"


def test_a_phone_of_another_region():
    assert check("GB", phone="020 7946 0958").phone == "+442079460958"
    assert check("US", phone="+44 20 7946 0958").phone == "+442079460958"
    assert "region US" in problems("US", phone="020 7946 0958")["phone"]


@pytest.mark.parametrize(("text", "message"), [
    ("253-0000", "not a valid number"),      # no area code
    ("(650) 253-000", "not a valid number"),  # a digit short
    ("12345", "not a valid number"),
    ("call me", "not a phone number"),
    ("", "phone is empty"),
])
def test_bad_phones(text, message):
    assert message in problems(phone=text)["phone"]


@pytest.mark.parametrize(("text", "expected"), [
    ("", None), ("   ", None), ("ana@example.com", "ana@example.com"),
    (" ana.reyes+desk@mail.example.org ", "ana.reyes+desk@mail.example.org")])
def test_email_is_optional(text, expected):
    assert check(email=text).email == expected


def test_a_missing_email_field_is_no_email():
    fields = {k: v for k, v in GOOD.items() if k != "email"}
    assert check_new_patient(fields, "US", TODAY).email is None


@pytest.mark.parametrize("text", ["ana", "ana@", "@example.com", "ana@example", "a b@c.com",
                                  "ana@@example.com"])
def test_bad_emails(text):
    assert "not an e-mail address" in problems(email=text)["email"]


# --- every bad field at once --------------------------------------------------------------------

def test_every_bad_field_is_reported_at_once():
    with pytest.raises(RegistrationInvalid) as caught:
        check_new_patient({"first_name": " ", "last_name": "Núñez", "date_of_birth": "2030-01-01",
                           "phone": "12", "email": "nope"}, "US", TODAY)
    found = caught.value.problems
    assert list(found) == ["first_name", "date_of_birth", "phone", "email"]  # form order
    assert all(found.values())
    assert str(caught.value) == "; ".join(found.values())  # one line for the command line


def test_an_empty_form_names_every_required_field():
    with pytest.raises(RegistrationInvalid) as caught:
        check_new_patient({}, "US", TODAY)
    assert set(caught.value.problems) == set(FIELDS) - {"email"}


# --- likely duplicates ----------------------------------------------------------------------------

@pytest.mark.parametrize(("a", "b"), [
    (("Jose", "Nunez"), ("José", "Núñez")),          # accents
    (("JOSE", "NUNEZ"), ("jose", "nunez")),          # case
    (("Siobhan", "O'Brien"), ("Siobhán", "O’Brien")),  # apostrophe styles
    (("Siobhan", "OBrien"), ("Siobhan", "O'Brien")),
    (("Ana", "Nunez"), ("Ana", "Nunez-Lopez")),      # one name inside the other
    (("Jon", "Smith"), ("John", "Smyth")),           # close spellings
    (("Ana", "Reyes"), ("Maria", "Reyes")),          # the same last name
    (("Ana", "Reyes"), ("Ana", "Torres")),           # the same first name (married?)
])
def test_similar_names(a, b):
    assert similar_names(*a, *b)
    assert similar_names(*b, *a)


@pytest.mark.parametrize(("a", "b"), [
    (("Ana", "Reyes"), ("Bo", "Smith")),
    (("Jose", "Nunez"), ("Maria", "Okafor")),
    (("A", "B"), ("C", "D")),
])
def test_different_names(a, b):
    assert not similar_names(*a, *b)
    assert not similar_names(*b, *a)


def test_a_likely_duplicate_shares_the_phone_or_the_birthday_and_a_similar_name():
    new = check(first_name="Jose", last_name="Nunez")
    born, other_day = D(1984, 3, 7), D(1985, 3, 7)
    assert is_likely_duplicate(new, "Maria", "Okafor", other_day, "+16502530000")  # phone
    assert is_likely_duplicate(new, "José", "Núñez", born, "+16502539999")  # name + birthday
    assert not is_likely_duplicate(new, "José", "Núñez", other_day, "+16502539999")
    assert not is_likely_duplicate(new, "Maria", "Okafor", born, "+16502539999")


# --- chart numbers --------------------------------------------------------------------------------

@pytest.mark.parametrize(("highest", "chart"), [
    (None, "C-000001"), (0, "C-000001"), (41, "C-000042"), (1006, "C-001007"),
    (999999, "C-1000000")])
def test_next_chart_number(highest, chart):
    assert next_chart_number(highest) == chart


# --- the form from the search ------------------------------------------------------------------

@pytest.mark.parametrize(("text", "region", "expected"), [
    ("1984-03-07", "US", {"date_of_birth": "1984-03-07"}),
    ("3/7/84", "US", {"date_of_birth": "1984-03-07"}),
    ("3/7/84", "GB", {"date_of_birth": "1984-07-03"}),
    ("March 7 1984", "US", {"date_of_birth": "1984-03-07"}),
    ("7 Mar 1984", "GB", {"date_of_birth": "1984-03-07"}),
    ("(650) 253-0000", "US", {"phone": "(650) 253-0000"}),
    ("+44 20 7946 0958", "US", {"phone": "+44 20 7946 0958"}),
    ("6502530000", "US", {"phone": "6502530000"}),
    ("Núñez", "US", {"last_name": "Núñez"}),
    ("José Núñez", "US", {"first_name": "José", "last_name": "Núñez"}),
    ("Mary Ann  Smith", "US", {"first_name": "Mary Ann", "last_name": "Smith"}),
    ("Núñez, José", "US", {"last_name": "Núñez", "first_name": "José"}),  # as the desk writes
    ("O’Brien, Siobhán", "US", {"last_name": "O’Brien", "first_name": "Siobhán"}),
    ("Núñez,", "US", {"last_name": "Núñez"}),
    ("nunez 1984", "US", {"last_name": "nunez"}),      # the year is no part of the name
    ("March 1984", "US", {"last_name": "March"}),      # not a whole date: a name
    ("X", "US", {"last_name": "X"}),
    ("C-1001", "US", {}),                               # a chart number: nothing to fill
    ("17", "US", {}),
    ("%", "US", {}),
    ("", "US", {}),
])
def test_prefill_from_search(text, region, expected):
    filled = prefill_from_search(text, region, TODAY)
    assert filled == expected
    assert set(filled) <= set(FIELDS)


def test_a_prefilled_form_reads_back_as_what_was_searched():
    for text, field, value in [("3/7/84", "date_of_birth", D(1984, 3, 7)),
                               ("650.253.0000", "phone", "+16502530000"),
                               ("Núñez, José", "last_name", "Núñez")]:
        form = {**GOOD, **prefill_from_search(text, "US", TODAY)}
        assert getattr(check_new_patient(form, "US", TODAY), field) == value
