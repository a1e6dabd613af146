"""Every write on units, groups and people. Views, the API, the CLI, imports
and the demo all call these; each checks permission, validates, writes, and
audits in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import can_on_unit, has_perm, unit_scope
from thidua.core import audit
from thidua.core.errors import ConcurrentUpdate, DomainError, PermissionDenied
from thidua.core.text import clean, fold
from thidua.directory.enums import Gender, GroupKind, SuccessionKind, UnitKind
from thidua.directory.models import (
    EmulationGroup,
    GroupMembership,
    Person,
    PersonPosting,
    Unit,
    UnitSuccession,
)
from thidua.directory.validators import person_name_fields

SYSTEM = None  # actor=None: the operator at the server (CLI, migrations, demo): no scope check


def _require(actor: Any, perm: str, unit: Unit | None) -> None:
    if actor is SYSTEM:
        return
    if unit is None:
        # No unit = the top of the tree: only a right over the whole tree will do
        # (a province officer's right somewhere is not a right at the root).
        if not has_perm(actor, perm) or unit_scope(actor, perm) is not None:
            raise PermissionDenied()
    elif not can_on_unit(actor, perm, unit):
        raise PermissionDenied()


def _text(value: str | None, label: str, max_length: int, *, required: bool = False) -> str:
    try:
        text = clean(value, max_length=max_length)
    except ValueError as exc:
        raise DomainError(f"{label}: {exc}.") from exc
    if required and not text:
        raise DomainError(f"{label} không được để trống.")
    return text


def _check_dates(valid_from: dt.date | None, valid_to: dt.date | None) -> None:
    if valid_from and valid_to and valid_to < valid_from:
        raise DomainError("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")


def _unit_fields(unit: Unit) -> dict[str, Any]:
    return audit.snapshot(unit)


# --- units -----------------------------------------------------------------


@transaction.atomic
def unit_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    admin_code: str = "",
) -> Unit:
    """Create a unit under ``parent`` (a root unit needs a system-wide right)."""
    _require(actor, Perm.EDIT_UNIT, parent)
    code = _text(code, "Mã đơn vị", 40, required=True)
    name = _text(name, "Tên đơn vị", 255, required=True)
    if kind not in UnitKind.values:
        raise DomainError(f"Loại đơn vị «{kind}» không hợp lệ.")
    _check_dates(valid_from, valid_to)
    if Unit.objects.filter(code=code).exists():
        raise DomainError(f"Mã đơn vị «{code}» đã tồn tại.")
    unit = Unit(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        admin_code=clean(admin_code),
        search_key=fold(f"{name} {code}"),
    )
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError as exc:
        raise DomainError(f"Mã đơn vị «{code}» đã tồn tại.") from exc
    unit.path = (parent.path if parent else "/") + f"{unit.pk}/"
    unit.depth = parent.depth + 1 if parent else 0
    Unit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
    audit.record(actor=actor, action="unit.create", obj=unit, after=_unit_fields(unit))
    return unit


@transaction.atomic
def unit_update(*, actor: Any, unit: Unit, expected_version: int | None = None, **changes: Any) -> Unit:
    """Change a unit's fields; ``parent`` moves it with its whole subtree.

    ``expected_version`` is the version the editor loaded: if someone saved in
    between, the save is refused instead of silently overwriting theirs."""
    _require(actor, Perm.EDIT_UNIT, unit)
    allowed = {"code", "name", "kind", "parent", "valid_from", "valid_to", "admin_code"}
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError(f"Không sửa được trường: {', '.join(sorted(unknown))}.")
    current = Unit.objects.select_for_update().get(pk=unit.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentUpdate()
    before = _unit_fields(current)
    if "code" in changes:
        changes["code"] = _text(changes["code"], "Mã đơn vị", 40, required=True)
        if Unit.objects.filter(code=changes["code"]).exclude(pk=unit.pk).exists():
            raise DomainError(f"Mã đơn vị «{changes['code']}» đã tồn tại.")
    if "name" in changes:
        changes["name"] = _text(changes["name"], "Tên đơn vị", 255, required=True)
    if "kind" in changes and changes["kind"] not in UnitKind.values:
        raise DomainError(f"Loại đơn vị «{changes['kind']}» không hợp lệ.")
    new_parent = changes.get("parent", current.parent)
    moving = "parent" in changes and (new_parent.pk if new_parent else None) != current.parent_id
    if moving:
        if new_parent is not None and new_parent.path.startswith(current.path):
            raise DomainError("Không thể chuyển đơn vị vào chính nó hoặc đơn vị trực thuộc nó.")
        _require(actor, Perm.EDIT_UNIT, new_parent)
    for key, value in changes.items():
        setattr(current, key, value)
    _check_dates(current.valid_from, current.valid_to)
    current.search_key = fold(f"{current.name} {current.code}")
    current.version += 1
    current.save()
    if moving:
        old_path = current.path
        new_path = (new_parent.path if new_parent else "/") + f"{current.pk}/"
        depth_shift = (new_parent.depth + 1 if new_parent else 0) - current.depth
        Unit.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + depth_shift,
        )
        current.refresh_from_db()
    audit.record(actor=actor, action="unit.update", obj=current, before=before, after=_unit_fields(current))
    return current


@transaction.atomic
def succession_add(
    *,
    actor: Any,
    predecessor: Unit,
    successor: Unit,
    effective_date: dt.date,
    kind: str = SuccessionKind.MERGE,
    note: str = "",
) -> UnitSuccession:
    """Record that ``predecessor`` continues in ``successor`` from ``effective_date``."""
    _require(actor, Perm.EDIT_UNIT, predecessor)
    if predecessor.pk == successor.pk:
        raise DomainError("Đơn vị không thể kế thừa chính nó.")
    link, created = UnitSuccession.objects.get_or_create(
        predecessor=predecessor,
        successor=successor,
        defaults={"effective_date": effective_date, "kind": kind, "note": clean(note)[:255]},
    )
    if created:
        audit.record(actor=actor, action="unit.succession", obj=link, after=audit.snapshot(link))
    return link


# --- emulation blocks and clusters ----------------------------------------------


def _check_year(year: int) -> None:
    if not 1945 <= year <= dt.date.today().year + 1:
        raise DomainError(f"Năm {year} không hợp lệ.")


@transaction.atomic
def group_create(
    *, actor: Any, kind: str, code: str, name: str, organiser: Unit, description: str = ""
) -> EmulationGroup:
    _require(actor, Perm.EDIT_UNIT, organiser)
    if kind not in GroupKind.values:
        raise DomainError("Loại phải là Khối thi đua hoặc Cụm thi đua.")
    code = _text(code, "Mã khối, cụm", 40, required=True)
    if EmulationGroup.objects.filter(code=code).exists():
        raise DomainError(f"Mã khối, cụm «{code}» đã tồn tại.")
    group = EmulationGroup.objects.create(
        kind=kind,
        code=code,
        name=_text(name, "Tên khối, cụm", 255, required=True),
        organiser=organiser,
        description=clean(description),
    )
    audit.record(actor=actor, action="group.create", obj=group, after=audit.snapshot(group))
    return group


@transaction.atomic
def membership_set(
    *,
    actor: Any,
    group: EmulationGroup,
    unit: Unit,
    year: int,
    is_leader: bool = False,
    is_deputy: bool = False,
) -> GroupMembership:
    """Put ``unit`` in ``group`` for ``year`` (membership is decided year by year)."""
    _require(actor, Perm.EDIT_UNIT, group.organiser)
    _check_year(year)
    if (unit.valid_to and unit.valid_to < dt.date(year, 1, 1)) or (
        unit.valid_from and unit.valid_from > dt.date(year, 12, 31)
    ):
        raise DomainError(f"Đơn vị «{unit.name}» không còn hiệu lực trong năm {year}.", code="unit_not_valid")
    if is_leader:
        # Lock the group row so two concurrent writers cannot both add a leader.
        EmulationGroup.objects.select_for_update().filter(pk=group.pk).first()
        other = (
            GroupMembership.objects.filter(group=group, year=year, is_leader=True)
            .exclude(unit=unit)
            .select_related("unit")
            .first()
        )
        if other is not None:
            raise DomainError(
                f"Khối/Cụm «{group.name}» năm {year} đã có trưởng khối: {other.unit.name}.",
                code="leader_exists",
            )
    member, created = GroupMembership.objects.get_or_create(
        group=group, unit=unit, year=year, defaults={"is_leader": is_leader, "is_deputy": is_deputy}
    )
    before = None if created else audit.snapshot(member)
    if not created and (member.is_leader, member.is_deputy) != (is_leader, is_deputy):
        member.is_leader, member.is_deputy = is_leader, is_deputy
        member.save(update_fields=["is_leader", "is_deputy"])
    audit.record(actor=actor, action="group.member", obj=member, before=before, after=audit.snapshot(member))
    return member


@transaction.atomic
def membership_remove(*, actor: Any, group: EmulationGroup, unit: Unit, year: int) -> bool:
    """Take ``unit`` out of ``group`` for ``year``; False if it was not a member."""
    _require(actor, Perm.EDIT_UNIT, group.organiser)
    member = GroupMembership.objects.filter(group=group, unit=unit, year=year).first()
    if member is None:
        return False
    before = audit.snapshot(member)
    audit.record(actor=actor, action="group.member_remove", obj=member, before=before)
    member.delete()
    return True


# --- people ------------------------------------------------------------------


def _person_values(
    *, full_name: str | None, gender: str | None, position: str | None, identity_number: str | None
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if full_name is not None:
        try:
            values.update(person_name_fields(full_name))
        except ValueError as exc:
            raise DomainError(str(exc)) from exc
    if gender is not None:
        if gender not in Gender.values:
            raise DomainError("Giới tính phải là Nam, Nữ hoặc Khác.")
        values["gender"] = gender
    if position is not None:
        values["position"] = _text(position, "Chức vụ", 255)
    if identity_number is not None:
        ident = _text(identity_number, "Số định danh", 20) or None
        if ident and not ident.isdigit():
            raise DomainError("Số định danh cá nhân chỉ gồm chữ số.")
        values["identity_number"] = ident
    return values


def _check_birth(birth_date: dt.date | None) -> None:
    if birth_date is not None and not (dt.date(1900, 1, 1) <= birth_date <= dt.date.today()):
        raise DomainError("Ngày sinh không hợp lệ.")


@transaction.atomic
def person_create(
    *,
    actor: Any,
    full_name: str,
    gender: str,
    unit: Unit,
    birth_date: dt.date | None = None,
    position: str = "",
    identity_number: str | None = None,
    start_date: dt.date | None = None,
) -> Person:
    """Add a person to ``unit`` and open their first posting."""
    _require(actor, Perm.EDIT_PERSON, unit)
    values = _person_values(
        full_name=full_name, gender=gender, position=position, identity_number=identity_number
    )
    _check_birth(birth_date)
    if (
        values.get("identity_number")
        and Person.objects.filter(identity_number=values["identity_number"]).exists()
    ):
        raise DomainError("Số định danh cá nhân này đã có trong hệ thống.")
    person = Person.objects.create(unit=unit, birth_date=birth_date, **values)
    PersonPosting.objects.create(person=person, unit=unit, position=person.position, start_date=start_date)
    audit.record(actor=actor, action="person.create", obj=person, after=audit.snapshot(person))
    return person


@transaction.atomic
def person_update(
    *,
    actor: Any,
    person: Person,
    expected_version: int | None = None,
    full_name: str | None = None,
    gender: str | None = None,
    birth_date: dt.date | Any | None = ...,
    position: str | None = None,
    identity_number: str | None = None,
) -> Person:
    """Change a person's particulars (not their unit: see :func:`person_move`).

    The write is a compare-and-set on ``version``, so of two officers saving
    the same person at once the later one is refused, not merged."""
    _require(actor, Perm.EDIT_PERSON, person.unit)
    current = Person.objects.get(pk=person.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentUpdate()
    before = audit.snapshot(current)
    values = _person_values(
        full_name=full_name, gender=gender, position=position, identity_number=identity_number
    )
    if birth_date is not ...:
        _check_birth(birth_date)
        values["birth_date"] = birth_date
    if values.get("identity_number") and (
        Person.objects.filter(identity_number=values["identity_number"]).exclude(pk=current.pk).exists()
    ):
        raise DomainError("Số định danh cá nhân này đã có trong hệ thống.")
    version = current.version
    updated = Person.objects.filter(pk=current.pk, version=version).update(version=version + 1, **values)
    if updated != 1:
        raise ConcurrentUpdate()
    current.refresh_from_db()
    if "position" in values:
        PersonPosting.objects.filter(person=current, end_date__isnull=True).update(position=current.position)
    audit.record(
        actor=actor, action="person.update", obj=current, before=before, after=audit.snapshot(current)
    )
    return current


@transaction.atomic
def person_move(
    *,
    actor: Any,
    person: Person,
    unit: Unit,
    on: dt.date,
    position: str | None = None,
    expected_version: int | None = None,
) -> Person:
    """Transfer a person to another unit from ``on``; the old posting is closed,
    so awards given while they were in the old unit stay with that unit's history."""
    _require(actor, Perm.EDIT_PERSON, person.unit)
    _require(actor, Perm.EDIT_PERSON, unit)
    current = Person.objects.get(pk=person.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentUpdate()
    if unit.pk == current.unit_id:
        raise DomainError("Cá nhân đã thuộc đơn vị này.")
    open_posting = current.postings.filter(end_date__isnull=True).first()
    if open_posting and open_posting.start_date and on <= open_posting.start_date:
        raise DomainError("Ngày chuyển công tác phải sau ngày bắt đầu ở đơn vị hiện tại.")
    before = audit.snapshot(current)
    new_position = _text(position, "Chức vụ", 255) if position is not None else current.position
    updated = Person.objects.filter(pk=current.pk, version=current.version).update(
        unit=unit, position=new_position, version=current.version + 1
    )
    if updated != 1:
        raise ConcurrentUpdate()
    if open_posting:
        open_posting.end_date = on - dt.timedelta(days=1)
        open_posting.save(update_fields=["end_date"])
    PersonPosting.objects.create(person=current, unit=unit, position=new_position, start_date=on)
    current.refresh_from_db()
    audit.record(actor=actor, action="person.move", obj=current, before=before, after=audit.snapshot(current))
    return current
