"""Treatment phases (DOMAIN.md "Treatment phases"): staff transitions, automatic moves, badges."""

from __future__ import annotations

import itertools

import pytest

from frontdesk.domain.errors import Conflict, DomainError
from frontdesk.domain.model import Phase
from frontdesk.domain.phases import badge, check_phase_change, phase_after_completed_infusion

I, S, M, G, X = (Phase.INTAKE, Phase.STABILIZATION, Phase.MAINTENANCE, Phase.INTEGRATION,
                 Phase.DISCHARGED)

# DOMAIN.md: intake -> stabilization; stabilization -> maintenance; maintenance -> integration;
# any -> discharged; integration -> maintenance or stabilization (re-induction).
# Discharged is final.
ALLOWED = {(I, S), (S, M), (M, G), (G, M), (G, S), (I, X), (S, X), (M, X), (G, X)}


@pytest.mark.parametrize(("current", "new"), sorted(ALLOWED))
def test_allowed_phase_changes(current, new):
    check_phase_change(current, new)  # does not raise


@pytest.mark.parametrize(("current", "new"),
                         [pair for pair in itertools.product(Phase, Phase) if pair not in ALLOWED])
def test_refused_phase_changes(current, new):
    with pytest.raises(Conflict) as err:
        check_phase_change(current, new)
    message = str(err.value)
    assert str(current) in message and str(new) in message


def test_every_pair_is_decided_as_domain_md_says():
    for current, new in itertools.product(Phase, Phase):
        try:
            check_phase_change(current, new)
            ok = True
        except Conflict:
            ok = False
        assert ok == ((current, new) in ALLOWED), (current, new)


@pytest.mark.parametrize("phase", [I, S, M, G])
def test_any_active_phase_can_be_discharged(phase):
    check_phase_change(phase, X)


@pytest.mark.parametrize("new", list(Phase))
def test_discharged_is_final(new):
    with pytest.raises(Conflict, match="none"):
        check_phase_change(X, new)


def test_re_induction_from_integration():
    check_phase_change(G, S)
    with pytest.raises(Conflict):
        check_phase_change(M, S)  # not from maintenance directly


def test_no_skipping_phases():
    for current, new in [(I, M), (I, G), (S, G), (M, I), (S, I)]:
        with pytest.raises(Conflict):
            check_phase_change(current, new)


def test_refusal_message_names_the_allowed_phases():
    with pytest.raises(Conflict) as err:
        check_phase_change(I, M)
    message = str(err.value)
    assert "stabilization" in message and "discharged" in message
    assert isinstance(err.value, DomainError)


# --- automatic moves ------------------------------------------------------------------------

@pytest.mark.parametrize("target", range(3, 9))
def test_intake_moves_to_stabilization_on_first_infusion(target):
    assert phase_after_completed_infusion(I, 1, target) == S


@pytest.mark.parametrize("target", range(3, 9))
def test_stabilization_moves_to_maintenance_at_the_nth_infusion(target):
    for k in range(1, target):
        assert phase_after_completed_infusion(S, k, target) == S, (k, target)
    assert phase_after_completed_infusion(S, target, target) == M


def test_stabilization_beyond_target_is_maintenance():
    # e.g. N lowered by staff below the count already reached
    assert phase_after_completed_infusion(S, 7, 6) == M


def test_default_series_of_six():
    phase = I
    history = []
    for k in range(1, 7):
        phase = phase_after_completed_infusion(phase, k, 6)
        history.append(phase)
    assert history == [S, S, S, S, S, M]


@pytest.mark.parametrize("phase", [M, G, X])
@pytest.mark.parametrize("k", [1, 5, 6, 12])
def test_other_phases_do_not_move_automatically(phase, k):
    # maintenance boosters, integration sessions: only staff change these phases
    assert phase_after_completed_infusion(phase, k, 6) == phase


# --- badges ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("phase", "kwargs", "text"), [
    (I, {}, "INTAKE"),
    (S, {"completed": 2, "target": 6}, "STAB 2/6"),
    (S, {"completed": 0, "target": 3}, "STAB 0/3"),
    (S, {"completed": 8, "target": 8}, "STAB 8/8"),
    (M, {}, "MAINT"),
    (M, {"due": True}, "DUE"),
    (M, {"overdue": True}, "OVERDUE"),
    (M, {"due": True, "overdue": True}, "OVERDUE"),
    (G, {}, "INTEG"),
    (X, {}, "DISCH"),
])
def test_badge_texts(phase, kwargs, text):
    assert badge(phase, **kwargs) == text


def test_badges_differ_in_words():
    texts = [badge(I), badge(S, completed=1, target=6), badge(M), badge(M, due=True),
             badge(M, overdue=True), badge(G), badge(X)]
    assert len(set(texts)) == len(texts)


# --- the phase as of a date (DOMAIN.md "as of a date D") ----------------------------------------

import datetime as dt  # noqa: E402

from frontdesk.domain.phases import PhaseChange, phase_as_of  # noqa: E402

D = dt.date
REGISTERED = D(2026, 1, 5)


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


# registered Jan 5 (intake); first infusion Feb 2 (stabilization); series done Feb 20
# (maintenance); integration from Jun 1, as the desk records it (from_since on each change)
DESK_HISTORY = (
    PhaseChange(at(REGISTERED, 9), None, I),
    PhaseChange(at(D(2026, 2, 2)), I, S, from_since=REGISTERED),
    PhaseChange(at(D(2026, 2, 20)), S, M, from_since=D(2026, 2, 2)),
    PhaseChange(at(D(2026, 6, 1)), M, G, from_since=D(2026, 2, 20)),
)


@pytest.mark.parametrize(("day", "expected"), [
    (D(2026, 1, 4), None),                          # not registered yet
    (REGISTERED, (I, REGISTERED)),
    (D(2026, 2, 1), (I, REGISTERED)),
    (D(2026, 2, 2), (S, D(2026, 2, 2))),            # the end of the change's day
    (D(2026, 2, 19), (S, D(2026, 2, 2))),
    (D(2026, 2, 20), (M, D(2026, 2, 20))),
    (D(2026, 5, 31), (M, D(2026, 2, 20))),
    (D(2026, 6, 1), (G, D(2026, 6, 1))),            # no change after D: the stored columns
    (D(2026, 11, 21), (G, D(2026, 6, 1))),
])
def test_the_phase_in_force_at_the_end_of_the_day(day, expected):
    assert phase_as_of(DESK_HISTORY, G, D(2026, 6, 1), REGISTERED, day) == expected


def test_the_same_without_recorded_since_reads_the_change_days():
    """The demo and older rows record no from_since: a phase began on its change's day."""
    bare = tuple(PhaseChange(c.at, c.from_phase, c.to_phase) for c in DESK_HISTORY)
    for day in (D(2026, 1, 20), D(2026, 2, 10), D(2026, 3, 1), D(2026, 7, 1)):
        assert (phase_as_of(bare, G, D(2026, 6, 1), REGISTERED, day)
                == phase_as_of(DESK_HISTORY, G, D(2026, 6, 1), REGISTERED, day))


def test_no_change_after_the_day_means_the_stored_columns():
    # the stored columns win even where a hand edit left them out of step with the history
    assert phase_as_of(DESK_HISTORY, M, D(2026, 7, 7), REGISTERED, D(2026, 6, 1)) == (
        M, D(2026, 7, 7))
    assert phase_as_of((), S, D(2026, 3, 3), REGISTERED, D(2026, 2, 1)) == (S, D(2026, 3, 3))


def test_an_imported_patient_is_in_the_imported_phase_before_the_history_starts():
    # imported in maintenance since Jun 1 (the import's row: from nothing, on phase_since),
    # registered long before; moved to integration Sep 1
    history = (PhaseChange(at(D(2026, 6, 1), 0), None, M),
               PhaseChange(at(D(2026, 9, 1)), M, G))
    assert phase_as_of(history, G, D(2026, 9, 1), D(2025, 1, 1), D(2026, 3, 1)) == (
        M, D(2026, 6, 1))
    assert phase_as_of(history, G, D(2026, 9, 1), D(2025, 1, 1), D(2026, 8, 31)) == (
        M, D(2026, 6, 1))


def test_a_history_that_does_not_reach_back_gives_its_earliest_phase():
    history = (PhaseChange(at(D(2026, 9, 1)), S, M),)
    assert phase_as_of(history, M, D(2026, 9, 1), REGISTERED, D(2026, 3, 1)) == (S, REGISTERED)
    history = (PhaseChange(at(D(2026, 9, 1)), S, M, from_since=D(2026, 8, 20)),)
    assert phase_as_of(history, M, D(2026, 9, 1), REGISTERED, D(2026, 3, 1)) == (
        S, D(2026, 8, 20))


def test_an_undone_move_gives_back_the_phase_and_its_since():
    """The desk completed the 6th infusion on Mar 10 (stabilization -> maintenance), undid it
    on Mar 12 (phase_since back to Feb 2), then completed it again on Mar 16."""
    history = DESK_HISTORY[:2] + (
        PhaseChange(at(D(2026, 3, 10)), S, M, from_since=D(2026, 2, 2)),
        PhaseChange(at(D(2026, 3, 12)), M, S, from_since=D(2026, 3, 10)),
        PhaseChange(at(D(2026, 3, 16)), S, M, from_since=D(2026, 2, 2)),
    )
    assert phase_as_of(history, M, D(2026, 3, 16), REGISTERED, D(2026, 3, 11)) == (
        M, D(2026, 3, 10))
    # after the undo, the series began on Feb 2 again (not on the undo's day)
    assert phase_as_of(history, M, D(2026, 3, 16), REGISTERED, D(2026, 3, 13)) == (
        S, D(2026, 2, 2))


def test_changes_on_one_day_count_in_the_order_written():
    history = (PhaseChange(at(REGISTERED, 9), None, I),
               PhaseChange(at(D(2026, 2, 2), 9), I, S, from_since=REGISTERED),
               PhaseChange(at(D(2026, 2, 2), 9), S, X, from_since=D(2026, 2, 2)),
               PhaseChange(at(D(2026, 2, 3)), X, S, from_since=D(2026, 2, 2)))
    assert phase_as_of(history, S, D(2026, 2, 3), REGISTERED, D(2026, 2, 2)) == (
        X, D(2026, 2, 2))
