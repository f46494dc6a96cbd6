"""Driving the real desk: a real SQLite file, a fixed clock, the app under Pilot."""

from __future__ import annotations

import inspect
import shutil
from pathlib import Path

import pytest

from frontdesk import clock

from clinic_files import closed_clinic_file, copy_clinic
from desk_support import BOARD_NOW, DESK_DAY, FIXTURES, steady_cursors


@pytest.fixture
def snap_compare(snap_compare):
    """pytest-textual-snapshot's snap_compare, with the text boxes' cursors shown steadily in
    the picture (desk_support.steady_cursors) whatever the test did before."""
    def compare(app, press=(), terminal_size=(80, 24), run_before=None):
        async def before(pilot):
            if run_before is not None:
                result = run_before(pilot)
                if inspect.isawaitable(result):
                    await result
            steady_cursors(pilot.app)
        return snap_compare(app, press=press, terminal_size=terminal_size, run_before=before)
    return compare


def _seeded(tmp_path_factory, empty_clinic_file, name: str, seed) -> Path:
    """An empty clinic's copy, seeded by `seed()` and closed, made once per test process."""
    from frontdesk.services.clinic import open_clinic
    path = tmp_path_factory.mktemp(name) / "clinic.db"
    shutil.copyfile(empty_clinic_file, path)
    open_clinic(str(path))
    try:
        seed(path.parent)
    finally:
        clock.set_today(None)
    return closed_clinic_file(path)


def _reopen_as(template: Path, db_path: Path) -> None:
    """The test's clinic file (db_path, open and empty) replaced by a copy of `template`."""
    from frontdesk.services.clinic import close_clinic
    close_clinic()
    copy_clinic(template, db_path)


@pytest.fixture(scope="session")
def desk_clinic_file(tmp_path_factory, empty_clinic_file) -> Path:
    def seed(_folder):
        from frontdesk.services.demo import generate_demo
        from frontdesk.services.importer import import_csv
        clock.set_today(DESK_DAY)
        generate_demo(patients=200, seed=1, today=DESK_DAY)
        import_csv(FIXTURES / "v1_patients.csv", None)
    return _seeded(tmp_path_factory, empty_clinic_file, "desk-clinic", seed)


@pytest.fixture
def desk_db(db_path, desk_clinic_file):
    """A demo clinic of 200 patients as of DESK_DAY, plus the six hand-written patients of
    the v1 fixture (Núñez, O'Brien, Smith-Jones, Müller, Ødegaard, Nguyễn). Seeded once per
    test process (desk_clinic_file), copied for each test."""
    _reopen_as(desk_clinic_file, db_path)
    clock.set_today(DESK_DAY)
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


@pytest.fixture(scope="session")
def board_clinic_file(tmp_path_factory, empty_clinic_file) -> Path:
    def seed(folder):
        from frontdesk.services.importer import import_csv
        patients, appointments = folder / "p.csv", folder / "a.csv"
        patients.write_text(BOARD_PATIENTS, encoding="utf-8")
        appointments.write_text(BOARD_APPOINTMENTS, encoding="utf-8")
        clock.set_now(BOARD_NOW)
        import_csv(str(patients), str(appointments))
    return _seeded(tmp_path_factory, empty_clinic_file, "board-clinic", seed)


@pytest.fixture
def board_db(db_path, board_clinic_file):
    """A small clinic on Monday BOARD_DAY at 09:05, six patients, six appointments that day:
    Ana Núñez is one infusion from the end of her series of 3, Eve Walker has none (a
    walk-in). Imported once per test process (board_clinic_file), copied for each test."""
    _reopen_as(board_clinic_file, db_path)
    clock.set_now(BOARD_NOW)
    yield db_path
    clock.set_today(None)


@pytest.fixture
def started(monkeypatch) -> list[str]:
    """The name of every worker the app adds, in order."""
    from textual.worker_manager import WorkerManager
    names: list[str] = []
    add_worker = WorkerManager.add_worker

    def counting(self, worker, start=True, exclusive=True):
        names.append(worker.name)
        return add_worker(self, worker, start, exclusive)

    monkeypatch.setattr(WorkerManager, "add_worker", counting)
    return names
