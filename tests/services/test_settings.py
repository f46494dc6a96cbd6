"""The settings file meets the database: written from it, pushed into it when edited, and never
reverting what another desk changed."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import tomllib
from pathlib import Path

import pytest

from frontdesk import config
from frontdesk.db import models as m
from frontdesk.domain.clinic import ClinicSettings
from frontdesk.domain.model import Kind
from frontdesk.services.clinic import active_chair_names, clinic_settings
from frontdesk.services.settings import database_key, sync_settings_file


class Desk:
    """One computer: its own settings file and state file, against the open database."""

    def __init__(self, folder: Path, staff: str):
        self.path = folder / "config" / "config.toml"
        self.state = folder / "state" / "settings-applied.json"
        self.staff = staff

    def sync(self, **kw):
        return sync_settings_file(path=self.path, state_path=self.state, **kw)

    def edit(self, old: str, new: str) -> None:
        text = self.path.read_text(encoding="utf-8")
        assert re.search(old, text, flags=re.M), old
        self.path.write_text(re.sub(old, new, text, count=1, flags=re.M), encoding="utf-8")

    def write(self, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(text, encoding="utf-8")


@pytest.fixture
def desk_a(db_path, tmp_path) -> Desk:
    return Desk(tmp_path / "a", "amara")


@pytest.fixture
def desk_b(db_path, tmp_path) -> Desk:
    return Desk(tmp_path / "b", "ben")


def chairs_in_db(db_path) -> list[tuple[str, int, bool]]:
    with sqlite3.connect(db_path) as con:
        return [(n, p, bool(a)) for n, p, a in
                con.execute("SELECT name, position, active FROM chair ORDER BY id")]


def audit_rows() -> list[tuple[str, str, dict]]:
    query = (m.AuditEntry.select(m.AuditEntry.action, m.Staff.username, m.AuditEntry.detail)
             .join(m.Staff).where(m.AuditEntry.action == "update_settings")
             .order_by(m.AuditEntry.id))
    return [(a, s, json.loads(d)) for a, s, d in query.tuples()]


def test_a_missing_file_is_written_from_the_database(desk_a):
    result = desk_a.sync()
    assert result.created and not result.pushed
    assert result.clinic == ClinicSettings() == clinic_settings()
    assert result.chairs == ("Chair 1", "Chair 2", "Chair 3", "Chair 4")
    assert result.desk == config.DeskSettings()
    text = desk_a.path.read_text(encoding="utf-8")
    assert "# Infusion chairs, in display order." in text
    assert tomllib.loads(text)["clinic"]["chairs"] == list(result.chairs)
    assert config.read_settings_file(desk_a.path).clinic.over(ClinicSettings(name="x")) == \
        ClinicSettings()
    state = json.loads(desk_a.state.read_text())
    assert list(state["applied"]) == [database_key()]
    assert audit_rows() == []
    again = desk_a.sync()  # nothing to do the second time
    assert not again.created and not again.pushed and again.clinic == result.clinic


def test_the_file_describes_the_database_as_it_is(desk_a):
    m.ClinicSetting.update(value=json.dumps("Sunrise")).where(
        m.ClinicSetting.key == "name").execute()
    m.Chair.update(active=False).where(m.Chair.name == "Chair 2").execute()
    desk_a.sync()
    clinic = tomllib.loads(desk_a.path.read_text(encoding="utf-8"))["clinic"]
    assert clinic["name"] == "Sunrise"
    assert clinic["chairs"] == ["Chair 1", "Chair 3", "Chair 4"]


def test_an_edited_file_is_pushed_into_the_database(desk_a, db_path):
    desk_a.sync()
    desk_a.edit(r'^name = .*$', 'name = "Sunrise Ketamine"')
    desk_a.edit(r'^phone_region = .*$', 'phone_region = "GB"')
    desk_a.edit(r'^chairs = .*$', 'chairs = ["Recliner", "chair 3", "Chair 1"]')
    desk_a.edit(r'^open_days = .*$', 'open_days = ["mon", "wed", "sat"]')
    desk_a.edit(r'^opens = .*$', 'opens = "07:30"')
    desk_a.edit(r'^closes = .*$', 'closes = "16:00"')
    desk_a.edit(r'^infusion = .*$', "infusion = 120")
    desk_a.edit(r'^staff = .*$', 'staff = "amara"')

    result = desk_a.sync()

    assert result.pushed and not result.created
    expected = ClinicSettings(name="Sunrise Ketamine", open_weekdays=(0, 2, 5),
                              opens=dt.time(7, 30), closes=dt.time(16, 0), phone_region="GB",
                              durations={Kind.CONSULT: 60, Kind.INFUSION: 120,
                                         Kind.ASSESSMENT: 30})
    assert clinic_settings() == expected == result.clinic
    assert active_chair_names() == ["Recliner", "chair 3", "Chair 1"] == list(result.chairs)
    # chairs left out are retired, not deleted: appointments refer to them
    assert chairs_in_db(db_path) == [("Chair 1", 3, True), ("Chair 2", 2, False),
                                     ("chair 3", 2, True), ("Chair 4", 4, False),
                                     ("Recliner", 1, True)]
    [(action, staff, detail)] = audit_rows()
    assert staff == "amara"
    assert detail["changed"] == ["closes", "durations", "name", "open_weekdays", "opens",
                                 "phone_region"]
    assert detail["chairs_added"] == ["Recliner"]
    assert detail["chairs_retired"] == ["Chair 2", "Chair 4"]
    assert detail["chairs_renamed"] == ["Chair 3 -> chair 3"]

    # a retired chair comes back when it is named again
    desk_a.edit(r'^chairs = .*$', 'chairs = ["Chair 1", "Chair 2"]')
    desk_a.sync()
    assert active_chair_names() == ["Chair 1", "Chair 2"]
    assert audit_rows()[-1][2]["chairs_reactivated"] == ["Chair 2"]
    assert len(chairs_in_db(db_path)) == 5


def test_layout_and_comment_edits_push_nothing(desk_a):
    desk_a.sync()
    desk_a.edit(r"^# The clinic's name.*$", "# renamed comment\n\n")
    desk_a.edit(r'^opens = "08:00"$', 'opens   =   "08:00"    # early')
    assert not desk_a.sync().pushed
    assert audit_rows() == []


def test_an_old_unedited_file_never_reverts_another_desks_change(desk_a, desk_b):
    desk_a.sync()
    desk_b.sync()   # both desks have files written from the same database
    desk_a.edit(r'^chairs = .*$', 'chairs = ["Chair 1", "Chair 2", "Chair 3"]')
    desk_a.edit(r'^closes = .*$', 'closes = "17:00"')
    assert desk_a.sync().pushed

    result = desk_b.sync()   # desk B's file still says four chairs and 18:00

    assert not result.pushed
    assert active_chair_names() == ["Chair 1", "Chair 2", "Chair 3"] == list(result.chairs)
    assert clinic_settings().closes == dt.time(17, 0) == result.clinic.closes
    assert "Chair 4" in desk_b.path.read_text()  # desk B's own file is not rewritten

    # when desk B edits its file, its [clinic] table is what the clinic gets
    desk_b.edit(r'^name = .*$', 'name = "Desk B was here"')
    assert desk_b.sync().pushed
    assert clinic_settings().name == "Desk B was here"
    assert clinic_settings().closes == dt.time(18, 0)  # the whole table, as desk B has it
    assert active_chair_names() == ["Chair 1", "Chair 2", "Chair 3", "Chair 4"]
    assert [staff for _, staff, _ in audit_rows()] == [config.login_name(), config.login_name()]
    assert not desk_a.sync().pushed  # and desk A, unedited since, does not push back


def test_a_partial_clinic_table_changes_only_what_it_names(desk_a):
    m.ClinicSetting.update(value=json.dumps("Sunrise")).where(
        m.ClinicSetting.key == "name").execute()
    desk_a.write('[clinic]\nopens = "09:00"\n\n[clinic.durations]\nconsult = 45\n\n'
                 '[desk]\nstaff = "carmen"\n')

    result = desk_a.sync()   # a file written by a person is pushed on first sight

    assert result.pushed and not result.created
    assert clinic_settings() == ClinicSettings(
        name="Sunrise", opens=dt.time(9, 0),
        durations={Kind.CONSULT: 45, Kind.INFUSION: 90, Kind.ASSESSMENT: 30})
    assert active_chair_names() == ["Chair 1", "Chair 2", "Chair 3", "Chair 4"]
    [(_, staff, detail)] = audit_rows()
    assert staff == "carmen" and detail["changed"] == ["durations", "opens"]
    assert "chairs" not in detail


def test_a_file_without_clinic_keeps_the_database(desk_a):
    desk_a.write('[desk]\ntheme = "textual-light"\n')
    result = desk_a.sync()
    assert not result.pushed and result.desk.theme == "textual-light"
    assert clinic_settings() == ClinicSettings()


def test_closing_before_the_databases_opening_is_refused_and_nothing_changes(desk_a):
    desk_a.sync()
    m.ClinicSetting.update(value=json.dumps("10:00")).where(
        m.ClinicSetting.key == "opens").execute()
    desk_a.write('[clinic]\ncloses = "09:30"\n')
    with pytest.raises(config.SettingsFileError,
                       match="clinic.closes 09:30 is not after clinic.opens 10:00"):
        desk_a.sync()
    assert clinic_settings().closes == dt.time(18, 0)


def test_a_bad_file_is_refused_before_anything_is_written(desk_a):
    desk_a.write('[clinic]\nchairs = []\n')
    with pytest.raises(config.SettingsFileError, match="clinic.chairs cannot be empty"):
        desk_a.sync()
    assert not desk_a.state.exists()
    assert active_chair_names() == ["Chair 1", "Chair 2", "Chair 3", "Chair 4"]


def test_an_unedited_file_is_not_pushed_into_another_database(desk_a, tmp_path):
    from frontdesk.services.clinic import close_clinic, open_clinic
    m.ClinicSetting.update(value=json.dumps("Sunrise")).where(
        m.ClinicSetting.key == "name").execute()
    desk_a.sync()                       # written from the first database
    close_clinic()
    open_clinic(str(tmp_path / "other.db"))
    result = desk_a.sync()              # describes that one: not a wish for this one
    assert not result.pushed and clinic_settings().name == "Ketamine Clinic"
    desk_a.edit(r'^opens = .*$', 'opens = "09:00"')
    result = desk_a.sync()              # edited: the whole [clinic] table is this desk's wish
    assert result.pushed and clinic_settings().name == "Sunrise"
    assert clinic_settings().opens == dt.time(9)


def test_a_recreated_database_gets_the_edited_file_again(desk_a, db_path):
    from frontdesk.services.clinic import close_clinic, open_clinic
    desk_a.sync()
    desk_a.edit(r'^name = .*$', 'name = "Sunrise"')
    assert desk_a.sync().pushed
    close_clinic()
    for stale in db_path.parent.glob(db_path.name + "*"):
        stale.unlink()
    open_clinic(str(db_path))           # a new database at the same place (a fresh demo)
    m.SchemaInfo.update(value="2000-01-01T00:00:00").where(
        m.SchemaInfo.key == "created_at").execute()  # created in another second
    assert clinic_settings().name == "Ketamine Clinic"
    assert desk_a.sync().pushed
    assert clinic_settings().name == "Sunrise"


def test_a_demo_clinic_writes_a_new_clinics_file_and_keeps_its_chairs(desk_a):
    from frontdesk.services.demo import generate_demo
    generate_demo(patients=400, seed=1, today=dt.date(2026, 11, 20))
    demo_chairs = active_chair_names()
    assert len(demo_chairs) == 5

    result = desk_a.sync(demo=True)

    assert result.created and not result.pushed
    assert result.chairs == tuple(demo_chairs) == tuple(active_chair_names())
    file = config.read_settings_file(desk_a.path)
    assert file.clinic.chairs == ("Chair 1", "Chair 2", "Chair 3", "Chair 4")


def test_a_read_only_config_folder_still_gives_a_desk(desk_a, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError("read-only")
    monkeypatch.setattr(config, "write_settings_file", refuse)
    result = desk_a.sync()
    assert not result.created and result.clinic == ClinicSettings()
    assert not desk_a.path.exists()


def test_a_broken_state_file_counts_as_none(desk_a):
    desk_a.sync()
    desk_a.state.write_text("{not json", encoding="utf-8")
    assert not desk_a.sync().pushed     # the file agrees with the database: nothing to do
    assert json.loads(desk_a.state.read_text())["applied"]


def test_the_default_locations_follow_the_user_folders(user_dirs, db_path):
    result = sync_settings_file()
    assert result.path == Path(user_dirs["XDG_CONFIG_HOME"]) / "frontdesk" / "config.toml"
    assert result.path.exists()
    assert (Path(user_dirs["XDG_STATE_HOME"]) / "frontdesk" / "settings-applied.json").exists()


def test_postgres_database_key_has_no_password(postgres_url):
    from frontdesk.db.connection import make_database
    db = make_database(postgres_url.replace("postgres@", "postgres:secret@") + "/clinic")
    saved = m.database.obj
    m.database.initialize(db)
    try:
        key = database_key()
    finally:
        m.database.initialize(saved)
    assert "secret" not in key and key.startswith("postgresql://postgres@127.0.0.1:")
    assert key.endswith("/clinic")
