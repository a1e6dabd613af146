"""Reads on the directory, always narrowed to what the user may see."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from thidua.accounts.enums import Perm
from thidua.accounts.models import User
from thidua.accounts.scoping import people_for, units_for
from thidua.core.text import fold
from thidua.directory.models import Person, Unit, UnitSuccession


def search_terms(q: str | None) -> list[str]:
    return [t for t in fold(q or "").split(" ") if t][:8]


def people_list(
    user: User,
    *,
    q: str | None = None,
    unit: Unit | None = None,
    include_subunits: bool = False,
    active_only: bool = False,
) -> QuerySet[Person]:
    """People visible to ``user``, filtered, in Vietnamese order (given name first)."""
    qs = people_for(user, Perm.VIEW_DIRECTORY).select_related("unit")
    terms = search_terms(q)
    if terms:
        # The whole query as typed must appear in the folded name ("nguyen van"
        # matches "Nguyễn Văn Đức", not "Văn Nguyễn"), which one LIKE answers.
        qs = qs.filter(search_key__contains=" ".join(terms))
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path) if include_subunits else qs.filter(unit=unit)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("sort_key", "id")


def units_list(
    user: User,
    *,
    q: str | None = None,
    parent: Unit | None = None,
    kind: str | None = None,
    valid_on: dt.date | None = None,
) -> QuerySet[Unit]:
    qs = units_for(user, Perm.VIEW_DIRECTORY).select_related("parent")
    terms = search_terms(q)
    for term in terms:
        qs = qs.filter(search_key__contains=term)
    if parent is not None:
        qs = qs.filter(parent=parent)
    if kind:
        qs = qs.filter(kind=kind)
    if valid_on is not None:
        qs = qs.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=valid_on)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=valid_on)
        )
    return qs.order_by("path")


def lineage(unit: Unit) -> list[Unit]:
    """``unit`` and every unit it succeeded, transitively — so a commune today
    finds the awards given to the district and communes it was formed from."""
    seen = {unit.pk}
    frontier = [unit.pk]
    while frontier:
        preds = list(
            UnitSuccession.objects.filter(successor_id__in=frontier).values_list("predecessor_id", flat=True)
        )
        frontier = [p for p in preds if p not in seen]
        seen.update(frontier)
    return list(Unit.objects.filter(pk__in=seen).order_by("valid_to", "path"))


def successors(unit: Unit) -> QuerySet[Unit]:
    return Unit.objects.filter(predecessions__predecessor=unit).order_by("name")


def ancestors(unit: Unit) -> list[Unit]:
    ids = [int(p) for p in unit.path.strip("/").split("/") if p][:-1]
    by_id = Unit.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]
