"""`frontdesk book` and `frontdesk slots` through the real command (INTERFACES.md, "Scripting
the desk"; DOMAIN.md, appointments, chairs and opening hours).

The clinic is imported from CSV (default settings: Chair 1-4, Mon-Fri 08:00-18:00, infusion
90 min, consult 60, assessment 30); what a command stored is read back with sqlite3. Every
call runs with `--today 2026-11-21` (a Saturday), so the days booked below are all ahead.
"""

from __future__ import annotations

import json

import pytest

from cli_support import (APPOINTMENT_HEADER, PATIENT_HEADER, appointment, one_line_error,
                         patient, query, write_csv)

KEYS = ["id", "patient_id", "name", "start", "duration_minutes", "kind", "chair", "status"]
DAY = "2026-11-23"     # a Monday
TUESDAY = "2026-11-24"  # nothing booked: a clean day for the chair tests
CHAIRS = ["Chair 1", "Chair 2", "Chair 3", "Chair 4"]

PATIENTS = [
    patient("C-1", "Ann", "Lee", phase="stabilization", since="2026-11-10"),
    patient("C-2", "Bo", "Ng"),
    patient("C-3", "Zoë", "O'Brien-Çelik", phase="maintenance", since="2026-06-01"),
    patient("C-4", "Dan", "Kay"),
    patient("C-5", "Eve", "Moss", phase="maintenance", since="2026-06-01"),
    *[patient(f"N-{n}", "New", f"Person{n:02d}") for n in range(1, 21)],
]
APPOINTMENTS = [
    # DAY 09:00-10:30: Chairs 1-3 taken, Chair 4 free
    appointment("C-1", f"{DAY}T09:00", "infusion", "booked", "Chair 1"),
    appointment("C-3", f"{DAY}T09:00", "infusion", "booked", "Chair 2"),
    appointment("C-4", f"{DAY}T09:00", "infusion", "booked", "Chair 3"),
    # a cancelled infusion holds no chair, a cancelled assessment not the patient's time
    appointment("C-5", f"{DAY}T09:00", "infusion", "cancelled", "Chair 4"),
    appointment("C-5", f"{DAY}T13:00", "assessment", "cancelled"),
    # DAY 14:00-15:30: every chair taken
    *[appointment(f"N-{n}", f"{DAY}T14:00", "infusion", "booked", f"Chair {n}")
      for n in range(1, 5)],
    # C-2's consult: the patient is busy 11:00-12:00
    appointment("C-2", f"{DAY}T11:00", "consult", "booked"),
]


def import_clinic(cli, folder):
    write_csv(folder / "p.csv", PATIENT_HEADER, PATIENTS)
    write_csv(folder / "a.csv", APPOINTMENT_HEADER, APPOINTMENTS)
    result = cli("import", "--patients", "p.csv", "--appointments", "a.csv")
    assert result.code == 0, result.err


@pytest.fixture
def clinic(made_once):
    made_once(import_clinic)


def everything(db) -> dict[str, list[tuple]]:
    """Every row a booking could touch."""
    return {table: query(db, f'SELECT * FROM "{table}" ORDER BY 1')
            for table in ("appointment", "appointment_event", "patient", "chair", "staff",
                          "audit_entry", "phase_change", "clinic_setting")}


def booked(cli, *args: str) -> dict:
    result = cli("book", *args)
    assert result.code == 0, result.err
    assert result.err == ""
    out = json.loads(result.out)
    assert list(out) == KEYS
    return out


def book(cli, chart: str, kind: str, start: str, *more: str):
    return cli("book", "--patient", chart, "--kind", kind, "--start", start, *more)


def slots(cli, kind: str, *more: str) -> list[dict]:
    result = cli("slots", "--kind", kind, "--format", "json", *more)
    assert result.code == 0, result.err
    assert result.err == ""
    data = json.loads(result.out)
    for item in data:
        assert list(item) == ["start", "chair"]
    return data


def refused(cli, db, *args: str) -> str:
    """The command is refused: exit 2, nothing on stdout, one line on stderr, nothing
    written. Returns the line."""
    before = everything(db)
    result = cli(*args)
    assert result.code == 2, (result.out, result.err)
    assert result.out == ""
    line = one_line_error(result)
    assert line.startswith("frontdesk: ")
    assert everything(db) == before
    return line


def infusions_in(db, chair: str, day: str) -> list[tuple[str, str, str]]:
    return query(db, "SELECT a.start, a.ends_at, a.status FROM appointment a "
                     "JOIN chair c ON c.id = a.chair_id WHERE c.name = ? AND a.start LIKE ? "
                     "ORDER BY a.start", (chair, f"{day} %"))


# --- book: what it prints and stores -----------------------------------------------------------

def test_book_prints_the_new_appointment_with_the_keys_of_appointments(cli, db, clinic):
    out = booked(cli, "--patient", "C-3", "--kind", "infusion", "--start", f"{TUESDAY}T10:00",
                 "--chair", "Chair 2")
    assert out == {"id": out["id"], "patient_id": "C-3", "name": "O'Brien-Çelik, Zoë",
                   "start": f"{TUESDAY}T10:00", "duration_minutes": 90, "kind": "infusion",
                   "chair": "Chair 2", "status": "booked"}
    assert isinstance(out["id"], int) and not isinstance(out["id"], bool)
    # the same line as `appointments` shows for the day
    result = cli("appointments", "--on", TUESDAY, "--format", "json")
    assert json.loads(result.out) == [out]
    (row,) = query(db, "SELECT start, ends_at, duration_minutes, status, late_cancellation "
                       "FROM appointment WHERE id = ?", (out["id"],))
    assert row == (f"{TUESDAY} 10:00:00", f"{TUESDAY} 11:30:00", 90, "booked", 0)


def test_book_keeps_unicode_as_written(cli, clinic):
    result = book(cli, "C-3", "assessment", f"{TUESDAY}T08:00")
    assert result.code == 0, result.err
    assert "O'Brien-Çelik, Zoë" in result.out


@pytest.mark.parametrize("kind, minutes", [("consult", 60), ("assessment", 30),
                                           ("infusion", 90)])
def test_book_uses_the_kinds_length_and_a_chair_only_for_infusions(cli, clinic, kind, minutes):
    out = booked(cli, "--patient", "C-2", "--kind", kind, "--start", f"{TUESDAY}T09:00")
    assert (out["kind"], out["duration_minutes"]) == (kind, minutes)
    assert out["chair"] == ("Chair 1" if kind == "infusion" else None)


def test_book_with_a_duration(cli, db, clinic):
    out = booked(cli, "--patient", "C-2", "--kind", "infusion", "--start", f"{TUESDAY}T09:00",
                 "--duration", "120")
    assert out["duration_minutes"] == 120
    assert query(db, "SELECT ends_at FROM appointment WHERE id = ?",
                 (out["id"],)) == [(f"{TUESDAY} 11:00:00",)]


def test_book_records_who_booked(cli, db, clinic):
    out = booked(cli, "--patient", "C-2", "--kind", "infusion", "--start", f"{TUESDAY}T09:00",
                 "--staff", "maria")
    (row,) = query(db, "SELECT b.username, s.username FROM appointment a "
                       "JOIN staff b ON b.id = a.booked_by_id "
                       "JOIN staff s ON s.id = a.status_by_id WHERE a.id = ?", (out["id"],))
    assert row == ("maria", "maria")
    assert query(db, "SELECT e.from_status, e.to_status, s.username FROM appointment_event e "
                     "JOIN staff s ON s.id = e.staff_id WHERE e.appointment_id = ?",
                 (out["id"],)) == [(None, "booked", "maria")]
    assert query(db, "SELECT s.username FROM audit_entry e JOIN staff s ON s.id = e.staff_id "
                     "WHERE e.action = 'book' AND e.entity = 'appointment' "
                     "AND e.entity_id = ?", (out["id"],)) == [("maria",)]


def test_book_staff_defaults_to_cli(cli, db, clinic):
    out = booked(cli, "--patient", "C-2", "--kind", "consult", "--start", f"{TUESDAY}T09:00")
    assert query(db, "SELECT s.username FROM appointment a JOIN staff s "
                     "ON s.id = a.booked_by_id WHERE a.id = ?", (out["id"],)) == [("cli",)]


def test_book_chair_auto_takes_the_first_free_chair(cli, clinic):
    # DAY 09:00: Chairs 1-3 are taken and Chair 4's only infusion is cancelled
    for args in ((), ("--chair", "auto")):
        out = booked(cli, "--patient", "C-5", "--kind", "infusion", "--start", f"{DAY}T09:30",
                     *args)
        assert out["chair"] == "Chair 4"
        cancel = cli("set-status", str(out["id"]), "cancelled", "--reason", "test")
        assert cancel.code == 0, cancel.err
    # on an empty day, chairs are taken in order
    got = [booked(cli, "--patient", f"N-{n}", "--kind", "infusion", "--start",
                  f"{TUESDAY}T08:00")["chair"] for n in range(1, 5)]
    assert got == CHAIRS


def test_book_a_named_chair_whatever_its_case(cli, clinic):
    out = booked(cli, "--patient", "C-2", "--kind", "infusion", "--start", f"{TUESDAY}T09:00",
                 "--chair", " chair 3 ")
    assert out["chair"] == "Chair 3"


def test_book_edges_of_the_day_and_of_other_appointments(cli, db, clinic):
    # ends exactly at closing time; starts exactly at opening time
    assert booked(cli, "--patient", "C-2", "--kind", "infusion", "--start",
                  f"{TUESDAY}T16:30", "--chair", "Chair 1")["start"] == f"{TUESDAY}T16:30"
    assert booked(cli, "--patient", "C-3", "--kind", "infusion", "--start",
                  f"{TUESDAY}T08:00", "--chair", "Chair 1")["chair"] == "Chair 1"
    # half-open: one that starts when the last ends, in the same chair, and for the same
    # patient (a consult: one infusion a patient a day)
    assert booked(cli, "--patient", "C-5", "--kind", "infusion", "--start",
                  f"{TUESDAY}T09:30", "--chair", "Chair 1")["chair"] == "Chair 1"
    assert booked(cli, "--patient", "C-3", "--kind", "consult", "--start",
                  f"{TUESDAY}T09:30")["start"] == f"{TUESDAY}T09:30"
    # and one that ends when the next begins
    assert booked(cli, "--patient", "C-4", "--kind", "infusion", "--start",
                  f"{TUESDAY}T15:00", "--chair", "Chair 1")["chair"] == "Chair 1"
    assert [s[:2] for s in infusions_in(db, "Chair 1", TUESDAY)] == [
        (f"{TUESDAY} 08:00:00", f"{TUESDAY} 09:30:00"),
        (f"{TUESDAY} 09:30:00", f"{TUESDAY} 11:00:00"),
        (f"{TUESDAY} 15:00:00", f"{TUESDAY} 16:30:00"),
        (f"{TUESDAY} 16:30:00", f"{TUESDAY} 18:00:00")]


def test_book_a_cancelled_or_missed_appointment_frees_the_patient(cli, db, clinic):
    # C-5's assessment at 13:00 is cancelled
    assert booked(cli, "--patient", "C-5", "--kind", "consult", "--start",
                  f"{DAY}T13:00")["status"] == "booked"


# --- book: refusals ----------------------------------------------------------------------------

def test_book_refuses_a_taken_chair_and_names_the_next_free_start(cli, db, clinic):
    line = refused(cli, db, "book", "--patient", "C-5", "--kind", "infusion",
                   "--start", f"{DAY}T10:00", "--chair", "Chair 1")
    assert line == ("frontdesk: Chair 1 is taken from 09:00 to 10:30 on Mon 23 Nov; "
                    f"next free: {DAY}T10:00 Chair 4")


def test_book_refuses_when_every_chair_is_taken(cli, db, clinic):
    line = refused(cli, db, "book", "--patient", "C-2", "--kind", "infusion",
                   "--start", f"{DAY}T14:30")
    assert line.startswith("frontdesk: every chair is taken from 14:30 to 16:00 on Mon 23 Nov")
    # 14:00-15:30 holds every chair: the first free start after 14:30 is 15:30
    assert line.endswith(f"; next free: {DAY}T15:30 Chair 1")
    # an infusion only partly over the full hour is refused too
    line = refused(cli, db, "book", "--patient", "C-2", "--kind", "infusion",
                   "--start", f"{DAY}T12:45")
    assert "every chair is taken" in line


def test_book_refuses_a_cancelled_chair_only_when_another_infusion_holds_it(cli, db, clinic):
    # Chair 4's infusion at 09:00 is cancelled: booking it works, a second time is refused
    booked(cli, "--patient", "C-5", "--kind", "infusion", "--start", f"{DAY}T09:00",
           "--chair", "Chair 4")
    line = refused(cli, db, "book", "--patient", "N-5", "--kind", "infusion",
                   "--start", f"{DAY}T09:00", "--chair", "Chair 4")
    assert line.startswith("frontdesk: Chair 4 is taken from 09:00 to 10:30")
    assert line.endswith(f"next free: {DAY}T10:30 Chair 1")
    # the next free start offered is the patient's: C-2 is busy 11:00-12:00
    line = refused(cli, db, "book", "--patient", "C-2", "--kind", "infusion",
                   "--start", f"{DAY}T09:00", "--chair", "Chair 4")
    assert line.endswith(f"next free: {DAY}T12:00 Chair 1")


@pytest.mark.parametrize("start, kind", [
    (f"{TUESDAY}T07:45", "assessment"),   # before opening
    (f"{TUESDAY}T17:00", "infusion"),     # ends after closing
    (f"{TUESDAY}T17:45", "consult"),
    (f"{TUESDAY}T18:00", "assessment"),   # at closing
    ("2026-11-28T10:00", "infusion"),     # a Saturday
    ("2026-11-29T10:00", "consult"),      # a Sunday
])
def test_book_refuses_a_time_outside_opening_hours(cli, db, clinic, start, kind):
    line = refused(cli, db, "book", "--patient", "C-2", "--kind", kind, "--start", start)
    assert "outside opening hours" in line
    assert "08:00-18:00" in line


@pytest.mark.parametrize("kind, start", [
    ("consult", f"{DAY}T11:00"),         # the same time
    ("assessment", f"{DAY}T11:30"),      # inside
    ("infusion", f"{DAY}T10:00"),        # reaching into it (in a free chair)
    ("consult", f"{DAY}T10:15"),
])
def test_book_refuses_when_the_patient_already_has_an_appointment(cli, db, clinic, kind, start):
    line = refused(cli, db, "book", "--patient", "C-2", "--kind", kind, "--start", start)
    assert line == ("frontdesk: the patient already has an appointment from 11:00 to 12:00 "
                    "on Mon 23 Nov")


def test_book_refuses_a_time_already_past(cli, db, clinic):
    line = refused(cli, db, "book", "--patient", "C-2", "--kind", "consult",
                   "--start", "2026-11-20T09:00")
    assert "2026-11-20 09:00 has already passed" in line


@pytest.mark.parametrize("args, words", [
    (["--patient", "C-99"], "no patient with chart number 'C-99'"),
    (["--patient", "c-2"], "no patient with chart number 'c-2'"),
    (["--patient", ""], "patient_id is empty"),
    (["--kind", "bath"], "kind 'bath' is not one of: consult, infusion, assessment"),
    (["--kind", ""], "kind '' is not one of"),
    (["--start", "2026-02-30T09:00"], "is not a real date and time"),
    (["--start", "2026-11-24T24:00"], "is not a real date and time"),
    (["--start", "2026-11-24 09:00"], "is not written YYYY-MM-DDTHH:MM"),
    (["--start", "2026-11-24"], "is not written YYYY-MM-DDTHH:MM"),
    (["--start", "tomorrow"], "is not written YYYY-MM-DDTHH:MM"),
    (["--chair", "Chair 9"], "there is no chair 'Chair 9' (chairs: Chair 1, Chair 2, Chair 3, "
                             "Chair 4)"),
    (["--duration", "0"], "duration 0 is outside 5-480 minutes"),
    (["--duration", "481"], "duration 481 is outside 5-480 minutes"),
    (["--duration", "-90"], "duration -90 is outside 5-480 minutes"),
    (["--duration", "1.5"], "duration '1.5' is not a whole number of minutes"),
    (["--duration", "ninety"], "is not a whole number of minutes"),
    (["--today", "2026-13-01"], "is not a real date"),
    (["--format", "table"], "unrecognized arguments: --format table"),
])
def test_book_refuses_bad_input_in_one_line(cli, db, clinic, args, words):
    given = {"--patient": "C-2", "--kind": "infusion", "--start": f"{TUESDAY}T09:00"}
    extra = []
    for flag, value in zip(args[::2], args[1::2]):
        if flag in given:
            given[flag] = value
        else:
            extra += [flag, value]
    line = refused(cli, db, "book", *[x for kv in given.items() for x in kv], *extra)
    assert words in line


def test_book_refuses_a_chair_for_a_kind_that_takes_none(cli, db, clinic):
    line = refused(cli, db, "book", "--patient", "C-2", "--kind", "consult",
                   "--start", f"{TUESDAY}T09:00", "--chair", "Chair 1")
    assert line == "frontdesk: a consult takes no chair"


@pytest.mark.parametrize("missing", ["--patient", "--kind", "--start"])
def test_book_needs_patient_kind_and_start(cli, db, clinic, missing):
    given = {"--patient": "C-2", "--kind": "infusion", "--start": f"{TUESDAY}T09:00"}
    del given[missing]
    line = refused(cli, db, "book", *[x for kv in given.items() for x in kv])
    assert f"required: {missing}" in line


def test_book_on_a_clinic_without_a_database_yet_creates_nothing_for_bad_usage(frontdesk,
                                                                              tmp_path):
    target = tmp_path / "new.db"
    result = frontdesk("--db", str(target), "book", "--patient", "C-1", "--kind", "infusion",
                       "--start", "someday")
    assert result.code == 2
    one_line_error(result)
    assert not target.exists()


# --- slots ------------------------------------------------------------------------------------

def test_slots_json_lists_the_next_free_starts(cli, clinic):
    # DAY: Chairs 1-3 are taken from 09:00, so a 90-minute infusion from 08:00 on fits only
    # Chair 4 (its infusion at 09:00 is cancelled)
    assert slots(cli, "infusion", "--from", f"{DAY}T08:00") == [
        {"start": f"{DAY}T08:00", "chair": "Chair 4"},
        {"start": f"{DAY}T08:15", "chair": "Chair 4"},
        {"start": f"{DAY}T08:30", "chair": "Chair 4"},
        {"start": f"{DAY}T08:45", "chair": "Chair 4"},
        {"start": f"{DAY}T09:00", "chair": "Chair 4"},
    ]


def test_slots_on_an_empty_day_take_chair_1_every_quarter_hour(cli, clinic):
    data = slots(cli, "infusion", "--from", f"{TUESDAY}T08:00", "--count", "3")
    assert data == [{"start": f"{TUESDAY}T{t}", "chair": "Chair 1"}
                    for t in ("08:00", "08:15", "08:30")]


def test_slots_skip_a_full_hour(cli, clinic):
    # 14:00-15:30 is full: no infusion can start from 12:45 (ends 14:15) until 15:30
    data = slots(cli, "infusion", "--from", f"{DAY}T12:30", "--count", "3")
    assert data == [{"start": f"{DAY}T12:30", "chair": "Chair 1"},
                    {"start": f"{DAY}T15:30", "chair": "Chair 1"},
                    {"start": f"{DAY}T15:45", "chair": "Chair 1"}]


def test_slots_reach_the_next_open_day(cli, clinic):
    # after the last start that still ends by 18:00 comes Tuesday 08:00
    data = slots(cli, "infusion", "--from", f"{DAY}T16:15", "--count", "3")
    assert data == [{"start": f"{DAY}T16:15", "chair": "Chair 1"},
                    {"start": f"{DAY}T16:30", "chair": "Chair 1"},
                    {"start": f"{TUESDAY}T08:00", "chair": "Chair 1"}]
    # a weekend is skipped; an off-grid --from starts at the next quarter hour
    data = slots(cli, "consult", "--from", "2026-11-27T16:50", "--count", "2")
    assert data == [{"start": "2026-11-27T17:00", "chair": None},
                    {"start": "2026-11-30T08:00", "chair": None}]


def test_slots_for_kinds_without_a_chair_have_chair_null(cli, clinic):
    data = slots(cli, "assessment", "--from", f"{TUESDAY}T17:00")
    assert data == [{"start": f"{TUESDAY}T17:00", "chair": None},
                    {"start": f"{TUESDAY}T17:15", "chair": None},
                    {"start": f"{TUESDAY}T17:30", "chair": None},
                    {"start": "2026-11-25T08:00", "chair": None},
                    {"start": "2026-11-25T08:15", "chair": None}]


def test_slots_count(cli, clinic):
    assert len(slots(cli, "infusion", "--from", f"{DAY}T08:00")) == 5
    assert len(slots(cli, "infusion", "--from", f"{DAY}T08:00", "--count", "1")) == 1
    hundred = slots(cli, "assessment", "--from", f"{DAY}T08:00", "--count", "100")
    starts = [item["start"] for item in hundred]
    assert len(starts) == 100 and starts == sorted(set(starts))


def test_slots_with_a_duration(cli, clinic):
    # a 60-minute infusion fits Chair 1 before its 09:00 booking
    data = slots(cli, "infusion", "--from", f"{DAY}T08:00", "--duration", "60", "--count", "2")
    assert data == [{"start": f"{DAY}T08:00", "chair": "Chair 1"},
                    {"start": f"{DAY}T08:15", "chair": "Chair 4"}]


def test_slots_from_defaults_to_now(cli, clinic):
    # on Sunday the 22nd, whatever the time of day, the first start is Monday's 08:00
    result = cli("slots", "--kind", "consult", "--format", "json", "--count", "1",
                 "--today", "2026-11-22")
    assert result.code == 0, result.err
    assert json.loads(result.out) == [{"start": f"{DAY}T08:00", "chair": None}]


def test_slots_never_offer_the_past(cli, clinic):
    result = cli("slots", "--kind", "consult", "--format", "json", "--from", "2026-11-01T08:00",
                 "--today", "2026-11-22")
    assert json.loads(result.out)[0]["start"] == f"{DAY}T08:00"


def test_slots_with_patient_skip_their_own_appointments(cli, clinic):
    # C-2 has a consult 11:00-12:00 on DAY
    everyone = slots(cli, "assessment", "--from", f"{DAY}T10:15", "--count", "8")
    assert [s["start"][11:] for s in everyone] == ["10:15", "10:30", "10:45", "11:00", "11:15",
                                                   "11:30", "11:45", "12:00"]
    theirs = slots(cli, "assessment", "--from", f"{DAY}T10:15", "--count", "4",
                   "--patient", "C-2")
    assert [s["start"][11:] for s in theirs] == ["10:15", "10:30", "12:00", "12:15"]
    # an infusion must also end before their consult begins
    theirs = slots(cli, "infusion", "--from", f"{DAY}T09:15", "--count", "2",
                   "--patient", "C-2")
    assert theirs == [{"start": f"{DAY}T09:15", "chair": "Chair 4"},
                      {"start": f"{DAY}T09:30", "chair": "Chair 4"}]
    theirs = slots(cli, "infusion", "--from", f"{DAY}T09:45", "--count", "1",
                   "--patient", "C-2")
    assert theirs == [{"start": f"{DAY}T12:00", "chair": "Chair 1"}]


def test_slots_with_patient_ignore_their_cancelled_appointments(cli, clinic):
    # C-5's assessment at 13:00 is cancelled, and so is their infusion at 09:00
    theirs = slots(cli, "assessment", "--from", f"{DAY}T13:00", "--count", "1",
                   "--patient", "C-5")
    assert theirs == [{"start": f"{DAY}T13:00", "chair": None}]


def test_slots_table_is_readable(cli, clinic):
    result = cli("slots", "--kind", "infusion", "--from", f"{DAY}T08:00", "--count", "2")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "Next free infusion starts (90 min)"
    assert lines[2].split() == ["Day", "Start", "End", "Chair"]
    assert lines[4].split() == ["Mon", DAY, "08:00", "09:30", "Chair", "4"]
    assert lines[5].split() == ["Mon", DAY, "08:15", "09:45", "Chair", "4"]
    assert result.out == cli("slots", "--kind", "infusion", "--from", f"{DAY}T08:00",
                             "--count", "2", "--format", "table").out
    result = cli("slots", "--kind", "consult", "--from", f"{DAY}T08:00", "--count", "1",
                 "--patient", "C-2")
    assert result.out.splitlines()[0] == "Next free consult starts for C-2 (60 min)"
    assert result.out.splitlines()[4].split() == ["Mon", DAY, "08:00", "09:00", "-"]


@pytest.mark.parametrize("args, words", [
    (["--count", "0"], "count 0 is outside 1-100"),
    (["--count", "101"], "count 101 is outside 1-100"),
    (["--count", "-1"], "count -1 is outside 1-100"),
    (["--count", "x"], "count 'x' is not a whole number"),
    (["--count", "2.5"], "count '2.5' is not a whole number"),
    (["--count", ""], "count '' is not a whole number"),
    (["--kind", "bath"], "kind 'bath' is not one of"),
    (["--from", "2026-11-31T08:00"], "is not a real date and time"),
    (["--from", "2026-11-23"], "is not written YYYY-MM-DDTHH:MM"),
    (["--patient", "C-99"], "no patient with chart number 'C-99'"),
    (["--duration", "4"], "duration 4 is outside 5-480 minutes"),
    (["--format", "csv"], "invalid choice: 'csv'"),
    (["--chair", "Chair 1"], "unrecognized arguments"),
])
def test_slots_refuse_bad_input_in_one_line(cli, db, clinic, args, words):
    kind = [] if "--kind" in args else ["--kind", "infusion"]
    line = refused(cli, db, "slots", *kind, *args)
    assert words in line


def test_slots_need_a_kind(cli, db, clinic):
    assert "required: --kind" in refused(cli, db, "slots")


# --- slots and book agree ----------------------------------------------------------------------

def test_every_offered_slot_is_accepted_by_book_in_its_chair(cli, db, clinic):
    offered = slots(cli, "infusion", "--from", f"{DAY}T12:30", "--count", "6")
    assert len({s["start"] for s in offered}) == 6
    # the offers overlap each other: book each one alone (then cancel it) in its chair
    for slot in offered:
        out = booked(cli, "--patient", "N-10", "--kind", "infusion", "--start",
                     slot["start"], "--chair", slot["chair"])
        assert (out["start"], out["chair"]) == (slot["start"], slot["chair"])
        result = cli("set-status", str(out["id"]), "cancelled", "--reason", "test")
        assert result.code == 0, result.err


def test_book_auto_takes_what_slots_offers_and_slots_then_offers_something_else(cli, db,
                                                                              clinic):
    taken = set()
    for n in range(1, 13):
        (offer,) = slots(cli, "infusion", "--from", f"{DAY}T08:00", "--count", "1",
                         "--patient", f"N-{n}")
        assert (offer["start"], offer["chair"]) not in taken
        out = booked(cli, "--patient", f"N-{n}", "--kind", "infusion", "--start",
                     offer["start"])  # --chair auto
        assert (out["start"], out["chair"]) == (offer["start"], offer["chair"])
        taken.add((offer["start"], offer["chair"]))
    # twelve bookings from 08:00 on a day with Chairs 1-3 busy 09:00-10:30: Chair 4 fills up
    # first, then the others from 10:30; never two overlapping in one chair
    for chair in CHAIRS:
        rows = [r for r in infusions_in(db, chair, DAY) if r[2] != "cancelled"]
        assert all(a[1] <= b[0] for a, b in zip(rows, rows[1:])), (chair, rows)


def test_a_booked_slot_is_no_longer_offered(cli, db, clinic):
    # DAY 09:00: only Chair 4 is free
    first = slots(cli, "infusion", "--from", f"{DAY}T09:00", "--count", "1")
    assert first == [{"start": f"{DAY}T09:00", "chair": "Chair 4"}]
    booked(cli, "--patient", "C-2", "--kind", "infusion", "--start", f"{DAY}T09:00",
           "--chair", "Chair 4")
    after = slots(cli, "infusion", "--from", f"{DAY}T09:00", "--count", "3")
    # every chair is busy until 10:30 now
    assert after[0] == {"start": f"{DAY}T10:30", "chair": "Chair 1"}
    assert all(s["start"] >= f"{DAY}T10:30" for s in after)
    # and the refusal of that same slot names the first of them
    line = refused(cli, db, "book", "--patient", "C-5", "--kind", "infusion",
                   "--start", f"{DAY}T09:00", "--chair", "Chair 4")
    assert line.endswith(f"next free: {after[0]['start']} {after[0]['chair']}")


def test_a_slot_offered_for_a_patient_is_accepted_for_them(cli, clinic):
    for kind in ("consult", "infusion", "assessment"):
        offers = slots(cli, kind, "--from", f"{DAY}T10:00", "--count", "1", "--patient", "C-2")
        (offer,) = offers
        out = booked(cli, "--patient", "C-2", "--kind", kind, "--start", offer["start"],
                     *(["--chair", offer["chair"]] if offer["chair"] else []))
        assert out["start"] == offer["start"] and out["chair"] == offer["chair"]


def test_book_refuses_a_second_infusion_the_same_day(cli, clinic, db):
    before = everything(db)
    result = book(cli, "C-1", "infusion", f"{DAY}T16:00")
    assert result.code == 2
    assert one_line_error(result) == ("frontdesk: the patient already has an infusion on "
                                      "Mon 23 Nov: one infusion a day")
    assert everything(db) == before
    # an assessment that day is fine, and slots for the patient skip the day
    assert booked(cli, "--patient", "C-1", "--kind", "assessment",
                  "--start", f"{DAY}T16:00")["kind"] == "assessment"
    offered = slots(cli, "infusion", "--from", f"{DAY}T08:00", "--patient", "C-1")
    assert offered and all(not s["start"].startswith(DAY) for s in offered)
