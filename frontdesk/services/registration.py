"""Registering a new caller, after showing the patients they may already be."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from peewee import SQL, IntegrityError

from frontdesk import clock
from frontdesk.db import models as m
from frontdesk.db.connection import read_snapshot, write_transaction
from frontdesk.db.search_index import CHART_VALUE
from frontdesk.domain.errors import Conflict
from frontdesk.domain.lists import display_name
from frontdesk.domain.model import (MAINTENANCE_INTERVAL_DEFAULT, STABILIZATION_TARGET_DEFAULT,
                                    Phase)
from frontdesk.domain.registration import (NewPatient, check_new_patient, is_likely_duplicate,
                                           next_chart_number)
from frontdesk.domain.search import chart_value
from frontdesk.domain.validation import format_phone, name_key
from frontdesk.services import audit
from frontdesk.services.clinic import clinic_settings

P = m.Patient
_CHART = re.compile(r"C-([0-9]+)")


def parse_new_patient(fields: dict[str, str]) -> NewPatient:
    """The registration form checked field by field (RegistrationInvalid names each bad
    one), with the clinic's phone region and today's date."""
    return check_new_patient(fields, clinic_settings().phone_region, clock.today())


@dataclass(frozen=True)
class PossibleDuplicate:
    id: int
    chart: str
    name: str
    date_of_birth: dt.date
    phone: str       # formatted
    phase: Phase
    same_phone: bool


def likely_duplicates(new: NewPatient, limit: int = 20) -> list[PossibleDuplicate]:
    """Patients with the same phone, or the same date of birth and a similar name
    (accents, case and apostrophe styles ignored)."""
    region = clinic_settings().phone_region
    with read_snapshot():
        query = (P.select(P.id, P.chart_number, P.first_name, P.last_name, P.date_of_birth,
                          P.phone, P.phase)
                 .where((P.phone == new.phone) | (P.date_of_birth == new.date_of_birth))
                 .order_by(P.search_key, P.id).limit(500).tuples())
        rows = list(query)
    found = []
    for pid, chart, first, last, born, phone, phase in rows:
        if is_likely_duplicate(new, first, last, born, phone):
            found.append(PossibleDuplicate(pid, chart, display_name(last, first), born,
                                           format_phone(phone, region), Phase(phase),
                                           phone == new.phone))
    return found[:limit]


def _next_chart() -> str:
    """After the highest chart number written C-<digits> (read down the chart index: the
    clinic's numbers share one width; the loop below keeps it unique whatever they are)."""
    top = (P.select(P.chart_number).where(P.chart_number >= "C-", P.chart_number < "C.")
           .order_by(P.chart_number.desc()).limit(100))
    numbers = [int(match.group(1)) for (chart,) in top.tuples()
               if (match := _CHART.fullmatch(chart))]
    chart = next_chart_number(max(numbers, default=0))
    while _number_taken(chart):
        chart = next_chart_number(int(chart[2:]))
    return chart


def _number_taken(chart: str) -> bool:
    """Whether a chart has this number in any writing: C-001000 beside an imported C-1000
    would make a search for 1000 find two patients (the chart-number index answers)."""
    return P.select().where(SQL(CHART_VALUE) == chart_value(chart)).exists()


@dataclass(frozen=True)
class Registered:
    """The patient the booker goes on with: just registered, or an existing one chosen
    from the likely duplicates."""
    id: int
    chart: str
    name: str
    phase: Phase = Phase.INTAKE


def register(new: NewPatient, *, staff: str) -> Registered:
    """A new patient in intake from today, with the next chart number."""
    today, now = clock.today(), clock.now()
    for _ in range(3):  # another desk may take the same chart number at the same moment
        try:
            with write_transaction():
                staff_id = audit.staff_id(staff)
                chart = _next_chart()
                row = P.create(
                    chart_number=chart, first_name=new.first_name, last_name=new.last_name,
                    search_key=name_key(new.first_name, new.last_name),
                    date_of_birth=new.date_of_birth, phone=new.phone, email=new.email,
                    phase=Phase.INTAKE.value, phase_since=today,
                    stabilization_target=STABILIZATION_TARGET_DEFAULT,
                    maintenance_interval_months=MAINTENANCE_INTERVAL_DEFAULT,
                    registered_on=today, created_at=now, updated_at=now)
                m.PhaseChange.create(patient=row.id, at=now, staff=staff_id, from_phase=None,
                                     to_phase=Phase.INTAKE.value, reason="registered")
                audit.record(staff_id, "register", "patient", row.id)
                return Registered(row.id, chart, display_name(new.last_name, new.first_name))
        except IntegrityError:
            continue
    raise Conflict("could not give the patient a chart number: try again")
