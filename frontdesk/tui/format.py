"""How dates, times and kinds read on the desk's screens (statuses: domain.model.STATUS_WORDS)."""

from __future__ import annotations

import datetime as dt

from frontdesk.domain.model import Kind, Phase
from frontdesk.domain.phases import badge

KIND_SHORT = {Kind.INFUSION: "INF", Kind.CONSULT: "CONS", Kind.ASSESSMENT: "ASMT"}
#: The phase in a word, as the badges write it (domain.phases.badge is the one home).
PHASE_SHORT = {phase: badge(phase).split()[0] for phase in Phase}
#: A badge's colour in content markup (a Static's text, where the .tcss component classes
#: badge--* of the lists cannot reach): the same theme colours, in their readable text shades.
BADGE_STYLES = {Phase.INTAKE: "bold $text-secondary", Phase.STABILIZATION: "bold $text-accent",
                Phase.MAINTENANCE: "bold $text-success", Phase.INTEGRATION: "bold $text-primary",
                Phase.DISCHARGED: "$text-muted"}


#: Rows fetched per request by a virtual list (widgets.virtual_list): a screenful on the
#: largest terminals. Here, with the month's days, so the desk's first screenful can be read
#: before Textual loads (tui.preload).
PAGE = 60


def grid_days(month: dt.date) -> list[dt.date]:
    """The six weeks the month grid shows for the month holding `month`, Monday first."""
    first = month.replace(day=1)
    start = first - dt.timedelta(days=first.weekday())
    return [start + dt.timedelta(days=i) for i in range(42)]


def day(value: dt.date | None) -> str:
    """2026-11-20, or an en dash for none (dates stay ISO, as on the command line)."""
    return value.isoformat() if value else "–"


def day_time(value: dt.datetime | None, this_year: int) -> str:
    """'Nov 25 09:30' (12 characters); another year's date shows as 2027-01-05."""
    if value is None:
        return "–"
    return value.strftime("%b %d %H:%M") if value.year == this_year else value.date().isoformat()


def long_day(value: dt.date) -> str:
    """Mon 23 Nov 2026 (the desk's day; in a sentence: domain.dates.day_words)."""
    return value.strftime("%a %d %b %Y")


def full_day(value: dt.date) -> str:
    """Monday 23 November 2026: a title with room for it (the census)."""
    return f"{value:%A} {value.day} {value:%B %Y}"


def compact_count(n: int) -> str:
    """A count in at most three characters: 57, 999, 6k, 12k, 99k+ shows as 99+."""
    if n < 1000:
        return str(n)
    return f"{n // 1000}k" if n < 100_000 else "99+"


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values, maximum: int) -> str:
    """One block per value, from ▁ (0) to █ (maximum): scaled against the measure's fixed
    maximum, not the patient's own range, so two patients' lines compare. A missing value
    (None) is a space, so lines of the same sittings stay aligned."""
    top = len(SPARKS) - 1
    return "".join(" " if value is None
                   else SPARKS[round(min(max(value, 0), maximum) * top / maximum)]
                   for value in values)
