"""The desk's patient list and patient detail, a page at a time.

The list never loads every patient. Lists sorted by name (All, Mid-stabilization and any
search) page through the `patient.search_key` index with keyset pagination: the next page
starts after the last key shown. Lists sorted by a computed date (Due for maintenance, Not
seen) fetch their members' ids in that order with one query, and the rows' columns a page at
a time. Every row is computed as of a date with the same subqueries as services.lists (the phase and
phase_since too: lists.phase_as_of), so a badge never disagrees with the lists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import StrEnum

from peewee import JOIN, SQL, fn

from frontdesk import clock
from frontdesk.db import models as m
from frontdesk.db import queries
from frontdesk.db import search_index
from frontdesk.db.connection import read_snapshot, write_transaction
from frontdesk.domain import lists as rules
from frontdesk.domain import measures
from frontdesk.domain.errors import Conflict, NotFound, ValidationError
from frontdesk.domain.model import Kind, Phase, Status
from frontdesk.domain.phases import badge
from frontdesk.domain.search import SearchTerms
from frontdesk.domain.validation import format_phone
from frontdesk.services import audit, recall
from frontdesk.db.dialect import as_day, as_moment
from frontdesk.services.lists import (PhaseAsOf, completed_in_phase, day_reader, due_reader,
                                      fetch, last_completed_infusion, members, next_booked,
                                      phase_as_of, seen_by)

P = m.Patient
A = m.Appointment

NOTES_MAX_CHARS = 10_000


class Filter(StrEnum):
    """The desk's filters; the three lists keep the names `frontdesk lists` uses."""
    ALL = "all"
    MID_STABILIZATION = "mid_stabilization"
    DUE_FOR_MAINTENANCE = "due_for_maintenance"
    NOT_SEEN = "not_seen_over_a_month"
    DAY = "day"  # patients with an appointment (not cancelled) on the chosen day


#: (search_key, id): the keyset order of name-sorted lists.
SortKey = tuple[str, int]


@dataclass(frozen=True)
class ListQuery:
    as_of: dt.date
    filter: Filter = Filter.ALL
    search: SearchTerms = field(default_factory=SearchTerms)
    #: leave out the patients called on this day (recall calls); searches show everyone
    hide_called_on: dt.date | None = None

    @property
    def searching(self) -> bool:
        return not self.search.empty

    @property
    def by_name(self) -> bool:
        """Sorted by name, so it pages by keyset; otherwise by a computed date."""
        return self.searching or self.filter in (Filter.ALL, Filter.MID_STABILIZATION)


@dataclass(frozen=True)
class PatientRow:
    id: int
    chart: str
    name: str
    phase: Phase
    badge: str
    stalled: bool
    last_seen: dt.date | None
    next_booked: dt.datetime | None
    key: SortKey
    last_call: str | None = None  # the latest recall call, e.g. '11-20 no answer'


# --- which patients ----------------------------------------------------------------------------

def _appointments_on(day: dt.date, *columns):
    """The day's appointments that are still on (not cancelled)."""
    return A.select(*columns).where(queries.on_day(day), A.status != Status.CANCELLED.value)


_LISTS = (Filter.MID_STABILIZATION, Filter.DUE_FOR_MAINTENANCE, Filter.NOT_SEEN)


def _conditions(q: ListQuery, *, walk_names: bool = False,
                phases: PhaseAsOf | None = None) -> list:
    """`phases`: phase_as_of(q.as_of), when the caller has it already."""
    if q.searching:
        return [search_index.matching(q.search, walk_names=walk_names)]
    if q.hide_called_on is not None:
        return [*_conditions(replace(q, hide_called_on=None), phases=phases),
                P.id.not_in(recall.called_on(q.hide_called_on))]
    if q.filter in _LISTS:
        return members(q.filter.value, q.as_of, phases)
    if q.filter == Filter.DAY:
        return [P.id.in_(_appointments_on(q.as_of, A.patient))]
    return []


def count(q: ListQuery, phases: PhaseAsOf | None = None) -> int:
    if q.searching:
        return search_index.count(q.search)
    if q.filter == Filter.DAY and q.hide_called_on is None:
        # the day's patients from the day's index entries alone (every appointment's patient
        # exists: a foreign key)
        return _appointments_on(q.as_of, fn.COUNT(A.patient.distinct())).scalar()
    with read_snapshot():  # the phase as of a past day is asked in two steps
        conditions = _conditions(q, phases=phases)
        # COUNT(*): SQLite counts the table without reading rows
        query = P.select(fn.COUNT(SQL("*")))
        return (query.where(*conditions) if conditions else query).scalar()


def filter_counts(as_of: dt.date) -> dict[Filter, int]:
    """Every filter's size as of a date, from one snapshot (the lists' sizes equal
    `frontdesk lists`)."""
    with read_snapshot():
        phases = phase_as_of(as_of)
        return {f: count(ListQuery(as_of, f), phases) for f in Filter}


def ordered_ids(q: ListQuery) -> list[int]:
    """The members of a list sorted by a computed date, in the order the desk shows them:
    due for maintenance by due date (overdue first), not seen by last seen (never first),
    the day's patients by their first appointment."""
    if q.by_name:
        raise ValueError("lists sorted by name page by keyset; use rows_after")
    if q.filter == Filter.DUE_FOR_MAINTENANCE:
        with read_snapshot():
            phases = phase_as_of(q.as_of)
            query = P.select(P.id, P.chart_number, phases[1], P.maintenance_interval_months,
                             last_completed_infusion(q.as_of)
                             ).where(*_conditions(q, phases=phases))
            rows = fetch(query)
        day, due_on = day_reader(), due_reader()
        due = [(due_on(day(last), months, day(since)), chart, pid)
               for pid, chart, since, months, last in rows]
        due.sort()
        return [pid for _, _, pid in due]
    if q.filter == Filter.NOT_SEEN:
        with read_snapshot():
            phases = phase_as_of(q.as_of)
            query = P.select(P.id, P.chart_number, seen_by(q.as_of).select(fn.MAX(A.start))
                             ).where(*_conditions(q, phases=phases))
            rows = fetch(query)
        day, never = day_reader(), (False, dt.date.min)
        unseen = [((True, day(last)) if last is not None else never, chart, pid)
                  for pid, chart, last in rows]
        unseen.sort()
        return [pid for _, _, pid in unseen]
    first = fn.MIN(A.start)
    query = (_appointments_on(q.as_of, A.patient, first).join(P)
             .group_by(A.patient, P.search_key).order_by(first, P.search_key, A.patient))
    return [pid for pid, _ in fetch(query)]


# --- what each row shows --------------------------------------------------------------------

def _row_query(as_of: dt.date):
    """Each patient's row as of the date: the phase and phase_since in force at its end (a
    patient registered later shows the earliest phase the history knows). For a few patients
    at a time (a page, one patient's detail)."""
    phase, since = phase_as_of(as_of, few=True)
    infusion = A.kind == Kind.INFUSION.value
    return P.select(
        P.id, P.chart_number, P.last_name, P.first_name, phase.alias("phase"),
        since.alias("since"),
        P.stabilization_target, P.maintenance_interval_months, P.search_key, P.registered_on,
        completed_in_phase(since, as_of, fn.COUNT(A.id)).alias("k"),
        completed_in_phase(since, as_of, fn.MAX(A.start)).alias("last_in_phase"),
        last_completed_infusion(as_of).alias("last_infusion"),
        next_booked(as_of, infusion).alias("next_infusion"),
        seen_by(as_of).select(fn.MAX(A.start)).alias("last_seen"),
        next_booked(as_of).alias("next_booked"))


@dataclass(frozen=True)
class _Standing:
    """Where a patient stands as of a date: the facts behind the badge."""
    completed: int
    stalled: bool
    due_on: dt.date | None
    due: bool
    overdue: bool
    badge: str


def _standing(row: dict, as_of: dt.date) -> _Standing:
    """A patient registered after the date is on no list then: never stalled, due or overdue."""
    phase = Phase(row["phase"])
    phase_since = as_day(row["since"])
    registered = row["registered_on"] <= as_of
    has_booked_infusion = row["next_infusion"] is not None
    stalled = registered and phase == Phase.STABILIZATION and rules.is_stalled(
        phase_since=phase_since, last_completed_since_phase=as_day(row["last_in_phase"]),
        has_booked_infusion=has_booked_infusion, as_of=as_of)
    due_on = due = overdue = None
    if phase == Phase.MAINTENANCE:
        due_on = rules.due_on(last_infusion=as_day(row["last_infusion"]),
                              interval_months=row["maintenance_interval_months"],
                              phase_since=phase_since)
        due = registered and not has_booked_infusion and due_on <= rules.due_window_end(as_of)
        overdue = due and due_on < as_of
    return _Standing(
        completed=row["k"], stalled=stalled, due_on=due_on, due=bool(due),
        overdue=bool(overdue),
        badge=badge(phase, completed=row["k"], target=row["stabilization_target"],
                    due=bool(due), overdue=bool(overdue)))


def _row(row: dict, as_of: dt.date) -> PatientRow:
    standing = _standing(row, as_of)
    return PatientRow(
        id=row["id"], chart=row["chart_number"],
        name=rules.display_name(row["last_name"], row["first_name"]),
        phase=Phase(row["phase"]), badge=standing.badge, stalled=standing.stalled,
        last_seen=as_day(row["last_seen"]), next_booked=as_moment(row["next_booked"]),
        key=(row["search_key"], row["id"]))


def rows_for_ids(ids: list[int], as_of: dt.date) -> list[PatientRow]:
    """The rows of these patients, in the order given."""
    if not ids:
        return []
    found = {r["id"]: _row(r, as_of) for r in _row_query(as_of).where(P.id.in_(ids)).dicts()}
    calls = recall.last_calls(list(found))
    return [replace(found[pid], last_call=calls.get(pid)) for pid in ids if pid in found]


def walks_names(matches: int, patients: int, limit: int) -> bool:
    """Whether a search's page is found faster by walking the name index (testing each
    patient) than by sorting all the matches: a walk reads about limit * patients / matches
    names, a sort reads every match."""
    return matches * matches > limit * patients


def _keys_in_order(q: ListQuery, *extra, descending: bool = False, walk_names: bool = False):
    """(id) of a name-sorted list. A plain list walks the name index; a search either sorts
    its matches or walks the index (see walks_names)."""
    conditions = [*_conditions(q, walk_names=walk_names), *extra]
    walk = walk_names or not q.searching
    sort_key = P.search_key if walk else P.search_key.concat("")  # ||'': no index walk
    order = (sort_key.desc(), P.id.desc()) if descending else (sort_key, P.id)
    query = P.select(P.id)
    return (query.where(*conditions) if conditions else query).order_by(*order)


def _after(key: SortKey):
    return (P.search_key > key[0]) | ((P.search_key == key[0]) & (P.id > key[1]))


def _before(key: SortKey):
    return (P.search_key < key[0]) | ((P.search_key == key[0]) & (P.id < key[1]))


def _rows(ids_query, as_of: dt.date) -> list[PatientRow]:
    return rows_for_ids([pid for (pid,) in ids_query.tuples()], as_of)


def rows_after(q: ListQuery, key: SortKey | None, limit: int, *,
               walk_names: bool = False) -> list[PatientRow]:
    """The next `limit` rows in name order after `key` (from the start when None)."""
    extra = [_after(key)] if key is not None else []
    return _rows(_keys_in_order(q, *extra, walk_names=walk_names).limit(limit), q.as_of)


def rows_before(q: ListQuery, key: SortKey, limit: int, *,
                walk_names: bool = False) -> list[PatientRow]:
    """The `limit` rows just before `key` in name order, in name order."""
    ids = _keys_in_order(q, _before(key), descending=True, walk_names=walk_names)
    return _rows(ids.limit(limit), q.as_of)[::-1]


def rows_at(q: ListQuery, offset: int, limit: int, *,
            walk_names: bool = False) -> list[PatientRow]:
    """Rows by position, for a jump far from any page already shown (scrollbar, End)."""
    ids = _keys_in_order(q, walk_names=walk_names).offset(offset).limit(limit)
    return _rows(ids, q.as_of)


def index_of(q: ListQuery, key: SortKey) -> int:
    """Where a patient sits in a name-sorted list (how many rows come before it)."""
    return P.select(fn.COUNT(P.id)).where(*_conditions(q), _before(key)).scalar()


class ListPager:
    """One list's rows by position, fetched a page at a time.

    Name-sorted lists continue from the nearest page already fetched (keyset), so scrolling
    reads index ranges; only a jump far from everything fetched falls back to OFFSET.
    Lists sorted by a computed date hold their members' ids and fetch the rows by id.
    Not thread-safe: use one pager from one worker at a time.
    """

    def __init__(self, q: ListQuery) -> None:
        self.query = q
        self._keys: dict[int, SortKey] = {}
        self._ids: list[int] | None = None
        self._sizes: tuple[int, int] | None = None  # a search's (matches, all patients)

    def size(self) -> int:
        if not self.query.by_name:
            self._ids = ordered_ids(self.query)
            return len(self._ids)
        matches = count(self.query)
        if self.query.searching:
            self._sizes = (matches, count(ListQuery(self.query.as_of)))
        return matches

    def page(self, offset: int, limit: int) -> list[PatientRow]:
        """Rows offset .. offset+limit-1 (fewer at the end of the list)."""
        q = self.query
        if not q.by_name:
            if self._ids is None:
                self._ids = ordered_ids(q)
            return rows_for_ids(self._ids[offset:offset + limit], q.as_of)
        walk = self._sizes is not None and walks_names(*self._sizes, limit)
        if offset == 0:
            rows = rows_after(q, None, limit, walk_names=walk)
        elif offset - 1 in self._keys:
            rows = rows_after(q, self._keys[offset - 1], limit, walk_names=walk)
        elif offset + limit in self._keys:
            rows = rows_before(q, self._keys[offset + limit], limit, walk_names=walk)
        else:
            rows = rows_at(q, offset, limit, walk_names=walk)
        for position, row in enumerate(rows, start=offset):
            self._keys[position] = row.key
        return rows


# --- one patient ----------------------------------------------------------------------------

@dataclass(frozen=True)
class AppointmentLine:
    id: int
    start: dt.datetime
    duration_minutes: int
    kind: Kind
    status: Status
    chair: str | None


@dataclass(frozen=True)
class PhaseStep:
    at: dt.datetime
    from_phase: Phase | None
    to_phase: Phase
    reason: str
    staff: str


@dataclass(frozen=True)
class ScorePoint:
    """One sitting's questionnaire totals (either may be missing)."""
    taken_at: dt.datetime
    phq9: int | None
    gad7: int | None


@dataclass(frozen=True)
class PatientDetail:
    id: int
    chart: str
    first_name: str
    last_name: str
    name: str
    date_of_birth: dt.date
    phone: str            # formatted for the clinic's region
    email: str | None
    registered_on: dt.date
    phase: Phase
    phase_since: dt.date
    badge: str
    stabilization_target: int
    infusions_completed: int  # k: in this stabilization phase, as of the date
    stalled: bool
    maintenance_interval_months: int
    due_on: dt.date | None
    last_infusion: dt.date | None
    last_seen: dt.date | None
    history: tuple[PhaseStep, ...]
    recent: tuple[AppointmentLine, ...]    # newest first
    upcoming: tuple[AppointmentLine, ...]  # soonest first
    notes: str
    version: int
    scores: tuple[ScorePoint, ...]         # the latest taken by the date, oldest first
    assessment_due_on: dt.date | None      # when a progress assessment is (or will be) due
    last_call: str | None = None           # the latest recall call, e.g. '11-20 no answer'


def _lines(query) -> tuple[AppointmentLine, ...]:
    return tuple(AppointmentLine(id=aid, start=as_moment(start), duration_minutes=minutes,
                                 kind=Kind(kind), status=Status(status), chair=chair)
                 for aid, start, minutes, kind, status, chair in query.tuples())


def _scores(patient_id: int, as_of: dt.date, limit: int) -> tuple[ScorePoint, ...]:
    M = m.Measurement
    latest = (M.select(M.taken_at, M.phq9, M.gad7)
              .where(M.patient == patient_id, queries.by_end_of(as_of, M.taken_at))
              .order_by(M.taken_at.desc(), M.id.desc()).limit(limit).tuples())
    return tuple(ScorePoint(taken_at=as_moment(at), phq9=phq9, gad7=gad7)
                 for at, phq9, gad7 in reversed(list(latest)))


def patient_detail(patient_id: int, as_of: dt.date, *, region: str = "US",
                   appointments: int = 5, scores: int = 24) -> PatientDetail:
    """Everything the detail pane shows, as of a date, from one snapshot."""
    with read_snapshot():
        row = (_row_query(as_of).select_extend(P.date_of_birth, P.phone, P.email,
                                               P.notes, P.version)
               .where(P.id == patient_id).dicts().get_or_none())
        if row is None:
            raise NotFound("that patient is no longer in the database")
        standing = _standing(row, as_of)
        history = tuple(
            PhaseStep(at=as_moment(at), from_phase=Phase(src) if src else None,
                      to_phase=Phase(dst), reason=reason, staff=who)
            for at, src, dst, reason, who in (
                m.PhaseChange.select(m.PhaseChange.at, m.PhaseChange.from_phase,
                                     m.PhaseChange.to_phase, m.PhaseChange.reason,
                                     m.Staff.username)
                .join(m.Staff).where(m.PhaseChange.patient == patient_id)
                .order_by(m.PhaseChange.at, m.PhaseChange.id).tuples()))
        columns = (A.id, A.start, A.duration_minutes, A.kind, A.status, m.Chair.name)
        base = (A.select(*columns).join(m.Chair, join_type=JOIN.LEFT_OUTER)
                .where(A.patient == patient_id))
        before = queries.by_end_of(as_of - dt.timedelta(days=1))
        recent = _lines(base.where(before).order_by(A.start.desc()).limit(appointments))
        upcoming = _lines(base.where(queries.from_day(as_of)).order_by(A.start)
                          .limit(appointments))
        points = _scores(patient_id, as_of, scores)
        last_call = recall.last_calls([patient_id]).get(patient_id)
    last_infusion = as_day(row["last_infusion"])
    assessment_due_on = measures.progress_assessment_due_on(
        Phase(row["phase"]), as_day(row["since"]), last_infusion,
        points[-1].taken_at.date() if points else None)
    return PatientDetail(
        id=row["id"], chart=row["chart_number"], first_name=row["first_name"],
        last_name=row["last_name"], name=rules.display_name(row["last_name"], row["first_name"]),
        date_of_birth=row["date_of_birth"], phone=format_phone(row["phone"], region),
        email=row["email"], registered_on=row["registered_on"], phase=Phase(row["phase"]),
        phase_since=as_day(row["since"]), badge=standing.badge,
        stabilization_target=row["stabilization_target"],
        infusions_completed=standing.completed, stalled=standing.stalled,
        maintenance_interval_months=row["maintenance_interval_months"],
        due_on=standing.due_on, last_infusion=last_infusion,
        last_seen=as_day(row["last_seen"]), history=history, recent=recent,
        upcoming=upcoming, notes=row["notes"] or "", version=row["version"],
        scores=points, assessment_due_on=assessment_due_on, last_call=last_call)


def save_notes(patient_id: int, notes: str, *, expected_version: int, staff: str) -> int:
    """Replace the desk notes; refused when someone changed the patient meanwhile.

    Returns the patient's new version."""
    if len(notes) > NOTES_MAX_CHARS:
        raise ValidationError(f"notes are longer than {NOTES_MAX_CHARS:,} characters")
    with write_transaction():
        staff_id = audit.staff_id(staff)
        changed = (P.update(notes=notes, version=P.version + 1, updated_at=clock.now())
                   .where(P.id == patient_id, P.version == expected_version).execute())
        if not changed:
            if not P.select().where(P.id == patient_id).exists():
                raise NotFound("that patient is no longer in the database")
            raise Conflict("someone else changed this patient meanwhile; "
                           "your notes were kept: look at theirs and save again")
        audit.record(staff_id, "edit_notes", "patient", patient_id, chars=len(notes))
        return expected_version + 1
