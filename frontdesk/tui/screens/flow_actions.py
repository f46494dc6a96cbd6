"""What the desk and the board share about the day's flow: opening the check-in, telling
what a change did, and undoing the last change made at this desk (whichever screen made it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from frontdesk.domain.model import STATUS_WORDS
from frontdesk.tui.messages import StatusChanged

if TYPE_CHECKING:  # the flow service and the check-in load when first used, not at start
    from frontdesk.services.flow import StatusChange, TodayForPatient


def change_words(change: StatusChange, name: str, undone: bool = False) -> str:
    if undone:
        return f"Undone: {name} is back to {STATUS_WORDS[change.to_status]}"
    if change.from_status is None:
        chair = f" in {change.chair}" if change.chair else ""
        return f"Walk-in: {name} arrived{chair}"
    words = f"{name}: {STATUS_WORDS[change.to_status]}"
    if change.late_cancellation:
        words += " (late cancellation)"
    return words


class FlowActions:
    """Mixed into the screens that change statuses (they extend DeskBaseScreen)."""

    def open_check_in(self, today: TodayForPatient, phase=None, *,
                      scores_only: bool = False) -> None:
        from frontdesk.services.flow import StatusChange
        from frontdesk.tui.screens.check_in import CheckInScreen
        if not scores_only and today.booked is None and today.in_clinic is not None:
            line = today.in_clinic
            self.notify(f"{today.name} is already here: {STATUS_WORDS[line.status]} "
                        f"since {line.status_at:%H:%M}", severity="warning")
            return
        name = today.name

        def done(result) -> None:
            if isinstance(result, StatusChange):
                self.post_message(StatusChanged(result, name))
            elif result is True:  # the dialog told the change watcher (SavingDialog)
                self.notify(f"Scores recorded for {name}")
        self.app.push_screen(CheckInScreen(today, scores_only=scores_only, phase=phase), done)

    def on_status_changed(self, message: StatusChanged) -> None:
        # (a plain mixin: @on handlers register only on Textual's own classes)
        change = message.change
        if message.undone:  # its earlier changes here can no longer be undone
            self.app.recent_changes[:] = [
                (c, n) for c, n in self.app.recent_changes
                if c.appointment_id != change.appointment_id]
        else:
            self.app.recent_changes.append((change, message.name))
        self.notify(change_words(change, message.name, message.undone), timeout=3)
        if change.phase_moved is not None:
            before, after = change.phase_moved
            self.notify(f"{message.name} moved from {before.value} to {after.value}",
                        title="Phase", timeout=8)
        self.wrote()  # every screen reloads once, when the change watcher sees the write

    def action_undo(self) -> None:
        if not self.app.recent_changes:
            self.notify("Nothing to undo: no status was changed at this desk yet",
                        severity="warning")
            return
        change, name = self.app.recent_changes.pop()
        self.undo_change(change, name, self.staff)

    @work(thread=True, group="undo", exit_on_error=False)
    def undo_change(self, change: StatusChange, name: str, staff: str) -> None:
        from frontdesk.services import flow
        try:
            undone = flow.undo(change, staff=staff)
        except Exception:
            # refused, nothing written (the change watcher sees nothing): show what is there
            # now, on this screen itself
            self.app.call_from_thread(self.refresh_data)
            raise
        self.post_message(StatusChanged(undone, name, undone=True))  # reloads too
