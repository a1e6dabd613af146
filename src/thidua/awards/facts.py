"""The facts the eligibility engine reads, loaded set-based for many subjects.

Why a separate loader: checking 10,000 candidates one by one would send tens
of thousands of queries. Here every kind of fact (ratings, registry records,
initiatives with their authors, disciplinary measures, members of
collectives) is fetched with one query per chunk of up to 10,000 ids (fewer
on an SQLite build with a low limit on bound variables) — whatever the
number of candidates, and kept in plain dictionaries that the engine reads
in memory.

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
"""Ids per query at most. SQLite binds each id as a variable and older builds
allow only 999 of them: there a chunk is half the connection's limit (499);
current builds allow 32,766 or more. PostgreSQL takes the list as one array."""


class _Ids(Lookup):
    """``column IN (ids)`` for a list of plain integer ids, without the per-value
    preparation of Django's ``In`` (40,000 ids cost more to prepare than to
    query). On PostgreSQL the list is one array parameter: ``column = ANY(%s)``."""

    lookup_name = "ids"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[int]:
        return self.rhs

    def as_sql(self, compiler, connection):  # type: ignore[override]
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*lhs_params, self.rhs)
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", (*lhs_params, *self.rhs)


def _in(column: str, ids: list[int]) -> _Ids:
    """``column IN (ids)``, cheap to build for thousands of ids."""
    return _Ids(F(column), ids)


def chunks(ids: Iterable[int], size: int | None = None) -> Iterator[list[int]]:
    """Sorted, de-duplicated ids in lists of at most ``size`` (default: what the database takes)."""
    if size is None:
        limit = connection.features.max_query_params
        size = CHUNK if limit is None else max(1, min(CHUNK, limit // 2))
    items = sorted(set(ids))
    for start in range(0, len(items), size):
        yield items[start : start + size]


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


def _records(queryset, needs: Needs) -> Iterator[tuple]:
    qs = queryset.filter(
        status=RecordStatus.VALID,
        occasion__in=UNIQUE_PER_YEAR,
        award_type__code__in=sorted(needs.award_codes),
        year__lte=needs.last_year,
    )
    if not needs.any_earlier_year:
        qs = qs.filter(year__gte=needs.first_year)
    # Unordered: at most one such record per recipient, award and year (award_unique_*).
    return (
        qs.order_by()
        .values_list(
            "person_id",
            "unit_id",
            "household_id",
            "id",
            "award_type__code",
            "year",
            "decision_number",
            "decision_date",
        )
        .iterator(chunk_size=2000)
    )


def _add_records(rows: Iterable[tuple], facts: Facts) -> None:
    for person_id, unit_id, household_id, rid, code, year, number, date in rows:
        rec = RecordFact(rid, code, year, number, date)
        if person_id is not None:
            facts.person_records[person_id].append(rec)
        elif unit_id is not None:
            facts.unit_records[unit_id].append(rec)
        elif household_id is not None:
            facts.household_records[household_id].append(rec)


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
    for chunk in chunks(person_ids):
        for person_id, year, grade, source in (
            Rating.objects.filter(
                _in("person_id", chunk), year__gte=needs.first_year, year__lte=needs.last_year
            )
            .order_by()
            .values_list("person_id", "year", "grade", "source")
            .iterator(chunk_size=2000)
        ):  # keyed by year: any order
            facts.person_ratings[person_id][year] = RatingFact(year, grade, source)
        if needs.award_codes:
            _add_records(_records(AwardRecord.objects.filter(_in("person_id", chunk)), needs), facts)
        for row in (
            Initiative.authors.through.objects.filter(
                _in("person_id", chunk),
                initiative__year__gte=needs.first_year,
                initiative__year__lte=needs.last_year,
            )
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
            .iterator(chunk_size=2000)
        ):
            person_id, *values, consumed_status = row
            if values[7] is not None and consumed_status != RecordStatus.VALID:
                # A revoked award no longer stands: the initiative it used is free again.
                values[7:] = [None] * 6
            facts.initiatives[person_id].append(InitiativeFact(*values))
        for person_id, measure, start, end, number in Discipline.objects.filter(
            _in("person_id", chunk)
        ).values_list("person_id", "measure", "start_date", "end_date", "decision_number"):
            facts.disciplines[person_id].append(DisciplineFact(measure, start, end, number))
    for chunk in chunks(needs.unit_ids):
        for unit_id, year, grade, source in (
            Rating.objects.filter(
                _in("unit_id", chunk), year__gte=needs.first_year, year__lte=needs.last_year
            )
            .order_by()
            .values_list("unit_id", "year", "grade", "source")
            .iterator(chunk_size=2000)
        ):
            facts.unit_ratings[unit_id][year] = RatingFact(year, grade, source)
        if needs.award_codes:
            _add_records(_records(AwardRecord.objects.filter(_in("unit_id", chunk)), needs), facts)
    if needs.award_codes:
        for chunk in chunks(needs.household_ids):
            _add_records(_records(AwardRecord.objects.filter(_in("household_id", chunk)), needs), facts)
    return facts
