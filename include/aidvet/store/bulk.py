"""Set-based writes: many rows per statement, never one ORM object per row.

PostgreSQL gets multi-row `INSERT ... VALUES (...), (...)` statements of `CHUNK_SIZE` rows (one
round trip each); SQLite, in process, gets executemany. `upsert` adds `ON CONFLICT (primary key)
DO UPDATE`, so a row already stored is replaced, as session.merge did row by row.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

CHUNK_SIZE = 2000


def insert_rows(session: Session, model, rows: Iterable[dict], chunk_size: int = CHUNK_SIZE) -> int:
    """Insert rows (dicts of column values); returns how many."""
    return _write(session, _table(model), rows, chunk_size, replace=False)


def upsert(session: Session, model, rows: Iterable[dict], chunk_size: int = CHUNK_SIZE) -> int:
    """Insert rows, replacing a stored row with the same primary key; of equal keys among `rows`
    the last wins (one statement may not touch a key twice). Returns the number written."""
    return _write(session, _table(model), rows, chunk_size, replace=True)


def _table(model) -> Table:
    return model if isinstance(model, Table) else model.__table__


def _write(session: Session, table: Table, rows: Iterable[dict], chunk_size: int, replace: bool) -> int:
    keys = [column.name for column in table.primary_key.columns]
    postgres = session.get_bind().dialect.name == "postgresql"
    written, pending = 0, {}
    for row in rows:
        pending[tuple(row[k] for k in keys) if replace else len(pending)] = row
        if len(pending) >= chunk_size:
            written += _flush(session, table, list(pending.values()), keys, postgres, replace)
            pending = {}
    return written + _flush(session, table, list(pending.values()), keys, postgres, replace)


def _flush(session: Session, table: Table, rows: list[dict], keys: list[str], postgres: bool, replace: bool) -> int:
    if not rows:
        return 0
    insert = postgresql.insert if postgres else sqlite.insert
    statement = insert(table).values(rows) if postgres else insert(table)
    if replace:
        statement = statement.on_conflict_do_update(
            index_elements=keys, set_={c.name: statement.excluded[c.name] for c in table.columns if c.name not in keys})
    if postgres:
        session.execute(statement)
    else:
        session.execute(statement, rows)
    return len(rows)
