"""The demo clinic: a deterministic, realistic clinic history generated into an empty database.

`generate_demo(patients=N, seed=S, today=D)` writes about 18 months of history up to D and
four weeks of bookings after it. The same (N, S, D) always gives the same rows: the only
source of chance is `random.Random(seed)`, and "now" is D at 12:00, never the real clock.

Patients register over the 18 months as a clinic grows (linearly: more recent registrations
are more frequent), and each one's life is simulated in order: registration, consult, a
stabilization series of 4-8 infusions over 1-3 weeks, a progress assessment two days after
it, monthly boosters for the first months and then every 1-3 (sometimes 4-12) months, and,
with small chances at each step, dropping out, lapsing, moving to integration or being
discharged. The phase mix is what follows from that (about 7% intake, 6% stabilization, 50%
maintenance, 11% integration, 25% discharged), and every phase, phase_since and phase change
agrees with the appointments: phase_since is the day of the change that started the phase
(the first completed infusion, the N-th, or a staff decision).

The schedule is a grid. Every open day has the same infusion slots (08:00, 09:30, ... with
the default 90 minutes); `used[day * slots + slot]` counts the chairs taken, so a chair never
holds two live infusions (a cancelled one takes no chair-time and may share one). Consults and
assessments need no chair and start on the half hour. Each appointment goes on a later open
day than the patient's previous one (so no patient is ever double-booked), and an infusion
whose slot is full moves to the next free slot. Whatever lies in the past gets a final status
(about 9% no-shows, some cancellations, some of them late, each followed by a rebooking),
today's may be under way at noon, and the future is booked as far as it would be by now
(series at once, boosters 3-20 open days ahead). There is one chair per 90 patients (at least
four): with that, chair use near today is about 60%, as in the field; far fewer chairs fill
every slot and push bookings weeks out.

Speed matters (100,000 patients, a million appointments, in well under 20 s on two cores):
rows are plain tuples built from precomputed datetimes and their texts, written with the
driver's executemany, and the indexes are rebuilt once after the load instead of row by row.
On SQLite a big clinic is simulated in a helper process, a batch of patients at a time,
while this one writes the batches before (_Simulation).
"""

from __future__ import annotations

import datetime as dt
import gc
import math
import random
import time
import unicodedata
from dataclasses import dataclass

import phonenumbers

from frontdesk.db import chair_guard
from frontdesk.db import models as m
from frontdesk.db.bulk import (Helper, Packer, Texts, indexes_deferred, insert_packed,
                               insert_rows, journal_mode, load_cache)
from frontdesk.db.connection import is_sqlite, write_transaction
from frontdesk.domain.errors import DomainError
from frontdesk.domain.model import Kind, Phase, Status
from frontdesk.domain.validation import NAME_KEY_MAX, search_key
from frontdesk.services import audit
from frontdesk.services.clinic import clinic_settings


@dataclass(frozen=True)
class DemoSummary:
    patients: int
    appointments: int
    chairs: int
    seconds: float


HISTORY_DAYS = 548          # about 18 months of history before today
BOOKING_DAYS = 28           # bookings reach four weeks ahead
PATIENTS_PER_CHAIR = 90     # chairs = max(4, ceil(patients / PATIENTS_PER_CHAIR))
NOW_TIME = dt.time(12, 0)   # "now" is today at noon

DESK_STAFF = (("amara.okafor", "Amara Okafor"), ("ben.kowalski", "Ben Kowalski"),
              ("carmen.ruiz", "Carmen Ruiz"), ("dev.patel", "Dev Patel"),
              ("eli.sorensen", "Eli Sørensen"))

P_NO_SHOW = 0.09            # past appointments
P_CANCEL = 0.06             # past appointments
P_LATE = 0.25               # share of past cancellations made less than 24 h ahead
P_FUTURE_CANCEL = 0.03      # future appointments already cancelled
P_ASSESS_AFTER_BOOSTER = 0.12
P_START = 0.88              # go on to the infusions after the consult
P_DROP = 0.08               # stop during the stabilization series
P_TO_INTEGRATION = 0.12     # per booster, after the third
P_DISCHARGE_MAINT = 0.015   # per booster
P_LAPSE = 0.03              # per booster: stop booking (overdue), maybe discharged later
P_DISCHARGE_INTEG = 0.06    # per integration support session

CANCEL_REASONS = ("patient request", "unwell", "no transport", "work conflict",
                  "family emergency", "weather", "rescheduled by the clinic", "travel")

_FIRST = """James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William
Barbara Richard Susan Joseph Jessica Thomas Sarah Christopher Karen Daniel Lisa Matthew Nancy
Anthony Sandra Mark Ashley Steven Emily Andrew Michelle Joshua Amanda Kevin Melissa Brian
Stephanie Olivia Noah Emma Liam Ava Ethan Sophia Mason Isabella Lucas Mia Logan Harper
José María Sofía Joaquín Inés Raúl Ángel Héctor Lucía Zoë Chloé Renée Anaïs Noël François
Hélène Jürgen Björn Bjørn Søren Åsa Ingrid Sigrún Siobhán Seán Aoife Niamh Ciarán Pádraig
Łukasz Katarzyna Wojciech Małgorzata Jiří Tomáš Zuzana Dmitri Anastasia Eleni Giorgos Çağla
Gökhan Mei Wei Xin Hiroshi Yuki Ji-woo Min-jun Priya Arjun Ananya Aarav Thảo Linh Huy
Chidi Amara Kwame Adaeze Oluwaseun Fatima Omar Yusuf Layla Aisha Mary-Kate Jean-Luc
Anne-Marie D'Andre Nasrin Dariush Tamar Avi Kalani Leilani Rosa Guadalupe""".split()

_LAST = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez
Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White
Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen
Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Núñez Müller
Ødegaard Nguyễn O'Brien Smith-Jones García Gómez Pérez Fernández Jiménez Muñoz Álvarez Peña
Ibáñez Schröder Groß Köhler Sørensen Åberg Nowak Kowalski Wiśniewski Wójcik Dvořák Novák
Horváth Kovačević Petrović Đorđević Yılmaz Öztürk Şahin Çelik Papadopoulos O'Connor O'Neill
McDonald MacLeod D'Angelo DeLuca Kim Park Choi Tanaka Suzuki Satō Wang Li Zhang Chen Liu Trần
Lê Phạm Patel Sharma Singh Gupta Okafor Adeyemi Mensah Haddad Khalil Al-Farsi Cohen Levi
Friedman Mäkinen Virtanen Jónsdóttir Þórsson Lefèvre Dubois Girard Bélanger Côté Gagné Rossi
Bianchi Esposito Silva Santos Oliveira Gonçalves Conceição Kuznetsov Ivanova Hoffmann Schmidt
Weiß Wagner Becker Fischer Jensen Hansen Nielsen Andersson Johansson Karlsson Berg
Lloyd-Williams""".split() + ["van Dijk", "de la Cruz", "Van der Berg", "Ó Súilleabháin",
                            "Ní Bhriain", "St. John"]

FIRST_NAMES = tuple(unicodedata.normalize("NFC", n) for n in _FIRST)
LAST_NAMES = tuple(unicodedata.normalize("NFC", n) for n in _LAST)

# Area codes where every exchange 200-999 is a valid US number (checked with phonenumbers).
AREA_CODES = ("212", "718", "917", "646", "415", "510", "650", "617", "857", "303", "720",
              "512", "737", "206", "312", "773", "404", "503", "612", "713", "832", "786",
              "813", "919", "971", "210", "480", "602", "702", "615", "704", "215", "412",
              "614", "216", "317", "414", "816", "801", "916", "858", "619", "808")
# Exchanges 200-999 without N11 service codes, 555 and the 950/958/959/976 specials.
EXCHANGES = tuple(str(e) for e in range(200, 1000)
                  if e % 100 != 11 and e not in (555, 950, 958, 959, 976))
EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com")

_INTERVALS = (1,) * 45 + (2,) * 30 + (3,) * 17 + (4,) * 3 + (6,) * 4 + (12,)
_TARGETS = (4,) * 10 + (5,) * 15 + (6,) * 50 + (7,) * 10 + (8,) * 15

_CHECKED_AREAS: set[str] = set()


def _check_area_codes() -> None:
    """One sample number per area code must be valid (guards against metadata changes)."""
    for area in AREA_CODES:
        if area in _CHECKED_AREAS:
            continue
        number = phonenumbers.parse(f"+1{area}2345678", None)
        if not phonenumbers.is_valid_number(number):
            raise DomainError(f"demo data: area code {area} is no longer a valid US area code")
        _CHECKED_AREAS.add(area)


_ASCII = str.maketrans({"ø": "o", "đ": "d", "ł": "l", "þ": "th", "ð": "d", "ı": "i",
                        "æ": "ae", "œ": "oe"})


def _name_keys() -> tuple[list[str], list[str]]:
    """Each first and last name's search key: name_key(first, last) is the last one's, a
    space and the first one's (a name folds to letters and digits, at least one, far
    short of the cut; checked for every pair in tests/services/test_demo.py)."""
    first = [search_key(name) for name in FIRST_NAMES]
    last = [search_key(name) for name in LAST_NAMES]
    if not all(first + last) or max(map(len, first + last)) > NAME_KEY_MAX // 2 - 1:
        raise DomainError("demo data: a name that folds to nothing or too long")
    return first, last


def _email_part(name: str) -> str:
    """'Ó Súilleabháin' -> 'osuilleabhain', 'Ødegaard' -> 'odegaard' (plain ASCII)."""
    folded = search_key(name).translate(_ASCII).replace(" ", "")
    return folded.encode("ascii", "ignore").decode() or "patient"


class _Calendar:
    """The open days from the start of the history to the booking horizon, and a grid of
    datetimes for each (tick = the common divisor of the lengths and 30 minutes)."""

    def __init__(self, settings, today: dt.date):
        self.today = today
        opens = settings.opens.hour * 60 + settings.opens.minute
        closes = settings.closes.hour * 60 + settings.closes.minute
        length = closes - opens
        inf = settings.duration_of(Kind.INFUSION)
        con = settings.duration_of(Kind.CONSULT)
        ass = settings.duration_of(Kind.ASSESSMENT)
        if not settings.open_weekdays or length < max(inf, con, ass):
            raise DomainError("demo data needs open days long enough for an infusion, "
                              "a consult and an assessment")
        tick = math.gcd(30, inf, con, ass, length)
        self.tick = tick
        self.inf, self.con, self.ass = inf, con, ass
        self.inf_t, self.con_t, self.ass_t = inf // tick, con // tick, ass // tick
        self.W = length // tick + 1                        # grid points per day, opening..closing
        self.slots = (self.W - 1) // self.inf_t            # infusion slots per day
        self.step = 30 // tick                             # consults/assessments on the half hour
        weekdays = set(settings.open_weekdays)
        first = today - dt.timedelta(days=HISTORY_DAYS)
        last = today + dt.timedelta(days=BOOKING_DAYS)
        days = []
        d = first
        one = dt.timedelta(days=1)
        while d <= last:
            if d.weekday() in weekdays:
                days.append(d)
            d += one
        if not days:
            raise DomainError("demo data needs at least one open day")
        self.days = days
        self.H = len(days) - 1
        t0 = 0
        while t0 < len(days) and days[t0] < today:
            t0 += 1
        self.t0 = t0
        self.today_open = t0 < len(days) and days[t0] == today
        now_minutes = NOW_TIME.hour * 60 + NOW_TIME.minute - opens
        self.now_j = now_minutes / tick                    # "now" on today's grid
        self.now = dt.datetime.combine(today, NOW_TIME)
        # the last day a booking can have been made on (today only if the desk was open)
        self.last_bookable = t0 if (self.today_open and self.now_j >= 1) else t0 - 1
        grid = []
        deltas = [dt.timedelta(minutes=opens + j * tick) for j in range(self.W)]
        for day in days:
            midnight = dt.datetime.combine(day, dt.time())
            grid.extend(midnight + delta for delta in deltas)
        self.grid = grid
        # open days in a calendar month, for booster intervals
        self.month = len(weekdays) * 365.25 / 7 / 12


def generate_demo(*, patients: int, seed: int, today: dt.date, staff: str = "seed") -> DemoSummary:
    """Fill the open, empty clinic database with a demo clinic; see the module docstring."""
    started = time.perf_counter()
    if patients < 0:
        raise DomainError("the number of demo patients cannot be negative")
    staff = (staff or "seed").strip() or "seed"
    db = m.database.obj
    _check_area_codes()
    settings = clinic_settings()
    cal = _Calendar(settings, today)
    sqlite = is_sqlite(db)
    # a big clinic is simulated by another process while this one writes (see _Simulation)
    simulation = _Simulation() if sqlite and patients >= SIMULATE_APART_FROM else None
    # The load builds millions of tuples that live until it ends and make no cycles: the
    # cyclic garbage collector would traverse them again and again for nothing.
    collecting = gc.isenabled()
    gc.disable()
    if sqlite:
        old_sync = db.execute_sql("PRAGMA synchronous").fetchone()[0]
        db.execute_sql("PRAGMA synchronous=OFF")   # a bulk load; restored below
        # foreign keys checked once for the whole load (below), not row by row; the pragma
        # can only change outside a transaction
        old_keys = db.execute_sql("PRAGMA foreign_keys").fetchone()[0]
        db.execute_sql("PRAGMA foreign_keys=OFF")
        # A rollback journal for the load instead of the WAL: the commit writes the new pages
        # once, into the file, instead of into the WAL and then again into the file (about
        # 400 MB at 100,000 patients). Still all or nothing: a crash rolls the hot journal
        # back on the next open (to the empty clinic), which frontdesk opens in WAL mode
        # again; the mode is back to WAL before this returns. Only when this is the one
        # connection (leaving WAL needs that; otherwise the load stays in the WAL).
        rolled = journal_mode(db, "delete") if journal_mode(db) == "wal" else False
    try:
        # the load's page cache from the first insert to the last check (bulk.load_cache)
        with load_cache(), write_transaction():
            if m.Patient.select().exists():  # checked inside the write lock: no race
                raise DomainError("this database already has patients: demo data goes only "
                                  "into an empty clinic")
            staff_ids, seed_staff = _staff(staff, cal)
            chair_ids = _chairs(patients)
            base_id = (m.Patient.select(m.Patient.id).order_by(m.Patient.id.desc())
                       .scalar() or 0) + 1
            plan = (seed, patients, settings, today, staff_ids, chair_ids, base_id, BATCH)
            # the chair guard checks the whole load once, after its indexes are built once
            with chair_guard.suspended(), indexes_deferred(m.Patient, m.PhaseChange,
                                                             m.Appointment):
                if simulation is not None:
                    booked = simulation.load(plan)
                else:
                    booked = 0
                    for patient_rows, change_rows, appointments in _simulate(
                            random.Random(seed), patients, cal, staff_ids, chair_ids, base_id,
                            as_text=sqlite):
                        insert_rows(m.Patient, PATIENT_COLUMNS, patient_rows)
                        insert_rows(m.PhaseChange, CHANGE_COLUMNS, change_rows)
                        insert_rows(m.Appointment, APPOINTMENT_COLUMNS, appointments)
                        booked += len(appointments)
                        # freed before collection resumes
                        del patient_rows, change_rows, appointments
            if sqlite and db.execute_sql("PRAGMA foreign_key_check").fetchone() is not None:
                raise DomainError("demo data: a row points to nothing (a bug in the generator)")
            if not sqlite:
                _reset_sequence(db, m.Patient)
            audit.record(seed_staff, "generate_demo", "clinic", patients=patients, seed=seed,
                         today=today.isoformat(), appointments=booked,
                         chairs=len(chair_ids))
    finally:
        if simulation is not None:
            simulation.close()
        if collecting:
            gc.enable()
        if sqlite:
            db.execute_sql(f"PRAGMA synchronous={int(old_sync)}")
            db.execute_sql(f"PRAGMA foreign_keys={int(old_keys)}")
            if rolled:
                journal_mode(db, "wal")
    if sqlite and rolled and journal_mode(db) != "wal":
        raise DomainError("demo data: the database did not go back to WAL mode")
    if sqlite and not rolled:
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return DemoSummary(patients=patients, appointments=booked,
                       chairs=len(chair_ids), seconds=round(time.perf_counter() - started, 3))


#: From this many patients (SQLite) the simulation runs in a process of its own, a batch of
#: BATCH patients at a time, while this one writes the batches before (on a second core:
#: about 8 s of simulation at 100,000 patients overlap the inserts). Below, starting a
#: process costs more than it saves.
SIMULATE_APART_FROM = 10_000
BATCH = 2_000


class _Simulation:
    """The simulation in a helper process (bulk.Helper, started at once so that its start-up
    overlaps this one's), sending each batch of patients' rows packed for SQLite
    (bulk.Packer). The same rows as in-process: one Random(seed), the same batches in order;
    each table's ids come in the same order whether its rows are written in one go or per
    batch. A failure in the helper comes back as bulk.HelperFailed; close() ends it."""

    def __init__(self) -> None:
        self._helper = Helper(f"{__name__}:_simulate_apart")

    def load(self, plan: tuple) -> int:
        """Send the plan, write every batch as it comes; the number of appointments."""
        helper = self._helper
        helper.send(plan)
        booked = 0
        while (batch := helper.recv()) is not None:
            patients, changes, appointments, count = batch
            insert_packed(m.Patient, PATIENT_COLUMNS, *patients)
            insert_packed(m.PhaseChange, CHANGE_COLUMNS, *changes)
            insert_packed(m.Appointment, APPOINTMENT_COLUMNS, *appointments)
            booked += count
            del batch, patients, changes, appointments
        return booked

    def close(self) -> None:
        self._helper.close()


def _simulate_apart(channel) -> None:
    """The helper's side of _Simulation: batches of packed rows, then None."""
    gc.disable()  # as in the parent: millions of tuples, no cycles
    seed, count, settings, today, desk, chair_ids, base_id, every = channel.recv()
    cal = _Calendar(settings, today)
    packers = (Packer(m.Patient, PATIENT_COLUMNS, ready=True),
               Packer(m.PhaseChange, CHANGE_COLUMNS, ready=True),
               Packer(m.Appointment, APPOINTMENT_COLUMNS, ready=True))
    for batch in _simulate(random.Random(seed), count, cal, desk, chair_ids, base_id,
                           every=every, as_text=True):
        channel.send([(packer.pack(rows), []) for packer, rows in zip(packers, batch)]
                     + [len(batch[2])])
        del batch
    channel.send([([], packer.rest()) for packer in packers] + [0])
    channel.send(None)


PATIENT_COLUMNS = ("id", "chart_number", "first_name", "last_name", "search_key",
                   "date_of_birth", "phone", "email", "phase", "phase_since",
                   "stabilization_target", "maintenance_interval_months", "registered_on",
                   "notes", "created_at", "updated_at", "version")
CHANGE_COLUMNS = ("patient", "at", "staff", "from_phase", "to_phase", "reason")
APPOINTMENT_COLUMNS = ("patient", "kind", "start", "duration_minutes", "ends_at", "chair",
                       "status", "status_at", "status_by", "booked_at", "booked_by",
                       "late_cancellation", "cancel_reason", "version")


def _staff(username: str, cal: _Calendar) -> tuple[list[int], int]:
    """The desk staff (created if missing) and the id of the one generating the demo."""
    wanted = [(username, username)] + [s for s in DESK_STAFF if s[0] != username]
    existing = dict(m.Staff.select(m.Staff.username, m.Staff.id).tuples())
    created = cal.grid[0]
    missing = [(u, name, created) for u, name in wanted if u not in existing]
    if missing:
        insert_rows(m.Staff, ("username", "display_name", "created_at"), missing)
        existing = dict(m.Staff.select(m.Staff.username, m.Staff.id).tuples())
    desk = [existing[u] for u, _ in DESK_STAFF]
    return desk, existing[username]


def _chairs(patients: int) -> list[int]:
    """The active chairs' ids in order, adding "Chair N" rows until the schedule fits."""
    wanted = max(4, math.ceil(patients / PATIENTS_PER_CHAIR))
    rows = list(m.Chair.select(m.Chair.id, m.Chair.name, m.Chair.position, m.Chair.active)
                .order_by(m.Chair.position, m.Chair.name).tuples())
    active = [r for r in rows if r[3]]
    if len(active) < wanted:
        names = {r[1] for r in rows}
        position = max((r[2] for r in rows), default=0)
        new = []
        number = len(active)
        while len(active) + len(new) < wanted:
            number += 1
            name = f"Chair {number}"
            if name in names:
                continue
            position += 1
            new.append((name, position, True))
        insert_rows(m.Chair, ("name", "position", "active"), new)
        rows = list(m.Chair.select(m.Chair.id, m.Chair.name, m.Chair.position, m.Chair.active)
                    .order_by(m.Chair.position, m.Chair.name).tuples())
    return [r[0] for r in rows if r[3]]


def _as_it_is(value):
    return value


def _reset_sequence(db, model) -> None:
    """PostgreSQL: explicit ids were written, so move the id sequence past them."""
    table = model._meta.table_name
    db.execute_sql(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                   f"(SELECT MAX(id) FROM \"{table}\"))")


def _simulate(rng: random.Random, count: int, cal: _Calendar, desk: list[int],
              chair_ids: list[int], base_id: int, every: int | None = None,
              as_text: bool = False):
    """Every patient's history, in order: yields the rows (patients, phase changes,
    appointments) of each `every` patients in turn (all of them at once by default).
    `as_text`: dates and moments in the rows as the text SQLite stores (bulk.Packer's
    ready rows), each distinct one formatted once; else as date and datetime values."""
    r = rng.random
    getrandbits = rng.getrandbits

    def randint(a, b):
        """rng.randint(a, b), the same draws (Random._randbelow_with_getrandbits) in one
        call instead of four: a million calls."""
        n = b - a + 1
        if n <= 0:
            raise ValueError(f"empty range for randint({a}, {b})")
        k = n.bit_length()
        x = getrandbits(k)
        while x >= n:
            x = getrandbits(k)
        return a + x

    G = cal.grid
    text = Texts().__getitem__ if as_text else _as_it_is
    GT = [text(moment) for moment in G]     # the grid's moments as written
    DT = [text(day) for day in cal.days]
    W = cal.W
    NS = cal.slots
    H = cal.H
    t0 = cal.t0
    today_open = cal.today_open
    now_j = cal.now_j
    now = cal.now
    lb = cal.last_bookable
    days = cal.days
    month = cal.month
    inf_t, con_t, ass_t = cal.inf_t, cal.con_t, cal.ass_t
    inf_m, con_m, ass_m = cal.inf, cal.con, cal.ass
    step = cal.step
    con_choices = (W - 1 - con_t) // step + 1
    ass_choices = (W - 1 - ass_t) // step + 1
    C = len(chair_ids)
    ncap = (H + 1) * NS
    used = [0] * ncap
    nd = len(desk)
    nd2 = nd * nd
    book_ticks_today = max(1, min(W - 1, int(now_j)))

    INF, CON, ASS = Kind.INFUSION.value, Kind.CONSULT.value, Kind.ASSESSMENT.value
    BOOKED, COMPLETED = Status.BOOKED.value, Status.COMPLETED.value
    NO_SHOW, CANCELLED = Status.NO_SHOW.value, Status.CANCELLED.value
    ARRIVED, IN_CHAIR, RECOVERY = (Status.ARRIVED.value, Status.IN_CHAIR.value,
                                   Status.RECOVERY.value)
    INTAKE, STAB, MAINT = Phase.INTAKE.value, Phase.STABILIZATION.value, Phase.MAINTENANCE.value
    INTEG, DISCH = Phase.INTEGRATION.value, Phase.DISCHARGED.value
    FAILED = (NO_SHOW, CANCELLED)
    HOUR24 = dt.timedelta(hours=24)
    minutes = [dt.timedelta(minutes=i) for i in range(0, 60 * 24 * 15)]
    nreasons = len(CANCEL_REASONS)

    appointments: list[tuple] = []
    add = appointments.append
    patient_rows: list[tuple] = []
    change_rows: list[tuple] = []
    first_keys, last_keys = _name_keys()
    first_mail = [_email_part(name) for name in FIRST_NAMES]
    last_mail = [_email_part(name) for name in LAST_NAMES]

    # per-patient state shared with visit()
    pid = 0
    last_k = -1
    reg_k = 0
    reg_dt = G[0]
    reg_t = GT[0]
    last_status_at = G[0]
    last_status_t = GT[0]

    def visit(kind, want, pref, floor, lead, defer=False, tries=3):
        """Place one appointment (an infusion in a free chair) and emit its row, booking
        again after a no-show or cancellation (up to `tries` bookings). Returns (day,
        status) of the last one, or None when it is not (yet) booked. (One function, not
        two: a million calls.)"""
        nonlocal last_k, last_status_at, last_status_t
        while True:
            if want <= last_k:
                want = last_k + 1
            if kind is INF:
                i = want * NS + pref
                if i >= ncap:
                    return None
                while used[i] >= C:
                    i += 1
                    if i >= ncap:
                        return None
                k = i // NS
                j = (i - k * NS) * inf_t
                d = inf_t
                dm = inf_m
            else:
                if want > H:
                    return None
                k = want
                i = -1
                j = pref
                if kind is CON:
                    d = con_t
                    dm = con_m
                else:
                    d = ass_t
                    dm = ass_m
            bk = k - lead
            if bk < floor:
                bk = floor
            if bk >= k:
                bk = k - 1
            if bk > lb:
                if defer:
                    return None
                bk = lb
            # each moment with its text (GT, text()): written as text, compared as datetimes
            if bk <= reg_k:
                booked_at = reg_dt
                booked_t = reg_t
            else:
                b = bk * W + int(r() * (book_ticks_today if bk == t0 else W - 1))
                booked_at = G[b]
                booked_t = GT[b]
            if booked_at < last_status_at:   # not before the patient's previous visit or call
                booked_at = last_status_at
                booked_t = last_status_t
            g = k * W + j
            start = G[g]
            ends = G[g + d]
            x = int(r() * nd2)
            by = desk[x % nd]
            booker = desk[x // nd]
            late = False
            reason = None
            chair = None
            if k < t0 or (k == t0 and today_open and j + d <= now_j):
                x = r()
                if x < P_NO_SHOW:
                    status = NO_SHOW
                    status_at = G[g + 1]
                    status_t = GT[g + 1]
                elif x < P_NO_SHOW + P_CANCEL:
                    status = CANCELLED
                    if r() < P_LATE:
                        status_at = start - minutes[randint(60, 23 * 60)]
                    else:
                        status_at = start - minutes[randint(1, 10) * 1440 - randint(0, 600)]
                    if status_at < booked_at:
                        status_at = booked_at
                    status_t = text(status_at)
                    late = start - status_at < HOUR24
                    reason = CANCEL_REASONS[int(r() * nreasons)]
                else:
                    status = COMPLETED
                    status_at = ends
                    status_t = GT[g + d]
            elif k == t0 and today_open and j < now_j:   # under way at noon today
                elapsed = int((now_j - j) * cal.tick)
                if r() < P_NO_SHOW and elapsed >= 15:
                    status = NO_SHOW
                    status_at = start + minutes[15]
                elif kind is not INF or elapsed < 10:
                    status = ARRIVED
                    status_at = start
                else:
                    x = r()
                    if x < 0.1:
                        status = ARRIVED
                        status_at = start
                    elif x < 0.4 or elapsed < 55:
                        status = IN_CHAIR
                        status_at = start + minutes[min(10, elapsed)]
                    else:
                        status = RECOVERY
                        status_at = start + minutes[min(50, elapsed)]
                status_t = text(status_at)
            elif r() < P_FUTURE_CANCEL:
                status = CANCELLED
                span = int((now - booked_at).total_seconds() // 60)
                status_at = booked_at + dt.timedelta(minutes=int(r() * span))
                status_t = text(status_at)
                late = start - status_at < HOUR24
                reason = CANCEL_REASONS[int(r() * nreasons)]
            else:
                status = BOOKED
                status_at = booked_at
                status_t = booked_t
            if i >= 0:
                if status is CANCELLED:
                    chair = chair_ids[int(r() * C)]
                else:
                    chair = chair_ids[used[i]]
                    used[i] += 1
            if status is BOOKED:
                by = booker
            add((pid, kind, GT[g], dm, GT[g + d], chair, status, status_t, by, booked_t, booker,
                 late, reason, 1))
            last_k = k
            last_status_at = status_at
            last_status_t = status_t
            if (status is NO_SHOW or status is CANCELLED) and tries > 1:   # FAILED
                tries -= 1
                want = k + randint(2, 7)
                floor = k if k <= lb else lb
                continue
            return k, status

    def con_j():
        return step * int(r() * con_choices)

    def ass_j():
        return step * int(r() * ass_choices)

    nfirst, nlast = len(FIRST_NAMES), len(LAST_NAMES)
    nareas, nex = len(AREA_CODES), len(EXCHANGES)
    ndomains = len(EMAIL_DOMAINS)
    today = cal.today
    today_ord = today.toordinal()
    min_age = 18 * 366 + 1
    age_span = 85 * 365 - min_age

    every = every or count or 1
    for p in range(count):
        if p and p % every == 0:
            yield patient_rows, change_rows, appointments
            patient_rows, change_rows, appointments = [], [], []
            add = appointments.append
        pid = base_id + p
        N = _TARGETS[int(r() * len(_TARGETS))]
        M = _INTERVALS[int(r() * len(_INTERVALS))]
        gmin = max(1, -(-4 // (N - 1)))
        gmax = max(gmin, 15 // (N - 1))
        gap = randint(gmin, min(gmax, 3))
        s_pref = int(r() * NS)
        early_monthly = 6 if r() < 0.7 else 0
        # the plan: registration follows the clinic's growth (linear: density ~ time)
        reg = int(t0 * math.sqrt(r()))
        if reg > t0 - 1:
            reg = max(0, t0 - 1)
        start_series = r() < P_START
        consult_gap = randint(2, 8)
        series_delay = randint(2, 7) if r() < 0.85 else randint(8, 20)
        drop_after = randint(1, N - 1) if r() < P_DROP else None

        # who they are
        fi = int(r() * nfirst)
        li = int(r() * nlast)
        first = FIRST_NAMES[fi]
        last = LAST_NAMES[li]
        key = f"{last_keys[li]} {first_keys[fi]}"   # name_key(first, last)
        dob = dt.date.fromordinal(today_ord - min_age - int(age_span * (r() + r()) / 2))
        phone = (f"+1{AREA_CODES[int(r() * nareas)]}{EXCHANGES[int(r() * nex)]}"
                 f"{int(r() * 10000):04d}")
        if r() < 0.85:
            mail_first = first_mail[fi]
            mail_last = last_mail[li]
            y = r()
            if y < 0.4:
                email = f"{mail_first}.{mail_last}@{EMAIL_DOMAINS[int(r() * ndomains)]}"
            elif y < 0.8:
                email = (f"{mail_first}.{mail_last}{int(r() * 100)}@"
                         f"{EMAIL_DOMAINS[int(r() * ndomains)]}")
            else:
                email = f"{mail_first[0]}{mail_last}@{EMAIL_DOMAINS[int(r() * ndomains)]}"
        else:
            email = None

        # their history
        reg_k = reg
        b = reg * W + int(r() * (W - 1))
        reg_dt = G[b]
        reg_t = GT[b]
        last_k = reg  # appointments start after the registration day
        last_status_at = reg_dt
        last_status_t = reg_t
        phase = INTAKE
        since_k = reg
        changes = [(pid, reg_t, desk[int(r() * nd)], None, INTAKE, "registered")]

        def change(day, to, why):
            """A staff decision on `day` (only if that is in the past); True if made."""
            nonlocal phase, since_k
            if day >= t0:
                return False
            at = G[day * W + int(r() * (W - 1))]
            changes.append((pid, text(at), desk[int(r() * nd)], phase, to, why))
            phase, since_k = to, day
            return True

        res = visit(CON, reg + consult_gap, con_j(), reg, 99)
        mcount = 0
        if res is None or res[1] is not COMPLETED:
            # missed consults: discharged after a while, or (recently) booked again
            while res is not None and res[1] in FAILED:
                if change(last_k + randint(10, 35), DISCH, "did not attend the consult"):
                    break
                res = visit(CON, last_k + randint(2, 7), con_j(), min(last_k, lb), 99, tries=1)
        elif not start_series:
            change(res[0] + randint(10, 40), DISCH, "did not go on after the consult")
        else:
            ck = res[0]
            want = ck + series_delay
            completed = 0
            planned = 0
            last_inf = -1
            dropped = False
            while planned < N:
                if drop_after is not None and completed >= drop_after:
                    dropped = True
                    break
                res = visit(INF, want, s_pref, ck, 99)
                if res is None:
                    break
                k, status = res
                if status is COMPLETED:
                    completed += 1
                    last_inf = k
                    if completed == 1:
                        changes.append((pid, last_status_t, desk[int(r() * nd)],
                                        phase, STAB,
                                        "first infusion completed"))
                        phase, since_k = STAB, k
                    if completed == N:
                        changes.append((pid, last_status_t, desk[int(r() * nd)],
                                        phase, MAINT,
                                        f"stabilization series completed ({N} infusions)"))
                        phase, since_k = MAINT, k
                elif status in FAILED:
                    dropped = True
                    break
                planned += 1
                want = k + gap
            if phase != MAINT:
                if dropped:  # stalled; discharged after a while
                    change(last_k + randint(10, 35), DISCH,
                           "stopped during the stabilization series" if completed
                           else "did not start the infusions")
            else:
                visit(ASS, last_inf + 2, ass_j(), last_inf, 99, tries=2)
                while True:
                    x = r()
                    if mcount >= 3 and x < P_TO_INTEGRATION:
                        if change(last_k + randint(3, 15), INTEG,
                                  "regular sessions stopped by decision"):
                            break
                    elif x > 1.0 - P_DISCHARGE_MAINT:
                        if change(last_k + randint(5, 30), DISCH, "discharged by decision"):
                            break
                    elif x > 1.0 - P_DISCHARGE_MAINT - P_LAPSE:
                        if r() < 0.5:
                            change(last_k + randint(45, 90), DISCH, "lost to follow-up")
                        break  # lapsed: no more bookings (overdue)
                    months = 1 if mcount < early_monthly else M
                    want = last_inf + int(months * month) + randint(-3, 3)
                    res = visit(INF, want, s_pref, last_inf, randint(3, 20), defer=True)
                    if res is None:
                        break
                    k, status = res
                    if status is COMPLETED:
                        last_inf = k
                        mcount += 1
                        if r() < P_ASSESS_AFTER_BOOSTER:
                            visit(ASS, k + randint(1, 3), ass_j(), k, 99, defer=True, tries=1)
                    else:
                        break
                if phase == INTEG:
                    want = since_k + randint(5, 15)
                    while True:
                        res = visit(ASS, want, ass_j(), last_k, randint(3, 15), defer=True)
                        if res is None:
                            break
                        k, status = res
                        if status is COMPLETED:
                            if r() < P_DISCHARGE_INTEG and change(
                                    k + randint(10, 30), DISCH, "integration support completed"):
                                break
                        elif status not in FAILED:
                            break
                        want = k + randint(30, 60)

        interval = 1 if mcount < early_monthly else M
        if phase in (INTAKE, STAB):
            interval = 1 if r() < 0.8 else M
        patient_rows.append((
            pid, f"C-{pid:06d}", first, last, key, text(dob), phone, email, phase,
            DT[since_k], N, interval, DT[reg], "", reg_t, changes[-1][1],
            len(changes)))
        change_rows.extend(changes)
    yield patient_rows, change_rows, appointments
