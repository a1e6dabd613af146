"""Web pages of the reports: the dashboard (figures, generated sentences,
charts with table fallbacks and downloads), the background report jobs with
their progress, and the organisation's template upload.

Thin: the form is parsed here, :func:`selectors.report_params` refuses bad
periods, unknown units and units outside the user's scope before anything is
computed, and :mod:`services` computes and renders.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from thidua.accounts.models import RoleAssignment
from thidua.accounts.scoping import has_perm, units_for
from thidua.core.errors import DomainError, NotFound, PermissionDenied
from thidua.core.htmx import is_htmx
from thidua.directory.enums import ADMINISTRATIVE_KINDS, UnitKind
from thidua.directory.models import Unit
from thidua.reports import dashboard, documents, selectors, services, tables
from thidua.reports.models import JobKind, JobState
from thidua.reports.selectors import PERM

MAX_UNITS = 300


def _require(request: HttpRequest) -> None:
    if not has_perm(request.user, PERM):
        raise DjangoPermissionDenied


def _default_unit(user: Any) -> Unit | None:
    role = RoleAssignment.objects.filter(user=user, unit__isnull=False).select_related("unit").first()
    if role is not None:
        return role.unit
    return units_for(user, PERM).order_by("depth", "path").first()


def _unit_choices(user: Any) -> list[Unit]:
    kinds = [*ADMINISTRATIVE_KINDS, UnitKind.AGENCY]
    qs = units_for(user, PERM).filter(Q(kind__in=kinds) | Q(depth__lte=1)).order_by("path")
    return list(qs[:MAX_UNITS])


def _with(units: list[Unit], unit: Unit) -> list[Unit]:
    return units if any(u.pk == unit.pk for u in units) else [unit, *units]


def _parse(request: HttpRequest) -> dict[str, Any]:
    """The report form from GET or POST: unit (code or id), year or from/to, sub-units."""
    data = request.POST if request.method == "POST" else request.GET
    today = timezone.localdate()
    raw_year = data.get("year", "")
    period_from = period_to = None
    year: int | None = None
    try:
        if data.get("from") or data.get("to"):
            period_from = dt.date.fromisoformat(data.get("from", ""))
            period_to = dt.date.fromisoformat(data.get("to", ""))
        else:
            year = int(raw_year) if raw_year else today.year - (1 if today.month < 4 else 0)
    except ValueError as exc:
        raise DomainError("Kỳ báo cáo không hợp lệ: năm hoặc ngày nhập sai.", code="bad_period") from exc
    movement = data.get("movement") or None
    return {
        "unit": data.get("unit") or "",
        "year": year,
        "period_from": period_from,
        "period_to": period_to,
        "include_subunits": {"1": True, "true": True, "0": False, "false": False}.get(
            data.get("sub") or data.get("include_subunits") or ""
        ),
        "movement": int(movement) if movement and movement.isdigit() else None,
    }


def _params(request: HttpRequest) -> tuple[selectors.ReportParams, dict[str, Any]]:
    form = _parse(request)
    if not form["unit"]:
        unit = _default_unit(request.user)
        if unit is None:
            raise NotFound(selectors.UNIT_NOT_FOUND)
        form["unit"] = unit.code
    params = selectors.report_params(
        request.user,
        unit=form["unit"],
        period_from=form["period_from"],
        period_to=form["period_to"],
        year=form["year"],
        include_subunits=form["include_subunits"],
        movement=form["movement"],
    )
    return params, form


def _query(params: selectors.ReportParams) -> str:
    from urllib.parse import urlencode

    q: dict[str, Any] = {"unit": params.unit.code, "include_subunits": str(params.include_subunits).lower()}
    q["from"], q["to"] = params.period_from.isoformat(), params.period_to.isoformat()
    if params.movement is not None:
        q["movement"] = params.movement.pk
    return urlencode(q)


def _dashboard_figures(params: selectors.ReportParams, layout: str) -> Any:
    """The figures with the extras the layout's panels draw (staff counts for the
    standing body's comparison; the unit's own movements and contests for a unit)."""
    standing = layout == selectors.STANDING
    return services.compute(params, with_staff=standing, own=not standing)


def _error_page(request: HttpRequest, exc: DomainError) -> HttpResponse:
    status = exc.status if exc.status != 400 else 422
    return render(request, "reports/error.html", {"message": exc.message}, status=status)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The dashboard of one unit (its subtree by default) for one period."""
    _require(request)
    try:
        params, form = _params(request)
    except DomainError as exc:
        return _error_page(request, exc)
    layout = selectors.dashboard_layout(request.user, params)
    fig = _dashboard_figures(params, layout)
    charts = dashboard.charts(fig, layout)
    query = _query(params)
    context = {
        "fig": fig,
        "layout": layout,
        "params": params,
        "form": form,
        "units": _with(_unit_choices(request.user), params.unit),
        "text": documents.text_sections(fig),
        "charts": charts,
        "configs": {c.key: c.config() for c in charts},
        "query": query,
        "docx_url": reverse("api:report_annual") + "?" + query,
        "xlsx_url": reverse("api:report_tables") + "?" + query,
        "forms_url": reverse("api:report_forms") + "?" + query,
        "jobs": list(selectors.jobs_for(request.user)[:10]),
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 10, -1)),
    }
    return render(request, "reports/index.html", context)


@login_required
@require_GET
def chart_data(request: HttpRequest, key: str) -> HttpResponse:
    """One chart's data as XLSX — exactly the numbers drawn and listed under it."""
    _require(request)
    try:
        params, _form = _params(request)
    except DomainError as exc:
        return _error_page(request, exc)
    layout = selectors.dashboard_layout(request.user, params)
    chart = dashboard.chart(_dashboard_figures(params, layout), key, layout)
    if chart is None:
        raise Http404
    content = tables.chart_xlsx(chart.title, chart.headers, chart.rows)
    response = HttpResponse(content, content_type=tables.XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{key}-{params.unit.code.lower()}.xlsx"'
    return response


@login_required
@require_POST
def job_create(request: HttpRequest) -> HttpResponse:
    """Ask for a report in the background; the list shows its progress."""
    _require(request)
    kind = request.POST.get("kind", "")
    if kind not in JobKind.values:
        return _error_page(request, DomainError("Loại báo cáo không hợp lệ."))
    try:
        params, _form = _params(request)
        services.report_request(actor=request.user, kind=kind, params=params)
    except DomainError as exc:
        return _error_page(request, exc)
    if is_htmx(request):
        return jobs(request)
    messages.success(request, "Đã nhận yêu cầu lập báo cáo; tệp sẽ có trong danh sách “Báo cáo đã lập”.")
    return redirect(reverse("reports:index") + "?" + _query(params))


@login_required
def jobs(request: HttpRequest) -> HttpResponse:
    """The kept reports (htmx polls it while one is being built)."""
    _require(request)
    items = list(selectors.jobs_for(request.user)[:10])
    running = any(j.state in (JobState.QUEUED, JobState.RUNNING) for j in items)
    return render(request, "reports/_jobs.html", {"jobs": items, "running": running})


@login_required
@require_GET
def job_download(request: HttpRequest, code: str) -> FileResponse:
    _require(request)
    try:
        job = selectors.job_for(request.user, code)
    except NotFound as exc:
        raise Http404 from exc
    if not job.file:
        raise Http404
    mime = documents.DOCX_MIME if job.kind == JobKind.ANNUAL else tables.XLSX_MIME
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=mime)


@login_required
def template_upload(request: HttpRequest) -> HttpResponse:
    """Upload the organisation's own DOCX template (checked by rendering it)."""
    _require(request)
    context: dict[str, Any] = {"fields": documents.FIELDS, "units": _unit_choices(request.user)}
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError("Chưa chọn tệp mẫu (.docx).")
            unit = selectors.report_unit(request.user, request.POST.get("unit", ""))
            services.template_upload(
                actor=request.user, unit=unit, data=upload.read(), original_name=upload.name or ""
            )
        except (DomainError, PermissionDenied) as exc:
            context["error"] = exc.message
            return render(request, "reports/template.html", context, status=422)
        messages.success(request, f"Đã dùng mẫu “{upload.name}” cho {unit.name}.")
        return redirect("reports:template")
    return render(request, "reports/template.html", context)


@login_required
@require_GET
def template_default(request: HttpRequest) -> FileResponse:
    """The default template, to edit in Word and upload back."""
    _require(request)
    return FileResponse(
        open(documents.DEFAULT_PATH, "rb"),  # FileResponse closes it
        as_attachment=True,
        filename="mau-bao-cao-tong-ket.docx",
        content_type=documents.DOCX_MIME,
    )
