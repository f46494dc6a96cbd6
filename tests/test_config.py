"""This desk's settings file and the database target rules."""

from __future__ import annotations

import pytest

from frontdesk import config


def test_missing_file_gives_defaults(tmp_path):
    assert config.load_desk_settings(tmp_path / "none.toml") == config.DeskSettings()


def test_desk_table_is_read(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[desk]\ntheme = "textual-light"\n')
    assert config.load_desk_settings(path) == config.DeskSettings("textual-light")


@pytest.mark.parametrize("text, message", [
    ("[desk\n", "is not valid TOML"),
    ('[desk]\ncolour = "red"\n', "unknown setting desk.colour"),
    ('[desk]\ntheme = 5\n', "desk.theme must be text"),
])
def test_bad_files_are_named_with_the_problem(tmp_path, text, message):
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(config.SettingsFileError, match=message) as caught:
        config.load_desk_settings(path)
    assert str(path) in str(caught.value)


def test_db_target_precedence(monkeypatch, user_dirs):
    assert config.choose_db_target(None) == str(config.default_db_path())
    assert config.default_db_path().is_relative_to(user_dirs["XDG_DATA_HOME"])
    monkeypatch.setenv("FRONTDESK_DB", "/env.db")
    assert config.choose_db_target(None) == "/env.db"
    assert config.choose_db_target("/flag.db") == "/flag.db"


# --- the settings file: format, [clinic] and [desk] checks --------------------------------------

import datetime as dt  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tomllib  # noqa: E402

from frontdesk.domain.clinic import DEFAULT_CHAIRS, ClinicSettings  # noqa: E402
from frontdesk.domain.model import Kind  # noqa: E402


def test_a_new_file_describes_the_clinic_with_a_comment_on_every_key(tmp_path):
    text = config.render_settings(ClinicSettings(), DEFAULT_CHAIRS,
                                  config.DeskSettings(staff="amara"))
    lines = text.splitlines()
    assert lines[0].startswith("# frontdesk settings")
    is_key = lambda line: bool(line) and not line.startswith(("#", " ", "]"))  # or [table]
    for number, line in enumerate(lines):
        if is_key(line) and not line.startswith("["):  # a key and the keys just above share
            above = number - 1                         # the comment above them
            while is_key(lines[above]):
                above -= 1
            assert lines[above].startswith("#"), line
    assert tomllib.loads(text) == {
        "clinic": {"name": "Ketamine Clinic", "phone_region": "US",
                   "chairs": ["Chair 1", "Chair 2", "Chair 3", "Chair 4"],
                   "open_days": ["mon", "tue", "wed", "thu", "fri"],
                   "opens": "08:00", "closes": "18:00",
                   "durations": {"consult": 60, "infusion": 90, "assessment": 30}},
        "desk": {"theme": "textual-dark", "staff": "amara", "wait_alert_minutes": 15}}
    parsed = config.parse_settings(text, tmp_path / "config.toml")
    assert parsed.clinic.over(ClinicSettings(name="Other", phone_region="GB")) == ClinicSettings()
    assert parsed.clinic.chairs == DEFAULT_CHAIRS
    assert parsed.desk == config.DeskSettings("textual-dark", "amara", 15)


@pytest.mark.parametrize("value", ["0", "241", "\"15\"", "15.5", "true"])
def test_the_wait_alert_is_whole_minutes_from_1_to_240(tmp_path, value):
    with pytest.raises(config.SettingsFileError, match="wait_alert_minutes"):
        config.parse_settings(f"[desk]\nwait_alert_minutes = {value}\n", tmp_path / "c.toml")
    assert config.parse_settings("[desk]\nwait_alert_minutes = 240\n",
                                 tmp_path / "c.toml").desk.wait_alert_minutes == 240


def test_any_text_survives_the_round_trip(tmp_path):
    odd = 'Dr. "Ó Súilleabháin" \\ Clinic\t#1 \x7f ✓'
    chairs = [f"Chair {n}" for n in range(1, 13)] + ["Recliner 'B'"]
    text = config.render_settings(ClinicSettings(name=odd, opens=dt.time(7, 30),
                                                 open_weekdays=(5, 0, 2)), chairs)
    parsed = config.parse_settings(text, tmp_path / "c.toml").clinic
    assert parsed.name == odd.strip()
    assert parsed.chairs == tuple(chairs)
    assert parsed.open_weekdays == (0, 2, 5) and parsed.opens == dt.time(7, 30)
    assert max(len(line) for line in text.splitlines()) <= 92  # long lists wrap


def test_the_digest_ignores_layout_and_comments(tmp_path):
    a = config.parse_settings('[clinic]\nname = "A"\nopen_days = ["tue", "mon"]\n', tmp_path)
    b = config.parse_settings('# hi\n[clinic]\nopen_days = [ "Mon","TUE" ]  # x\nname="A"\n',
                              tmp_path)
    c = config.parse_settings('[clinic]\nname = "B"\nopen_days = ["tue", "mon"]\n', tmp_path)
    assert a.clinic.digest() == b.clinic.digest() != c.clinic.digest()


def test_a_partial_clinic_table_keeps_the_other_values(tmp_path):
    parsed = config.parse_settings('[clinic.durations]\ninfusion = 120\n', tmp_path).clinic
    assert parsed.canonical() == {"durations": {"infusion": 120}}
    current = ClinicSettings(name="Mine", phone_region="GB")
    merged = config.merge_clinic(parsed, current, tmp_path)
    assert merged.name == "Mine" and merged.phone_region == "GB"
    assert merged.durations == {Kind.CONSULT: 60, Kind.INFUSION: 120, Kind.ASSESSMENT: 30}
    assert config.parse_settings("", tmp_path).clinic == config.ClinicTable()


def test_closing_before_the_databases_opening_time_is_refused(tmp_path):
    table = config.parse_settings('[clinic]\ncloses = "07:00"\n', tmp_path / "c.toml").clinic
    with pytest.raises(config.SettingsFileError, match=r"clinic.closes 07:00 is not after "
                       r"clinic.opens 08:00 \(the other one is the database's\)") as caught:
        config.merge_clinic(table, ClinicSettings(), tmp_path / "c.toml")
    assert str(tmp_path / "c.toml") in str(caught.value)


@pytest.mark.parametrize("text, message", [
    ("[clinic\n", "is not valid TOML"),
    ("[hours]\nopens = 1\n", r"unknown table \[hours\]"),
    ("theme = 'x'\n", "unknown setting theme"),
    ("clinic = 5\n", r"clinic must be a table: \[clinic\]"),
    ("desk = 5\n", r"desk must be a table: \[desk\]"),
    ('[clinic]\ncolour = "red"\n', "unknown setting clinic.colour"),
    ("[clinic]\nname = 5\n", "clinic.name must be text"),
    ('[clinic]\nname = "  "\n', "clinic.name cannot be empty"),
    ('[clinic]\nphone_region = "XX"\n', 'clinic.phone_region "XX" is not a region code'),
    ('[clinic]\nphone_region = "USA"\n', 'clinic.phone_region "USA" is not a region code'),
    ("[clinic]\nphone_region = 1\n", "clinic.phone_region must be text"),
    ("[clinic]\nchairs = []\n", "clinic.chairs cannot be empty"),
    ('[clinic]\nchairs = "Chair 1"\n', "clinic.chairs must be a list of text"),
    ('[clinic]\nchairs = ["A", 2]\n', "clinic.chairs must be a list of text"),
    ('[clinic]\nchairs = ["A", " "]\n', "clinic.chairs has an empty chair name"),
    ('[clinic]\nchairs = ["Chair 1", "chair 1"]\n',
     'clinic.chairs names "Chair 1" twice \\(as "chair 1"\\)'),
    ('[clinic]\nchairs = ["A", "A"]\n', 'clinic.chairs names "A" twice'),
    ('[clinic]\nchairs = ["' + "x" * 65 + '"]\n', "longer than 64 characters"),
    ("[clinic]\nopen_days = []\n", "clinic.open_days cannot be empty"),
    ('[clinic]\nopen_days = ["monday"]\n', 'clinic.open_days: "monday" is not one of mon, tue'),
    ("[clinic]\nopen_days = [1, 2]\n", "clinic.open_days must be a list of text"),
    ('[clinic]\nopens = "8:00"\n', 'clinic.opens must be a time written HH:MM.*not "8:00"'),
    ('[clinic]\nopens = "24:00"\n', "clinic.opens must be a time written HH:MM"),
    ('[clinic]\ncloses = "18:60"\n', "clinic.closes must be a time written HH:MM"),
    ("[clinic]\nopens = 08:00:00\n", "clinic.opens must be a time written HH:MM in quotes"),
    ('[clinic]\nopens = "10:00"\ncloses = "10:00"\n',
     "clinic.closes 10:00 is not after clinic.opens 10:00"),
    ("[clinic]\ndurations = 5\n", r"clinic.durations must be a table: \[clinic.durations\]"),
    ("[clinic.durations]\nsurgery = 60\n",
     "unknown kind clinic.durations.surgery \\(known: consult, infusion, assessment\\)"),
    ("[clinic.durations]\ninfusion = 4\n", "clinic.durations.infusion must be a whole number "
                                           "of minutes from 5 to 480"),
    ("[clinic.durations]\ninfusion = 481\n", "clinic.durations.infusion must be a whole"),
    ("[clinic.durations]\ninfusion = 90.0\n", "clinic.durations.infusion must be a whole"),
    ("[clinic.durations]\ninfusion = true\n", "clinic.durations.infusion must be a whole"),
    ('[desk]\ntheme = ["a"]\n', "desk.theme must be text"),
    ('[desk]\nstaff = ""\n', "desk.staff cannot be empty"),
    ("[desk]\nstaff = 7\n", "desk.staff must be text"),
    ('[desk]\nstaff = "' + "s" * 65 + '"\n', "desk.staff is longer than 64 characters"),
])
def test_every_problem_is_one_line_naming_the_file_and_the_key(tmp_path, text, message):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(config.SettingsFileError, match=message) as caught:
        config.read_settings_file(path)
    assert str(caught.value).startswith(f"settings file {path}")
    assert "\n" not in str(caught.value)


def test_a_file_that_is_not_utf8_is_named(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(b'[clinic]\nname = "\xff"\n')
    with pytest.raises(config.SettingsFileError, match="is not valid TOML: it is not UTF-8"):
        config.read_settings_file(path)


def test_region_codes_are_read_in_either_case(tmp_path):
    parsed = config.parse_settings('[clinic]\nphone_region = "gb"\n', tmp_path)
    assert parsed.clinic.phone_region == "GB"


def test_staff_defaults_to_the_login_name(monkeypatch):
    monkeypatch.setattr(config.getpass, "getuser", lambda: "amara.okafor")
    assert config.DeskSettings().staff == "amara.okafor"
    def no_user():
        raise OSError("no login name")
    monkeypatch.setattr(config.getpass, "getuser", no_user)
    assert config.DeskSettings().staff == "desk"


def test_the_file_is_written_whole(tmp_path):
    path = tmp_path / "deep" / "config.toml"
    config.write_settings_file("[desk]\n", path)
    assert path.read_text() == "[desk]\n"
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]


def test_config_stays_off_the_database():
    probe = ("import json, sys, frontdesk.config; print(json.dumps(sorted(m for m in sys.modules "
             "if m.split('.')[0] in ('peewee', 'playhouse', 'textual', 'frontdesk'))))")
    loaded = json.loads(subprocess.run([sys.executable, "-c", probe], capture_output=True,
                                       text=True, check=True).stdout)
    assert not [m for m in loaded if m.split(".")[0] in ("peewee", "playhouse", "textual")]
    assert not [m for m in loaded if m.startswith(("frontdesk.db", "frontdesk.services",
                                                   "frontdesk.tui"))]
