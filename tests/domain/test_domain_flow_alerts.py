"""The board's rules as pure functions (domain.status_flow, domain.measures): the next step of
an appointment, the alerts (waiting too long, kept in recovery past the planned end) and the
cutoffs the SQL of services.flow uses for the same alerts, whole minutes between two times,
and the questionnaire scores taken at check-in."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdesk.domain.errors import ValidationError
from frontdesk.domain.measures import (MAXIMUM, Measure, check_score, parse_score,
                                       progress_assessment_due_on)
from frontdesk.domain.model import Kind, Phase, Status
from frontdesk.domain.status_flow import (DEFAULT_WAIT_ALERT_MINUTES, Alert, alert_for,
                                          minutes_between, next_statuses, next_step,
                                          recovery_alert_cutoff, waiting_alert_cutoff)

D = dt.date
T = dt.datetime
B, A, C, R, DONE, NS, X = (Status.BOOKED, Status.ARRIVED, Status.IN_CHAIR, Status.RECOVERY,
                           Status.COMPLETED, Status.NO_SHOW, Status.CANCELLED)
TEN = T(2026, 11, 23, 10, 0)


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


# --- next_step ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "status", "step"), [
    (Kind.INFUSION, B, A), (Kind.INFUSION, A, C), (Kind.INFUSION, C, R),
    (Kind.INFUSION, R, DONE), (Kind.INFUSION, DONE, None), (Kind.INFUSION, NS, None),
    (Kind.INFUSION, X, None),
    *[(kind, status, step) for kind in (Kind.CONSULT, Kind.ASSESSMENT)
      for status, step in [(B, A), (A, DONE), (C, None), (R, None), (DONE, None),
                           (NS, None), (X, None)]],
])
def test_next_step(kind, status, step):
    assert next_step(kind, status) == step


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("status", list(Status))
def test_next_step_is_a_forward_move_the_flow_allows(kind, status):
    step = next_step(kind, status)
    allowed = next_statuses(kind, status)
    if step is None:
        assert allowed <= {NS, X}
    else:
        assert step in allowed and step not in (NS, X)


@pytest.mark.parametrize("kind", list(Kind))
def test_following_next_step_walks_the_whole_flow(kind):
    path, status = [B], B
    while (status := next_step(kind, status)) is not None:
        path.append(status)
    assert path == ([B, A, C, R, DONE] if kind == Kind.INFUSION else [B, A, DONE])


# --- minutes_between --------------------------------------------------------------------------

@pytest.mark.parametrize(("later", "expected"), [
    (TEN, 0), (TEN + dt.timedelta(seconds=59), 0), (TEN + minutes(1), 1),
    (TEN + dt.timedelta(seconds=119, microseconds=999_999), 1), (TEN + minutes(90), 90),
    (TEN + dt.timedelta(days=1, minutes=5), 24 * 60 + 5),    # across midnight
    (TEN - dt.timedelta(seconds=1), 0), (TEN - minutes(30), 0),  # never negative
])
def test_minutes_between_counts_whole_minutes(later, expected):
    assert minutes_between(TEN, later) == expected
    assert isinstance(minutes_between(TEN, later), int)


@given(st.datetimes(min_value=T(2026, 1, 1), max_value=T(2027, 1, 1)),
       st.timedeltas(min_value=-dt.timedelta(days=2), max_value=dt.timedelta(days=2)))
def test_minutes_between_is_the_floor_of_the_elapsed_minutes(earlier, gap):
    got = minutes_between(earlier, earlier + gap)
    assert got >= 0
    if gap >= dt.timedelta(0):
        assert minutes(got) <= gap < minutes(got + 1)
    else:
        assert got == 0


# --- the alerts and their cutoffs -----------------------------------------------------------

def test_default_wait_limit_is_fifteen_minutes():
    assert DEFAULT_WAIT_ALERT_MINUTES == 15


def test_waiting_alert_starts_when_the_wait_is_more_than_the_limit():
    arrived = TEN
    # 15 min 59 s is still 15 whole minutes: not more than the limit
    assert alert_for(A, arrived, TEN + minutes(90), TEN + minutes(15)) is None
    assert alert_for(A, arrived, TEN + minutes(90),
                     TEN + minutes(16) - dt.timedelta(seconds=1)) is None
    assert alert_for(A, arrived, TEN + minutes(90), TEN + minutes(16)) == Alert("waiting", 16)
    assert alert_for(A, arrived, TEN + minutes(90), TEN + minutes(75)) == Alert("waiting", 75)


def test_waiting_alert_with_seconds_in_the_arrival():
    arrived = TEN + dt.timedelta(seconds=30)
    assert alert_for(A, arrived, TEN + minutes(90), TEN + minutes(16)) is None       # 15.5 min
    assert alert_for(A, arrived, TEN + minutes(90),
                     TEN + minutes(16) + dt.timedelta(seconds=30)) == Alert("waiting", 16)


@pytest.mark.parametrize("limit", [0, 1, 5, 15, 30, 120])
def test_waiting_alert_follows_the_limit(limit):
    assert alert_for(A, TEN, TEN, TEN + minutes(limit), limit) is None
    assert alert_for(A, TEN, TEN, TEN + minutes(limit + 1), limit) == Alert("waiting", limit + 1)


def test_recovery_alert_starts_a_whole_minute_past_the_planned_end():
    ends = TEN + minutes(90)
    assert alert_for(R, TEN, ends, ends - minutes(5)) is None
    assert alert_for(R, TEN, ends, ends) is None
    assert alert_for(R, TEN, ends, ends + dt.timedelta(seconds=59)) is None
    assert alert_for(R, TEN, ends, ends + minutes(1)) == Alert("recovery", 1)
    assert alert_for(R, TEN, ends, ends + minutes(42, )) == Alert("recovery", 42)


def test_recovery_alert_ignores_the_wait_limit_and_the_status_time():
    ends = TEN + minutes(90)
    # in recovery for a long time but before the end: nothing; the wait limit is not used
    assert alert_for(R, TEN - minutes(300), ends, ends - minutes(1), 0) is None
    assert alert_for(R, ends, ends, ends + minutes(2), 500) == Alert("recovery", 2)


@pytest.mark.parametrize("status", [B, C, DONE, NS, X])
def test_other_statuses_raise_no_alert(status):
    long_ago = TEN - dt.timedelta(days=1)
    assert alert_for(status, long_ago, long_ago, TEN, 0) is None


def test_a_status_time_in_the_future_raises_no_alert():
    assert alert_for(A, TEN + minutes(30), TEN + minutes(120), TEN, 0) is None
    assert alert_for(R, TEN, TEN + minutes(30), TEN, 0) is None


def test_alert_texts():
    assert Alert("waiting", 16).text == "waiting 16 min"
    assert Alert("recovery", 3).text == "3 min over"


def test_cutoffs():
    assert waiting_alert_cutoff(TEN, 15) == TEN - minutes(16)
    assert waiting_alert_cutoff(TEN, 0) == TEN - minutes(1)
    assert recovery_alert_cutoff(TEN) == TEN - minutes(1)
    odd = TEN + dt.timedelta(seconds=17, microseconds=5)
    assert waiting_alert_cutoff(odd, 15) == odd - minutes(16)
    assert recovery_alert_cutoff(odd) == odd - minutes(1)


times = st.datetimes(min_value=T(2026, 11, 22), max_value=T(2026, 11, 25))


@given(status=st.sampled_from(list(Status)), status_at=times, ends_at=times, now=times,
       limit=st.integers(min_value=0, max_value=240))
def test_alert_for_is_what_the_cutoffs_and_minutes_say(status, status_at, ends_at, now, limit):
    """The SQL counts an alert by comparing with the cutoffs; the board line shows
    alert_for: both must say the same, and the minutes shown must be the rule's."""
    alert = alert_for(status, status_at, ends_at, now, limit)
    waiting = status == A and status_at <= waiting_alert_cutoff(now, limit)
    over = status == R and ends_at <= recovery_alert_cutoff(now)
    assert (alert is not None) == (waiting or over)
    if status == A:
        # "waiting more than the limit, in whole minutes"
        assert waiting == (minutes_between(status_at, now) > limit)
        assert alert is None or alert == Alert("waiting", minutes_between(status_at, now))
    if status == R:
        assert over == (minutes_between(ends_at, now) >= 1)
        assert alert is None or alert == Alert("recovery", minutes_between(ends_at, now))
    if alert is not None:
        assert alert.minutes >= 1


# --- scores (domain.measures) ------------------------------------------------------------------

@pytest.mark.parametrize(("measure", "top"), [(Measure.PHQ9, 27), (Measure.GAD7, 21)])
def test_scores_in_range_are_kept(measure, top):
    assert MAXIMUM[measure] == top
    for value in (0, 1, top - 1, top):
        assert check_score(measure, value) == value
    assert check_score(measure, None) is None


@pytest.mark.parametrize(("measure", "value"), [
    (Measure.PHQ9, 28), (Measure.GAD7, 22), (Measure.PHQ9, -1), (Measure.GAD7, -1),
    (Measure.PHQ9, 100), (Measure.PHQ9, True), (Measure.GAD7, False), (Measure.PHQ9, 5.0),
    (Measure.GAD7, "5"),
])
def test_scores_out_of_range_or_not_whole_numbers_are_refused(measure, value):
    with pytest.raises(ValidationError) as err:
        check_score(measure, value)
    message = str(err.value)
    label = "PHQ-9" if measure == Measure.PHQ9 else "GAD-7"
    assert label in message and str(MAXIMUM[measure]) in message


@pytest.mark.parametrize(("text", "value"), [
    ("", None), ("   ", None), ("0", 0), ("7", 7), (" 27 ", 27), ("07", 7),
])
def test_parse_score(text, value):
    assert parse_score(Measure.PHQ9, text) == value


@pytest.mark.parametrize("text", [
    "28", "-1", "+3", "3.0", "1e1", "abc", "1 2", "²", "¹⁰", "0x1", "00028", "9" * 5000,
], ids=lambda text: ascii(text[:8]))
def test_parse_score_refuses_with_a_message(text):
    """Every bad text is a ValidationError with a readable message (never a ValueError from
    int(), which the desk would report as a database problem)."""
    with pytest.raises(ValidationError) as err:
        parse_score(Measure.PHQ9, text)
    assert "PHQ-9" in str(err.value) and len(str(err.value)) < 200


@given(st.text(max_size=8))
def test_parse_score_gives_a_score_in_range_or_a_validation_error(text):
    try:
        value = parse_score(Measure.GAD7, text)
    except ValidationError:
        return
    assert value is None or (type(value) is int and 0 <= value <= 21)
    assert (value is None) == (not text.strip())


# --- progress assessment due (guidance, not enforced) -----------------------------------------

SINCE = D(2026, 11, 10)


@pytest.mark.parametrize("phase", [Phase.INTAKE, Phase.STABILIZATION, Phase.INTEGRATION,
                                   Phase.DISCHARGED])
def test_only_maintenance_patients_have_an_assessment_due(phase):
    assert progress_assessment_due_on(phase, SINCE, SINCE, None) is None


def test_no_infusion_means_no_assessment_due():
    assert progress_assessment_due_on(Phase.MAINTENANCE, SINCE, None, None) is None


def test_assessment_due_two_days_after_the_series_ended():
    assert progress_assessment_due_on(Phase.MAINTENANCE, SINCE, SINCE, None) == D(2026, 11, 12)
    # maintenance begun by staff after the last stabilization infusion
    assert (progress_assessment_due_on(Phase.MAINTENANCE, SINCE, D(2026, 11, 8), None)
            == D(2026, 11, 10))


def test_assessment_due_the_day_after_a_maintenance_infusion():
    assert (progress_assessment_due_on(Phase.MAINTENANCE, SINCE, D(2026, 12, 10), None)
            == D(2026, 12, 11))


def test_scores_on_a_later_day_settle_the_assessment_scores_that_day_do_not():
    last = D(2026, 12, 10)
    assert progress_assessment_due_on(Phase.MAINTENANCE, SINCE, last, last) == D(2026, 12, 11)
    assert progress_assessment_due_on(Phase.MAINTENANCE, SINCE, last, D(2026, 12, 1)) == D(
        2026, 12, 11)
    assert progress_assessment_due_on(Phase.MAINTENANCE, SINCE, last, D(2026, 12, 11)) is None
