"""Results that thread workers post back to the UI thread."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from frontdesk.domain.lists import DeskLists


@dataclass
class ListsLoaded(Message):
    lists: DeskLists
