"""Noticing other desks' changes: a running desk asks now and then whether anything was
written to the shared database since it last looked."""

from __future__ import annotations

from frontdesk.db.connection import ChangeProbe


class ChangeWatcher:
    def __init__(self) -> None:
        self._probe = ChangeProbe()
        self._last = self._probe.read()

    @property
    def interval(self) -> float:
        return self._probe.interval

    def changed(self) -> bool:
        """True when a write was committed since the last call (or since the start)."""
        value = self._probe.read()
        if value is None:  # closed
            return False
        changed, self._last = value != self._last, value
        return changed

    def close(self) -> None:
        self._probe.close()
