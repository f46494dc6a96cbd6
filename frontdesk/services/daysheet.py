"""The printable day sheet: a day's agenda by chair, to print and pin up (`frontdesk daysheet`).

`day_sheet(day)` reads everything in one snapshot and returns a frozen DaySheet; the two
renderers are pure functions of it: `render_text` (fixed columns that stay aligned whatever
the names, no line over 100 characters) and `render_html` (one self-contained HTML5 page with
print rules, every value escaped).
"""

from __future__ import annotations

import datetime as dt
import html
import textwrap
import unicodedata
from dataclasses import dataclass

from peewee import JOIN

from frontdesk import clock
from frontdesk.db import models as m
from frontdesk.db.connection import read_snapshot
from frontdesk.db.queries import agenda_order, on_day
from frontdesk.domain.lists import display_name
from frontdesk.domain.model import STATUS_WORDS, Kind, Status
from frontdesk.services.clinic import clinic_settings
from frontdesk.db.dialect import as_moment

A = m.Appointment
P = m.Patient

TEXT_WIDTH = 100

KIND_LABEL = {Kind.CONSULT: "consult", Kind.INFUSION: "infusion", Kind.ASSESSMENT: "assessment"}
NO_CHAIR_TITLE = "Consults and assessments, no chair"
CANCELLED_TITLE = "Cancelled"
FREE = "free all day"


@dataclass(frozen=True)
class SheetLine:
    """One appointment on the sheet."""
    id: int
    start: dt.datetime
    end: dt.datetime
    name: str            # "Last, First"
    chart: str
    kind: Kind
    status: Status
    chair: str | None
    cancelled_at: dt.datetime | None = None   # cancelled ones: when
    late_cancellation: bool = False
    cancel_reason: str | None = None

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True)
class ChairBlock:
    name: str
    lines: tuple[SheetLine, ...]
    active: bool = True   # False: a retired chair still holding an appointment that day


@dataclass(frozen=True)
class DaySheet:
    clinic: str
    day: dt.date
    opens: dt.time | None     # None on a day the clinic is closed
    closes: dt.time | None
    chairs: tuple[ChairBlock, ...]
    no_chair: tuple[SheetLine, ...]     # consults, assessments (and any chairless infusion)
    cancelled: tuple[SheetLine, ...]
    made_at: dt.datetime

    @property
    def is_open(self) -> bool:
        return self.opens is not None

    @property
    def booked(self) -> int:
        """Appointments still on (not cancelled)."""
        return sum(len(b.lines) for b in self.chairs) + len(self.no_chair)

    @property
    def show_no_chair(self) -> bool:
        """The section is always there on an open day (a place to write on paper too)."""
        return self.is_open or bool(self.no_chair)


def day_sheet(day: dt.date) -> DaySheet:
    """The day's appointments, cancelled ones included, by chair, from one snapshot.

    Every active chair gets a block, in chair order, on an open day; on a closed day only the
    chairs holding something. A retired chair holding an appointment that day follows the
    active ones."""
    with read_snapshot():
        settings = clinic_settings()
        chairs = list(m.Chair.select(m.Chair.name, m.Chair.active)
                      .order_by(m.Chair.position, m.Chair.name).tuples())
        rows = list(
            A.select(A.id, A.start, A.ends_at, A.duration_minutes, m.Chair.name,
                     P.chart_number, P.last_name, P.first_name, A.kind, A.status, A.status_at,
                     A.late_cancellation, A.cancel_reason)
            .join(P).switch(A).join(m.Chair, join_type=JOIN.LEFT_OUTER)
            .where(on_day(day)).order_by(*agenda_order()).tuples())
    lines = []
    for (aid, start, ends_at, minutes, chair, chart, last, first, kind, status, status_at,
         late, reason) in rows:
        start = as_moment(start)
        cancelled = status == Status.CANCELLED.value
        lines.append(SheetLine(
            id=aid, start=start,
            end=as_moment(ends_at) if ends_at else start + dt.timedelta(minutes=minutes),
            name=display_name(last, first), chart=chart, kind=Kind(kind),
            status=Status(status), chair=chair,
            cancelled_at=as_moment(status_at) if cancelled and status_at else None,
            late_cancellation=bool(late) and cancelled,
            cancel_reason=(reason or None) if cancelled else None))
    live = [line for line in lines if line.status != Status.CANCELLED]
    by_chair: dict[str, list[SheetLine]] = {}
    for line in live:
        if line.chair is not None:
            by_chair.setdefault(line.chair, []).append(line)
    is_open = settings.is_open_on(day) and settings.open_minutes(day) > 0
    blocks = [ChairBlock(name, tuple(by_chair.get(name, ())), active=bool(active))
              for name, active in chairs
              if (active and is_open) or by_chair.get(name)]
    blocks.sort(key=lambda b: not b.active)  # stable: chair order within each group
    return DaySheet(
        clinic=settings.name, day=day,
        opens=settings.opens if is_open else None, closes=settings.closes if is_open else None,
        chairs=tuple(blocks),
        no_chair=tuple(line for line in live if line.chair is None),
        cancelled=tuple(line for line in lines if line.status == Status.CANCELLED),
        made_at=clock.now())


# --- shared wording ------------------------------------------------------------------------------

def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _clean(text: str) -> str:
    """One line of printable text: names composed (NFC), control characters and runs of
    whitespace made one space."""
    text = unicodedata.normalize("NFC", text)
    return " ".join("".join(" " if unicodedata.category(c).startswith("C") else c
                            for c in text).split())


def day_title(day: dt.date) -> str:
    return f"{day:%A} {day.isoformat()}"


def hours_text(sheet: DaySheet) -> str:
    if not sheet.is_open:
        return "closed"
    return f"open {sheet.opens:%H:%M}-{sheet.closes:%H:%M}"


def summary_text(sheet: DaySheet) -> str:
    if not sheet.booked and not sheet.cancelled:
        return "nothing booked" if not sheet.is_open else "no appointments"
    text = _plural(sheet.booked, "appointment")
    if not sheet.is_open and sheet.booked:
        text += " booked on a closed day"
    if sheet.cancelled:
        text += f", {len(sheet.cancelled)} cancelled"
    return text


def chair_title(block: ChairBlock) -> str:
    return _clean(block.name) + ("" if block.active else ", retired")


def time_span(line: SheetLine) -> str:
    span = f"{line.start:%H:%M}-{line.end:%H:%M}"
    return span if line.end.date() == line.start.date() else span + " (+1 day)"


def cancelled_when(line: SheetLine) -> str:
    """When it was cancelled, and whether that was late (under 24 h before the start)."""
    when = f"{line.cancelled_at:%a %Y-%m-%d %H:%M}" if line.cancelled_at else ""
    late = "late (under 24 h before)" if line.late_cancellation else ""
    return ", ".join(p for p in (when, late) if p)


def cancel_reason(line: SheetLine) -> str:
    return _clean(line.cancel_reason or "")


def cancel_note(line: SheetLine) -> str:
    """The chair, when it was cancelled (late or not) and why, as the appointment table
    stores them, in one text."""
    parts = [_clean(line.chair)] if line.chair else []
    when = cancelled_when(line)
    parts.append(f"cancelled {when}" if when else "cancelled")
    if cancel_reason(line):
        parts.append(f"reason: {cancel_reason(line)}")
    return "; ".join(parts)


# --- plain text ----------------------------------------------------------------------------------

def _width(text: str) -> int:
    """Columns a terminal or a fixed-width font gives the text: combining marks take none,
    East Asian wide characters two."""
    total = 0
    for c in text:
        if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf"):
            continue
        total += 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
    return total


def _fit(text: str, width: int) -> str:
    """The text cut to `width` columns (an ellipsis says so) and padded to exactly that."""
    if _width(text) > width:
        out, used = "", 0
        for c in text:
            w = _width(c)
            if used + w > width - 1:
                break
            out, used = out + c, used + w
        text = out + "…"
    return text + " " * (width - _width(text))


_INDENT = "  "
_TIME_W = 11                        # 09:00-10:30 (wider only for one that ends the next day)
_KIND_W = max(len(v) for v in KIND_LABEL.values())
_STATUS_W = max(len(v) for v in STATUS_WORDS.values())
_GAP = "  "
_NAME_MIN = 20


def _columns(sheet: DaySheet) -> tuple[int, int, int]:
    """Widths of the time, name and chart columns, the same in every section so they line
    up; the name is what gives way to keep lines within TEXT_WIDTH."""
    every = [*(line for b in sheet.chairs for line in b.lines), *sheet.no_chair,
             *sheet.cancelled]
    time_w = max([_TIME_W] + [len(time_span(line)) for line in every])
    fixed = len(_INDENT) + time_w + _KIND_W + _STATUS_W + 4 * len(_GAP)
    room = TEXT_WIDTH - fixed                     # for name + chart
    chart_w = max([len("Chart")] + [_width(_clean(line.chart)) for line in every])
    chart_w = min(chart_w, room - _NAME_MIN)
    name_w = max([len("Patient")] + [_width(_clean(line.name)) for line in every])
    name_w = min(name_w, room - chart_w)
    return time_w, name_w, chart_w


def _row(cells: list[str], widths: list[int]) -> str:
    return (_INDENT + _GAP.join(_fit(c, w) for c, w in zip(cells, widths))).rstrip()


def _wrap(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(text, TEXT_WIDTH, initial_indent=indent, subsequent_indent=indent,
                         break_long_words=True, break_on_hyphens=False) or [indent.rstrip()]


def render_text(sheet: DaySheet) -> str:
    time_w, name_w, chart_w = _columns(sheet)
    widths = [time_w, name_w, chart_w, _KIND_W, _STATUS_W]
    header = _row(["Time", "Patient", "Chart", "Kind", "Status"], widths)

    def line_row(line: SheetLine) -> str:
        return _row([time_span(line), _clean(line.name), _clean(line.chart),
                     KIND_LABEL[line.kind], STATUS_WORDS[line.status]], widths)

    out = _wrap(f"{_clean(sheet.clinic)}: day sheet")
    out += _wrap(f"{day_title(sheet.day)} · {hours_text(sheet)} · {summary_text(sheet)}")
    out.append(f"Printed {sheet.made_at:%Y-%m-%d %H:%M}")
    sections: list[tuple[str, tuple[SheetLine, ...], str]] = [
        (chair_title(b), b.lines, FREE) for b in sheet.chairs]
    if sheet.show_no_chair:
        sections.append((NO_CHAIR_TITLE, sheet.no_chair, "none"))
    for title, lines, empty in sections:
        out.append("")
        count = f" ({len(lines)})" if lines else ""
        out += _wrap(f"{title}{count}")
        if not lines:
            out.append(f"{_INDENT}{empty}")
            continue
        out.append(header)
        out += [line_row(line) for line in lines]
    if sheet.cancelled:
        out.append("")
        out.append(f"{CANCELLED_TITLE} ({len(sheet.cancelled)})")
        out.append(header)
        note_indent = _INDENT + " " * (time_w + len(_GAP))
        for line in sheet.cancelled:
            out.append(line_row(line))
            out += _wrap(cancel_note(line), note_indent)
    return "\n".join(out) + "\n"


# --- HTML ----------------------------------------------------------------------------------------

STYLE = """
  :root { color-scheme: light; }
  body { font: 11pt/1.35 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
         color: #111; background: #fff; margin: 1.5em auto; max-width: 60em; padding: 0 1em; }
  header { border-bottom: 2pt solid #111; margin-bottom: 10pt; padding-bottom: 4pt; }
  h1 { font-size: 17pt; margin: 0; }
  .day { font-size: 13pt; font-weight: 600; margin: 2pt 0; }
  .summary, .printed { margin: 0; color: #444; }
  section.block { margin: 0 0 12pt; break-inside: avoid; page-break-inside: avoid; }
  h2 { font-size: 12.5pt; margin: 0 0 3pt; break-after: avoid; page-break-after: avoid; }
  h2 .count { font-weight: normal; color: #444; font-size: 11pt; }
  table { width: 100%; border-collapse: collapse; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  th, td { text-align: left; vertical-align: top; padding: 2pt 6pt 2pt 0; }
  th { border-bottom: 1pt solid #111; font-weight: 600; }
  td { border-bottom: 0.5pt solid #bbb; }
  td.time { white-space: nowrap; font-variant-numeric: tabular-nums; width: 7.5em; }
  td.chart { white-space: nowrap; }
  tr.free td, tr.none td { color: #555; font-style: italic; }
  tr.status-no_show td.status, tr.late td.when { font-weight: 600; }
  section.cancelled td { color: #444; }
  @page { size: portrait; margin: 14mm 12mm; }  /* A4 or Letter, as the printer has */
  @media print {
    body { font-size: 10pt; margin: 0; max-width: none; padding: 0; }
    header { margin-bottom: 8pt; }
  }
"""

_HEAD = ["Time", "Patient", "Chart", "Kind", "Status"]
_CANCELLED_HEAD = ["Time", "Patient", "Chart", "Kind", "Chair", "Cancelled", "Reason"]


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _cells(line: SheetLine, cancelled: bool) -> list[tuple[str, str]]:
    cells = [("time", time_span(line)), ("name", _clean(line.name)),
             ("chart", _clean(line.chart)), ("kind", KIND_LABEL[line.kind])]
    if not cancelled:
        return cells + [("status", STATUS_WORDS[line.status])]
    return cells + [("chair", _clean(line.chair or "")), ("when", cancelled_when(line)),
                    ("reason", cancel_reason(line))]


def _html_row(line: SheetLine, cancelled: bool) -> str:
    classes = [f"status-{line.status.value}"] + (["late"] if line.late_cancellation else [])
    tds = "".join(f'<td class="{cls}">{_e(value)}</td>' for cls, value in _cells(line, cancelled))
    return f'<tr class="{" ".join(classes)}">{tds}</tr>'


def _html_block(title: str, lines: tuple[SheetLine, ...], empty: str, css: str,
                cancelled: bool = False) -> list[str]:
    heads = _CANCELLED_HEAD if cancelled else _HEAD
    count = f' <span class="count">({len(lines)})</span>' if lines else ""
    out = [f'<section class="block {css}">',
           f"<h2>{_e(title)}{count}</h2>",
           "<table>",
           "<thead><tr>" + "".join(f'<th scope="col">{h}</th>' for h in heads) + "</tr></thead>",
           "<tbody>"]
    if lines:
        out += [_html_row(line, cancelled) for line in lines]
    else:
        cls = "free" if empty == FREE else "none"
        out.append(f'<tr class="{cls}"><td colspan="{len(heads)}">{_e(empty)}</td></tr>')
    out += ["</tbody>", "</table>", "</section>"]
    return out


def render_html(sheet: DaySheet) -> str:
    clinic = _clean(sheet.clinic)
    out = ["<!DOCTYPE html>",
           '<html lang="en">',
           "<head>",
           '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_e(clinic)}: day sheet for {_e(day_title(sheet.day))}</title>",
           f"<style>{STYLE}</style>",
           "</head>",
           "<body>",
           "<header>",
           f"<h1>{_e(clinic)}</h1>",
           f'<p class="day">{_e(day_title(sheet.day))} · {_e(hours_text(sheet))}</p>',
           f'<p class="summary">{_e(summary_text(sheet))}</p>',
           f'<p class="printed">Printed {sheet.made_at:%Y-%m-%d %H:%M}</p>',
           "</header>",
           "<main>"]
    for block in sheet.chairs:
        out += _html_block(chair_title(block), block.lines, FREE,
                           "chair" if block.active else "chair retired")
    if sheet.show_no_chair:
        out += _html_block(NO_CHAIR_TITLE, sheet.no_chair, "none", "no-chair")
    if sheet.cancelled:
        out += _html_block(CANCELLED_TITLE, sheet.cancelled, "none", "cancelled",
                           cancelled=True)
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
