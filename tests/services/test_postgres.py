"""The same services on PostgreSQL give exactly what they give on SQLite."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given

from frontdesk.domain.lists import compute_lists
from frontdesk.services import reports
from frontdesk.services.census import census
from frontdesk.services.clinic import close_clinic, open_clinic
from frontdesk.services.importer import import_csv
from frontdesk.services.lists import desk_lists

from test_lists_agree import _store, clinics, examples

FIXTURES = Path(__file__).parent.parent / "fixtures"
DATES = [dt.date(2026, 11, 21), dt.date(2026, 11, 19), dt.date(2026, 7, 15),
         dt.date(2026, 12, 31)]


def _everything() -> list[dict]:
    import_csv(FIXTURES / "v1_patients.csv", FIXTURES / "v1_appointments.csv")
    return [(reports.lists_dict(desk_lists(d)), reports.census_dict(census(d))) for d in DATES]


def test_lists_and_census_match_sqlite(postgres_db, tmp_path):
    on_postgres = _everything()
    close_clinic()
    open_clinic(str(tmp_path / "same.db"))
    on_sqlite = _everything()
    close_clinic()
    open_clinic(postgres_db)  # the fixture closes what is open
    assert on_postgres == on_sqlite
    assert any(lists["mid_stabilization"] for lists, _ in on_postgres)  # not vacuous


@examples(40)
@given(clinic=clinics())
def test_sql_lists_agree_with_the_rules_on_postgres(postgres_db, clinic):
    patients, as_of = clinic
    _store(patients)
    assert desk_lists(as_of) == compute_lists(patients, as_of)
