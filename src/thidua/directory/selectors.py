"""Reads on the directory, always narrowed to what the user may see."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value

from thidua.accounts.enums import Perm
from thidua.accounts.models import User
from thidua.accounts.scoping import people_for, unit_scope, units_for
from thidua.core.text import fold
from thidua.directory.models import EmulationGroup, GroupMembership, Person, Unit, UnitSuccession


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


def groups_list(user: User, *, kind: str | None = None, year: int | None = None) -> QuerySet[EmulationGroup]:
    """Blocks and clusters ``user`` may see: organised by a unit in the user's
    scope, or with a member unit in it (in any year). With ``year``, each group
    carries ``member_count``, its number of members that year (else ``None``)."""
    qs = EmulationGroup.objects.select_related("organiser")
    scope = unit_scope(user, Perm.VIEW_DIRECTORY, "organiser__")
    if scope is not None:
        member_scope = unit_scope(user, Perm.VIEW_DIRECTORY, "unit__")
        assert member_scope is not None
        in_scope = GroupMembership.objects.filter(member_scope, group=OuterRef("pk"))
        qs = qs.filter(scope | Q(Exists(in_scope)))
    if kind:
        qs = qs.filter(kind=kind)
    if year is not None:
        qs = qs.annotate(member_count=Count("memberships", filter=Q(memberships__year=year)))
    else:
        qs = qs.annotate(member_count=Value(None, output_field=IntegerField()))
    return qs.order_by("kind", "name", "pk")


def group_members(group: EmulationGroup, year: int) -> QuerySet[GroupMembership]:
    """The members of ``group`` in ``year``: the leader first, then by unit name."""
    return (
        GroupMembership.objects.filter(group=group, year=year)
        .select_related("unit")
        .order_by("-is_leader", "unit__name", "unit__pk")
    )


def group_years(group: EmulationGroup) -> list[int]:
    """The years ``group`` has members in, latest first."""
    return list(
        GroupMembership.objects.filter(group=group)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
