"""REST API of the directory: units, people, blocks and clusters under /api/v1/.

This module only parses input and shapes output; reads go through
:mod:`thidua.directory.selectors` and :mod:`thidua.accounts.scoping`, writes
through :mod:`thidua.directory.services` (which check permissions and write
the audit trail, with origin "api" set by the middleware).

Scope rules, the same as the web pages:

- lists contain only what the user may see;
- reading one object outside the user's scope answers 404, exactly like an id
  that does not exist, so ids cannot be probed;
- changing an object the user can see but not change answers 403;
- after every write the result is checked against the user's scope again and
  the transaction is rolled back if the user would lose sight of it (the
  NetBox re-check), so no write can push a record out of its author's reach;
- a unit *referred to* in a body or filter (``unit``, ``parent``) that does
  not exist answers 422 "Đơn vị không tồn tại". The organisation tree is public
  administrative data, so an existing unit outside the scope is not hidden as
  a reference: writing into it answers 403, filtering by it an empty list.

Path parameters are typed ``int`` (``{int:…}`` converters) so that literal
routes like ``/people/import`` registered by other modules are never captured.
"""

import re
from typing import Any

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from thidua.accounts.enums import Perm
from thidua.accounts.models import User
from thidua.accounts.scoping import can_on_unit, has_perm, people_for, units_for
from thidua.core import audit
from thidua.core.errors import DomainError, NotFound, PermissionDenied
from thidua.directory import selectors, services
from thidua.directory.models import EmulationGroup, GroupMembership, Person, Unit
from thidua.directory.schemas import (
    MAX_ID,
    ErrorOut,
    GroupDetailFilters,
    GroupDetailOut,
    GroupFilters,
    GroupIn,
    GroupMembersIn,
    GroupOut,
    GroupPage,
    HistoryEntry,
    PeopleFilters,
    PersonIn,
    PersonMoveIn,
    PersonOut,
    PersonPage,
    PersonPatch,
    UnitFilters,
    UnitIn,
    UnitOut,
    UnitPage,
    UnitPatch,
)

router = Router(tags=["Danh mục"])

UNIT_NOT_FOUND = "Không tìm thấy đơn vị."
PERSON_NOT_FOUND = "Không tìm thấy cá nhân."
UNKNOWN_UNIT = "Đơn vị không tồn tại."

_ERRORS: dict[int | frozenset[int], Any] = {frozenset({401, 403, 404, 409, 422}): ErrorOut}

# The people list reads plain rows (``values()``), not model instances: only the
# columns it renders, and no per-row model construction — on a 50-row page of a
# 100,000-person directory that was most of the time spent outside the database.
_PERSON_ROW = (
    "id",
    "full_name",
    "gender",
    "birth_date",
    "unit_id",
    "position",
    "version",
    "identity_number",
    "unit__path",
)


def _user(request: HttpRequest) -> User:
    # Set by the auth classes: the token's user (Bearer) or the session user.
    return request.auth  # type: ignore[attr-defined,return-value]


def _version(body_version: int | None, request: HttpRequest) -> int | None:
    """The version the client last loaded: the body's ``version`` or ``If-Match``."""
    if body_version is not None:
        return body_version
    header = request.headers.get("If-Match", "").strip()
    if not header:
        return None
    match = re.fullmatch(r'(?:W/)?"?(\d{1,10})"?', header)
    if not match:
        raise DomainError("Tiêu đề If-Match phải là số phiên bản của bản ghi.", code="invalid_if_match")
    return int(match.group(1))


def _etag(response: HttpResponse, version: int) -> None:
    response.headers["ETag"] = f'"{version}"'


def _referenced_unit(unit_id: int | None) -> Unit | None:
    """A unit named in a body or filter; a wrong id is the client's mistake (422)."""
    if unit_id is None:
        return None
    if not 1 <= unit_id <= MAX_ID:
        raise DomainError(UNKNOWN_UNIT, code="unknown_unit")
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise DomainError(UNKNOWN_UNIT, code="unknown_unit")
    return unit


def _no_null(fields: dict[str, Any], *names: str) -> None:
    for name in names:
        if name in fields and fields[name] is None:
            raise DomainError(f"{name}: không được để trống.", code="required")


# --- units -----------------------------------------------------------------


def _visible_unit(user: User, unit_id: int) -> Unit:
    if not 1 <= unit_id <= MAX_ID:  # a path id past BIGINT would overflow the driver
        raise NotFound(UNIT_NOT_FOUND)
    unit = units_for(user, Perm.VIEW_DIRECTORY).select_related("parent").filter(pk=unit_id).first()
    if unit is None:
        raise NotFound(UNIT_NOT_FOUND)
    return unit


def _recheck_unit(user: User, unit: Unit) -> Unit:
    """Reload the written unit through the user's scope (raise → roll back)."""
    if not units_for(user, Perm.VIEW_DIRECTORY).filter(pk=unit.pk).exists():
        raise PermissionDenied("Sau thay đổi này bạn sẽ không còn quyền với đơn vị; thay đổi bị huỷ.")
    unit.refresh_from_db()
    return unit


@router.get("/units/", response={200: UnitPage, **_ERRORS}, summary="Danh sách đơn vị")
def list_units(request: HttpRequest, filters: Query[UnitFilters]) -> dict[str, Any]:
    """Các đơn vị người dùng được xem, theo thứ tự cây; ``q`` tìm không dấu theo tên hoặc mã."""
    f = filters
    qs = selectors.units_list(
        _user(request), q=f.q, parent=_referenced_unit(f.parent), kind=f.kind, valid_on=f.valid_on
    )
    start = (f.page - 1) * f.page_size
    rows = list(qs[start : start + f.page_size])
    count = len(rows) if f.page == 1 and len(rows) < f.page_size else qs.count()
    return {"items": rows, "count": count}


@router.post("/units/", response={201: UnitOut, **_ERRORS}, summary="Thêm đơn vị")
def create_unit(request: HttpRequest, payload: UnitIn, response: HttpResponse) -> tuple[int, Unit]:
    user = _user(request)
    with transaction.atomic():
        unit = services.unit_create(
            actor=user,
            code=payload.code,
            name=payload.name,
            kind=payload.kind,
            parent=_referenced_unit(payload.parent),
            valid_from=payload.valid_from,
            valid_to=payload.valid_to,
        )
        unit = _recheck_unit(user, unit)
    _etag(response, unit.version)
    return 201, unit


@router.get("/units/{int:unit_id}", response={200: UnitOut, **_ERRORS}, summary="Xem đơn vị")
def get_unit(request: HttpRequest, unit_id: int, response: HttpResponse) -> Unit:
    unit = _visible_unit(_user(request), unit_id)
    _etag(response, unit.version)
    return unit


@router.patch("/units/{int:unit_id}", response={200: UnitOut, **_ERRORS}, summary="Sửa đơn vị")
def update_unit(request: HttpRequest, unit_id: int, payload: UnitPatch, response: HttpResponse) -> Unit:
    """Sửa các trường được gửi. Gửi ``version`` (hoặc tiêu đề ``If-Match``) đã tải:
    nếu người khác đã sửa trong lúc đó, trả về 409 và không ghi gì."""
    user = _user(request)
    unit = _visible_unit(user, unit_id)
    changes = payload.model_dump(exclude_unset=True)
    expected = _version(changes.pop("version", None), request)
    _no_null(changes, "code", "name", "kind")
    if "parent" in changes:
        changes["parent"] = _referenced_unit(changes["parent"])
    with transaction.atomic():
        unit = services.unit_update(actor=user, unit=unit, expected_version=expected, **changes)
        unit = _recheck_unit(user, unit)
    _etag(response, unit.version)
    return unit


@router.get(
    "/units/{int:unit_id}/lineage", response={200: list[UnitOut], **_ERRORS}, summary="Các đơn vị tiền thân"
)
def unit_lineage(request: HttpRequest, unit_id: int) -> list[Unit]:
    """Đơn vị và mọi đơn vị tiền thân (sáp nhập, chia tách, đổi tên), cũ trước,
    trong phạm vi người dùng được xem."""
    user = _user(request)
    unit = _visible_unit(user, unit_id)
    ids = [u.pk for u in selectors.lineage(unit)]
    visible = units_for(user, Perm.VIEW_DIRECTORY).filter(pk__in=ids).select_related("parent")
    # NULL (still valid) last on both databases: SQLite and PostgreSQL disagree by default.
    return list(visible.order_by(F("valid_to").asc(nulls_last=True), "path"))


@router.get(
    "/units/{int:unit_id}/successors", response={200: list[UnitOut], **_ERRORS}, summary="Các đơn vị kế thừa"
)
def unit_successors(request: HttpRequest, unit_id: int) -> list[Unit]:
    """Các đơn vị kế thừa trực tiếp đơn vị này, trong phạm vi người dùng được xem."""
    user = _user(request)
    unit = _visible_unit(user, unit_id)
    return list(units_for(user, Perm.VIEW_DIRECTORY, selectors.successors(unit)).select_related("parent"))


# --- people ------------------------------------------------------------------


def _person_out(user: User, person: Person) -> dict[str, Any]:
    """The person as the API shows it; ``identity_number`` only with the right
    on the person's unit (the key is left out, not nulled, otherwise)."""
    data: dict[str, Any] = {
        "id": person.pk,
        "full_name": person.full_name,
        "gender": person.gender,
        "birth_date": person.birth_date,
        "unit": person.unit_id,
        "position": person.position,
        "version": person.version,
    }
    if can_on_unit(user, Perm.VIEW_IDENTITY, person.unit):
        data["identity_number"] = person.identity_number
    return data


def _people_rows_out(user: User, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """List rows shaped like :func:`_person_out`, deciding the identity right
    once per unit on the page rather than once per person."""
    shown: dict[int, bool] = {}
    if has_perm(user, Perm.VIEW_IDENTITY):
        for row in rows:
            if row["unit_id"] not in shown:
                stub = Unit(pk=row["unit_id"], path=row["unit__path"])
                shown[row["unit_id"]] = can_on_unit(user, Perm.VIEW_IDENTITY, stub)
    items = []
    for row in rows:
        item = {
            "id": row["id"],
            "full_name": row["full_name"],
            "gender": row["gender"],
            "birth_date": row["birth_date"],
            "unit": row["unit_id"],
            "position": row["position"],
            "version": row["version"],
        }
        if shown.get(row["unit_id"]):
            item["identity_number"] = row["identity_number"]
        items.append(item)
    return items


def _visible_person(user: User, person_id: int) -> Person:
    if not 1 <= person_id <= MAX_ID:  # a path id past BIGINT would overflow the driver
        raise NotFound(PERSON_NOT_FOUND)
    person = people_for(user, Perm.VIEW_DIRECTORY).select_related("unit").filter(pk=person_id).first()
    if person is None:
        raise NotFound(PERSON_NOT_FOUND)
    return person


def _recheck_person(user: User, person: Person) -> Person:
    """Reload the written person through the user's scope (raise → roll back)."""
    fresh = people_for(user, Perm.VIEW_DIRECTORY).select_related("unit").filter(pk=person.pk).first()
    if fresh is None:
        raise PermissionDenied("Sau thay đổi này bạn sẽ không còn quyền với cá nhân; thay đổi bị huỷ.")
    return fresh


@router.get(
    "/people/", response={200: PersonPage, **_ERRORS}, exclude_unset=True, summary="Danh sách cá nhân"
)
def list_people(request: HttpRequest, filters: Query[PeopleFilters]) -> dict[str, Any]:
    """Các cá nhân người dùng được xem, xếp theo tên rồi họ đệm (thứ tự tiếng Việt);
    ``q`` tìm không dấu theo họ tên (``nguyen van duc`` tìm được «Nguyễn Văn Đức»)."""
    # Two queries whatever the page size (one page, one COUNT), plus auth.
    user = _user(request)
    f = filters
    qs = selectors.people_list(
        user, q=f.q, unit=_referenced_unit(f.unit), include_subunits=f.include_subunits
    )
    start = (f.page - 1) * f.page_size
    rows = list(qs.values(*_PERSON_ROW)[start : start + f.page_size])
    # A short first page already tells the total: skip the COUNT.
    count = len(rows) if f.page == 1 and len(rows) < f.page_size else qs.count()
    return {"items": _people_rows_out(user, rows), "count": count}


@router.post("/people/", response={201: PersonOut, **_ERRORS}, exclude_unset=True, summary="Thêm cá nhân")
def create_person(request: HttpRequest, payload: PersonIn, response: HttpResponse) -> tuple[int, dict]:
    user = _user(request)
    unit = _referenced_unit(payload.unit)
    assert unit is not None
    if payload.identity_number and not can_on_unit(user, Perm.VIEW_IDENTITY, unit):
        raise PermissionDenied("Bạn không có quyền ghi số định danh cá nhân tại đơn vị này.")
    with transaction.atomic():
        person = services.person_create(
            actor=user,
            full_name=payload.full_name,
            gender=payload.gender,
            unit=unit,
            birth_date=payload.birth_date,
            position=payload.position,
            identity_number=payload.identity_number,
            start_date=payload.start_date,
        )
        person = _recheck_person(user, person)
    _etag(response, person.version)
    return 201, _person_out(user, person)


@router.get(
    "/people/{int:person_id}", response={200: PersonOut, **_ERRORS}, exclude_unset=True, summary="Xem cá nhân"
)
def get_person(request: HttpRequest, person_id: int, response: HttpResponse) -> dict[str, Any]:
    user = _user(request)
    person = _visible_person(user, person_id)
    _etag(response, person.version)
    return _person_out(user, person)


@router.patch(
    "/people/{int:person_id}", response={200: PersonOut, **_ERRORS}, exclude_unset=True, summary="Sửa cá nhân"
)
def update_person(
    request: HttpRequest, person_id: int, payload: PersonPatch, response: HttpResponse
) -> dict[str, Any]:
    """Sửa các trường được gửi (đổi đơn vị dùng ``/move``). Gửi ``version`` (hoặc
    tiêu đề ``If-Match``) đã tải: nếu người khác đã sửa, trả về 409 và không ghi gì."""
    user = _user(request)
    person = _visible_person(user, person_id)
    changes = payload.model_dump(exclude_unset=True)
    expected = _version(changes.pop("version", None), request)
    _no_null(changes, "full_name", "gender")
    if "identity_number" in changes:
        if not can_on_unit(user, Perm.VIEW_IDENTITY, person.unit):
            raise PermissionDenied("Bạn không có quyền sửa số định danh cá nhân tại đơn vị này.")
        # The service reads None as "unchanged"; an explicit null clears the number.
        changes["identity_number"] = changes["identity_number"] or ""
    if "position" in changes:
        changes["position"] = changes["position"] or ""
    with transaction.atomic():
        person = services.person_update(actor=user, person=person, expected_version=expected, **changes)
        person = _recheck_person(user, person)
    _etag(response, person.version)
    return _person_out(user, person)


@router.post(
    "/people/{int:person_id}/move",
    response={200: PersonOut, **_ERRORS},
    exclude_unset=True,
    summary="Chuyển công tác",
)
def move_person(
    request: HttpRequest, person_id: int, payload: PersonMoveIn, response: HttpResponse
) -> dict[str, Any]:
    """Chuyển cá nhân sang đơn vị ``unit`` từ ngày ``on``; quá trình công tác ở đơn vị
    cũ được đóng lại, khen thưởng đã có vẫn gắn với đơn vị cũ."""
    user = _user(request)
    person = _visible_person(user, person_id)
    unit = _referenced_unit(payload.unit)
    assert unit is not None
    with transaction.atomic():
        person = services.person_move(
            actor=user,
            person=person,
            unit=unit,
            on=payload.on,
            position=payload.position,
            expected_version=_version(payload.version, request),
        )
        person = _recheck_person(user, person)
    _etag(response, person.version)
    return _person_out(user, person)


@router.get(
    "/people/{int:person_id}/history",
    response={200: list[HistoryEntry], **_ERRORS},
    summary="Lịch sử thay đổi của cá nhân",
)
def person_history(request: HttpRequest, person_id: int) -> list[dict[str, Any]]:
    """Lịch sử thay đổi của cá nhân, mới nhất trước. Cần quyền xem nhật ký tại đơn vị
    của cá nhân; số định danh bị ẩn với người không có quyền xem số định danh."""
    user = _user(request)
    person = _visible_person(user, person_id)
    if not can_on_unit(user, Perm.VIEW_AUDIT, person.unit):
        raise PermissionDenied("Bạn không có quyền xem lịch sử thay đổi của cá nhân này.")
    hide_identity = not can_on_unit(user, Perm.VIEW_IDENTITY, person.unit)
    entries = []
    for entry in audit.history(person):
        changes = [
            {"field": field, "before": before, "after": after}
            for field, before, after in entry.changes
            if not (hide_identity and field == "identity_number")
        ]
        entries.append(
            {
                "when": entry.created_at,
                "who": entry.actor_name,
                "origin": entry.origin,
                "action": entry.action,
                "changes": changes,
            }
        )
    return entries


# --- emulation blocks and clusters ------------------------------------------------

GROUP_NOT_FOUND = "Không tìm thấy khối, cụm thi đua."


def _visible_group(user: User, group_id: int) -> EmulationGroup:
    if not 1 <= group_id <= MAX_ID:
        raise NotFound(GROUP_NOT_FOUND)
    group = selectors.groups_list(user).filter(pk=group_id).first()
    if group is None:
        raise NotFound(GROUP_NOT_FOUND)
    return group


def _group_out(group: EmulationGroup) -> dict[str, Any]:
    return {
        "id": group.pk,
        "kind": group.kind,
        "code": group.code,
        "name": group.name,
        "organiser": group.organiser_id,
        "organiser_name": group.organiser.name,
        "member_count": getattr(group, "member_count", None),
    }


def _member_out(member: GroupMembership) -> dict[str, Any]:
    return {
        "unit": member.unit_id,
        "unit_name": member.unit.name,
        "year": member.year,
        "is_leader": member.is_leader,
        "is_deputy": member.is_deputy,
    }


def _group_detail(group: EmulationGroup, year: int | None) -> dict[str, Any]:
    if year is not None:
        members = list(selectors.group_members(group, year))
    else:
        members = list(
            GroupMembership.objects.filter(group=group)
            .select_related("unit")
            .order_by("-year", "-is_leader", "unit__name", "unit__pk")
        )
    return {
        **_group_out(group),
        "member_count": len(members) if year is not None else None,
        "description": group.description,
        "years": selectors.group_years(group),
        "members": [_member_out(m) for m in members],
    }


@router.get("/groups/", response={200: GroupPage, **_ERRORS}, summary="Danh sách khối, cụm thi đua")
def list_groups(request: HttpRequest, filters: Query[GroupFilters]) -> dict[str, Any]:
    """Các khối, cụm thi đua do đơn vị trong phạm vi người dùng tổ chức hoặc có đơn vị
    trong phạm vi là thành viên. Có ``year`` thì ``member_count`` là số thành viên năm đó."""
    f = filters
    qs = selectors.groups_list(_user(request), kind=f.kind, year=f.year)
    start = (f.page - 1) * f.page_size
    rows = list(qs[start : start + f.page_size])
    count = len(rows) if f.page == 1 and len(rows) < f.page_size else qs.count()
    return {"items": [_group_out(g) for g in rows], "count": count}


@router.post("/groups/", response={201: GroupOut, **_ERRORS}, summary="Thêm khối, cụm thi đua")
def create_group(request: HttpRequest, payload: GroupIn) -> tuple[int, dict[str, Any]]:
    """Cần quyền sửa đơn vị tại cơ quan tổ chức ``organiser``."""
    user = _user(request)
    organiser = _referenced_unit(payload.organiser)
    assert organiser is not None
    with transaction.atomic():
        group = services.group_create(
            actor=user, kind=payload.kind, code=payload.code, name=payload.name, organiser=organiser
        )
        group = _visible_group(user, group.pk)
    return 201, _group_out(group)


@router.get(
    "/groups/{int:group_id}", response={200: GroupDetailOut, **_ERRORS}, summary="Xem khối, cụm thi đua"
)
def get_group(request: HttpRequest, group_id: int, filters: Query[GroupDetailFilters]) -> dict[str, Any]:
    """Khối, cụm với thành viên của năm ``year`` (trưởng khối, cụm trước, rồi theo tên đơn vị);
    không có ``year`` thì thành viên mọi năm, năm mới nhất trước."""
    group = _visible_group(_user(request), group_id)
    return _group_detail(group, filters.year)


@router.put(
    "/groups/{int:group_id}/members/{int:year}",
    response={200: GroupDetailOut, **_ERRORS},
    summary="Đặt thành viên khối, cụm trong năm",
)
def replace_group_members(
    request: HttpRequest, group_id: int, year: int, payload: GroupMembersIn
) -> dict[str, Any]:
    """Thay toàn bộ thành viên của năm ``year`` bằng danh sách gửi lên, trong một giao dịch:
    một thành viên bị từ chối (đơn vị không tồn tại, hết hiệu lực trong năm, hai trưởng khối…)
    thì không ghi gì. Cần quyền sửa đơn vị tại cơ quan tổ chức khối, cụm."""
    user = _user(request)
    group = _visible_group(user, group_id)
    if not can_on_unit(user, Perm.EDIT_UNIT, group.organiser):
        # Checked here too: an empty list for an empty year would reach no service.
        raise PermissionDenied("Bạn không có quyền sửa thành viên khối, cụm thi đua này.")
    if not 1945 <= year <= 2200:
        raise DomainError(f"Năm {year} không hợp lệ.")
    wanted: dict[int, Any] = {}
    for item in payload.members:
        if item.unit in wanted:
            raise DomainError(f"Đơn vị (id {item.unit}) được gửi hai lần.", code="duplicate_unit")
        wanted[item.unit] = item
    units = {pk: _referenced_unit(pk) for pk in wanted}
    with transaction.atomic():
        current = GroupMembership.objects.filter(group=group, year=year).select_related("unit")
        for member in current:
            if member.unit_id not in wanted:
                services.membership_remove(actor=user, group=group, unit=member.unit, year=year)
        # Non-leaders first, so that moving the leadership from one member to
        # another demotes the old leader before the new one is set.
        for pk, item in sorted(wanted.items(), key=lambda kv: kv[1].is_leader):
            unit = units[pk]
            assert unit is not None
            services.membership_set(
                actor=user,
                group=group,
                unit=unit,
                year=year,
                is_leader=item.is_leader,
                is_deputy=item.is_deputy,
            )
    return _group_detail(group, year)
