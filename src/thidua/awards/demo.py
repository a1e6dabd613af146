"""Demo award history for the seed localities, written through the services.

So that ``make run`` shows a register, a catalogue in use, eligibility
verdicts and "what's next" panels: three years of ratings (2022–2024) for the
people who worked in Huyện Minh Long and Huyện Mường La, a few initiatives,
and the district's yearly decisions (LĐTT, CSTĐ cơ sở, Tập thể LĐTT, Giấy
khen) for those years, signed by the district, as the seeds report them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q

from thidua.awards import services
from thidua.awards.enums import Grade, InitiativeScope
from thidua.directory.models import Person, PersonPosting, Unit

DISTRICTS = ("Huyện Minh Long", "Huyện Mường La")
YEARS = (2022, 2023, 2024)
GRADE_WEIGHTS = {Grade.HTXSNV: 0.18, Grade.HTTNV: 0.62, Grade.HTNV: 0.18, Grade.KHTNV: 0.02}


@dataclass
class AwardsDemoResult:
    ratings: int = 0
    initiatives: int = 0
    awards: Counter = field(default_factory=Counter)

    def __str__(self) -> str:
        given = ", ".join(f"{n} {code}" for code, n in sorted(self.awards.items()))
        return f"Khen thưởng mẫu: {self.ratings} lượt xếp loại, {self.initiatives} sáng kiến, {given}."


def _grade(rng: random.Random) -> str:
    return rng.choices(list(GRADE_WEIGHTS), weights=list(GRADE_WEIGHTS.values()))[0]


def _staff(district: Unit, year: int) -> list[Person]:
    """People with a posting in the district's subtree during ``year``."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    postings = PersonPosting.objects.filter(unit__path__startswith=district.path).filter(
        Q(start_date__isnull=True) | Q(start_date__lte=end), Q(end_date__isnull=True) | Q(end_date__gte=start)
    )
    return list(
        Person.objects.filter(pk__in=postings.values("person_id")).select_related("unit").order_by("id")
    )


def load_awards_demo(rng: random.Random | None = None) -> AwardsDemoResult:
    """Write the demo history (actor=None: the operator at the server)."""
    rng = rng or random.Random(2023)
    result = AwardsDemoResult()
    for name in DISTRICTS:
        district = Unit.objects.filter(kind="district", name=name).first()
        if district is None:
            continue
        agencies = list(
            Unit.objects.filter(parent=district, kind__in=["agency", "department", "mass_org"]).order_by(
                "code"
            )
        )
        for year in YEARS:
            decision_date = dt.date(year + 1, 1, 20)
            number = f"{rng.randint(10, 99)}/QĐ-UBND"
            staff = _staff(district, year)
            grades = {p.pk: _grade(rng) for p in staff}
            for person in staff:
                services.rating_set(actor=None, year=year, grade=grades[person.pk], person=person,
                                    source=f"Biên bản xếp loại năm {year}")  # fmt: skip
                result.ratings += 1
            excellent = [p for p in staff if grades[p.pk] == Grade.HTXSNV]
            for person in rng.sample(excellent, k=len(excellent) // 3):
                services.initiative_create(
                    actor=None, title=f"Sáng kiến cải tiến công tác năm {year} của {person.full_name}",
                    authors=[person], year=year, scope=InitiativeScope.BASE, recognised_by=district,
                    decision_number=f"{rng.randint(100, 999)}/QĐ-HĐSK", decision_date=dt.date(year, 12, 15),
                )  # fmt: skip
                result.initiatives += 1
            common = {
                "year": year,
                "decision_date": decision_date,
                "authority": district,
                "authority_level": "district",
            }
            good = [p for p in staff if grades[p.pk] in (Grade.HTXSNV, Grade.HTTNV)]
            for person in good:
                services.award_record_create(
                    actor=None, award_type="LDTT", person=person, decision_number=number, **common
                )
                result.awards["LDTT"] += 1
            for person in excellent[: max(1, len(excellent) // 2)]:
                services.award_record_create(
                    actor=None, award_type="CSTD_CS", person=person, decision_number=number, **common
                )
                result.awards["CSTD_CS"] += 1
            for agency in agencies[: len(agencies) // 2]:
                services.award_record_create(
                    actor=None, award_type="TTLDTT", unit=agency, decision_number=number, **common
                )
                result.awards["TTLDTT"] += 1
            for person in rng.sample(good, k=min(len(good), 6)):
                services.award_record_create(
                    actor=None, award_type="GK", person=person, decision_number=f"{rng.randint(100, 199)}/QĐ-UBND",
                    **common,
                )  # fmt: skip
                result.awards["GK"] += 1
    return result
