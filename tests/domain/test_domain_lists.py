"""The three lists the desk lives by (DOMAIN.md "The three lists", as of a date D).

Every expectation here is worked out by hand from DOMAIN.md; the hypothesis tests at the end
compare `compute_lists` against an oracle written directly from DOMAIN.md's sentences, and
check the "as of D" rules as metamorphic properties (stale or irrelevant visits change nothing).
"""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from frontdesk.domain.lists import (DeskLists, PatientRecord, Visit, compute_lists, due_on,
                                    due_window_end, is_not_seen_over_a_month, is_stalled,
                                    not_seen_cutoff)
from frontdesk.domain.model import Kind, Phase, Status
from frontdesk.domain.phases import PhaseChange

D = dt.date
AS_OF = D(2026, 11, 21)
SEEN = (Status.ARRIVED, Status.IN_CHAIR, Status.RECOVERY, Status.COMPLETED)
NOT_SEEN = (Status.BOOKED, Status.NO_SHOW, Status.CANCELLED)
LONG_AGO = D(2020, 1, 1)


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def visit(day: dt.date, kind: Kind = Kind.INFUSION, status: Status = Status.COMPLETED,
          at: dt.time = dt.time(9, 30)) -> Visit:
    return Visit(start=dt.datetime.combine(day, at), kind=kind, status=status)


def booked(day: dt.date, kind: Kind = Kind.INFUSION, at: dt.time = dt.time(9, 30)) -> Visit:
    return visit(day, kind, Status.BOOKED, at)


def patient(pid: str = "C-1", *, phase: Phase = Phase.STABILIZATION,
            phase_since: dt.date = AS_OF - days(3), registered_on: dt.date | None = None,
            target: int = 6, interval: int = 1, visits=(), last: str = "Doe",
            first: str = "Jane") -> PatientRecord:
    return PatientRecord(patient_id=pid, last_name=last, first_name=first, phase=phase,
                         phase_since=phase_since,
                         registered_on=registered_on if registered_on is not None else phase_since,
                         stabilization_target=target, maintenance_interval_months=interval,
                         visits=tuple(visits))


def find(entries, pid: str = "C-1"):
    found = [e for e in entries if e.patient_id == pid]
    assert len(found) <= 1
    return found[0] if found else None


def stab(p: PatientRecord, as_of: dt.date = AS_OF):
    entry = find(compute_lists([p], as_of).mid_stabilization, p.patient_id)
    assert entry is not None, "a stabilization patient is always on the mid-stabilization list"
    return entry


def due(p: PatientRecord, as_of: dt.date = AS_OF):
    return find(compute_lists([p], as_of).due_for_maintenance, p.patient_id)


def unseen(p: PatientRecord, as_of: dt.date = AS_OF):
    return find(compute_lists([p], as_of).not_seen_over_a_month, p.patient_id)


def maint(*, last_infusion: dt.date | None = None, interval: int = 1,
          phase_since: dt.date = LONG_AGO, visits=(), pid: str = "C-1") -> PatientRecord:
    vs = list(visits)
    if last_infusion is not None:
        vs.append(visit(last_infusion))
    return patient(pid, phase=Phase.MAINTENANCE, phase_since=phase_since, interval=interval,
                   registered_on=LONG_AGO, visits=vs)


# =========================================================================================
# 1. Mid-stabilization
# =========================================================================================

def test_only_stabilization_patients_are_on_mid_stabilization():
    patients = [patient(f"C-{phase}", phase=phase) for phase in Phase]
    lists = compute_lists(patients, AS_OF)
    assert [e.patient_id for e in lists.mid_stabilization] == ["C-stabilization"]


def test_stabilization_patient_without_any_visit_is_listed_with_zero_of_n():
    e = stab(patient(target=4, phase_since=AS_OF))
    assert (e.infusions_completed, e.target) == (0, 4)
    assert e.last_infusion is None and e.next_infusion is None
    assert e.name == "Doe, Jane"


def test_k_counts_completed_infusions_from_phase_since_to_as_of_inclusive():
    since = AS_OF - days(20)
    p = patient(phase_since=since, visits=[
        visit(since - days(1)),                            # before phase_since: not counted
        visit(since, at=dt.time(0, 0)),                    # on phase_since: counted
        visit(AS_OF - days(10)),                           # counted
        visit(AS_OF, at=dt.time(23, 59)),                  # on D itself: counted
        visit(AS_OF + days(1)),                            # after D: not yet, as of D
        visit(AS_OF - days(15), status=Status.NO_SHOW),
        visit(AS_OF - days(14), status=Status.CANCELLED),
        visit(AS_OF - days(13), status=Status.ARRIVED),     # seen, but not completed
        visit(AS_OF - days(12), status=Status.RECOVERY),
        visit(AS_OF - days(11), kind=Kind.CONSULT),        # completed, but not an infusion
        visit(AS_OF - days(9), kind=Kind.ASSESSMENT),
        booked(AS_OF - days(2)),                           # stale booking
    ])
    e = stab(p)
    assert e.infusions_completed == 3
    assert e.last_infusion == AS_OF


def test_k_as_of_an_earlier_date_ignores_later_completions():
    since = D(2026, 11, 1)
    p = patient(phase_since=since, visits=[visit(D(2026, 11, 2)), visit(D(2026, 11, 5)),
                                           visit(D(2026, 11, 9))])
    assert stab(p, D(2026, 11, 4)).infusions_completed == 1
    assert stab(p, D(2026, 11, 4)).last_infusion == D(2026, 11, 2)
    assert stab(p, D(2026, 11, 5)).infusions_completed == 2
    assert stab(p, D(2026, 11, 9)).infusions_completed == 3


def test_last_infusion_is_ever_even_before_phase_since():
    since = AS_OF - days(3)
    p = patient(phase_since=since, visits=[visit(D(2026, 6, 1)), visit(D(2026, 8, 14))])
    e = stab(p)
    assert e.infusions_completed == 0
    assert e.last_infusion == D(2026, 8, 14)


def test_next_infusion_is_earliest_booked_infusion_on_or_after_as_of():
    p = patient(visits=[
        booked(AS_OF - days(1)),                     # stale: counts for nothing
        booked(AS_OF + days(3)),
        booked(AS_OF, at=dt.time(8, 0)),             # on D: counts
        booked(AS_OF - days(5), kind=Kind.CONSULT),
        visit(AS_OF + days(1), status=Status.CANCELLED),
    ])
    assert stab(p).next_infusion == AS_OF


@pytest.mark.parametrize("visits", [
    [booked(AS_OF - days(1))],                                   # stale
    [booked(AS_OF + days(1), kind=Kind.CONSULT)],                # not an infusion
    [booked(AS_OF + days(1), kind=Kind.ASSESSMENT)],
    [visit(AS_OF + days(1), status=Status.CANCELLED)],           # not booked
    [visit(AS_OF + days(1), status=Status.NO_SHOW)],
    [visit(AS_OF, status=Status.COMPLETED)],
])
def test_no_next_infusion(visits):
    assert stab(patient(visits=visits)).next_infusion is None


@pytest.mark.parametrize(("since_ago", "last_ago", "expected"), [
    (7, None, False),     # phase began exactly 7 days before D: not stalled
    (8, None, True),      # 8 days: stalled
    (0, None, False),
    (-3, None, False),    # phase_since in the future
    (30, 7, False),       # last infusion since phase_since exactly 7 days ago
    (30, 8, True),
    (30, 0, False),       # infusion completed on D
    (8, 8, True),         # infusion on phase_since itself
    (7, 7, False),
])
def test_stalled_boundary(since_ago, last_ago, expected):
    visits = [] if last_ago is None else [visit(AS_OF - days(last_ago))]
    # registered long ago: a patient registered after D is on no list as of D
    p = patient(phase_since=AS_OF - days(since_ago), registered_on=LONG_AGO, visits=visits)
    assert stab(p).stalled is expected


def test_stalled_uses_later_of_phase_since_and_last_infusion_since_phase():
    # Infusions before phase_since (e.g. before a re-induction) do not make a patient
    # stalled: the reference is phase_since, 3 days ago.
    p = patient(phase_since=AS_OF - days(3), visits=[visit(AS_OF - days(60))])
    assert stab(p).stalled is False
    # ... and do not rescue one either: phase began 10 days ago, nothing since.
    p = patient(phase_since=AS_OF - days(10), visits=[visit(AS_OF - days(60))])
    assert stab(p).stalled is True


@pytest.mark.parametrize("booking", [booked(AS_OF), booked(AS_OF, at=dt.time(0, 0)),
                                     booked(AS_OF + days(1)), booked(AS_OF + days(40))])
def test_booked_infusion_on_or_after_as_of_prevents_stalled(booking):
    p = patient(phase_since=AS_OF - days(30), visits=[visit(AS_OF - days(20)), booking])
    e = stab(p)
    assert e.stalled is False
    assert e.next_infusion == booking.start.date()


@pytest.mark.parametrize("other", [
    booked(AS_OF - days(1)),                                # stale booking
    booked(AS_OF + days(1), kind=Kind.CONSULT),             # a consult is not an infusion
    booked(AS_OF + days(1), kind=Kind.ASSESSMENT),
    visit(AS_OF + days(2), status=Status.CANCELLED),
    visit(AS_OF + days(1)),                                 # completed after D: not yet
    visit(AS_OF - days(2), status=Status.NO_SHOW),
    visit(AS_OF - days(2), kind=Kind.CONSULT),              # completed consult
])
def test_these_do_not_prevent_stalled(other):
    p = patient(phase_since=AS_OF - days(30), visits=[visit(AS_OF - days(8)), other])
    assert stab(p).stalled is True


def test_re_induction_integration_back_to_stabilization():
    # Maintenance history, then integration, then symptoms return: back to stabilization
    # with a new phase_since. Old infusions show as last infusion but do not count in k.
    old = [visit(D(2026, 5, d)) for d in (4, 6, 8, 11, 13, 15)] + [visit(D(2026, 7, 2))]
    new_since = D(2026, 11, 10)
    p = patient(phase_since=new_since, visits=old)
    e = stab(p)
    assert e.infusions_completed == 0
    assert e.last_infusion == D(2026, 7, 2)
    assert e.stalled is True  # 11 days since the new phase began, nothing booked

    p = patient(phase_since=new_since, visits=old + [visit(D(2026, 11, 14)),
                                                     booked(D(2026, 11, 24))])
    e = stab(p)
    assert e.infusions_completed == 1
    assert e.last_infusion == D(2026, 11, 14)
    assert e.next_infusion == D(2026, 11, 24)
    assert e.stalled is False


def test_k_may_exceed_n_it_is_just_counted():
    since = AS_OF - days(20)
    p = patient(phase_since=since, target=3,
                visits=[visit(since + days(i)) for i in range(0, 10, 2)])
    e = stab(p)
    assert (e.infusions_completed, e.target) == (5, 3)


# =========================================================================================
# 2. Due for maintenance
# =========================================================================================

def test_only_maintenance_patients_can_be_due():
    old = [visit(D(2026, 1, 5))]
    patients = [patient(f"C-{ph}", phase=ph, phase_since=LONG_AGO, visits=old) for ph in Phase]
    lists = compute_lists(patients, AS_OF)
    assert [e.patient_id for e in lists.due_for_maintenance] == ["C-maintenance"]


@pytest.mark.parametrize(("last", "interval", "expected_due"), [
    (D(2026, 10, 21), 1, D(2026, 11, 21)),
    (D(2026, 8, 21), 3, D(2026, 11, 21)),
    (D(2025, 11, 28), 12, D(2026, 11, 28)),
    (D(2026, 3, 31), 6, D(2026, 9, 30)),     # day clamped to the month's end
])
def test_due_on_is_last_infusion_plus_interval_calendar_months(last, interval, expected_due):
    e = due(maint(last_infusion=last, interval=interval))
    assert e is not None
    assert e.due_on == expected_due
    assert e.last_infusion == last


def test_due_window_includes_d_plus_7_and_excludes_d_plus_8():
    # D + 7 = 2026-11-28.
    e = due(maint(last_infusion=D(2026, 10, 28)))
    assert e is not None and e.due_on == D(2026, 11, 28) and e.overdue is False
    assert due(maint(last_infusion=D(2026, 10, 29))) is None  # due 2026-11-29 = D + 8


@pytest.mark.parametrize(("last", "due_date", "overdue"), [
    (D(2026, 10, 20), D(2026, 11, 20), True),    # due yesterday
    (D(2026, 10, 21), D(2026, 11, 21), False),   # due today: due, not overdue
    (D(2026, 10, 22), D(2026, 11, 22), False),
    (D(2026, 6, 1), D(2026, 7, 1), True),        # long overdue
])
def test_overdue_when_due_on_before_as_of(last, due_date, overdue):
    e = due(maint(last_infusion=last))
    assert e is not None
    assert (e.due_on, e.overdue) == (due_date, overdue)


def test_interval_is_per_patient():
    last = D(2026, 10, 15)
    lists = compute_lists([maint(pid="C-1", last_infusion=last, interval=1),
                           maint(pid="C-2", last_infusion=last, interval=2),
                           maint(pid="C-3", last_infusion=D(2026, 9, 25), interval=2)],
                          AS_OF)
    assert [(e.patient_id, e.due_on) for e in lists.due_for_maintenance] == [
        ("C-1", D(2026, 11, 15)), ("C-3", D(2026, 11, 25))]


@pytest.mark.parametrize(("since", "listed", "overdue"), [
    (AS_OF - days(1), True, True),
    (AS_OF, True, False),
    (AS_OF + days(7), True, False),
    (AS_OF + days(8), False, None),
])
def test_no_completed_infusion_means_due_on_phase_since(since, listed, overdue):
    p = maint(phase_since=since)
    e = due(p)
    if not listed:
        assert e is None
        return
    assert e.due_on == since and e.last_infusion is None and e.overdue is overdue


def test_completed_infusion_after_as_of_does_not_count_for_due():
    # As of D the only completed infusion is in the future: due_on falls back to phase_since.
    p = maint(phase_since=AS_OF - days(2), visits=[visit(AS_OF + days(1))])
    e = due(p)
    assert e is not None
    assert e.last_infusion is None and e.due_on == AS_OF - days(2) and e.overdue


def test_last_infusion_for_due_is_ever_even_before_phase_since():
    # Back in maintenance since 5 days ago (e.g. from integration); last infusion 40 days ago.
    p = maint(phase_since=AS_OF - days(5), last_infusion=AS_OF - days(40))
    e = due(p)
    assert e is not None
    assert e.last_infusion == AS_OF - days(40)
    assert e.due_on == (AS_OF - days(40)) + relativedelta(months=1)
    assert e.overdue is True


def test_only_completed_infusions_set_the_last_infusion():
    p = maint(last_infusion=D(2026, 9, 1), visits=[
        visit(D(2026, 11, 1), kind=Kind.CONSULT),
        visit(D(2026, 11, 2), kind=Kind.ASSESSMENT),
        visit(D(2026, 11, 3), status=Status.NO_SHOW),
        visit(D(2026, 11, 4), status=Status.CANCELLED),
        booked(D(2026, 11, 5)),  # stale
    ])
    e = due(p)
    assert e is not None
    assert e.last_infusion == D(2026, 9, 1) and e.due_on == D(2026, 10, 1)


@pytest.mark.parametrize("booking", [booked(AS_OF), booked(AS_OF, at=dt.time(0, 0)),
                                     booked(AS_OF + days(1)), booked(AS_OF + days(90))])
def test_booked_infusion_on_or_after_as_of_removes_from_due_list(booking):
    assert due(maint(last_infusion=D(2026, 9, 1), visits=[booking])) is None


@pytest.mark.parametrize("other", [
    booked(AS_OF - days(1)),                         # stale
    booked(AS_OF, kind=Kind.CONSULT),
    booked(AS_OF + days(1), kind=Kind.ASSESSMENT),
    visit(AS_OF + days(1), status=Status.CANCELLED),
    visit(AS_OF + days(1), status=Status.NO_SHOW),
])
def test_these_do_not_remove_from_due_list(other):
    e = due(maint(last_infusion=D(2026, 9, 1), visits=[other]))
    assert e is not None and e.overdue


@pytest.mark.parametrize(("last", "interval", "due_date"), [
    (D(2026, 1, 31), 1, D(2026, 2, 28)),   # Jan 31 + 1 month
    (D(2028, 1, 31), 1, D(2028, 2, 29)),   # ... in a leap year
    (D(2028, 2, 29), 12, D(2029, 2, 28)),
    (D(2027, 11, 30), 3, D(2028, 2, 29)),
    (D(2026, 3, 31), 1, D(2026, 4, 30)),
])
def test_month_end_and_leap_day_due_dates(last, interval, due_date):
    p = maint(last_infusion=last, interval=interval)
    # listed exactly from due_on - 7 days on
    assert due(p, due_date - days(8)) is None
    e = due(p, due_date - days(7))
    assert e is not None and e.due_on == due_date and not e.overdue
    e = due(p, due_date)
    assert e is not None and e.due_on == due_date and not e.overdue
    e = due(p, due_date + days(1))
    assert e is not None and e.due_on == due_date and e.overdue


def test_jan_31_due_list_on_the_feb_dates():
    p = maint(last_infusion=D(2026, 1, 31))
    assert due(p, D(2026, 2, 20)) is None
    assert due(p, D(2026, 2, 21)).due_on == D(2026, 2, 28)
    assert due(p, D(2026, 2, 28)).overdue is False
    assert due(p, D(2026, 3, 1)).overdue is True


# =========================================================================================
# 3. Not seen in over a month
# =========================================================================================

def seen_on(day: dt.date, *, phase: Phase = Phase.MAINTENANCE, pid: str = "C-1",
            kind: Kind = Kind.INFUSION, status: Status = Status.COMPLETED, visits=()):
    return patient(pid, phase=phase, phase_since=LONG_AGO, registered_on=LONG_AGO,
                   visits=[visit(day, kind, status), *visits])


def test_domain_md_example_seen_oct_21_vs_oct_20():
    assert unseen(seen_on(D(2026, 10, 21)), D(2026, 11, 21)) is None
    e = unseen(seen_on(D(2026, 10, 20)), D(2026, 11, 21))
    assert e is not None and e.last_seen == D(2026, 10, 20)


@pytest.mark.parametrize(("as_of", "cutoff"), [
    (D(2026, 11, 21), D(2026, 10, 21)),
    (D(2026, 3, 31), D(2026, 2, 28)),
    (D(2026, 3, 30), D(2026, 2, 28)),
    (D(2026, 3, 29), D(2026, 2, 28)),
    (D(2026, 3, 28), D(2026, 2, 28)),
    (D(2028, 3, 31), D(2028, 2, 29)),
    (D(2028, 3, 30), D(2028, 2, 29)),
    (D(2028, 3, 29), D(2028, 2, 29)),
    (D(2028, 2, 29), D(2028, 1, 29)),
    (D(2026, 1, 1), D(2025, 12, 1)),
    (D(2026, 5, 31), D(2026, 4, 30)),
])
def test_not_seen_cutoff_month_ends(as_of, cutoff):
    assert not_seen_cutoff(as_of) == cutoff
    # seen on the cutoff day: not over a month; the day before: over a month
    assert unseen(seen_on(cutoff), as_of) is None
    e = unseen(seen_on(cutoff - days(1)), as_of)
    assert e is not None and e.last_seen == cutoff - days(1)


def test_never_seen_counts_from_registration():
    def reg(day):
        return patient(phase=Phase.INTAKE, phase_since=day, registered_on=day)
    e = unseen(reg(D(2026, 10, 20)), D(2026, 11, 21))
    assert e is not None and e.last_seen is None and e.phase == Phase.INTAKE
    assert unseen(reg(D(2026, 10, 21)), D(2026, 11, 21)) is None  # exactly on the cutoff
    assert unseen(reg(D(2026, 11, 21)), D(2026, 11, 21)) is None
    assert unseen(reg(D(2026, 12, 1)), D(2026, 11, 21)) is None   # registered after D


def test_never_seen_uses_registered_on_not_phase_since():
    p = patient(phase=Phase.INTAKE, phase_since=D(2026, 11, 15), registered_on=D(2026, 9, 1))
    e = unseen(p)
    assert e is not None and e.last_seen is None
    p = patient(phase=Phase.INTAKE, phase_since=D(2026, 9, 1), registered_on=D(2026, 11, 15))
    assert unseen(p) is None


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("status", list(Status))
def test_seen_means_any_kind_with_a_seen_status(kind, status):
    # registered long ago; one visit 5 days before D
    p = seen_on(AS_OF - days(5), kind=kind, status=status)
    e = unseen(p)
    if status in SEEN:
        assert e is None
    else:
        assert e is not None and e.last_seen is None


def test_seen_after_as_of_does_not_count():
    p = seen_on(AS_OF + days(1), visits=[visit(D(2026, 9, 1), Kind.CONSULT, Status.ARRIVED)])
    e = unseen(p)
    assert e is not None and e.last_seen == D(2026, 9, 1)
    # the same patient, as of the later day, was seen
    assert unseen(p, AS_OF + days(1)) is None


def test_seen_on_as_of_itself_counts():
    assert unseen(seen_on(AS_OF, status=Status.ARRIVED)) is None
    assert unseen(seen_on(AS_OF, kind=Kind.ASSESSMENT, status=Status.IN_CHAIR)) is None


def test_last_seen_is_the_latest_seen_day_on_or_before_as_of():
    p = seen_on(D(2026, 8, 1), visits=[
        visit(D(2026, 9, 30), Kind.ASSESSMENT, Status.COMPLETED),
        visit(D(2026, 9, 2), Kind.CONSULT, Status.ARRIVED),
        visit(D(2026, 10, 25), Kind.INFUSION, Status.NO_SHOW),
        visit(D(2026, 10, 26), Kind.CONSULT, Status.CANCELLED),
        booked(D(2026, 10, 27)),
    ])
    e = unseen(p)
    assert e is not None and e.last_seen == D(2026, 9, 30)


@pytest.mark.parametrize("phase", [Phase.INTAKE, Phase.STABILIZATION, Phase.MAINTENANCE,
                                   Phase.INTEGRATION])
def test_every_active_phase_can_be_not_seen(phase):
    e = unseen(seen_on(D(2026, 1, 1), phase=phase))
    assert e is not None and e.phase == phase


def test_discharged_is_never_listed_anywhere():
    never = patient(phase=Phase.DISCHARGED, phase_since=LONG_AGO, registered_on=LONG_AGO)
    old = seen_on(D(2025, 1, 1), phase=Phase.DISCHARGED, pid="C-2")
    for as_of in (AS_OF, D(2028, 2, 29), D(2030, 1, 1)):
        lists = compute_lists([never, old], as_of)
        assert lists.mid_stabilization == ()
        assert lists.due_for_maintenance == ()
        assert lists.not_seen_over_a_month == ()


def test_next_booked_is_any_kind_booked_on_or_after_as_of():
    p = seen_on(D(2026, 9, 1), visits=[
        booked(AS_OF - days(1), Kind.CONSULT),                  # stale
        visit(AS_OF + days(1), Kind.INFUSION, Status.CANCELLED),
        booked(AS_OF + days(5), Kind.INFUSION),
        booked(AS_OF + days(2), Kind.ASSESSMENT),
    ])
    e = unseen(p)
    assert e is not None and e.next_booked == AS_OF + days(2)


@pytest.mark.parametrize("kind", list(Kind))
def test_next_booked_on_as_of_itself(kind):
    e = unseen(seen_on(D(2026, 9, 1), visits=[booked(AS_OF, kind, at=dt.time(17, 0))]))
    assert e is not None and e.next_booked == AS_OF


def test_no_next_booked_when_only_stale_or_not_booked():
    e = unseen(seen_on(D(2026, 9, 1), visits=[
        booked(AS_OF - days(1)), visit(AS_OF + days(3), status=Status.CANCELLED),
        visit(AS_OF + days(3), status=Status.NO_SHOW)]))
    assert e is not None and e.next_booked is None


def test_stale_bookings_do_not_make_a_patient_seen():
    p = seen_on(D(2026, 9, 1), visits=[booked(AS_OF - days(3))])
    e = unseen(p)
    assert e is not None and e.last_seen == D(2026, 9, 1) and e.next_booked is None


# =========================================================================================
# The scalar rules shared with the SQL implementation
# =========================================================================================

def test_due_window_end_is_d_plus_7():
    assert due_window_end(D(2026, 11, 21)) == D(2026, 11, 28)
    assert due_window_end(D(2026, 12, 28)) == D(2027, 1, 4)
    assert due_window_end(D(2028, 2, 22)) == D(2028, 2, 29)


def test_scalar_due_on():
    assert due_on(last_infusion=None, interval_months=3, phase_since=D(2026, 5, 5)) == D(2026, 5, 5)
    assert due_on(last_infusion=D(2026, 1, 31), interval_months=1,
                  phase_since=D(2020, 1, 1)) == D(2026, 2, 28)
    assert due_on(last_infusion=D(2026, 2, 10), interval_months=12,
                  phase_since=D(2020, 1, 1)) == D(2027, 2, 10)


def test_scalar_is_stalled():
    kw = dict(phase_since=D(2026, 11, 1), as_of=D(2026, 11, 21))
    assert is_stalled(last_completed_since_phase=None, has_booked_infusion=False, **kw)
    assert not is_stalled(last_completed_since_phase=None, has_booked_infusion=True, **kw)
    assert not is_stalled(last_completed_since_phase=D(2026, 11, 14),
                          has_booked_infusion=False, **kw)
    assert is_stalled(last_completed_since_phase=D(2026, 11, 13),
                      has_booked_infusion=False, **kw)


def test_scalar_is_not_seen_over_a_month():
    as_of = D(2026, 11, 21)
    assert is_not_seen_over_a_month(last_seen=D(2026, 10, 20), registered_on=LONG_AGO,
                                    as_of=as_of)
    assert not is_not_seen_over_a_month(last_seen=D(2026, 10, 21), registered_on=LONG_AGO,
                                        as_of=as_of)
    # a seen day wins over registration
    assert not is_not_seen_over_a_month(last_seen=D(2026, 11, 1), registered_on=LONG_AGO,
                                        as_of=as_of)
    assert is_not_seen_over_a_month(last_seen=None, registered_on=D(2026, 10, 20), as_of=as_of)
    assert not is_not_seen_over_a_month(last_seen=None, registered_on=D(2026, 10, 21),
                                        as_of=as_of)


# =========================================================================================
# Ordering (INTERFACES.md)
# =========================================================================================

def test_mid_stabilization_ordered_by_name_then_patient_id():
    ps = [patient("C-3", last="Adams", first="Bob"),
          patient("C-1", last="Zimmer", first="Amy"),
          patient("C-2", last="Adams", first="Bob"),
          patient("C-4", last="Adams", first="Ann"),
          patient("C-0", last="Moreau", first="Luc")]
    lists = compute_lists(ps, AS_OF)
    assert [(e.name, e.patient_id) for e in lists.mid_stabilization] == [
        ("Adams, Ann", "C-4"), ("Adams, Bob", "C-2"), ("Adams, Bob", "C-3"),
        ("Moreau, Luc", "C-0"), ("Zimmer, Amy", "C-1")]


def test_due_ordered_by_due_on_then_patient_id():
    ps = [maint(pid="C-9", last_infusion=D(2026, 10, 1)),
          maint(pid="C-5", last_infusion=D(2026, 10, 25)),
          maint(pid="C-2", last_infusion=D(2026, 10, 1)),
          maint(pid="C-7", phase_since=D(2026, 9, 15)),   # no infusion: due on phase_since
          maint(pid="C-1", last_infusion=D(2026, 8, 25), interval=2)]
    lists = compute_lists(ps, AS_OF)
    assert [(e.patient_id, e.due_on) for e in lists.due_for_maintenance] == [
        ("C-7", D(2026, 9, 15)), ("C-1", D(2026, 10, 25)), ("C-2", D(2026, 11, 1)),
        ("C-9", D(2026, 11, 1)), ("C-5", D(2026, 11, 25))]


def test_not_seen_ordered_never_seen_first_then_last_seen_then_patient_id():
    ps = [seen_on(D(2026, 9, 1), pid="C-5"),
          patient("C-8", phase=Phase.INTAKE, phase_since=D(2026, 1, 1)),
          seen_on(D(2026, 3, 1), pid="C-9"),
          seen_on(D(2026, 9, 1), pid="C-3"),
          patient("C-2", phase=Phase.INTAKE, phase_since=D(2026, 6, 1)),
          seen_on(D(2026, 10, 20), pid="C-1")]
    lists = compute_lists(ps, AS_OF)
    assert [(e.patient_id, e.last_seen) for e in lists.not_seen_over_a_month] == [
        ("C-2", None), ("C-8", None), ("C-9", D(2026, 3, 1)), ("C-3", D(2026, 9, 1)),
        ("C-5", D(2026, 9, 1)), ("C-1", D(2026, 10, 20))]


def test_empty_clinic():
    assert compute_lists([], AS_OF) == DeskLists(as_of=AS_OF)


def test_one_patient_can_be_on_all_three_lists_but_not_stab_and_due():
    # a maintenance patient overdue and not seen; a stabilization patient stalled and unseen
    m = maint(pid="C-1", last_infusion=D(2026, 9, 1))
    s = patient("C-2", phase_since=D(2026, 9, 1), registered_on=D(2026, 8, 1),
                visits=[visit(D(2026, 9, 2))])
    lists = compute_lists([m, s], AS_OF)
    assert [e.patient_id for e in lists.mid_stabilization] == ["C-2"]
    assert [e.patient_id for e in lists.due_for_maintenance] == ["C-1"]
    assert [e.patient_id for e in lists.not_seen_over_a_month] == ["C-1", "C-2"]
    assert lists.mid_stabilization[0].stalled


# =========================================================================================
# Properties: an oracle written from DOMAIN.md, and the "as of D" rules
# =========================================================================================

def oracle_phase(p: PatientRecord, as_of: dt.date) -> tuple[Phase, dt.date] | None:
    """DOMAIN.md: the phase in force at the end of D by the history, walked from the start
    (for D = today, i.e. nothing changed after D, the stored phase); where the history does
    not reach back to D, the earliest phase it knows; registered after D: not counted."""
    if p.registered_on > as_of:
        return None
    history = sorted(p.history, key=lambda c: c.at)
    if all(c.at.date() <= as_of for c in history):
        return p.phase, p.phase_since
    first = history[0]
    phase = first.from_phase or first.to_phase
    since = first.at.date() if first.from_phase is None else p.registered_on
    for c in history:
        if c.at.date() > as_of:
            break
        phase, since = c.to_phase, c.at.date()
    return phase, since


def oracle(patients: list[PatientRecord], as_of: dt.date):
    """DOMAIN.md's three lists, sentence by sentence, as plain tuples in INTERFACES order."""
    stab_rows, due_rows, unseen_rows = [], [], []
    window_end = as_of + dt.timedelta(days=7)
    month_ago = as_of - relativedelta(months=1)
    for stored in patients:
        standing = oracle_phase(stored, as_of)
        if standing is None:  # registered after D
            continue
        p = PatientRecord(**{**stored.__dict__, "phase": standing[0],
                             "phase_since": standing[1]})
        completed_infusions, booked_infusions, booked_any, seen_days = [], [], [], []
        for v in p.visits:
            day = v.start.date()
            if day <= as_of:   # seen and completed visits count when on or before D
                if v.kind == Kind.INFUSION and v.status == Status.COMPLETED:
                    completed_infusions.append(day)
                if v.status in SEEN:
                    seen_days.append(day)
            if day >= as_of and v.status == Status.BOOKED:  # booked ones: on or after D
                booked_any.append(day)
                if v.kind == Kind.INFUSION:
                    booked_infusions.append(day)
        last_ever = max(completed_infusions, default=None)
        name = f"{p.last_name}, {p.first_name}"

        if p.phase == Phase.STABILIZATION:
            since_phase = [d for d in completed_infusions if d >= p.phase_since]
            reference = max([p.phase_since, *since_phase])
            stalled = not booked_infusions and (as_of - reference).days > 7
            stab_rows.append((name, p.patient_id, len(since_phase), p.stabilization_target,
                              last_ever, min(booked_infusions, default=None), stalled))

        if p.phase == Phase.MAINTENANCE and not booked_infusions:
            if last_ever is None:
                when = p.phase_since
            else:
                when = last_ever + relativedelta(months=p.maintenance_interval_months)
            if when <= window_end:
                due_rows.append((when, p.patient_id, last_ever, when < as_of))

        if p.phase != Phase.DISCHARGED:
            last_seen = max(seen_days, default=None)
            if (last_seen if last_seen is not None else p.registered_on) < month_ago:
                unseen_rows.append((last_seen is not None, last_seen or dt.date.min,
                                    p.patient_id, p.phase, last_seen,
                                    min(booked_any, default=None)))
    stab_rows.sort()
    due_rows.sort()
    unseen_rows.sort()
    return (stab_rows,
            [(pid, last, when, overdue) for when, pid, last, overdue in due_rows],
            [(pid, phase, ls, nb) for _, _, pid, phase, ls, nb in unseen_rows])


def as_tuples(lists: DeskLists):
    return ([(e.name, e.patient_id, e.infusions_completed, e.target, e.last_infusion,
              e.next_infusion, e.stalled) for e in lists.mid_stabilization],
            [(e.patient_id, e.last_infusion, e.due_on, e.overdue)
             for e in lists.due_for_maintenance],
            [(e.patient_id, e.phase, e.last_seen, e.next_booked)
             for e in lists.not_seen_over_a_month])


MONTH_END_AS_OF = [D(2026, 11, 21), D(2026, 3, 31), D(2026, 3, 29), D(2026, 2, 28),
                   D(2026, 2, 21), D(2028, 2, 29), D(2028, 3, 30), D(2028, 3, 31),
                   D(2028, 2, 22), D(2026, 12, 31), D(2027, 1, 1), D(2029, 2, 28)]
as_of_dates = st.one_of(st.sampled_from(MONTH_END_AS_OF),
                        st.dates(min_value=D(2025, 1, 1), max_value=D(2030, 12, 31)))
# offsets in days from D, weighted towards the boundaries the rules care about
offsets = st.one_of(st.integers(min_value=-130, max_value=40),
                    st.sampled_from([-31, -30, -29, -8, -7, -1, 0, 1, 7, 8]))
near = st.sampled_from([-1, 0, 0, 1])
times = st.sampled_from([dt.time(0, 0), dt.time(8, 0), dt.time(13, 45), dt.time(23, 59)])
NAMES = [("Doe", "Jane"), ("Doe", "John"), ("Núñez", "Ana"), ("O'Brien", "Pat"),
         ("Adams", "Zoe")]
# weighted so the phases with rules, and completed and booked infusions, are common
phases = st.sampled_from([Phase.STABILIZATION] * 3 + [Phase.MAINTENANCE] * 3 + list(Phase))
kinds = st.sampled_from([Kind.INFUSION] * 4 + [Kind.CONSULT, Kind.ASSESSMENT])
statuses = st.sampled_from([Status.COMPLETED] * 5 + [Status.BOOKED] * 3 + list(Status))


@st.composite
def clinics(draw):
    """A clinic as of D whose dates cluster on the lists' boundaries."""
    as_of = draw(as_of_dates)
    patients = []
    for i in range(draw(st.integers(min_value=0, max_value=6))):
        last, first = draw(st.sampled_from(NAMES))
        interval = draw(st.sampled_from([1, 1, 1, 2, 3, 6, 12]))
        month_ago = as_of - relativedelta(months=1)
        phase_since = draw(st.one_of(
            st.builds(lambda o: as_of + days(o), offsets),
            st.builds(lambda o: month_ago + days(o), near)))
        registered_on = draw(st.one_of(
            st.builds(lambda o: phase_since - days(o), st.integers(min_value=0, max_value=200)),
            st.builds(lambda o: month_ago + days(o), near)))
        # the dates where a visit decides something: stalled, due window, due today, cutoff
        anchors = [as_of, as_of - days(7), phase_since, month_ago,
                   as_of - relativedelta(months=interval),
                   as_of + days(7) - relativedelta(months=interval)]
        day = st.one_of(st.builds(lambda o: as_of + days(o), offsets),
                        st.builds(lambda a, o: a + days(o), st.sampled_from(anchors), near))
        visits = draw(st.lists(st.builds(visit, day, kinds, statuses, times),
                               min_size=draw(st.sampled_from([0, 1, 3, 5])), max_size=10))
        phase = draw(phases)
        history = draw(phase_histories(as_of, registered_on))
        if history:  # the stored columns are where the history ends
            phase, phase_since = history[-1].to_phase, history[-1].at.date()
        patients.append(PatientRecord(
            patient_id=f"C-{draw(st.integers(0, 99)):02d}-{i}",
            last_name=last, first_name=first, phase=phase,
            phase_since=phase_since, registered_on=registered_on,
            stabilization_target=draw(st.integers(min_value=3, max_value=8)),
            maintenance_interval_months=interval, visits=tuple(visits), history=history))
    return as_of, patients


@st.composite
def phase_histories(draw, as_of: dt.date, registered_on: dt.date):
    """A phase history as the clinic writes one: each change from the phase the one before
    moved to, on the same day or later; the first from nothing on the day the patient was
    registered or imported, or from a phase (a history that does not reach back); the desk
    records the phase_since a change ends (from_since), the demo and imports do not."""
    n = draw(st.sampled_from([0, 0, 1, 2, 3, 4]))
    if n == 0:
        return ()
    from_nothing = draw(st.booleans())
    day = registered_on if from_nothing else as_of + days(draw(offsets))
    phase, since = (None if from_nothing else draw(phases)), registered_on
    changes: list[PhaseChange] = []
    for _ in range(n):
        to = draw(phases)
        at = dt.datetime.combine(day, draw(times))
        if changes and at < changes[-1].at:  # the clinic writes its history in time order
            at = changes[-1].at
        recorded = since if phase is not None and draw(st.booleans()) else None
        changes.append(PhaseChange(at=at, from_phase=phase, to_phase=to, from_since=recorded))
        phase, since = to, day
        day = day + days(draw(st.sampled_from([0, 1, 1, 3, 7, 8, 30])))
    return tuple(changes)


@settings(max_examples=200, deadline=None)
@given(clinics())
def test_compute_lists_agrees_with_domain_oracle(clinic):
    as_of, patients = clinic
    lists = compute_lists(patients, as_of)
    assert lists.as_of == as_of
    assert as_tuples(lists) == oracle(patients, as_of)


@settings(max_examples=60, deadline=None)
@given(clinics())
def test_entry_invariants(clinic):
    as_of, patients = clinic
    lists = compute_lists(patients, as_of)
    # each patient with its phase and phase_since as of D (None: registered after D)
    standing = {p.patient_id: oracle_phase(p, as_of) for p in patients}
    by_id = {p.patient_id: PatientRecord(**{**p.__dict__, "phase": standing[p.patient_id][0],
                                            "phase_since": standing[p.patient_id][1]})
             for p in patients if standing[p.patient_id] is not None}
    for e in lists.mid_stabilization:
        p = by_id[e.patient_id]
        assert p.phase == Phase.STABILIZATION
        assert e.target == p.stabilization_target
        assert 0 <= e.infusions_completed
        assert e.last_infusion is None or e.last_infusion <= as_of
        assert e.next_infusion is None or e.next_infusion >= as_of
        if e.next_infusion is not None:
            assert not e.stalled
        if e.infusions_completed:
            assert e.last_infusion is not None and e.last_infusion >= p.phase_since
    assert len(lists.mid_stabilization) == sum(p.phase == Phase.STABILIZATION
                                               for p in by_id.values())
    for e in lists.due_for_maintenance:
        p = by_id[e.patient_id]
        assert p.phase == Phase.MAINTENANCE
        assert e.due_on <= as_of + days(7)
        assert e.overdue == (e.due_on < as_of)
        assert e.last_infusion is None or e.last_infusion <= as_of
        assert e.due_on == (p.phase_since if e.last_infusion is None else
                            e.last_infusion + relativedelta(months=p.maintenance_interval_months))
    for e in lists.not_seen_over_a_month:
        p = by_id[e.patient_id]
        assert p.phase != Phase.DISCHARGED and e.phase == p.phase
        assert (e.last_seen or p.registered_on) < as_of - relativedelta(months=1)
        assert e.next_booked is None or e.next_booked >= as_of
    # each patient at most once per list
    for entries in (lists.mid_stabilization, lists.due_for_maintenance,
                    lists.not_seen_over_a_month):
        ids = [e.patient_id for e in entries]
        assert len(ids) == len(set(ids))


@settings(max_examples=50, deadline=None)
@given(clinics(), st.randoms(use_true_random=False))
def test_order_of_input_does_not_matter(clinic, rnd):
    as_of, patients = clinic
    shuffled = []
    for p in patients:
        vs = list(p.visits)
        rnd.shuffle(vs)
        shuffled.append(PatientRecord(**{**p.__dict__, "visits": tuple(vs)}))
    rnd.shuffle(shuffled)
    assert compute_lists(shuffled, as_of) == compute_lists(patients, as_of)


@st.composite
def irrelevant_visits(draw, as_of: dt.date):
    """Visits that, as of D, count for nothing on any list."""
    choice = draw(st.sampled_from(["stale", "future-seen", "noshow-cancel"]))
    kind = draw(st.sampled_from(list(Kind)))
    at = draw(times)
    if choice == "stale":                       # a booked appointment before D
        return visit(as_of - days(draw(st.integers(1, 200))), kind, Status.BOOKED, at)
    if choice == "future-seen":                 # seen/completed after D: not yet
        return visit(as_of + days(draw(st.integers(1, 200))), kind,
                     draw(st.sampled_from(SEEN)), at)
    return visit(as_of + days(draw(st.integers(-200, 200))), kind,
                 draw(st.sampled_from([Status.NO_SHOW, Status.CANCELLED])), at)


@settings(max_examples=100, deadline=None)
@given(clinics(), st.data())
def test_stale_future_and_missed_visits_change_nothing(clinic, data):
    as_of, patients = clinic
    before = compute_lists(patients, as_of)
    noisy = []
    for p in patients:
        extra = data.draw(st.lists(irrelevant_visits(as_of), max_size=4))
        noisy.append(PatientRecord(**{**p.__dict__, "visits": p.visits + tuple(extra)}))
    assert compute_lists(noisy, as_of) == before


@settings(max_examples=40, deadline=None)
@given(clinics(), st.data())
def test_time_of_day_does_not_matter(clinic, data):
    as_of, patients = clinic
    moved = []
    for p in patients:
        vs = tuple(Visit(dt.datetime.combine(v.start.date(), data.draw(times)), v.kind, v.status)
                   for v in p.visits)
        moved.append(PatientRecord(**{**p.__dict__, "visits": vs}))
    assert compute_lists(moved, as_of) == compute_lists(patients, as_of)
