"""The command palette (ctrl+p): find a patient by name, chart, birth date or phone."""

from __future__ import annotations

import asyncio
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from frontdesk import clock
from frontdesk.domain.search import parse_search
from frontdesk.services.patients import ListQuery, PatientRow, rows_after

MAX_HITS = 20


def find_patients(text: str, region: str) -> list[PatientRow]:
    terms = parse_search(text, region, clock.today())
    if terms.empty:
        return []
    return rows_after(ListQuery(clock.today(), search=terms), None, MAX_HITS)


class PatientCommands(Provider):
    """Patients as commands: choosing one shows it on the desk."""

    def _desk(self):
        from frontdesk.tui.screens.desk import DeskScreen
        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, DeskScreen):
                return screen
        return None

    async def search(self, query: str) -> Hits:
        desk = self._desk()
        if desk is None or len(query.strip()) < 2:
            return
        region = desk.clinic.phone_region
        try:
            rows = await asyncio.to_thread(find_patients, query, region)
        except Exception as exc:  # noqa: BLE001 - the palette must stay up; say why
            self.app.notify(f"Could not search: {exc}", severity="error")
            return
        matcher = self.matcher(query)
        for rank, row in enumerate(rows):
            score = max(matcher.match(row.name), 1.0 - rank / (MAX_HITS + 1))
            yield Hit(score, matcher.highlight(f"{row.name}  {row.chart}  {row.badge}"),
                      partial(desk.open_patient, row.chart),
                      text=row.name, help="Show this patient on the desk")

    async def discover(self) -> Hits:
        desk = self._desk()
        if desk is None:
            return
        yield DiscoveryHit("Find a patient: type a name, chart, birth date or phone", None,
                           help="Patients appear as you type")
