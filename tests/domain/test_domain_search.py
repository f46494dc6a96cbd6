"""What the desk's search box reads a text as (domain.search): names folded, dates of birth in
the clinic's writing, phone numbers in any writing, chart numbers and parts of phone numbers."""

from __future__ import annotations

import datetime as dt

import phonenumbers
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from frontdesk.domain.search import (CHART_LEAD, MIN_PART_CHARS, MIN_PHONE_DIGITS,
                                     MONTH_FIRST_REGIONS, SearchTerms, chart_fold, chart_value,
                                     parse_search, read_date_of_birth)
from frontdesk.domain.validation import name_key, search_key
from frontdesk.services.demo import AREA_CODES, EXCHANGES, FIRST_NAMES, LAST_NAMES

D = dt.date
TODAY = D(2026, 11, 21)


def terms(text: str, region: str = "US", today: dt.date = TODAY) -> SearchTerms:
    return parse_search(text, region, today)


# --- nothing to search ----------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", " ", "   ", "\t", "\n", " \t \n "])
def test_empty_or_blank_text_is_empty(text):
    got = terms(text)
    assert got.empty
    assert got == SearchTerms()


@pytest.mark.parametrize("text", ["a", "nunez", "1", "C-1", "2072", "3/7/84", "(317) 730-2072"])
def test_any_real_text_is_not_empty(text):
    assert not terms(text).empty


@pytest.mark.parametrize("text", ["%", "_", "-", "000", "'", "()"])
def test_text_that_reads_as_no_key_is_a_search_for_no_one(text):
    got = terms(text)
    assert not got.empty and not got.readable


# --- names ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["nunez", "Nunez", "NUNEZ", "Núñez", "NÚÑEZ", "NUÑEZ", "núñez",
                                  "Nu\u0301n\u0303ez", "  nunez  "])
def test_names_fold_case_and_accents(text):
    assert terms(text).words == ("nunez",)


@pytest.mark.parametrize("text", ["O'Brien", "O’Brien", "o'brien", "obrien", "OBRIEN", "O`Brien",
                                  "O‘Brien"])
def test_names_fold_apostrophes(text):
    assert terms(text).words == ("obrien",)


def test_folded_words_match_the_stored_key_of_the_name():
    """Whatever the writing, every folded word is part of the patient's stored key."""
    stored = name_key("José", "Núñez")
    assert stored == "nunez jose"
    for text in ("jose nunez", "Núñez José", "NUNEZ, JOSE", "josé", "nuñ", "une"):
        assert all(word in stored for word in terms(text).words), text


@pytest.mark.parametrize(("text", "words", "starts"), [
    ("n", (), ("n",)), ("Ng", (), ("ng",)), ("nu", (), ("nu",)), ("nun", ("nun",), ()),
    ("jose n", ("jose",), ("n",)), ("Ó Lì", (), ("o", "li")), ("van der berg", ("van", "der", "berg"), ()),
])
def test_short_words_are_the_start_of_a_name_part(text, words, starts):
    got = terms(text)
    assert (got.words, got.word_starts) == (words, starts)
    assert all(len(w) >= MIN_PART_CHARS for w in got.words)
    assert all(len(w) < MIN_PART_CHARS for w in got.word_starts)


@pytest.mark.parametrize(("text", "words"), [
    ("jose nunez", ("jose", "nunez")),
    ("nunez jose", ("nunez", "jose")),
    ("Núñez,  José", ("nunez", "jose")),
    ("Mary-Kate O'Brien", ("mary", "kate", "obrien")),
    ("van  der   berg", ("van", "der", "berg")),
])
def test_several_words_are_each_a_name_part(text, words):
    got = terms(text)
    assert got.words == words
    assert got.chart_start is None and got.chart_value is None  # a chart number has no spaces
    assert got.dates == () and got.phone_e164 is None


@pytest.mark.parametrize(("text", "start"), [("C-1001", "C-1001"), ("c-10", "C-10"),
                                             ("C-0", "C-0"), ("ab12", "AB12"), ("ñ1", "ñ1")])
def test_one_word_with_a_digit_is_the_start_of_a_chart_number_not_a_name(text, start):
    got = terms(text)
    assert got == SearchTerms(chart_start=start)
    assert chart_fold(text) == start  # letters a-z upper-cased, as SQL's upper() does


@pytest.mark.parametrize(("text", "value"), [("17", "17"), ("0017", "17"), ("1001", "1001"),
                                             ("1", "1"), ("000", None)])
def test_digits_alone_are_a_chart_numbers_number(text, value):
    got = terms(text)
    assert got.chart_value == value and got.chart_start is None
    assert got.words == () and got.word_starts == ()


@pytest.mark.parametrize(("chart", "value"), [("C-000017", "17"), ("C-1001", "1001"),
                                              ("c-0100", "100"), ("AB/12-0034", "12-0034"),
                                              ("17", "17"), ("C-000000", "")])
def test_a_charts_number_leaves_out_letters_punctuation_and_zeros_before_it(chart, value):
    assert chart_value(chart) == value
    assert not value or value[0] not in CHART_LEAD


@given(first=st.sampled_from(FIRST_NAMES), last=st.sampled_from(LAST_NAMES),
       upper=st.booleans(), reverse=st.booleans())
def test_a_name_typed_any_way_folds_to_parts_of_its_key(first, last, upper, reverse):
    typed = f"{first} {last}" if reverse else f"{last} {first}"
    typed = typed.upper() if upper else typed
    got = terms(typed)
    key = name_key(first, last)
    assert set(got.words + got.word_starts) == set(key.split())


# --- dates of birth -----------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["1984-03-07", "1984-3-7", "03/07/1984", "3/7/1984", "3/7/84",
                                  "03/07/84", "3.7.84", "3-7-84", " 3/7/84 "])
def test_dates_of_birth_month_first_in_the_us(text):
    got = terms(text)
    assert got == SearchTerms(dates=(D(1984, 3, 7),))  # a date is read as nothing else
    assert read_date_of_birth(text, "US", TODAY) == D(1984, 3, 7)


@pytest.mark.parametrize("region", ["GB", "DE", "FR", "AU", "IE"])
def test_dates_of_birth_day_first_elsewhere(region):
    assert read_date_of_birth("03/07/1984", region, TODAY) == D(1984, 7, 3)
    assert read_date_of_birth("3/7/84", region, TODAY) == D(1984, 7, 3)
    assert read_date_of_birth("1984-03-07", region, TODAY) == D(1984, 3, 7)  # ISO is ISO
    assert read_date_of_birth("25/12/1990", region, TODAY) == D(1990, 12, 25)
    assert read_date_of_birth("12/25/1990", region, TODAY) is None  # no 25th month


@pytest.mark.parametrize("region", sorted(MONTH_FIRST_REGIONS))
def test_month_first_regions(region):
    assert read_date_of_birth("12/25/1990", region, TODAY) == D(1990, 12, 25)
    assert read_date_of_birth("25/12/1990", region, TODAY) is None


@pytest.mark.parametrize("text", ["2/30/1984", "2/29/1983", "13/1/1984", "0/5/1984", "4/31/84",
                                  "1984-02-30", "1984-13-01", "1984-00-10", "00/00/00"])
def test_impossible_dates_give_no_date(text):
    assert read_date_of_birth(text, "US", TODAY) is None
    assert terms(text).dates == ()


def test_leap_day_is_a_date():
    assert read_date_of_birth("2/29/1984", "US", TODAY) == D(1984, 2, 29)
    assert read_date_of_birth("29/02/84", "GB", TODAY) == D(1984, 2, 29)


@pytest.mark.parametrize("text", ["1984", "3/7", "84", "3/7/1984x", "1984-03-07T10:00",
                                  "3//7/84", "1984/03/07/1", "123/7/84", "3/7/184"])
def test_not_dates(text):
    assert read_date_of_birth(text, "US", TODAY) is None


@pytest.mark.parametrize(("text", "today", "expected"), [
    ("3/7/84", D(2026, 11, 21), D(1984, 3, 7)),
    ("3/7/26", D(2026, 11, 21), D(2026, 3, 7)),     # this year, already past
    ("3/7/27", D(2026, 11, 21), D(1927, 3, 7)),     # next year would be the future
    ("3/7/00", D(2026, 11, 21), D(2000, 3, 7)),
    ("3/7/99", D(2026, 11, 21), D(1999, 3, 7)),
    ("3/7/99", D(2001, 6, 1), D(1999, 3, 7)),
    ("3/7/02", D(2001, 6, 1), D(1902, 3, 7)),
    ("3/7/01", D(2001, 6, 1), D(2001, 3, 7)),
])
def test_two_digit_years_pivot_on_today(text, today, expected):
    assert read_date_of_birth(text, "US", today) == expected


@given(birth=st.dates(D(1900, 1, 1), TODAY))
def test_iso_and_four_digit_years_read_back(birth):
    assert read_date_of_birth(birth.isoformat(), "US", TODAY) == birth
    us = f"{birth.month}/{birth.day}/{birth.year}"
    gb = f"{birth.day:02d}/{birth.month:02d}/{birth.year}"
    assert read_date_of_birth(us, "US", TODAY) == birth
    assert read_date_of_birth(gb, "GB", TODAY) == birth
    assert terms(us) == SearchTerms(dates=(birth,))


@given(birth=st.dates(D(1927, 1, 1), D(2025, 12, 31)), today=st.dates(D(2026, 1, 1),
                                                                    D(2026, 12, 31)))
def test_two_digit_years_read_back_within_a_century(birth, today):
    text = f"{birth.month}/{birth.day}/{birth.year % 100:02d}"
    assert read_date_of_birth(text, "US", today) == birth


@given(month=st.integers(1, 12), day=st.integers(1, 28), yy=st.integers(0, 99),
       today=st.dates(D(1950, 1, 1), D(2090, 12, 31)))
def test_two_digit_years_are_never_a_later_year(month, day, yy, today):
    got = read_date_of_birth(f"{month}/{day}/{yy:02d}", "US", today)
    assert got is not None and got.year % 100 == yy
    assert today.year - 100 <= got.year <= today.year


@pytest.mark.parametrize(("text", "expected"), [
    ("12/25/26", D(1926, 12, 25)),   # this year, but after today: last century
    ("11/22/26", D(1926, 11, 22)),   # tomorrow
    ("11/21/26", D(2026, 11, 21)),   # today is not the future
    ("2/29/28", D(1928, 2, 29)),     # a leap day in both centuries
])
def test_two_digit_year_this_year_after_today_is_last_century(text, expected):
    assert read_date_of_birth(text, "US", TODAY) == expected


@given(birth=st.dates(D(1926, 11, 22), TODAY))
@example(birth=D(1926, 12, 25))
def test_two_digit_years_round_trip_over_the_last_hundred_years(birth):
    got = read_date_of_birth(f"{birth.month}/{birth.day}/{birth.year % 100:02d}", "US", TODAY)
    assert got == birth


def _years_later(day: dt.date, years: int) -> dt.date | None:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return None


@given(month=st.integers(1, 12), day=st.integers(1, 31), yy=st.integers(0, 99),
       today=st.dates(D(1950, 1, 1), D(2099, 12, 31)))
def test_two_digit_years_give_the_latest_date_not_in_the_future(month, day, yy, today):
    got = read_date_of_birth(f"{month}/{day}/{yy:02d}", "US", today)
    if got is None:  # no such day in either century that could be meant
        for year in (today.year - today.year % 100 + yy, today.year - today.year % 100 + yy - 100):
            try:
                assert D(year, month, day) > today
            except ValueError:
                pass
        return
    assert (got.month, got.day, got.year % 100) == (month, day, yy)
    assert got <= today
    later = _years_later(got, 100)
    assert later is None or later > today


def test_leap_day_of_a_century_year_from_the_next_century():
    assert read_date_of_birth("2/29/00", "US", D(2100, 3, 1)) == D(2000, 2, 29)


@given(month=st.integers(1, 12), day=st.integers(29, 31), year=st.integers(1900, 2026))
def test_no_date_for_days_the_month_does_not_have(month, day, year):
    try:
        real = D(year, month, day)
    except ValueError:
        real = None
    assert read_date_of_birth(f"{month}/{day}/{year}", "US", TODAY) == real
    assert read_date_of_birth(f"{year}-{month:02d}-{day:02d}", "GB", TODAY) == real


# --- phone numbers ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["(317) 730-2072", "317-730-2072", "+1 317 730 2072",
                                  "317.730.2072", "3177302072", "+13177302072",
                                  "1 317 730 2072", "(317)730-2072", " 317 730 2072 ",
                                  "317/730-2072"])
def test_whole_phone_numbers_in_any_writing(text):
    assert terms(text) == SearchTerms(phone_e164="+13177302072")  # that number only


def test_whole_phone_number_in_the_clinics_region():
    assert terms("020 7946 0958", "GB") == SearchTerms(phone_e164="+442079460958")
    assert terms("+44 20 7946 0958", "US") == SearchTerms(phone_e164="+442079460958")
    # a UK national number is not a whole US number: only its digits are searched
    got = terms("020 7946 0958", "US")
    assert got.phone_e164 is None and got.phone_digits == "02079460958"


_US_WRITINGS = ("({a}) {e}-{l}", "{a}-{e}-{l}", "+1 {a} {e} {l}", "{a}.{e}.{l}", "{a}{e}{l}",
                "1-{a}-{e}-{l}", "+1 ({a}) {e}-{l}")


@given(area=st.sampled_from(AREA_CODES), exchange=st.sampled_from(EXCHANGES),
       line=st.integers(0, 9999), writing=st.sampled_from(_US_WRITINGS))
def test_valid_us_numbers_give_e164_only(area, exchange, line, writing):
    text = writing.format(a=area, e=exchange, l=f"{line:04d}")
    e164 = f"+1{area}{exchange}{line:04d}"
    assume(phonenumbers.is_valid_number(phonenumbers.parse(e164, None)))
    assert terms(text) == SearchTerms(phone_e164=e164)


@pytest.mark.parametrize(("text", "digits"), [
    ("2072", "2072"), ("730-2072", "7302072"), ("730 2072", "7302072"), ("(317) 730", "317730"),
    ("0000", "0000"), ("12345", "12345"), ("+1 317", "1317"),
])
def test_part_of_a_phone_number_searches_its_digits_and_chart_numbers(text, digits):
    got = terms(text)
    assert got.phone_digits == digits
    assert got.phone_e164 is None
    assert got.words == ()
    if text.isdigit():
        assert got.chart_value == (text.lstrip("0") or None)
    elif " " not in text:
        assert got.chart_start == text


@given(digits=st.text("0123456789", min_size=1, max_size=MIN_PHONE_DIGITS - 1))
def test_fewer_than_four_digits_are_not_a_phone_search(digits):
    got = terms(digits)
    assert got.phone_digits is None and got.phone_e164 is None
    assert got.chart_value == (digits.lstrip("0") or None)  # still a chart's number
    assert not got.empty  # something was typed: "000" finds no one, not everyone
    assert got.readable == (got.chart_value is not None)


@pytest.mark.parametrize("text", ["1-2", "(12)", "+1 2", "1.2.3"])
def test_short_digits_with_punctuation_are_not_a_phone_search(text):
    got = terms(text)
    assert got.phone_digits is None and got.phone_e164 is None


@pytest.mark.parametrize("text", ["nunez 2072", "C-1001", "call 3177302072", "2072x"])
def test_text_with_letters_is_no_phone_number(text):
    got = terms(text)
    assert got.phone_e164 is None and got.phone_digits is None


# --- every reading is well formed ---------------------------------------------------------------

@given(text=st.text(max_size=40), region=st.sampled_from(["US", "GB", "DE", "CA"]))
def test_any_text_parses_to_consistent_readings(text, region):
    got = parse_search(text, region, TODAY)
    assert got == parse_search(f"  {text}  ", region, TODAY)  # outer spaces mean nothing
    if not text.strip():
        assert got.empty
    for word in got.words + got.word_starts:
        assert word and word == search_key(word) and " " not in word
    if got.words or got.word_starts:
        assert got.chart_start is None and got.chart_value is None
    if got.phone_e164 is not None:
        assert got == SearchTerms(phone_e164=got.phone_e164)
        assert phonenumbers.is_valid_number(phonenumbers.parse(got.phone_e164, None))
    if got.phone_digits is not None:
        assert got.phone_digits.isdigit() and len(got.phone_digits) >= MIN_PHONE_DIGITS
    if got.dates:
        assert got == SearchTerms(dates=got.dates)
    for chart in (got.chart_start, got.chart_value):
        if chart is not None:
            assert chart and " " not in chart and len(chart) <= 32
