"""Registering a new caller in under a minute: five fields, each checked where it is typed,
and the patients the caller may already be, shown before anything is saved.

ctrl+s (or enter on the last field) checks. A bad field's message shows under it, the
cursor goes to the first bad one and everything typed stays. When the caller looks like
someone already registered (the same phone; the same date of birth and a similar name),
those patients are listed: enter or their number opens one instead, ctrl+s again saves
the caller as a new patient anyway. Dismisses with a `services.registration.Registered`
(the new patient or the existing one chosen), or None.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker

from frontdesk import clock
from frontdesk.domain.errors import ValidationError
from frontdesk.domain.registration import (FIELDS, NewPatient, RegistrationInvalid,
                                           parse_date_of_birth)
from frontdesk.domain.validation import format_phone, parse_email, parse_name, parse_phone
from frontdesk.services.clinic import clinic_settings
from frontdesk.services.registration import (PossibleDuplicate, Registered,
                                             likely_duplicates, parse_new_patient, register)
from frontdesk.tui import format as fmt
from frontdesk.tui.messages import ClinicLoaded, RegistrationChecked
from frontdesk.tui.screens.base import SavingDialog
from frontdesk.tui.widgets.bounded_input import BoundedInput
from frontdesk.tui.widgets.footer import Footer

LABELS = {"first_name": "First name", "last_name": "Last name",
          "date_of_birth": "Date of birth", "phone": "Phone", "email": "Email"}
PLACEHOLDERS = {"first_name": "as written: José, X, Mary-Kate",
                "last_name": "as written: Núñez, O’Brien, Smith-Jones",
                "date_of_birth": "1984-03-07, 3/7/84, March 7 1984",
                "phone": "(650) 253-0000, 650-253-0000, +44 20 7946 0958",
                "email": "optional"}
NAME_WIDTH = 22
#: What a field takes: more than any good value (a name holds 100, an e-mail 254), so a
#: value a little too long is taken and its check says why; a paste past this is refused
#: out loud (widgets.bounded_input), never dropped without a word.
FIELD_MAX = 300
MAX_NUMBERED = 9  # duplicates 1-9 open with their number key


def _input_id(name: str) -> str:
    return f"reg-{name}"


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def duplicate_prompt(number: int, dup: PossibleDuplicate) -> Text:
    """'1  C-1001    Núñez, José            1984-03-07  (650) 253-0000  STAB'."""
    name = dup.name if len(dup.name) <= NAME_WIDTH else dup.name[:NAME_WIDTH - 1] + "…"
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{number if number <= MAX_NUMBERED else ' '} ", style="bold")
    text.append(f" {dup.chart:<9} {name:<{NAME_WIDTH}} {dup.date_of_birth.isoformat()}"
                f"  {dup.phone:<15} {fmt.PHASE_SHORT[dup.phase]}")
    return text


class DuplicateList(OptionList):
    """The likely duplicates: enter or a patient's number opens that patient."""

    HELP_NAME = "Likely duplicates"
    BINDINGS = [Binding(str(n), f"pick({n})", "Open the patient with that number",
                        show=False, id=f"register.pick_{n}")
                for n in range(1, MAX_NUMBERED + 1)]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, compact=True)
        self.patients: list[PossibleDuplicate] = []

    def show(self, patients: list[PossibleDuplicate]) -> None:
        """Same phone first, then same date of birth, each under its heading."""
        self.patients = patients
        self.clear_options()
        number = 0
        for same_phone, heading in ((True, "Same phone"),
                                    (False, "Same date of birth, similar name")):
            group = [(i, p) for i, p in enumerate(patients) if p.same_phone == same_phone]
            if not group:
                continue
            self.add_option(Option(Text(heading, style="bold underline"), disabled=True))
            for index, patient in group:
                number += 1
                self.add_option(Option(duplicate_prompt(number, patient), id=str(index)))
        self.action_first()

    def numbered(self) -> list[PossibleDuplicate]:
        """In the order shown (the number keys' order)."""
        return [self.patients[int(option.id)] for option in self.options
                if option.id is not None]

    def action_pick(self, number: int) -> None:
        shown = [option for option in self.options if option.id is not None]
        if number <= len(shown):
            self.highlighted = self.get_option_index(shown[number - 1].id)
            self.action_select()


class RegisterScreen(SavingDialog):
    HELP_TITLE = "New patient"
    BINDINGS = [
        Binding("ctrl+s", "save", "Check and save", id="register.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="register.cancel"),
        Binding("f1", "help", "Help", id="register.help"),
    ]

    def __init__(self, prefill: dict[str, str] | None = None) -> None:
        super().__init__()
        self.prefill = {name: prefill.get(name, "") for name in FIELDS} if prefill else \
            dict.fromkeys(FIELDS, "")
        self.phone_region: str | None = None  # the clinic's phone region, once loaded
        self.problems: dict[str, str] = {}
        #: the fields and the patient last checked while their likely duplicates show
        self._checked: tuple[dict[str, str], NewPatient] | None = None
        self._busy: Worker | None = None  # the check or save under way: ctrl+s waits
        self._warned = False  # esc with typed text: warned once

    # --- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="register-box", classes="dialog"):
            yield Label("New patient: the caller as they spell it", classes="dialog-title")
            for name in FIELDS:
                with Horizontal(classes="register-row"):
                    yield Label(LABELS[name], classes="register-label")
                    yield BoundedInput(self.prefill[name], placeholder=PLACEHOLDERS[name],
                                       id=_input_id(name), compact=True,
                                       select_on_focus=False, max_length=FIELD_MAX,
                                       classes="register-field")
                yield Static("", id=f"{_input_id(name)}-note", classes="register-note",
                             markup=False)
            with Vertical(id="register-duplicates"):
                yield Label("", id="duplicates-title", markup=False)
                yield DuplicateList(id="duplicates")
                yield Label("enter or 1-9: open that patient instead · "
                            "ctrl+s: register anyway", classes="dialog-hint",
                            id="duplicates-hint")
            yield Static("", classes="dialog-problem", markup=False)
            yield Label("ctrl+s or enter on Email: check and save · tab: next field · "
                        "esc: cancel", classes="dialog-hint", id="register-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#register-duplicates").display = False
        for name in FIELDS:
            self._note(name, "")
        first_empty = next((name for name in FIELDS if not self.prefill[name]), FIELDS[0])
        self._field(first_empty).focus()
        self.load_region()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # the focused field's label stands out (a class: Textual does not restyle the
        # labels on :focus-within when the focus leaves)
        for row in self.query(".register-row"):
            row.set_class(event.widget.parent is row, "-current")

    # --- what is typed -----------------------------------------------------------------------

    def _field(self, name: str) -> Input:
        return self.query_one(f"#{_input_id(name)}", Input)

    def fields(self) -> dict[str, str]:
        return {name: self._field(name).value for name in FIELDS}

    def _note(self, name: str, text: str, *, error: bool = False) -> None:
        """The line under a field: its problem, or how it was read."""
        note = self.query_one(f"#{_input_id(name)}-note", Static)
        note.update(text)
        note.display = bool(text)
        note.set_class(error, "-error")
        self._field(name).set_class(error, "-bad")

    def _reading(self, name: str, text: str) -> tuple[str | None, str | None]:
        """(how the field reads, its problem) checked alone, without the database; an
        empty field is neither (it is checked on save)."""
        if not text.strip():
            return None, None
        today = clock.today()
        try:
            if name in ("first_name", "last_name"):
                parse_name(text, LABELS[name].lower())
                return None, None
            if name == "email":
                parse_email(text)
                return None, None
            if self.phone_region is None:
                return None, None
            if name == "date_of_birth":
                born = parse_date_of_birth(text, self.phone_region, today)
                return f"{born:%A %d %B %Y} · age {_age(born, today)}", None
            if name == "phone":
                return format_phone(parse_phone(text, self.phone_region), self.phone_region), None
        except ValidationError as problem:
            return None, _first_upper(str(problem))
        return None, None

    def _show_reading(self, name: str) -> None:
        field = self._field(name)
        reading, problem = self._reading(name, field.value)
        if problem:
            self.problems[name] = problem
            self._note(name, problem, error=True)
            return
        self.problems.pop(name, None)
        if name == "phone" and reading:  # shown the way the desk writes phones
            with field.prevent(Input.Changed):
                field.value = reading
            field.cursor_position = len(reading)
            reading = None
        self._note(name, f"= {reading}" if reading else "")

    @on(Input.Blurred, ".register-field")
    def _left_field(self, event: Input.Blurred) -> None:
        if not self.is_attached or self.app.screen is not self:
            return  # blurred by the dialog closing
        name = event.input.id.removeprefix("reg-")
        if name not in self.problems:  # (a problem still shown is about the text as it is)
            self._show_reading(name)

    @on(Input.Changed, ".register-field")
    def _typed(self, event: Input.Changed) -> None:
        name = event.input.id.removeprefix("reg-")
        if name in self.problems:  # the message goes while the field is being put right
            del self.problems[name]
            self._note(name, "")
        if self._checked is not None and self.fields() != self._checked[0]:
            self.query_one("#duplicates-title", Label).update(
                "The form changed: ctrl+s checks it again")

    @on(Input.Submitted, ".register-field")
    def _enter(self, event: Input.Submitted) -> None:
        if event.input.id == _input_id(FIELDS[-1]):
            self.action_save()
        else:
            self.focus_next(Input)

    def on_clinic_loaded(self, message: ClinicLoaded) -> None:
        self.phone_region = message.settings.phone_region
        for name in ("date_of_birth", "phone"):
            if self._field(name).value.strip() and not self._field(name).has_focus:
                self._show_reading(name)

    @work(thread=True, exclusive=True, group="region", exit_on_error=False)
    def load_region(self) -> None:
        self.post_message(ClinicLoaded(clinic_settings()))

    # --- checking and saving -----------------------------------------------------------------

    def action_save(self) -> None:
        if self._busy is not None:
            return
        fields = self.fields()
        self.show_problem("")
        confirmed = (self._checked[1] if self._checked is not None
                     and self._checked[0] == fields else None)
        self._busy = self.check_and_save(fields, confirmed, self.staff)

    @work(thread=True, exclusive=True, group="register", exit_on_error=False)
    def check_and_save(self, fields: dict[str, str], confirmed: NewPatient | None,
                       staff: str) -> None:
        """Checked, then the likely duplicates; saved when there are none, or when the
        booker saw them and asked to save anyway (`confirmed`)."""
        if confirmed is None:
            try:
                new = parse_new_patient(fields)
            except RegistrationInvalid as bad:
                self.post_message(RegistrationChecked(fields, bad.problems))
                return
            duplicates = likely_duplicates(new)
            if duplicates:
                self.post_message(RegistrationChecked(fields, {}, new, duplicates))
                return
            confirmed = new
        self.post_message(self.Saved(register(confirmed, staff=staff)))

    def on_registration_checked(self, message: RegistrationChecked) -> None:
        self._busy = None  # (posting this was the worker's last act)
        box = self.query_one("#register-duplicates")
        self.problems = {}
        for name in FIELDS:
            if name in message.problems:
                self.problems[name] = _first_upper(message.problems[name])
                self._note(name, self.problems[name], error=True)
            else:
                self._show_reading(name)
        hint = self.query_one("#register-hint")
        if message.problems:
            self._checked = None
            box.display, hint.display = False, True
            first_bad = next(name for name in FIELDS if name in message.problems)
            self._field(first_bad).focus()
            self.show_problem(f"{len(message.problems)} field"
                              f"{'s' if len(message.problems) > 1 else ''} to put right")
            return
        self._checked = (self.fields(), message.new)  # the phone as now shown, formatted
        count = len(message.duplicates)
        self.query_one("#duplicates-title", Label).update(
            f"Already registered? {count} likely duplicate{'s' if count > 1 else ''}:")
        duplicates = self.query_one("#duplicates", DuplicateList)
        duplicates.show(message.duplicates)
        box.display, hint.display = True, False
        duplicates.focus()

    @on(OptionList.OptionSelected, "#duplicates")
    def _existing_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is None:
            return
        patient = self.query_one("#duplicates", DuplicateList).patients[int(event.option.id)]
        self.dismiss(Registered(patient.id, patient.chart, patient.name, patient.phase))

    @on(SavingDialog.Saved)
    def _registered(self, message: SavingDialog.Saved) -> None:
        patient: Registered = message.result
        self.notify(f"{patient.name} registered as {patient.chart}", title="New patient")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # (base.py's dispatcher runs after this, for the failures)
        if event.worker is self._busy and event.worker.is_finished:
            self._busy = None

    def on_bounded_input_too_long(self, message: BoundedInput.TooLong) -> None:
        """Under the field, where the booker looks (not a passing notification)."""
        message.prevent_default()
        name = message.input.id.removeprefix("reg-")
        self._note(name, message.words, error=True)

    def action_cancel(self) -> None:
        typed = {name: value.strip() for name, value in self.fields().items()}
        given = {name: value.strip() for name, value in self.prefill.items()}
        if typed != given and not self._warned:
            self._warned = True
            self.notify("The caller's details are not saved: ctrl+s saves, esc again "
                        "discards them", severity="warning")
            return
        self.dismiss(None)
