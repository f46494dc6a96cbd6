"""Indexes for the desk's search as you type, and the conditions that use them.

A search for part of a name or phone number cannot use an ordinary index, and scanning
100,000 patients takes longer than a frame. So:

- SQLite: two FTS5 tables over `patient`, kept in step by triggers. `patient_trigram` (the
  trigram tokenizer) finds any part of 3+ characters of the name key or the phone number;
  `patient_words` (word tokens with prefix indexes) finds name parts by their first 1 or 2
  characters. Both hold only the index, not a copy of the text (external content).
- PostgreSQL: pg_trgm GIN indexes on the same columns serve the LIKE conditions.
- Without them (PostgreSQL without permission to add pg_trgm, an SQLite older than 3.34)
  search still finds the same patients, by scanning with LIKE.
- Both: indexes on two expressions of the chart number, its upper case (for its start) and
  its number (domain.search.chart_value).

`matching(terms)` is one condition on `patient` for every reading of a search
(domain.search.SearchTerms) and `count(terms)` their number; both databases find the same.
"""

from __future__ import annotations

import operator
from functools import reduce
from weakref import WeakKeyDictionary

from peewee import SQL, Database, OperationalError, fn

from frontdesk.db import models as m
from frontdesk.db.connection import is_sqlite
from frontdesk.domain.search import CHART_LEAD, SearchTerms

P = m.Patient

TRIGRAM = "patient_trigram"
WORDS = "patient_words"
#: Each FTS5 table and the patient columns it indexes.
_INDEXED = {TRIGRAM: ("search_key", "phone"), WORDS: ("search_key",)}
#: The chart expressions, written exactly as indexed, so SQLite uses the indexes.
CHART_UPPER = "upper(chart_number)"
CHART_VALUE = f"ltrim(upper(chart_number), '{CHART_LEAD}')"
#: Past every character: a prefix's upper bound.
_LAST_CHAR = "\U0010ffff"


# --- building the indexes ------------------------------------------------------------------------

def install(db: Database) -> None:
    """Create the indexes (and fill them from the patients already stored)."""
    for name, expression in (("patient_chart_upper", CHART_UPPER),
                             ("patient_chart_value", CHART_VALUE)):
        db.execute_sql(f'CREATE INDEX "{name}" ON "patient" (({expression}))')
    if is_sqlite(db):
        _has_fts.pop(db, None)
        try:
            with db.atomic():  # a savepoint, as on PostgreSQL below
                _install_fts(db)
        except OperationalError:  # an SQLite without FTS5's trigram tokenizer (before 3.34)
            pass                  # searches scan instead
    else:
        _install_trigram_indexes(db)


#: Whether each open SQLite database has the FTS tables.
_has_fts: WeakKeyDictionary[Database, bool] = WeakKeyDictionary()


def _uses_fts() -> bool:
    db = m.database.obj
    if not is_sqlite(db):
        return False
    if db not in _has_fts:
        _has_fts[db] = TRIGRAM in db.get_tables()
    return _has_fts[db]


def _install_fts(db: Database) -> None:
    db.execute_sql(f"CREATE VIRTUAL TABLE {TRIGRAM} USING fts5("
                   f"{', '.join(_INDEXED[TRIGRAM])}, content='patient', content_rowid='id', "
                   "tokenize='trigram')")
    db.execute_sql(f"CREATE VIRTUAL TABLE {WORDS} USING fts5("
                   f"{', '.join(_INDEXED[WORDS])}, content='patient', content_rowid='id', "
                   "tokenize='unicode61 remove_diacritics 0', prefix='1 2')")

    def add(row: str) -> str:
        return "".join(f"INSERT INTO {table}(rowid, {', '.join(cols)}) VALUES ({row}.id, "
                       f"{', '.join(f'{row}.{c}' for c in cols)}); "
                       for table, cols in _INDEXED.items())

    def remove(row: str) -> str:  # external content: the old values must be given back
        return "".join(f"INSERT INTO {table}({table}, rowid, {', '.join(cols)}) VALUES "
                       f"('delete', {row}.id, {', '.join(f'{row}.{c}' for c in cols)}); "
                       for table, cols in _INDEXED.items())

    indexed = sorted({column for columns in _INDEXED.values() for column in columns})
    db.execute_sql("CREATE TRIGGER patient_search_insert AFTER INSERT ON patient "
                   f"BEGIN {add('new')}END")
    db.execute_sql("CREATE TRIGGER patient_search_delete AFTER DELETE ON patient "
                   f"BEGIN {remove('old')}END")
    db.execute_sql(f"CREATE TRIGGER patient_search_update AFTER UPDATE OF {', '.join(indexed)} "
                   f"ON patient BEGIN {remove('old')}{add('new')}END")
    for table in _INDEXED:
        db.execute_sql(f"INSERT INTO {table}({table}) VALUES ('rebuild')")


def _install_trigram_indexes(db: Database) -> None:
    try:
        with db.atomic():  # a savepoint: a refusal must not end the migration's transaction
            db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # no permission, or contrib not installed: search scans instead
        return
    for column in _INDEXED[TRIGRAM]:
        db.execute_sql(f'CREATE INDEX "patient_{column}_trgm" ON "patient" '
                       f'USING gin ("{column}" gin_trgm_ops)')


# --- searching ------------------------------------------------------------------------------------

def _phrase(text: str) -> str:
    """An FTS5 string: the text as it is, whatever its characters."""
    return '"' + text.replace('"', '""') + '"'


def _fts_ids(terms: SearchTerms) -> tuple[list[str], list[str]]:
    """SQLite: SELECTs of the ids the FTS tables find (name and phone readings), and their
    parameters."""
    selects, params = [], []

    def fts(table: str, query: str) -> str:
        params.append(query)
        return f"SELECT rowid FROM {table} WHERE {table} MATCH ?"

    if terms.words or terms.word_starts:
        parts = []
        if terms.words:
            parts.append(fts(TRIGRAM, " AND ".join(f"search_key : {_phrase(w)}"
                                                   for w in terms.words)))
        if terms.word_starts:
            parts.append(fts(WORDS, " AND ".join(f"{_phrase(w)} *" for w in terms.word_starts)))
        # INTERSECT, not "rowid IN": FTS5 would run its MATCH once per rowid in the list
        selects.append(parts[0] if len(parts) == 1
                       else f"SELECT * FROM ({' INTERSECT '.join(parts)})")
    if terms.phone_digits:
        selects.append(fts(TRIGRAM, f"phone : {_phrase(terms.phone_digits)}"))
    return selects, params


def _chart_conditions(terms: SearchTerms, *, indexed: bool = True) -> list:
    """`indexed=False` keeps SQLite off the chart indexes (unary +), for a name-index walk."""
    plus = "" if indexed else "+"
    upper, value = SQL(plus + CHART_UPPER), SQL(plus + CHART_VALUE)
    found = []
    if terms.chart_start:
        found.append((upper >= terms.chart_start) & (upper < terms.chart_start + _LAST_CHAR))
    if terms.chart_value:
        found.append(value == terms.chart_value)
    return found


def _exact_conditions(terms: SearchTerms) -> list:
    found = []
    if terms.dates:
        found.append(P.date_of_birth.in_(list(terms.dates)))
    if terms.phone_e164:
        found.append(P.phone == terms.phone_e164)
    return found


def _like_conditions(terms: SearchTerms) -> list:
    """The name and phone readings as plain LIKE conditions (what pg_trgm serves)."""
    found = []
    name = [P.search_key.contains(w) for w in terms.words]
    name += [P.search_key.startswith(w) | P.search_key.contains(" " + w)
             for w in terms.word_starts]
    if name:
        found.append(reduce(operator.and_, name))
    if terms.phone_digits:
        found.append(P.phone.contains(terms.phone_digits))
    return found


def matching(terms: SearchTerms, *, walk_names: bool = False):
    """One condition on `patient` that holds for the patients a search finds (None when
    nothing was typed; never true when the text reads as no key).

    SQLite, `walk_names`: the caller walks the name index and tests each patient against the
    search, which beats fetching and sorting the matches when they are many: the first page
    of a common name part is found within its first few hundred names."""
    if terms.empty:
        return None
    if not terms.readable:
        return SQL("1 = 0")
    if not _uses_fts():
        found = _exact_conditions(terms) + _like_conditions(terms) + _chart_conditions(terms)
    elif walk_names:
        selects, params = _fts_ids(terms)
        found = _exact_conditions(terms) + _chart_conditions(terms, indexed=False)
        if selects:  # id + 0: tested against the matches, not looked up by them
            found.append((P.id + 0).in_(SQL(f"({' UNION '.join(selects)})", params)))
    else:
        found = [P.id.in_(_ids_select(terms))]
    return reduce(operator.or_, found)


def _ids_select(terms: SearchTerms):
    """SQLite: one compound SELECT of the ids a search finds, each reading by its index."""
    selects, params = _fts_ids(terms)
    others = _exact_conditions(terms) + _chart_conditions(terms)
    if others:
        query = P.select(P.id).where(reduce(operator.or_, others))
        sql, more = query.sql()
        selects.append(sql)
        params += more
    return SQL(f"({' UNION '.join(selects)})", params)


def count(terms: SearchTerms) -> int:
    """How many patients a search finds."""
    if terms.empty:
        return P.select(fn.COUNT(SQL("*"))).scalar()
    if not terms.readable:
        return 0
    if not _uses_fts():
        return P.select(fn.COUNT(SQL("*"))).where(matching(terms)).scalar()
    ids = _ids_select(terms)
    return m.database.obj.execute_sql(f"SELECT count(*) FROM {ids.sql}", ids.params).fetchone()[0]
