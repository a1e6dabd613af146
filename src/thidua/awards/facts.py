"""The facts the eligibility engine reads, loaded set-based for many subjects.

Why a separate loader: checking 10,000 candidates one by one would send tens
of thousands of queries. Here every kind of fact (ratings, registry records,
initiatives with their authors, disciplinary measures of people and of
collectives, members of collectives) is fetched with one query per chunk of
up to 10,000 ids — whatever the number of candidates — and kept in plain
dictionaries that the engine reads in memory. The ids go into the SQL as one literal list or one
array (:class:`IdList`) and the rows come straight from the driver
(:func:`_rows`): at 10,000 candidates binding the ids one by one and the
ORM's per-row work cost as much as the queries.

Only what can count is loaded: valid registry records of a regular or tenure
occasion (thematic and sudden awards never count toward chains, D152 art.
4(3); a revoked record counts for nothing), and only the award types the
criteria trees name.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import NamedTuple

from django.db import connection
from django.db.models import F, Q
from django.db.models.lookups import Lookup

from thidua.awards.enums import RecordStatus
from thidua.awards.models import UNIQUE_PER_YEAR, AwardRecord, Discipline, Initiative, Rating
from thidua.directory.models import PersonPosting, Unit

CHUNK = 10_000
"""Ids per query at most (a 60 kB literal list on SQLite, one array on PostgreSQL)."""


class IdList(list):
    """Integer ids written into SQL as one value: a literal list on SQLite, one
    array parameter on PostgreSQL — built once and reused by every fact query
    of a chunk.

    Why not Django's ``In``: 10,000 ids cost more to prepare and bind than to
    query (a placeholder each, rewritten one by one by the SQLite backend's
    regular expression; one array element each, dumped in Python, on
    PostgreSQL). Every id is passed through ``int()``, so the literal cannot
    carry anything but digits."""

    def __init__(self, ids: Iterable[int]) -> None:
        super().__init__(int(i) for i in ids)
        self.csv = ",".join(map(str, self))


class _Ids(Lookup):
    """``column IN (ids)`` for an :class:`IdList`: ``IN (1,2,…)`` on SQLite,
    ``column = ANY(%s::bigint[])`` with the array as one text parameter on PostgreSQL."""

    lookup_name = "ids"
    prepare_rhs = False

    def get_prep_lookup(self) -> IdList:
        return self.rhs

    def as_sql(self, compiler, connection):  # type: ignore[override]
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids: IdList = self.rhs
        if not ids:
            return "1 = 0", ()
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, f"{{{ids.csv}}}")
        return f"{lhs} IN ({ids.csv})", tuple(lhs_params)


def _in(column: str, ids: IdList) -> _Ids:
    """``column IN (ids)``, cheap to build for thousands of ids."""
    return _Ids(F(column), ids)


def _rows(queryset) -> list[tuple]:
    """The rows of a ``values_list`` query as the driver returns them.

    Skips the ORM's per-row machinery (converters, iterator), which costs as
    much as the query itself for 10,000 rows; the drivers already return the
    Python types the ORM would (SQLite parses ``date``/``bool`` columns by
    their declared type, see the sqlite3 backend's ``register_converter``)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def chunks(ids: Iterable[int], size: int | None = None) -> Iterator[IdList]:
    """Sorted, de-duplicated ids in lists of at most ``size`` (default :data:`CHUNK`).

    The ids are not bound as variables (see :class:`IdList`), so SQLite's limit
    on bound variables does not apply."""
    size = size or CHUNK
    items = sorted({int(i) for i in ids})
    for start in range(0, len(items), size):
        yield IdList(items[start : start + size])


class RatingFact(NamedTuple):
    year: int
    grade: str
    source: str


class RecordFact(NamedTuple):
    id: int
    code: str
    year: int
    decision_number: str
    decision_date: dt.date | None


class InitiativeFact(NamedTuple):
    id: int
    title: str
    year: int
    scope: str
    is_research: bool
    decision_number: str
    decision_date: dt.date | None
    consumed_by: int | None
    consumed_code: str | None
    consumed_year: int | None
    consumed_person: int | None
    consumed_unit: int | None
    consumed_household: int | None


class DisciplineFact(NamedTuple):
    measure: str
    start: dt.date
    end: dt.date | None
    decision_number: str


class PostingFact(NamedTuple):
    person_id: int
    start: dt.date | None
    end: dt.date | None


@dataclass
class Facts:
    """Everything known about the subjects of one engine call, keyed by id."""

    person_ratings: dict[int, dict[int, RatingFact]] = field(default_factory=lambda: defaultdict(dict))
    unit_ratings: dict[int, dict[int, RatingFact]] = field(default_factory=lambda: defaultdict(dict))
    person_records: dict[int, list[RecordFact]] = field(default_factory=lambda: defaultdict(list))
    unit_records: dict[int, list[RecordFact]] = field(default_factory=lambda: defaultdict(list))
    household_records: dict[int, list[RecordFact]] = field(default_factory=lambda: defaultdict(list))
    initiatives: dict[int, list[InitiativeFact]] = field(default_factory=lambda: defaultdict(list))
    disciplines: dict[int, list[DisciplineFact]] = field(default_factory=lambda: defaultdict(list))
    # a collective's own measures (the unit's, not its members'), keyed by unit id
    unit_disciplines: dict[int, list[DisciplineFact]] = field(default_factory=lambda: defaultdict(list))
    unit_paths: dict[int, str] = field(default_factory=dict)
    person_names: dict[int, str] = field(default_factory=dict)
    # postings by the path of the unit they are in; members are found by path prefix
    postings_by_path: dict[str, list[PostingFact]] = field(default_factory=lambda: defaultdict(list))

    def members(self, unit_id: int, year: int) -> list[int]:
        """People posted in the unit or any unit under it at some time during ``year``."""
        path = self.unit_paths.get(unit_id)
        if not path:
            return []
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        found: set[int] = set()
        for unit_path, postings in self.postings_by_path.items():
            if not unit_path.startswith(path):
                continue
            for p in postings:
                if (p.start is None or p.start <= last) and (p.end is None or p.end >= first):
                    found.add(p.person_id)
        return sorted(found)


@dataclass
class Needs:
    """What to load: ids per subject kind and the year window the criteria look at."""

    person_ids: set[int] = field(default_factory=set)
    unit_ids: set[int] = field(default_factory=set)
    household_ids: set[int] = field(default_factory=set)
    member_unit_ids: set[int] = field(default_factory=set)
    member_years: set[int] = field(default_factory=set)
    first_year: int = 9999
    last_year: int = 0
    any_earlier_year: bool = False
    award_codes: set[str] = field(default_factory=set)


def _ratings(column: str, ids: IdList, first: int, last: int, into: dict[int, dict[int, RatingFact]]) -> None:
    """The ratings of years ``first``–``last`` of the subjects ``column IN ids``, into ``into``."""
    rows = _rows(
        Rating.objects.filter(_in(column, ids), year__gte=first, year__lte=last)
        .order_by()
        .values_list("year", "grade", "source", column)
    )
    # A row is (year, grade, source, subject): the fact is its first three. tuple.__new__
    # is what RatingFact._make calls, without the Python-level wrapper.
    new = tuple.__new__
    for row in rows:  # keyed by year: any order
        into[row[3]][row[0]] = new(RatingFact, row[:3])


def _records(column: str, ids: IdList, needs: Needs, into: dict[int, list[RecordFact]]) -> None:
    """The registry records that can count, of the subjects ``column IN ids``, into ``into``."""
    qs = AwardRecord.objects.filter(
        _in(column, ids),
        status=RecordStatus.VALID,
        occasion__in=UNIQUE_PER_YEAR,
        award_type__code__in=sorted(needs.award_codes),
        year__lte=needs.last_year,
    )
    if not needs.any_earlier_year:
        qs = qs.filter(year__gte=needs.first_year)
    # Unordered: at most one such record per recipient, award and year (award_unique_*).
    rows = _rows(
        qs.order_by().values_list(
            column, "id", "award_type__code", "year", "decision_number", "decision_date"
        )
    )
    new = tuple.__new__  # as in _ratings
    for row in rows:
        into[row[0]].append(new(RecordFact, row[1:]))


def _disciplines(column: str, ids: IdList, into: dict[int, list[DisciplineFact]]) -> None:
    """The disciplinary measures of the subjects ``column IN ids`` (people or units), into ``into``,
    newest first (every measure counts: one that ended limits which earlier years count)."""
    for subject, measure, start, end, number in _rows(
        Discipline.objects.filter(_in(column, ids)).values_list(  # newest first (Meta)
            column, "measure", "start_date", "end_date", "decision_number"
        )
    ):
        into[subject].append(DisciplineFact(measure, start, end, number))


def _load_members(needs: Needs, facts: Facts) -> set[int]:
    """Postings overlapping the member years in the candidate units' subtrees."""
    if not needs.member_unit_ids or not needs.member_years:
        return set()
    for chunk in chunks(needs.member_unit_ids):
        facts.unit_paths.update(Unit.objects.filter(pk__in=chunk).values_list("id", "path"))
    paths = sorted(p for p in set(facts.unit_paths.values()) if p)
    # Drop prefixes covered by a shorter one: the subtree query needs only the tops.
    tops: list[str] = []
    for path in paths:
        if not any(path.startswith(top) for top in tops):
            tops.append(path)
    first = dt.date(min(needs.member_years), 1, 1)
    last = dt.date(max(needs.member_years), 12, 31)
    people: set[int] = set()
    for start in range(0, len(tops), 200):
        subtree = reduce(or_, (Q(unit__path__startswith=top) for top in tops[start : start + 200]))
        rows = (
            PersonPosting.objects.filter(subtree)
            .filter(Q(start_date__isnull=True) | Q(start_date__lte=last))
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
            .values_list("person_id", "unit__path", "start_date", "end_date", "person__full_name")
        )
        for person_id, path, start_date, end_date, name in rows:
            facts.postings_by_path[path].append(PostingFact(person_id, start_date, end_date))
            facts.person_names[person_id] = name
            people.add(person_id)
    return people


def load(needs: Needs) -> Facts:
    """Load every fact ``needs`` asks for, in a number of queries that does not
    depend on how many candidates there are (one per kind and chunk of ids)."""
    facts = Facts()
    if needs.last_year == 0:
        return facts
    members = _load_members(needs, facts)
    person_ids = needs.person_ids | members
    first, last = needs.first_year, needs.last_year
    for chunk in chunks(person_ids):
        _ratings("person_id", chunk, first, last, facts.person_ratings)
        if needs.award_codes:
            _records("person_id", chunk, needs, facts.person_records)
        for row in _rows(
            Initiative.authors.through.objects.filter(
                _in("person_id", chunk), initiative__year__gte=first, initiative__year__lte=last
            )
            .order_by()
            .values_list(
                "person_id",
                "initiative_id",
                "initiative__title",
                "initiative__year",
                "initiative__scope",
                "initiative__is_research",
                "initiative__decision_number",
                "initiative__decision_date",
                "initiative__consumed_by_id",
                "initiative__consumed_by__award_type__code",
                "initiative__consumed_by__year",
                "initiative__consumed_by__person_id",
                "initiative__consumed_by__unit_id",
                "initiative__consumed_by__household_id",
                "initiative__consumed_by__status",
            )
        ):
            person_id, *values, consumed_status = row
            if values[7] is not None and consumed_status != RecordStatus.VALID:
                # A revoked award no longer stands: the initiative it used is free again.
                values[7:] = [None] * 6
            facts.initiatives[person_id].append(InitiativeFact(*values))
        _disciplines("person_id", chunk, facts.disciplines)
    for chunk in chunks(needs.unit_ids):
        _ratings("unit_id", chunk, first, last, facts.unit_ratings)
        _disciplines("unit_id", chunk, facts.unit_disciplines)
        if needs.award_codes:
            _records("unit_id", chunk, needs, facts.unit_records)
    if needs.award_codes:
        for chunk in chunks(needs.household_ids):
            _records("household_id", chunk, needs, facts.household_records)
    return facts
