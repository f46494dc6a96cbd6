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
