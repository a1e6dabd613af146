"""Fixtures for the eligibility engine: a builder of facts written with the ORM directly
(ratings, registry records, initiatives, disciplinary measures), so engine tests do not
depend on the awards services."""

from __future__ import annotations

import datetime as dt
from itertools import count

import pytest

from thidua.awards.models import AwardRecord, AwardType, Discipline, Initiative, Rating
from thidua.directory import services as directory
from thidua.directory.models import Person, PersonPosting, Unit


def letters(i: int) -> str:
    """0 → "A", 25 → "Z", 26 → "Ba": names may hold letters only."""
    out = ""
    while True:
        out = chr(ord("a") + i % 26) + out
        i //= 26
        if i == 0:
            return out.capitalize()


class Facts:
    """Writes the facts a test needs, with the owner unit set as the services would."""

    def __init__(self, tree: dict[str, Unit]) -> None:
        self.tree = tree
        self._n = count(1)

    def person(
        self,
        name: str | None = None,
        unit: str = "XA1",
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> Person:
        person = directory.person_create(
            actor=None,
            full_name=name or f"Người Thử {letters(next(self._n))}",
            gender="female",
            unit=self.tree[unit],
            start_date=start,
        )
        if end is not None:
            PersonPosting.objects.filter(person=person).update(end_date=end)
        return person

    def rating(self, subject: Person | Unit, year: int, grade: str, source: str = "") -> Rating:
        if isinstance(subject, Person):
            return Rating.objects.create(
                person=subject, owner_unit=subject.unit, year=year, grade=grade, source=source
            )
        return Rating.objects.create(unit=subject, owner_unit=subject, year=year, grade=grade, source=source)

    def ratings(self, subject: Person | Unit, grades: dict[int, str]) -> None:
        for year, grade in grades.items():
            self.rating(subject, year, grade)

    def award(
        self,
        subject: Person | Unit,
        code: str,
        year: int,
        *,
        number: str = "",
        date: dt.date | None = None,
        occasion: str = "regular",
        status: str = "valid",
        owner: Unit | None = None,
    ) -> AwardRecord:
        is_person = isinstance(subject, Person)
        return AwardRecord.objects.create(
            award_type=AwardType.objects.get(code=code),
            recipient_kind="individual" if is_person else "collective",
            person=subject if is_person else None,
            unit=None if is_person else subject,
            owner_unit=owner or (subject.unit if is_person else subject),
            year=year,
            occasion=occasion,
            status=status,
            decision_number=number,
            decision_date=date,
        )

    def initiative(
        self,
        person: Person,
        year: int,
        scope: str = "base",
        *,
        title: str | None = None,
        number: str = "",
        consumed_by: AwardRecord | None = None,
    ) -> Initiative:
        ini = Initiative.objects.create(
            title=title or f"Sáng kiến số {next(self._n)}",
            year=year,
            scope=scope,
            owner_unit=person.unit,
            decision_number=number,
            consumed_by=consumed_by,
        )
        ini.authors.add(person)
        return ini

    def discipline(
        self, person: Person, measure: str, start: dt.date, end: dt.date | None = None, number: str = ""
    ) -> Discipline:
        return Discipline.objects.create(
            person=person,
            measure=measure,
            start_date=start,
            end_date=end,
            decision_number=number,
            owner_unit=person.unit,
        )


@pytest.fixture
def mk(tree) -> Facts:
    return Facts(tree)
