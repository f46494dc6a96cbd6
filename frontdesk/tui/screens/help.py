"""F1: every key of the screen underneath, with what it does."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

def key_table(screen: Screen) -> list[tuple[str, list[tuple[str, str]]]]:
    """The keys active on `screen` (its focused widget's, its own and the app's), grouped."""
    sections: dict[str, dict[str, list[str]]] = {}  # section -> description -> keys
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.system and binding.action != "command_palette":
            continue
        owner = type(active.node).__name__
        name = "Everywhere" if owner.endswith("App") else (
            "This screen" if active.node is screen
            else getattr(type(active.node), "HELP_NAME", owner))
        display = screen.app.get_key_display(binding)
        keys = sections.setdefault(name, {}).setdefault(binding.description or binding.action, [])
        if display not in keys:
            keys.append(display)
    grouped = {name: [(" / ".join(keys), description) for description, keys in found.items()]
               for name, found in sections.items()}
    order = {"This screen": 0, "Everywhere": 2}
    return sorted(grouped.items(), key=lambda item: order.get(item[0], 1))


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "close", "Close", id="help.close")]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.sections = key_table(screen)
        self.title_text = getattr(screen, "HELP_TITLE", type(screen).__name__)

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True, style="bold")
        table.add_column()
        for section, keys in self.sections:
            table.add_row(Text(section, style="underline"), "")
            for key, description in keys:
                table.add_row(key, description)
            table.add_row("", "")
        table.add_row("", Text("Esc, F1 or q closes this help", style="italic"))
        with VerticalScroll(id="help-box"):
            yield Static(table, id="help-keys")

    def on_mount(self) -> None:
        box = self.query_one("#help-box")
        box.border_title = f"Keys: {self.title_text}"
        box.focus()

    def action_close(self) -> None:
        self.dismiss(None)
