"""`frontdesk import`: patients and appointments from CSV, all or nothing.

Every problem is collected (never only the first) and reported as FILE:LINE: reason, where
LINE counts the header as line 1 and is the line a record starts on.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from frontdesk import clock
from frontdesk.db import chair_guard
from frontdesk.db import models as m
from frontdesk.db import queries
from frontdesk.db.bulk import indexes_deferred, insert_rows
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


def _records(path: Path, columns: dict[str, bool], report: _Report
             ) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line, {column: text}) for each data row; header problems go to the report."""
    opened = _open(path, columns, report)
    if opened is None:
        return
    reader, header = opened
    for line, values in _lines(reader, str(path), report):
        rec = _record(values, header, str(path), line, report)
        if rec is not None:
            yield line, rec


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
    appointments are not also reported as unknown patients)."""
    rows, first_line = [], {}
    first_of = _remembered(lambda t: v.parse_name(t, "first_name"))
    last_of = _remembered(lambda t: v.parse_name(t, "last_name"))
    dob_of = _remembered(
        lambda t: v.check_date_of_birth(v.parse_iso_date(t, "date_of_birth"), today))
    phase_of = _remembered(v.parse_phase)
    since_of = _remembered(lambda t: v.parse_iso_date(t, "phase_since"))
    target_of = _remembered(v.parse_stabilization_target)
    interval_of = _remembered(v.parse_maintenance_interval)
    registered_of = _remembered(lambda t: v.parse_iso_date(t, "registered_on"))
    for line, rec in _records(path, PATIENT_COLUMNS, report):
        bad: list[str] = []
        chart = _field(rec, "patient_id", v.parse_chart_number, bad)
        first = _field(rec, "first_name", first_of, bad)
        last = _field(rec, "last_name", last_of, bad)
        dob = _field(rec, "date_of_birth", dob_of, bad)
        phone = _field(rec, "phone", lambda t: v.parse_phone(t, region), bad)
        email = _field(rec, "email", v.parse_email, bad, required=False)
        phase = _field(rec, "phase", phase_of, bad)
        since = _field(rec, "phase_since", since_of, bad)
        target = _field(rec, "stabilization_target", target_of, bad,
                        STABILIZATION_TARGET_DEFAULT, required=False)
        interval = _field(rec, "maintenance_interval_months", interval_of,
                          bad, MAINTENANCE_INTERVAL_DEFAULT, required=False)
        registered = _field(rec, "registered_on", registered_of, bad, since, required=False)
        if chart is not None:
            if chart in first_line:
                bad.append(f"patient_id {chart!r} appears again "
                           f"(first on line {first_line[chart]})")
            else:
                first_line[chart] = line
        for reason in bad:
            report.add(str(path), line, reason)
        if not bad:
            rows.append(_PatientRow(line, chart, first, last, dob, phone, email, phase.value,
                                    since, target, interval, registered))
    return rows, set(first_line)


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
    """The good rows as tuples (LINE, CHART, ... END). A row whose every text was already
    read in a good row is taken at once; any other goes through `_appointment` (the one
    reading, and so the one wording of every problem), which teaches the fast path its
    texts when the row is good."""
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
    # raw text -> value, for texts a good row had; "" where a blank is a good value
    charts: dict[str, str] = {}
    starts: dict[str, dt.datetime] = {}
    kinds: dict[str, Kind] = {}
    statuses: dict[str, Status] = {}
    minutes: dict[str, int | None] = {"": None}
    chairs: dict[str, str | None] = {"": None}
    cancels: dict[str, None] = {"": None}
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
            if row is None:
                continue
            append(row)
            charts[rec["patient_id"]] = row[CHART]
            starts[rec["start"]] = row[START]
            kinds[rec["kind"]] = row[KIND]
            statuses[rec["status"]] = row[STATUS]
            if di is not None:
                minutes[rec["duration_minutes"]] = parsers[4](text) if (
                    text := rec["duration_minutes"].strip()) else None
            if chi is not None:
                chairs[rec["chair"]] = row[CHAIR]
            continue
        duration = duration or durations[kind]
        end = ends.get((start, duration))
        if end is None:
            end = ends[start, duration] = end_of(start, duration)
        append((line, chart, start, duration, kind, status, chair, None, end))
    return rows


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


def _known_chair_spelling(rows: list[tuple], chair_ids: dict[str, int]) -> dict[str, str]:
    """Each chair name of the file -> the name it stands for: 'chair 1' is the clinic's
    'Chair 1'; a new name keeps its first spelling in the file."""
    spelling = {name.casefold(): name for name in chair_ids}
    of: dict[str, str] = {}
    for r in rows:
        chair = r[CHAIR]
        if chair is not None and chair not in of:
            of[chair] = spelling.setdefault(chair.casefold(), chair)
    return of


def _natural(name: str) -> list:
    """'Chair 2' before 'Chair 10'."""
    return [int(part) if part.isdigit() else part.casefold()
            for part in re.split(r"([0-9]+)", name)]


def _appointment_values(rows: list[tuple], ids: dict[str, int], chair_ids: dict[str, int],
                        spelling: dict[str, str], staff_id: int, now: dt.datetime
                        ) -> Iterator[tuple]:
    """The appointment table's values for each row; on SQLite the moments as the text its
    adapter writes (isoformat with a space), each distinct one formatted once."""
    sqlite = is_sqlite(m.database.obj)
    moments: dict = {}

    def moment(value: dt.datetime):
        text = moments.get(value)
        if text is None:
            text = moments[value] = value.isoformat(" ") if sqlite else value
        return text
    chair_of = {name: chair_ids[canonical] for name, canonical in spelling.items()}
    chair_of[None] = None
    kind_of = {kind: kind.value for kind in Kind}
    status_of = {status: status.value for status in Status}
    cancelled = Status.CANCELLED
    at_now = moment(now)
    for line, chart, start, duration, kind, status, chair, cancelled_at, end in rows:
        yield (ids[chart], kind_of[kind], moment(start), duration, moment(end), chair_of[chair],
               status_of[status], at_now if cancelled_at is None else moment(cancelled_at),
               staff_id, at_now, staff_id,
               bool(cancelled_at and is_late_cancellation(start, cancelled_at)),
               "imported" if status == cancelled else None)


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
    patient_rows, named_in_file = (
        _read_patients(patients, report, today, settings.phone_region) if patients
        else ([], set()))
    appointment_rows = (_read_appointments(appointments, report, settings.durations)
                        if appointments else [])

    with write_transaction():
        pfile = str(patients) if patients else ""
        afile = str(appointments) if appointments else ""
        in_db = _patient_ids([r.chart for r in patient_rows])
        for r in patient_rows:
            if r.chart in in_db:
                report.add(pfile, r.line, f"patient_id {r.chart!r} is already in the database")
        unknown = {r[CHART] for r in appointment_rows} - named_in_file
        existing_ids = _patient_ids(sorted(unknown))
        if unknown - existing_ids.keys():
            for r in appointment_rows:
                if r[CHART] not in named_in_file and r[CHART] not in existing_ids:
                    report.add(afile, r[LINE], f"patient_id {r[CHART]!r} is not in "
                               f"{'the patients file or ' if patients else ''}the database")
        chair_ids = dict(m.Chair.select(m.Chair.name, m.Chair.id).tuples())
        spelling = _known_chair_spelling(appointment_rows, chair_ids)
        _check_chair_overlaps(appointment_rows, chair_ids, spelling, afile, report)
        if report.problems:
            report.problems.sort(key=lambda p: (p.file != pfile, p.line))
            raise ImportRejected(report.problems)

        staff_id = audit.staff_id(staff)
        # one load: the chair rule checked once for all of it (the rows were checked above;
        # this is the database's own word), the indexes built once when the load is big
        loading = 2 * len(patient_rows) + len(appointment_rows)
        with chair_guard.suspended(adding=len(appointment_rows)), indexes_deferred(
                m.Patient, m.PhaseChange, m.Appointment, adding=loading):
            last_patient = m.database.obj.execute_sql(
                "SELECT COALESCE(MAX(id), 0) FROM patient").fetchone()[0]
            insert_rows(m.Patient, [
                "chart_number", "first_name", "last_name", "search_key", "date_of_birth", "phone",
                "email", "phase", "phase_since", "stabilization_target",
                "maintenance_interval_months", "registered_on", "created_at", "updated_at"],
                [(r.chart, r.first_name, r.last_name, v.name_key(r.first_name, r.last_name),
                  r.dob, r.phone, r.email, r.phase, r.phase_since, r.target, r.interval,
                  r.registered_on, now, now)
                 for r in patient_rows])
            ids = {**existing_ids, **dict(m.database.obj.execute_sql(
                f"SELECT chart_number, id FROM patient WHERE id > {m.database.obj.param}",
                (last_patient,)))}
            insert_rows(m.PhaseChange,
                        ["patient", "at", "staff", "from_phase", "to_phase", "reason"],
                        [(ids[r.chart], dt.datetime.combine(r.phase_since, dt.time()), staff_id,
                          None, r.phase, "imported") for r in patient_rows])

            new_chairs = sorted(set(spelling.values()) - set(chair_ids), key=_natural)
            position = (m.Chair.select(m.Chair.position).order_by(m.Chair.position.desc())
                        .scalar() or 0)
            for offset, name in enumerate(new_chairs, start=1):
                chair_ids[name] = m.Chair.create(name=name, position=position + offset).id
            insert_rows(m.Appointment, [
                "patient", "kind", "start", "duration_minutes", "ends_at", "chair", "status",
                "status_at", "status_by", "booked_at", "booked_by", "late_cancellation",
                "cancel_reason"],
                _appointment_values(appointment_rows, ids, chair_ids, spelling, staff_id, now))
        audit.record(staff_id, "import", "patient", None, patients=len(patient_rows),
                     appointments=len(appointment_rows), chairs_created=new_chairs)
    return ImportSummary(len(patient_rows), len(appointment_rows), tuple(new_chairs),
                         round(time.perf_counter() - began, 3))
