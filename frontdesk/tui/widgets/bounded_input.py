"""An Input whose length limit speaks: Textual's Input drops a change that would pass its
`max_length` (a paste of 150 characters into a 120-character field vanishes, with at most a
bell). This one tells its screen (`TooLong`), which shows why, so nothing goes silently."""

from __future__ import annotations

from textual.message import Message
from textual.widgets import Input


class BoundedInput(Input):

    class TooLong(Message):
        """A change refused for its length: nothing of it was taken."""

        def __init__(self, input: "BoundedInput", length: int, max_length: int,
                     pasted: bool) -> None:
            super().__init__()
            self.input = input
            self.length = length
            self.max_length = max_length
            self.pasted = pasted

        @property
        def control(self) -> "BoundedInput":
            return self.input

        @property
        def words(self) -> str:
            if self.pasted:
                return (f"Not pasted: that would make {self.length:,} characters, and this "
                        f"field holds at most {self.max_length:,}")
            return f"This field holds at most {self.max_length:,} characters"

    _pasting = False

    def _on_paste(self, event) -> None:
        self._pasting = True
        try:
            super()._on_paste(event)
        finally:
            self._pasting = False
        event.prevent_default()  # done: Textual would otherwise call Input's handler again

    def replace(self, text: str, start: int, end: int) -> None:
        if self.max_length:
            value = self.value
            start, end = sorted((max(0, start), min(len(value), end)))
            length = len(value) - (end - start) + len(text)
            if length > self.max_length:
                self.post_message(self.TooLong(self, length, self.max_length, self._pasting))
                self.app.bell()
                return
        super().replace(text, start, end)
