"""The best hand-written SQL for the answers the services give (the floor a service is held
to), written for the question alone: the three lists, the desk's pagers (size + first page
of 60), the filter counts, the day agenda and the month day counts, as of a day D. SQLite's
dialect on its raw connection; dates as SQLite stores them (ISO text). Python only fetches
the rows. (PostgreSQL would need `x::date` for `date(x)` and `make_interval(months => m)`
for the due date: not written yet, so PostgreSQL's figures have no baseline.)"""

from __future__ import annotations

import datetime as dt
from dateutil.relativedelta import relativedelta

SEEN = "('arrived', 'completed', 'in_chair', 'recovery')"


def params(day: dt.date, today: dt.date) -> dict:
    def ts(d):
        return f"{d.isoformat()} 00:00:00"
    window_end = day + dt.timedelta(days=7)
    return {"D": day.isoformat(), "day_start": ts(day), "day_end": ts(day + dt.timedelta(days=1)),
            "cutoff": (day - relativedelta(months=1)).isoformat(),
            "cutoff_start": ts(day - relativedelta(months=1)),
            "window_end": window_end.isoformat(),
            "stall_before": (day - dt.timedelta(days=7)).isoformat(),
            "as_of_past": int(day < today)}


# The phase (and phase_since) as of D: the stored columns, unless the patient has a phase
# change after D; then the first such change's from_phase (or to_phase when it came from
# nothing) and since (from_since, else the day of the change before it, else the day of the
# change itself when from nothing, else registered_on).
CHANGED = "(SELECT c.patient_id FROM phase_change c WHERE c.at >= :day_end)"
FIRST_AFTER = ("(SELECT {col} FROM phase_change c WHERE c.patient_id = p.id "
               "AND c.at >= :day_end ORDER BY c.at, c.id LIMIT 1)")
PHASE_HIST = FIRST_AFTER.format(col="COALESCE(c.from_phase, c.to_phase)")
SINCE_HIST = FIRST_AFTER.format(col=(
    "COALESCE(c.from_since, (SELECT date(MAX(b.at)) FROM phase_change b WHERE "
    "b.patient_id = p.id AND b.at < :day_end), CASE WHEN c.from_phase IS NULL "
    "THEN date(c.at) ELSE p.registered_on END)"))


def phase_sql(changed: bool):
    if not changed:
        return "p.phase", "p.phase_since", lambda value: f"p.phase = '{value}'"
    phase = f"CASE WHEN p.id IN {CHANGED} THEN {PHASE_HIST} ELSE p.phase END"
    since = f"CASE WHEN p.id IN {CHANGED} THEN {SINCE_HIST} ELSE p.phase_since END"
    # (not the OR of the stored phase's index and the changed patients: SQLite 3.40's
    # multi-index OR then drops rows when another term reads the same IN subquery)
    return phase, since, lambda value: f"{phase} = '{value}'"


def any_change_after(conn, p) -> bool:
    if not p["as_of_past"]:
        return False
    return conn.execute("SELECT EXISTS (SELECT 1 FROM phase_change WHERE at >= ?)",
                        (p["day_end"],)).fetchone()[0] == 1


CI = "a.patient_id = p.id AND a.kind = 'infusion' AND a.status = 'completed'"
BI = "a.patient_id = p.id AND a.kind = 'infusion' AND a.status = 'booked' AND a.start >= :day_start"


def mid_sql(changed):
    phase, since, phase_is = phase_sql(changed)
    return f"""
SELECT chart_number, last_name || ', ' || first_name AS name, k, stabilization_target,
       date(last_ever), date(next_infusion),
       next_infusion IS NULL AND MAX(since, COALESCE(date(last_ever), since)) < :stall_before
FROM (SELECT p.chart_number, p.last_name, p.first_name, p.stabilization_target, {since} AS since,
        (SELECT COUNT(*) FROM appointment a WHERE {CI} AND a.start >= {since} AND a.start < :day_end) AS k,
        (SELECT MAX(a.start) FROM appointment a WHERE {CI} AND a.start < :day_end) AS last_ever,
        (SELECT MIN(a.start) FROM appointment a WHERE {BI}) AS next_infusion
      FROM patient p WHERE p.registered_on <= :D AND {phase_is('stabilization')} LIMIT -1)
WHERE k >= 0
ORDER BY name, chart_number"""
# stalled uses the last completed infusion *since phase_since*: last_ever when it is on or
# after since (else none, and the reference is since itself) -- MAX() of the two does both.


def _threshold():
    return "CASE p.maintenance_interval_months " + " ".join(
        f"WHEN {m} THEN :thr{m}" for m in range(1, 13)) + " END"


def thresholds(day: dt.date) -> dict:
    """last infusion before thr{m} <=> its date + m months <= D + 7 (relativedelta)."""
    import calendar
    limit = day + dt.timedelta(days=7)
    out = {}
    for m in range(1, 13):
        back = limit - relativedelta(months=m)
        if limit.day == calendar.monthrange(limit.year, limit.month)[1]:
            back = back.replace(day=calendar.monthrange(back.year, back.month)[1])
        out[f"thr{m}"] = f"{(back + dt.timedelta(days=1)).isoformat()} 00:00:00"
    return out


DUE_ON = ("COALESCE(MIN(date(last, '+' || months || ' months'), "
          "date(last, 'start of month', '+' || (months + 1) || ' months', '-1 day')), since)")


def due_sql(changed, tail=""):
    phase, since, phase_is = phase_sql(changed)
    return f"""
SELECT chart_number, last_last || ', ' || first_name, date(last), {DUE_ON} AS due_on,
       {DUE_ON} < :D {tail}
FROM (SELECT p.id, p.chart_number, p.last_name AS last_last, p.first_name,
             p.maintenance_interval_months AS months, {since} AS since,
             (SELECT MAX(a.start) FROM appointment a WHERE {CI} AND a.start < :day_end) AS last
      FROM patient p
      WHERE p.registered_on <= :D AND {phase_is('maintenance')}
        AND NOT EXISTS (SELECT 1 FROM appointment a WHERE {CI} AND a.start >= {_threshold()} AND a.start < :day_end)
        AND NOT EXISTS (SELECT 1 FROM appointment a WHERE {BI})
      LIMIT -1)
WHERE last IS NOT NULL OR since <= :window_end
ORDER BY due_on, chart_number"""


def not_seen_sql(changed, tail=""):
    phase, since, phase_is = phase_sql(changed)
    return f"""
SELECT p.chart_number, p.last_name || ', ' || p.first_name, {phase},
       date((SELECT MAX(a.start) FROM appointment a WHERE a.patient_id = p.id AND a.status IN {SEEN} AND a.start < :day_end)) AS last_seen,
       date((SELECT MIN(a.start) FROM appointment a WHERE a.patient_id = p.id AND a.status = 'booked' AND a.start >= :day_start)) {tail}
FROM patient p
WHERE p.registered_on <= :D AND NOT {phase_is('discharged')}
  AND NOT EXISTS (SELECT 1 FROM appointment a WHERE a.patient_id = p.id AND a.status IN {SEEN} AND a.start >= :cutoff_start AND a.start < :day_end)
  AND (p.registered_on < :cutoff OR EXISTS (SELECT 1 FROM appointment a WHERE a.patient_id = p.id AND a.status IN {SEEN} AND a.start < :day_end))
ORDER BY last_seen, p.chart_number"""  # NULLs (never seen) first


def lists(conn, day: dt.date, today: dt.date):
    p = params(day, today) | thresholds(day)
    changed = any_change_after(conn, p)
    return (conn.execute(mid_sql(changed), p).fetchall(),
            conn.execute(due_sql(changed), p).fetchall(),
            conn.execute(not_seen_sql(changed), p).fetchall())


# --- the desk: filter counts, pagers (size + first page of 60), agenda, month counts ---------

def counts(conn, day: dt.date, today: dt.date) -> dict:
    p = params(day, today) | thresholds(day)
    changed = any_change_after(conn, p)
    phase, since, phase_is = phase_sql(changed)
    one = lambda sql: conn.execute(sql, p).fetchone()[0]
    return {
        "all": one("SELECT COUNT(*) FROM patient"),
        "mid": one(f"SELECT COUNT(*) FROM patient p WHERE p.registered_on <= :D AND {phase_is('stabilization')}"),
        "due": one(f"""SELECT COUNT(*) FROM patient p WHERE p.registered_on <= :D AND {phase_is('maintenance')}
            AND NOT EXISTS (SELECT 1 FROM appointment a WHERE {CI} AND a.start >= {_threshold()} AND a.start < :day_end)
            AND NOT EXISTS (SELECT 1 FROM appointment a WHERE {BI})
            AND ({since} <= :window_end OR EXISTS (SELECT 1 FROM appointment a WHERE {CI} AND a.start < :day_end))"""),
        "not_seen": one(f"""SELECT COUNT(*) FROM patient p WHERE p.registered_on <= :D AND NOT {phase_is('discharged')}
            AND NOT EXISTS (SELECT 1 FROM appointment a WHERE a.patient_id = p.id AND a.status IN {SEEN} AND a.start >= :cutoff_start AND a.start < :day_end)
            AND (p.registered_on < :cutoff OR EXISTS (SELECT 1 FROM appointment a WHERE a.patient_id = p.id AND a.status IN {SEEN} AND a.start < :day_end))"""),
        "day": one("SELECT COUNT(DISTINCT patient_id) FROM appointment WHERE start >= :day_start AND start < :day_end AND status != 'cancelled'"),
    }


def _row_columns(since: str) -> str:
    """What a row of the desk's list shows, for the patient p of a page: k (in phase), the
    last completed infusion, the next booked infusion, last seen, next booked of any kind,
    and the latest recall call."""
    return f"""
        (SELECT COUNT(*) FROM appointment a WHERE {CI} AND a.start >= {since} AND a.start < :day_end),
        (SELECT MAX(a.start) FROM appointment a WHERE {CI} AND a.start < :day_end),
        (SELECT MIN(a.start) FROM appointment a WHERE {BI}),
        (SELECT MAX(a.start) FROM appointment a WHERE a.patient_id = p.id AND a.status IN {SEEN} AND a.start < :day_end),
        (SELECT MIN(a.start) FROM appointment a WHERE a.patient_id = p.id AND a.status = 'booked' AND a.start >= :day_start),
        (SELECT r.at || ' ' || r.outcome || ' ' || COALESCE(r.call_back_on, '') FROM recall_call r WHERE r.patient_id = p.id ORDER BY r.id DESC LIMIT 1)"""


def pager_mid(conn, day: dt.date, today: dt.date, limit: int = 60):
    p = params(day, today) | thresholds(day)
    changed = any_change_after(conn, p)
    phase, since, phase_is = phase_sql(changed)
    where = f"p.registered_on <= :D AND {phase_is('stabilization')}"
    size = conn.execute(f"SELECT COUNT(*) FROM patient p WHERE {where}", p).fetchone()[0]
    rows = conn.execute(f"""SELECT p.id, p.chart_number, p.last_name || ', ' || p.first_name, {phase},
        {since}, p.stabilization_target, p.maintenance_interval_months, p.search_key, {_row_columns(since)}
        FROM patient p WHERE {where} ORDER BY p.search_key, p.id LIMIT {limit}""", p).fetchall()
    return size, rows


def pager_due(conn, day: dt.date, today: dt.date, limit: int = 60):
    p = params(day, today) | thresholds(day)
    changed = any_change_after(conn, p)
    phase, since, _ = phase_sql(changed)
    members = due_sql(changed, tail=", id AS pid, COUNT(*) OVER () AS size")
    return _top(conn, p, members, limit, phase, since, "top.due_on, top.chart_number")


def pager_not_seen(conn, day: dt.date, today: dt.date, limit: int = 60):
    p = params(day, today) | thresholds(day)
    changed = any_change_after(conn, p)
    phase, since, _ = phase_sql(changed)
    members = not_seen_sql(changed, tail=", p.id AS pid, COUNT(*) OVER () AS size")
    return _top(conn, p, members, limit, phase, since, "top.last_seen, top.chart_number")


def _top(conn, p, members_sql, limit, phase, since, order):
    """The members in the list's order (members_sql, with pid and size), the first `limit`
    with their rows' columns, and how many members there are."""
    rows = conn.execute(f"""
        SELECT p.id, p.chart_number, p.last_name || ', ' || p.first_name, {phase}, {since},
               p.stabilization_target, p.maintenance_interval_months, p.search_key,
               {_row_columns(since)}, top.size
        FROM ({members_sql} LIMIT {limit}) top JOIN patient p ON p.id = top.pid
        ORDER BY {order}""", p).fetchall()
    return (rows[0][-1] if rows else 0), rows


def agenda(conn, day: dt.date):
    return conn.execute("""
        SELECT a.id, a.start, a.duration_minutes, ch.name, p.id, p.chart_number,
               p.last_name || ', ' || p.first_name, a.kind, a.status
        FROM appointment a JOIN patient p ON a.patient_id = p.id
        LEFT JOIN chair ch ON a.chair_id = ch.id
        WHERE a.start >= ? AND a.start < ?
        ORDER BY a.start, ch.position IS NULL, ch.position, ch.name, p.search_key, a.id""",
        (f"{day} 00:00:00", f"{day + dt.timedelta(days=1)} 00:00:00")).fetchall()


def month_counts(conn, first: dt.date, last: dt.date):
    """Each day counted on its own range of the start index (the days a list of values)."""
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    sql = ("WITH d(a, b) AS (VALUES " + ", ".join("(?, ?)" for _ in days) + ") "
           "SELECT d.a, (SELECT COUNT(*) FROM appointment WHERE start >= d.a AND start < d.b "
           "AND status != 'cancelled') FROM d")
    bounds = [f"{d + dt.timedelta(days=k)} 00:00:00" for d in days for k in (0, 1)]
    return {a[:10]: n for a, n in conn.execute(sql, bounds) if n}


def baselines(database: str, day: dt.date) -> dict:
    """bench/services.py's figures as hand-written SQL on the open clinic's connection
    (SQLite only: the SQL above is SQLite's dialect)."""
    if database != "sqlite":
        return {}
    from frontdesk import clock
    from frontdesk.db import models as m
    conn = m.database.obj.connection()
    today = clock.today()
    first = day.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return {
        "mid stabilization list: size + first page": lambda: pager_mid(conn, day, today),
        "due for maintenance list: size + first page": lambda: pager_due(conn, day, today),
        "not seen over a month list: size + first page":
            lambda: pager_not_seen(conn, day, today),
        "filter counts (the five buttons)": lambda: counts(conn, day, today),
        "day agenda": lambda: agenda(conn, day),
        "month day counts": lambda: month_counts(conn, first, last),
        "the three lists, whole (desk_lists)": lambda: lists(conn, day, today),
    }
