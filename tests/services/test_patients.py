"""The desk's patient list and detail (services.patients) on real databases.

The pager must give the same rows whichever way it is walked (keyset forwards and backwards,
OFFSET jumps), in the order the lists define; the filters' counts and the rows' badges must
agree with `frontdesk lists` (services.lists); search must find a patient by every key a
receptionist may type; the detail pane and notes editing must show and keep what is stored.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.db import models as m
from frontdesk.db.bulk import insert_rows
from frontdesk.db import search_index
from frontdesk.db.connection import write_transaction
from frontdesk.domain.errors import Conflict, NotFound, ValidationError
from frontdesk.domain.lists import PatientRecord, compute_lists
from frontdesk.domain.model import Kind, Phase, Status
from frontdesk.domain.search import chart_fold, chart_value, parse_search
from frontdesk.domain.validation import name_key
from frontdesk.services import patients as svc
from frontdesk.services.demo import generate_demo
from frontdesk.services.importer import import_csv
from frontdesk.services.lists import desk_lists
from frontdesk.services.patients import (NOTES_MAX_CHARS, Filter, ListPager, ListQuery,
                                         filter_counts, index_of, ordered_ids, patient_detail,
                                         rows_after, rows_at, rows_before, rows_for_ids,
                                         save_notes, walks_names)

from chair_support import free_chair_id, holds_chair
from test_lists_agree import clinics

D = dt.date
TODAY = D(2026, 11, 21)               # a Saturday: the clinic is closed
FRIDAY, MONDAY = D(2026, 11, 20), D(2026, 11, 23)
DEMO_DATES = [TODAY, FRIDAY, MONDAY, D(2026, 11, 26), D(2026, 10, 22), D(2026, 8, 31)]
NOW = dt.datetime(2026, 1, 1, 12, 0)
ALL_ROWS = 10**6
FIXTURES = Path(__file__).parent.parent / "fixtures"


def examples(n: int):
    return settings(max_examples=n, deadline=None, suppress_health_check=[
        HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


# --- building clinics ------------------------------------------------------------------------

def add_patient(chart: str, first: str, last: str, *, dob: dt.date = D(1980, 1, 1),
                phone: str = "+16502539999", email: str | None = None,
                phase: Phase = Phase.INTAKE, phase_since: dt.date = D(2026, 1, 1),
                registered_on: dt.date = D(2026, 1, 1), target: int = 6, interval: int = 1,
                visits=(), history=()) -> int:
    """One patient, their phase history (domain.phases.PhaseChange) and their appointments,
    written directly. A visit is
    (start, kind, status) or (start, kind, status, chair name or None); without a chair
    named, an infusion takes Chair 1 or, when that is taken then, the first free chair."""
    with write_transaction():
        staff = m.Staff.get_or_create(username="test", defaults={"created_at": NOW})[0].id
        chairs = dict(m.Chair.select(m.Chair.name, m.Chair.id).tuples())
        insert_rows(m.Patient, ["chart_number", "first_name", "last_name", "search_key",
                                "date_of_birth", "phone", "email", "phase", "phase_since",
                                "stabilization_target", "maintenance_interval_months",
                                "registered_on", "created_at", "updated_at"],
                    [(chart, first, last, name_key(first, last), dob, phone, email, phase.value,
                      phase_since, target, interval, registered_on, NOW, NOW)])
        pid = m.Patient.get(m.Patient.chart_number == chart).id
        insert_rows(m.PhaseChange, ["patient", "at", "staff", "from_phase", "to_phase",
                                    "reason", "from_since"],
                    [(pid, c.at, staff, c.from_phase and c.from_phase.value, c.to_phase.value,
                      "", c.from_since) for c in history])
        for visit in visits:  # one at a time: each free chair is chosen after the last
            start, kind, status, chair = (*visit, "Chair 1")[:4]
            end = start + dt.timedelta(minutes=90)
            chair_id = chairs[chair] if chair else None
            if len(visit) == 3 and holds_chair(kind, status):
                chair_id = free_chair_id(start, end, preferred=chair)
            insert_rows(m.Appointment, ["patient", "kind", "start", "duration_minutes",
                                        "ends_at", "chair", "status", "status_at", "status_by",
                                        "booked_at", "booked_by"],
                        [(pid, kind.value, start, 90, end, chair_id, status.value, NOW, staff,
                          NOW, staff)])
    return pid


def store_records(patients: list[PatientRecord]) -> None:
    """A random clinic of test_lists_agree, with real name keys, birth dates and phones."""
    with write_transaction():  # one commit: the patients' own transactions nest in it
        m.Appointment.delete().execute()
        m.PhaseChange.delete().execute()
        m.Patient.delete().execute()
        for n, p in enumerate(patients):
            add_patient(p.patient_id, p.first_name, p.last_name, dob=D(1950 + n, 1 + n % 12, 1),
                        phone=f"+1650253{n:04d}", phase=p.phase, phase_since=p.phase_since,
                        registered_on=p.registered_on, target=p.stabilization_target,
                        interval=p.maintenance_interval_months,
                        visits=[(v.start, v.kind, v.status, None) for v in p.visits],
                        history=p.history)


# The patients every search test looks for, added to a demo clinic.
KNOWN = dict(
    nunez=dict(chart="C-1001", first="José", last="Núñez", dob=D(1984, 3, 7),
               phone="+16502530000", email="jose@example.com", phase=Phase.STABILIZATION,
               phase_since=D(2026, 11, 10), target=6,
               visits=[(dt.datetime(2026, 11, 10, 9), Kind.INFUSION, Status.COMPLETED),
                       (dt.datetime(2026, 11, 12, 9), Kind.INFUSION, Status.COMPLETED),
                       (dt.datetime(2026, 11, 23, 9), Kind.INFUSION, Status.BOOKED)]),
    obrien=dict(chart="C-1002", first="Siobhán", last="O'Brien", dob=D(1970, 1, 31),
                phone="+16502530001", phase=Phase.MAINTENANCE, phase_since=D(2026, 6, 1),
                visits=[(dt.datetime(2026, 10, 10, 10, 30), Kind.INFUSION, Status.COMPLETED)]),
    nunez_lopez=dict(chart="C-1003", first="Ana", last="Nunez-Lopez", dob=D(1984, 3, 8),
                     phone="+16502530002", phase=Phase.DISCHARGED, phase_since=D(2025, 3, 1),
                     registered_on=D(2025, 1, 1)),
    muller=dict(chart="C-1004", first="Łukasz", last="Müller", dob=D(1962, 2, 28),
                phone="+16502530003", phase=Phase.INTAKE, phase_since=D(2026, 9, 1),
                registered_on=D(2026, 9, 1)),  # never seen
)


def fill_demo(patients: int, seed: int) -> dict[str, int]:
    """A demo clinic plus the KNOWN patients: name -> id."""
    generate_demo(patients=patients, seed=seed, today=TODAY)
    return {name: add_patient(**p) for name, p in KNOWN.items()}


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    """Built once per module: a 300-patient demo clinic plus the KNOWN patients."""
    from frontdesk import clock
    from frontdesk.services.clinic import close_clinic, open_clinic
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    clock.set_today(TODAY)
    try:
        open_clinic(str(path))
        ids = fill_demo(300, 11)
    finally:
        close_clinic()
        clock.set_today(None)
    return path, ids


@pytest.fixture
def demo(demo_file, tmp_path) -> dict[str, int]:
    """A fresh copy of the demo clinic, open: name -> id of the KNOWN patients."""
    import shutil
    from frontdesk.services.clinic import close_clinic, open_clinic
    path, ids = demo_file
    shutil.copyfile(path, tmp_path / "clinic.db")
    open_clinic(str(tmp_path / "clinic.db"))
    yield ids
    close_clinic()


def everyone() -> list[dict]:
    return list(m.Patient.select().dicts())


def in_name_order(patients) -> list[int]:
    return [p["id"] for p in sorted(patients, key=lambda p: (name_key(p["first_name"],
                                                                      p["last_name"]), p["id"]))]


def day_patients(day: dt.date) -> set[int]:
    """Patients with an appointment that is still on (not cancelled) on the day."""
    A = m.Appointment
    return {pid for pid, start, status in A.select(A.patient, A.start, A.status).tuples()
            if start.date() == day and status != Status.CANCELLED.value}


# --- the reference for every list's rows ----------------------------------------------------

def straight(q: ListQuery):
    """The whole list in one read: the listing every way of paging must reproduce."""
    if q.by_name:
        return rows_at(q, 0, ALL_ROWS)
    return rows_for_ids(ordered_ids(q), q.as_of)


def demo_queries(as_of: dt.date) -> list[ListQuery]:
    searches = ["a", "son", "nunez", "2", "C-00", "0000", "n", "jo", "jose n", "C-0", "17"]
    return ([ListQuery(as_of, f) for f in Filter]
            + [ListQuery(as_of, Filter.ALL, parse_search(s, "US", TODAY)) for s in searches]
            + [ListQuery(as_of, Filter.NOT_SEEN, parse_search("e", "US", TODAY))])


# --- filter counts ----------------------------------------------------------------------------

def check_counts(as_of: dt.date) -> dict[Filter, int]:
    counts = filter_counts(as_of)
    lists = desk_lists(as_of)
    assert set(counts) == set(Filter)
    assert counts[Filter.ALL] == m.Patient.select().count()
    assert counts[Filter.MID_STABILIZATION] == len(lists.mid_stabilization)
    assert counts[Filter.DUE_FOR_MAINTENANCE] == len(lists.due_for_maintenance)
    assert counts[Filter.NOT_SEEN] == len(lists.not_seen_over_a_month)
    assert counts[Filter.DAY] == len(day_patients(as_of))
    for f in Filter:
        assert ListPager(ListQuery(as_of, f)).size() == counts[f]
    return counts


def test_filter_counts_agree_with_the_lists_on_a_demo_clinic(demo):
    seen = [check_counts(day) for day in DEMO_DATES]
    # not vacuous: every filter holds someone on some day, and the days differ
    for f in Filter:
        assert any(counts[f] for counts in seen), f
    assert seen[0][Filter.DAY] == 0  # Saturday
    assert seen[1][Filter.DAY] > 0 and seen[2][Filter.DAY] > 0


def test_day_count_is_distinct_patients_not_cancelled(db_path):
    at = lambda hour: dt.datetime.combine(MONDAY, dt.time(hour))
    add_patient("A", "Two", "Visits", visits=[(at(9), Kind.INFUSION, Status.BOOKED, "Chair 1"),
                                               (at(14), Kind.ASSESSMENT, Status.BOOKED, None)])
    add_patient("B", "Only", "Cancelled", visits=[(at(9), Kind.INFUSION, Status.CANCELLED)])
    add_patient("C", "Late", "Night", visits=[(at(23), Kind.CONSULT, Status.NO_SHOW, None)])
    add_patient("E", "Next", "Day", visits=[
        (dt.datetime.combine(MONDAY + dt.timedelta(days=1), dt.time()), Kind.CONSULT,
         Status.BOOKED, None)])
    assert filter_counts(MONDAY)[Filter.DAY] == 2
    assert filter_counts(MONDAY + dt.timedelta(days=1))[Filter.DAY] == 1
    assert filter_counts(MONDAY)[Filter.ALL] == 4
    charts = [r.chart for r in ListPager(ListQuery(MONDAY, Filter.DAY)).page(0, 10)]
    assert charts == ["A", "C"]  # by first appointment of the day


@examples(30)
@given(clinic=clinics())
def test_filter_counts_agree_with_the_rules_on_random_clinics(db_path, clinic):
    patients, as_of = clinic
    store_records(patients)
    expected = compute_lists(patients, as_of)
    counts = filter_counts(as_of)
    assert counts[Filter.ALL] == len(patients)
    assert counts[Filter.MID_STABILIZATION] == len(expected.mid_stabilization)
    assert counts[Filter.DUE_FOR_MAINTENANCE] == len(expected.due_for_maintenance)
    assert counts[Filter.NOT_SEEN] == len(expected.not_seen_over_a_month)
    assert counts[Filter.DAY] == len({p.patient_id for p in patients for v in p.visits
                                      if v.start.date() == as_of
                                      and v.status != Status.CANCELLED})


# --- the pager: one sequence, however it is walked ----------------------------------------------

def check_walks(q: ListQuery, sizes=(13, 50)) -> list:
    """Every way of walking the pager gives `straight(q)`; returns it."""
    reference = straight(q)
    n = len(reference)
    assert ListPager(q).size() == n
    for size in (1, *sizes) if n <= 40 else sizes:
        pager, walked = ListPager(q), []
        pager.size()
        while page := pager.page(len(walked), size):
            assert len(page) <= size
            walked += page
        assert walked == reference, (q, size)
    if n:
        # a jump far from anything fetched, then the pages on either side of it
        for offset in {n // 2, n - 1, max(n - 5, 0)}:
            pager = ListPager(q)
            assert pager.page(offset, 5) == reference[offset:offset + 5]
            before = max(offset - 5, 0)
            assert pager.page(before, offset - before) == reference[before:offset]
            assert pager.page(offset + 5, 5) == reference[offset + 5:offset + 10]
    assert ListPager(q).page(n, 10) == [] and ListPager(q).page(n + 10, 10) == []
    return reference


def test_pager_walks_agree_on_a_demo_clinic(demo):
    sizes = {}
    for as_of in (TODAY, FRIDAY, D(2026, 11, 26)):
        for q in demo_queries(as_of):
            sizes[q] = len(check_walks(q, sizes=(7, 50) if as_of == TODAY else (50,)))
    assert min(sizes[ListQuery(TODAY, f)] for f in
               (Filter.ALL, Filter.MID_STABILIZATION, Filter.DUE_FOR_MAINTENANCE,
                Filter.NOT_SEEN)) > 5  # not vacuous


def test_pager_uses_keyset_after_a_jump(demo, monkeypatch):
    """A jump reads by OFFSET; the page before and after it continue from its keys."""
    calls = Counter()
    for name in ("rows_after", "rows_before", "rows_at"):
        real = getattr(svc, name)
        monkeypatch.setattr(svc, name, lambda *a, _real=real, _name=name, **k: (
            calls.update([_name]), _real(*a, **k))[1])
    q = ListQuery(TODAY)
    reference = rows_at(q, 0, ALL_ROWS)
    pager = ListPager(q)
    assert pager.page(150, 20) == reference[150:170] and calls == {"rows_at": 1}
    assert pager.page(130, 20) == reference[130:150] and calls["rows_before"] == 1
    assert pager.page(170, 20) == reference[170:190] and calls["rows_after"] == 1
    assert pager.page(110, 20) == reference[110:130] and calls["rows_before"] == 2
    assert pager.page(0, 20) == reference[:20] and calls["rows_after"] == 2
    assert pager.page(20, 20) == reference[20:40] and calls["rows_after"] == 3
    assert calls["rows_at"] == 1


def test_keyset_functions_agree_with_positions(demo):
    q = ListQuery(TODAY, search=parse_search("a", "US", TODAY))
    reference = rows_at(q, 0, ALL_ROWS)
    assert len(reference) > 40
    for i in (0, 1, 17, len(reference) - 2):
        assert rows_after(q, reference[i].key, 10) == reference[i + 1:i + 11]
        assert rows_before(q, reference[i + 1].key, 10) == reference[max(i - 9, 0):i + 1]
        assert rows_at(q, i, 3) == reference[i:i + 3]
    assert rows_after(q, None, 5) == reference[:5]
    assert rows_before(q, reference[0].key, 5) == []
    assert rows_after(q, reference[-1].key, 5) == []


# (kind of step, amount): a jump to a position, the next page, the page before
_steps = st.lists(st.tuples(st.sampled_from(["jump", "next", "prev"]), st.integers(0, 400),
                            st.integers(1, 60)), min_size=1, max_size=12)


def test_pager_random_access_in_random_order(demo):
    queries = [ListQuery(TODAY), ListQuery(TODAY, Filter.MID_STABILIZATION),
               ListQuery(TODAY, Filter.DUE_FOR_MAINTENANCE), ListQuery(TODAY, Filter.NOT_SEEN),
               ListQuery(FRIDAY, Filter.DAY),
               ListQuery(TODAY, search=parse_search("e", "US", TODAY))]
    references = {q: straight(q) for q in queries}

    @settings(max_examples=60, deadline=None)
    @given(which=st.sampled_from(queries), steps=_steps)
    def walk(which, steps):
        reference = references[which]
        pager = ListPager(which)
        pager.size()
        offset = limit = 0
        for kind, amount, size in steps:
            if kind == "jump":
                offset = amount % (len(reference) + 3)
            elif kind == "next":
                offset = offset + limit
            else:
                offset = max(offset - size, 0)
            limit = size
            assert pager.page(offset, limit) == reference[offset:offset + limit]

    walk()


def test_name_order_is_the_folded_name_then_id(demo):
    reference = rows_at(ListQuery(TODAY), 0, ALL_ROWS)
    assert [r.id for r in reference] == in_name_order(everyone())
    assert all(r.key == (name_key(*names), r.id) for r, names in zip(
        reference, [m.Patient.select(m.Patient.first_name, m.Patient.last_name)
                    .where(m.Patient.id == r.id).tuples().get() for r in reference]))
    mid = rows_at(ListQuery(TODAY, Filter.MID_STABILIZATION), 0, ALL_ROWS)
    assert [r.id for r in mid] == [r.id for r in reference if r.phase == Phase.STABILIZATION]


def test_name_order_with_equal_names_is_by_id(db_path):
    ids = [add_patient(f"C-{n}", first, last) for n, (first, last) in enumerate(
        [("Jose", "Nunez"), ("José", "Núñez"), ("JOSE", "NUNEZ"), ("Ana", "O'Brien"),
         ("Ana", "OBrien"), ("Ana", "O’Brien"), ("Zoë", "Abe"), ("Ángel", "Abe")])]
    rows = rows_at(ListQuery(TODAY), 0, 100)
    assert [r.id for r in rows] == [ids[7], ids[6], ids[0], ids[1], ids[2], ids[3], ids[4],
                                    ids[5]]
    assert check_walks(ListQuery(TODAY)) == rows
    assert check_walks(ListQuery(TODAY, search=parse_search("nunez", "US", TODAY))) == rows[2:5]


def check_date_sorted_lists(as_of: dt.date) -> None:
    """Due and not seen: the pager's order is `frontdesk lists` order."""
    lists = desk_lists(as_of)
    due = [r.chart for r in straight(ListQuery(as_of, Filter.DUE_FOR_MAINTENANCE))]
    assert due == [e.patient_id for e in lists.due_for_maintenance]
    unseen = [r.chart for r in straight(ListQuery(as_of, Filter.NOT_SEEN))]
    assert unseen == [e.patient_id for e in lists.not_seen_over_a_month]
    mid = [r.chart for r in straight(ListQuery(as_of, Filter.MID_STABILIZATION))]
    assert sorted(mid) == sorted(e.patient_id for e in lists.mid_stabilization)


def test_due_and_not_seen_follow_the_lists_order_on_a_demo_clinic(demo):
    for as_of in DEMO_DATES:
        check_date_sorted_lists(as_of)
    lists = desk_lists(TODAY)
    assert len(lists.not_seen_over_a_month) > 5
    assert any(e.last_seen is None for e in lists.not_seen_over_a_month)
    dates = [e.due_on for e in lists.due_for_maintenance]
    assert dates == sorted(dates) and len(set(dates)) > 1


def test_day_list_is_by_first_appointment_of_the_day(demo):
    for day in (FRIDAY, MONDAY, D(2026, 10, 22)):
        rows = straight(ListQuery(day, Filter.DAY))
        assert {r.id for r in rows} == day_patients(day) and rows
        A = m.Appointment
        first = {}
        for pid, start in (A.select(A.patient, A.start)
                           .where(A.status != Status.CANCELLED.value).tuples()):
            if start.date() == day:
                first[pid] = min(first.get(pid, start), start)
        assert [r.id for r in rows] == sorted(first, key=lambda pid: (
            first[pid], next(r.key for r in rows if r.id == pid)))


# --- rows agree with the lists ------------------------------------------------------------------

def check_badges(as_of: dt.date) -> Counter:
    lists = desk_lists(as_of)
    rows = {r.chart: r for r in rows_at(ListQuery(as_of), 0, ALL_ROWS)}
    for e in lists.mid_stabilization:
        row = rows[e.patient_id]
        assert row.badge == f"STAB {e.infusions_completed}/{e.target}"
        assert row.stalled == e.stalled
    due = {e.patient_id: e for e in lists.due_for_maintenance}
    for chart, e in due.items():
        assert rows[chart].badge == ("OVERDUE" if e.overdue else "DUE")
    for e in lists.not_seen_over_a_month:
        assert rows[e.patient_id].last_seen == e.last_seen
        booked = rows[e.patient_id].next_booked
        assert (booked.date() if booked else None) == e.next_booked
    expected = {Phase.INTAKE: "INTAKE", Phase.INTEGRATION: "INTEG", Phase.DISCHARGED: "DISCH"}
    for chart, row in rows.items():
        if row.phase == Phase.MAINTENANCE and chart not in due:
            assert row.badge == "MAINT"
        if row.phase in expected:
            assert row.badge == expected[row.phase]
        if row.phase != Phase.STABILIZATION:
            assert not row.stalled
    return Counter(r.badge.split()[0] for r in rows.values())


def test_badges_agree_with_the_lists_on_a_demo_clinic(demo):
    badges = sum((check_badges(as_of) for as_of in DEMO_DATES), Counter())
    assert {"STAB", "DUE", "OVERDUE", "MAINT", "INTAKE", "INTEG", "DISCH"} <= set(badges)


@examples(50)
@given(clinic=clinics())
def test_rows_agree_with_the_rules_on_random_clinics(any_db, clinic):
    patients, as_of = clinic
    store_records(patients)
    check_badges(as_of)
    expected = compute_lists(patients, as_of)
    due = [r.chart for r in straight(ListQuery(as_of, Filter.DUE_FOR_MAINTENANCE))]
    assert due == [e.patient_id for e in expected.due_for_maintenance]
    unseen = [r.chart for r in straight(ListQuery(as_of, Filter.NOT_SEEN))]
    assert unseen == [e.patient_id for e in expected.not_seen_over_a_month]
    assert [r.id for r in rows_at(ListQuery(as_of), 0, ALL_ROWS)] == in_name_order(everyone())


@examples(40)
@given(clinic=clinics(bases=[dt.date(2026, 3, 31), dt.date(2026, 3, 1)]))
def test_a_past_day_agrees_with_the_rules_whichever_way_it_reads_the_history(any_db, clinic):
    """Counts, the date-sorted lists' order and the rows as of a past day: the patients the
    history changed since are read from it (named when few, every patient when many), the
    others from the stored columns; every way gives the rules' answer."""
    from frontdesk.services import lists
    patients, as_of = clinic
    store_records(patients)
    expected = compute_lists(patients, as_of)
    few = lists.FEW_CHANGED
    try:
        for lists.FEW_CHANGED in (0, 1, few):
            counts = filter_counts(as_of)
            assert [counts[f] for f in (Filter.MID_STABILIZATION, Filter.DUE_FOR_MAINTENANCE,
                                        Filter.NOT_SEEN)] == [
                len(expected.mid_stabilization), len(expected.due_for_maintenance),
                len(expected.not_seen_over_a_month)]
            for f, entries in ((Filter.DUE_FOR_MAINTENANCE, expected.due_for_maintenance),
                               (Filter.NOT_SEEN, expected.not_seen_over_a_month)):
                assert [r.chart for r in straight(ListQuery(as_of, f))] == [
                    e.patient_id for e in entries]
            mid = straight(ListQuery(as_of, Filter.MID_STABILIZATION))
            assert sorted(r.chart for r in mid) == sorted(
                e.patient_id for e in expected.mid_stabilization)
            check_badges(as_of)
    finally:
        lists.FEW_CHANGED = few


def test_badges_in_a_hand_built_clinic(db_path):
    d = TODAY
    at = lambda days, hour=9: dt.datetime.combine(d + dt.timedelta(days=days), dt.time(hour))
    add_patient("S", "Stab", "Ann", phase=Phase.STABILIZATION, phase_since=d - dt.timedelta(20),
                target=5, visits=[(at(-30), Kind.INFUSION, Status.COMPLETED),  # before phase
                                  (at(-20), Kind.INFUSION, Status.COMPLETED),
                                  (at(-19), Kind.INFUSION, Status.NO_SHOW),
                                  (at(-18), Kind.ASSESSMENT, Status.COMPLETED, None)])
    add_patient("T", "Stab", "Booked", phase=Phase.STABILIZATION,
                phase_since=d - dt.timedelta(20), visits=[(at(3), Kind.INFUSION, Status.BOOKED)])
    add_patient("O", "Maint", "Overdue", phase=Phase.MAINTENANCE, phase_since=D(2026, 6, 1),
                visits=[(dt.datetime(2026, 10, 20, 9), Kind.INFUSION, Status.COMPLETED)])
    add_patient("U", "Maint", "Due", phase=Phase.MAINTENANCE, phase_since=D(2026, 6, 1),
                visits=[(dt.datetime(2026, 10, 25, 9), Kind.INFUSION, Status.COMPLETED)])
    add_patient("K", "Maint", "Booked", phase=Phase.MAINTENANCE, phase_since=D(2026, 6, 1),
                visits=[(dt.datetime(2026, 10, 20, 9), Kind.INFUSION, Status.COMPLETED),
                        (at(0, 16), Kind.INFUSION, Status.BOOKED)])
    add_patient("L", "Maint", "Later", phase=Phase.MAINTENANCE, phase_since=D(2026, 6, 1),
                interval=2, visits=[(dt.datetime(2026, 10, 20, 9), Kind.INFUSION,
                                     Status.COMPLETED)])
    rows = {r.chart: r for r in rows_at(ListQuery(d), 0, 100)}
    assert (rows["S"].badge, rows["S"].stalled) == ("STAB 1/5", True)
    assert (rows["T"].badge, rows["T"].stalled) == ("STAB 0/6", False)
    assert rows["O"].badge == "OVERDUE"   # due Nov 20
    assert rows["U"].badge == "DUE"       # due Nov 25, within a week
    assert rows["K"].badge == "MAINT"     # booked today
    assert rows["L"].badge == "MAINT"     # due Dec 20
    assert rows["S"].last_seen == (d - dt.timedelta(18))
    assert rows["K"].next_booked == at(0, 16)
    check_badges(d)


def test_rows_and_counts_of_a_past_day_read_the_phase_history(any_db):
    """Registered Jun 1, first infusion Jun 10 (stabilization), moved to maintenance by staff
    on Jul 1; and a patient registered Jun 20. As of Jun 15 the desk shows the series, today
    the overdue booster, and counts agree with the rows."""
    from frontdesk.domain.phases import PhaseChange
    june_15 = D(2026, 6, 15)
    at = lambda day, hour=12: dt.datetime.combine(day, dt.time(hour))
    pid = add_patient(
        "H", "Hist", "Ory", phase=Phase.MAINTENANCE, phase_since=D(2026, 7, 1),
        registered_on=D(2026, 6, 1),
        visits=[(at(D(2026, 6, 10), 9), Kind.INFUSION, Status.COMPLETED),
                (at(D(2026, 6, 12), 9), Kind.INFUSION, Status.COMPLETED)],
        history=[PhaseChange(at(D(2026, 6, 1)), None, Phase.INTAKE),
                 PhaseChange(at(D(2026, 6, 10)), Phase.INTAKE, Phase.STABILIZATION,
                             from_since=D(2026, 6, 1)),
                 PhaseChange(at(D(2026, 7, 1)), Phase.STABILIZATION, Phase.MAINTENANCE,
                             from_since=D(2026, 6, 10))])
    later = add_patient("L", "Later", "Registered", phase=Phase.INTAKE,
                        phase_since=D(2026, 6, 20), registered_on=D(2026, 6, 20),
                        history=[PhaseChange(at(D(2026, 6, 20)), None, Phase.INTAKE)])
    (row,) = rows_for_ids([pid], june_15)
    assert (row.phase, row.badge, row.stalled) == (Phase.STABILIZATION, "STAB 2/6", False)
    detail = patient_detail(pid, june_15)
    assert (detail.phase, detail.phase_since, detail.infusions_completed) == (
        Phase.STABILIZATION, D(2026, 6, 10), 2)
    counts = filter_counts(june_15)
    assert (counts[Filter.MID_STABILIZATION], counts[Filter.DUE_FOR_MAINTENANCE],
            counts[Filter.NOT_SEEN]) == (1, 0, 0)
    assert [r.id for r in ListPager(ListQuery(june_15, Filter.MID_STABILIZATION)).page(0, 10)
            ] == [pid]
    # today: maintenance since Jul 1, last infusion Jun 12 + 1 month = Jul 12: overdue
    (row,) = rows_for_ids([pid], TODAY)
    assert (row.phase, row.badge) == (Phase.MAINTENANCE, "OVERDUE")
    assert patient_detail(pid, TODAY).phase_since == D(2026, 7, 1)
    counts = filter_counts(TODAY)
    assert (counts[Filter.MID_STABILIZATION], counts[Filter.DUE_FOR_MAINTENANCE]) == (0, 1)
    assert ordered_ids(ListQuery(TODAY, Filter.DUE_FOR_MAINTENANCE)) == [pid]
    # the later patient is in the list of everyone, but on no list as of Jun 15
    assert [r.badge for r in rows_for_ids([later], june_15)] == ["INTAKE"]
    assert ordered_ids(ListQuery(june_15, Filter.NOT_SEEN)) == []


# --- search -------------------------------------------------------------------------------------

def reference_search(text: str) -> list[int]:
    """Who a search should find, by the meaning of SearchTerms, checked in Python."""
    terms = parse_search(text, "US", TODAY)
    if terms.empty:  # nothing typed: no search, everyone
        return in_name_order(everyone())

    def hit(p) -> bool:
        key = name_key(p["first_name"], p["last_name"])
        return ((bool(terms.words or terms.word_starts)
                 and all(w in key for w in terms.words)
                 and all(any(part.startswith(w) for part in key.split())
                         for w in terms.word_starts))
                or (terms.chart_start is not None
                    and chart_fold(p["chart_number"]).startswith(terms.chart_start))
                or (terms.chart_value is not None
                    and chart_value(p["chart_number"]) == terms.chart_value)
                or p["date_of_birth"] in terms.dates
                or (terms.phone_e164 is not None and p["phone"] == terms.phone_e164)
                or (terms.phone_digits is not None and terms.phone_digits in p["phone"]))
    return in_name_order(p for p in everyone() if hit(p))


def search(text: str, as_of: dt.date = TODAY, f: Filter = Filter.ALL) -> list[int]:
    q = ListQuery(as_of, f, parse_search(text, "US", TODAY))
    pager = ListPager(q)
    rows = pager.page(0, pager.size() + 1)
    return [r.id for r in rows]


@pytest.mark.parametrize(("text", "who"), [
    ("nunez", {"nunez", "nunez_lopez"}), ("Núñez", {"nunez", "nunez_lopez"}),
    ("NUÑEZ", {"nunez", "nunez_lopez"}), ("une", {"nunez", "nunez_lopez"}),
    ("jose nunez", {"nunez"}), ("nunez jose", {"nunez"}), ("José Núñez", {"nunez"}),
    ("nunez lopez", {"nunez_lopez"}), ("Ana Nunez", {"nunez_lopez"}),
    ("O'Brien", {"obrien"}), ("O’Brien", {"obrien"}), ("obrien", {"obrien"}),
    ("obri", {"obrien"}), ("siobhan", {"obrien"}),
    ("C-1001", {"nunez"}), ("c-1001", {"nunez"}), ("C-100", set(KNOWN)),
    ("1984-03-07", {"nunez"}), ("03/07/1984", {"nunez"}), ("3/7/84", {"nunez"}),
    ("3/8/84", {"nunez_lopez"}), ("1/31/70", {"obrien"}),
    ("(650) 253-0000", {"nunez"}), ("650-253-0000", {"nunez"}), ("650.253.0000", {"nunez"}),
    ("+1 650 253 0000", {"nunez"}), ("6502530000", {"nunez"}), ("+16502530001", {"obrien"}),
])
def test_search_finds_the_patient(demo, text, who):
    found = search(text)
    assert found == reference_search(text)
    known = {name for name, pid in demo.items() if pid in found}
    assert known == who
    if parse_search(text, "US", TODAY).phone_e164 or parse_search(text, "US", TODAY).dates:
        assert len(found) == len(who)  # an exact key finds only that


@pytest.mark.parametrize(("text", "who"), [("0000", "nunez"), ("0001", "obrien"),
                                           ("1001", "nunez"), ("253-0002", "nunez_lopez")])
def test_search_by_part_of_phone_or_chart_number(demo, text, who):
    found = search(text)
    assert demo[who] in found
    assert found == reference_search(text)


@pytest.mark.parametrize("text", ["a", "son", "e", "mar", "2", "C-0002", "71", "8005", "ø",
                                  "zzzz", "%", "_", "-", "o'", "9/9/99", "van der"])
def test_search_finds_what_the_terms_mean(demo, text):
    assert search(text) == reference_search(text)


def test_search_covers_every_patient_whatever_the_filter(demo):
    nunez = search("nunez")
    assert len(nunez) >= 2
    for f in Filter:
        for as_of in (TODAY, FRIDAY):
            assert search("nunez", as_of, f) == nunez, f
            assert search("3/7/84", as_of, f) == [demo["nunez"]]
    # Núñez (stabilization) and Nunez-Lopez (discharged) are on none of these lists
    for f in (Filter.DUE_FOR_MAINTENANCE, Filter.DAY):
        q = ListQuery(TODAY, f, parse_search("nunez", "US", TODAY))
        assert ListPager(q).size() == len(nunez)
        assert demo["nunez"] not in {r.id for r in straight(ListQuery(TODAY, f))}


def test_empty_search_is_the_filter(demo):
    blank = parse_search("   ", "US", TODAY)
    for f in Filter:
        assert straight(ListQuery(TODAY, f, blank)) == straight(ListQuery(TODAY, f))


# --- the search indexes ----------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["a", "n", "jo", "son", "e", "mar", "jose n", "C-0", "C-00",
                                  "1", "17", "0001", "2530", "%"])
def test_walking_the_name_index_finds_what_sorting_the_matches_finds(demo, text):
    q = ListQuery(TODAY, search=parse_search(text, "US", TODAY))
    expected = reference_search(text)
    for walk in (False, True):
        assert [r.id for r in rows_at(q, 0, ALL_ROWS, walk_names=walk)] == expected
        assert [r.id for r in rows_at(q, 5, 9, walk_names=walk)] == expected[5:14]
        first = rows_after(q, None, 7, walk_names=walk)
        assert [r.id for r in first] == expected[:7]
        if first:
            after = rows_after(q, first[-1].key, 7, walk_names=walk)
            assert [r.id for r in after] == expected[7:14]
            before = rows_before(q, first[-1].key, 3, walk_names=walk)
            assert [r.id for r in before] == expected[max(0, len(first) - 4):len(first) - 1]


def test_a_search_walks_the_name_index_only_when_its_matches_are_many():
    assert walks_names(matches=3000, patients=100_000, limit=60)       # 1 name in 33
    assert not walks_names(matches=2000, patients=100_000, limit=60)   # sorting 2,000 is cheaper
    assert not walks_names(matches=0, patients=100_000, limit=60)


def search_indexes_intact() -> None:
    """FTS5's own check that its index holds exactly the patient table's text."""
    for table in (search_index.TRIGRAM, search_index.WORDS):
        m.database.obj.execute_sql(
            f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")


def test_the_search_indexes_follow_every_change_to_patients(demo):
    P = m.Patient
    pid = demo["nunez"]
    with write_transaction():
        P.update(first_name="Zoë", last_name="Quist_Ng", search_key=name_key("Zoë", "Quist_Ng"),
                 phone="+14155550123", chart_number="Z-0077").where(P.id == pid).execute()
    assert pid not in search("nunez") and pid not in search("C-1001")
    assert pid not in search("2530000") and pid not in search("1001")
    for text in ("quist", "zoe", "ng", "q", "5550123", "z-00", "77", "0077"):
        assert pid in search(text), text
    with write_transaction():  # columns the indexes do not hold
        P.update(notes="called", version=P.version + 1).where(P.id == pid).execute()
    new = add_patient("N-0001", "Ana", "Zyxw", phone="+14155550199")
    assert search("zyxw") == [new] and search("zy") == [new]
    with write_transaction():
        P.delete().where(P.id == new).execute()
    assert search("zyxw") == [] and search("5550199") == []
    search_indexes_intact()
    for text in ("quist", "ng", "q", "z-0", "77", "zo", "son", "a", "jo an", "5550"):
        assert search(text) == reference_search(text), text


def test_a_rolled_back_change_leaves_the_indexes_as_they_were(demo):
    before = search("nunez")
    with pytest.raises(RuntimeError):
        with write_transaction():
            add_patient("N-0002", "Ana", "Nunez")
            raise RuntimeError("the desk gave up")
    assert search("nunez") == before
    search_indexes_intact()


_NAME = st.text(alphabet="aAbñÑéEo'’-_ ", min_size=1, max_size=7)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.tuples(_NAME, _NAME), min_size=1, max_size=6),
       text=st.text(alphabet="abnñeéo'_- ", max_size=6))
def test_name_search_means_the_same_for_any_names(db_path, names, text):
    with m.database.obj.atomic() as txn:
        for number, (first, last) in enumerate(names):
            add_patient(f"H-{number}", first, last)
        assert search(text) == reference_search(text)
        txn.rollback()


def test_an_sqlite_without_fts5_trigrams_still_finds_the_same(tmp_path, monkeypatch):
    from peewee import OperationalError
    from frontdesk.services.clinic import close_clinic, open_clinic

    def no_trigram_tokenizer(db):
        db.execute_sql("CREATE VIRTUAL TABLE x USING fts5(a, tokenize='no_such_tokenizer')")

    monkeypatch.setattr(search_index, "_install_fts", no_trigram_tokenizer)
    open_clinic(str(tmp_path / "old_sqlite.db"))
    try:
        with pytest.raises(OperationalError):
            no_trigram_tokenizer(m.database.obj)  # what that SQLite would say
        assert search_index.TRIGRAM not in m.database.obj.get_tables()
        fill_demo(60, 3)
        for text in ("nunez", "jose n", "n", "son", "C-100", "1004", "2530000", "3/7/84", "%"):
            assert search(text) == reference_search(text), text
        assert search("nunez") != []
    finally:
        close_clinic()


def test_a_migrated_v1_database_is_searchable(tmp_path):
    import shutil
    from frontdesk.services.clinic import close_clinic, open_clinic
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema_v1.db", path)
    open_clinic(str(path))
    try:
        search_indexes_intact()
        for text in ("nunez", "nu", "mull", "l", "C-100", "1004", "o'brien"):
            assert search(text) == reference_search(text) != [], text
    finally:
        close_clinic()


# --- positions ------------------------------------------------------------------------------------

def test_index_of_is_the_rows_position(demo):
    for q in [ListQuery(TODAY), ListQuery(TODAY, Filter.MID_STABILIZATION),
              ListQuery(TODAY, search=parse_search("e", "US", TODAY)),
              ListQuery(TODAY, search=parse_search("nunez", "US", TODAY))]:
        rows = rows_at(q, 0, ALL_ROWS)
        assert rows
        for position, row in enumerate(rows):
            assert index_of(q, row.key) == position


def test_index_of_a_patient_not_on_the_list_is_where_it_would_be(demo):
    everybody = rows_at(ListQuery(TODAY), 0, ALL_ROWS)
    q = ListQuery(TODAY, Filter.MID_STABILIZATION)
    mid = rows_at(q, 0, ALL_ROWS)
    for row in everybody[::7]:
        assert index_of(q, row.key) == sum(1 for r in mid if r.key < row.key)


def test_ordered_ids_refuses_name_sorted_lists(demo):
    with pytest.raises(ValueError):
        ordered_ids(ListQuery(TODAY))
    with pytest.raises(ValueError):
        ordered_ids(ListQuery(TODAY, Filter.DUE_FOR_MAINTENANCE,
                              parse_search("nunez", "US", TODAY)))


def test_rows_for_ids_keeps_the_order_given_and_skips_unknown_ids(demo):
    ids = [demo["obrien"], 10**6, demo["nunez"], 3, 1]
    rows = rows_for_ids(ids, TODAY)
    assert [r.id for r in rows] == [demo["obrien"], demo["nunez"], 3, 1]
    assert rows_for_ids([], TODAY) == []
    nunez = rows[1]
    assert (nunez.chart, nunez.name, nunez.badge) == ("C-1001", "Núñez, José", "STAB 2/6")
    assert nunez.next_booked == dt.datetime(2026, 11, 23, 9)
    assert nunez.last_seen == D(2026, 11, 12)


# --- one patient ----------------------------------------------------------------------------------

@pytest.fixture
def imported(db_path) -> dict[str, int]:
    """tests/fixtures/v1_*.csv: chart -> id."""
    import_csv(FIXTURES / "v1_patients.csv", FIXTURES / "v1_appointments.csv")
    return dict(m.Patient.select(m.Patient.chart_number, m.Patient.id).tuples())


def test_patient_detail_shows_what_is_stored(imported):
    detail = patient_detail(imported["C-1001"], TODAY)
    assert (detail.id, detail.chart, detail.first_name, detail.last_name, detail.name) == (
        imported["C-1001"], "C-1001", "José", "Núñez", "Núñez, José")
    assert detail.date_of_birth == D(1984, 3, 7)
    assert detail.phone == "(650) 253-0000"
    assert detail.email == "jose@example.com"
    assert detail.registered_on == D(2026, 11, 10)  # no registered_on column: phase_since
    assert (detail.phase, detail.phase_since) == (Phase.STABILIZATION, D(2026, 11, 10))
    assert (detail.infusions_completed, detail.stabilization_target) == (3, 6)
    assert detail.badge == "STAB 3/6" and not detail.stalled
    assert detail.due_on is None
    assert detail.last_infusion == D(2026, 11, 19) and detail.last_seen == D(2026, 11, 19)
    assert [line.start for line in detail.recent] == [
        dt.datetime(2026, 11, 19, 9), dt.datetime(2026, 11, 12, 9), dt.datetime(2026, 11, 10, 9)]
    assert [line.chair for line in detail.recent] == ["Chair 2", "Chair 1", "Chair 1"]
    assert [(line.start, line.kind, line.status, line.duration_minutes)
            for line in detail.upcoming] == [
        (dt.datetime(2026, 11, 23, 9), Kind.INFUSION, Status.BOOKED, 90)]
    assert [(s.from_phase, s.to_phase, s.reason, s.staff) for s in detail.history] == [
        (None, Phase.STABILIZATION, "imported", "cli")]
    assert (detail.notes, detail.version) == ("", 1)


def test_patient_detail_phone_in_the_clinics_region(imported):
    assert patient_detail(imported["C-1001"], TODAY, region="US").phone == "(650) 253-0000"
    assert patient_detail(imported["C-1001"], TODAY, region="GB").phone == "+1 650-253-0000"


def test_patient_detail_as_of_another_day(imported):
    """Recent is before the day, upcoming from the day on; k counts completed by the day."""
    detail = patient_detail(imported["C-1001"], D(2026, 11, 12))
    assert detail.infusions_completed == 2 and detail.badge == "STAB 2/6"
    assert [line.start.date() for line in detail.recent] == [D(2026, 11, 10)]
    assert [line.start.date() for line in detail.upcoming] == [
        D(2026, 11, 12), D(2026, 11, 19), D(2026, 11, 23)]
    stalled = patient_detail(imported["C-1001"], D(2026, 12, 5))  # nothing booked after Nov 23
    assert stalled.stalled and stalled.infusions_completed == 3


def test_patient_detail_maintenance_due_on(imported):
    obrien = patient_detail(imported["C-1002"], TODAY)
    assert obrien.phone == "(650) 253-0001" and obrien.email is None
    assert obrien.due_on == D(2026, 11, 10) and obrien.badge == "OVERDUE"
    assert obrien.last_infusion == D(2026, 10, 10)
    never = patient_detail(imported["C-1003"], TODAY)
    assert never.due_on == D(2026, 1, 1)  # no infusion: due since the phase began
    assert never.last_infusion is None and never.last_seen == D(2026, 10, 1)
    cancelled = patient_detail(imported["C-1005"], TODAY)  # no-show, then cancelled
    assert [line.status for line in cancelled.recent] == [Status.CANCELLED, Status.NO_SHOW]
    assert cancelled.last_seen is None and cancelled.badge == "INTEG"
    assert patient_detail(imported["C-1004"], TODAY).upcoming[0].chair is None  # a consult


def test_patient_detail_history_in_order_and_recent_limited(imported):
    pid = imported["C-1001"]
    with write_transaction():
        staff = m.Staff.create(username="amara", created_at=NOW).id
        # written out of order, on purpose
        m.PhaseChange.create(patient=pid, at=dt.datetime(2026, 11, 10, 10), staff=staff,
                             from_phase="intake", to_phase="stabilization",
                             reason="first infusion completed")
        m.PhaseChange.create(patient=pid, at=dt.datetime(2026, 10, 30, 8), staff=staff,
                             from_phase=None, to_phase="intake", reason="registered")
    add_more = [(dt.datetime(2026, 10, d, 9), Kind.CONSULT, Status.COMPLETED, None)
                for d in (1, 2, 3, 4)]
    with write_transaction():
        staff_id = m.Staff.get(m.Staff.username == "amara").id
        insert_rows(m.Appointment, ["patient", "kind", "start", "duration_minutes", "ends_at",
                                    "chair", "status", "status_at", "status_by", "booked_at",
                                    "booked_by"],
                    [(pid, k.value, s, 60, s + dt.timedelta(minutes=60), None, st_.value, NOW,
                      staff_id, NOW, staff_id) for s, k, st_, _ in add_more])
    detail = patient_detail(pid, TODAY)
    assert [(s.at, s.to_phase, s.staff) for s in detail.history] == [
        (dt.datetime(2026, 10, 30, 8), Phase.INTAKE, "amara"),
        (dt.datetime(2026, 11, 10), Phase.STABILIZATION, "cli"),
        (dt.datetime(2026, 11, 10, 10), Phase.STABILIZATION, "amara")]
    assert [line.start.date() for line in detail.recent] == [
        D(2026, 11, 19), D(2026, 11, 12), D(2026, 11, 10), D(2026, 10, 4), D(2026, 10, 3)]
    assert len(patient_detail(pid, TODAY, appointments=2).recent) == 2
    assert len(patient_detail(pid, TODAY, appointments=50).recent) == 7


def test_patient_detail_agrees_with_the_rows_on_a_demo_clinic(demo):
    for as_of in (TODAY, D(2026, 11, 26)):
        for row in rows_at(ListQuery(as_of), 0, ALL_ROWS)[::5]:
            detail = patient_detail(row.id, as_of)
            assert (detail.chart, detail.name, detail.phase, detail.badge, detail.stalled,
                    detail.last_seen) == (row.chart, row.name, row.phase, row.badge,
                                          row.stalled, row.last_seen)
            starts = [line.start for line in detail.recent]
            assert starts == sorted(starts, reverse=True)
            assert all(s < dt.datetime.combine(as_of, dt.time()) for s in starts)
            upcoming = [line.start for line in detail.upcoming]
            assert upcoming == sorted(upcoming)
            assert all(s >= dt.datetime.combine(as_of, dt.time()) for s in upcoming)
            assert [s.at for s in detail.history] == sorted(s.at for s in detail.history)


def test_patient_detail_of_a_missing_patient(imported):
    with pytest.raises(NotFound):
        patient_detail(10**6, TODAY)


# --- notes --------------------------------------------------------------------------------------

SECRET = "Prefers Chair 2; ride home from her sister"


def audit_rows() -> list[dict]:
    return list(m.AuditEntry.select().where(m.AuditEntry.action == "edit_notes")
                .order_by(m.AuditEntry.id).dicts())


def test_save_notes_saves_and_bumps_the_version(imported):
    pid = imported["C-1001"]
    assert save_notes(pid, SECRET, expected_version=1, staff="amara") == 2
    detail = patient_detail(pid, TODAY)
    assert (detail.notes, detail.version) == (SECRET, 2)
    assert save_notes(pid, "", expected_version=2, staff="amara") == 3
    assert (patient_detail(pid, TODAY).notes, patient_detail(pid, TODAY).version) == ("", 3)
    others = [patient_detail(pid, TODAY) for chart, pid in imported.items() if chart != "C-1001"]
    assert all((d.notes, d.version) == ("", 1) for d in others)


def test_save_notes_refuses_a_stale_version(imported):
    pid = imported["C-1001"]
    save_notes(pid, SECRET, expected_version=1, staff="amara")
    with pytest.raises(Conflict):
        save_notes(pid, "overwritten by another desk", expected_version=1, staff="ben")
    detail = patient_detail(pid, TODAY)
    assert (detail.notes, detail.version) == (SECRET, 2)
    with pytest.raises(Conflict):
        save_notes(pid, "from the future", expected_version=3, staff="ben")
    assert len(audit_rows()) == 1
    assert not m.Staff.select().where(m.Staff.username == "ben").exists()  # rolled back


def test_save_notes_length_limit(imported):
    pid = imported["C-1001"]
    with pytest.raises(ValidationError):
        save_notes(pid, "x" * (NOTES_MAX_CHARS + 1), expected_version=1, staff="amara")
    assert patient_detail(pid, TODAY).version == 1
    assert save_notes(pid, "x" * NOTES_MAX_CHARS, expected_version=1, staff="amara") == 2
    assert patient_detail(pid, TODAY).notes == "x" * NOTES_MAX_CHARS


def test_save_notes_of_a_missing_patient(imported):
    with pytest.raises(NotFound):
        save_notes(10**6, "hello", expected_version=1, staff="amara")


def test_save_notes_is_audited_without_the_text(imported):
    pid = imported["C-1002"]
    save_notes(pid, SECRET, expected_version=1, staff="carmen")
    (entry,) = audit_rows()
    assert (entry["entity"], entry["entity_id"]) == ("patient", pid)
    assert entry["staff"] == m.Staff.get(m.Staff.username == "carmen").id
    assert json.loads(entry["detail"]) == {"chars": len(SECRET)}
    for word in SECRET.split():
        assert word not in entry["detail"]
    all_audit = " ".join(str(v) for row in m.AuditEntry.select().dicts() for v in row.values())
    assert "sister" not in all_audit


def test_notes_keep_any_text(imported):
    pid = imported["C-1001"]
    text = "Núñez: «call after 5»\nline two\ttab — emoji 🙂 and 'quotes' \"too\"; DROP TABLE x;"
    save_notes(pid, text, expected_version=1, staff="amara")
    assert patient_detail(pid, TODAY).notes == text


# --- PostgreSQL: the same answers ---------------------------------------------------------------

def _pg_checks() -> list:
    results = []
    for as_of in (TODAY, FRIDAY, D(2026, 11, 26)):
        results.append(check_counts(as_of))
        check_date_sorted_lists(as_of)
        check_badges(as_of)
        for q in demo_queries(as_of):
            results.append((q, check_walks(q, sizes=(25,)) if as_of == TODAY else straight(q)))
    return results


def test_postgres_has_the_search_indexes(postgres_db):
    indexes = {name for (name,) in m.database.obj.execute_sql(
        "SELECT indexname FROM pg_indexes WHERE tablename = 'patient'")}
    assert {"patient_chart_upper", "patient_chart_value", "patient_search_key_trgm",
            "patient_phone_trgm"} <= indexes


def test_pager_and_counts_on_postgres(postgres_db, tmp_path):
    from frontdesk.services.clinic import close_clinic, open_clinic
    fill_demo(120, 5)
    on_postgres = _pg_checks()
    index_q = ListQuery(TODAY, search=parse_search("a", "US", TODAY))
    for position, row in enumerate(rows_at(index_q, 0, ALL_ROWS)):
        assert index_of(index_q, row.key) == position
    for text in ("nunez", "jose nunez", "une", "3/7/84", "(650) 253-0000", "0001", "C-100",
                 "n", "jose n", "1004", "%"):
        assert search(text) == reference_search(text), text
    close_clinic()
    open_clinic(str(tmp_path / "same.db"))
    fill_demo(120, 5)
    on_sqlite = _pg_checks()
    close_clinic()
    open_clinic(postgres_db)  # the fixture closes what is open
    assert on_postgres == on_sqlite
    assert sum(len(r[1]) for r in on_postgres if isinstance(r, tuple)) > 500
