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
