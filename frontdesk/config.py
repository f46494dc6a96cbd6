"""Where frontdesk keeps its files, and the settings file `config.toml` (TOML).

The settings file has two tables. [clinic] is this computer's way of changing the clinic-wide
settings (name, phone region, chairs, opening days and hours, default lengths); the database
stays their shared truth, and services.settings pushes an edited [clinic] into it. [desk] is
this desk's own (theme, the staff name written to the audit trail, the board's wait alert).

This module only reads, checks and writes the file: plain values in, frozen dataclasses out.
It never touches the database (no peewee, no db, no services).
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
import re
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import platformdirs

from frontdesk.domain.clinic import ClinicSettings
from frontdesk.domain.model import Kind
from frontdesk.domain.status_flow import DEFAULT_WAIT_ALERT_MINUTES

APP_NAME = "frontdesk"
DB_ENV = "FRONTDESK_DB"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return data_dir() / "frontdesk.db"


def choose_db_target(flag: str | None) -> str:
    """--db wins over FRONTDESK_DB, which wins over the default location."""
    return flag or os.environ.get(DB_ENV) or str(default_db_path())


def settings_path() -> Path:
    return config_dir() / "config.toml"


def settings_state_path() -> Path:
    """Which [clinic] table this computer last pushed into which database (JSON)."""
    return state_dir() / "settings-applied.json"


# --- the values -------------------------------------------------------------------------------

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")   # index = date.weekday()
MAX_NAME = 64            # chair and staff names (the database's column width)
DURATION_RANGE = range(5, 481)


def login_name() -> str:
    """The OS login name, or "desk" when there is none usable."""
    try:
        name = getpass.getuser().strip()
    except Exception:  # noqa: BLE001 - no login name in some containers and services
        return "desk"
    return name if name and len(name) <= MAX_NAME else "desk"


@dataclass(frozen=True)
class DeskSettings:
    """The [desk] table: this desk's own preferences."""
    theme: str = "textual-dark"
    staff: str = field(default_factory=login_name)  # who made each change from this desk
    wait_alert_minutes: int = DEFAULT_WAIT_ALERT_MINUTES  # the board flags longer waits


@dataclass(frozen=True)
class ClinicTable:
    """The [clinic] table as the file has it; None where the file leaves a key out (the
    database's value stays)."""
    name: str | None = None
    phone_region: str | None = None
    chairs: tuple[str, ...] | None = None
    open_weekdays: tuple[int, ...] | None = None        # Monday = 0, sorted
    opens: dt.time | None = None
    closes: dt.time | None = None
    durations: dict[Kind, int] = field(default_factory=dict)  # only the kinds given

    def canonical(self) -> dict:
        """The table as plain JSON values, independent of the file's layout and comments."""
        out: dict = {}
        if self.name is not None:
            out["name"] = self.name
        if self.phone_region is not None:
            out["phone_region"] = self.phone_region
        if self.chairs is not None:
            out["chairs"] = list(self.chairs)
        if self.open_weekdays is not None:
            out["open_days"] = [WEEKDAYS[d] for d in self.open_weekdays]
        if self.opens is not None:
            out["opens"] = self.opens.strftime("%H:%M")
        if self.closes is not None:
            out["closes"] = self.closes.strftime("%H:%M")
        if self.durations:
            out["durations"] = {str(k): v for k, v in sorted(self.durations.items())}
        return out

    def digest(self) -> str:
        """sha256 of the canonical table: equal tables, equal digests, whatever the layout."""
        text = json.dumps(self.canonical(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def over(self, current: ClinicSettings) -> ClinicSettings:
        """`current` with the values this table gives (no checks; see merge_clinic)."""
        def pick(value, old):
            return old if value is None else value
        return ClinicSettings(
            name=pick(self.name, current.name),
            open_weekdays=pick(self.open_weekdays, current.open_weekdays),
            opens=pick(self.opens, current.opens),
            closes=pick(self.closes, current.closes),
            phone_region=pick(self.phone_region, current.phone_region),
            durations={**current.durations, **self.durations},
        )


@dataclass(frozen=True)
class SettingsFile:
    path: Path
    clinic: ClinicTable
    desk: DeskSettings


class SettingsFileError(ValueError):
    """The settings file cannot be used; the message names the file and the problem."""


def merge_clinic(table: ClinicTable, current: ClinicSettings, path: Path) -> ClinicSettings:
    """The clinic settings once `table` is applied over `current` (the database's)."""
    merged = table.over(current)
    if merged.closes <= merged.opens:
        whose = ("" if table.opens is not None and table.closes is not None
                 else " (the other one is the database's)")
        raise SettingsFileError(
            f"settings file {path}: clinic.closes {merged.closes:%H:%M} is not after "
            f"clinic.opens {merged.opens:%H:%M}{whose}")
    return merged


# --- reading ------------------------------------------------------------------------------------

_CLINIC_KEYS = ("name", "phone_region", "chairs", "open_days", "opens", "closes", "durations")
_DESK_KEYS = ("theme", "staff", "wait_alert_minutes")
_TIME = re.compile(r"([0-9]{2}):([0-9]{2})")
_KINDS = tuple(k.value for k in Kind)


class _Problem(Exception):
    """One thing wrong in the file; read_settings_file adds the file's name."""


def _text(key: str, value) -> str:
    if type(value) is not str:
        raise _Problem(f"{key} must be text in quotes, like \"...\"")
    return value.strip()


def _text_list(key: str, value) -> list[str]:
    if type(value) is not list or any(type(v) is not str for v in value):
        raise _Problem(f"{key} must be a list of text in quotes, like [\"...\", \"...\"]")
    return value


def _time(key: str, value) -> dt.time:
    match = _TIME.fullmatch(value.strip()) if type(value) is str else None
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        shown = f", not {json.dumps(value)}" if type(value) is str else ""
        raise _Problem(f"{key} must be a time written HH:MM in quotes, like \"08:00\"{shown}")
    return dt.time(int(match[1]), int(match[2]))


def _clinic(raw) -> ClinicTable:
    if type(raw) is not dict:
        raise _Problem("clinic must be a table: [clinic]")
    for key in raw:
        if key not in _CLINIC_KEYS:
            raise _Problem(f"unknown setting clinic.{key} "
                           f"(known: {', '.join(_CLINIC_KEYS)})")
    values: dict = {}
    if "name" in raw:
        name = _text("clinic.name", raw["name"])
        if not name:
            raise _Problem("clinic.name cannot be empty")
        values["name"] = name
    if "phone_region" in raw:
        region = _text("clinic.phone_region", raw["phone_region"]).upper()
        import phonenumbers  # here: every command reads this module, few need phonenumbers
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise _Problem(f"clinic.phone_region {json.dumps(raw['phone_region'])} is not a "
                           f"region code phone numbers know (two letters, like \"US\" or \"GB\")")
        values["phone_region"] = region
    if "chairs" in raw:
        chairs = []
        seen: dict[str, str] = {}
        for value in _text_list("clinic.chairs", raw["chairs"]):
            name = value.strip()
            if not name:
                raise _Problem("clinic.chairs has an empty chair name")
            if len(name) > MAX_NAME:
                raise _Problem(f"clinic.chairs: the chair name {json.dumps(name[:20])}... is "
                               f"longer than {MAX_NAME} characters")
            if name.casefold() in seen:
                raise _Problem(f"clinic.chairs names {json.dumps(seen[name.casefold()])} twice"
                               + ("" if seen[name.casefold()] == name
                                  else f" (as {json.dumps(name)})"))
            seen[name.casefold()] = name
            chairs.append(name)
        if not chairs:
            raise _Problem("clinic.chairs cannot be empty: the clinic needs at least one chair")
        values["chairs"] = tuple(chairs)
    if "open_days" in raw:
        days = set()
        for value in _text_list("clinic.open_days", raw["open_days"]):
            day = value.strip().lower()
            if day not in WEEKDAYS:
                raise _Problem(f"clinic.open_days: {json.dumps(value)} is not one of "
                               f"{', '.join(WEEKDAYS)}")
            days.add(WEEKDAYS.index(day))
        if not days:
            raise _Problem("clinic.open_days cannot be empty: the clinic needs an open day")
        values["open_weekdays"] = tuple(sorted(days))
    for key in ("opens", "closes"):
        if key in raw:
            values[key] = _time(f"clinic.{key}", raw[key])
    if "opens" in values and "closes" in values and values["closes"] <= values["opens"]:
        raise _Problem(f"clinic.closes {raw['closes']} is not after clinic.opens {raw['opens']}")
    if "durations" in raw:
        table = raw["durations"]
        if type(table) is not dict:
            raise _Problem("clinic.durations must be a table: [clinic.durations]")
        durations = {}
        for kind, minutes in table.items():
            if kind not in _KINDS:
                raise _Problem(f"unknown kind clinic.durations.{kind} "
                               f"(known: {', '.join(_KINDS)})")
            if type(minutes) is not int or minutes not in DURATION_RANGE:
                raise _Problem(f"clinic.durations.{kind} must be a whole number of minutes "
                               f"from {DURATION_RANGE.start} to {DURATION_RANGE.stop - 1}")
            durations[Kind(kind)] = minutes
        values["durations"] = durations
    return ClinicTable(**values)


def _desk(raw) -> DeskSettings:
    if type(raw) is not dict:
        raise _Problem("desk must be a table: [desk]")
    values = {}
    for key, value in raw.items():
        if key not in _DESK_KEYS:
            raise _Problem(f"unknown setting desk.{key} (known: {', '.join(_DESK_KEYS)})")
    if "theme" in raw:
        if type(raw["theme"]) is not str:
            raise _Problem("desk.theme must be text in quotes, like \"textual-dark\"")
        values["theme"] = raw["theme"]
    if "staff" in raw:
        staff = _text("desk.staff", raw["staff"])
        if not staff:
            raise _Problem("desk.staff cannot be empty")
        if len(staff) > MAX_NAME:
            raise _Problem(f"desk.staff is longer than {MAX_NAME} characters")
        values["staff"] = staff
    if "wait_alert_minutes" in raw:
        minutes = raw["wait_alert_minutes"]
        if type(minutes) is not int or not 1 <= minutes <= 240:
            raise _Problem("desk.wait_alert_minutes must be a whole number of minutes, 1-240")
        values["wait_alert_minutes"] = minutes
    return DeskSettings(**values)


def parse_settings(text: str, path: Path) -> SettingsFile:
    """The file's text, checked; SettingsFileError names `path` and the first problem."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsFileError(f"settings file {path} is not valid TOML: {exc}") from None
    try:
        for key, value in raw.items():
            if key not in ("clinic", "desk"):
                kind = "table [" + key + "]" if type(value) is dict else "setting " + key
                raise _Problem(f"unknown {kind} (the file has [clinic] and [desk])")
        return SettingsFile(path, _clinic(raw.get("clinic", {})), _desk(raw.get("desk", {})))
    except _Problem as problem:
        raise SettingsFileError(f"settings file {path}: {problem}") from None


def read_settings_file(path: Path | None = None) -> SettingsFile | None:
    """The settings file, checked; None when there is none."""
    path = path or settings_path()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SettingsFileError(f"settings file {path} cannot be read: "
                                f"{exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SettingsFileError(f"settings file {path} is not valid TOML: "
                                f"it is not UTF-8 text") from None
    return parse_settings(text, path)


def load_desk_settings(path: Path | None = None) -> DeskSettings:
    """This desk's [desk] table (the whole file is checked); a missing file means defaults."""
    found = read_settings_file(path)
    return found.desk if found else DeskSettings()


# --- writing ------------------------------------------------------------------------------------

HEADER = """\
# frontdesk settings for this computer (TOML: https://toml.io).
#
# [clinic] holds the clinic-wide settings. Every desk sharing the database uses the same
# ones, so the database keeps them: when you change a value here, frontdesk pushes the
# [clinic] table into the database the next time it starts on this computer (the desk or
# any command), and other desks take it from the database when they next start; their own
# settings files are not rewritten. A key you remove keeps the database's value.
#
# [desk] is this computer's own and takes effect the next time frontdesk starts.
"""


def _toml_str(text: str) -> str:
    # JSON escapes quotes, backslashes and control characters as TOML does; DEL is the one
    # character TOML also wants escaped
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007F")


def _toml_list(items: Sequence[str], key: str) -> str:
    line = f"{key} = [{', '.join(_toml_str(i) for i in items)}]"
    if len(line) <= 88:
        return line
    return f"{key} = [\n" + "".join(f"    {_toml_str(i)},\n" for i in items) + "]"


def render_settings(clinic: ClinicSettings, chairs: Sequence[str],
                    desk: DeskSettings | None = None) -> str:
    """A whole settings file describing `clinic`, `chairs` and `desk`, a comment on each key."""
    desk = desk or DeskSettings()
    chair_lines = (_toml_list(chairs, "chairs") if chairs else
                   "# chairs = [\"Chair 1\"]    (no active chair yet: name them here)")
    days = [WEEKDAYS[d] for d in sorted(clinic.open_weekdays)]
    day_lines = (_toml_list(days, "open_days") if days else
                 "# open_days = [\"mon\"]    (no open day yet: name them here)")
    durations = "".join(f"{kind.value} = {clinic.duration_of(kind)}\n" for kind in Kind)
    return f"""{HEADER}
[clinic]
# The clinic's name, shown in the desk's header.
name = {_toml_str(clinic.name)}
# Region (ISO 3166 code, like "US" or "GB") of phone numbers written without +country code.
phone_region = {_toml_str(clinic.phone_region)}
# Infusion chairs, in display order. A chair left out is retired, never deleted: past
# appointments keep it; put it back to use it again.
{chair_lines}
# Days the clinic is open: mon, tue, wed, thu, fri, sat, sun.
{day_lines}
# Opening hours, 24-hour HH:MM; closes must be after opens.
opens = {_toml_str(clinic.opens.strftime("%H:%M"))}
closes = {_toml_str(clinic.closes.strftime("%H:%M"))}

# Default length in minutes (5-480) of each kind of appointment.
[clinic.durations]
{durations}
# This desk only.
[desk]
# Any Textual theme name, like "textual-dark" or "textual-light".
theme = {_toml_str(desk.theme)}
# Recorded in the audit trail as who made each change from this desk.
staff = {_toml_str(desk.staff)}
# The day's board flags a patient waiting longer than this after arriving (minutes, 1-240).
wait_alert_minutes = {desk.wait_alert_minutes}
"""


def write_settings_file(text: str, path: Path | None = None) -> Path:
    """Write `text` to the settings file at once (a reader never sees half a file)."""
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
