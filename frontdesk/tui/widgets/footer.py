"""Textual's footer, rebuilt only when the keys it shows change.

Textual rebuilds its footer (a widget per key, each styled and laid out anew) whenever a
screen's bindings may have changed: on every focus change and binding refresh. The desk's
start rebuilt it five times with the same twenty keys, about 40 ms each, before the first
rows could be drawn. This one compares what it would show with what it shows and keeps it.
"""

from __future__ import annotations

from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    _shown: tuple | None = None  # what the footer was last built from

    def _what_it_would_show(self) -> tuple | None:
        """Everything Textual's compose reads; None before the bindings are known."""
        if not self._bindings_ready or not self.is_attached:
            return None
        app = self.app
        active = self.screen.active_bindings
        keys = tuple((binding, enabled, tooltip, app.get_key_display(binding))
                     for (_, binding, enabled, tooltip) in active.values() if binding.show)
        palette = active.get(app.COMMAND_PALETTE_BINDING)
        palette_key = (palette[1:] if palette is not None else None)
        return (keys, self.compact, self.show_command_palette, app.ENABLE_COMMAND_PALETTE,
                palette_key)

    async def recompose(self) -> None:
        shown = self._what_it_would_show()
        if shown is not None and shown == self._shown:
            return
        self._shown = shown
        await super().recompose()
