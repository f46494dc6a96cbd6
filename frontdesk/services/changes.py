"""Noticing changes: a running desk asks now and then whether anything was written to the
shared database since it last looked, and asks at once after it wrote itself. It is the one
trigger of a reload: a write made at this desk is seen here like any other, once."""

from __future__ import annotations

import threading

from frontdesk.db.connection import ChangeProbe

_UNREAD = object()


class ChangeWatcher:
    """Make it and call `changed()` in a worker thread: the first read (opening the probe's
    connection) is database work too. Safe to call from two threads at once: a write is
    reported by exactly one of the calls that see it."""

    def __init__(self) -> None:
        self._probe = ChangeProbe()
        self._lock = threading.Lock()
        self._last: object = _UNREAD

    @property
    def interval(self) -> float:
        return self._probe.interval

    def start(self) -> None:
        """Take the database as it is now as the starting point."""
        with self._lock:
            if self._last is _UNREAD:
                self._last = self._probe.read()

    def changed(self) -> bool:
        """True when a write was committed since the last call (or since `start`)."""
        with self._lock:
            value = self._probe.read()
            if value is None:  # closed
                return False
            if self._last is _UNREAD:  # the first look: the starting point, not a change
                self._last = value
                return False
            changed, self._last = value != self._last, value
            return changed

    def close(self) -> None:
        self._probe.close()
