"""Driving the real desk: a real SQLite file, a fixed clock, the app under Pilot."""

from __future__ import annotations

import pytest

from frontdesk import clock

from desk_support import DESK_DAY, FIXTURES


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
