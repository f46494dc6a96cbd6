"""Results that thread workers post back to the UI thread."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # the types only: the booking, census and flow services load with their
    # screens, not before the desk's first paint
    from frontdesk.domain.clinic import ClinicSettings
    from frontdesk.domain.model import Phase
    from frontdesk.domain.registration import NewPatient
    from frontdesk.domain.slots import Slot
    from frontdesk.services.booking import BookingContext, Rescheduled, SeriesPlan
    from frontdesk.services.calendar import AgendaLine
    from frontdesk.services.census import Census, Figures
    from frontdesk.services.flow import BoardLine, BoardSummary, StatusChange, TodayForPatient
    from frontdesk.services.patients import Filter, PatientDetail, PatientRow
    from frontdesk.services.recall import RecallCallLine
    from frontdesk.services.registration import PossibleDuplicate


class _Superseded:
    """A result that a newer one of the same kind (and key) waiting behind it makes moot:
    `can_replace` (Textual then handles only the newer one)."""

    _key_fields: tuple[str, ...] = ()

    def can_replace(self, message: Message) -> bool:
        return type(message) is type(self) and all(
            getattr(message, name) == getattr(self, name) for name in self._key_fields) and (
            getattr(message, "generation", 0) >= getattr(self, "generation", 0))


@dataclass
class ClinicLoaded(_Superseded, Message):
    settings: ClinicSettings


@dataclass
class CountsLoaded(_Superseded, Message):
    _key_fields = ('as_of',)
    as_of: dt.date
    counts: dict[Filter, int]


@dataclass
class ListLoaded(_Superseded, Message):
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
class MonthLoaded(_Superseded, Message):
    _key_fields = ('first',)
    first: dt.date
    counts: dict[dt.date, int]


@dataclass
class AgendaLoaded(_Superseded, Message):
    _key_fields = ('day',)
    day: dt.date
    lines: list[AgendaLine]


@dataclass
class DetailLoaded(_Superseded, Message):
    _key_fields = ('patient_id',)
    patient_id: int
    detail: PatientDetail


@dataclass
class DataChanged(Message, bubble=False):
    """Something was written to the database (by another desk, or by this one). Posted to
    the app by a screen that wrote, the app's change watcher looks at once; `seen` (the
    watcher saw the write), the app hands it to every screen. It must not bubble back up."""
    seen: bool = False

    def can_replace(self, message: Message) -> bool:
        # (Textual drops this message for `message`, the next one waiting, when True.) Two
        # reloads waiting collapse into one; a write the watcher saw is never dropped for a
        # mere request to look (the look would find nothing new)
        return isinstance(message, DataChanged) and (message.seen or not self.seen)


@dataclass
class BoardLoaded(_Superseded, Message):
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
class SummaryLoaded(_Superseded, Message):
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


# --- registering a caller and recall calls (screens/register.py, screens/recall_call.py) ---

@dataclass
class RegistrationChecked(Message):
    """The registration form as checked: each bad field's message, or (all good) the new
    patient and the patients they may already be. Nothing saved yet."""
    fields: dict[str, str]
    problems: dict[str, str]
    new: NewPatient | None = None
    duplicates: list[PossibleDuplicate] = field(default_factory=list)


@dataclass
class CallsLoaded(_Superseded, Message):
    _key_fields = ('patient_id',)
    """A patient's latest recall calls, newest first."""
    patient_id: int
    calls: list[RecallCallLine]


# --- booking on the phone (tui/screens/booking.py, series.py) ---------------------------------

@dataclass
class BookingLoaded(_Superseded, Message):
    """The patient on the phone: who they are and what they have booked ahead."""
    context: BookingContext
    settings: ClinicSettings


@dataclass
class SlotsLoaded(_Superseded, Message):
    """Free starts to offer: the earliest first, then alternatives on other times and days."""
    generation: int
    after: dt.datetime
    slots: list[Slot]


@dataclass
class BookingDone(Message):
    """A booking or a move made from the booking screen."""
    lines: list[BoardLine]             # what is booked now
    moved: Rescheduled | None = None   # a move: the old appointment, cancelled
    call_logged: bool = False          # a recall call logged as "booked" with it
    call_problem: str = ""             # why the call could not be logged (the booking stands)


@dataclass
class SeriesPlanned(_Superseded, Message):
    """A series previewed: every date with its time and chair, nothing booked yet."""
    generation: int
    plan: SeriesPlan


# --- the manager's census (tui/screens/census.py) --------------------------------------------

@dataclass
class CensusLoaded(_Superseded, Message):
    """One day's census, as `frontdesk census` counts it."""
    generation: int  # the screen's data generation when asked (DataChanged bumps it)
    day: dt.date
    census: Census


@dataclass
class CensusRangeLoaded(Message):
    """Day figures over a range: `kind` is "week" (Monday..Sunday of the week starting
    `key`), "days" (the 30 days ending on `key`) or "weeks" (12 weeks, the last holding
    `key`, whose Monday it is)."""
    generation: int
    kind: str
    key: dt.date
    figures: list[Figures]
