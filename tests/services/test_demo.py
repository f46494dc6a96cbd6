"""The demo clinic generator: deterministic, realistic, and never breaking the clinic's rules."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from peewee import IntegrityError

from frontdesk.db import models as m
from frontdesk.db.bulk import HelperFailed
from frontdesk.db.chair_guard import is_chair_taken
from frontdesk.db.connection import write_transaction
from frontdesk.domain import lists as rules
from frontdesk.domain.errors import DomainError
from frontdesk.domain.model import Kind, Phase, Status
from frontdesk.domain.validation import parse_email, parse_name, parse_phone, name_key
from frontdesk.services.clinic import close_clinic, open_clinic
from frontdesk.services import demo as demo_module
from frontdesk.services.demo import DemoSummary, generate_demo
from guard_support import guard_in_place

FRIDAY = dt.date(2026, 11, 20)          # a working day: some visits are under way at noon
NOW = dt.datetime.combine(FRIDAY, dt.time(12, 0))
PATIENTS = 300
SEED = 7
ROOT = Path(__file__).resolve().parents[2]
FINAL = {"completed", "no_show", "cancelled"}
UNDER_WAY = {"arrived", "in_chair", "recovery"}


def generate(path: Path, *, seed: int = SEED, patients: int = PATIENTS,
             today: dt.date = FRIDAY) -> DemoSummary:
    open_clinic(str(path))
    try:
        return generate_demo(patients=patients, seed=seed, today=today)
    finally:
        close_clinic()


def rows(path: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchall()


def ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "x.db"
    summary = generate(path)
    return path, summary


APPOINTMENT_COLUMNS = ("id", "patient_id", "kind", "start", "duration_minutes", "ends_at",
                       "chair_id", "status", "status_at", "status_by_id", "booked_at",
                       "booked_by_id", "late_cancellation", "cancel_reason", "version")
PATIENT_COLUMNS = ("id", "chart_number", "first_name", "last_name", "search_key",
                   "date_of_birth", "phone", "email", "phase", "phase_since",
                   "stabilization_target", "maintenance_interval_months", "registered_on",
                   "created_at", "updated_at")


def load(path: Path, table: str, cols: tuple[str, ...]) -> list[dict]:
    return [dict(zip(cols, r)) for r in rows(path, f"SELECT {', '.join(cols)} FROM {table}")]


@pytest.fixture(scope="module")
def appts(demo):
    return load(demo[0], "appointment", APPOINTMENT_COLUMNS)


@pytest.fixture(scope="module")
def patients(demo):
    return load(demo[0], "patient", PATIENT_COLUMNS)


@pytest.fixture(scope="module")
def lively(tmp_path_factory):
    """A bigger clinic (1,000 patients), where the rarer situations surely occur."""
    path = tmp_path_factory.mktemp("lively") / "x.db"
    generate(path, patients=1000)
    return load(path, "patient", PATIENT_COLUMNS), load(path, "appointment", APPOINTMENT_COLUMNS)


# --- the summary and determinism ------------------------------------------------------------

def test_summary_counts_what_was_written(demo):
    path, summary = demo
    assert summary.patients == PATIENTS
    assert summary.appointments == rows(path, "SELECT COUNT(*) FROM appointment")[0][0]
    assert summary.chairs == rows(path, "SELECT COUNT(*) FROM chair WHERE active")[0][0] >= 4
    assert summary.seconds >= 0
    assert 8 <= summary.appointments / PATIENTS <= 13
    audit = rows(path, "SELECT action, detail FROM audit_entry")
    assert [a for a, _ in audit] == ["generate_demo"]
    assert json.loads(audit[0][1])["patients"] == PATIENTS


def test_same_seed_gives_identical_rows_and_another_seed_does_not(tmp_path):
    generate(tmp_path / "a.db")
    generate(tmp_path / "b.db")
    generate(tmp_path / "c.db", seed=SEED + 1)
    for table in ("patient", "appointment", "phase_change", "chair", "staff"):
        a = rows(tmp_path / "a.db", f'SELECT * FROM "{table}" ORDER BY id')
        b = rows(tmp_path / "b.db", f'SELECT * FROM "{table}" ORDER BY id')
        assert a == b, table
    for table in ("patient", "appointment"):
        a = rows(tmp_path / "a.db", f'SELECT * FROM "{table}" ORDER BY id')
        c = rows(tmp_path / "c.db", f'SELECT * FROM "{table}" ORDER BY id')
        assert a != c, table


def test_refuses_a_database_that_already_has_patients(tmp_path):
    path = tmp_path / "x.db"
    first = generate(path, patients=20)
    open_clinic(str(path))
    try:
        with pytest.raises(DomainError, match="already has patients"):
            generate_demo(patients=20, seed=2, today=FRIDAY)
    finally:
        close_clinic()
    assert rows(path, "SELECT COUNT(*) FROM patient")[0][0] == 20
    assert rows(path, "SELECT COUNT(*) FROM appointment")[0][0] == first.appointments


def test_leaves_the_database_in_wal_with_full_sync_and_its_indexes(tmp_path):
    open_clinic(str(tmp_path / "x.db"))
    try:
        generate_demo(patients=30, seed=1, today=FRIDAY)
        db = m.database.obj
        assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        indexes = {name for (name,) in db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'appointment'")}
        expected = {i._name for i in m.Appointment._meta.fields_to_index()}
        assert expected and expected <= indexes
    finally:
        close_clinic()


def test_the_load_leaves_every_index_and_trigger_as_a_new_database_has_them(tmp_path):
    """The generator lifts the chair guard, indexes and search triggers for its load: every
    one of them is back when it commits, exactly as written when the schema was created."""
    fresh = tmp_path / "fresh.db"
    open_clinic(str(fresh))
    close_clinic()
    path = tmp_path / "x.db"
    generate(path, patients=50)
    catalogue = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
    assert rows(path, catalogue) == rows(fresh, catalogue)
    assert {name for _, name, _, _ in rows(path, catalogue)} >= {
        "appointment_chair_free_insert", "appointment_chair_free_update",
        "patient_search_insert", "appointment_chair_id_start"}


def test_the_search_indexes_hold_every_patient(tmp_path):
    """Filled after the load in one go: they match the patients, and find them."""
    path = tmp_path / "x.db"
    generate(path, patients=50)
    with sqlite3.connect(path) as conn:
        for table in ("patient_trigram", "patient_words"):
            conn.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")
        for pid, phone, key in conn.execute("SELECT id, phone, search_key FROM patient"):
            assert (pid,) in conn.execute("SELECT rowid FROM patient_trigram "
                                          "WHERE patient_trigram MATCH ?", (f'"{phone}"',))
            word = key.split()[0]
            assert (pid,) in conn.execute("SELECT rowid FROM patient_words "
                                          "WHERE patient_words MATCH ?", (f'"{word}"',))


def test_a_load_that_would_double_book_a_chair_is_refused_whole(any_db, monkeypatch):
    """The chair rule is checked once for the whole load, inside its transaction: a load
    with one infusion twice in its chair stores nothing and leaves the guard in place."""
    real = demo_module._simulate

    def twice(*args, **kwargs):
        for patients, changes, appointments in real(*args, **kwargs):
            held = next(a for a in appointments if a[1] == "infusion" and a[6] != "cancelled")
            yield patients, changes, appointments + [held]

    monkeypatch.setattr(demo_module, "_simulate", twice)
    with pytest.raises(IntegrityError) as caught:
        generate_demo(patients=20, seed=SEED, today=FRIDAY)
    assert is_chair_taken(caught.value)
    assert m.Patient.select().count() == 0
    assert m.Appointment.select().count() == 0
    assert m.PhaseChange.select().count() == 0
    assert guard_in_place()
    monkeypatch.undo()
    summary = generate_demo(patients=20, seed=SEED, today=FRIDAY)   # the clinic is fine
    assert m.Appointment.select().count() == summary.appointments
    assert guard_in_place()
    first = m.Appointment.get((m.Appointment.kind == "infusion")
                              & (m.Appointment.status != "cancelled"))
    with pytest.raises(IntegrityError) as caught:   # and the guard still refuses one write
        with write_transaction():
            m.Appointment.insert(**{k: v for k, v in first.__data__.items()
                                    if k != "id"}).execute()
    assert is_chair_taken(caught.value)


def test_foreign_keys_are_checked_once_for_the_load_and_stay_on(tmp_path, monkeypatch):
    real = demo_module._simulate

    def orphan(*args, **kwargs):
        for patients, changes, appointments in real(*args, **kwargs):
            yield patients, changes, appointments + [(999_999,) + appointments[0][1:]]

    monkeypatch.setattr(demo_module, "_simulate", orphan)
    open_clinic(str(tmp_path / "x.db"))
    try:
        with pytest.raises(DomainError, match="points to nothing"):
            generate_demo(patients=10, seed=SEED, today=FRIDAY)
        assert m.Patient.select().count() == 0 and m.Appointment.select().count() == 0
        assert m.database.obj.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    finally:
        close_clinic()


# --- a big clinic: simulated by a helper process while the parent writes --------------------

def everything(path: Path) -> dict:
    """Every table's rows in id order, the search indexes' own tables included, and the
    schema's entries."""
    with sqlite3.connect(path) as conn:
        tables = conn.execute("SELECT name, sql LIKE '%WITHOUT ROWID%' FROM sqlite_master "
                              "WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'")
        found = {t: conn.execute(f'SELECT * FROM "{t}"'
                                 + (" ORDER BY 1, 2" if keyed else " ORDER BY rowid")).fetchall()
                 for t, keyed in tables.fetchall() if t not in ("audit_entry", "schema_info")}
        found["schema"] = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                                       "ORDER BY rowid").fetchall()
    return found


def test_the_helper_process_gives_the_same_clinic(tmp_path, monkeypatch):
    """Above SIMULATE_APART_FROM patients the simulation runs in a helper process, a batch at
    a time (an odd size here: the packed runs straddle batches), while this one writes: the
    same rows, ids, search indexes and schema as the one-process load."""
    generate(tmp_path / "one.db", patients=150)
    monkeypatch.setattr(demo_module, "SIMULATE_APART_FROM", 100)
    monkeypatch.setattr(demo_module, "BATCH", 37)
    summary = generate(tmp_path / "two.db", patients=150)
    assert summary.appointments == rows(tmp_path / "two.db",
                                        "SELECT COUNT(*) FROM appointment")[0][0]
    assert everything(tmp_path / "two.db") == everything(tmp_path / "one.db")
    with sqlite3.connect(tmp_path / "two.db") as conn:
        for table in ("patient_trigram", "patient_words"):
            conn.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_helper_process_that_fails_leaves_the_clinic_empty(tmp_path, monkeypatch):
    monkeypatch.setattr(demo_module, "SIMULATE_APART_FROM", 10)
    monkeypatch.setattr(demo_module, "BATCH", "no size")   # the helper fails on its 2nd patient
    open_clinic(str(tmp_path / "x.db"))
    try:
        with pytest.raises(HelperFailed, match="TypeError"):
            generate_demo(patients=20, seed=SEED, today=FRIDAY)
        assert m.Patient.select().count() == 0 and m.Appointment.select().count() == 0
        assert guard_in_place()
        db = m.database.obj
        assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        close_clinic()


def test_name_keys_made_from_each_names_key_are_name_key():
    first, last = demo_module._name_keys()
    for fi, first_name in enumerate(demo_module.FIRST_NAMES):
        for li, last_name in enumerate(demo_module.LAST_NAMES):
            assert f"{last[li]} {first[fi]}" == name_key(first_name, last_name)


# --- the schedule -----------------------------------------------------------------------------

def test_no_two_live_infusions_share_a_chair(demo, appts):
    path, _ = demo
    clashes = rows(path, """
        SELECT COUNT(*) FROM appointment a JOIN appointment b
          ON a.chair_id = b.chair_id AND a.id < b.id
         AND a.start < b.ends_at AND b.start < a.ends_at
         WHERE a.status != 'cancelled' AND b.status != 'cancelled'""")[0][0]
    assert clashes == 0
    for a in appts:
        assert (a["chair_id"] is not None) == (a["kind"] == "infusion"), a
    # the chairs are really used: some slot has every chair taken or close to it
    busiest = rows(path, """SELECT MAX(n) FROM (SELECT COUNT(*) n FROM appointment
                            WHERE kind = 'infusion' AND status != 'cancelled' GROUP BY start)""")
    assert busiest[0][0] >= 2


def test_no_patient_is_ever_double_booked(demo):
    path, _ = demo
    assert rows(path, """
        SELECT COUNT(*) FROM appointment a JOIN appointment b
          ON a.patient_id = b.patient_id AND a.id < b.id
         AND a.start < b.ends_at AND b.start < a.ends_at""")[0][0] == 0


def test_every_appointment_is_inside_opening_hours_on_a_weekday(appts):
    lengths = {"infusion": 90, "consult": 60, "assessment": 30}
    for a in appts:
        start, ends = ts(a["start"]), ts(a["ends_at"])
        assert len(a["start"]) == len(a["ends_at"]) == len(a["status_at"]) == 19  # no µs
        assert start.weekday() < 5, a
        assert start.date() == ends.date()
        assert dt.time(8, 0) <= start.time() and ends.time() <= dt.time(18, 0), a
        assert a["duration_minutes"] == lengths[a["kind"]]
        assert ends - start == dt.timedelta(minutes=a["duration_minutes"])
        assert a["version"] == 1


def test_history_spans_about_eighteen_months_and_bookings_four_weeks(appts):
    starts = sorted(ts(a["start"]) for a in appts)
    assert starts[0].date() < FRIDAY - dt.timedelta(days=365)
    assert starts[-1].date() <= FRIDAY + dt.timedelta(days=28)
    ahead = Counter(a["kind"] for a in appts if a["status"] == "booked" and ts(a["start"]) > NOW)
    assert ahead["infusion"] >= 20
    assert ahead["consult"] + ahead["assessment"] >= 1


def test_statuses_follow_the_clock(appts):
    for a in appts:
        start, ends = ts(a["start"]), ts(a["ends_at"])
        booked_at, status_at = ts(a["booked_at"]), ts(a["status_at"])
        if ends <= NOW:
            assert a["status"] in FINAL, a
        elif start > NOW:
            assert a["status"] in {"booked", "cancelled"}, a
        assert booked_at < start
        assert booked_at <= NOW and status_at <= NOW
        assert status_at >= booked_at
        if a["status"] == "completed":
            assert status_at == ends
        if a["status"] in UNDER_WAY:
            assert start <= NOW < ends


def test_some_visits_are_under_way_at_noon(lively):
    _, appts = lively
    under_way = Counter(a["status"] for a in appts if a["status"] in UNDER_WAY)
    assert under_way["arrived"] + under_way["in_chair"] + under_way["recovery"] >= 3


def test_about_nine_percent_no_shows_and_some_late_cancellations(appts):
    past = [a for a in appts if ts(a["ends_at"]) <= NOW]
    share = sum(a["status"] == "no_show" for a in past) / len(past)
    assert 0.05 <= share <= 0.14
    cancelled = [a for a in appts if a["status"] == "cancelled"]
    late = [a for a in cancelled if a["late_cancellation"]]
    assert late and len(late) < len(cancelled)
    for a in cancelled:
        assert a["cancel_reason"]
        is_late = ts(a["start"]) - ts(a["status_at"]) < dt.timedelta(hours=24)
        assert bool(a["late_cancellation"]) == is_late, a
    for a in appts:
        if a["status"] != "cancelled":
            assert not a["late_cancellation"] and a["cancel_reason"] is None


# --- the people -------------------------------------------------------------------------------

def test_every_phase_is_present_in_a_plausible_mix(patients):
    mix = Counter(p["phase"] for p in patients)
    assert set(mix) == {p.value for p in Phase}
    assert mix.most_common(1)[0][0] == "maintenance"
    assert 0.35 <= mix["maintenance"] / PATIENTS <= 0.65
    for phase in ("intake", "stabilization", "integration", "discharged"):
        assert 0.02 <= mix[phase] / PATIENTS <= 0.35, phase


def test_names_phones_and_emails_are_valid_and_varied(patients):
    charts = [p["chart_number"] for p in patients]
    assert len(set(charts)) == len(charts)
    assert all(c.startswith("C-") and c[2:].isdigit() for c in charts)
    for p in patients:
        assert parse_phone(p["phone"], "US") == p["phone"]
        assert parse_name(p["first_name"], "first_name") == p["first_name"]
        assert parse_name(p["last_name"], "last_name") == p["last_name"]
        assert p["search_key"] == name_key(p["first_name"], p["last_name"])
        if p["email"] is not None:
            assert parse_email(p["email"]) == p["email"] and p["email"].isascii()
        age = (FRIDAY - dt.date.fromisoformat(p["date_of_birth"])).days / 365.25
        assert 18 <= age <= 85
    names = [p["first_name"] + " " + p["last_name"] for p in patients]
    assert sum(not n.isascii() for n in names) >= 20
    assert any("'" in n for n in names) and any("-" in n for n in names)
    assert len({p["last_name"] for p in patients}) >= 60
    assert sum(p["email"] is not None for p in patients) > PATIENTS * 0.7


def test_phases_agree_with_the_history(demo, patients, appts):
    path, _ = demo
    by_patient = defaultdict(list)
    for a in appts:
        by_patient[a["patient_id"]].append(a)
    changes = defaultdict(list)
    for pid, at, frm, to in rows(path, "SELECT patient_id, at, from_phase, to_phase "
                                       "FROM phase_change ORDER BY at, id"):
        changes[pid].append((at, frm, to))
    for p in patients:
        history = changes[p["id"]]
        assert history[0][1:] == (None, "intake")
        for (_, _, before), (_, after_from, _) in zip(history, history[1:]):
            assert after_from == before
        assert history[-1][2] == p["phase"]
        assert history[-1][0][:10] == p["phase_since"]
        assert ts(history[-1][0]) <= NOW
        assert history[0][0] == p["created_at"] and history[-1][0] == p["updated_at"]
        visits = by_patient[p["id"]]
        assert all(a["start"][:10] > p["registered_on"] for a in visits)
        completed = [a for a in visits if a["kind"] == "infusion" and a["status"] == "completed"]
        if p["phase"] == "intake":
            assert not completed
            assert any(a["kind"] == "consult" and a["status"] in {"booked", "completed",
                                                                  "arrived"} for a in visits)
        if p["phase"] == "stabilization":
            k = sum(a["start"][:10] >= p["phase_since"] for a in completed)
            assert 1 <= k < p["stabilization_target"]
        if p["phase"] == "maintenance":
            assert len(completed) >= p["stabilization_target"]
        if p["phase"] == "discharged":
            assert not any(a["status"] == "booked" for a in visits)
        assert 3 <= p["stabilization_target"] <= 8
        assert 1 <= p["maintenance_interval_months"] <= 12


def test_the_desk_lists_have_something_on_them(lively):
    patients, appts = lively
    visits = defaultdict(list)
    for a in appts:
        visits[a["patient_id"]].append(
            rules.Visit(ts(a["start"]), Kind(a["kind"]), Status(a["status"])))
    records = [rules.PatientRecord(
        patient_id=p["chart_number"], last_name=p["last_name"], first_name=p["first_name"],
        phase=Phase(p["phase"]), phase_since=dt.date.fromisoformat(p["phase_since"]),
        registered_on=dt.date.fromisoformat(p["registered_on"]),
        stabilization_target=p["stabilization_target"],
        maintenance_interval_months=p["maintenance_interval_months"],
        visits=tuple(visits[p["id"]])) for p in patients]
    lists = rules.compute_lists(records, FRIDAY)
    stab = lists.mid_stabilization
    assert any(e.next_infusion for e in stab) and any(e.infusions_completed for e in stab)
    assert sum(e.stalled for e in stab) >= 2
    assert sum(e.overdue for e in lists.due_for_maintenance) >= 10
    assert lists.not_seen_over_a_month
    maintenance = {p["id"] for p in patients if p["phase"] == "maintenance"}
    booked_soon = {a["patient_id"] for a in appts if a["patient_id"] in maintenance
                   and a["kind"] == "infusion" and a["status"] == "booked"}
    assert len(booked_soon) >= len(maintenance) * 0.2


# --- other clinics, other days ------------------------------------------------------------------

def test_weekend_today_and_other_lengths_still_fit_the_hours(tmp_path):
    path = tmp_path / "x.db"
    open_clinic(str(path))
    try:
        m.ClinicSetting.update(value=json.dumps({"infusion": 120, "consult": 45,
                                                 "assessment": 30})).where(
            m.ClinicSetting.key == "durations").execute()
        generate_demo(patients=120, seed=3, today=dt.date(2026, 11, 21))  # a Saturday
    finally:
        close_clinic()
    lengths = {"infusion": 120, "consult": 45, "assessment": 30}
    for kind, start, ends, minutes, status in rows(
            path, "SELECT kind, start, ends_at, duration_minutes, status FROM appointment"):
        start, ends = ts(start), ts(ends)
        assert minutes == lengths[kind]
        assert start.weekday() < 5 and dt.time(8) <= start.time() and ends.time() <= dt.time(18)
        assert status not in UNDER_WAY
    assert rows(path, """
        SELECT COUNT(*) FROM appointment a JOIN appointment b
          ON a.chair_id = b.chair_id AND a.id < b.id
         AND a.start < b.ends_at AND b.start < a.ends_at
         WHERE a.status != 'cancelled' AND b.status != 'cancelled'""")[0][0] == 0


def test_postgresql(postgres_db):
    summary = generate_demo(patients=40, seed=5, today=FRIDAY)
    assert m.Patient.select().count() == 40
    assert m.Appointment.select().count() == summary.appointments
    # explicit ids were written: the id sequence must have moved past them
    new = m.Patient.create(chart_number="X-1", first_name="A", last_name="B", search_key="a b",
                           date_of_birth=dt.date(1990, 1, 1), phone="+12125550100",
                           phase="intake", phase_since=FRIDAY, registered_on=FRIDAY,
                           created_at=NOW, updated_at=NOW)
    assert new.id == 41


# --- seed.py ------------------------------------------------------------------------------------

def seed_py(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "seed.py"), *args], capture_output=True,
                          text=True, timeout=120, env=env)


def test_seed_py_fills_then_refuses(tmp_path):
    target = str(tmp_path / "s.db")
    done = seed_py("--db", target, "--patients", "50", "--seed", "3", "--today", "2026-11-20")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1 and "50 patients" in done.stdout
    again = seed_py("--db", target, "--patients", "50", "--today", "2026-11-20")
    assert again.returncode == 2
    assert again.stderr.count("\n") == 1 and "already has patients" in again.stderr
    assert "Traceback" not in again.stderr


def test_seed_py_refuses_a_bad_date(tmp_path):
    bad = seed_py("--db", str(tmp_path / "s.db"), "--today", "2026-02-30")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "--today" in bad.stderr
    assert not (tmp_path / "s.db").exists()


def test_seed_py_without_db_fills_the_database_frontdesk_opens(user_dirs, frontdesk):
    env = {**os.environ, **user_dirs}
    done = seed_py("--patients", "40", "--today", "2026-11-20", env=env)
    assert done.returncode == 0, done.stderr
    default = Path(user_dirs["XDG_DATA_HOME"]) / "frontdesk" / "frontdesk.db"
    assert done.stdout.startswith(f"{default}: 40 patients")
    census = frontdesk("census", "--on", "2026-11-20", "--format", "json")  # no --db either
    active = json.loads(census.out)["active_by_phase"]
    assert census.code == 0 and sum(active.values()) > 0

    again = seed_py("--patients", "30", "--today", "2026-11-20", env=env)
    assert again.returncode == 2 and "already has patients" in again.stderr
    fresh = seed_py("--patients", "30", "--today", "2026-11-20", "--replace", env=env)
    assert fresh.returncode == 0 and ": 30 patients" in fresh.stdout
    url = seed_py("--db", "postgresql://x@127.0.0.1:1/none", "--replace", env=env)
    assert url.returncode == 2 and "only deletes SQLite files" in url.stderr
