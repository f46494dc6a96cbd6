"""Chairs in an import: new ones created in natural order after the clinic's own; which
appointments hold one (domain.model.holds_chair); the database's one check of the load."""

from __future__ import annotations

import datetime as dt

import pytest
from peewee import IntegrityError

from frontdesk.db import models as m
from frontdesk.db.chair_guard import is_chair_taken
from frontdesk.db.connection import write_transaction
from frontdesk.domain.model import Kind, Status, holds_chair
from frontdesk.services import importer
from frontdesk.services.clinic import active_chair_names
from frontdesk.services.importer import ImportRejected, import_csv
from guard_support import guard_in_place


def test_new_chairs_follow_in_natural_order(db_path, tmp_path, frontdesk):
    patients = tmp_path / "p.csv"
    patients.write_text("patient_id,first_name,last_name,date_of_birth,phone,phase,phase_since\n"
                        "C-1,Ana,Abe,1980-01-01,650 253 0000,maintenance,2026-01-01\n",
                        encoding="utf-8")
    chairs = ["Chair 10", "Recliner", "Chair 5", "Chair 9", "Chair 6", "Chair 7", "Chair 8",
              "chair 2", "RECLINER"]  # other spellings of known chairs are those chairs
    appointments = tmp_path / "a.csv"
    appointments.write_text("patient_id,start,kind,status,chair\n" + "".join(
        f"C-1,2026-10-{day:02d}T09:00,infusion,completed,{chair}\n"
        for day, chair in enumerate(chairs, start=1)), encoding="utf-8")

    summary = import_csv(patients, appointments)

    assert summary.chairs_created == ("Chair 5", "Chair 6", "Chair 7", "Chair 8", "Chair 9",
                                      "Chair 10", "Recliner")
    assert active_chair_names() == [f"Chair {n}" for n in range(1, 11)] + ["Recliner"]

    # the command says how many, without listing a chain's every chair
    other = tmp_path / "other.db"
    result = frontdesk("--db", str(other), "import", "--patients", str(patients),
                       "--appointments", str(appointments))
    assert result.code == 0
    assert result.out.strip().endswith(
        "new chairs: Chair 5, Chair 6, Chair 7, Chair 8, Chair 9 and 2 more")


# --- the chair rule: domain.model.holds_chair, and the database's own check of the load -------

PATIENTS_CSV = ("patient_id,first_name,last_name,date_of_birth,phone,phase,phase_since\n"
                "C-1,Ana,Abe,1980-01-01,650 253 0000,maintenance,2026-01-01\n"
                "C-2,Ben,Bo,1981-01-01,650 253 0001,maintenance,2026-01-01\n")


def _files(tmp_path, *rows: str):
    patients, appointments = tmp_path / "p.csv", tmp_path / "a.csv"
    patients.write_text(PATIENTS_CSV, encoding="utf-8")
    appointments.write_text("patient_id,start,kind,status,chair\n" + "".join(
        row + "\n" for row in rows), encoding="utf-8")
    return patients, appointments


def _nothing_stored() -> None:
    assert m.Patient.select().count() == 0
    assert m.Appointment.select().count() == 0
    assert m.PhaseChange.select().count() == 0


KIND_STATUS = [(kind, status) for kind in Kind for status in Status]


@pytest.mark.parametrize(("kind", "status"), KIND_STATUS)
def test_what_holds_a_chair_in_an_import_is_the_domain_rule(db_path, tmp_path, kind, status):
    """Two appointments at once in one chair, one a booked infusion: refused exactly when
    the other holds its chair by domain.model.holds_chair."""
    files = _files(tmp_path, "C-1,2026-11-23T09:00,infusion,booked,Chair 1",
                   f"C-2,2026-11-23T09:30,{kind},{status},Chair 1")
    if holds_chair(kind, status, "Chair 1"):
        with pytest.raises(ImportRejected) as caught:
            import_csv(*files)
        assert [(p.line, "Chair 1" in p.reason) for p in caught.value.problems] == [(3, True)]
        _nothing_stored()
    else:
        assert import_csv(*files).appointments == 2
    assert guard_in_place()


def test_the_database_checks_the_load_itself(any_db, tmp_path, monkeypatch):
    """Were the import's own reading of the rows wrong, the load's one check in the
    database (its own transaction) still refuses it whole, and the guard stays."""
    monkeypatch.setattr(importer, "_check_chair_overlaps", lambda *args: None)
    files = _files(tmp_path, "C-1,2026-11-23T09:00,infusion,booked,Chair 1",
                   "C-2,2026-11-23T10:00,infusion,completed,chair 1")
    with pytest.raises(IntegrityError) as caught:
        import_csv(*files)
    assert is_chair_taken(caught.value)
    _nothing_stored()
    assert guard_in_place()
    monkeypatch.undo()
    files = _files(tmp_path, "C-1,2026-11-23T09:00,infusion,booked,Chair 1",
                   "C-2,2026-11-23T10:30,infusion,completed,chair 1")
    assert import_csv(*files).appointments == 2
    assert guard_in_place()
    with pytest.raises(IntegrityError) as caught:   # a later single write: still guarded
        with write_transaction():
            first = m.Appointment.get(m.Appointment.start == dt.datetime(2026, 11, 23, 9))
            m.Appointment.insert(**{k: v for k, v in first.__data__.items() if k != "id"}
                                 ).execute()
    assert is_chair_taken(caught.value)
