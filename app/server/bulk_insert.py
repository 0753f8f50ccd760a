"""PostgreSQL: many rows into one table in one short statement, the rows carried as one JSON
document (`json_to_recordset`).

The usual way — one multi-row `VALUES` with a placeholder per value — costs the server process
dearly: a batch of a hundred mentions is a statement of some 2,700 placeholders that the driver
parses in Python every time (too long for its cache), holding the GIL for about 20 ms while every
claim and stream waits (bench/bench_storm.py). Here the statement is short and the same for every
batch, the rows are serialised by the C JSON encoder, and PostgreSQL unpacks them. Each value
goes through its column type's own conversion first (an enum to its stored value, a time to UTC),
so what is stored is what an ORM insert stores."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Result, String, Table, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

_Convert = Callable[[Any], Any] | None


def _sql_type(column: Column[Any], dialect: Dialect) -> str:
    # Strings (enums too) travel as text: the column's own length check applies on insert,
    # with the same error as any other insert — never a silent cut.
    if isinstance(column.type, String):
        return "text"
    return column.type.compile(dialect=dialect)


def _json_default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot carry {type(value).__name__} in a JSON row")


def _python_defaults(table: Table, given: Sequence[str]) -> dict[str, Callable[[], Any]]:
    """The columns missing from the rows that have a default computed in Python (`default=` on
    the model: a version of 1, an empty list, now): an ORM or Core insert fills those in, so
    this insert does too. Defaults the database computes (ids) are left to it."""
    defaults: dict[str, Callable[[], Any]] = {}
    for column in table.columns:
        default = column.default
        if column.name in given or default is None:
            continue
        if default.is_scalar:
            defaults[column.name] = lambda value=default.arg: value  # type: ignore[attr-defined,misc]
        elif default.is_callable:
            defaults[column.name] = lambda make=default.arg: make(None)  # type: ignore[attr-defined,misc]
    return defaults


def _values(
    row: Mapping[str, Any], given: Sequence[str], defaults: Mapping[str, Callable[[], Any]]
) -> list[Any]:
    return [row[name] for name in given] + [make() for make in defaults.values()]


def insert_json_rows(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    on_conflict_do_nothing: Sequence[str] = (),
    returning: Sequence[str] = (),
) -> Result[*tuple[Any, ...]]:
    """INSERT `rows` (dicts with the same keys: column names) into `table` in one statement on
    the session's PostgreSQL connection; returns the result (`returning` columns, if any).
    `on_conflict_do_nothing`: the unique columns whose conflicts skip a row."""
    if not rows:
        raise ValueError("no rows to insert")
    dialect = session.get_bind().dialect
    preparer = dialect.identifier_preparer
    given = list(rows[0])
    defaults = _python_defaults(table, given)
    columns = [table.c[name] for name in [*given, *defaults]]
    converters: list[_Convert] = [
        None if isinstance(column.type, JSON) else column.type.bind_processor(dialect)
        for column in columns
    ]
    names = [preparer.quote(column.name) for column in columns]
    record = ", ".join(
        f"{name} {_sql_type(column, dialect)}" for name, column in zip(names, columns, strict=True)
    )
    statement = (
        f"INSERT INTO {preparer.format_table(table)} ({', '.join(names)}) "
        f"SELECT {', '.join(names)} FROM json_to_recordset(CAST(:rows AS json)) AS r({record})"
    )
    if on_conflict_do_nothing:
        keys = ", ".join(preparer.quote(name) for name in on_conflict_do_nothing)
        statement += f" ON CONFLICT ({keys}) DO NOTHING"
    if returning:
        statement += " RETURNING " + ", ".join(preparer.quote(name) for name in returning)
    keys_in_order = [column.name for column in columns]
    document = json.dumps(
        [
            {
                key: (convert(value) if convert is not None else value)
                for key, convert, value in zip(
                    keys_in_order, converters, _values(row, given, defaults), strict=True
                )
            }
            for row in rows
        ],
        default=_json_default,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    typed = text(statement).columns(*(table.c[name] for name in returning))
    return session.execute(typed, {"rows": document})
