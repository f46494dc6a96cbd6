"""Results that thread workers post back to the UI thread."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from textual.message import Message

from frontdesk.domain.clinic import ClinicSettings
from frontdesk.services.calendar import AgendaLine
from frontdesk.domain.model import Phase
from frontdesk.services.flow import BoardLine, BoardSummary, StatusChange, TodayForPatient
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
    in_place: bool = False  # a refresh: the cursor stays where it is when the rows arrive


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


@dataclass
class DataChanged(Message, bubble=False):
    """Something was written to the database (by another desk, or by this one). The app
    hands it to every screen; it must not bubble back up to the app."""


@dataclass
class BoardLoaded(Message):
    """The day's board: every appointment's id in order, and a page of lines."""
    generation: int
    day: dt.date
    ids: list[int]
    start: int
    lines: list[BoardLine]
    cursor: int
    in_place: bool = False  # a reload of the same day: the cursor stays on its appointment


@dataclass
class BoardPageLoaded(Message):
    generation: int
    start: int
    lines: list[BoardLine]


@dataclass
class SummaryLoaded(Message):
    summary: BoardSummary


@dataclass
class StatusChanged(Message):
    """A change this desk made (the board keeps it for undo)."""
    change: StatusChange
    name: str
    undone: bool = False


@dataclass
class TodayLoaded(Message):
    """The highlighted patient's day, for checking them in."""
    today: TodayForPatient
    phase: Phase
