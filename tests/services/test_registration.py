"""Registering a caller (services.registration) on real databases: the form read with the
clinic's phone region and today's date, the likely duplicates shown first (same phone, or
same date of birth and a similar name), and the registration itself: the next chart number,
intake from today, the phase history's first row, the audit trail, the search indexes."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import pytest

from frontdesk import clock
from frontdesk.db import models as m
from frontdesk.db.bulk import insert_rows
from frontdesk.db.connection import write_transaction
from frontdesk.domain.model import Phase
from frontdesk.domain.registration import RegistrationInvalid
from frontdesk.domain.search import parse_search
from frontdesk.domain.validation import name_key
from frontdesk.services.importer import import_csv
from frontdesk.services.patients import ListPager, ListQuery
from frontdesk.services.registration import (PossibleDuplicate, Registered, likely_duplicates,
                                             parse_new_patient, register)

D = dt.date
P = m.Patient
TODAY = D(2026, 11, 21)  # the fixed clock of tests/conftest.py
NOW = dt.datetime(2026, 11, 21, 10, 30)
FIXTURES = Path(__file__).parent.parent / "fixtures"
FORM = {"first_name": "Jose", "last_name": "Nunez", "date_of_birth": "3/7/84",
        "phone": "650 253 9999", "email": ""}


@pytest.fixture(autouse=True)
def pinned_now():
    clock.set_now(NOW)
    yield NOW
    clock.set_now(None)


def add_patient(chart: str, first: str, last: str, born: D, phone: str,
                phase: Phase = Phase.MAINTENANCE) -> int:
    with write_transaction():
        return P.create(chart_number=chart, first_name=first, last_name=last,
                        search_key=name_key(first, last), date_of_birth=born, phone=phone,
                        phase=phase.value, phase_since=D(2026, 1, 1),
                        registered_on=D(2026, 1, 1), created_at=NOW, updated_at=NOW).id


def form(**changes: str):
    return parse_new_patient({**FORM, **changes})


def charts(found: list[PossibleDuplicate]) -> list[str]:
    return [d.chart for d in found]


# --- the form ---------------------------------------------------------------------------------

def test_the_form_is_read_with_the_clinics_region_and_today(db_path):
    new = form()
    assert (new.date_of_birth, new.phone, new.email) == (D(1984, 3, 7), "+16502539999", None)
    with pytest.raises(RegistrationInvalid) as caught:
        form(date_of_birth="2026-11-22", phone="020 7946 0958")  # tomorrow; a London number
    assert set(caught.value.problems) == {"date_of_birth", "phone"}
    with write_transaction():
        (m.ClinicSetting.update(value=json.dumps("GB"))
         .where(m.ClinicSetting.key == "phone_region").execute())
    london = form(date_of_birth="3/7/84", phone="020 7946 0958")
    assert (london.date_of_birth, london.phone) == (D(1984, 7, 3), "+442079460958")


# --- likely duplicates -------------------------------------------------------------------------

def test_the_same_phone_is_a_likely_duplicate_whoever_it_is(any_db):
    add_patient("C-1", "Maria", "Okafor", D(1990, 1, 1), "+16502539999")
    add_patient("C-2", "Ana", "Lee", D(1991, 2, 2), "+16502538888")
    found = likely_duplicates(form())
    assert found == [PossibleDuplicate(found[0].id, "C-1", "Okafor, Maria", D(1990, 1, 1),
                                       "(650) 253-9999", Phase.MAINTENANCE, True)]


@pytest.mark.parametrize(("first", "last", "typed_first", "typed_last"), [
    ("José", "Núñez", "Jose", "Nunez"),
    ("Jose", "Nunez", "José", "Núñez"),
    ("JOSÉ", "NÚÑEZ", "jose", "nunez"),
    ("Siobhán", "O’Brien", "Siobhan", "O'Brien"),
    ("Siobhan", "O'Brien", "Siobhán", "O’Brien"),
    ("Ana", "Nunez-Lopez", "Ana", "Nunez"),
])
def test_similar_name(any_db, first, last, typed_first, typed_last):
    """The same birthday and a similar name is a likely duplicate."""
    pid = add_patient("C-7", first, last, D(1984, 3, 7), "+16502530000")
    found = likely_duplicates(form(first_name=typed_first, last_name=typed_last))
    assert [(d.id, d.name, d.same_phone) for d in found] == [(pid, f"{last}, {first}", False)]


def test_who_is_not_a_likely_duplicate(any_db):
    add_patient("C-1", "José", "Núñez", D(1984, 3, 8), "+16502530000")   # a day apart
    add_patient("C-2", "Maria", "Okafor", D(1984, 3, 7), "+16502530001")  # another name
    add_patient("C-3", "Bo", "Nguyen", D(1950, 1, 1), "+16502530002")
    assert likely_duplicates(form()) == []


def test_duplicates_come_in_name_order_and_are_limited(any_db):
    for n, last in enumerate(["Nunez", "Núñez", "Abe", "Zed", "Nunes"]):
        add_patient(f"C-{n}", "Jose", last, D(1984, 3, 7), f"+1650253{n:04d}")
    add_patient("C-9", "Other", "Person", D(1999, 9, 9), "+16502539999")  # the phone
    found = likely_duplicates(form())
    assert [d.name for d in found] == ["Abe, Jose", "Nunes, Jose", "Nunez, Jose",
                                       "Núñez, Jose", "Person, Other", "Zed, Jose"]
    assert [d.same_phone for d in found] == [False, False, False, False, True, False]
    assert charts(likely_duplicates(form(), limit=2)) == ["C-2", "C-4"]


# --- registering ----------------------------------------------------------------------------------

def test_registering_writes_an_intake_patient_from_today(any_db):
    new = form(first_name="José", last_name="Núñez", email=" jose@example.com ")
    done = register(new, staff="amara")
    assert done == Registered(done.id, "C-000001", "Núñez, José", Phase.INTAKE)
    row = P.get_by_id(done.id)
    assert (row.chart_number, row.first_name, row.last_name, row.search_key, row.phone,
            row.email) == ("C-000001", "José", "Núñez", "nunez jose", "+16502539999",
                           "jose@example.com")
    assert (row.date_of_birth, row.phase, row.phase_since, row.registered_on) == (
        D(1984, 3, 7), "intake", TODAY, TODAY)
    assert (row.stabilization_target, row.maintenance_interval_months) == (6, 1)
    history = list(m.PhaseChange.select().where(m.PhaseChange.patient == done.id))
    assert [(h.from_phase, h.to_phase, h.reason, h.staff.username) for h in history] == [
        (None, "intake", "registered", "amara")]
    audit = m.AuditEntry.get(m.AuditEntry.action == "register")
    assert (audit.entity, audit.entity_id, audit.staff.username) == ("patient", done.id,
                                                                     "amara")
    assert not any(secret in audit.detail for secret in ("Núñez", "1984", "253"))


def test_a_registered_patient_is_found_by_every_search_at_once(any_db):
    done = register(form(first_name="José", last_name="Núñez"), staff="amara")
    for text in ("nunez", "José Núñez", "3/7/84", "(650) 253-9999", "C-000001", "1"):
        rows = ListPager(ListQuery(TODAY, search=parse_search(text, "US", TODAY))).page(0, 5)
        assert [r.id for r in rows] == [done.id], text


def test_chart_numbers_follow_the_highest(any_db):
    assert [register(form(phone=f"650 253 {n:04d}"), staff="a").chart
            for n in range(3)] == ["C-000001", "C-000002", "C-000003"]
    add_patient("C-000041", "Ann", "Abe", D(1980, 1, 1), "+16502530100")
    add_patient("X-99999", "Bo", "Bee", D(1980, 1, 1), "+16502530101")   # another scheme
    add_patient("C-77A", "Cy", "Cee", D(1980, 1, 1), "+16502530102")     # not C-<digits>
    assert register(form(), staff="a").chart == "C-000042"


def test_chart_numbers_after_an_imported_clinic(any_db):
    import_csv(FIXTURES / "v1_patients.csv", None)  # C-1001 .. C-1006
    assert register(form(), staff="a").chart == "C-001007"
    assert register(form(phone="650 253 1111"), staff="a").chart == "C-001008"


def test_a_chart_number_is_never_given_twice_in_another_writing(any_db):
    """C-1 .. C-1001 imported unpadded (C-999 sorts after C-1000): the next is not C-001000,
    the same number as C-1000 (a search for 1000 would find two patients)."""
    with write_transaction():
        insert_rows(P, ["chart_number", "first_name", "last_name", "search_key",
                        "date_of_birth", "phone", "phase", "phase_since", "registered_on",
                        "created_at", "updated_at"],
                    [(f"C-{n}", "Ann", f"Abe{n}", f"abe{n} ann", D(1980, 1, 1),
                      f"+1650253{n:04d}", "maintenance", D(2026, 1, 1), D(2026, 1, 1), NOW, NOW)
                     for n in range(1, 1002)])
    done = register(form(), staff="a")
    assert int(done.chart[2:]) == 1002
    rows = ListPager(ListQuery(TODAY, search=parse_search(done.chart[2:].lstrip("0"), "US",
                                                          TODAY))).page(0, 5)
    assert [r.id for r in rows] == [done.id]


def test_two_desks_registering_at_once_get_two_chart_numbers(any_db):
    start = threading.Barrier(2)
    done: list[Registered] = []

    def desk(phone: str) -> None:
        start.wait()
        try:
            done.append(register(form(phone=phone), staff="desk"))
        finally:
            m.database.obj.close()

    threads = [threading.Thread(target=desk, args=(p,)) for p in ("650 253 1000",
                                                                 "650 253 2000")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(r.chart for r in done) == ["C-000001", "C-000002"]
    assert P.select().count() == 2
