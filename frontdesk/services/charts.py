"""Finding a patient by the clinic's chart number (INTERFACES.md's `patient_id`), for the
command line, which names patients that way while the services take the database's id."""

from __future__ import annotations

from frontdesk.db import models as m
from frontdesk.domain.errors import NotFound
from frontdesk.domain.validation import parse_chart_number


def patient_id_of(chart: str) -> int:
    """The database id of the patient with exactly this chart number (as stored; spaces
    around it ignored). NotFound, naming the chart, when there is none."""
    chart = parse_chart_number(chart)
    found = (m.Patient.select(m.Patient.id).where(m.Patient.chart_number == chart)
             .tuples().first())
    if found is None:
        raise NotFound(f"there is no patient with chart number {chart!r}")
    return found[0]
