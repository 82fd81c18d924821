"""Set-based writes: many rows per statement, never one ORM object per row.

PostgreSQL: each chunk of rows is streamed with `COPY ... FROM STDIN` into a temporary table and
moved with one `INSERT ... SELECT` (`ON CONFLICT (primary key) DO UPDATE` for an upsert). SQLite,
in process, gets executemany of `INSERT [... ON CONFLICT DO UPDATE]`. An upsert replaces a stored
row with the same key, as session.merge did row by row. `update_rows` sets columns of stored rows
by primary key: PostgreSQL joins the staged rows (analyzed, so the join walks the key's index)
with one `UPDATE ... FROM`; SQLite gets executemany of `UPDATE ... WHERE key`. Everything runs in
the caller's transaction, so a batch commits or rolls back whole.
"""

from __future__ import annotations

import io
import json
import zlib
from collections.abc import Iterable
from datetime import datetime
from operator import itemgetter

from sqlalchemy import JSON, Table, bindparam, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

CHUNK_SIZE = 2000  # SQLite executemany
COPY_CHUNK_SIZE = 50_000  # PostgreSQL COPY


def insert_rows(session: Session, model, rows: Iterable[dict], chunk_size: int = CHUNK_SIZE) -> int:
    """Insert rows (dicts of column values); returns how many."""
    return _write(session, _table(model), rows, chunk_size, replace=False)


def upsert(session: Session, model, rows: Iterable[dict], chunk_size: int = CHUNK_SIZE) -> int:
    """Insert rows, replacing a stored row with the same primary key; of equal keys among `rows`
    the last wins (one statement may not touch a key twice). Returns the number written."""
    return _write(session, _table(model), rows, chunk_size, replace=True)


def update_rows(session: Session, model, rows: list[dict]) -> int:
    """Set the columns given in `rows` (dicts holding the primary key and the same other columns)
    on the stored rows with those keys; a key not stored changes nothing. Returns len(rows)."""
    table = _table(model)
    if not rows:
        return 0
    keys = [column.name for column in table.primary_key.columns]
    if session.get_bind().dialect.name == "postgresql":
        for start in range(0, len(rows), COPY_CHUNK_SIZE):
            _copy_update(session, table, rows[start:start + COPY_CHUNK_SIZE], keys)
    else:
        statement = (update(table).where(*(table.c[k] == bindparam(f"key_{k}") for k in keys))
                     .values({name: bindparam(name) for name in rows[0] if name not in keys}))
        session.execute(statement, [{**row, **{f"key_{k}": row[k] for k in keys}} for row in rows])
    return len(rows)


def analyze(session: Session, *models) -> None:
    """Refresh the query planner's statistics of tables just bulk-written. Without them PostgreSQL
    may take a table of a million fresh rows for an empty one, and SQLite guesses ten rows per key,
    and either may then plan a few lookups as a scan of the million rows. PostgreSQL's ANALYZE
    reads a fixed sample (about a second for a million rows); SQLite's reads the indexes."""
    names = [f'"{_table(model).name}"' for model in models]
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE " + ", ".join(names)))
    else:
        for name in names:
            session.execute(text(f"ANALYZE {name}"))


def _table(model) -> Table:
    return model if isinstance(model, Table) else model.__table__


def _write(session: Session, table: Table, rows: Iterable[dict], chunk_size: int, replace: bool) -> int:
    keys = [column.name for column in table.primary_key.columns]
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        chunk_size = max(chunk_size, COPY_CHUNK_SIZE)
    written, pending = 0, {}
    key_of = itemgetter(*keys)
    for row in rows:
        pending[key_of(row) if replace else len(pending)] = row
        if len(pending) >= chunk_size:
            written += _flush(session, table, list(pending.values()), keys, postgres, replace)
            pending = {}
    return written + _flush(session, table, list(pending.values()), keys, postgres, replace)


def _flush(session: Session, table: Table, rows: list[dict], keys: list[str], postgres: bool, replace: bool) -> int:
    if not rows:
        return 0
    if postgres:
        return _copy(session, table, rows, keys, replace)
    statement = sqlite.insert(table)
    if replace:
        statement = statement.on_conflict_do_update(
            index_elements=keys, set_={c.name: statement.excluded[c.name] for c in table.columns if c.name not in keys})
    session.execute(statement, rows)
    return len(rows)


def _copy(session: Session, table: Table, rows: list[dict], keys: list[str], replace: bool) -> int:
    columns = [c for c in table.columns if c.name in rows[0]]
    names = ", ".join(f'"{c.name}"' for c in columns)
    cursor = session.connection().connection.dbapi_connection.cursor()
    try:
        staging = _staged(cursor, table, rows, columns)
        conflict = ""
        if replace:
            updates = ", ".join(f'"{c.name}" = EXCLUDED."{c.name}"' for c in columns if c.name not in keys)
            conflict = f" ON CONFLICT ({', '.join(keys)}) DO " + (f"UPDATE SET {updates}" if updates else "NOTHING")
        cursor.execute(f'INSERT INTO "{table.name}" ({names}) SELECT {names} FROM {staging}{conflict}')
    finally:
        cursor.close()
    return len(rows)


def _copy_update(session: Session, table: Table, rows: list[dict], keys: list[str]) -> None:
    columns = [c for c in table.columns if c.name in rows[0]]
    cursor = session.connection().connection.dbapi_connection.cursor()
    try:
        staging = _staged(cursor, table, rows, columns)
        cursor.execute(f"ANALYZE {staging}")  # without statistics the planner may scan the whole table
        updates = ", ".join(f'"{c.name}" = s."{c.name}"' for c in columns if c.name not in keys)
        matches = " AND ".join(f't."{k}" = s."{k}"' for k in keys)
        cursor.execute(f'UPDATE "{table.name}" AS t SET {updates} FROM {staging} AS s WHERE {matches}')
    finally:
        cursor.close()


def _staged(cursor, table: Table, rows: list[dict], columns) -> str:
    """COPY `rows` into a temporary table of `columns` (no constraints), emptied first; its name."""
    names = ", ".join(f'"{c.name}"' for c in columns)
    staging = f"aidvet_copy_{table.name}_{zlib.crc32(names.encode()):08x}"
    cursor.execute(f'CREATE TEMP TABLE IF NOT EXISTS {staging} ON COMMIT DROP AS '
                   f'SELECT {names} FROM "{table.name}" WITH NO DATA')
    cursor.execute(f"TRUNCATE {staging}")
    cursor.copy_expert(f"COPY {staging} ({names}) FROM STDIN", _copy_text(rows, columns))
    return staging


def _copy_text(rows: list[dict], columns) -> io.StringIO:
    """Rows in COPY's text format: tab-separated, \\N for NULL, backslash escapes."""
    values_of = itemgetter(*(c.name for c in columns)) if len(columns) > 1 else (lambda row: (row[columns[0].name],))
    json_flags = [isinstance(c.type, JSON) for c in columns]
    json_texts: dict[int, str] = {}  # id of a JSON value -> its text: rows often share one list object
    lines = ["\t".join([value if value.__class__ is str and not is_json and value.isprintable() and "\\" not in value
                         else _copy_value(value, is_json, json_texts)  # plain text goes as it is; the rest is escaped
                         for value, is_json in zip(values_of(row), json_flags)]) for row in rows]
    lines.append("")
    return io.StringIO("\n".join(lines))


def _copy_value(value, is_json: bool, json_texts: dict[int, str]) -> str:
    if value is None:
        return "\\N"
    if is_json:
        text = "[]" if value == [] else json_texts.get(id(value))  # the rows, alive, keep every id theirs
        if text is None:
            text = json_texts[id(value)] = json.dumps(value)
    elif isinstance(value, datetime):
        text = value.isoformat()
    else:
        text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
