"""REST API of movements under /api/v1/movements/.

Only parsing and shaping: reads through :mod:`thidua.movements.selectors`,
writes through :mod:`thidua.movements.services`. A movement, pledge or scheme
the user may not see answers 404 like one that does not exist; writing where
one may only read answers 403; a unit id that does not exist is a 422.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Router, Status
from ninja.files import UploadedFile

from thidua.accounts.enums import Perm
from thidua.accounts.models import User
from thidua.accounts.scoping import can_on_unit
from thidua.core.errors import DomainError, NotFound, PermissionDenied
from thidua.directory.models import EmulationGroup, GroupMembership, Unit
from thidua.directory.schemas import MAX_ID
from thidua.movements import documents, imports, proposals, selectors, services
from thidua.movements.enums import SchemeState, TaskStatus
from thidua.movements.models import (
    Indicator,
    KeyTask,
    Movement,
    Participant,
    Pledge,
    Review,
    ScoreSheet,
    ScoringScheme,
)
from thidua.movements.schemas import (
    ApprovalIn,
    ErrorOut,
    ImportOut,
    IndicatorIn,
    IndicatorOut,
    IndicatorsOut,
    MovementIn,
    MovementOut,
    PledgeIn,
    PledgeOut,
    ProposeIn,
    ProposeOut,
    RankingOut,
    RatingsOut,
    RegistrationIn,
    RegistrationOut,
    ReviewIn,
    ReviewOut,
    SchemeIn,
    SchemeOut,
    ScoresIn,
    SheetOut,
    SignatureIn,
    SummaryOut,
    TaskIn,
    TaskOut,
    TasksOut,
    TaskStatusIn,
    UnitOut,
    ValueIn,
    ValueOut,
)

router = Router(tags=["Phong trào thi đua"])
_ERRORS: dict[Any, Any] = {frozenset({401, 403, 404, 409, 422}): ErrorOut}
MOVEMENT_NOT_FOUND = "Không tìm thấy phong trào thi đua."


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,return-value]


def _unit(unit_id: int | None, field: str = "unit") -> Unit | None:
    if unit_id is None:
        return None
    unit = Unit.objects.filter(pk=unit_id).first() if 1 <= unit_id <= MAX_ID else None
    if unit is None:
        raise DomainError(f"{field}: Đơn vị không tồn tại.", code="unknown_unit")
    return unit


def _movement(user: User, movement_id: int) -> Movement:
    m = selectors.visible_movement(user, movement_id) if 1 <= movement_id <= MAX_ID else None
    if m is None:
        raise NotFound(MOVEMENT_NOT_FOUND)
    return m


def _today() -> dt.date:
    return timezone.localdate()


def _with_related(movements: list[Movement]) -> list[Movement]:
    """Directives and participants (with their units) for a whole list in two
    queries, so a list of 500 movements costs what a list of one does."""
    prefetch_related_objects(
        movements,
        "directives",
        Prefetch("participants", queryset=Participant.objects.select_related("unit").order_by("pk")),
    )
    return movements


def _movement_out(m: Movement) -> dict[str, Any]:
    if not hasattr(m, "_prefetched_objects_cache") or "participants" not in m._prefetched_objects_cache:
        _with_related([m])
    return {
        "id": m.pk,
        "kind": m.kind,
        "kind_label": m.get_kind_display(),
        "name": m.name,
        "slogan": m.slogan,
        "launching_unit": m.launching_unit_id,
        "launching_unit_name": m.launching_unit.name,
        "approving_unit": m.approving_unit_id,
        "approval_state": m.approval_state,
        "approval_label": m.get_approval_state_display(),
        "start_date": m.start_date,
        "end_date": m.end_date,
        "goals": m.goals,
        "has_plan": bool(m.plan_file),
        "directives": [
            {"number": d.number, "issued_on": d.issued_on, "title": d.title} for d in m.directives.all()
        ],
        "participants": [
            {"unit": p.unit_id, "unit_name": p.unit.name, "include_subunits": p.include_subunits}
            for p in m.participants.all()
        ],
        "version": m.version,
    }


# --- movements ---------------------------------------------------------------------------


@router.get(
    "/movements/", response={200: list[MovementOut], **_ERRORS}, summary="Danh sách phong trào thi đua"
)
def list_movements(
    request: HttpRequest, q: str = "", kind: str = "", year: int | None = None
) -> list[dict[str, Any]]:
    """Các phong trào người dùng được xem: do đơn vị trong phạm vi phát động hoặc có đơn vị trong phạm vi tham gia."""
    year = year if year is not None and 1945 <= year <= 2200 else None
    qs = selectors.movements_list(_user(request), q=q[:200], kind=kind[:10] or None, year=year)
    return [_movement_out(m) for m in _with_related(list(qs[:500]))]


@router.post("/movements/", response={201: MovementOut, **_ERRORS}, summary="Phát động phong trào thi đua")
def launch_movement(request: HttpRequest, payload: MovementIn) -> Status:
    """Tạo phong trào với đơn vị tham gia, văn bản chỉ đạo và mục tiêu. Phong trào của Mặt trận, đoàn thể chờ UBND phê duyệt."""
    m = services.movement_launch(
        actor=_user(request),
        kind=payload.kind,
        name=payload.name,
        slogan=payload.slogan,
        launching_unit=_unit(payload.launching_unit, "launching_unit"),
        approving_unit=_unit(payload.approving_unit, "approving_unit"),
        start_date=payload.start_date,
        end_date=payload.end_date,
        participants=[(_unit(p.unit, "participants"), p.include_subunits) for p in payload.participants],
        directives=[(d.number, d.issued_on, d.title) for d in payload.directives],
        goals=payload.goals,
    )
    return Status(201, _movement_out(m))


@router.get(
    "/movements/{movement_id}", response={200: MovementOut, **_ERRORS}, summary="Thông tin phong trào"
)
def get_movement(request: HttpRequest, movement_id: int) -> dict[str, Any]:
    return _movement_out(_movement(_user(request), movement_id))


@router.post(
    "/movements/{movement_id}/approval",
    response={200: MovementOut, **_ERRORS},
    summary="UBND phê duyệt phong trào",
)
def approve_movement(request: HttpRequest, movement_id: int, payload: ApprovalIn) -> dict[str, Any]:
    m = services.movement_decide_approval(
        actor=_user(request),
        movement=_movement(_user(request), movement_id),
        approve=payload.approve,
        note=payload.note,
    )
    return _movement_out(m)


@router.post(
    "/movements/{movement_id}/plan", response={200: MovementOut, **_ERRORS}, summary="Tải lên kế hoạch"
)
def upload_plan(request: HttpRequest, movement_id: int, file: File[UploadedFile]) -> dict[str, Any]:
    """Tệp PDF, DOCX, DOC hoặc ODT; lưu ngoài thư mục web, chỉ tải về qua kiểm tra quyền."""
    m = _movement(_user(request), movement_id)
    services.movement_attach_plan(actor=_user(request), movement=m, file=file, name=file.name or "")
    return _movement_out(m)


@router.get("/movements/{movement_id}/plan", summary="Tải về kế hoạch (tên tệp gốc)")
def download_plan(request: HttpRequest, movement_id: int) -> FileResponse:
    m = _movement(_user(request), movement_id)
    if not m.plan_file:
        raise NotFound("Phong trào chưa có tệp kế hoạch.")
    return FileResponse(m.plan_file.open("rb"), as_attachment=True, filename=m.plan_name or "ke-hoach")


@router.get(
    "/movements/{movement_id}/summary",
    response={200: SummaryOut, **_ERRORS},
    summary="Tổng hợp kết quả phong trào",
)
def movement_summary(request: HttpRequest, movement_id: int, as_of: dt.date | None = None) -> dict[str, Any]:
    """Số đơn vị tham gia, đăng ký, chỉ tiêu đạt, nhiệm vụ hoàn thành, khen thưởng theo đối tượng, tính đến ngày ``as_of`` (mặc định hôm nay)."""
    return selectors.movement_summary(_movement(_user(request), movement_id), as_of or _today())


@router.get("/movements/{movement_id}/export.xlsx", summary="Xuất Excel chỉ tiêu, nhiệm vụ, đăng ký")
def export_movement(request: HttpRequest, movement_id: int, as_of: dt.date | None = None) -> HttpResponse:
    m = _movement(_user(request), movement_id)
    response = HttpResponse(documents.movement_xlsx(m, as_of or _today()), content_type=documents.XLSX)
    response["Content-Disposition"] = f'attachment; filename="phong-trao-{m.pk}.xlsx"'
    return response


# --- registrations -----------------------------------------------------------------------------


def _reg_out(r: Any) -> dict[str, Any]:
    return {
        "id": r.pk,
        "unit": r.unit_id,
        "unit_name": r.unit.name,
        "year": r.year,
        "targets": r.targets,
        "registered_at": r.registered_at,
        "version": r.version,
    }


@router.post(
    "/movements/{movement_id}/registrations",
    response={200: RegistrationOut, **_ERRORS},
    summary="Đăng ký thi đua của đơn vị",
)
def register(request: HttpRequest, movement_id: int, payload: RegistrationIn) -> dict[str, Any]:
    """Đơn vị tham gia đăng ký (hoặc sửa) chỉ tiêu, danh hiệu thi đua của năm."""
    r = services.registration_submit(
        actor=_user(request),
        movement=_movement(_user(request), movement_id),
        unit=_unit(payload.unit),
        year=payload.year,
        targets=payload.targets,
        expected_version=payload.version,
    )
    return _reg_out(r)


@router.get(
    "/movements/{movement_id}/registrations",
    response={200: list[RegistrationOut], **_ERRORS},
    summary="Các bản đăng ký thi đua",
)
def list_registrations(request: HttpRequest, movement_id: int) -> list[dict[str, Any]]:
    m = _movement(_user(request), movement_id)
    return [_reg_out(r) for r in selectors.registrations_list(_user(request), m)]


@router.get(
    "/movements/{movement_id}/unregistered",
    response={200: list[UnitOut], **_ERRORS},
    summary="Đơn vị chưa đăng ký thi đua",
)
def list_unregistered(
    request: HttpRequest, movement_id: int, year: int | None = None
) -> list[dict[str, Any]]:
    """Chỉ cơ quan thường trực (quyền quản lý phong trào trên đơn vị phát động) xem được."""
    m = _movement(_user(request), movement_id)
    if not selectors.may_manage(_user(request), m):
        raise PermissionDenied()
    units = selectors.unregistered(m, year if year and 1945 <= year <= 2200 else m.start_date.year)
    return [{"id": u.pk, "code": u.code, "name": u.name} for u in units]


@router.get(
    "/movements/{movement_id}/ratings",
    response={200: RatingsOut, **_ERRORS},
    summary="Xếp loại đơn vị trong năm",
)
def ratings(request: HttpRequest, movement_id: int, year: int | None = None) -> dict[str, Any]:
    """Tỷ lệ cơ quan, đơn vị hoàn thành nhiệm vụ trở lên và hoàn thành xuất sắc, đối chiếu tỷ lệ tối đa."""
    m = _movement(_user(request), movement_id)
    s = selectors.rating_summary(m, year if year and 1945 <= year <= 2200 else m.start_date.year)
    return {
        "year": s.year,
        "rated": s.rated,
        "completed_or_better": s.completed_or_better,
        "excellent": s.excellent,
        "completed_share": s.completed_share,
        "excellent_share": s.excellent_share,
        "max_share": s.max_share,
        "exceeded": s.exceeded,
        "text": s.text,
        "unrated": [{"id": u.pk, "code": u.code, "name": u.name} for u in s.unrated],
    }


# --- indicators and tasks ---------------------------------------------------------------------


def _indicator_out(s: selectors.IndicatorStatus) -> dict[str, Any]:
    i = s.indicator
    return {
        "id": i.pk,
        "unit": i.unit_id,
        "unit_name": i.unit.name,
        "code": i.code,
        "name": i.name,
        "measure": i.measure,
        "plan_value": i.plan_value,
        "direction": i.direction,
        "actual": s.actual,
        "as_of": s.as_of,
        "source": s.source,
        "share_percent": round(s.share, 1) if s.share is not None else None,
        "share_text": s.share_text,
        "met": s.met,
    }


@router.post(
    "/movements/{movement_id}/indicators",
    response={201: IndicatorOut, **_ERRORS},
    summary="Thêm chỉ tiêu KT-XH",
)
def add_indicator(request: HttpRequest, movement_id: int, payload: IndicatorIn) -> Status:
    m = _movement(_user(request), movement_id)
    ind = services.indicator_create(
        actor=_user(request),
        movement=m,
        unit=_unit(payload.unit),
        code=payload.code,
        name=payload.name,
        measure=payload.measure,
        plan_value=payload.plan_value,
        direction=payload.direction,
    )
    return Status(201, _indicator_out(selectors.IndicatorStatus(ind, None, None, "", None, False)))


@router.get(
    "/movements/{movement_id}/indicators",
    response={200: IndicatorsOut, **_ERRORS},
    summary="Chỉ tiêu và mức đạt tính đến một ngày",
)
def list_indicators(
    request: HttpRequest, movement_id: int, as_of: dt.date | None = None, unit: int | None = None
) -> dict[str, Any]:
    """«11/13 chỉ tiêu đạt và vượt kế hoạch»; mỗi chỉ tiêu «đạt 187% kế hoạch» (chỉ tiêu càng thấp càng tốt tính ngược)."""
    m = _movement(_user(request), movement_id)
    p = selectors.progress(m, as_of or _today(), _unit(unit))
    return {
        "as_of": p.as_of,
        "met": p.indicators_met,
        "total": p.indicators_total,
        "text": p.indicators_text,
        "items": [_indicator_out(s) for s in p.indicators],
    }


def _indicator(user: User, indicator_id: int) -> Indicator:
    ind = (
        Indicator.objects.select_related("movement", "unit").filter(pk=indicator_id).first()
        if 1 <= indicator_id <= MAX_ID
        else None
    )
    if ind is None or selectors.visible_movement(user, ind.movement_id) is None:
        raise NotFound("Không tìm thấy chỉ tiêu.")
    return ind


@router.post(
    "/movements/indicators/{indicator_id}/values",
    response={201: ValueOut, **_ERRORS},
    summary="Báo cáo kết quả thực hiện chỉ tiêu",
)
def report_value(request: HttpRequest, indicator_id: int, payload: ValueIn) -> Status:
    v = services.indicator_report(
        actor=_user(request),
        indicator=_indicator(_user(request), indicator_id),
        value=payload.value,
        as_of=payload.as_of,
        source=payload.source,
    )
    return Status(
        201, {"id": v.pk, "indicator": v.indicator_id, "value": v.value, "as_of": v.as_of, "source": v.source}
    )


@router.post(
    "/movements/{movement_id}/indicators/import",
    response={200: ImportOut, **_ERRORS},
    summary="Nhập chỉ tiêu và kết quả từ Excel",
)
def import_indicators(request: HttpRequest, movement_id: int, file: File[UploadedFile]) -> dict[str, int]:
    """Tất cả hoặc không: tệp có lỗi (mã chỉ tiêu không có, đơn vị ngoài phong trào …) bị từ chối kèm danh sách lỗi theo dòng, cột."""
    m = _movement(_user(request), movement_id)
    return imports.import_indicators(actor=_user(request), movement=m, file=file, name=file.name or "")


@router.get("/movements/indicators/template.xlsx", summary="Tệp mẫu nhập chỉ tiêu")
def indicators_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(imports.template(), content_type=documents.XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-chi-tieu.xlsx"'
    return response


def _task_out(t: KeyTask, status: str | None = None) -> dict[str, Any]:
    status = status or t.status
    return {
        "id": t.pk,
        "unit": t.unit_id,
        "unit_name": t.unit.name,
        "title": t.title,
        "owner": t.owner,
        "deadline": t.deadline,
        "status": status,
        "status_label": TaskStatus(status).label,
        "version": t.version,
    }


@router.post(
    "/movements/{movement_id}/tasks", response={201: TaskOut, **_ERRORS}, summary="Thêm nhiệm vụ trọng tâm"
)
def add_task(request: HttpRequest, movement_id: int, payload: TaskIn) -> Status:
    t = services.task_create(
        actor=_user(request),
        movement=_movement(_user(request), movement_id),
        unit=_unit(payload.unit),
        title=payload.title,
        owner=payload.owner,
        deadline=payload.deadline,
    )
    return Status(201, _task_out(t))


@router.get(
    "/movements/{movement_id}/tasks",
    response={200: TasksOut, **_ERRORS},
    summary="Nhiệm vụ trọng tâm tính đến một ngày",
)
def list_tasks(request: HttpRequest, movement_id: int, as_of: dt.date | None = None) -> dict[str, Any]:
    """«11/21 nhiệm vụ hoàn thành, 10/21 đang triển khai» theo trạng thái tại ngày ``as_of``."""
    m = _movement(_user(request), movement_id)
    p = selectors.progress(m, as_of or _today())
    c = p.task_counts
    return {
        "as_of": p.as_of,
        "total": len(p.tasks),
        "done": c[TaskStatus.DONE],
        "in_progress": c[TaskStatus.IN_PROGRESS],
        "not_started": c[TaskStatus.NOT_STARTED],
        "text": p.tasks_text,
        "items": [_task_out(t, s) for t, s in p.tasks],
    }


@router.post(
    "/movements/tasks/{task_id}/status",
    response={200: TaskOut, **_ERRORS},
    summary="Cập nhật trạng thái nhiệm vụ",
)
def set_task_status(request: HttpRequest, task_id: int, payload: TaskStatusIn) -> dict[str, Any]:
    task = (
        KeyTask.objects.select_related("movement", "unit").filter(pk=task_id).first()
        if 1 <= task_id <= MAX_ID
        else None
    )
    if task is None or selectors.visible_movement(_user(request), task.movement_id) is None:
        raise NotFound("Không tìm thấy nhiệm vụ.")
    t = services.task_set_status(
        actor=_user(request), task=task, status=payload.status, on=payload.on, note=payload.note,
        expected_version=payload.version,
    )  # fmt: skip
    return _task_out(t)


# --- pledges ------------------------------------------------------------------------------


def _group_visible(user: User, group: EmulationGroup, year: int) -> bool:
    if can_on_unit(user, Perm.VIEW_MOVEMENTS, group.organiser):
        return True
    return any(
        can_on_unit(user, Perm.VIEW_MOVEMENTS, m.unit)
        for m in GroupMembership.objects.filter(group=group, year=year).select_related("unit")
    )


def _pledge(user: User, pledge_id: int) -> Pledge:
    p = (
        Pledge.objects.select_related("group", "group__organiser", "movement").filter(pk=pledge_id).first()
        if 1 <= pledge_id <= MAX_ID
        else None
    )
    if p is None or not _group_visible(user, p.group, p.year):
        raise NotFound("Không tìm thấy giao ước thi đua.")
    return p


def _pledge_out(p: Pledge) -> dict[str, Any]:
    sigs = {s.unit_id: s for s in p.signatures.all()}
    members = []
    for unit in selectors.member_units(p):
        s = sigs.get(unit.pk)
        members.append(
            {
                "unit": unit.pk,
                "unit_name": unit.name,
                "signed": s is not None,
                "signer_name": s.signer_name if s else "",
                "signer_title": s.signer_title if s else "",
                "signed_at": s.signed_at if s else None,
            }
        )
    return {
        "id": p.pk,
        "group": p.group_id,
        "group_name": p.group.name,
        "year": p.year,
        "title": p.title,
        "commitments": p.commitments,
        "movement": p.movement_id,
        "members": members,
    }


def _group(user: User, group_id: int) -> EmulationGroup:
    g = (
        EmulationGroup.objects.select_related("organiser").filter(pk=group_id).first()
        if 1 <= group_id <= MAX_ID
        else None
    )
    if g is None:
        raise DomainError("group: Khối, cụm không tồn tại.", code="unknown_group")
    return g


@router.post(
    "/movements/pledges/", response={201: PledgeOut, **_ERRORS}, summary="Tạo giao ước thi đua Khối, Cụm"
)
def create_pledge(request: HttpRequest, payload: PledgeIn) -> Status:
    user = _user(request)
    p = services.pledge_create(
        actor=user,
        group=_group(user, payload.group),
        year=payload.year,
        title=payload.title,
        commitments=payload.commitments,
        movement=_movement(user, payload.movement) if payload.movement else None,
    )
    return Status(201, _pledge_out(p))


@router.get(
    "/movements/pledges/{pledge_id}", response={200: PledgeOut, **_ERRORS}, summary="Giao ước và chữ ký"
)
def get_pledge(request: HttpRequest, pledge_id: int) -> dict[str, Any]:
    return _pledge_out(_pledge(_user(request), pledge_id))


@router.post(
    "/movements/pledges/{pledge_id}/signatures",
    response={200: PledgeOut, **_ERRORS},
    summary="Đơn vị ký giao ước",
)
def sign_pledge(request: HttpRequest, pledge_id: int, payload: SignatureIn) -> dict[str, Any]:
    """Mỗi đơn vị thành viên ký một lần; ký lần hai bị từ chối."""
    p = _pledge(_user(request), pledge_id)
    services.pledge_sign(
        actor=_user(request), pledge=p, unit=_unit(payload.unit), signer_name=payload.signer_name,
        signer_title=payload.signer_title,
    )  # fmt: skip
    return _pledge_out(p)


@router.get("/movements/pledges/{pledge_id}/document.docx", summary="Tải văn bản giao ước (DOCX)")
def pledge_document(request: HttpRequest, pledge_id: int) -> HttpResponse:
    p = _pledge(_user(request), pledge_id)
    response = HttpResponse(documents.pledge_docx(p), content_type=documents.DOCX)
    response["Content-Disposition"] = f'attachment; filename="giao-uoc-{p.year}-{p.pk}.docx"'
    return response


# --- scoring -----------------------------------------------------------------------------------


def _scheme(user: User, scheme_id: int) -> ScoringScheme:
    s = selectors.schemes_for(user).filter(pk=scheme_id).first() if 1 <= scheme_id <= MAX_ID else None
    if s is None:
        raise NotFound("Không tìm thấy bảng điểm.")
    return s


def _scheme_out(s: ScoringScheme) -> dict[str, Any]:
    return {
        "id": s.pk,
        "group": s.group_id,
        "group_name": s.group.name,
        "year": s.year,
        "name": s.name,
        "state": s.state,
        "state_label": s.get_state_display(),
        "tie_break": s.tie_break,
        "tie_break_rule": selectors.tie_break_text(s),
        "criteria": [
            {
                "group_code": c.group_code,
                "group_name": c.group_name,
                "code": c.code,
                "name": c.name,
                "kind": c.kind,
                "max_points": c.max_points,
            }
            for c in s.criteria.all()
        ],
        "version": s.version,
    }


@router.post(
    "/movements/scoring-schemes/", response={201: SchemeOut, **_ERRORS}, summary="Tạo bảng điểm Khối, Cụm"
)
def create_scheme(request: HttpRequest, payload: SchemeIn) -> Status:
    """Tiêu chí theo nhóm, điểm tối đa, điểm thưởng, điểm trừ — là dữ liệu; một khối, cụm có thể có nhiều bảng điểm."""
    user = _user(request)
    s = services.scheme_create(
        actor=user,
        group=_group(user, payload.group),
        year=payload.year,
        name=payload.name,
        criteria=[c.model_dump() for c in payload.criteria],
        tie_break=payload.tie_break,
        movement=_movement(user, payload.movement) if payload.movement else None,
    )
    return Status(201, _scheme_out(s))


@router.get(
    "/movements/scoring-schemes/{scheme_id}", response={200: SchemeOut, **_ERRORS}, summary="Bảng điểm"
)
def get_scheme(request: HttpRequest, scheme_id: int) -> dict[str, Any]:
    return _scheme_out(_scheme(_user(request), scheme_id))


@router.post(
    "/movements/scoring-schemes/{scheme_id}/open",
    response={200: SchemeOut, **_ERRORS},
    summary="Mở chấm điểm",
)
def open_scheme(request: HttpRequest, scheme_id: int) -> dict[str, Any]:
    return _scheme_out(services.scheme_open(actor=_user(request), scheme=_scheme(_user(request), scheme_id)))


@router.post(
    "/movements/scoring-schemes/{scheme_id}/publish",
    response={200: SchemeOut, **_ERRORS},
    summary="Công bố kết quả",
)
def publish_scheme(request: HttpRequest, scheme_id: int) -> dict[str, Any]:
    """Sau khi công bố, kết quả không sửa được."""
    return _scheme_out(
        services.scheme_publish(actor=_user(request), scheme=_scheme(_user(request), scheme_id))
    )


def _sheet_out(scheme: ScoringScheme, unit: Unit) -> dict[str, Any]:
    sheet = ScoreSheet.objects.filter(scheme=scheme, unit=unit).first()
    totals = {t.sheet.pk: t for t in selectors.sheet_totals(scheme)}
    codes = {c.pk: c.code for c in scheme.criteria.all()}
    if sheet is None:
        return {
            "scheme": scheme.pk, "unit": unit.pk, "unit_name": unit.name, "state": "draft",
            "state_label": "Chưa chấm", "self_total": 0, "total": 0, "scores": [], "version": 0,
        }  # fmt: skip
    t = totals[sheet.pk]
    return {
        "scheme": scheme.pk,
        "unit": unit.pk,
        "unit_name": unit.name,
        "state": sheet.state,
        "state_label": sheet.get_state_display(),
        "self_total": t.self_total,
        "total": t.total,
        "scores": [
            {
                "code": codes[s.criterion_id],
                "self_points": s.self_points,
                "points": s.points,
                "evidence": s.evidence,
            }
            for s in sheet.scores.order_by("criterion__position")
        ],
        "version": sheet.version,
    }


def _member(scheme: ScoringScheme, unit_id: int) -> Unit:
    unit = _unit(unit_id)
    assert unit is not None
    return unit


@router.get(
    "/movements/scoring-schemes/{scheme_id}/sheets/{unit_id}",
    response={200: SheetOut, **_ERRORS},
    summary="Phiếu điểm của đơn vị",
)
def get_sheet(request: HttpRequest, scheme_id: int, unit_id: int) -> dict[str, Any]:
    """Đơn vị xem phiếu của mình; phiếu của đơn vị khác chỉ xem được sau khi công bố (Trưởng khối, cụm và cơ quan thường trực xem tất cả)."""
    user = _user(request)
    scheme = _scheme(user, scheme_id)
    unit = _member(scheme, unit_id)
    visible = scheme.state == SchemeState.PUBLISHED or can_on_unit(user, Perm.VIEW_MOVEMENTS, unit)
    if not visible and not selectors.may_score_as_leader(user, scheme):
        raise NotFound("Không tìm thấy phiếu điểm.")
    return _sheet_out(scheme, unit)


@router.put(
    "/movements/scoring-schemes/{scheme_id}/sheets/{unit_id}/self",
    response={200: SheetOut, **_ERRORS},
    summary="Đơn vị tự chấm điểm",
)
def self_score(request: HttpRequest, scheme_id: int, unit_id: int, payload: ScoresIn) -> dict[str, Any]:
    user = _user(request)
    scheme = _scheme(user, scheme_id)
    unit = _member(scheme, unit_id)
    services.score_self(
        actor=user, scheme=scheme, unit=unit, scores=payload.scores, evidence=payload.evidence
    )
    return _sheet_out(scheme, unit)


@router.post(
    "/movements/scoring-schemes/{scheme_id}/sheets/{unit_id}/submit",
    response={200: SheetOut, **_ERRORS},
    summary="Gửi phiếu tự chấm",
)
def submit_sheet(request: HttpRequest, scheme_id: int, unit_id: int) -> dict[str, Any]:
    user = _user(request)
    scheme = _scheme(user, scheme_id)
    unit = _member(scheme, unit_id)
    services.sheet_submit(actor=user, scheme=scheme, unit=unit)
    return _sheet_out(scheme, unit)


@router.put(
    "/movements/scoring-schemes/{scheme_id}/sheets/{unit_id}/review",
    response={200: SheetOut, **_ERRORS},
    summary="Trưởng khối, cụm hoặc cơ quan thường trực chấm điểm",
)
def review_score(request: HttpRequest, scheme_id: int, unit_id: int, payload: ScoresIn) -> dict[str, Any]:
    """Mỗi lần sửa điểm được ghi nhật ký cùng điểm cũ."""
    user = _user(request)
    scheme = _scheme(user, scheme_id)
    unit = _member(scheme, unit_id)
    services.score_review(
        actor=user, scheme=scheme, unit=unit, scores=payload.scores, expected_version=payload.version
    )
    return _sheet_out(scheme, unit)


@router.get(
    "/movements/scoring-schemes/{scheme_id}/ranking",
    response={200: RankingOut, **_ERRORS},
    summary="Xếp hạng",
)
def get_ranking(request: HttpRequest, scheme_id: int) -> dict[str, Any]:
    """Bằng điểm thì đồng hạng, hạng kế tiếp bỏ qua (trừ khi bảng điểm có tiêu chí phân định). Trước khi công bố chỉ Trưởng khối, cụm và cơ quan thường trực xem được."""
    user = _user(request)
    scheme = _scheme(user, scheme_id)
    rows = selectors.ranking_for(user, scheme)
    if rows is None:
        raise PermissionDenied("Kết quả xếp hạng chưa công bố.")
    return {
        "scheme": scheme.pk,
        "state": scheme.state,
        "published": scheme.state == SchemeState.PUBLISHED,
        "tie_break_rule": selectors.tie_break_text(scheme),
        "rows": [
            {
                "rank": r.rank,
                "unit": r.item.sheet.unit_id,
                "unit_name": r.item.sheet.unit.name,
                "total": r.total,
                "tie_value": r.tie_value,
            }
            for r in rows
        ],
    }


@router.post(
    "/movements/scoring-schemes/{scheme_id}/propose",
    response={201: ProposeOut, **_ERRORS},
    summary="Đề nghị khen thưởng từ kết quả xếp hạng",
)
def propose(request: HttpRequest, scheme_id: int, payload: ProposeIn) -> Status:
    """Một thao tác: đơn vị dẫn đầu được đề nghị Cờ thi đua (CTD_TINH), đơn vị xếp thứ hai Bằng khen (BK_TINH)."""
    user = _user(request)
    scheme = _scheme(user, scheme_id)
    result = proposals.propose(
        actor=user,
        scheme=scheme,
        deciding_unit=_unit(payload.deciding_unit, "deciding_unit"),
        proposer_unit=_unit(payload.proposer_unit, "proposer_unit"),
    )
    candidates = [
        {"unit": c.unit_id, "award_type": c.award_type.code, "verdict": str(getattr(c, "verdict", ""))}
        for c in result.candidates
    ]
    return Status(
        201, {"dossier": result.dossier.pk, "dossier_code": result.dossier.code, "candidates": candidates}
    )


# --- reviews ---------------------------------------------------------------------------------


def _review_out(r: Review) -> dict[str, Any]:
    return {
        "id": r.pk,
        "kind": r.kind,
        "kind_label": r.get_kind_display(),
        "held_on": r.held_on,
        "title": r.title,
        "summary": r.summary,
        "figures": r.figures,
    }


@router.post(
    "/movements/{movement_id}/reviews", response={201: ReviewOut, **_ERRORS}, summary="Ghi sơ kết, tổng kết"
)
def add_review(request: HttpRequest, movement_id: int, payload: ReviewIn) -> Status:
    r = services.review_create(
        actor=_user(request),
        movement=_movement(_user(request), movement_id),
        kind=payload.kind,
        held_on=payload.held_on,
        title=payload.title,
        summary=payload.summary,
        figures=payload.figures,
    )
    return Status(201, _review_out(r))


@router.get(
    "/movements/{movement_id}/reviews",
    response={200: list[ReviewOut], **_ERRORS},
    summary="Các lần sơ kết, tổng kết",
)
def list_reviews(request: HttpRequest, movement_id: int) -> list[dict[str, Any]]:
    m = _movement(_user(request), movement_id)
    return [_review_out(r) for r in m.reviews.all()]
