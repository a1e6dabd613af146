"""Reads on the awards core, always narrowed to what the user may see.

Scope: a record, rating, initiative or discipline belongs to its
``owner_unit`` (the recipient's unit when it was given); a user sees those
whose owner unit lies in the units their roles cover for ``awards.view``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import unit_scope
from thidua.awards.enums import RecordStatus
from thidua.awards.models import (
    AwardRecord,
    AwardRule,
    AwardType,
    Discipline,
    Initiative,
    Rating,
    RuleSet,
)
from thidua.directory.models import Unit

OWNER = "owner_unit__"


def _covers(start: dt.date | None, end: dt.date | None, on: dt.date) -> bool:
    return (start is None or start <= on) and (end is None or on <= end)


@dataclass
class RuleBook:
    """Every rule set and award rule, loaded once: an import of 10,000 rows
    asks "which rule on this date?" without a query per row."""

    rule_sets: list[RuleSet] = field(default_factory=list)
    rules: dict[int, list[AwardRule]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> RuleBook:
        book = cls(rule_sets=list(RuleSet.objects.order_by(F("valid_from").asc(nulls_first=True))))
        by_id = {rs.pk: rs for rs in book.rule_sets}
        for rule in AwardRule.objects.order_by(F("valid_from").asc(nulls_first=True), "pk"):
            rule.rule_set = by_id[rule.rule_set_id]  # no query per rule for rule.rule_set
            book.rules.setdefault(rule.award_type_id, []).append(rule)
        return book

    def rule_set_on(self, on: dt.date) -> RuleSet | None:
        return next((rs for rs in self.rule_sets if _covers(rs.valid_from, rs.valid_to, on)), None)

    def rule_for(self, award_type: AwardType, on: dt.date, issuer: Unit | None = None) -> AwardRule | None:
        """The rule set covering ``on``, then that award type's rule covering
        ``on`` in it; a rule of the issuing body (``issuer``) wins over the general one."""
        rule_set = self.rule_set_on(on)
        if rule_set is None:
            return None
        return select_rule(self.rules.get(award_type.pk, []), rule_set.pk, on, issuer.pk if issuer else None)


def select_rule(
    rules: Iterable[AwardRule], rule_set_id: int, on: dt.date, issuer_id: int | None
) -> AwardRule | None:
    """Among one award type's ``rules``, the one of ``rule_set_id`` whose own dates
    cover ``on``: the issuing body's own rule first, then the general one; the
    latest version when several cover the day. The one definition of "which
    rule applies", shared by the registry (:class:`RuleBook`) and the engine."""
    best: AwardRule | None = None
    for rule in rules:
        if rule.rule_set_id != rule_set_id or not _covers(rule.valid_from, rule.valid_to, on):
            continue
        if rule.issuer_id is not None and rule.issuer_id != issuer_id:
            continue
        rank = (rule.issuer_id is not None, rule.valid_from or dt.date.min, rule.pk)
        if best is None or rank >= (best.issuer_id is not None, best.valid_from or dt.date.min, best.pk):
            best = rule
    return best


def rule_for(award_type: AwardType, as_of: dt.date, issuer: Unit | None = None) -> AwardRule | None:
    """The award rule in force on ``as_of`` (see :class:`RuleBook`)."""
    return RuleBook.load().rule_for(award_type, as_of, issuer)


def award_types() -> dict[str, AwardType]:
    return {t.code: t for t in AwardType.objects.all()}


def _scoped(qs: QuerySet[Any], user: Any, perm: str = Perm.VIEW_AWARDS) -> QuerySet[Any]:
    scope = unit_scope(user, perm, OWNER)
    return qs if scope is None else qs.filter(scope)


def _in_unit(qs: QuerySet[Any], unit: Unit | None, include_subunits: bool) -> QuerySet[Any]:
    if unit is None:
        return qs
    if include_subunits:
        return qs.filter(owner_unit__path__startswith=unit.path)
    return qs.filter(owner_unit=unit)


def records_for(user: Any, perm: str = Perm.VIEW_AWARDS) -> QuerySet[AwardRecord]:
    return _scoped(AwardRecord.objects.all(), user, perm)


def records_list(
    user: Any,
    *,
    year: int | None = None,
    award_type: AwardType | None = None,
    unit: Unit | None = None,
    include_subunits: bool = False,
    person_id: int | None = None,
    status: str | None = None,
    missing_basis: bool | None = None,
) -> QuerySet[AwardRecord]:
    qs = records_for(user).select_related("award_type", "person", "unit", "household", "owner_unit")
    qs = _in_unit(qs, unit, include_subunits)
    if year is not None:
        qs = qs.filter(year=year)
    if award_type is not None:
        qs = qs.filter(award_type=award_type)
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    if status:
        qs = qs.filter(status=status)
    if missing_basis is not None:
        qs = qs.filter(missing_basis=missing_basis)
    return qs.order_by("-year", "-decision_date", "id")


def ratings_list(
    user: Any,
    *,
    year: int | None = None,
    unit: Unit | None = None,
    include_subunits: bool = False,
    person_id: int | None = None,
) -> QuerySet[Rating]:
    qs = _in_unit(_scoped(Rating.objects.all(), user), unit, include_subunits)
    if year is not None:
        qs = qs.filter(year=year)
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    return qs.select_related("person", "unit").order_by("-year", "id")


def initiatives_list(
    user: Any, *, year: int | None = None, unit: Unit | None = None, include_subunits: bool = False
) -> QuerySet[Initiative]:
    qs = _in_unit(_scoped(Initiative.objects.all(), user), unit, include_subunits)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.prefetch_related("authors").order_by("-year", "id")


def disciplines_list(
    user: Any, *, unit: Unit | None = None, include_subunits: bool = False, person_id: int | None = None
) -> QuerySet[Discipline]:
    qs = _in_unit(_scoped(Discipline.objects.all(), user), unit, include_subunits)
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    return qs.order_by("-start_date", "id")


# --- statistics ---------------------------------------------------------------------

KINDS = ("collective", "individual", "household")


def award_stats(
    user: Any, *, year: int, unit: Unit | None = None, include_subunits: bool = True
) -> dict[str, Any]:
    """Valid records of ``year`` counted per award type and deciding level, by
    recipient kind: one GROUP BY over the registry, names joined in memory.

    A recipient is counted once per award type and level even if it holds
    several records of it (thematic awards of the same year)."""
    qs = records_for(user).filter(year=year, status=RecordStatus.VALID)
    qs = _in_unit(qs, unit, include_subunits)
    rows = (
        qs.order_by()
        .values("award_type_id", "authority_level")
        .annotate(
            collective=Count("unit_id", distinct=True, filter=Q(recipient_kind="collective")),
            individual=Count("person_id", distinct=True, filter=Q(recipient_kind="individual")),
            household=Count("household_id", distinct=True, filter=Q(recipient_kind="household")),
        )
    )
    rows = list(rows)
    types = {t.pk: t for t in AwardType.objects.filter(pk__in={r["award_type_id"] for r in rows})}
    items = [
        {
            "award_type": types[r["award_type_id"]].code,
            "name": types[r["award_type_id"]].name,
            "authority_level": r["authority_level"],
            **{k: r[k] for k in KINDS},
        }
        for r in rows
    ]
    items.sort(key=lambda i: (-types_rank(types, i["award_type"]), i["award_type"], i["authority_level"]))
    totals = {k: sum(i[k] for i in items) for k in KINDS}
    return {"year": year, "unit": unit.pk if unit else None, "items": items, "totals": totals}


def types_rank(types: dict[int, AwardType], code: str) -> int:
    return next((t.rank for t in types.values() if t.code == code), 0)
