"""Calendar arithmetic (DOMAIN.md: calendar months via dateutil relativedelta).

`latest_start_reaching` is load-bearing: the SQL lists test `due_on <= limit` as
`last_infusion <= latest_start_reaching(limit, months)`, so the equivalence is checked both
exhaustively over a few years and by hypothesis over a wide range of dates.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontdesk.domain.dates import (add_months, latest_start_reaching, one_month_before,
                                    start_of_day, start_of_next_day)

D = dt.date

# Keep well inside date.min/date.max so +-12 months never overflows.
dates = st.dates(min_value=D(1901, 1, 1), max_value=D(2199, 12, 31))
months = st.integers(min_value=1, max_value=12)


# --- add_months -------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "n", "expected"), [
    (D(2026, 1, 31), 1, D(2026, 2, 28)),   # DOMAIN.md: Jan 31 + 1 month is Feb 28
    (D(2028, 1, 31), 1, D(2028, 2, 29)),   # ... or Feb 29 in a leap year
    (D(2026, 3, 31), 1, D(2026, 4, 30)),
    (D(2028, 2, 29), 12, D(2029, 2, 28)),
    (D(2028, 2, 29), 48, D(2032, 2, 29)),
    (D(2026, 1, 30), 1, D(2026, 2, 28)),
    (D(2026, 1, 29), 1, D(2026, 2, 28)),
    (D(2026, 1, 28), 1, D(2026, 2, 28)),
    (D(2026, 2, 28), 1, D(2026, 3, 28)),   # not "end of month stays end of month"
    (D(2026, 11, 30), 3, D(2027, 2, 28)),
    (D(2027, 11, 30), 3, D(2028, 2, 29)),
    (D(2026, 8, 31), 1, D(2026, 9, 30)),
    (D(2026, 12, 15), 1, D(2027, 1, 15)),  # year rollover
    (D(2026, 12, 31), 12, D(2027, 12, 31)),
    (D(2026, 10, 10), 1, D(2026, 11, 10)),
    (D(2026, 5, 17), 6, D(2026, 11, 17)),
])
def test_add_months_calendar_months(day, n, expected):
    assert add_months(day, n) == expected


def test_add_months_is_not_thirty_day_blocks():
    # Feb is short: a 30-day block from Feb 1 would land on Mar 3.
    assert add_months(D(2026, 2, 1), 1) == D(2026, 3, 1)
    assert add_months(D(2026, 7, 1), 1) == D(2026, 8, 1)


@settings(max_examples=300, deadline=None)
@given(dates, months)
def test_add_months_lands_in_the_right_month_on_the_same_or_clamped_day(day, n):
    result = add_months(day, n)
    total = day.year * 12 + (day.month - 1) + n
    assert (result.year, result.month - 1) == divmod(total, 12)
    # same day of month, or the last day of the target month when that day does not exist
    if result.day != day.day:
        assert day.day > result.day
        assert (result + dt.timedelta(days=1)).day == 1


@settings(max_examples=300, deadline=None)
@given(dates, dates, months)
def test_add_months_is_monotonic(a, b, n):
    if a <= b:
        assert add_months(a, n) <= add_months(b, n)


# --- one_month_before --------------------------------------------------------------------

@pytest.mark.parametrize(("day", "expected"), [
    (D(2026, 11, 21), D(2026, 10, 21)),
    (D(2026, 3, 31), D(2026, 2, 28)),
    (D(2026, 3, 29), D(2026, 2, 28)),
    (D(2028, 3, 30), D(2028, 2, 29)),
    (D(2028, 3, 31), D(2028, 2, 29)),
    (D(2028, 2, 29), D(2028, 1, 29)),
    (D(2026, 1, 15), D(2025, 12, 15)),
    (D(2026, 5, 31), D(2026, 4, 30)),
])
def test_one_month_before(day, expected):
    assert one_month_before(day) == expected


# --- latest_start_reaching ---------------------------------------------------------------

def _brute_force_latest(limit: dt.date, n: int) -> dt.date:
    """Walk back until add_months first reaches `limit` (the definition).

    n calendar months span at least 28n - 3 days, so the answer is no later than
    limit - 25n days; starting there keeps the walk short.
    """
    x = limit - dt.timedelta(days=25 * n)
    assert add_months(x, n) > limit  # the walk starts after the answer
    while add_months(x, n) > limit:
        x -= dt.timedelta(days=1)
    return x


@pytest.mark.parametrize(("limit", "n", "expected"), [
    (D(2026, 2, 28), 1, D(2026, 1, 31)),   # Jan 28..31 all reach Feb 28
    (D(2028, 2, 29), 1, D(2028, 1, 31)),
    (D(2028, 2, 28), 1, D(2028, 1, 28)),   # Jan 29 + 1 month = Feb 29 > Feb 28
    (D(2026, 4, 30), 1, D(2026, 3, 31)),
    (D(2026, 3, 30), 1, D(2026, 2, 28)),   # Feb 28 + 1 = Mar 28; Mar 1 + 1 = Apr 1
    (D(2026, 3, 31), 1, D(2026, 2, 28)),
    (D(2029, 2, 28), 12, D(2028, 2, 29)),
    (D(2026, 11, 17), 1, D(2026, 10, 17)),
    (D(2027, 1, 5), 3, D(2026, 10, 5)),
])
def test_latest_start_reaching_examples(limit, n, expected):
    assert latest_start_reaching(limit, n) == expected
    assert add_months(expected, n) <= limit
    assert add_months(expected + dt.timedelta(days=1), n) > limit


@pytest.mark.parametrize("n", range(1, 13))
def test_latest_start_reaching_matches_definition_every_day_2027_to_2029(n):
    # every limit from 2027 through 2029: common years and the leap year 2028
    day = D(2027, 1, 1)
    while day <= D(2029, 12, 31):
        assert latest_start_reaching(day, n) == _brute_force_latest(day, n), (day, n)
        day += dt.timedelta(days=1)


@settings(max_examples=1000, deadline=None)
@given(x=dates, limit=dates, n=months)
def test_add_months_le_limit_iff_x_le_latest_start_reaching(x, limit, n):
    assert (add_months(x, n) <= limit) == (x <= latest_start_reaching(limit, n))


@settings(max_examples=500, deadline=None)
@given(limit=dates, n=months, offset=st.integers(min_value=-40, max_value=40))
def test_equivalence_near_the_boundary(limit, n, offset):
    # x drawn close to the answer, where an off-by-one would show.
    x = latest_start_reaching(limit, n) + dt.timedelta(days=offset)
    assert (add_months(x, n) <= limit) == (x <= latest_start_reaching(limit, n))


@settings(max_examples=500, deadline=None)
@given(limit=dates, n=months)
def test_latest_start_reaching_is_tight(limit, n):
    x = latest_start_reaching(limit, n)
    assert add_months(x, n) <= limit
    assert add_months(x + dt.timedelta(days=1), n) > limit


# --- day bounds ----------------------------------------------------------------------------

def test_start_of_day_and_next_day():
    assert start_of_day(D(2026, 11, 21)) == dt.datetime(2026, 11, 21, 0, 0)
    assert start_of_next_day(D(2026, 11, 21)) == dt.datetime(2026, 11, 22, 0, 0)
    assert start_of_next_day(D(2026, 12, 31)) == dt.datetime(2027, 1, 1, 0, 0)
    assert start_of_next_day(D(2028, 2, 28)) == dt.datetime(2028, 2, 29, 0, 0)


# --- day_words ----------------------------------------------------------------------------

def test_day_words_give_the_year_only_for_another_year():
    from frontdesk.domain.dates import day_words
    today = D(2026, 11, 21)
    assert day_words(D(2026, 11, 23), today) == "Mon 23 Nov"
    assert day_words(dt.datetime(2026, 11, 23, 9, 30), today) == "Mon 23 Nov"
    assert day_words(D(2027, 1, 5), today) == "Tue 05 Jan 2027"
    assert day_words(D(2025, 12, 31), today) == "Wed 31 Dec 2025"
