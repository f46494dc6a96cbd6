"""Choosing the database, and the exit-status promise, through the real command
(INTERFACES.md: "Choosing the database", "Exit status, every subcommand")."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from frontdesk import __version__

from cli_support import (PATIENT_HEADER, TODAY, one_line_error, patient, query, write_csv)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _stabilization_patient(tmp_path: Path, pid: str) -> str:
    """A patients CSV with one stabilization patient (so it shows on the mid list)."""
    name = f"{pid}.csv"
    write_csv(tmp_path / name, PATIENT_HEADER,
              [patient(pid, "Db", f"Choice{pid}", phase="stabilization", since="2026-11-20")])
    return name


def _mid_ids(result) -> list[str]:
    assert result.code == 0, result.err
    return [e["patient_id"] for e in json.loads(result.out)["mid_stabilization"]]


LISTS = ("lists", "--on", TODAY, "--format", "json")


def test_db_flag_creates_the_file_even_in_a_new_folder(frontdesk, tmp_path, user_dirs):
    target = tmp_path / "new" / "folder" / "clinic.db"
    name = _stabilization_patient(tmp_path, "F-1")
    result = frontdesk("--db", str(target), "--today", TODAY, "import", "--patients", name)
    assert result.code == 0, result.err
    assert target.is_file()
    assert query(target, "SELECT chart_number FROM patient") == [("F-1",)]
    assert _mid_ids(frontdesk("--db", str(target), *LISTS)) == ["F-1"]
    # nothing was written to the default location
    assert not (Path(user_dirs["XDG_DATA_HOME"]) / "frontdesk" / "frontdesk.db").exists()


def test_environment_variable_and_the_flag_winning_over_it(frontdesk, tmp_path, user_dirs):
    env_db, flag_db = tmp_path / "env.db", tmp_path / "flag.db"
    env = {"FRONTDESK_DB": str(env_db)}
    result = frontdesk("--today", TODAY, "import", "--patients",
                       _stabilization_patient(tmp_path, "E-1"), env=env)
    assert result.code == 0, result.err
    assert query(env_db, "SELECT chart_number FROM patient") == [("E-1",)]
    result = frontdesk("--db", str(flag_db), "--today", TODAY, "import", "--patients",
                       _stabilization_patient(tmp_path, "F-1"), env=env)
    assert result.code == 0, result.err
    assert _mid_ids(frontdesk(*LISTS, env=env)) == ["E-1"]
    assert _mid_ids(frontdesk("--db", str(flag_db), *LISTS, env=env)) == ["F-1"]
    assert _mid_ids(frontdesk(*LISTS, "--db", str(flag_db), env=env)) == ["F-1"]
    assert query(env_db, "SELECT chart_number FROM patient") == [("E-1",)]
    assert not (Path(user_dirs["XDG_DATA_HOME"]) / "frontdesk" / "frontdesk.db").exists()


def test_sqlite_url_with_an_absolute_path(frontdesk, tmp_path):
    target = tmp_path / "by-url.db"
    url = f"sqlite:///{target}"   # sqlite:/// followed by /abs/path
    result = frontdesk("--db", url, "--today", TODAY, "import", "--patients",
                       _stabilization_patient(tmp_path, "U-1"))
    assert result.code == 0, result.err
    assert target.is_file()
    assert query(target, "SELECT chart_number FROM patient") == [("U-1",)]
    assert _mid_ids(frontdesk("--db", url, *LISTS)) == ["U-1"]


def test_default_database_in_the_user_data_dir(frontdesk, tmp_path, user_dirs):
    default = Path(user_dirs["XDG_DATA_HOME"]) / "frontdesk" / "frontdesk.db"
    assert not default.exists()
    result = frontdesk("--today", TODAY, "import", "--patients",
                       _stabilization_patient(tmp_path, "D-1"))
    assert result.code == 0, result.err
    assert default.is_file()
    assert query(default, "SELECT chart_number FROM patient") == [("D-1",)]
    assert _mid_ids(frontdesk(*LISTS)) == ["D-1"]  # the next run finds it again


def test_global_options_before_or_after_the_subcommand(frontdesk, tmp_path):
    target = tmp_path / "clinic.db"
    name = _stabilization_patient(tmp_path, "G-1")
    # --db and --today after the subcommand
    result = frontdesk("import", "--patients", name, "--db", str(target), "--today", TODAY)
    assert result.code == 0, result.err
    before = frontdesk("--db", str(target), "lists", "--on", TODAY, "--format", "json")
    after = frontdesk("lists", "--db", str(target), "--on", TODAY, "--format", "json")
    assert before.code == after.code == 0, (before.err, after.err)
    assert before.out == after.out
    assert _mid_ids(after) == ["G-1"]
    # --today after the subcommand sets the default --on
    census = frontdesk("census", "--db", str(target), "--today", "2026-11-23", "--format", "json")
    assert census.code == 0, census.err
    assert json.loads(census.out)["date"] == "2026-11-23"


def test_a_database_from_a_newer_frontdesk_is_refused(frontdesk, tmp_path):
    target = tmp_path / "newer.db"
    created = frontdesk("--db", str(target), "census", "--on", TODAY, "--format", "json")
    assert created.code == 0, created.err
    con = sqlite3.connect(target)
    with con:
        changed = con.execute("UPDATE schema_info SET value = '99' WHERE key = 'version'")
        assert changed.rowcount == 1
    con.close()
    for args in (LISTS, ("census", "--on", TODAY), ("import", "--patients",
                                                     _stabilization_patient(tmp_path, "N-1"))):
        result = frontdesk("--db", str(target), "--today", TODAY, *args)
        assert result.code == 2, (args, result.err)
        line = one_line_error(result)
        assert "newer" in line.lower()
        assert result.out == ""
    # refused, not touched
    assert query(target, "SELECT value FROM schema_info WHERE key = 'version'") == [("99",)]
    assert query(target, "SELECT COUNT(*) FROM patient") == [(0,)]


def test_an_older_database_is_migrated_without_loss(frontdesk, tmp_path):
    old = tmp_path / "v1.db"
    shutil.copyfile(FIXTURES / "schema_v1.db", old)
    fresh = tmp_path / "fresh.db"
    imported = frontdesk("--db", str(fresh), "--today", TODAY, "import",
                         "--patients", str(FIXTURES / "v1_patients.csv"),
                         "--appointments", str(FIXTURES / "v1_appointments.csv"))
    assert imported.code == 0, imported.err
    migrated = frontdesk("--db", str(old), *LISTS)
    expected = frontdesk("--db", str(fresh), *LISTS)
    assert migrated.code == expected.code == 0, (migrated.err, expected.err)
    assert json.loads(migrated.out) == json.loads(expected.out)
    assert json.loads(migrated.out)["mid_stabilization"]  # not an empty clinic
    version = "SELECT value FROM schema_info WHERE key = 'version'"
    assert query(old, version) == query(fresh, version)
    assert query(old, "SELECT COUNT(*) FROM appointment") == \
        query(fresh, "SELECT COUNT(*) FROM appointment")


def test_a_text_file_is_not_a_database(frontdesk, tmp_path):
    target = tmp_path / "notes.db"
    text = "this is a shopping list, not a database\n" * 50
    target.write_text(text)
    result = frontdesk("--db", str(target), *LISTS)
    assert result.code in (1, 2)
    one_line_error(result)
    assert result.out == ""
    assert target.read_text() == text  # left alone


def test_a_sqlite_file_with_other_tables_is_refused(frontdesk, tmp_path):
    target = tmp_path / "other.db"
    con = sqlite3.connect(target)
    with con:
        con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        con.execute("INSERT INTO invoices (total) VALUES (12.5)")
    con.close()
    result = frontdesk("--db", str(target), *LISTS)
    assert result.code == 2
    one_line_error(result)
    assert result.out == ""
    tables = {name for (name,) in query(target, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"invoices"}  # nothing created in someone else's database


@pytest.mark.parametrize("target", ["mysql://user:pw@localhost/clinic", "ftp://host/x.db"])
def test_an_unknown_url_scheme_is_bad_usage(frontdesk, tmp_path, target):
    result = frontdesk("--db", target, *LISTS)
    assert result.code == 2
    one_line_error(result)
    assert result.out == ""


def test_an_unreachable_postgresql_server_is_one_line(frontdesk):
    result = frontdesk("--db", "postgresql://desk:secret@127.0.0.1:1/clinic", *LISTS)
    assert result.code in (1, 2)
    line = one_line_error(result)
    assert "secret" not in line  # the password is not echoed


@pytest.mark.parametrize("args", [
    ("frobnicate",),
    ("lists", "--bogus"),
    ("--bogus", "lists"),
    ("lists", "--format", "xml"),
    ("census", "--on"),
    ("lists", "--on", "2026-11-21", "extra"),
], ids=["unknown-subcommand", "unknown-option", "unknown-global-option", "bad-choice",
        "missing-value", "extra-argument"])
def test_bad_usage_is_exit_2_with_one_line(frontdesk, tmp_path, args):
    result = frontdesk("--db", str(tmp_path / "clinic.db"), *args)
    assert result.code == 2
    one_line_error(result)
    assert result.out == ""


def test_version(frontdesk, tmp_path, user_dirs):
    module = subprocess.run([sys.executable, "-m", "frontdesk", "--version"], capture_output=True,
                            text=True, timeout=60, cwd=tmp_path)
    assert module.returncode == 0, module.stderr
    assert __version__ in module.stdout
    command = frontdesk("--version")
    assert command.code == 0, command.err
    assert command.out == module.stdout
