"""Hand-written SQL for the few hot paths, keeping the ORM's conversions.

Why: on a contest's closing-hour path (start an attempt, submit it) building
and compiling ORM queries cost more CPU than everything else the request does
(bench/contest_load.py: ~8 ms of app-server CPU per request against 1,75 ms
for a one-row ORM view). These helpers take the SQL text as built once per
process and still pass every value through the model field's own conversion
(JSON, datetimes with time zones, booleans on SQLite), so the statements stay
portable between SQLite and PostgreSQL and the rows read back are ordinary
model instances (fields not selected are deferred: reading one loads it).

Use them only where a benchmark shows the need; everywhere else the ORM is the
clearer tool. Identifiers come from model metadata only; values are always
parameters (hence the ``noqa: S608`` on the statements).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, models


def qn(name: str) -> str:
    """The quoted identifier for the default database."""
    return connection.ops.quote_name(name)


def table(model: type[models.Model]) -> str:
    return qn(model._meta.db_table)


def columns(model: type[models.Model], names: Iterable[str], alias: str = "") -> str:
    """``alias."col1", alias."col2"`` for the model's fields ``names``."""
    prefix = f"{alias}." if alias else ""
    return ", ".join(prefix + qn(model._meta.get_field(n).column) for n in names)


def column(model: type[models.Model], name: str) -> str:
    return qn(model._meta.get_field(name).column)


def load[M: models.Model](model: type[M], names: Sequence[str], values: Sequence[Any]) -> M:
    """A model instance from raw column values, converted as the ORM would
    (``from_db_value`` and the backend's converters); other fields deferred."""
    fields = [model._meta.get_field(n) for n in names]
    converted = []
    for field, value in zip(fields, values, strict=True):
        col = field.get_col(model._meta.db_table)
        for converter in connection.ops.get_db_converters(col) + field.get_db_converters(connection):
            value = converter(value, col, connection)
        converted.append(value)
    # from_db expects the values in the model's field order
    order = {f.attname: i for i, f in enumerate(model._meta.concrete_fields)}
    pairs = sorted(zip((f.attname for f in fields), converted, strict=True), key=lambda nv: order[nv[0]])
    return model.from_db(connection.alias, [n for n, _ in pairs], [v for _, v in pairs])


def fetch_one(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def fetch_all(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _prep(model: type[models.Model], name: str, value: Any) -> Any:
    return model._meta.get_field(name).get_db_prep_save(value, connection)


def insert(instance: models.Model, names: Sequence[str]) -> int:
    """INSERT the instance's ``names`` (the rest take their database
    defaults — list every field without one) and set its primary key.
    ``RETURNING`` works on PostgreSQL and SQLite ≥ 3.35."""
    model = type(instance)
    fields = [model._meta.get_field(n) for n in names]
    sql = (
        f"INSERT INTO {table(model)} ({', '.join(qn(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {qn(model._meta.pk.column)}"
    )
    params = [f.get_db_prep_save(getattr(instance, f.attname), connection) for f in fields]
    row = fetch_one(sql, params)
    assert row is not None
    instance.pk = row[0]
    instance._state.adding = False
    instance._state.db = connection.alias
    return row[0]


def update(
    model: type[models.Model], values: Mapping[str, Any], where: str, where_params: Sequence[Any]
) -> int:
    """``UPDATE table SET … WHERE <where>``; returns the number of rows changed
    (compare-and-set callers put the expected state in ``where``)."""
    assignments = ", ".join(f"{column(model, n)} = %s" for n in values)
    params = [_prep(model, n, v) for n, v in values.items()] + list(where_params)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table(model)} SET {assignments} WHERE {where}", params)  # noqa: S608
        return cursor.rowcount


def update_many(model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """``UPDATE table SET name1 = …, name2 = … WHERE pk = …`` for each row
    ``(value1, value2, …, pk)`` — one statement sent with ``executemany``
    (pipelined by psycopg). Why not ``bulk_update``: its CASE WHEN per row and
    column took seconds to compile for a few thousand rows, longer than the
    updates themselves."""
    fields = [model._meta.get_field(n) for n in names]
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in fields)
    sql = f"UPDATE {table(model)} SET {assignments} WHERE {qn(model._meta.pk.column)} = %s"  # noqa: S608
    params = [
        [f.get_db_prep_save(v, connection) for f, v in zip(fields, row[:-1], strict=True)] + [row[-1]]
        for row in rows
    ]
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
