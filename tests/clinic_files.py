"""Clinic databases made once and copied: an empty clinic, or one seeded for a set of tests,
closed and then copied to each test's own file (a file copy takes a millisecond or two;
creating or seeding the clinic again takes far longer)."""

from __future__ import annotations

import shutil
from pathlib import Path

from frontdesk import clock


def stamp_created_at() -> None:
    """The open database's creation moment set to now, as creating it now would have (a copy
    of a template keeps the template's; services.clinic.database_created_at)."""
    from frontdesk.db import models as m
    from frontdesk.db.connection import write_transaction
    with write_transaction():
        (m.SchemaInfo.update(value=clock.now().isoformat(timespec="seconds"))
         .where(m.SchemaInfo.key == "created_at").execute())


def copy_clinic(template: Path, path: Path) -> None:
    """Open at `path` a copy of the closed SQLite clinic `template`, created now."""
    from frontdesk.services.clinic import open_clinic
    for stale in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)  # never pair a copied file with another's WAL
    shutil.copyfile(template, path)
    open_clinic(str(path))
    stamp_created_at()


def closed_clinic_file(path: Path) -> Path:
    """Close the open clinic (its file at `path`) and check nothing of it is left outside
    the file, so that the file alone can be copied."""
    from frontdesk.services.clinic import close_clinic
    close_clinic()
    assert not path.with_name(path.name + "-wal").exists(), "the WAL was not checkpointed"
    return path
