"""Web pages for importing and exporting people and units.

No logic here: read the upload, call :func:`thidua.directory.imports.import_file`,
render what it says. A refused file shows every (row, column, message) at
once; a large file goes to a job page whose progress bar polls with htmx.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from thidua.accounts.enums import Perm, Role
from thidua.accounts.scoping import has_perm, roles_of, units_for
from thidua.core.errors import DomainError, ImportRejected
from thidua.core.htmx import is_htmx
from thidua.core.models import ImportJob
from thidua.directory import exports, imports

KINDS = dict(ImportJob.Kind.choices)


def _kind(value: str | None) -> str:
    if value not in KINDS:
        raise Http404()
    return value


def _attachment(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """The upload form; on POST, the result (created count, or the error table)."""
    can_import = has_perm(request.user, Perm.IMPORT)
    context: dict[str, object] = {"kinds": KINDS, "kind": ImportJob.Kind.PEOPLE, "can_import": can_import}
    status = 200
    if request.method == "POST":
        if not can_import:
            raise PermissionDenied()
        kind = request.POST.get("kind") or ""
        context["kind"] = kind
        upload = request.FILES.get("file")
        if kind not in KINDS:
            context["rejected"] = ImportRejected("Hãy chọn loại dữ liệu cần nhập.")
        elif upload is None:
            context["rejected"] = ImportRejected("Hãy chọn tệp cần nhập.")
        else:
            try:
                job = imports.import_file(actor=request.user, kind=kind, file=upload, name=upload.name or "")
            except ImportRejected as exc:
                context["rejected"] = exc
            except DomainError as exc:
                context["rejected"] = ImportRejected(exc.message)
            else:
                if job.status != ImportJob.Status.DONE:
                    return redirect("imports:job", pk=job.pk)
                context["job"] = job
        if "rejected" in context:
            status = 422
    context["recent"] = ImportJob.objects.filter(created_by=request.user).order_by("-created_at", "-id")[:10]
    return render(request, "directory/imports/index.html", context, status=status)


@login_required
@require_GET
def template(request: HttpRequest, kind: str) -> HttpResponse:
    kind = _kind(kind)
    return _attachment(exports.template_xlsx(kind), exports.template_filename(kind), exports.XLSX_TYPE)


@login_required
@require_GET
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """A job's progress; htmx polls the fragment every second until the job is finished."""
    item = get_object_or_404(ImportJob, pk=pk)
    if item.created_by_id != request.user.pk and Role.ADMIN not in roles_of(request.user):
        raise Http404()
    context = {"job": item}
    if is_htmx(request):
        return render(request, "directory/imports/_progress.html", context)
    return render(request, "directory/imports/job.html", context)


@login_required
@require_GET
def export(request: HttpRequest, kind: str) -> HttpResponse:
    """Download what the user may see: ``?format=xlsx|csv&q=&unit=<code>&include_subunits=1``."""
    kind = _kind(kind)
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    code = (request.GET.get("unit") or "").strip()
    unit = None
    if code:
        unit = units_for(request.user, Perm.VIEW_DIRECTORY).filter(code=code).first()
        if unit is None:
            raise Http404()
    sub = request.GET.get("include_subunits") in {"1", "true", "on"}
    if kind == ImportJob.Kind.PEOPLE:
        q = (request.GET.get("q") or "")[:200]
        content = exports.export_people(request.user, fmt=fmt, q=q, unit=unit, include_subunits=sub)
    else:
        content = exports.export_units(request.user, fmt=fmt, unit=unit, include_subunits=sub)
    return _attachment(
        content, exports.filename(kind, fmt), exports.CSV_TYPE if fmt == "csv" else exports.XLSX_TYPE
    )
