"""The tables. Nothing is hard-deleted: patients are discharged, appointments cancelled."""

from __future__ import annotations

from peewee import (AutoField, BooleanField, CharField, DatabaseProxy, DateField,
                    DateTimeField, ForeignKeyField, IntegerField, Model, ModelIndex,
                    TextField)

database = DatabaseProxy()


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class SchemaInfo(BaseModel):
    """One row per fact about the schema; 'version' is the one that matters."""
    key = CharField(primary_key=True, max_length=64)
    value = TextField()


class ClinicSetting(BaseModel):
    """Clinic-wide settings shared by every desk (values are JSON)."""
    key = CharField(primary_key=True, max_length=64)
    value = TextField()


class Staff(BaseModel):
    id = AutoField()
    username = CharField(max_length=64, unique=True)
    display_name = CharField(max_length=100, default="")
    created_at = DateTimeField()


class Chair(BaseModel):
    id = AutoField()
    name = CharField(max_length=64, unique=True)
    position = IntegerField(default=0)
    active = BooleanField(default=True)


class Patient(BaseModel):
    id = AutoField()
    chart_number = CharField(max_length=32, unique=True)
    first_name = CharField(max_length=100)
    last_name = CharField(max_length=100)
    # 'last first', folded (accents, case, apostrophes): domain.validation.name_key;
    # the desk searches and sorts by it
    search_key = CharField(max_length=210, index=True, default="")
    date_of_birth = DateField(index=True)
    phone = CharField(max_length=20, index=True)  # E.164
    email = CharField(max_length=254, null=True)
    phase = CharField(max_length=16, index=True)
    phase_since = DateField()
    stabilization_target = IntegerField(default=6)
    maintenance_interval_months = IntegerField(default=1)
    registered_on = DateField()
    notes = TextField(default="")
    created_at = DateTimeField()
    updated_at = DateTimeField()
    version = IntegerField(default=1)  # bumped on every change; guards concurrent edits

    class Meta:
        indexes = ((("last_name", "first_name"), False),)


# v8: a foreign key gets an index of its own only where no wider index starts with it and rows
# are looked up by it: every index costs each write and each bulk load (at 1.09 M appointments
# the five single-column ones took 4 s to build). Rows are never deleted, so SQLite never
# needs one to check a parent's deletion.

class Appointment(BaseModel):
    id = AutoField()
    # (patient, ...) and (chair, start) below serve these two
    patient = ForeignKeyField(Patient, backref="appointments", on_delete="RESTRICT",
                              index=False)
    kind = CharField(max_length=16)
    start = DateTimeField()
    duration_minutes = IntegerField()
    ends_at = DateTimeField()  # start + duration, kept for overlap queries
    chair = ForeignKeyField(Chair, null=True, on_delete="RESTRICT", index=False)
    status = CharField(max_length=16)
    status_at = DateTimeField()
    status_by = ForeignKeyField(Staff, on_delete="RESTRICT", backref="status_changes",
                                index=False)
    booked_at = DateTimeField()
    booked_by = ForeignKeyField(Staff, on_delete="RESTRICT", backref="bookings", index=False)
    late_cancellation = BooleanField(default=False)
    cancel_reason = TextField(null=True)
    version = IntegerField(default=1)
    # v6: the appointment this one replaced when it was rescheduled (that one is cancelled)
    rescheduled_from = ForeignKeyField("self", null=True, on_delete="RESTRICT",
                                       backref="rescheduled_to", index=False)

    class Meta:
        indexes = (
            (("patient", "kind", "status", "start"), False),  # the three lists
            (("patient", "start", "status"), False),          # seen days, next booked (covering)
            (("chair", "start"), False),                      # chair overlaps
        )


# v7: a day's agenda and the census. Every column the census and its trends count is in the
# index, so a month of days is read from the index alone (at 100,000 patients the 30-day
# trend went from 0.36 s to 0.12 s). It replaced the (start, status) index.
DAY_FIGURES_INDEX = "appointment_day_figures"
Appointment.add_index(ModelIndex(
    Appointment, (Appointment.start, Appointment.status, Appointment.kind,
                  Appointment.late_cancellation, Appointment.duration_minutes,
                  Appointment.patient), name=DAY_FIGURES_INDEX))


# v8: the few moved appointments are found by a partial index of the rows that have one
Appointment.add_index(ModelIndex(
    Appointment, (Appointment.rescheduled_from,), name="appointment_rescheduled_from_id",
    where=Appointment.rescheduled_from.is_null(False)))


class AppointmentEvent(BaseModel):
    """Every status change: when, who, from, to, why (the last one can be undone)."""
    id = AutoField()
    appointment = ForeignKeyField(Appointment, backref="events", on_delete="RESTRICT")
    at = DateTimeField()
    staff = ForeignKeyField(Staff, on_delete="RESTRICT", index=False)
    from_status = CharField(max_length=16, null=True)
    to_status = CharField(max_length=16)
    reason = TextField(default="")
    # v5: the status's time and author before this change (undo puts them back); the event
    # this one undid, if it is an undo
    from_status_at = DateTimeField(null=True)
    from_status_by = ForeignKeyField(Staff, null=True, on_delete="RESTRICT",
                                     backref="replaced_statuses", index=False)
    undoes = ForeignKeyField("self", null=True, on_delete="RESTRICT", backref="undone_by")


class PhaseChange(BaseModel):
    id = AutoField()
    # v8: (patient, at) below: a patient's history in time order, the phase as of a past day
    patient = ForeignKeyField(Patient, backref="phase_changes", on_delete="RESTRICT",
                              index=False)
    at = DateTimeField()
    staff = ForeignKeyField(Staff, on_delete="RESTRICT", index=False)
    from_phase = CharField(max_length=16, null=True)
    to_phase = CharField(max_length=16)
    reason = TextField(default="")
    # v5: what undoing the change needs: the phase_since before it, and the status change
    # that caused it (an automatic move when an infusion is completed)
    from_since = DateField(null=True)
    appointment_event = ForeignKeyField(AppointmentEvent, null=True, on_delete="RESTRICT")

    class Meta:
        indexes = ((("patient", "at"), False),)


class Measurement(BaseModel):
    """v5: questionnaire totals from the paper forms (PHQ-9 0-27, GAD-7 0-21)."""
    id = AutoField()
    patient = ForeignKeyField(Patient, backref="measurements", on_delete="RESTRICT")
    appointment = ForeignKeyField(Appointment, null=True, on_delete="RESTRICT")
    taken_at = DateTimeField()
    phq9 = IntegerField(null=True)
    gad7 = IntegerField(null=True)
    staff = ForeignKeyField(Staff, on_delete="RESTRICT")

    class Meta:
        indexes = ((("patient", "taken_at"), False),)


class RecallCall(BaseModel):
    """v6: one call to a patient on the recall lists, and how it went."""
    id = AutoField()
    patient = ForeignKeyField(Patient, backref="recall_calls", on_delete="RESTRICT")
    at = DateTimeField()
    staff = ForeignKeyField(Staff, on_delete="RESTRICT")
    outcome = CharField(max_length=16)
    call_back_on = DateField(null=True)
    note = TextField(default="")

    class Meta:
        indexes = ((("patient", "at"), False),)


class AuditEntry(BaseModel):
    """One row for every write: who, when, what and to which record."""
    id = AutoField()
    at = DateTimeField(index=True)
    staff = ForeignKeyField(Staff, on_delete="RESTRICT")
    action = CharField(max_length=64)
    entity = CharField(max_length=32)
    entity_id = IntegerField(null=True)
    detail = TextField(default="")


MODELS = [SchemaInfo, ClinicSetting, Staff, Chair, Patient, Appointment, AppointmentEvent,
          PhaseChange, Measurement, RecallCall, AuditEntry]
