"""Results that thread workers post back to the UI thread."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from textual.message import Message

from frontdesk.domain.clinic import ClinicSettings
from frontdesk.services.calendar import AgendaLine
from frontdesk.services.patients import Filter, PatientDetail, PatientRow


@dataclass
class ClinicLoaded(Message):
    settings: ClinicSettings


@dataclass
class CountsLoaded(Message):
    as_of: dt.date
    counts: dict[Filter, int]


@dataclass
class ListLoaded(Message):
    """A new list: its size and the page around where the cursor goes."""
    generation: int
    size: int
    start: int
    rows: list[PatientRow]
    cursor: int


@dataclass
class PageLoaded(Message):
    generation: int  # the list widget's generation the page was asked for
    start: int
    rows: list[PatientRow]


@dataclass
class MonthLoaded(Message):
    first: dt.date
    counts: dict[dt.date, int]


@dataclass
class AgendaLoaded(Message):
    day: dt.date
    lines: list[AgendaLine]


@dataclass
class DetailLoaded(Message):
    patient_id: int
    detail: PatientDetail
