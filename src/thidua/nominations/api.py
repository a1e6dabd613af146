"""REST API of nominations under /api/v1/nominations/.

Only parsing and shaping: reads go through :mod:`thidua.nominations.selectors`
(a dossier outside the user's scope answers 404, like one that does not
exist), writes through :mod:`thidua.nominations.services` (permission, state,
version, audit). The transitions are POST actions generated from
:data:`thidua.nominations.workflow.ACTIONS` — one route per non-system action —
so the API cannot drift from the table; each takes the ``version`` read, and a
stale one answers 409 with the Vietnamese message.

(No ``from __future__ import annotations`` here: the generated action views
need their payload class as a real annotation.)
"""

import datetime as dt
from typing import Any

from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from thidua.accounts.enums import Perm
from thidua.accounts.models import User
from thidua.accounts.scoping import people_for, units_for
from thidua.core.errors import DomainError, NotFound
from thidua.directory.models import Person, Unit
from thidua.directory.schemas import MAX_ID
from thidua.nominations import selectors, services
from thidua.nominations.downloads import attachment_response
from thidua.nominations.models import Attachment, Candidate, Dossier, DossierState, Verdict
from thidua.nominations.schemas import (
    ACTION_SCHEMAS,
    ActionIn,
    CandidateIn,
    CandidateOut,
    CandidatePatch,
    DossierFilters,
    DossierIn,
    DossierOut,
    DossierPage,
    DossierPatch,
    ErrorOut,
    QueueOut,
)
from thidua.nominations.workflow import ACTIONS

router = Router(tags=["Hồ sơ đề nghị"])

_ERRORS: dict[Any, Any] = {frozenset({401, 403, 404, 409, 422}): ErrorOut}
DOSSIER_NOT_FOUND = "Không tìm thấy hồ sơ."
STATE_LABELS = dict(DossierState.choices)


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,return-value]


def _unit(unit_id: int | None, field: str) -> Unit | None:
    if unit_id is None:
        return None
    unit = Unit.objects.filter(pk=unit_id).first() if 1 <= unit_id <= MAX_ID else None
    if unit is None:
        raise DomainError(f"{field}: đơn vị không tồn tại.", code="unknown_unit")
    return unit


def _dossier(user: User, dossier_id: int) -> Dossier:
    dossier = selectors.dossier_for(user, dossier_id)
    if dossier is None:
        raise NotFound(DOSSIER_NOT_FOUND)
    return dossier


def _candidate(dossier: Dossier, candidate_id: int) -> Candidate:
    c = (
        dossier.candidates.select_related("dossier").filter(pk=candidate_id).first()
        if candidate_id <= MAX_ID
        else None
    )
    if c is None:
        raise NotFound("Không tìm thấy người, tập thể trong hồ sơ.")
    return c


def _movement(user: User, movement_id: int | None) -> Any:
    """A movement named in a body: one the user may not see is "not found"."""
    if movement_id is None:
        return None
    from thidua.movements.selectors import visible_movement

    movement = visible_movement(user, movement_id)
    if movement is None:
        raise NotFound("Không tìm thấy phong trào thi đua.")
    return movement


def _movement_ref(movement: Any) -> dict[str, Any] | None:
    return {"id": movement.pk, "name": movement.name} if movement is not None else None


def _unit_ref(unit: Unit | None) -> dict[str, Any] | None:
    return {"id": unit.pk, "code": unit.code, "name": unit.name} if unit is not None else None


def _row(d: Dossier, today: dt.date) -> dict[str, Any]:
    return {
        "id": d.pk,
        "code": d.code,
        "title": d.title,
        "state": d.state,
        "state_label": d.get_state_display(),
        "proposer_unit": _unit_ref(d.proposer_unit),
        "deciding_unit": _unit_ref(d.deciding_unit),
        "deciding_name": d.deciding_name,
        "candidates": getattr(d, "n_candidates", 0),
        "due_date": d.due_date,
        "overdue_days": selectors.overdue_days(d.due_date, today),
        "submit_count": d.submit_count,
        "created_at": d.created_at,
        "version": d.version,
    }


def candidate_out(c: Candidate) -> dict[str, Any]:
    detail = c.verdict_detail or {}
    return {
        "id": c.pk,
        "recipient_kind": c.recipient_kind,
        "person": c.person_id,
        "unit": c.unit_id,
        "household": c.household_id,
        "recipient_name": str(c.recipient),
        "award_type": c.award_type.code,
        "award_name": c.award_type.name,
        "year": c.year,
        "period_start": c.period_start,
        "period_end": c.period_end,
        "movement": _movement_ref(c.movement) if c.movement_id else None,
        "summary": c.summary,
        "position": c.position,
        "verdict": c.verdict,
        "verdict_label": Verdict(c.verdict).label if c.verdict else "",
        "criteria": [
            {k: item.get(k) for k in ("code", "met", "message", "citation")}
            for item in detail.get("criteria") or []
        ],
        "missing": [str(m) for m in detail.get("missing") or []],
        "warnings": [str(w) for w in detail.get("warnings") or []],
        "justification": c.justification,
        "beyond_authority": c.beyond_authority,
        "state": c.state,
        "state_label": c.get_state_display(),
        "return_reason": c.return_reason,
        "appraisal_note": c.appraisal_note,
        "council_votes_for": c.council_votes_for,
        "council_votes_against": c.council_votes_against,
        "council_members": c.council_members,
        "higher_decision_number": c.higher_decision_number,
        "higher_decision_date": c.higher_decision_date,
        "version": c.version,
    }


def dossier_out(user: User, dossier: Dossier) -> dict[str, Any]:
    """The whole dossier as the API shows it (comments only for the appraisers)."""
    d = selectors.dossier_detail(user, dossier.pk)
    if d is None:  # moved out of scope by the write just made (e.g. withdrawn draft of another unit)
        raise NotFound(DOSSIER_NOT_FOUND)
    today = timezone.localdate()
    comments = None
    if selectors.is_appraiser(user, d):
        comments = [
            {
                "id": c.pk,
                "candidate": c.candidate_id,
                "author_name": c.author_name,
                "author_contact": c.author_contact,
                "body": c.body,
                "created_at": c.created_at,
                "handled": c.handled,
                "handling_note": c.handling_note,
            }
            for c in selectors.comments_for(user, d)
        ]
    return {
        "id": d.pk,
        "code": d.code,
        "title": d.title,
        "state": d.state,
        "state_label": d.get_state_display(),
        "proposer_unit": _unit_ref(d.proposer_unit),
        "deciding_unit": _unit_ref(d.deciding_unit),
        "deciding_name": d.deciding_name,
        "occasion": d.occasion,
        "movement": _movement_ref(d.movement) if d.movement_id else None,
        "letter_number": d.letter_number,
        "letter_date": d.letter_date,
        "letter_signer": d.letter_signer,
        "unit_council_members": d.unit_council_members,
        "unit_council_present": d.unit_council_present,
        "unit_council_note": d.unit_council_note,
        "due_date": d.due_date,
        "overdue_days": selectors.overdue_days(d.due_date, today),
        "publish_until": d.publish_until,
        "public_code": str(d.public_code),
        "parent": d.parent.code if d.parent_id else None,
        "submit_count": d.submit_count,
        "version": d.version,
        "actions": selectors.available_actions(user, d),
        "candidates": [candidate_out(c) for c in d.candidates.all()],
        "attachments": [
            {
                "id": a.pk,
                "kind": a.kind,
                "kind_label": a.get_kind_display(),
                "candidate": a.candidate_id,
                "original_name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "uploaded_at": a.uploaded_at,
                "url": reverse("api:nomination_attachment", args=[d.pk, a.pk]),
            }
            for a in d.attachments.all()
        ],
        "transitions": [
            {
                "action": t.action,
                "label": ACTIONS[t.action].label if t.action in ACTIONS else t.action,
                "from_state": t.from_state,
                "to_state": t.to_state,
                "actor": t.actor_name,
                "note": t.note,
                "at": t.at,
            }
            for t in d.transitions.all()
        ],
        "comments": comments,
    }


# --- list, queue, create, read, edit -------------------------------------------------------


@router.get("/nominations/", response={200: DossierPage, **_ERRORS}, summary="Danh sách hồ sơ đề nghị")
def list_dossiers(request: HttpRequest, filters: Query[DossierFilters]) -> dict[str, Any]:
    """Hồ sơ trong phạm vi được xem; lọc theo trạng thái, năm thành tích, đơn vị (đề nghị hoặc xét),
    tìm theo mã, trích yếu, tên người, tập thể (có dấu hoặc không)."""
    user = _user(request)
    qs = selectors.dossier_list(
        user, state=filters.state, year=filters.year, unit=_unit(filters.unit, "unit"), q=filters.q
    )
    start = (filters.page - 1) * filters.page_size
    rows = list(qs[start : start + filters.page_size])
    today = timezone.localdate()
    return {"items": [_row(d, today) for d in rows], "count": qs.count()}


@router.get("/nominations/queue", response={200: QueueOut, **_ERRORS}, summary="Việc chờ xử lý")
def queue(request: HttpRequest) -> dict[str, Any]:
    """Hồ sơ chờ người dùng xử lý theo vai trò, kèm hạn xử lý và số ngày quá hạn."""
    user = _user(request)
    groups = selectors.queue_for(user)
    return {
        "groups": [
            {
                "key": g.key,
                "title": g.title,
                "empty_text": g.empty_text,
                "items": [
                    {
                        "id": i.dossier.pk,
                        "code": i.dossier.code,
                        "title": i.dossier.title,
                        "state": i.dossier.state,
                        "state_label": i.dossier.get_state_display(),
                        "proposer_unit": i.dossier.proposer_unit.name,
                        "due_date": i.due_date,
                        "overdue_days": i.overdue_days,
                        "reasons": i.reasons,
                    }
                    for i in g.items
                ],
            }
            for g in groups
        ],
        "comments_waiting": selectors.comments_waiting(user).count(),
    }


@router.post("/nominations/", response={201: DossierOut, **_ERRORS}, summary="Tạo hồ sơ đề nghị")
def create_dossier(request: HttpRequest, payload: DossierIn) -> Status:
    """Đơn vị tạo hồ sơ (dự thảo) gửi cơ quan xét khen thưởng."""
    user = _user(request)
    data = payload.model_dump()
    data["proposer_unit"] = _unit(data["proposer_unit"], "proposer_unit")
    data["deciding_unit"] = _unit(data["deciding_unit"], "deciding_unit")
    data["movement"] = _movement(user, data["movement"])
    dossier = services.dossier_create(actor=user, **data)
    return Status(201, dossier_out(user, dossier))


@router.get("/nominations/{dossier_id}", response={200: DossierOut, **_ERRORS}, summary="Chi tiết hồ sơ")
def get_dossier(request: HttpRequest, dossier_id: int) -> dict[str, Any]:
    """Tờ trình, người và tập thể được đề nghị (kết quả xét điều kiện và các tiêu chuẩn), tệp đính kèm,
    các bước xử lý; ý kiến góp ý chỉ cán bộ thẩm định được xem."""
    user = _user(request)
    return dossier_out(user, _dossier(user, dossier_id))


@router.patch("/nominations/{dossier_id}", response={200: DossierOut, **_ERRORS}, summary="Sửa tờ trình")
def patch_dossier(request: HttpRequest, dossier_id: int, payload: DossierPatch) -> dict[str, Any]:
    """Sửa thông tin tờ trình của hồ sơ dự thảo hoặc bị trả lại (kèm ``version`` đã đọc)."""
    user = _user(request)
    dossier = _dossier(user, dossier_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    services.dossier_update(actor=user, dossier=dossier, version=version, **changes)
    return dossier_out(user, dossier)


# --- candidates -------------------------------------------------------------------------


def _person(user: User, person_id: int | None) -> Person | None:
    if person_id is None:
        return None
    person = people_for(user, Perm.VIEW_DIRECTORY).select_related("unit").filter(pk=person_id).first()
    if person is None:
        raise NotFound("Không tìm thấy cá nhân.")
    return person


def _collective(user: User, unit_id: int | None) -> Unit | None:
    if unit_id is None:
        return None
    unit = units_for(user, Perm.VIEW_DIRECTORY).filter(pk=unit_id).first()
    if unit is None:
        raise NotFound("Không tìm thấy tập thể.")
    return unit


@router.post(
    "/nominations/{dossier_id}/candidates",
    response={201: CandidateOut, **_ERRORS},
    summary="Thêm người, tập thể được đề nghị",
)
def add_candidate(request: HttpRequest, dossier_id: int, payload: CandidateIn) -> Status:
    """Kết quả xét điều kiện được tính ngay và trả về cùng các tiêu chuẩn."""
    user = _user(request)
    dossier = _dossier(user, dossier_id)
    if (payload.person is None) == (payload.unit is None):
        raise DomainError("Chọn đúng một: cá nhân (person) hoặc tập thể (unit).")
    data = payload.model_dump()
    c = services.candidate_add(
        actor=user,
        dossier=dossier,
        person=_person(user, data.pop("person")),
        unit=_collective(user, data.pop("unit")),
        movement=_movement(user, data.pop("movement")),
        **data,
    )
    return Status(201, candidate_out(c))


@router.patch(
    "/nominations/{dossier_id}/candidates/{candidate_id}",
    response={200: CandidateOut, **_ERRORS},
    summary="Sửa người, tập thể được đề nghị",
)
def patch_candidate(
    request: HttpRequest, dossier_id: int, candidate_id: int, payload: CandidatePatch
) -> dict[str, Any]:
    user = _user(request)
    c = _candidate(_dossier(user, dossier_id), candidate_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    return candidate_out(services.candidate_update(actor=user, candidate=c, version=version, **changes))


@router.delete(
    "/nominations/{dossier_id}/candidates/{candidate_id}",
    response={204: None, **_ERRORS},
    summary="Bỏ người, tập thể khỏi hồ sơ",
)
def delete_candidate(request: HttpRequest, dossier_id: int, candidate_id: int) -> Status:
    user = _user(request)
    services.candidate_remove(actor=user, candidate=_candidate(_dossier(user, dossier_id), candidate_id))
    return Status(204, None)


# --- attachments ------------------------------------------------------------------------


@router.post(
    "/nominations/{dossier_id}/attachments",
    response={201: DossierOut, **_ERRORS},
    summary="Tải lên tệp đính kèm",
)
def upload_attachment(
    request: HttpRequest,
    dossier_id: int,
    file: File[UploadedFile],
    kind: Form[str],
    candidate: Form[int | None] = None,
) -> Status:
    """multipart/form-data: ``file``, ``kind`` (letter, report, minutes, evidence, appraisal, other),
    ``candidate`` (tùy chọn). PDF, DOCX, XLSX, DOC, XLS, JPG, PNG; dung lượng có giới hạn."""
    user = _user(request)
    dossier = _dossier(user, dossier_id)
    c = _candidate(dossier, candidate) if candidate else None
    services.attachment_add(actor=user, dossier=dossier, kind=kind[:12], upload=file, candidate=c)
    return Status(201, dossier_out(user, dossier))


def _attachment(user: User, dossier_id: int, attachment_id: int) -> Attachment:
    dossier = _dossier(user, dossier_id)
    att = dossier.attachments.filter(pk=attachment_id).first() if attachment_id <= MAX_ID else None
    if att is None:
        raise NotFound("Không tìm thấy tệp đính kèm.")
    att.dossier = dossier
    return att


@router.get(
    "/nominations/{dossier_id}/attachments/{attachment_id}",
    response={200: None, **_ERRORS},
    summary="Tải tệp đính kèm",
    url_name="nomination_attachment",
)
def download_attachment(request: HttpRequest, dossier_id: int, attachment_id: int) -> FileResponse:
    """Tệp gốc với tên tệp ban đầu; chỉ người được xem hồ sơ tải được."""
    att = _attachment(_user(request), dossier_id, attachment_id)
    try:
        return attachment_response(att)
    except Http404 as exc:  # the file is gone from the disk: say so, in the API's JSON
        raise NotFound(str(exc)) from exc


@router.delete(
    "/nominations/{dossier_id}/attachments/{attachment_id}",
    response={204: None, **_ERRORS},
    summary="Xóa tệp đính kèm",
)
def delete_attachment(request: HttpRequest, dossier_id: int, attachment_id: int) -> Status:
    user = _user(request)
    services.attachment_remove(actor=user, attachment=_attachment(user, dossier_id, attachment_id))
    return Status(204, None)


# --- transitions: one route per action of the table ------------------------------------


def _payload(action: str, data: dict[str, Any]) -> dict[str, Any]:
    """Body fields → the service's payload (ids of units resolved)."""
    if action == "forward":
        data["to_unit"] = _unit(data.get("to_unit"), "to_unit")
        if not data.get("candidate_ids"):
            data.pop("candidate_ids", None)
    if action == "publish" and data.get("days") is None:
        data.pop("days", None)
    if action == "record_result":
        # Dates as ISO text: the service parses them, and its audit entry keeps
        # nested values as they are (a date object there cannot be stored as JSON).
        data["results"] = {
            pk: {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in r.items()}
            for pk, r in (data.get("results") or {}).items()
        }
    return data


def _action_view(name: str, schema: type[ActionIn]) -> Any:
    def view(request: HttpRequest, dossier_id: int, payload: schema) -> dict[str, Any]:  # type: ignore[valid-type]
        user = _user(request)
        dossier = _dossier(user, dossier_id)
        data = payload.model_dump()
        version, note = data.pop("version"), data.pop("note")
        services.transition(
            actor=user, dossier=dossier, action=name, version=version, note=note, **_payload(name, data)
        )
        return dossier_out(user, dossier)

    view.__name__ = f"dossier_{name}"
    return view


for _name, _spec in ACTIONS.items():
    if _spec.system:
        continue
    _schema = ACTION_SCHEMAS.get(_name, ActionIn)
    router.post(
        f"/nominations/{{dossier_id}}/{_name.replace('_', '-')}",
        response={200: DossierOut, **_ERRORS},
        summary=_spec.label,
        description=(
            f"Chuyển hồ sơ từ bước {', '.join(sorted(STATE_LABELS[s] for s in _spec.sources))} "
            + (
                f"sang bước «{STATE_LABELS[_spec.target]}»."
                if _spec.target
                else "(bước tiếp theo tùy kết quả)."
            )
            + " Gửi kèm ``version`` đã đọc; hồ sơ vừa được người khác xử lý: 409."
        ),
        operation_id=f"nominations_{_name}",
    )(_action_view(_name, _schema))
