"""REST API of decisions under /api/v1/: drafting (by hand or from the council's
approved candidates), sign / issue / cancel as POST actions, the DOCX and PDF
of a decision, all its certificates as one PDF (built in the background: 202
while it is being built), and revocations with the money to recover.

Only parsing and shaping: reads through :mod:`thidua.decisions.selectors`,
writes through :mod:`thidua.decisions.services`. A decision outside the
user's scope answers 404, like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Query, Router, Status

from thidua.accounts.enums import Perm
from thidua.accounts.models import User
from thidua.accounts.scoping import can_on_unit, has_perm, people_for, unit_scope, units_for
from thidua.awards import selectors as award_selectors
from thidua.awards.models import Household
from thidua.core.errors import DomainError, NotFound, PermissionDenied
from thidua.decisions import documents, exports, selectors, services
from thidua.decisions.models import CertificatesState, Decision, DecisionRecipient
from thidua.decisions.schemas import (
    ActionIn,
    CandidatesOut,
    DecisionDetail,
    DecisionFilters,
    DecisionIn,
    DecisionPage,
    FromCandidatesIn,
    RevocationIn,
    RevocationOut,
    TaskOut,
    UpdateIn,
)
from thidua.directory.models import Unit

router = Router(tags=["Quyết định khen thưởng"])

PDF = "application/pdf"


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,return-value]


def _unit(unit_id: int) -> Unit:
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise DomainError("issuer: Đơn vị không tồn tại.", code="unknown_unit")
    return unit


def _line_out(ln: DecisionRecipient) -> dict[str, Any]:
    return {
        "id": ln.pk,
        "candidate": ln.candidate_id,
        "recipient_kind": ln.recipient_kind,
        "person": ln.person_id,
        "unit": ln.unit_id,
        "household": ln.household_id,
        "name": ln.name,
        "position": ln.position,
        "award_type": ln.award_type.code,
        "award_name": ln.award_type.name,
        "year": ln.year,
        "prize_coefficient": str(ln.prize_coefficient) if ln.prize_coefficient is not None else None,
        "base_salary": ln.base_salary,
        "prize_amount": ln.prize_amount,
        "award_record": ln.award_record_id,
        "certificate_number": ln.certificate_number,
    }


def _out(d: Decision, lines: list[DecisionRecipient] | None = None) -> dict[str, Any]:
    count = getattr(d, "recipient_count", None)
    total = getattr(d, "total", None)
    if lines is not None:
        count, total = len(lines), sum(ln.prize_amount or 0 for ln in lines)
    out = {
        "id": d.pk,
        "issuer": d.issuer_id,
        "issuer_name": d.issuer_name,
        "symbol": d.symbol,
        "number": d.number,
        "full_number": d.full_number,
        "decision_date": d.decision_date,
        "place": d.place,
        "subject": d.subject,
        "state": d.state,
        "state_label": d.get_state_display(),
        "signer_name": d.signer_name,
        "signer_authority": d.signer_authority,
        "signer_title": d.signer_title,
        "authority_title": d.authority_title,
        "authority_level": d.authority_level,
        "legal_bases": d.legal_bases,
        "copies_to": d.copies_to,
        "budget_source": d.budget_source,
        "recipient_count": count or 0,
        "total_prize": total or 0,
        "certificates_state": d.certificates_state,
        "version": d.version,
    }
    if lines is not None:
        out["recipients"] = [_line_out(ln) for ln in lines]
    return out


def _detail(user: User, pk: int) -> dict[str, Any]:
    d = selectors.decision_visible(user, pk)
    return _out(d, selectors.lines(d))


@router.get("/decisions/", response=DecisionPage, summary="Danh sách quyết định khen thưởng")
def list_decisions(request: HttpRequest, filters: Query[DecisionFilters]) -> dict[str, Any]:
    """Quyết định do đơn vị trong phạm vi ban hành, hoặc khen thưởng người, tập thể trong phạm vi."""
    f = filters
    qs = selectors.decisions_list(_user(request), state=f.state, issuer_id=f.issuer, year=f.year, q=f.q)
    start = (f.page - 1) * f.size
    return {"count": qs.count(), "items": [_out(d) for d in qs[start : start + f.size]]}


@router.post("/decisions/", response={201: DecisionDetail}, summary="Dự thảo quyết định (nhập danh sách)")
def create_decision(request: HttpRequest, payload: DecisionIn) -> Any:
    """Dự thảo quyết định với danh sách nhập trực tiếp (không qua hồ sơ đề nghị)."""
    user = _user(request)
    people = people_for(user, Perm.VIEW_AWARDS).select_related("unit")
    units = units_for(user, Perm.VIEW_AWARDS)
    scope = unit_scope(user, Perm.VIEW_AWARDS, "unit__")
    households = Household.objects.select_related("unit")
    households = households if scope is None else households.filter(scope)
    recipients = []
    for i, r in enumerate(payload.recipients, start=1):
        person = people.filter(pk=r.person).first() if r.person else None
        unit = units.filter(pk=r.unit).first() if r.unit else None
        household = households.filter(pk=r.household).first() if r.household else None
        if (r.person and person is None) or (r.unit and unit is None) or (r.household and household is None):
            raise DomainError(
                f"recipients.{i}: Không tìm thấy người, tập thể hoặc hộ gia đình.", code="unknown"
            )
        recipients.append(
            services.RecipientInput(
                award_type=r.award_type,
                year=r.year,
                person=person,
                unit=unit,
                household=household,
                position=r.position,
                achievement=r.achievement,
            )
        )
    decision = services.decision_create(
        actor=user, issuer=_unit(payload.issuer), recipients=recipients, **payload.fields()
    )
    return Status(201, _detail(user, decision.pk))


@router.get("/decisions/candidates", response=CandidatesOut, summary="Người, tập thể chờ ra quyết định")
def list_candidates(request: HttpRequest, issuer: int) -> dict[str, Any]:
    """Đúng danh sách (và số lượng) sẽ đưa vào dự thảo: đã được Hội đồng thông qua, thuộc thẩm
    quyền của cơ quan ban hành và chưa có trong quyết định nào."""
    user = _user(request)
    unit = _unit(issuer)
    if not can_on_unit(user, Perm.DRAFT_DECISION, unit):
        raise PermissionDenied()
    items = [
        {
            "id": c.pk,
            "dossier": c.dossier_id,
            "dossier_code": c.dossier.code,
            "proposer": c.dossier.proposer_unit.name,
            "name": str(c.recipient),
            "recipient_kind": c.recipient_kind,
            "award_type": c.award_type.code,
            "award_name": c.award_type.name,
            "year": c.year,
            "position": c.position,
        }
        for c in services.candidates_available(unit)
    ]
    return {"count": len(items), "items": items}


@router.post(
    "/decisions/draft-from-candidates",
    response={201: DecisionDetail},
    summary="Dự thảo quyết định từ đề nghị",
)
def draft_from_candidates(request: HttpRequest, payload: FromCandidatesIn) -> Any:
    """Một thao tác: dự thảo quyết định cho đúng các người, tập thể đã chọn từ danh sách chờ."""
    user = _user(request)
    decision = services.decision_draft_from_candidates(
        actor=user, issuer=_unit(payload.issuer), candidate_ids=payload.candidate_ids, **payload.fields()
    )
    return Status(201, _detail(user, decision.pk))


@router.get("/decisions/{int:pk}", response=DecisionDetail, summary="Chi tiết quyết định")
def get_decision(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _detail(_user(request), pk)


@router.patch("/decisions/{int:pk}", response=DecisionDetail, summary="Sửa dự thảo quyết định")
def update_decision(request: HttpRequest, pk: int, payload: UpdateIn) -> dict[str, Any]:
    user = _user(request)
    d = selectors.decision_visible(user, pk)
    services.decision_update(actor=user, decision=d, expected_version=payload.version, **payload.fields())
    return _detail(user, pk)


@router.post("/decisions/{int:pk}/sign", response=DecisionDetail, summary="Ký quyết định")
def sign_decision(request: HttpRequest, pk: int, payload: ActionIn) -> dict[str, Any]:
    user = _user(request)
    services.decision_sign(
        actor=user, decision=selectors.decision_visible(user, pk), expected_version=payload.version
    )
    return _detail(user, pk)


@router.post("/decisions/{int:pk}/issue", response=DecisionDetail, summary="Vào sổ, ban hành quyết định")
def issue_decision(request: HttpRequest, pk: int, payload: ActionIn) -> dict[str, Any]:
    """Cấp số, ghi từng khen thưởng vào sổ theo dõi — tất cả trong một giao dịch."""
    user = _user(request)
    services.decision_issue(
        actor=user,
        decision=selectors.decision_visible(user, pk),
        decision_date=payload.decision_date,
        expected_version=payload.version,
    )
    return _detail(user, pk)


@router.post("/decisions/{int:pk}/cancel", response=DecisionDetail, summary="Hủy dự thảo quyết định")
def cancel_decision(request: HttpRequest, pk: int, payload: ActionIn) -> dict[str, Any]:
    user = _user(request)
    services.decision_cancel(actor=user, decision=selectors.decision_visible(user, pk), reason=payload.reason)
    return _detail(user, pk)


def _filename(d: Decision, ext: str) -> str:
    base = f"QD-{d.number}-{d.year}" if d.number else f"du-thao-QD-{d.pk}"
    return f"{base}.{ext}"


@router.get("/decisions/{int:pk}/document.docx", response={200: None}, summary="Tải quyết định (DOCX)")
def decision_docx(request: HttpRequest, pk: int) -> HttpResponse:
    d = selectors.decision_visible(_user(request), pk)
    response = HttpResponse(documents.render_docx(documents.build_text(d)), content_type=documents.DOCX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{_filename(d, "docx")}"'
    return response


@router.get("/decisions/{int:pk}/document.pdf", response={200: None}, summary="Tải quyết định (PDF)")
def decision_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    d = selectors.decision_visible(_user(request), pk)
    response = HttpResponse(documents.render_pdf(documents.build_text(d)), content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="{_filename(d, "pdf")}"'
    return response


_TASK_TEXT = {
    CertificatesState.PENDING: "Đang tạo tệp giấy chứng nhận; hãy thử lại sau ít phút.",
    CertificatesState.FAILED: "Lần tạo tệp trước bị lỗi; đã yêu cầu tạo lại.",
}


@router.get(
    "/decisions/{int:pk}/certificates.pdf",
    response={200: None, 202: TaskOut},
    summary="Tải toàn bộ giấy chứng nhận (PDF)",
)
def decision_certificates(request: HttpRequest, pk: int) -> Any:
    """Tệp PDF có mỗi trang một giấy chứng nhận. Lần đầu: yêu cầu tạo tệp (chạy nền) và trả 202
    kèm trạng thái; gọi lại khi trạng thái là đã có tệp."""
    return certificates_response(_user(request), pk)


def certificates_response(user: User, pk: int) -> Any:
    d = selectors.decision_visible(user, pk)
    if d.certificates_state == CertificatesState.READY and d.certificates_file:
        return FileResponse(
            d.certificates_file.open("rb"),
            as_attachment=True,
            filename=_filename(d, "pdf").replace("QD", "GCN"),
        )
    previous = d.certificates_state
    if previous != CertificatesState.PENDING:
        d = services.certificates_request(actor=user, decision=d)
        d.refresh_from_db()
        if d.certificates_state == CertificatesState.READY:  # an inline task backend built it already
            return FileResponse(
                d.certificates_file.open("rb"),
                as_attachment=True,
                filename=_filename(d, "pdf").replace("QD", "GCN"),
            )
    detail = _TASK_TEXT.get(previous, "Đã yêu cầu tạo tệp giấy chứng nhận; hãy thử lại sau ít phút.")
    return Status(202, {"state": d.certificates_state, "detail": detail})


# --- revocation --------------------------------------------------------------------------------


def _revocation_out(r: Any, user: User) -> dict[str, Any]:
    lines = list(selectors.recovery_lines(user, r.pk))
    return {
        "id": r.pk,
        "decision_number": r.decision_number,
        "decision_date": r.decision_date,
        "issuer_name": r.issuer_name,
        "reason": r.reason,
        "lines": [
            {
                "award": ln.award_record_id,
                "recipient_name": ln.recipient_name,
                "award_name": ln.award_record.award_type.name,
                "year": ln.award_record.year,
                "amount_to_recover": ln.amount_to_recover,
            }
            for ln in lines
        ],
        "total_to_recover": sum(ln.amount_to_recover for ln in lines),
    }


@router.post("/revocations/", response={201: RevocationOut}, summary="Hủy bỏ khen thưởng theo quyết định")
def create_revocation(request: HttpRequest, payload: RevocationIn) -> Any:
    """Hủy bỏ một hay nhiều khen thưởng (lý do, số và ngày quyết định hủy bỏ); liệt kê tiền thưởng
    phải thu hồi. Tất cả hoặc không gì cả."""
    user = _user(request)
    visible = award_selectors.records_for(user).select_related("owner_unit")
    records = []
    for award_id in dict.fromkeys(payload.awards):
        record = visible.filter(pk=award_id).first()
        if record is None:
            raise NotFound("Không tìm thấy khen thưởng.")
        records.append(record)
    revocation = services.revoke_awards(
        actor=user,
        records=records,
        reason=payload.reason,
        decision_number=payload.decision_number,
        decision_date=payload.decision_date,
        issuer_name=payload.issuer_name,
    )
    return Status(201, _revocation_out(revocation, user))


@router.get("/revocations/", response=list[RevocationOut], summary="Các quyết định hủy bỏ khen thưởng")
def list_revocations(request: HttpRequest) -> list[dict[str, Any]]:
    user = _user(request)
    if not has_perm(user, Perm.VIEW_AWARDS):
        raise PermissionDenied()
    return [_revocation_out(r, user) for r in selectors.revocations_for(user)[:200]]


@router.get(
    "/revocations/recovery.xlsx", response={200: None}, summary="Danh sách tiền thưởng phải thu hồi (XLSX)"
)
def recovery_xlsx(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not has_perm(user, Perm.VIEW_AWARDS):
        raise PermissionDenied()
    response = HttpResponse(exports.recovery_xlsx(selectors.recovery_lines(user)), content_type=exports.XLSX)
    response["Content-Disposition"] = 'attachment; filename="tien-thuong-phai-thu-hoi.xlsx"'
    return response
