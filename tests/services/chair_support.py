"""Hand-built clinics that keep the database's double-booking guard (db.chair_guard): two
infusions that are not cancelled never overlap in one chair."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from frontdesk.db import models as m
from frontdesk.domain.model import Kind, Status, intervals_overlap

A = m.Appointment


def holds_chair(kind: Kind, status: Status) -> bool:
    """Whether the guard counts this appointment in its chair."""
    return kind == Kind.INFUSION and status != Status.CANCELLED


class ChairPlan:
    """Chairs chosen in memory for appointments about to be written together."""

    def __init__(self) -> None:
        self.taken: dict[str, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)

    def is_free(self, chair: str, start: dt.datetime, end: dt.datetime) -> bool:
        return not any(intervals_overlap(start, end, s, e) for s, e in self.taken[chair])

    def place(self, kind: Kind, status: Status, start: dt.datetime, end: dt.datetime,
              wanted: str | None, chairs: list[str]) -> str | None:
        """`wanted` when it is free (or the guard does not count the appointment), else the
        first free one of `chairs`, else None (no chair at all)."""
        if wanted is None or not holds_chair(kind, status):
            return wanted
        for chair in [wanted, *chairs]:
            if self.is_free(chair, start, end):
                self.taken[chair].append((start, end))
                return chair
        return None


def busy_chairs(start: dt.datetime, end: dt.datetime) -> set[int]:
    """Ids of the chairs the database already holds for an infusion in [start, end)."""
    query = (A.select(A.chair).where(A.chair.is_null(False), A.kind == Kind.INFUSION.value,
                                     A.status != Status.CANCELLED.value,
                                     A.start < end, A.ends_at > start))
    return {chair for (chair,) in query.tuples()}


def free_chair_id(start: dt.datetime, end: dt.datetime, preferred: str | None = None) -> int:
    """A chair with no infusion in [start, end): `preferred` if it is free, else the first by
    position; when every chair is taken (a full demo clinic), one more chair."""
    busy = busy_chairs(start, end)
    chairs = list(m.Chair.select(m.Chair.id, m.Chair.name, m.Chair.position)
                  .where(m.Chair.active).tuples())
    free = [(name != preferred, position, chair_id) for chair_id, name, position in chairs
            if chair_id not in busy]
    if free:
        return min(free)[2]
    position = max((p for _, _, p in chairs), default=0) + 1
    return m.Chair.create(name=f"Extra {m.Chair.select().count() + 1}", position=position).id
