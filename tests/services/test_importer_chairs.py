"""Chairs named in an import are created in natural order after the clinic's own."""

from __future__ import annotations

from frontdesk.services.clinic import active_chair_names
from frontdesk.services.importer import import_csv


def test_new_chairs_follow_in_natural_order(db_path, tmp_path, frontdesk):
    patients = tmp_path / "p.csv"
    patients.write_text("patient_id,first_name,last_name,date_of_birth,phone,phase,phase_since\n"
                        "C-1,Ana,Abe,1980-01-01,650 253 0000,maintenance,2026-01-01\n",
                        encoding="utf-8")
    chairs = ["Chair 10", "Recliner", "Chair 5", "Chair 9", "Chair 6", "Chair 7", "Chair 8",
              "chair 2", "RECLINER"]  # other spellings of known chairs are those chairs
    appointments = tmp_path / "a.csv"
    appointments.write_text("patient_id,start,kind,status,chair\n" + "".join(
        f"C-1,2026-10-{day:02d}T09:00,infusion,completed,{chair}\n"
        for day, chair in enumerate(chairs, start=1)), encoding="utf-8")

    summary = import_csv(patients, appointments)

    assert summary.chairs_created == ("Chair 5", "Chair 6", "Chair 7", "Chair 8", "Chair 9",
                                      "Chair 10", "Recliner")
    assert active_chair_names() == [f"Chair {n}" for n in range(1, 11)] + ["Recliner"]

    # the command says how many, without listing a chain's every chair
    other = tmp_path / "other.db"
    result = frontdesk("--db", str(other), "import", "--patients", str(patients),
                       "--appointments", str(appointments))
    assert result.code == 0
    assert result.out.strip().endswith(
        "new chairs: Chair 5, Chair 6, Chair 7, Chair 8, Chair 9 and 2 more")
