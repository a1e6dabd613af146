"""REST API of the awards core under /api/v1/: the catalogue and its rules, the
register, ratings, initiatives, disciplines, the eligibility check, statistics
and the accountant's prize list.

Only parsing and shaping: reads go through :mod:`thidua.awards.selectors`
(scoped by ``awards.view`` on the record's owner unit), writes through
:mod:`thidua.awards.services` (permission, validation, audit). As in the
directory API: a record or person outside the user's scope answers 404, like
an id that does not exist; a unit referred to that does not exist answers 422;
writing where one may only read answers 403.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import OrderedDict
from typing import Any

import xlsxwriter
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from thidua.accounts.enums import Perm
from thidua.accounts.models import User
from thidua.accounts.scoping import people_for, units_for
from thidua.awards import engine, imports, prize, selectors, services
from thidua.awards.models import AwardRecord, AwardType, Discipline, Initiative, Rating
from thidua.awards.schemas import (
    AwardFilters,
    AwardIn,
    AwardOut,
    AwardPage,
    AwardTypeOut,
    CheckIn,
    CheckOut,
    DisciplineIn,
    DisciplineOut,
    DisciplinePage,
    ErrorOut,
    ImportDone,
    ImportRefused,
    InitiativeIn,
    InitiativeOut,
    InitiativePage,
    ListFilters,
    PrizeFilters,
    RatingIn,
    RatingOut,
    RatingPage,
    RevokeIn,
    RuleOut,
    StatsFilters,
    StatsOut,
)
from thidua.core.errors import DomainError, NotFound
from thidua.directory.models import Person, Unit
from thidua.directory.schemas import MAX_ID

router = Router(tags=["Khen thưởng"])

_ERRORS: dict[Any, Any] = {frozenset({401, 403, 404, 409, 422}): ErrorOut}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERSON_NOT_FOUND = "Không tìm thấy cá nhân."
RECORD_NOT_FOUND = "Không tìm thấy khen thưởng."
UNKNOWN_UNIT = "Đơn vị không tồn tại."


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,return-value]


def _unit(unit_id: int | None, field: str = "unit") -> Unit | None:
    """A unit named in a body or filter: the tree is public data, a wrong id is a 422."""
    if unit_id is None:
        return None
    unit = Unit.objects.filter(pk=unit_id).first() if 1 <= unit_id <= MAX_ID else None
    if unit is None:
        raise DomainError(f"{field}: {UNKNOWN_UNIT}", code="unknown_unit")
    return unit


def _person(user: User, person_id: int | None) -> Person | None:
    """A person named in a body: one the user may not see is "not found" (no name leaks)."""
    if person_id is None:
        return None
    person = people_for(user, Perm.VIEW_AWARDS).select_related("unit").filter(pk=person_id).first()
    if person is None:
        raise NotFound(PERSON_NOT_FOUND)
    return person


def _page(qs: Any, page: int, size: int) -> tuple[list[Any], int]:
    start = (page - 1) * size
    rows = list(qs[start : start + size])
    count = len(rows) if page == 1 and len(rows) < size else qs.count()
    return rows, count


# --- catalogue ----------------------------------------------------------------------------


@router.get("/award-types/", response={200: list[AwardTypeOut], **_ERRORS}, summary="Danh mục khen thưởng")
def list_award_types(request: HttpRequest) -> list[dict[str, Any]]:
    """Mỗi loại khen thưởng với đối tượng và thẩm quyền theo quy định đang áp dụng hôm nay."""
    book = selectors.RuleBook.load()
    today = dt.date.today()
    items = []
    for t in AwardType.objects.order_by("-rank", "code"):
        rule = book.rule_for(t, today)
        items.append(
            {
                "code": t.code,
                "name": t.name,
                "category": t.category,
                "recipient_kinds": rule.recipient_kinds if rule else [],
                "authority_levels": rule.authority_levels if rule else [],
                "rule_set": rule.rule_set.code if rule else None,
            }
        )
    return items


@router.get(
    "/award-types/{code}/rules", response={200: list[RuleOut], **_ERRORS}, summary="Các phiên bản quy định"
)
def award_type_rules(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    award_type = AwardType.objects.filter(code=code.upper()[:30]).first()
    if award_type is None:
        raise NotFound("Không tìm thấy loại khen thưởng.")
    rules = award_type.rules.select_related("rule_set").order_by(
        F("rule_set__valid_from").asc(nulls_first=True), F("valid_from").asc(nulls_first=True), "pk"
    )
    return [
        {
            "id": r.pk,
            "rule_set": r.rule_set.code,
            "rule_set_status": r.rule_set.status,
            "valid_from": r.valid_from or r.rule_set.valid_from,
            "valid_to": r.valid_to or r.rule_set.valid_to,
            "issuer": r.issuer_id,
            "recipient_kinds": r.recipient_kinds,
            "authority_levels": r.authority_levels,
            "prize": r.prize or {},
            "quota": r.quota,
            "vote": r.vote,
            "criteria": r.criteria or {},
            "citation": r.citation,
            "confidence": r.confidence,
        }
        for r in rules
    ]


# --- the register --------------------------------------------------------------------------


def _award_out(r: AwardRecord) -> dict[str, Any]:
    return {
        "id": r.pk,
        "award_type": r.award_type.code,
        "award_name": r.award_type.name,
        "recipient_kind": r.recipient_kind,
        "person": r.person_id,
        "unit": r.unit_id,
        "household": r.household_id,
        "recipient_name": str(r.recipient),
        "owner_unit": r.owner_unit_id,
        "year": r.year,
        "occasion": r.occasion,
        "movement": r.movement_name,
        "decision_number": r.decision_number,
        "decision_date": r.decision_date,
        "authority": r.authority_id,
        "authority_name": r.authority_name,
        "authority_level": r.authority_level,
        "certificate_number": r.certificate_number,
        "rule_set": r.rule.rule_set.code if r.rule_id else None,
        "prize_coefficient": str(r.prize_coefficient) if r.prize_coefficient is not None else None,
        "base_salary": r.base_salary,
        "prize_amount": r.prize_amount,
        "status": r.status,
        "revoked_at": r.revoked_at,
        "revoke_reason": r.revoke_reason,
        "missing_basis": r.missing_basis,
        "basis_notes": [str(n) for n in r.basis_notes or []],
        "version": r.version,
    }


def _visible_record(user: User, record_id: int) -> AwardRecord:
    if not 1 <= record_id <= MAX_ID:
        raise NotFound(RECORD_NOT_FOUND)
    record = (
        selectors.records_for(user)
        .select_related("award_type", "person", "unit", "household", "owner_unit", "rule__rule_set")
        .filter(pk=record_id)
        .first()
    )
    if record is None:
        raise NotFound(RECORD_NOT_FOUND)
    return record


@router.get("/awards/", response={200: AwardPage, **_ERRORS}, summary="Sổ theo dõi khen thưởng")
def list_awards(request: HttpRequest, filters: Query[AwardFilters]) -> dict[str, Any]:
    """Khen thưởng trong phạm vi người dùng, lọc theo năm, loại, đơn vị (kể cả đơn vị trực thuộc),
    cá nhân, trạng thái, thiếu căn cứ."""
    f = filters
    award_type = None
    if f.award_type:
        award_type = AwardType.objects.filter(code=f.award_type.upper()).first()
        if award_type is None:
            raise DomainError(f"award_type: Loại khen thưởng «{f.award_type}» không có trong danh mục.")
    qs = selectors.records_list(
        _user(request),
        year=f.year,
        award_type=award_type,
        unit=_unit(f.unit),
        include_subunits=f.include_subunits,
        person_id=f.person,
        status=f.status,
        missing_basis=f.missing_basis,
    ).select_related("rule__rule_set")
    rows, count = _page(qs, f.page, f.page_size)
    return {"items": [_award_out(r) for r in rows], "count": count}


@router.post("/awards/", response={201: AwardOut, **_ERRORS}, summary="Ghi khen thưởng vào sổ")
def create_award(request: HttpRequest, payload: AwardIn) -> Status:
    """Một khen thưởng đã quyết định. Từ chối điều không thể đúng (đối tượng, năm, ngày quyết định,
    trùng, thẩm quyền); thiếu căn cứ thì vẫn ghi và đánh dấu ``missing_basis``."""
    user = _user(request)
    if (payload.person is None) == (payload.unit is None):
        raise DomainError("Phải gửi đúng một trong hai trường person (cá nhân) hoặc unit (tập thể).")
    with transaction.atomic():
        record = services.award_record_create(
            actor=user,
            award_type=payload.award_type,
            year=payload.year,
            person=_person(user, payload.person),
            unit=_unit(payload.unit),
            decision_number=payload.decision_number,
            decision_date=payload.decision_date,
            authority=_unit(payload.authority, "authority"),
            authority_name=payload.authority_name,
            authority_level=payload.authority_level or "",
            occasion=payload.occasion,
            movement_name=payload.movement,
            certificate_number=payload.certificate_number,
            budget_source=payload.budget_source,
            source="api",
        )
        record = _visible_record(user, record.pk)
    return Status(201, _award_out(record))


@router.get("/awards/{int:record_id}", response={200: AwardOut, **_ERRORS}, summary="Xem khen thưởng")
def get_award(request: HttpRequest, record_id: int) -> dict[str, Any]:
    return _award_out(_visible_record(_user(request), record_id))


@router.post(
    "/awards/{int:record_id}/revoke", response={200: AwardOut, **_ERRORS}, summary="Hủy bỏ khen thưởng"
)
def revoke_award(request: HttpRequest, record_id: int, payload: RevokeIn) -> dict[str, Any]:
    user = _user(request)
    record = _visible_record(user, record_id)
    services.award_record_revoke(
        actor=user,
        record=record,
        reason=payload.reason,
        revoked_at=payload.revoked_at,
        expected_version=payload.version,
    )
    return _award_out(_visible_record(user, record_id))


_IMPORT = {201: ImportDone, 403: ErrorOut, 422: ImportRefused}


def _import(request: HttpRequest, kind: str, file: UploadedFile) -> Status:
    result = imports.import_file(actor=_user(request), file=file, name=file.name or "", kind=kind)
    return Status(
        201,
        {
            "created": result.created_count,
            "updated": result.updated_count,
            "missing_basis": result.flagged_count,
        },
    )


@router.post("/awards/import", response=_IMPORT, summary="Nhập sổ khen thưởng (XLSX, CSV)")
def import_awards(request: HttpRequest, file: File[UploadedFile]) -> Status:
    """Tất cả hoặc không: có lỗi thì trả về 422 với mọi lỗi (dòng, cột, nội dung), không ghi gì."""
    return _import(request, imports.AWARDS, file)


@router.post("/ratings/import", response=_IMPORT, summary="Nhập xếp loại chất lượng (XLSX, CSV)")
def import_ratings(request: HttpRequest, file: File[UploadedFile]) -> Status:
    return _import(request, imports.RATINGS, file)


@router.post("/initiatives/import", response=_IMPORT, summary="Nhập sáng kiến, đề tài (XLSX, CSV)")
def import_initiatives(request: HttpRequest, file: File[UploadedFile]) -> Status:
    """Tất cả hoặc không. Cột «Tác giả»: các họ tên cách nhau bởi «;», thêm «(dd/mm/yyyy)» khi trùng tên."""
    return _import(request, imports.INITIATIVES, file)


@router.post("/disciplines/import", response=_IMPORT, summary="Nhập kỷ luật (XLSX, CSV)")
def import_disciplines(request: HttpRequest, file: File[UploadedFile]) -> Status:
    """Tất cả hoặc không: có lỗi thì trả về 422 với mọi lỗi (dòng, cột, nội dung), không ghi gì."""
    return _import(request, imports.DISCIPLINES, file)


def _template(kind: str, filename: str) -> HttpResponse:
    response = HttpResponse(imports.template_xlsx(kind), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.get(
    "/initiatives/import/template",
    response={200: None, **_ERRORS},
    summary="Tệp mẫu nhập sáng kiến, đề tài (XLSX)",
)
def initiatives_import_template(request: HttpRequest) -> HttpResponse:
    return _template(imports.INITIATIVES, "mau-nhap-sang-kien.xlsx")


@router.get(
    "/disciplines/import/template", response={200: None, **_ERRORS}, summary="Tệp mẫu nhập kỷ luật (XLSX)"
)
def disciplines_import_template(request: HttpRequest) -> HttpResponse:
    return _template(imports.DISCIPLINES, "mau-nhap-ky-luat.xlsx")


# --- ratings, initiatives, disciplines --------------------------------------------------------


def _rating_out(r: Rating) -> dict[str, Any]:
    return {
        "id": r.pk,
        "person": r.person_id,
        "unit": r.unit_id,
        "owner_unit": r.owner_unit_id,
        "year": r.year,
        "rating": r.grade,
        "source": r.source,
        "version": r.version,
    }


@router.get("/ratings/", response={200: RatingPage, **_ERRORS}, summary="Xếp loại chất lượng")
def list_ratings(request: HttpRequest, filters: Query[ListFilters]) -> dict[str, Any]:
    f = filters
    qs = selectors.ratings_list(
        _user(request),
        year=f.year,
        unit=_unit(f.unit),
        include_subunits=f.include_subunits,
        person_id=f.person,
    )
    rows, count = _page(qs, f.page, f.page_size)
    return {"items": [_rating_out(r) for r in rows], "count": count}


@router.post("/ratings/", response={200: RatingOut, **_ERRORS}, summary="Đặt xếp loại chất lượng")
def set_rating(request: HttpRequest, payload: RatingIn) -> dict[str, Any]:
    """Tạo hoặc thay xếp loại năm ``year`` của một cá nhân (``person``) hoặc đơn vị (``unit``)."""
    user = _user(request)
    if (payload.person is None) == (payload.unit is None):
        raise DomainError("Phải gửi đúng một trong hai trường person (cá nhân) hoặc unit (đơn vị).")
    rating = services.rating_set(
        actor=user,
        year=payload.year,
        grade=payload.rating,
        person=_person(user, payload.person),
        unit=_unit(payload.unit),
        source=payload.source,
    )
    return _rating_out(rating)


def _initiative_out(i: Initiative) -> dict[str, Any]:
    return {
        "id": i.pk,
        "title": i.title,
        "authors": sorted(a.pk for a in i.authors.all()),
        "year": i.year,
        "scope": i.scope,
        "is_research": i.is_research,
        "owner_unit": i.owner_unit_id,
        "decision_number": i.decision_number,
        "decision_date": i.decision_date,
        "consumed_by": i.consumed_by_id,
    }


@router.get("/initiatives/", response={200: InitiativePage, **_ERRORS}, summary="Sáng kiến, đề tài")
def list_initiatives(request: HttpRequest, filters: Query[ListFilters]) -> dict[str, Any]:
    f = filters
    qs = selectors.initiatives_list(
        _user(request), year=f.year, unit=_unit(f.unit), include_subunits=f.include_subunits
    )
    rows, count = _page(qs, f.page, f.page_size)
    return {"items": [_initiative_out(i) for i in rows], "count": count}


@router.post("/initiatives/", response={201: InitiativeOut, **_ERRORS}, summary="Ghi sáng kiến, đề tài")
def create_initiative(request: HttpRequest, payload: InitiativeIn) -> Status:
    user = _user(request)
    authors = [_person(user, pk) for pk in dict.fromkeys(payload.authors)]
    initiative = services.initiative_create(
        actor=user,
        title=payload.title,
        authors=[a for a in authors if a is not None],
        year=payload.year,
        scope=payload.scope,
        is_research=payload.is_research,
        recognised_by=_unit(payload.recognised_by, "recognised_by"),
        recognised_by_name=payload.recognised_by_name,
        decision_number=payload.decision_number,
        decision_date=payload.decision_date,
    )
    return Status(201, _initiative_out(initiative))


def _discipline_out(d: Discipline) -> dict[str, Any]:
    return {
        "id": d.pk,
        "person": d.person_id,
        "unit": d.unit_id,
        "measure": d.measure,
        "start_date": d.start_date,
        "end_date": d.end_date,
        "decision_number": d.decision_number,
        "note": d.note,
        "owner_unit": d.owner_unit_id,
    }


@router.get("/disciplines/", response={200: DisciplinePage, **_ERRORS}, summary="Kỷ luật")
def list_disciplines(request: HttpRequest, filters: Query[ListFilters]) -> dict[str, Any]:
    f = filters
    qs = selectors.disciplines_list(
        _user(request), unit=_unit(f.unit), include_subunits=f.include_subunits, person_id=f.person
    )
    rows, count = _page(qs, f.page, f.page_size)
    return {"items": [_discipline_out(d) for d in rows], "count": count}


@router.post("/disciplines/", response={201: DisciplineOut, **_ERRORS}, summary="Ghi kỷ luật")
def create_discipline(request: HttpRequest, payload: DisciplineIn) -> Status:
    """Ghi kỷ luật (hoặc việc đang xem xét kỷ luật, thanh tra) của một cá nhân (``person``)
    hoặc một tập thể (``unit``)."""
    user = _user(request)
    if (payload.person is None) == (payload.unit is None):
        raise DomainError("Phải gửi đúng một trong hai trường person (cá nhân) hoặc unit (tập thể).")
    discipline = services.discipline_create(
        actor=user,
        person=_person(user, payload.person),
        unit=_unit(payload.unit),
        measure=payload.measure,
        start_date=payload.start_date,
        end_date=payload.end_date,
        decision_number=payload.decision_number,
        note=payload.note,
    )
    return Status(201, _discipline_out(discipline))


# --- eligibility ------------------------------------------------------------------------------


@router.post("/eligibility/check", response={200: CheckOut, **_ERRORS}, summary="Xét điều kiện khen thưởng")
def eligibility_check(request: HttpRequest, payload: CheckIn) -> dict[str, Any]:
    """Tối đa 10.000 mục; mỗi mục trả về kết quả của bộ máy xét (tiêu chuẩn đạt, chưa đạt,
    cần xem xét) kèm mục đã gửi. Cá nhân, đơn vị ngoài phạm vi: lỗi riêng cho mục đó."""

    user = _user(request)
    codes = set(AwardType.objects.values_list("code", flat=True))
    unknown = [
        f"{i} («{it.award_type}»)" for i, it in enumerate(payload.items) if it.award_type.upper() not in codes
    ]
    if unknown:
        raise DomainError(
            "Loại khen thưởng không có trong danh mục ở mục: " + ", ".join(unknown[:50]) + ".",
            code="unknown_award",
        )
    person_ids = {it.person for it in payload.items if it.person}
    unit_ids = {it.unit for it in payload.items if it.unit}
    people = (
        set(people_for(user, Perm.VIEW_AWARDS).filter(pk__in=person_ids).values_list("pk", flat=True))
        if person_ids
        else set()
    )
    units = (
        set(units_for(user, Perm.VIEW_AWARDS).filter(pk__in=unit_ids).values_list("pk", flat=True))
        if unit_ids
        else set()
    )
    answers: list[dict[str, Any] | None] = [None] * len(payload.items)
    candidates, where = [], []
    for i, it in enumerate(payload.items):
        echo = {
            "index": i,
            "person": it.person,
            "unit": it.unit,
            "award_type": it.award_type.upper(),
            "year": it.year,
        }
        if (it.person is None) == (it.unit is None):
            answers[i] = echo | {
                "error": "Phải gửi đúng một trong hai trường person hoặc unit.",
                "code": "invalid",
            }
        elif it.person is not None and it.person not in people:
            answers[i] = echo | {"error": PERSON_NOT_FOUND, "code": "not_found"}
        elif it.unit is not None and it.unit not in units:
            answers[i] = echo | {"error": "Không tìm thấy đơn vị.", "code": "not_found"}
        else:
            answers[i] = echo
            candidates.append(
                engine.Candidate(award=echo["award_type"], year=it.year, person_id=it.person, unit_id=it.unit)
            )
            where.append(i)
    for i, verdict in zip(where, engine.check(candidates, as_of=payload.as_of), strict=True):
        answers[i] = verdict.as_dict() | answers[i]  # type: ignore[operator]
    return {"items": answers}


# --- statistics and prizes -------------------------------------------------------------------


@router.get("/stats/awards", response={200: StatsOut, **_ERRORS}, summary="Thống kê khen thưởng")
def award_stats(request: HttpRequest, filters: Query[StatsFilters]) -> dict[str, Any]:
    """Số tập thể, cá nhân, hộ gia đình được khen trong năm (khen thưởng còn hiệu lực),
    theo loại khen thưởng và cấp quyết định, trong phạm vi người dùng."""
    f = filters
    return selectors.award_stats(
        _user(request), year=f.year, unit=_unit(f.unit), include_subunits=f.include_subunits
    )


@router.get(
    "/prizes/export.xlsx", summary="Danh sách chi tiền thưởng (XLSX)", response={200: None, **_ERRORS}
)
def prizes_export(request: HttpRequest, filters: Query[PrizeFilters]) -> HttpResponse:
    """Danh sách cho kế toán: người/tập thể được khen, khen thưởng, quyết định, hệ số, lương cơ sở,
    số tiền (công thức), cách làm tròn, nguồn kinh phí; cộng theo quyết định và tổng cộng bằng công thức."""
    f = filters
    qs = (
        selectors.records_list(_user(request), year=f.year, unit=_unit(f.unit), include_subunits=True)
        .filter(status="valid", prize_amount__isnull=False)
        .select_related("rule__rule_set")
        .order_by("decision_date", "decision_number", "award_type__rank", "id")
    )
    content = prize_xlsx(list(qs), title=f"DANH SÁCH CHI TIỀN THƯỞNG NĂM {f.year}")
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="tien-thuong-{f.year}.xlsx"'
    return response


_EXCEL_ROUND = {"up": "ROUNDUP({x}/10000,0)*10000", "nearest": "ROUND({x},-4)", "none": "ROUND({x},0)"}


def prize_xlsx(records: list[AwardRecord], *, title: str) -> bytes:
    """Grouped by decision; each amount, subtotal and the grand total is a formula
    (with its computed value cached, so viewers without recalculation see it)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True})
    head = book.add_format(
        {"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF", "border": 1, "text_wrap": True}
    )
    money = book.add_format({"num_format": "#,##0", "border": 1})
    money_bold = book.add_format({"num_format": "#,##0", "border": 1, "bold": True})
    cell = book.add_format({"border": 1})
    date = book.add_format({"num_format": "dd/mm/yyyy", "border": 1})
    coef = book.add_format({"num_format": "0.00", "border": 1})
    sheet = book.add_worksheet("Tiền thưởng")
    columns = [
        ("STT", 5), ("Người/tập thể được khen", 30), ("Đơn vị", 24), ("Khen thưởng", 28),
        ("Số quyết định", 16), ("Ngày quyết định", 12), ("Hệ số", 7), ("Lương cơ sở", 12),
        ("Số tiền (đồng)", 14), ("Làm tròn", 30), ("Nguồn kinh phí", 18),
    ]  # fmt: skip
    sheet.write_string(0, 0, title, bold)
    for i, (label, width) in enumerate(columns):
        sheet.write_string(2, i, label, head)
        sheet.set_column(i, i, width)
    sheet.freeze_panes(3, 0)
    groups: OrderedDict[tuple[str, Any], list[AwardRecord]] = OrderedDict()
    for r in records:
        groups.setdefault((r.decision_number, r.decision_date), []).append(r)
    row = 3
    n = 0
    subtotal_cells: list[str] = []
    grand = 0
    for (number, day), items in groups.items():
        first = row
        total = 0
        for r in items:
            n += 1
            mode = r.rule.rule_set.rounding if r.rule_id else "up"
            sheet.write_number(row, 0, n, cell)
            sheet.write_string(row, 1, str(r.recipient), cell)
            sheet.write_string(row, 2, r.owner_unit.name, cell)
            sheet.write_string(row, 3, r.award_type.name, cell)
            sheet.write_string(row, 4, r.decision_number, cell)
            if r.decision_date:
                sheet.write_datetime(row, 5, dt.datetime.combine(r.decision_date, dt.time()), date)
            sheet.write_number(row, 6, float(r.prize_coefficient or 0), coef)
            sheet.write_number(row, 7, r.base_salary or 0, money)
            formula = "=" + _EXCEL_ROUND.get(mode, _EXCEL_ROUND["up"]).format(x=f"G{row + 1}*H{row + 1}")
            sheet.write_formula(row, 8, formula, money, r.prize_amount or 0)
            sheet.write_string(row, 9, prize.ROUNDING_NOTES.get(mode, mode), cell)
            sheet.write_string(row, 10, r.budget_source, cell)
            total += r.prize_amount or 0
            row += 1
        label = f"Cộng quyết định {number or '(không số)'}" + (f" ngày {day:%d/%m/%Y}" if day else "")
        sheet.write_string(row, 1, label, bold)
        sheet.write_formula(row, 8, f"=SUM(I{first + 1}:I{row})", money_bold, total)
        subtotal_cells.append(f"I{row + 1}")
        grand += total
        row += 2
    sheet.write_string(row, 1, "TỔNG CỘNG", bold)
    sheet.write_formula(row, 8, "=" + ("+".join(subtotal_cells) or "0"), money_bold, grand)
    book.close()
    return out.getvalue()


# --- caps and quotas ----------------------------------------------------------------------


def _unit_in_scope(user: User, unit_id: int) -> Unit:
    """A unit whose figures are asked for: outside the user's scope it is "not found"."""
    unit = _unit(unit_id)
    if not units_for(user, Perm.VIEW_AWARDS).filter(pk=unit.pk).exists():
        raise NotFound("Không tìm thấy đơn vị.")
    return unit


@router.get(
    "/ratings/cap",
    response={200: dict[str, Any], **_ERRORS},
    summary="Tỷ lệ hoàn thành xuất sắc so với mức trần",
)
def rating_cap(request: HttpRequest, unit: int, year: int, regime: str = "public_employee") -> dict[str, Any]:
    """Số người được xếp loại HTXSNV của đơn vị năm ``year`` so với mức trần của chế độ ``regime``
    (làm tròn xuống: «không vượt quá»); ``cap: null`` khi chưa có quy định trần cho chế độ và năm đó."""
    target = _unit_in_scope(_user(request), unit)
    check = services.rating_cap_check(target, year, regime)
    if check is None:
        return {"unit": target.pk, "year": year, "regime": regime, "cap": None}
    return {
        "unit": target.pk,
        "year": year,
        "regime": check.regime,
        "rated": check.rated,
        "excellent": check.excellent,
        "max_share": str(check.max_share),
        "cap": check.cap,
        "exceeded": check.exceeded,
        "unit_grade": check.unit_grade,
        "citation": check.citation,
        "confidence": check.confidence,
        "message": check.message,
    }


@router.get("/quotas/check", response={200: dict[str, Any], **_ERRORS}, summary="Kiểm tra tỷ lệ khen thưởng")
def quota(
    request: HttpRequest, unit: int, year: int, award_type: str, extra: int = 0, as_of: dt.date | None = None
) -> dict[str, Any]:
    """Số đã khen của ``award_type`` trong đơn vị (kể cả trực thuộc) năm ``year`` cộng ``extra`` đề nghị
    mới, so với tỷ lệ trong quy định (ví dụ CSTĐ cơ sở ≤ 15 % số LĐTT); ``quota: null`` khi không có tỷ lệ."""
    target = _unit_in_scope(_user(request), unit)
    if not AwardType.objects.filter(code=award_type).exists():
        raise DomainError(f"Loại khen thưởng «{award_type[:30]}» không tồn tại.", code="unknown_award")
    if not 0 <= extra <= 100_000:
        raise DomainError("extra phải từ 0 đến 100.000.")
    result = engine.quota_check(unit_id=target.pk, year=year, award=award_type, extra=extra, as_of=as_of)
    return {"unit": target.pk, "year": year, "award_type": award_type, "quota": result}
