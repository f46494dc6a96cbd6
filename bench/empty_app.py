"""The yardstick for start-up: an empty Textual app (Header, a DataTable of three rows,
Footer), started the same ways as the desk (`python -m bench.empty_app` in a terminal)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header

#: What the terminal shows once the table has painted its rows (a pattern).
READY = r"C-0003 +ready"  # a regular expression


class EmptyApp(App):
    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="table")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("chart", "state")
        for n in (1, 2, 3):
            table.add_row(f"C-000{n}", "ready")


if __name__ == "__main__":
    EmptyApp().run()
