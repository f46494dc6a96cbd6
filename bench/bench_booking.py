"""How fast phone booking answers as the clinic grows (numbers, never pass/fail).

    python bench/bench_booking.py --db1 small.db --db2 big.db [--day 2026-11-23]

Both databases are seed.py clinics; copies are used (the bench books, registers and logs
calls). For each: opening (with the schema migration when the copy is older), the next
free slots as `frontdesk slots` and the booking screen ask for them, one day's free slots,
a 6-infusion series preview, a booking with its database guard, a whole series booked,
the duplicate check and a registration, a recall call, and a page of the Due list with
each patient's last call. The last lines give each figure as a ratio of the second
database to the first.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_lists import best_of, compare_two_databases  # noqa: E402

from frontdesk import clock  # noqa: E402
from frontdesk.domain.slots import spread  # noqa: E402
from frontdesk.services import booking, recall, registration  # noqa: E402
from frontdesk.services.clinic import close_clinic, open_clinic  # noqa: E402
from frontdesk.services.patients import Filter, ListPager, ListQuery  # noqa: E402

PAGE = 60


def measure(path: Path, day: dt.date) -> dict[str, float]:
    began = time.perf_counter()
    open_clinic(str(path))
    figures = {"open (+ migration) (ms)": 1000 * (time.perf_counter() - began)}
    clock.set_now(dt.datetime.combine(day - dt.timedelta(days=2), dt.time(10, 0)))
    start = dt.datetime.combine(day, dt.time(8, 0))
    try:
        patient = 1
        figures["5 next slots (ms)"] = 1000 * best_of(5, lambda: booking.find_slots(
            "infusion", start, 5))
        figures["5 next slots, a patient (ms)"] = 1000 * best_of(5, lambda: booking.find_slots(
            "infusion", start, 5, patient_id=patient))
        figures["screen: 60 slots spread (ms)"] = 1000 * best_of(3, lambda: spread(
            booking.find_slots("infusion", start, 60, patient_id=patient), 8))
        figures["one day's free slots (ms)"] = 1000 * best_of(5, lambda: booking.free_on(
            "infusion", day, patient_id=patient))
        figures["series preview, 6 (ms)"] = 1000 * best_of(3, lambda: (
            booking.plan_stabilization_series(patient, 6, "mon-wed-fri", day, dt.time(9))))

        def book_and_cancel():
            slot = booking.find_slots("infusion", start, 1, patient_id=patient)[0]
            line = booking.book(patient, "infusion", slot.start, staff="bench", chair=slot.chair)
            booking.cancel(line.id, staff="bench", reason="bench")
        figures["find + book + cancel (ms)"] = 1000 * best_of(5, book_and_cancel)

        def series():
            plan = booking.plan_stabilization_series(patient, 6, "mon-wed-fri", day,
                                                     dt.time(9))
            for line in booking.book_series(plan, staff="bench"):
                booking.cancel(line.id, staff="bench", reason="bench")
        figures["series preview + book 6 (+ cancel) (ms)"] = 1000 * best_of(3, series)
        new = registration.parse_new_patient({
            "first_name": "José", "last_name": "Núñez", "date_of_birth": "3/7/84",
            "phone": "(206) 555-0143"})
        figures["duplicate check (ms)"] = 1000 * best_of(5, lambda: registration.likely_duplicates(new))
        figures["register (ms)"] = 1000 * best_of(3, lambda: registration.register(new, staff="bench"))
        query = ListQuery(day, Filter.DUE_FOR_MAINTENANCE)
        due = ListPager(query)
        size = due.size()
        figures["due list size"] = float(size)
        ids = [row.id for row in due.page(0, PAGE)]
        for pid in ids[:20]:
            recall.log_call(pid, "no_answer", staff="bench")
        figures["log a call (ms)"] = 1000 * best_of(5, lambda: recall.log_call(
            ids[0], "left_voicemail", staff="bench"))
        figures["due list page with last calls (ms)"] = 1000 * best_of(5, lambda: due.page(
            0, PAGE))
        hidden = ListQuery(day, Filter.DUE_FOR_MAINTENANCE, hide_called_on=clock.today())
        figures["due list, called hidden: size (ms)"] = 1000 * best_of(5, lambda: ListPager(
            hidden).size())
    finally:
        clock.set_today(None)
        close_clinic()
    return figures


def main() -> None:
    compare_two_databases(__doc__.splitlines()[0], measure, dt.date(2026, 11, 23))


if __name__ == "__main__":
    main()
