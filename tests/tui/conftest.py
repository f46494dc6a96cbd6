"""Driving the real desk: a real SQLite file, a fixed clock, the app under Pilot."""

from __future__ import annotations

import pytest

from frontdesk import clock

from desk_support import BOARD_NOW, DESK_DAY, FIXTURES


@pytest.fixture
def desk_db(db_path):
    """A demo clinic of 200 patients as of DESK_DAY, plus the six hand-written patients of
    the v1 fixture (Núñez, O'Brien, Smith-Jones, Müller, Ødegaard, Nguyễn)."""
    from frontdesk.services.demo import generate_demo
    from frontdesk.services.importer import import_csv
    clock.set_today(DESK_DAY)
    generate_demo(patients=200, seed=1, today=DESK_DAY)
    import_csv(FIXTURES / "v1_patients.csv", None)
    return db_path


BOARD_PATIENTS = """patient_id,first_name,last_name,date_of_birth,phone,phase,phase_since,stabilization_target
C-1,Ana,Núñez,1984-03-07,(650) 253-0000,stabilization,2026-11-16,3
C-2,Ben,Okafor,1970-01-31,(650) 253-0001,maintenance,2026-06-01,
C-3,Cara,Smith,1990-05-05,(650) 253-0002,intake,2026-11-01,
C-4,Dan,Lee,1962-12-24,(650) 253-0003,maintenance,2026-03-01,
C-5,Eve,Walker,1977-07-07,(650) 253-0004,maintenance,2026-04-01,
C-6,Fay,Young,1988-08-08,(650) 253-0005,maintenance,2026-02-01,
"""
BOARD_APPOINTMENTS = """patient_id,start,kind,status,chair
C-1,2026-11-16T09:00,infusion,completed,Chair 1
C-1,2026-11-18T09:00,infusion,completed,Chair 1
C-1,2026-11-23T09:00,infusion,booked,Chair 1
C-2,2026-11-23T08:00,infusion,booked,Chair 2
C-3,2026-11-23T08:30,consult,booked,
C-4,2026-11-23T10:30,infusion,booked,Chair 1
C-5,2026-10-26T09:00,infusion,completed,Chair 3
C-6,2026-11-23T11:00,assessment,booked,
"""


@pytest.fixture
def board_db(db_path, tmp_path):
    """A small clinic on Monday BOARD_DAY at 09:05, six patients, six appointments that day:
    Ana Núñez is one infusion from the end of her series of 3, Eve Walker has none (a
    walk-in)."""
    from frontdesk.services.importer import import_csv
    patients, appointments = tmp_path / "p.csv", tmp_path / "a.csv"
    patients.write_text(BOARD_PATIENTS, encoding="utf-8")
    appointments.write_text(BOARD_APPOINTMENTS, encoding="utf-8")
    clock.set_now(BOARD_NOW)
    import_csv(str(patients), str(appointments))
    yield db_path
    clock.set_today(None)
