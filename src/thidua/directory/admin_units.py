"""Vietnam's administrative units (provinces, districts until 30/6/2025,
communes) shipped with thidua and put in the directory on ``migrate``.

Why they are data in the package and not typed in by each installation: every
award, report and person hangs off a locality, and since 1/7/2025 half of the
localities in old records no longer exist. Loading the whole official map, old
and new, with the succession links between them, lets a commune today find the
records made for the district and communes it was formed from
(``selectors.lineage``), without anybody re-creating 14,000 units by hand.

The rows come from ``data/admin_units.json.gz``, written by
``scripts/build_admin_units.py`` from the ``vietnam-provinces`` package (see
docs/data-sources.md). The loader runs inside a data migration, so it only
uses the models it is handed (historical models have no custom methods and no
services): it fills ``path``, ``depth`` and ``search_key`` itself, exactly as
``services.unit_create`` would.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Protocol

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import CharField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat

from thidua.core.text import fold

DATA_FILE = "admin_units.json.gz"
ADMIN_KINDS = ("province", "district", "commune")
# Codes of the shipped units start with these letters (T tỉnh, H huyện, X xã).
_CODE_PREFIXES = ("T", "H", "X")
_BATCH = 1000
_UPDATE_BATCH = 5000


class _AppsLike(Protocol):
    def get_model(self, app_label: str, model_name: str) -> Any: ...


@dataclass(frozen=True)
class LoadResult:
    """What one run of the loader did (all zeros but ``units_existing`` on a re-run)."""

    units_created: int
    units_existing: int
    successions_created: int


@dataclass(frozen=True)
class AdminUnitRow:
    code: str
    name: str
    kind: str
    parent: str | None
    admin_code: str
    valid_from: dt.date | None
    valid_to: dt.date | None


@dataclass(frozen=True)
class SuccessionRow:
    predecessor: str
    successor: str
    kind: str
    note: str


@dataclass(frozen=True)
class AdminUnitData:
    source: dict[str, str]
    units: tuple[AdminUnitRow, ...]
    successions: tuple[SuccessionRow, ...]


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@cache
def read_data() -> AdminUnitData:
    """The shipped rows, parents before children. Read once per process."""
    raw = resources.files("thidua.directory").joinpath("data", DATA_FILE).read_bytes()
    payload = json.loads(gzip.decompress(raw))
    if payload.get("format") != 1:
        raise ValueError(f"{DATA_FILE}: định dạng không hỗ trợ ({payload.get('format')!r})")
    ucols = {name: i for i, name in enumerate(payload["unit_columns"])}
    scols = {name: i for i, name in enumerate(payload["succession_columns"])}
    units = tuple(
        AdminUnitRow(
            code=r[ucols["code"]],
            name=r[ucols["name"]],
            kind=r[ucols["kind"]],
            parent=r[ucols["parent"]],
            admin_code=r[ucols["admin_code"]],
            valid_from=_date(r[ucols["valid_from"]]),
            valid_to=_date(r[ucols["valid_to"]]),
        )
        for r in payload["units"]
    )
    successions = tuple(
        SuccessionRow(
            predecessor=r[scols["predecessor"]],
            successor=r[scols["successor"]],
            kind=r[scols["kind"]],
            note=r[scols["note"]],
        )
        for r in payload["successions"]
    )
    return AdminUnitData(source=payload["source"], units=units, successions=successions)


def load_admin_units(apps: _AppsLike, using: str = DEFAULT_DB_ALIAS) -> LoadResult:
    """Create the shipped administrative units and succession links that are
    missing from database ``using``; leave every existing row as it is.

    ``apps`` is the migration's app registry (historical models) or
    ``django.apps.apps``. Idempotent: a unit is matched by ``code`` and a link
    by (predecessor, successor), so running it again — after an upgrade that
    ships more rows, say — only adds what is new. An existing unit keeps its
    name, dates and place in the tree; new children are put under it.
    """
    Unit = apps.get_model("directory", "Unit")
    UnitSuccession = apps.get_model("directory", "UnitSuccession")
    data = read_data()
    units = Unit.objects.using(using)

    with transaction.atomic(using=using):
        wanted = {row.code for row in data.units}
        prefix_q = Q()
        for prefix in _CODE_PREFIXES:
            prefix_q |= Q(code__startswith=prefix)
        # code → (id, path, depth) of every shipped unit already in the database.
        known: dict[str, tuple[int, str, int]] = {
            code: (pk, path, depth)
            for code, pk, path, depth in units.filter(prefix_q).values_list("code", "pk", "path", "depth")
            if code in wanted
        }
        existing = len(known)

        # Waves by depth in the shipped tree: a wave's parents are all known
        # (existing or created by the previous wave) before it is inserted.
        depth_of: dict[str, int] = {}
        waves: dict[int, list[AdminUnitRow]] = {}
        for row in data.units:
            depth_of[row.code] = 0 if row.parent is None else depth_of[row.parent] + 1
            if row.code not in known:
                waves.setdefault(depth_of[row.code], []).append(row)

        created = 0
        for level in sorted(waves):
            created += _create_wave(Unit, using, waves[level], known)

        effective = dt.date.fromisoformat(data.source["effective_date"])
        successions = _create_successions(UnitSuccession, using, data.successions, known, effective)
    return LoadResult(units_created=created, units_existing=existing, successions_created=successions)


def _reserve_ids(Unit: Any, using: str, count: int) -> list[int] | None:
    """``count`` fresh primary keys for ``Unit``, or None where we cannot tell.

    Why: a unit's ``path`` contains its own id. Knowing the ids before the
    INSERT writes each row once; otherwise every row is written a second time
    to set its path, which doubles the load time (and the index churn)."""
    connection = connections[using]
    table, column = Unit._meta.db_table, Unit._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # nextval() is atomic: concurrent inserts can never get these ids.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor == "sqlite":
            # Take SQLite's write lock first (a deferred transaction has none
            # yet), then go past both the highest id and the AUTOINCREMENT
            # counter, so that ids of deleted units are never reused.
            q_table, q_column = connection.ops.quote_name(table), connection.ops.quote_name(column)
            cursor.execute(f"UPDATE {q_table} SET {q_column} = {q_column} WHERE 0")  # noqa: S608
            cursor.execute(f"SELECT MAX({q_column}) FROM {q_table}")  # noqa: S608
            highest = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            start = max(highest, row[0] if row else 0) + 1
            return list(range(start, start + count))
    return None


def _create_wave(
    Unit: Any, using: str, rows: list[AdminUnitRow], known: dict[str, tuple[int, str, int]]
) -> int:
    """Insert one level of units (their parents are all in ``known``) with their ``path``."""
    ids = _reserve_ids(Unit, using, len(rows))
    objs = []
    for i, row in enumerate(rows):
        parent = known[row.parent] if row.parent is not None else None
        pk = ids[i] if ids else None
        objs.append(
            Unit(
                pk=pk,
                code=row.code,
                name=row.name,
                kind=row.kind,
                parent_id=parent[0] if parent else None,
                path=f"{parent[1] if parent else '/'}{pk}/" if pk else "",
                depth=parent[2] + 1 if parent else 0,
                admin_code=row.admin_code,
                valid_from=row.valid_from,
                valid_to=row.valid_to,
                search_key=fold(f"{row.name} {row.code}"),
            )
        )
    Unit.objects.using(using).bulk_create(objs, batch_size=_BATCH)
    if ids is None:
        _fill_paths(Unit, using, objs)
    for obj, row in zip(objs, rows, strict=True):
        parent_path = known[row.parent][1] if row.parent is not None else "/"
        known[row.code] = (obj.pk, f"{parent_path}{obj.pk}/", obj.depth)
    return len(objs)


def _fill_paths(Unit: Any, using: str, objs: list[Any]) -> None:
    """Set ``path`` after the insert, on a database whose ids we could not reserve."""
    if any(obj.pk is None for obj in objs):  # a backend that cannot return ids from a bulk insert
        by_code = dict(
            Unit.objects.using(using).filter(code__in=[o.code for o in objs]).values_list("code", "pk")
        )
        for obj in objs:
            obj.pk = by_code[obj.code]
    # One UPDATE per few thousand rows, computed by the database from the
    # parent's path: bulk_update's CASE per row costs seconds for 10,000 rows.
    parent_path = Unit.objects.using(using).filter(pk=OuterRef("parent_id")).values("path")[:1]
    path = Concat(
        Coalesce(Subquery(parent_path), Value("/")),
        Cast("pk", output_field=CharField()),
        Value("/"),
        output_field=CharField(),
    )
    ids = [obj.pk for obj in objs]
    for start in range(0, len(ids), _UPDATE_BATCH):
        Unit.objects.using(using).filter(pk__in=ids[start : start + _UPDATE_BATCH]).update(path=path)


def _create_successions(
    UnitSuccession: Any,
    using: str,
    rows: tuple[SuccessionRow, ...],
    known: dict[str, tuple[int, str, int]],
    effective: dt.date,
) -> int:
    """Insert the links not yet there (unique on predecessor and successor)."""
    succession_qs = UnitSuccession.objects.using(using)
    ids = {pk for pk, _path, _depth in known.values()}
    present = {
        pair
        for pair in succession_qs.filter(predecessor__kind__in=ADMIN_KINDS).values_list(
            "predecessor_id", "successor_id"
        )
        if pair[0] in ids
    }
    objs = []
    for row in rows:
        pair = (known[row.predecessor][0], known[row.successor][0])
        if pair in present:
            continue
        present.add(pair)
        objs.append(
            UnitSuccession(
                predecessor_id=pair[0],
                successor_id=pair[1],
                effective_date=effective,
                kind=row.kind,
                note=row.note,
            )
        )
    succession_qs.bulk_create(objs, batch_size=_BATCH)
    return len(objs)


def unload_admin_units(apps: _AppsLike, using: str = DEFAULT_DB_ALIAS) -> int:
    """Delete the administrative units (the reverse of the data migration).

    Deepest first, because ``parent`` is PROTECT; anything still attached to
    them (people, agencies created under a province …) stops the deletion
    with ProtectedError rather than being lost silently."""
    Unit = apps.get_model("directory", "Unit")
    qs = Unit.objects.using(using).exclude(admin_code="").filter(kind__in=ADMIN_KINDS)
    deleted = 0
    with transaction.atomic(using=using):
        depths = sorted(set(qs.values_list("depth", flat=True)), reverse=True)
        for depth in depths:
            count, _ = qs.filter(depth=depth).delete()
            deleted += count
    return deleted
