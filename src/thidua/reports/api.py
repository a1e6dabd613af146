"""REST API of the reports under /api/v1/reports/: the figures as JSON, the
annual summary as DOCX, the statistical tables as XLSX, and background jobs
for long reports. Only parsing: :mod:`~thidua.reports.selectors` checks the
period (422), the unit (404 unknown, 403 outside scope — before anything is
read) and the movement (422); :mod:`~thidua.reports.services` computes once
and renders.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Status

from thidua.accounts.models import User
from thidua.reports import selectors, services
from thidua.reports.documents import DOCX_MIME
from thidua.reports.models import JobKind, ReportJob
from thidua.reports.schemas import ErrorOut, JobIn, JobOut, ReportFilters
from thidua.reports.tables import XLSX_MIME

router = Router(tags=["Báo cáo"])

_ERRORS: dict[Any, Any] = {frozenset({401, 403, 404, 409, 422}): ErrorOut}


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,return-value]


def _params(user: User, f: ReportFilters | JobIn) -> selectors.ReportParams:
    return selectors.report_params(
        user,
        unit=f.unit,
        period_from=f.period_from,
        period_to=f.period_to,
        year=f.year,
        include_subunits=f.include_subunits,
        movement=f.movement,
    )


def _download(content: bytes, mime: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get("/reports/summary", response={200: dict[str, Any], **_ERRORS}, summary="Số liệu báo cáo (JSON)")
def report_summary(request: HttpRequest, filters: Query[ReportFilters]) -> dict[str, Any]:
    """Toàn bộ số liệu của kỳ báo cáo (năm ``year`` hoặc ``from``–``to``) cho đơn vị ``unit`` (mã hoặc id),
    kèm các câu văn tự sinh (``text``). Kỳ không có số liệu: ``is_empty: true``."""
    return services.summary(_params(_user(request), filters))


@router.get("/reports/annual.docx", response={200: None, **_ERRORS}, summary="Báo cáo tổng kết năm (DOCX)")
def report_annual(request: HttpRequest, filters: Query[ReportFilters]) -> HttpResponse:
    """Dự thảo báo cáo tổng kết công tác thi đua, khen thưởng theo thể thức Nghị định 30/2020/NĐ-CP."""
    params = _params(_user(request), filters)
    return _download(services.annual_docx(params), DOCX_MIME, services.filename(JobKind.ANNUAL, params))


@router.get("/reports/tables.xlsx", response={200: None, **_ERRORS}, summary="Biểu thống kê (XLSX)")
def report_tables(request: HttpRequest, filters: Query[ReportFilters]) -> HttpResponse:
    """Các biểu thống kê: khen thưởng theo hình thức, cấp, đối tượng, đơn vị; xếp loại; phong trào; cuộc thi."""
    params = _params(_user(request), filters)
    return _download(services.tables_xlsx(params), XLSX_MIME, services.filename(JobKind.TABLES, params))


@router.get(
    "/reports/forms.xlsx", response={200: None, **_ERRORS}, summary="Biểu mẫu thống kê ngành Nội vụ (XLSX)"
)
def report_forms(request: HttpRequest, filters: Query[ReportFilters]) -> HttpResponse:
    """Biểu số 0601, 0602, 0603.N/BNV-TĐKT (số phong trào thi đua; số lượng khen thưởng cấp Nhà nước; cấp bộ,
    ngành, tỉnh) điền từ sổ khen thưởng — bố cục theo Thông tư 02/2023/TT-BNV, cần đối chiếu với Thông tư
    18/2025/TT-BNV; ô sổ khen thưởng không ghi được để trống."""
    params = _params(_user(request), filters)
    return _download(services.forms_xlsx(params), XLSX_MIME, services.filename("forms", params))


def job_out(job: ReportJob) -> dict[str, Any]:
    return {
        "code": job.public_code.hex,
        "kind": job.kind,
        "kind_label": job.get_kind_display(),
        "unit": job.unit.name,
        "period_from": job.period_from,
        "period_to": job.period_to,
        "state": job.state,
        "state_label": job.get_state_display(),
        "progress": job.progress,
        "error": job.error,
        "filename": job.filename,
        "requested_by": job.requested_by.get_username(),
        "requested_at": job.requested_at,
        "finished_at": job.finished_at,
        "download": reverse("api:report_job_file", args=[job.public_code.hex]) if job.file else None,
    }


@router.post("/reports/jobs", response={202: JobOut, **_ERRORS}, summary="Lập báo cáo chạy nền")
def report_job_create(request: HttpRequest, payload: JobIn) -> Status:
    """Lập báo cáo dài trong nền; tệp được lưu lại để tải về (ghi rõ người yêu cầu, thời điểm)."""
    user = _user(request)
    job = services.report_request(actor=user, kind=payload.kind, params=_params(user, payload))
    job.refresh_from_db()
    return Status(202, job_out(job))


@router.get("/reports/jobs", response={200: list[JobOut], **_ERRORS}, summary="Báo cáo đã lập")
def report_jobs(request: HttpRequest) -> list[dict[str, Any]]:
    """50 báo cáo gần nhất của các đơn vị trong phạm vi của người dùng."""
    return [job_out(j) for j in selectors.jobs_for(_user(request))[:50]]


@router.get("/reports/jobs/{code}", response={200: JobOut, **_ERRORS}, summary="Tiến độ báo cáo")
def report_job(request: HttpRequest, code: str) -> dict[str, Any]:
    return job_out(selectors.job_for(_user(request), code))


@router.get(
    "/reports/jobs/{code}/file",
    response={200: None, **_ERRORS},
    summary="Tải báo cáo đã lập",
    url_name="report_job_file",
)
def report_job_file(request: HttpRequest, code: str) -> FileResponse:
    job = selectors.job_for(_user(request), code)
    if not job.file:
        from thidua.core.errors import DomainError

        raise DomainError("Báo cáo chưa lập xong.", code="not_ready")
    mime = DOCX_MIME if job.kind == JobKind.ANNUAL else XLSX_MIME
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=mime)
