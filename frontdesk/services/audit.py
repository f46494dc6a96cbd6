"""Who did what: staff accounts and the audit trail of every write."""

from __future__ import annotations

import json

from frontdesk import clock
from frontdesk.db import models as m
from frontdesk.domain.errors import ValidationError

DEFAULT_STAFF = "cli"


def staff_id(username: str) -> int:
    """The staff member's id, registering the username on first use. Call inside a write."""
    username = (username or DEFAULT_STAFF).strip() or DEFAULT_STAFF
    if len(username) > 64:
        raise ValidationError("the staff username is longer than 64 characters")
    row = m.Staff.get_or_none(m.Staff.username == username)
    if row is None:
        # two desks may register the same new name at the same moment (PostgreSQL):
        # the second insert does nothing and both read the one row
        (m.Staff.insert(username=username, display_name=username, created_at=clock.now())
         .on_conflict_ignore().execute())
        row = m.Staff.get(m.Staff.username == username)
    return row.id


def record(staff: int, action: str, entity: str, entity_id: int | None = None,
           **detail) -> None:
    """Add one audit entry. Keep patient names, birth dates and phones out of `detail`."""
    m.AuditEntry.create(at=clock.now(), staff=staff, action=action, entity=entity,
                        entity_id=entity_id, detail=json.dumps(detail, default=str))
