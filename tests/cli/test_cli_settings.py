"""The settings file through the real command: created on first use, refused in one line when
bad, and an edit reaching what the commands compute."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from cli_support import APPOINTMENT_HEADER, PATIENT_HEADER, appointment, one_line_error, \
    patient, query, write_csv

MONDAY = "2026-11-23"


@pytest.fixture
def settings_file(user_dirs) -> Path:
    return Path(user_dirs["XDG_CONFIG_HOME"]) / "frontdesk" / "config.toml"


def edit(path: Path, pattern: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert re.search(pattern, text, flags=re.M), pattern
    path.write_text(re.sub(pattern, new, text, count=1, flags=re.M), encoding="utf-8")


def test_the_first_command_writes_the_settings_file(cli, settings_file):
    assert not settings_file.exists()
    result = cli("census", "--format", "json")
    assert result.code == 0, result.err
    assert result.err == ""
    json.loads(result.out)
    text = settings_file.read_text(encoding="utf-8")
    assert text.startswith("# frontdesk settings")
    settings = tomllib.loads(text)
    assert settings["clinic"]["name"] == "Ketamine Clinic"
    assert settings["clinic"]["chairs"] == ["Chair 1", "Chair 2", "Chair 3", "Chair 4"]
    assert settings["clinic"]["durations"] == {"consult": 60, "infusion": 90, "assessment": 30}
    assert settings["desk"]["theme"] == "textual-dark" and settings["desk"]["staff"]


@pytest.mark.parametrize("text, problem", [
    ("[clinic\n", "is not valid TOML"),
    ('[clinic]\nopens = "8am"\n', 'clinic.opens must be a time written HH:MM'),
    ('[clinic]\nchairs = ["A", "a"]\n', 'clinic.chairs names "A" twice'),
])
def test_a_bad_settings_file_is_one_line_and_exit_2(cli, settings_file, db, text, problem):
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text(text, encoding="utf-8")
    result = cli("lists", "--format", "json")
    assert result.code == 2
    line = one_line_error(result)
    assert line.startswith(f"frontdesk: settings file {settings_file}")
    assert problem in line
    assert result.out == ""


def test_changed_hours_and_chairs_change_the_census(cli, settings_file, db, tmp_path):
    patients = write_csv(tmp_path / "p.csv", PATIENT_HEADER,
                         [patient("C-1", phase="stabilization", since="2026-11-16")])
    appointments = write_csv(tmp_path / "a.csv", APPOINTMENT_HEADER,
                             [appointment("C-1", f"{MONDAY}T09:00", chair="Chair 1")])
    assert cli("import", "--patients", str(patients),
               "--appointments", str(appointments)).code == 0

    def utilization() -> float:
        result = cli("census", "--on", MONDAY, "--format", "json")
        assert result.code == 0, result.err
        return json.loads(result.out)["chair_utilization"]

    assert utilization() == round(90 / (4 * 600), 4)   # 4 chairs, 08:00-18:00

    edit(settings_file, r"^closes = .*$", 'closes = "13:00"')
    edit(settings_file, r"^chairs = .*$", 'chairs = ["Chair 1", "Chair 2"]')
    edit(settings_file, r"^name = .*$", 'name = "Sunrise Ketamine"')
    edit(settings_file, r"^staff = .*$", 'staff = "amara"')
    assert utilization() == round(90 / (2 * 300), 4)   # 2 chairs, 08:00-13:00

    assert query(db, "SELECT name, active FROM chair ORDER BY id") == [
        ("Chair 1", 1), ("Chair 2", 1), ("Chair 3", 0), ("Chair 4", 0)]
    assert query(db, "SELECT value FROM clinic_setting WHERE key = 'name'") == [
        ('"Sunrise Ketamine"',)]
    assert query(db, "SELECT s.username FROM audit_entry a JOIN staff s ON s.id = a.staff_id "
                     "WHERE a.action = 'update_settings'") == [("amara",)]

    # another desk (its own config and state folders) with no file gets today's settings
    other = {"XDG_CONFIG_HOME": str(tmp_path / "b-config"),
             "XDG_STATE_HOME": str(tmp_path / "b-state")}
    assert cli("census", "--on", MONDAY, env=other).code == 0
    b_file = tomllib.loads((tmp_path / "b-config" / "frontdesk" / "config.toml").read_text())
    assert b_file["clinic"]["chairs"] == ["Chair 1", "Chair 2"]
    assert b_file["clinic"]["closes"] == "13:00"
    assert b_file["clinic"]["name"] == "Sunrise Ketamine"


def test_phone_region_from_the_file_reaches_the_import(cli, settings_file, tmp_path):
    assert cli("census").code == 0
    edit(settings_file, r"^phone_region = .*$", 'phone_region = "GB"')
    patients = write_csv(tmp_path / "p.csv", PATIENT_HEADER,
                         [patient("C-1", phone="020 7946 0958")])
    result = cli("import", "--patients", str(patients))
    assert result.code == 0, result.err
