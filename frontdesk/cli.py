"""The front door: `frontdesk` opens the desk; subcommands serve scripts (INTERFACES.md).

A subcommand never imports Textual. Exit status: 0 success, 2 bad input or usage (one line
per problem on stderr), 1 anything else (one line with the log file's path).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import json
import logging
import os
import re
import sys
from pathlib import Path
from typing import Callable, Sequence

from frontdesk import __version__, clock, config
from frontdesk.domain.errors import DomainError, ValidationError
from frontdesk.domain.model import DURATION_RANGE, Kind, Status
from frontdesk.domain.validation import parse_iso_date, parse_kind, parse_start

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2 (argparse prints a usage block)
        raise UsageError(f"{message} (see {self.prog} --help)")


def _date_arg(text: str) -> dt.date:
    try:
        return parse_iso_date(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _appointment_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"an appointment id is a whole number, not {text!r}") from None
    if not 0 < value < 2**63:  # beyond the database's integers: no such appointment either
        raise argparse.ArgumentTypeError(f"there is no appointment {text}")
    return value


def _start_arg(text: str) -> dt.datetime:
    try:
        return parse_start(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _kind_arg(text: str) -> Kind:
    try:
        return parse_kind(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _whole_number(text: str, allowed: range, what: str, minutes: bool = False) -> int:
    value = text.strip()
    if not re.fullmatch(r"[+-]?[0-9]+", value):
        unit = " of minutes" if minutes else ""
        raise argparse.ArgumentTypeError(f"{what} {text!r} is not a whole number{unit}")
    number = int(value)
    if number not in allowed:
        unit = " minutes" if minutes else ""
        raise argparse.ArgumentTypeError(
            f"{what} {number} is outside {allowed.start}-{allowed.stop - 1}{unit}")
    return number


def _duration_arg(text: str) -> int:
    return _whole_number(text, DURATION_RANGE, "duration", minutes=True)


SLOTS_COUNT = range(1, 101)


def _count_arg(text: str) -> int:
    return _whole_number(text, SLOTS_COUNT, "count")


def _common(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--db", metavar="TARGET", default=default,
                        help=f"SQLite file or URL (sqlite:///…, postgresql://…); "
                             f"default ${config.DB_ENV} or {config.default_db_path()}")
    parser.add_argument("--today", metavar="YYYY-MM-DD", type=_date_arg, default=default,
                        help="act as if today were this date")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="frontdesk", description="Front desk of a ketamine-infusion clinic.")
    _common(parser, suppress=False)
    parser.add_argument("--demo", action="store_true",
                        help="open the desk on a fresh demo clinic")
    parser.add_argument("--version", action="version", version=f"frontdesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    imp = sub.add_parser("import", help="import patients and appointments from CSV")
    _common(imp, suppress=True)
    imp.add_argument("--patients", metavar="patients.csv")  # str: problems name it as given
    imp.add_argument("--appointments", metavar="appointments.csv")
    imp.add_argument("--staff", default="cli", help="who is importing (audit trail)")

    fmt = ("table", "json", "csv")
    lists = sub.add_parser("lists", help="the three recall lists as of a date")
    _common(lists, suppress=True)
    lists.add_argument("--on", type=_date_arg, metavar="YYYY-MM-DD", help="default today")
    lists.add_argument("--format", choices=fmt, default="table")
    lists.add_argument("--out", type=Path, metavar="DIR", help="folder for --format csv")

    census = sub.add_parser("census", help="the daily census, of one day or of each day of a "
                                           "range")
    _common(census, suppress=True)
    census.add_argument("--on", type=_date_arg, metavar="YYYY-MM-DD",
                        help="one day (default today)")
    census.add_argument("--from", dest="first", type=_date_arg, metavar="YYYY-MM-DD",
                        help="a range, one census per day: its first day (default 29 days "
                             "before --to)")
    census.add_argument("--to", dest="last", type=_date_arg, metavar="YYYY-MM-DD",
                        help="the range's last day, included (default today)")
    census.add_argument("--format", choices=fmt, default="table")
    census.add_argument("--chairs", action="store_true",
                        help="add each chair's use (JSON: chair_utilization_by_chair; CSV: a "
                             "chair_<name> column per chair)")

    appts = sub.add_parser("appointments", help="a day's appointments, cancelled ones included")
    _common(appts, suppress=True)
    appts.add_argument("--on", type=_date_arg, metavar="YYYY-MM-DD", help="default today")
    appts.add_argument("--format", choices=("table", "json"), default="table")

    sheet = sub.add_parser("daysheet", help="a day's agenda by chair, to print and pin up")
    _common(sheet, suppress=True)
    sheet.add_argument("--on", type=_date_arg, metavar="YYYY-MM-DD", help="default today")
    sheet.add_argument("--format", choices=("text", "html"), default="text")
    sheet.add_argument("--out", type=Path, metavar="FILE",
                       help="write it to this file (UTF-8) instead of printing it")

    ics = sub.add_parser("export-ics", help="an iCalendar file of a day's or a patient's "
                                            "appointments")
    _common(ics, suppress=True)
    which = ics.add_mutually_exclusive_group(required=True)
    which.add_argument("--on", type=_date_arg, metavar="YYYY-MM-DD",
                       help="the day's appointments, for the staff")
    which.add_argument("--patient", metavar="CHART",
                       help="the chart number: this patient's appointments, to give them")
    ics.add_argument("--from", dest="since", type=_date_arg, metavar="YYYY-MM-DD",
                     help="with --patient: appointments from this day on (default today)")
    ics.add_argument("--out", type=Path, metavar="FILE", help="write it to this file")

    book = sub.add_parser("book", help="book one appointment")
    _common(book, suppress=True)
    book.add_argument("--patient", required=True, metavar="ID", help="the chart number")
    book.add_argument("--kind", required=True, type=_kind_arg, metavar="KIND",
                      help=", ".join(Kind))
    book.add_argument("--start", required=True, type=_start_arg, metavar="YYYY-MM-DDTHH:MM",
                      help="clinic local time")
    book.add_argument("--duration", type=_duration_arg, metavar="MIN",
                      help="minutes, 5-480; default the kind's length")
    book.add_argument("--chair", default="auto", metavar="NAME|auto",
                      help="infusions: a chair's name, or auto (the first free one, default)")
    book.add_argument("--staff", default="cli", metavar="USERNAME",
                      help="who is booking (audit trail)")

    slots = sub.add_parser("slots", help="the next free starts for a kind of appointment")
    _common(slots, suppress=True)
    slots.add_argument("--kind", required=True, type=_kind_arg, metavar="KIND",
                       help=", ".join(Kind))
    slots.add_argument("--from", dest="after", type=_start_arg, metavar="YYYY-MM-DDTHH:MM",
                       help="default now")
    slots.add_argument("--count", type=_count_arg, default=5, metavar="N",
                       help="how many, 1-100 (default 5)")
    slots.add_argument("--patient", metavar="ID",
                       help="the chart number: skip times the patient is already booked")
    slots.add_argument("--duration", type=_duration_arg, metavar="MIN",
                       help="minutes, 5-480; default the kind's length")
    slots.add_argument("--format", choices=("table", "json"), default="table")

    status = sub.add_parser("set-status", help="move an appointment along the status flow")
    _common(status, suppress=True)
    status.add_argument("appointment_id", type=_appointment_id, metavar="APPOINTMENT_ID")
    status.add_argument("status", metavar="STATUS", help=", ".join(Status))
    status.add_argument("--reason", default="", metavar="TEXT", help="why (kept with the change)")
    status.add_argument("--force", action="store_true",
                        help="confirm a change that needs it (a no-show before the start "
                             "time, any change to a past day's appointment); recorded")
    status.add_argument("--staff", default="cli", metavar="USERNAME",
                        help="who is making the change (audit trail)")
    return parser


# --- output -----------------------------------------------------------------------------------

def _table(headers: Sequence[str], rows: Sequence[Sequence]) -> str:
    cells = [[("" if c is None else str(c)) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    line = lambda values: "  ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in cells])


def _show_date(value) -> str:
    return value.isoformat() if value else "-"


def _print_lists_table(desk) -> None:
    from frontdesk.domain.model import Phase
    from frontdesk.domain.phases import badge
    print(f"Lists as of {desk.as_of.isoformat()}\n")
    print(f"Mid-stabilization ({len(desk.mid_stabilization)})")
    print(_table(["Patient", "Chart", "Badge", "Last infusion", "Next infusion", "Stalled"],
                 [(e.name, e.patient_id,
                   badge(Phase.STABILIZATION, completed=e.infusions_completed, target=e.target),
                   _show_date(e.last_infusion), _show_date(e.next_infusion),
                   "STALLED" if e.stalled else "") for e in desk.mid_stabilization]))
    print(f"\nDue for maintenance ({len(desk.due_for_maintenance)})")
    print(_table(["Due on", "Patient", "Chart", "Last infusion", "Badge"],
                 [(_show_date(e.due_on), e.name, e.patient_id, _show_date(e.last_infusion),
                   badge(Phase.MAINTENANCE, due=True, overdue=e.overdue))
                  for e in desk.due_for_maintenance]))
    print(f"\nNot seen in over a month ({len(desk.not_seen_over_a_month)})")
    print(_table(["Last seen", "Patient", "Chart", "Phase", "Next booked"],
                 [(e.last_seen.isoformat() if e.last_seen else "never", e.name, e.patient_id,
                   badge(e.phase), _show_date(e.next_booked))
                  for e in desk.not_seen_over_a_month]))


def _write_csv(path: Path, rows: list[dict], columns: Sequence[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if v is None else v) for k, v in row.items()})


# --- commands ---------------------------------------------------------------------------------

def _open(args, target: str | None = None, demo: bool = False):
    """Open the database, then create the settings file from it or push its edited [clinic]
    table into it (services.settings). Returns the settings this run goes by."""
    from frontdesk.services.clinic import open_clinic
    from frontdesk.services.settings import sync_settings_file
    open_clinic(target or config.choose_db_target(args.db))
    return sync_settings_file(demo=demo)


def cmd_import(args) -> int:
    if args.patients is None and args.appointments is None:
        raise UsageError("import needs --patients FILE and/or --appointments FILE")
    _open(args)
    from frontdesk.services.importer import ImportRejected, import_csv
    try:
        summary = import_csv(args.patients, args.appointments, staff=args.staff)
    except ImportRejected as rejected:
        for problem in rejected.problems:  # only FILE:LINE: reason lines, as scripts expect
            print(problem, file=sys.stderr)
        return EXIT_USAGE
    new = summary.chairs_created
    more = f" and {len(new) - 5} more" if len(new) > 5 else ""
    created = f"; new chairs: {', '.join(new[:5])}{more}" if new else ""
    print(f"imported {summary.patients} patients and {summary.appointments} appointments "
          f"in {summary.seconds:.1f} s{created}")
    return EXIT_OK


def cmd_lists(args) -> int:
    from frontdesk.services import reports
    from frontdesk.services.lists import desk_lists
    if args.format == "csv" and args.out is None:
        raise UsageError("--format csv writes one file per list: give --out DIR")
    _open(args)
    desk = desk_lists(args.on or clock.today())
    if args.format == "json":
        print(json.dumps(reports.lists_dict(desk), ensure_ascii=False))
    elif args.format == "csv":
        data = reports.lists_dict(desk)
        try:
            args.out.mkdir(parents=True, exist_ok=True)
            for name in reports.LIST_NAMES:
                _write_csv(args.out / f"{name}.csv", data[name], reports.list_columns(name))
        except OSError as exc:
            raise UsageError(f"cannot write the lists to {args.out}: "
                             f"{exc.strerror or exc}") from None
        print(f"wrote {', '.join(f'{n}.csv' for n in reports.LIST_NAMES)} to {args.out}")
    else:
        _print_lists_table(desk)
    return EXIT_OK


def _census_range(args) -> tuple[dt.date, dt.date] | None:
    """The days --from/--to ask for (None: one day, --on). Checked before the database opens."""
    from frontdesk.services.census import MAX_RANGE_DAYS
    if args.first is None and args.last is None:
        return None
    if args.on is not None:
        raise UsageError("--on asks for one day and --from/--to for a range: give one or the "
                         "other")
    last = args.last or clock.today()
    first = args.first or last - dt.timedelta(days=29)
    if last < first:
        if args.last is None:
            raise UsageError(f"--from {first.isoformat()} is after today "
                             f"({last.isoformat()}): give --to as well")
        raise UsageError(f"--to {last.isoformat()} is before --from {first.isoformat()}")
    days = (last - first).days + 1
    if days > MAX_RANGE_DAYS:
        raise UsageError(f"{first.isoformat()} to {last.isoformat()} is {days} days; a census "
                         f"range is at most {MAX_RANGE_DAYS} days")
    return first, last


def _percent(value: float) -> str:
    return f"{value:.1%}"


def _chairs_table(uses) -> str:
    """Per-chair use: (chair, booked minutes, open minutes, active) rows."""
    from frontdesk.services.census import utilization
    return _table(["Chair", "Use", "Booked min", "Open min"],
                  [(name + ("" if active else " (retired)"),
                    _percent(utilization(booked, open_)), booked, open_)
                   for name, booked, open_, active in uses])


def cmd_census(args) -> int:
    from frontdesk.services import reports
    from frontdesk.services.census import census
    span = _census_range(args)
    _open(args)
    if span is not None:
        return _census_over(args, *span)
    result = census(args.on or clock.today())
    if args.format == "json":
        data = (reports.census_dict_with_chairs(result) if args.chairs
                else reports.census_dict(result))
        print(json.dumps(data, ensure_ascii=False))
    elif args.format == "csv":
        row = (reports.census_row_with_chairs(result, [u.chair for u in result.chairs])
               if args.chairs else reports.census_row(result))
        writer = csv.DictWriter(sys.stdout, fieldnames=list(row), lineterminator="\n")
        writer.writeheader()
        writer.writerow(row)
    else:
        d = reports.census_dict(result)
        appts = d["appointments"]
        print(f"Census for {d['date']}\n")
        print(f"Appointments   {appts['total']}")
        print("  by status    " + "  ".join(f"{k} {n}" for k, n in appts["by_status"].items()))
        print("  by kind      " + "  ".join(f"{k} {n}" for k, n in appts["by_kind"].items()))
        print(f"Patients seen  {d['patients_seen']} (new {d['new_patients']})")
        print(f"No-show rate   {d['no_show_rate']:.1%}")
        print(f"Late cancels   {d['late_cancellations']}")
        print(f"Chair use      {d['chair_utilization']:.1%}")
        print("Active         " + "  ".join(f"{k} {n}" for k, n in d["active_by_phase"].items()))
        print("Lists          " + "  ".join(f"{k} {n}" for k, n in d["lists"].items()))
        if args.chairs:
            print(f"\nChair use by chair on {result.date:%A} {d['date']}")
            print(_chairs_table([(u.chair, u.booked_minutes, u.open_minutes, u.active)
                                 for u in result.chairs]))
    return EXIT_OK


# the range table is printed as each day is counted, so its columns have fixed widths
RANGE_COLUMNS = (("Date", 10), ("Day", 3), ("Appts", 6), ("Seen", 6), ("New", 5),
                 ("No-shows", 8), ("No-show rate", 12), ("Late cancels", 12), ("Chair use", 9))


def _range_line(values: Sequence[str]) -> str:
    cells = [v.ljust(w) if i < 2 else v.rjust(w)
             for i, (v, (_, w)) in enumerate(zip(values, RANGE_COLUMNS))]
    return "  ".join(cells).rstrip()


def _census_over(args, first: dt.date, last: dt.date) -> int:
    """One census per day, each written as soon as it is counted."""
    from frontdesk.services import census, reports
    days = census.census_range(first, last, chairs=args.chairs)  # chairs: when shown
    out = sys.stdout
    if args.format == "json":
        for i, day in enumerate(days):
            data = (reports.census_dict_with_chairs(day) if args.chairs
                    else reports.census_dict(day))
            out.write(("[" if i == 0 else ",\n") + json.dumps(data, ensure_ascii=False))
            out.flush()
        out.write("]\n")
        return EXIT_OK
    chairs = census.chairs_listed(first, last) if args.chairs else []
    if args.format == "csv":
        writer = None
        for day in days:
            row = (reports.census_row_with_chairs(day, chairs) if args.chairs
                   else reports.census_row(day))
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=list(row), lineterminator="\n")
                writer.writeheader()
            writer.writerow(row)
            out.flush()
        return EXIT_OK
    _census_range_table(days, first, last, chairs if args.chairs else None)
    return EXIT_OK


def _census_range_table(days, first: dt.date, last: dt.date, chairs: list[str] | None) -> None:
    from frontdesk.domain.model import SEEN_STATUSES
    from frontdesk.services.census import rate, utilization
    from frontdesk.services.clinic import clinic_settings
    settings = clinic_settings()
    count = (last - first).days + 1
    print(f"Census {first.isoformat()} to {last.isoformat()} ({count} days)\n")
    print(_range_line([name for name, _ in RANGE_COLUMNS]))
    print(_range_line(["-" * w for _, w in RANGE_COLUMNS]))
    totals = dict.fromkeys(("total", "seen", "new", "no_shows", "seen_appts", "late",
                            "chair_minutes", "capacity"), 0)
    per_chair: dict[str, list] = {name: [0, 0, True] for name in chairs or []}
    for c in days:
        seen_appts = sum(c.by_status[s.value] for s in SEEN_STATUSES)
        is_open = settings.is_open_on(c.date)
        use = _percent(c.chair_utilization) if is_open else "closed"
        no_show_rate = _percent(c.no_show_rate) if c.no_shows + seen_appts else "-"
        print(_range_line([c.date.isoformat(), f"{c.date:%a}", str(c.total),
                           str(c.patients_seen), str(c.new_patients), str(c.no_shows),
                           no_show_rate, str(c.late_cancellations), use]))
        sys.stdout.flush()
        for key, value in (("total", c.total), ("seen", c.patients_seen),
                           ("new", c.new_patients), ("no_shows", c.no_shows),
                           ("seen_appts", seen_appts), ("late", c.late_cancellations),
                           ("chair_minutes", c.chair_minutes),
                           ("capacity", c.capacity_minutes)):
            totals[key] += value
        for u in c.chairs:
            kept = per_chair.setdefault(u.chair, [0, 0, u.active])
            kept[0] += u.booked_minutes
            kept[1] += u.open_minutes
            kept[2] = u.active
    print(_range_line(["-" * w for _, w in RANGE_COLUMNS]))
    print(_range_line([f"{count} days", "", str(totals["total"]), str(totals["seen"]),
                       str(totals["new"]), str(totals["no_shows"]),
                       _percent(rate(totals["no_shows"],
                                     totals["no_shows"] + totals["seen_appts"])),
                       str(totals["late"]),
                       _percent(utilization(totals["chair_minutes"], totals["capacity"]))]))
    print("\nSeen over several days counts patient-days (seen on two days counts twice).")
    if chairs is not None:
        print(f"\nChair use by chair, {first.isoformat()} to {last.isoformat()}")
        print(_chairs_table([(name, booked, open_, active)
                             for name, (booked, open_, active) in per_chair.items()]))


def cmd_appointments(args) -> int:
    from frontdesk.services import reports
    from frontdesk.services.calendar import day_agenda
    _open(args)
    day = args.on or clock.today()
    lines = day_agenda(day)
    if args.format == "json":
        print(json.dumps([reports.appointment_dict(line) for line in lines], ensure_ascii=False))
        return EXIT_OK
    if not lines:
        print(f"No appointments on {day:%A} {day.isoformat()}")
        return EXIT_OK
    print(f"Appointments on {day:%A} {day.isoformat()} ({len(lines)})\n")
    print(_table(["ID", "Start", "Min", "Kind", "Chair", "Status", "Chart", "Patient"],
                 [(line.id, f"{line.start:%H:%M}", line.duration_minutes, line.kind.value,
                   line.chair or "-", line.status.value, line.chart, line.name)
                  for line in lines]))
    return EXIT_OK


def _write_file(path: Path, data: bytes) -> None:
    """An export written to FILE (replacing it), never over the open database."""
    from frontdesk.services.reports import database_files
    try:
        target = path.resolve()
        if any(target == f.resolve() for f in database_files()):
            raise UsageError(f"{path} is the database itself: choose another file for --out")
        path.write_bytes(data)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def cmd_daysheet(args) -> int:
    from frontdesk.services import daysheet
    _open(args)
    sheet = daysheet.day_sheet(args.on or clock.today())
    text = (daysheet.render_html(sheet) if args.format == "html"
            else daysheet.render_text(sheet))
    if args.out is None:
        sys.stdout.write(text)
        return EXIT_OK
    _write_file(args.out, text.encode("utf-8"))
    what = "HTML day sheet" if args.format == "html" else "day sheet"
    print(f"wrote the {what} for {daysheet.day_title(sheet.day)} "
          f"({daysheet.summary_text(sheet)}) to {args.out}")
    return EXIT_OK


def cmd_export_ics(args) -> int:
    from frontdesk.services import ics_export
    from frontdesk.services.charts import patient_id_of
    if args.since is not None and args.patient is None:
        raise UsageError("--from goes with --patient (--on exports one day)")
    _open(args)
    if args.on is not None:
        exported = ics_export.day_calendar(args.on)
        whose = f"{args.on:%A} {args.on.isoformat()}"
        if not exported.events:
            print(f"frontdesk: no appointments on {whose}: the calendar has no events",
                  file=sys.stderr)
    else:
        chart = args.patient.strip()
        patient_id = patient_id_of(chart)
        since = args.since or clock.today()
        exported = ics_export.patient_calendar(patient_id, since)
        whose = f"{chart} from {since.isoformat()} on"
        if not exported.events:
            print(f"frontdesk: {chart} has no appointments from {since.isoformat()} on: "
                  f"the calendar has no events", file=sys.stderr)
    if args.out is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(exported.data)
        sys.stdout.buffer.flush()
        return EXIT_OK
    _write_file(args.out, exported.data)
    count = ("1 appointment" if exported.events == 1
             else f"{exported.events} appointments")
    print(f"wrote {count} ({whose}) to {args.out}")
    return EXIT_OK


def cmd_set_status(args) -> int:
    from frontdesk.services import flow, reports
    _open(args)
    # "Arrived", "no-show": the words a person types mean the same statuses
    wanted = args.status.strip().lower().replace("-", "_")
    if wanted not in set(Status):
        wanted = args.status  # refused with the text as typed
    from frontdesk.domain.status_flow import NeedsConfirmation
    try:
        change = flow.set_status(args.appointment_id, wanted, staff=args.staff,
                                 reason=args.reason, confirmed=args.force)
    except NeedsConfirmation as refused:
        print(f"frontdesk: {refused.why} needs an explicit confirmation: nothing was "
              f"changed; --force confirms it", file=sys.stderr)
        return EXIT_USAGE
    out = reports.appointment_dict(flow.appointment_line(change.appointment_id))
    if change.phase_moved:
        before, after = change.phase_moved
        out["phase_changed"] = {"from": before.value, "to": after.value}
    print(json.dumps(out, ensure_ascii=False))
    return EXIT_OK


def _minute(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def cmd_book(args) -> int:
    from frontdesk.domain.slots import SlotTaken
    from frontdesk.services import booking, reports
    from frontdesk.services.charts import patient_id_of
    _open(args)
    patient_id = patient_id_of(args.patient)
    try:
        line = booking.book(patient_id, args.kind, args.start, staff=args.staff,
                            duration=args.duration, chair=args.chair)
    except SlotTaken as taken:
        offer = taken.alternatives[0] if taken.alternatives else None
        if offer is not None:
            where = f" {offer.chair}" if offer.chair else ""
            more = f"; next free: {_minute(offer.start)}{where}"
        else:
            more = f"; no free start in the next {booking.HORIZON_DAYS} days"
        print(f"frontdesk: {taken}{more}", file=sys.stderr)
        return EXIT_USAGE
    print(json.dumps(reports.appointment_dict(line), ensure_ascii=False))
    return EXIT_OK


def cmd_slots(args) -> int:
    from frontdesk.services import booking
    from frontdesk.services.charts import patient_id_of
    _open(args)
    patient_id = patient_id_of(args.patient) if args.patient is not None else None
    after = max(args.after or clock.now(), clock.now())  # never a start already past
    found = booking.find_slots(args.kind, after, args.count, patient_id=patient_id,
                               duration=args.duration)
    if args.format == "json":
        print(json.dumps([{"start": _minute(s.start), "chair": s.chair} for s in found],
                         ensure_ascii=False))
        return EXIT_OK
    who = f" for {args.patient.strip()}" if patient_id is not None else ""
    if not found:
        print(f"No free {args.kind.value} start{who} from {after:%a %Y-%m-%d %H:%M} "
              f"in the next {booking.HORIZON_DAYS} days")
        return EXIT_OK
    minutes = int((found[0].end - found[0].start).total_seconds() // 60)
    print(f"Next free {args.kind.value} starts{who} ({minutes} min)\n")
    print(_table(["Day", "Start", "End", "Chair"],
                 [(f"{s.start:%a}", f"{s.start:%Y-%m-%d %H:%M}", f"{s.end:%H:%M}",
                   s.chair or "-") for s in found]))
    return EXIT_OK


def cmd_desk(args) -> int:
    # Importing Textual and building the desk make objects by the hundred thousand and free
    # few cycles: the collector scanned the growing heap again and again (a full pass alone
    # ~40 ms) before the first frame. The app turns it back on after that frame.
    gc.disable()
    target = config.choose_db_target(args.db)
    _without_postgresql(target)
    if args.demo:
        config.read_settings_file()  # a bad settings file stops us before the demo is built
        target = _prepare_demo(args.db)
    settings = _open(args, target, demo=args.demo)
    # the desk's first screenful is read (in threads) while Textual loads: no Textual yet
    from frontdesk.tui.preload import DeskPreload
    preload = DeskPreload(clock.today())
    from frontdesk.tui.app import FrontdeskApp  # Textual only for the desk itself
    FrontdeskApp(clinic_name=settings.clinic.name, desk=settings.desk, preload=preload).run()
    return EXIT_OK


def _without_postgresql(target: str) -> None:
    """A desk on a SQLite file does without the PostgreSQL driver: peewee imports psycopg2
    (with ssl and sockets) whenever it is installed, a tenth of the desk's own imports. Only
    in a process that has not loaded peewee yet (then nothing else here can want it)."""
    scheme = target.partition("://")[0] if "://" in target else "sqlite"
    if scheme == "sqlite" and "peewee" not in sys.modules:
        sys.modules.setdefault("psycopg2", None)  # `import psycopg2` fails: peewee goes on


def _prepare_demo(flag: str | None) -> str:
    """A fresh demo clinic: --db when given (it must be empty), else demo.db in the data dir."""
    from frontdesk.services.clinic import close_clinic, open_clinic
    from frontdesk.services.demo import generate_demo
    if flag:
        target = flag
    else:
        path = config.data_dir() / "demo.db"
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)
        target = str(path)
    open_clinic(target)
    generate_demo(patients=1000, seed=1, today=clock.today())
    close_clinic()
    return target


COMMANDS: dict[str | None, Callable] = {
    "import": cmd_import, "lists": cmd_lists, "census": cmd_census,
    "appointments": cmd_appointments, "set-status": cmd_set_status, "book": cmd_book,
    "slots": cmd_slots, "daysheet": cmd_daysheet, "export-ics": cmd_export_ics,
    None: cmd_desk}


def _configure_logging() -> Path | None:
    """Errors go to frontdesk.log in the user log folder (the file appears on first error).
    Log messages carry ids and error types, never patient names, birth dates or phones."""
    try:
        folder = config.log_dir()
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    path = folder / "frontdesk.log"
    handler = logging.FileHandler(path, delay=True, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger("frontdesk")
    root.setLevel(logging.ERROR)
    root.addHandler(handler)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    log_path = _configure_logging()
    try:
        args = build_parser().parse_args(argv)
        if args.today:
            clock.set_today(args.today)
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"frontdesk: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (DomainError, config.SettingsFileError) as exc:  # incl. DatabaseUnavailable
        print(f"frontdesk: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`| head`): nothing more to say
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the exit's own flush does not fail again
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - the promise is one line and a log, never a traceback
        logging.getLogger("frontdesk").error("unexpected error", exc_info=exc)
        where = f" (details in {log_path})" if log_path else ""
        print(f"frontdesk: unexpected error: {type(exc).__name__}{where}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
