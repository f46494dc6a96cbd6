"""`frontdesk import`: patients and appointments from CSV, all or nothing.

Every problem is collected (never only the first) and reported as FILE:LINE: reason, where
LINE counts the header as line 1 and is the line a record starts on.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import re
import time
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Callable, Iterator

from peewee import IntegrityError

from frontdesk import clock
from frontdesk.db import chair_guard
from frontdesk.db import models as m
from frontdesk.db import queries
from frontdesk.db.bulk import (Helper, Packer, Texts, indexes_deferred, insert_packed,
                               insert_rows, journal_mode, load_cache)
from frontdesk.db.connection import is_sqlite, write_transaction
from frontdesk.domain import validation as v
from frontdesk.domain.errors import ValidationError
from frontdesk.domain.model import (MAINTENANCE_INTERVAL_DEFAULT, STABILIZATION_TARGET_DEFAULT,
                                    Kind, Status, end_of, holds_chair, is_late_cancellation)
from frontdesk.services import audit
from frontdesk.services.clinic import clinic_settings

PATIENT_COLUMNS = {  # column -> required
    "patient_id": True, "first_name": True, "last_name": True, "date_of_birth": True,
    "phone": True, "email": False, "phase": True, "phase_since": True,
    "stabilization_target": False, "maintenance_interval_months": False,
    "registered_on": False,
}
APPOINTMENT_COLUMNS = {
    "patient_id": True, "start": True, "duration_minutes": False, "kind": True,
    "status": True, "chair": False,
    "cancelled_at": False,  # extension: when a cancelled appointment was cancelled
}
_CHUNK = 500


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


class ImportRejected(ValidationError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"nothing imported: {len(problems)} problem(s)")


@dataclass(frozen=True)
class ImportSummary:
    patients: int
    appointments: int
    chairs_created: tuple[str, ...]
    seconds: float


@dataclass
class _PatientRow:
    line: int
    chart: str
    first_name: str
    last_name: str
    dob: dt.date
    phone: str
    email: str | None
    phase: str
    phase_since: dt.date
    target: int
    interval: int
    registered_on: dt.date


@dataclass
class _Report:
    problems: list[Problem] = field(default_factory=list)

    def add(self, file: str, line: int, reason: str) -> None:
        self.problems.append(Problem(file, line, reason))


# --- reading CSV ----------------------------------------------------------------------------

def _open(path: Path, columns: dict[str, bool], report: _Report
          ) -> tuple[Iterator[list[str]], list[str]] | None:
    """The CSV reader after the header row, and the header; None (problems in the report)
    when the file or its header is bad."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        report.add(name, 1, f"cannot read the file: {exc.strerror or exc}")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        report.add(name, line, "not UTF-8 text (save the file as CSV UTF-8)")
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        report.add(name, 1, f"the header row is not valid CSV: {exc}")
        return None
    if not header or not any(h.strip() for h in header):
        report.add(name, 1, "the file is empty: a header row is needed")
        return None
    header = [h.strip().lower() for h in header]
    bad_header = False
    for position, column in enumerate(header):
        if column not in columns:
            known = ", ".join(columns)
            report.add(name, 1, f"unknown column {column!r} (known columns: {known})")
            bad_header = True
        elif column in header[:position]:
            report.add(name, 1, f"column {column!r} appears twice")
            bad_header = True
    for column, required in columns.items():
        if required and column not in header:
            report.add(name, 1, f"required column {column!r} is missing")
            bad_header = True
    if bad_header:
        return None
    return reader, header


def _lines(reader, name: str, report: _Report) -> Iterator[tuple[int, list[str]]]:
    """(line a record starts on, its values) for every record; a record that is not valid
    CSV is reported and ends the file."""
    line = reader.line_num + 1
    try:
        for values in reader:
            yield line, values
            line = reader.line_num + 1
    except csv.Error as exc:
        report.add(name, line, f"not valid CSV: {exc}")


def _record(values: list[str], header: list[str], name: str, line: int, report: _Report
            ) -> dict[str, str] | None:
    """{column: text} of one record; None for a blank line (skipped) or one with too many
    values (reported)."""
    if not values or not "".join(values).strip():
        return None
    if len(values) > len(header):
        report.add(name, line, f"{len(values)} values but the header has {len(header)} columns")
        return None
    return dict(zip(header, values + [""] * (len(header) - len(values))))


def _field(record: dict[str, str], column: str, parse: Callable, problems: list[str],
           default=None, required: bool = True):
    text = record.get(column, "").strip()
    if not text:
        if required:
            problems.append(f"{column} is missing")
        return default
    try:
        return parse(text)
    except ValidationError as exc:
        problems.append(str(exc))
        return default


def _read_patients(path: Path, report: _Report, today: dt.date, region: str
                   ) -> tuple[list[_PatientRow], set[str]]:
    """The good rows, and every patient_id the file names (bad rows included, so their
    appointments are not also reported as unknown patients). A row is read column by column
    through a dict of each column's texts read so far (_Learnt); a row with any text that is
    not good, a blank where one is needed or a patient_id met before goes through
    `_patient` (the one reading, and so the one wording of every problem)."""
    rows: list[_PatientRow] = []
    first_line: dict[str, int] = {}
    opened = _open(path, PATIENT_COLUMNS, report)
    if opened is None:
        return rows, set(first_line)
    reader, header = opened
    name = str(path)
    parsers = {
        "patient_id": v.parse_chart_number,
        "first_name": _remembered(lambda t: v.parse_name(t, "first_name")),
        "last_name": _remembered(lambda t: v.parse_name(t, "last_name")),
        "date_of_birth": _remembered(
            lambda t: v.check_date_of_birth(v.parse_iso_date(t, "date_of_birth"), today)),
        "phone": lambda t: v.parse_phone(t, region),
        "email": v.parse_email,
        "phase": _remembered(v.parse_phase),
        "phase_since": _remembered(lambda t: v.parse_iso_date(t, "phase_since")),
        "stabilization_target": _remembered(v.parse_stabilization_target),
        "maintenance_interval_months": _remembered(v.parse_maintenance_interval),
        "registered_on": _remembered(lambda t: v.parse_iso_date(t, "registered_on")),
    }
    # each column: its position (one not in the file: the blank after the values) and its
    # texts read so far
    at = {column: position for position, column in enumerate(header)}
    blank = len(header)   # the position of an extra "" after each record's values
    optional = {"email": None, "stabilization_target": STABILIZATION_TARGET_DEFAULT,
                "maintenance_interval_months": MAINTENANCE_INTERVAL_DEFAULT,
                "registered_on": None}
    columns = [(at.get(column, blank), _Learnt(parse, column not in optional,
                                               optional.get(column)))
               for column, parse in parsers.items()]
    (ci, charts), (fi, firsts), (li, lasts), (di, dobs), (pi, phones), (ei, emails), \
        (hi, phases), (si, sinces), (ti, targets), (ii, intervals), (ri, registereds) = columns
    n = len(header)
    append = rows.append
    for line, values in _lines(reader, name, report):
        extended = False
        try:
            if len(values) != n:
                raise KeyError
            values.append("")
            extended = True
            chart = charts[values[ci]]
            if chart in first_line:
                raise KeyError
            since = sinces[values[si]]
            row = _PatientRow(line, chart, firsts[values[fi]], lasts[values[li]],
                              dobs[values[di]], phones[values[pi]], emails[values[ei]],
                              phases[values[hi]].value, since, targets[values[ti]],
                              intervals[values[ii]], registereds[values[ri]] or since)
        except KeyError:
            if extended:
                values.pop()
            rec = _record(values, header, name, line, report)
            if rec is not None:
                row = _patient(rec, parsers, first_line, line, name, report)
                if row is not None:
                    append(row)
            continue
        first_line[chart] = line
        append(row)
    return rows, set(first_line)


def _patient(rec: dict[str, str], parsers: dict[str, Callable], first_line: dict[str, int],
             line: int, file: str, report: _Report) -> _PatientRow | None:
    """One record read field by field: the row, or None with its problems reported."""
    bad: list[str] = []
    chart = _field(rec, "patient_id", parsers["patient_id"], bad)
    first = _field(rec, "first_name", parsers["first_name"], bad)
    last = _field(rec, "last_name", parsers["last_name"], bad)
    dob = _field(rec, "date_of_birth", parsers["date_of_birth"], bad)
    phone = _field(rec, "phone", parsers["phone"], bad)
    email = _field(rec, "email", parsers["email"], bad, required=False)
    phase = _field(rec, "phase", parsers["phase"], bad)
    since = _field(rec, "phase_since", parsers["phase_since"], bad)
    target = _field(rec, "stabilization_target", parsers["stabilization_target"], bad,
                    STABILIZATION_TARGET_DEFAULT, required=False)
    interval = _field(rec, "maintenance_interval_months",
                      parsers["maintenance_interval_months"], bad,
                      MAINTENANCE_INTERVAL_DEFAULT, required=False)
    registered = _field(rec, "registered_on", parsers["registered_on"], bad, since,
                        required=False)
    if chart is not None:
        if chart in first_line:
            bad.append(f"patient_id {chart!r} appears again "
                       f"(first on line {first_line[chart]})")
        else:
            first_line[chart] = line
    for reason in bad:
        report.add(file, line, reason)
    if bad:
        return None
    return _PatientRow(line, chart, first, last, dob, phone, email, phase.value, since, target,
                       interval, registered)


def _remembered(parse: Callable) -> Callable:
    """`parse` for a column whose texts repeat (a patient's chart number on each of their
    appointments, a few kinds and statuses, the clinic's slots): each distinct text is read
    once, its value or its problem given again for the same text. The readers are pure."""
    memo: dict[str, tuple] = {}

    def read(text: str):
        hit = memo.get(text)
        if hit is None:
            try:
                hit = memo[text] = (parse(text), None)
            except ValidationError as exc:
                hit = memo[text] = (None, str(exc))
        if hit[1] is not None:
            raise ValidationError(hit[1])
        return hit[0]
    return read


# An appointment row, a plain tuple (a million of them): these are its positions
LINE, CHART, START, DURATION, KIND, STATUS, CHAIR, CANCELLED_AT, END = range(9)


def _read_appointments(path: Path, report: _Report, durations: dict[Kind, int]
                       ) -> list[tuple]:
    """The good rows as tuples (LINE, CHART, ... END). A row is read column by column
    through a dict of each column's texts read so far (_Learnt: a text not met yet is read
    once, as `_field` reads it); a row with any text that is not good, a blank where one is
    needed, or a cancelled_at goes through `_appointment` (the one reading, and so the one
    wording of every problem)."""
    rows: list[tuple] = []
    opened = _open(path, APPOINTMENT_COLUMNS, report)
    if opened is None:
        return rows
    reader, header = opened
    name = str(path)
    at = {column: position for position, column in enumerate(header)}
    n = len(header)
    ci, si, ki, sti = at["patient_id"], at["start"], at["kind"], at["status"]
    di, chi, cai = at.get("duration_minutes"), at.get("chair"), at.get("cancelled_at")
    parsers = (_remembered(v.parse_chart_number), _remembered(v.parse_start),
               _remembered(v.parse_kind), _remembered(v.parse_status),
               _remembered(v.parse_duration))
    # raw text -> value; a text that is not good, or blank where required: KeyError
    charts = _Learnt(v.parse_chart_number)
    starts = _Learnt(v.parse_start)
    kinds = _Learnt(v.parse_kind)
    statuses = _Learnt(v.parse_status)
    minutes = _Learnt(v.parse_duration, required=False)
    chairs = _Learnt(_chair_name, required=False)
    cancels: dict[str, None] = {"": None}   # given: read by `_appointment`
    ends: dict[tuple, dt.datetime] = {}
    append = rows.append
    for line, values in _lines(reader, name, report):
        try:
            if len(values) != n:
                raise KeyError
            chart = charts[values[ci]]
            start = starts[values[si]]
            kind = kinds[values[ki]]
            status = statuses[values[sti]]
            duration = minutes[values[di]] if di is not None else None
            chair = chairs[values[chi]] if chi is not None else None
            if cai is not None:
                cancels[values[cai]]
        except KeyError:
            rec = _record(values, header, name, line, report)
            if rec is None:
                continue
            row = _appointment(rec, parsers, durations, line, name, report)
            if row is not None:
                append(row)
            continue
        duration = duration or durations[kind]
        end = ends.get((start, duration))
        if end is None:
            end = ends[start, duration] = end_of(start, duration)
        append((line, chart, start, duration, kind, status, chair, None, end))
    return rows


class _Learnt(dict):
    """raw text -> its value for one column, each text read once on first sight as `_field`
    reads it (stripped; blank is `default` where the column is optional); a text that is not
    good, or blank where the column is required, is a KeyError (never kept)."""

    def __init__(self, parse: Callable, required: bool = True, default=None):
        super().__init__()
        self._parse, self._required, self._default = parse, required, default

    def __missing__(self, raw: str):
        text = raw.strip()
        if not text:
            if self._required:
                raise KeyError(raw)
            value = self._default
        else:
            try:
                value = self._parse(text)
            except ValidationError:
                raise KeyError(raw) from None
        self[raw] = value
        return value


def _chair_name(text: str) -> str:
    """A chair name as `_appointment` takes it (there: the wording of a long one)."""
    if len(text) > 64:
        raise ValidationError("chair name is longer than 64 characters")
    return text


def _appointment(rec: dict[str, str], parsers: tuple, durations: dict[Kind, int], line: int,
                 file: str, report: _Report) -> tuple | None:
    """One record read field by field: the row, or None with its problems reported."""
    chart_of, start_of, kind_of, status_of, duration_of = parsers
    bad: list[str] = []
    chart = _field(rec, "patient_id", chart_of, bad)
    start = _field(rec, "start", start_of, bad)
    kind = _field(rec, "kind", kind_of, bad)
    status = _field(rec, "status", status_of, bad)
    duration = _field(rec, "duration_minutes", duration_of, bad, required=False)
    chair = rec.get("chair", "").strip() or None
    if chair is not None and len(chair) > 64:
        bad.append("chair name is longer than 64 characters")
    cancelled_at = _field(rec, "cancelled_at", lambda t: v.parse_start(t, "cancelled_at"),
                          bad, required=False)
    if cancelled_at is not None and status is not None and status != Status.CANCELLED:
        bad.append(f"cancelled_at is given but the status is {status}")
    for reason in bad:
        report.add(file, line, reason)
    if bad:
        return None
    duration = duration or durations[kind]
    return (line, chart, start, duration, kind, status, chair, cancelled_at,
            end_of(start, duration))


# --- checks against the database --------------------------------------------------------------

def _chunks(items: list, size: int = _CHUNK) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _patient_ids(charts: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    db = m.database.obj
    if not charts or db.execute_sql("SELECT 1 FROM patient LIMIT 1").fetchone() is None:
        return found
    for chunk in _chunks(charts):
        marks = ", ".join([db.param] * len(chunk))
        found.update(db.execute_sql(
            f"SELECT chart_number, id FROM patient WHERE chart_number IN ({marks})", chunk))
    return found


@dataclass(frozen=True)
class _Booking:
    start: dt.datetime
    end: dt.datetime
    line: int | None          # a row of the file, or None for one already in the database
    appointment_id: int | None = None

    @property
    def label(self) -> str:
        if self.line is not None:
            return f"line {self.line}"
        return f"appointment {self.appointment_id} already in the database"

    def span(self) -> str:
        return f"{self.start:%Y-%m-%dT%H:%M}-{self.end:%H:%M}"


def _check_chair_overlaps(rows: list[tuple], chair_ids: dict[str, int],
                          spelling: dict[str, str], file: str, report: _Report) -> None:
    """Overlapping non-cancelled infusions in one chair, within the file or with the database."""
    holds = {(kind, status): holds_chair(kind, status, "a chair")
             for kind in Kind for status in Status}
    # plain tuples (chair, start, from the file, line, end, id), sorted as they are: by
    # chair, then stored ones first at one start, then the file's by line
    bookings = [(spelling[r[CHAIR]], r[START], 1, r[LINE], r[END], None) for r in rows
                if r[CHAIR] is not None and holds[r[KIND], r[STATUS]]]
    if not bookings:
        return
    lo = min(b[1] for b in bookings)
    hi = max(b[4] for b in bookings)
    in_file = {b[0] for b in bookings}
    name_of = {cid: name for name, cid in chair_ids.items() if name in in_file}
    A = m.Appointment
    for chunk in _chunks(list(name_of)):
        existing = (A.select(A.id, A.chair, A.start, A.ends_at)
                    .where(A.chair.in_(chunk), queries.holds_chair(),
                           queries.overlapping(lo, hi))
                    .tuples())
        for appointment_id, chair_id, start, end in existing:
            bookings.append((name_of[chair_id], start, 0, 0, end, appointment_id))

    def booking(b: tuple) -> _Booking:
        return _Booking(b[1], b[4], b[3] if b[2] else None, b[5])

    bookings.sort()
    furthest = None
    for b in bookings:
        if furthest is not None and furthest[0] != b[0]:
            furthest = None
        if furthest is not None and b[1] < furthest[4]:
            name = b[0]
            if b[2]:
                first = booking(furthest)
                report.add(file, b[3], f"{name} is already taken {first.span()} "
                                       f"({first.label})")
            elif furthest[2]:
                stored = booking(b)
                report.add(file, furthest[3], f"{name} overlaps {stored.label} "
                                              f"({stored.span()})")
        if furthest is None or b[4] > furthest[4]:
            furthest = b


def _known_chair_spelling(names: list[str], chair_ids: dict[str, int]) -> dict[str, str]:
    """Each chair name of the file (in order of first appearance) -> the name it stands
    for: 'chair 1' is the clinic's 'Chair 1'; a new name keeps its first spelling in the
    file."""
    spelling = {name.casefold(): name for name in chair_ids}
    return {chair: spelling.setdefault(chair.casefold(), chair) for chair in names}


def _natural(name: str) -> list:
    """'Chair 2' before 'Chair 10'."""
    return [int(part) if part.isdigit() else part.casefold()
            for part in re.split(r"([0-9]+)", name)]


def _appointment_values(rows: list[tuple], ids: dict[str, int], chair_of: dict,
                        staff_id: int, now: dt.datetime, sqlite: bool) -> Iterator[tuple]:
    """The appointment table's values (APPOINTMENT_TABLE_COLUMNS) for each row; on SQLite
    the moments as the text its adapter writes (isoformat with a space), each distinct one
    formatted once. `chair_of`: each chair name of the file -> its chair's id."""
    moment = Texts().__getitem__ if sqlite else _as_it_is
    chair_of = {**chair_of, None: None}
    kind_of = {kind: kind.value for kind in Kind}
    status_of = {status: status.value for status in Status}
    cancelled = Status.CANCELLED
    at_now = moment(now)
    for line, chart, start, duration, kind, status, chair, cancelled_at, end in rows:
        yield (ids[chart], kind_of[kind], moment(start), duration, moment(end), chair_of[chair],
               status_of[status], at_now if cancelled_at is None else moment(cancelled_at),
               staff_id, at_now, staff_id,
               bool(cancelled_at and is_late_cancellation(start, cancelled_at)),
               "imported" if status == cancelled else None, 1)


APPOINTMENT_TABLE_COLUMNS = (
    "patient", "kind", "start", "duration_minutes", "ends_at", "chair", "status", "status_at",
    "status_by", "booked_at", "booked_by", "late_cancellation", "cancel_reason", "version")


def _as_it_is(value):
    return value


# --- the appointments file, read here or in a helper process ----------------------------------

#: An appointments file from this size (bytes; about 55 bytes a row) is read in a helper
#: process (bulk.Helper) while this one reads the patients file and writes the patients;
#: a smaller one is read here (starting a process costs more than it saves).
READ_APART_FROM = 4_000_000
#: Appointment rows a batch from the helper: packed for SQLite there, written here.
_BATCH = 32_768


class _AppointmentsRead:
    """An appointments file read and checked (_read_appointments): what the import needs of
    it, in the order it needs it. summary(): (its problems, how many good rows, the
    patient_ids they name, their chair names in order of first appearance); rows(): the good
    rows (to word every problem); load(): sets off the rows' values for the appointment
    table and gives them in batches to write (insert_batch). Here for a small file;
    _AppointmentsApart in a helper process for a big one."""

    def __init__(self, path: Path, durations: dict[Kind, int], sqlite: bool):
        self._report = _Report()
        self._rows = _read_appointments(path, self._report, durations)
        self._sqlite = sqlite
        self.size = len(self._rows)

    def summary(self) -> tuple[list[Problem], int, set[str], list[str]]:
        rows = self._rows
        charts = {r[CHART] for r in rows}
        chairs = list(dict.fromkeys(r[CHAIR] for r in rows if r[CHAIR] is not None))
        return self._report.problems, len(rows), charts, chairs

    def rows(self) -> list[tuple]:
        return self._rows

    def load(self, ids: dict[str, int], chair_of: dict, staff_id: int, now: dt.datetime):
        return self.batches(ids, chair_of, staff_id, now)

    def batches(self, ids, chair_of, staff_id, now, size: int | None = None) -> Iterator:
        values = _appointment_values(self._rows, ids, chair_of, staff_id, now, self._sqlite)
        if not self._sqlite:
            yield list(values)
            return
        packer = Packer(m.Appointment, APPOINTMENT_TABLE_COLUMNS, ready=True)
        size = size or len(self._rows) or 1
        while batch := list(islice(values, size)):
            yield packer.pack(batch), []
        yield [], packer.rest()

    def close(self) -> None:
        pass


def insert_batch(batch, sqlite: bool) -> None:
    """Write one batch of _AppointmentsRead.load()."""
    if sqlite:
        insert_packed(m.Appointment, APPOINTMENT_TABLE_COLUMNS, *batch)
    else:
        insert_rows(m.Appointment, APPOINTMENT_TABLE_COLUMNS, batch)


class _AppointmentsApart:
    """_AppointmentsRead in a helper process (SQLite): the file is read there from the start,
    while this process reads the patients; the rows stay there unless a problem needs them
    here; load() has them turned into the table's values and packed there, a batch at a
    time, while this one builds the patients' indexes and then writes the batches."""

    def __init__(self, path: Path, durations: dict[Kind, int]):
        self._helper = Helper(f"{__name__}:_appointments_apart")
        self._helper.send((str(path), durations))
        self.size = Path(path).stat().st_size // 55   # about: a row is 55 bytes or so
        self._summary = None

    def summary(self):
        if self._summary is None:
            self._summary = self._helper.recv()
        return self._summary

    def rows(self) -> list[tuple]:
        self._helper.send(("rows",))
        return self._helper.recv()

    def load(self, ids, chair_of, staff_id, now):
        self._helper.send(("load", ids, chair_of, staff_id, now))
        return iter(self._helper.recv, None)

    def close(self) -> None:
        self._helper.close()


def _appointments_apart(channel) -> None:
    """The helper's side of _AppointmentsApart: the summary, then what is asked."""
    gc.disable()  # a million tuples, no cycles (as import_csv)
    path, durations = channel.recv()
    read = _AppointmentsRead(path, durations, sqlite=True)
    channel.send(read.summary())
    while True:
        ask = channel.recv()
        if ask[0] == "rows":
            channel.send(read.rows())
        else:
            for batch in read.batches(*ask[1:], size=_BATCH):
                channel.send(batch)
            channel.send(None)


def _read_appointments_file(path: Path, durations: dict[Kind, int], sqlite: bool):
    if sqlite and Path(path).is_file() and Path(path).stat().st_size >= READ_APART_FROM:
        return _AppointmentsApart(path, durations)
    return _AppointmentsRead(path, durations, sqlite)


class _NoAppointments:
    size = 0

    def summary(self):
        return [], 0, set(), []

    def rows(self) -> list[tuple]:
        return []

    def load(self, *args):
        return iter(())

    def close(self) -> None:
        pass


# --- the use case ----------------------------------------------------------------------------

def import_csv(patients: str | Path | None = None, appointments: str | Path | None = None, *,
               staff: str = audit.DEFAULT_STAFF) -> ImportSummary:
    """Validate every row of both files, then write all of it in one transaction, or nothing.

    Problems name each file exactly as it was given (`./p.csv` stays `./p.csv`)."""
    began = time.perf_counter()
    if patients is None and appointments is None:
        raise ValidationError("nothing to import: give --patients and/or --appointments")
    report = _Report()
    settings = clinic_settings()
    today = clock.today()
    now = clock.now()
    db = m.database.obj
    sqlite = is_sqlite(db)
    # Reading builds a million tuples that live until the end and make no cycles: the cyclic
    # garbage collector would traverse them again and again for nothing (4 s at 100,000).
    collecting = gc.isenabled()
    gc.disable()
    reading = _NoAppointments()
    try:
        if appointments:
            reading = _read_appointments_file(appointments, settings.durations, sqlite)
        patient_rows, named_in_file = (
            _read_patients(patients, report, today, settings.phone_region) if patients
            else ([], set()))
        # A big load (as many rows as the appointments stored, or more) into a database no
        # other connection has open goes through a rollback journal instead of the WAL, as
        # the demo generator's: the commit writes its pages once, into the file, instead of
        # into the WAL and again into the file (400 MB at 100,000 patients: 3-4 s of the
        # import). All or nothing all the same (a crash rolls the hot journal back on the
        # next open); WAL again when it is done (and on every open: frontdesk's setting).
        # A desk opened meanwhile waits for the import (busy_timeout) instead of reading.
        rolled = (sqlite and _big(reading.size + 2 * len(patient_rows))
                  and journal_mode(db) == "wal" and journal_mode(db, "delete"))
        try:
            # the load's page cache from the first insert to the last check (load_cache)
            with load_cache(), write_transaction():
                summary = _load(reading, patients, appointments, patient_rows, named_in_file,
                                report, staff, now, sqlite)
        finally:
            if rolled:
                journal_mode(db, "wal")
    finally:
        reading.close()
        if collecting:
            gc.enable()
    return ImportSummary(summary[0], summary[1], summary[2],
                         round(time.perf_counter() - began, 3))


def _load(reading, patients, appointments, patient_rows: list[_PatientRow],
          named_in_file: set[str], report: _Report, staff: str, now: dt.datetime,
          sqlite: bool) -> tuple[int, int, tuple[str, ...]]:
    """Inside the write transaction: the checks against the database and the load. The
    patients are written, and their indexes built, before the appointments file's reading
    is asked for (a helper process reads it meanwhile): any problem found after rolls them
    back with all."""
    pfile = str(patients) if patients else ""
    afile = str(appointments) if appointments else ""

    def rejected() -> ImportRejected:
        report.problems.sort(key=lambda p: (p.file != pfile, p.line))
        return ImportRejected(report.problems)

    in_db = _patient_ids([r.chart for r in patient_rows])
    for r in patient_rows:
        if r.chart in in_db:
            report.add(pfile, r.line, f"patient_id {r.chart!r} is already in the database")
    if report.problems:
        # every problem is reported, the appointments' too (as below), and nothing is written
        _reported(reading, reading.summary(), patients, afile, named_in_file, report)
        raise rejected()

    staff_id = audit.staff_id(staff)
    # The patients first, their indexes built once after them (while a helper process reads
    # the appointments), then the appointments: one load, the chair rule checked once for
    # all of it by the database (chair_guard.suspended), the indexes built once when the
    # load is big.
    db = m.database.obj
    with indexes_deferred(m.Patient, m.PhaseChange, adding=2 * len(patient_rows)):
        last_patient = db.execute_sql("SELECT COALESCE(MAX(id), 0) FROM patient").fetchone()[0]
        keys: dict[tuple[str, str], str] = {}
        insert_rows(m.Patient, [
            "chart_number", "first_name", "last_name", "search_key", "date_of_birth", "phone",
            "email", "phase", "phase_since", "stabilization_target",
            "maintenance_interval_months", "registered_on", "created_at", "updated_at"],
            [(r.chart, r.first_name, r.last_name, _name_key(keys, r.first_name, r.last_name),
              r.dob, r.phone, r.email, r.phase, r.phase_since, r.target, r.interval,
              r.registered_on, now, now)
             for r in patient_rows])
        ids = dict(db.execute_sql(
            f"SELECT chart_number, id FROM patient WHERE id > {db.param}", (last_patient,)))
        insert_rows(m.PhaseChange,
                    ["patient", "at", "staff", "from_phase", "to_phase", "reason"],
                    [(ids[r.chart], dt.datetime.combine(r.phase_since, dt.time()), staff_id,
                      None, r.phase, "imported") for r in patient_rows])

    # what the appointments file holds (a helper process has read it meanwhile)
    summary = reading.summary()
    problems, appointments_read, charts, chair_names = summary
    existing_ids = _patient_ids(sorted(charts - named_in_file))
    if problems or charts - named_in_file - existing_ids.keys():
        _reported(reading, summary, patients, afile, named_in_file, report)
        raise rejected()
    ids.update(existing_ids)
    chair_ids = dict(m.Chair.select(m.Chair.name, m.Chair.id).tuples())
    spelling = _known_chair_spelling(chair_names, chair_ids)
    new_chairs = sorted(set(spelling.values()) - set(chair_ids), key=_natural)
    position = (m.Chair.select(m.Chair.position).order_by(m.Chair.position.desc())
                .scalar() or 0)
    for offset, name in enumerate(new_chairs, start=1):
        chair_ids[name] = m.Chair.create(name=name, position=position + offset).id
    chair_of = {name: chair_ids[canonical] for name, canonical in spelling.items()}
    batches = reading.load(ids, chair_of, staff_id, now)
    try:
        with chair_guard.suspended(adding=appointments_read), indexes_deferred(
                m.Appointment, adding=appointments_read):
            for batch in batches:
                insert_batch(batch, sqlite)
    except IntegrityError as refused:
        if not chair_guard.is_chair_taken(refused):
            raise
        # the database refused an overlap in a chair (and rolled the appointments back):
        # the rows' own check words it, line by line, as before a load
        _check_chair_overlaps(reading.rows(), chair_ids, spelling, afile, report)
        if not report.problems:
            raise
        raise rejected() from None
    audit.record(staff_id, "import", "patient", None, patients=len(patient_rows),
                 appointments=appointments_read, chairs_created=new_chairs)
    return len(patient_rows), appointments_read, tuple(new_chairs)


def _reported(reading, summary: tuple, patients, afile: str, named_in_file: set[str],
              report: _Report) -> None:
    """Every problem of the appointments file into the report: the rows' own, a patient
    neither file nor database has, two infusions at once in a chair (the rows' check
    against each other and the database, as it stands before the import)."""
    problems, _, charts, chair_names = summary
    report.problems.extend(problems)
    existing_ids = _patient_ids(sorted(charts - named_in_file))
    rows = reading.rows()
    for r in rows:
        if r[CHART] not in named_in_file and r[CHART] not in existing_ids:
            report.add(afile, r[LINE], f"patient_id {r[CHART]!r} is not in "
                       f"{'the patients file or ' if patients else ''}the database")
    chair_ids = dict(m.Chair.select(m.Chair.name, m.Chair.id).tuples())
    _check_chair_overlaps(rows, chair_ids, _known_chair_spelling(chair_names, chair_ids),
                          afile, report)


def _big(rows: int) -> bool:
    """A load that brings at least as many rows as the appointments already stored."""
    stored = m.database.obj.execute_sql("SELECT count(*) FROM appointment").fetchone()[0]
    return rows >= max(stored, 1)


def _name_key(keys: dict, first: str, last: str) -> str:
    """v.name_key, once for each (first, last) of a file."""
    key = keys.get((first, last))
    if key is None:
        key = keys[first, last] = v.name_key(first, last)
    return key
