"""API for importing and exporting people and units (under /api/v1/).

Only parsing and shaping: the import service (:mod:`thidua.directory.imports`)
checks rights, validates every row and writes; a refusal raises
``ImportRejected``, which the API's handler turns into 422 with the row errors.
The paths are literal (``/people/import``, ``/people/export``); the directory
router's ``/people/{id}`` takes an ``int`` and so never captures them.
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from thidua.accounts.enums import Perm, Role
from thidua.accounts.scoping import has_perm, roles_of, units_for
from thidua.core.errors import NotFound, PermissionDenied
from thidua.core.models import ImportJob
from thidua.directory import exports, imports
from thidua.directory.models import Unit

router = Router(tags=["Nhập, xuất dữ liệu"])


class ImportDone(Schema):
    created: int
    job: int


class ImportQueued(Schema):
    job: int
    status: str


class RowErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportRefused(Schema):
    detail: str
    errors: list[RowErrorOut]


class Detail(Schema):
    detail: str


class JobOut(Schema):
    id: int
    kind: str
    status: str
    original_name: str
    total_rows: int
    processed_rows: int
    created_count: int
    percent: int
    detail: str
    errors: list[RowErrorOut]


_IMPORT_RESPONSES = {201: ImportDone, 202: ImportQueued, 403: Detail, 422: ImportRefused}


def _import(request: HttpRequest, kind: str, file: UploadedFile) -> Status:
    job = imports.import_file(actor=request.user, kind=kind, file=file, name=file.name or "")
    if job.status == ImportJob.Status.DONE:
        return Status(201, {"created": job.created_count, "job": job.pk})
    return Status(202, {"job": job.pk, "status": job.status})


@router.post("/people/import", response=_IMPORT_RESPONSES, summary="Nhập danh sách cá nhân (XLSX, CSV)")
def people_import(request: HttpRequest, file: File[UploadedFile]):
    """All or nothing: 201 when written now, 202 when queued (see ``/imports/{id}``),
    422 with every row error and nothing written."""
    return _import(request, ImportJob.Kind.PEOPLE, file)


@router.post("/units/import", response=_IMPORT_RESPONSES, summary="Nhập danh sách đơn vị (XLSX, CSV)")
def units_import(request: HttpRequest, file: File[UploadedFile]):
    return _import(request, ImportJob.Kind.UNITS, file)


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get("/people/import/template", summary="Tải mẫu nhập cá nhân (XLSX)")
def people_template(request: HttpRequest) -> HttpResponse:
    imports.check_may_import(request.user)
    kind = ImportJob.Kind.PEOPLE
    return _download(exports.template_xlsx(kind), exports.template_filename(kind), exports.XLSX_TYPE)


@router.get("/units/import/template", summary="Tải mẫu nhập đơn vị (XLSX)")
def units_template(request: HttpRequest) -> HttpResponse:
    imports.check_may_import(request.user)
    kind = ImportJob.Kind.UNITS
    return _download(exports.template_xlsx(kind), exports.template_filename(kind), exports.XLSX_TYPE)


def _unit_filter(user: object, ref: str | None) -> Unit | None:
    """A unit given by code (or by id), among those the user may see."""
    if not ref:
        return None
    visible = units_for(user, Perm.VIEW_DIRECTORY)  # type: ignore[arg-type]
    unit = visible.filter(code=ref).first()
    if unit is None and ref.isdigit() and len(ref) < 19:
        unit = visible.filter(pk=int(ref)).first()
    if unit is None:
        raise NotFound("Không tìm thấy đơn vị.")
    return unit


@router.get("/people/export", summary="Xuất danh sách cá nhân (XLSX, CSV)")
def people_export(
    request: HttpRequest,
    format: Literal["xlsx", "csv"] = "xlsx",
    q: str | None = None,
    unit: str | None = None,
    include_subunits: bool = False,
) -> HttpResponse:
    """The people the user may see, filtered like the people list; the same columns as the template."""
    if not has_perm(request.user, Perm.VIEW_DIRECTORY):  # type: ignore[arg-type]
        raise PermissionDenied()
    content = exports.export_people(
        request.user,
        fmt=format,
        q=(q or "")[:200],
        unit=_unit_filter(request.user, unit),
        include_subunits=include_subunits,
    )
    kind = ImportJob.Kind.PEOPLE
    return _download(
        content, exports.filename(kind, format), exports.CSV_TYPE if format == "csv" else exports.XLSX_TYPE
    )


@router.get("/units/export", summary="Xuất danh sách đơn vị (XLSX, CSV)")
def units_export(
    request: HttpRequest,
    format: Literal["xlsx", "csv"] = "xlsx",
    unit: str | None = None,
    include_subunits: bool = False,
) -> HttpResponse:
    if not has_perm(request.user, Perm.VIEW_DIRECTORY):  # type: ignore[arg-type]
        raise PermissionDenied()
    content = exports.export_units(
        request.user, fmt=format, unit=_unit_filter(request.user, unit), include_subunits=include_subunits
    )
    kind = ImportJob.Kind.UNITS
    return _download(
        content, exports.filename(kind, format), exports.CSV_TYPE if format == "csv" else exports.XLSX_TYPE
    )


@router.get("/imports/{int:job_id}", response={200: JobOut, 403: Detail, 404: Detail}, summary="Tiến độ nhập")
def import_status(request: HttpRequest, job_id: int):
    """Status, progress and errors of an import; only its creator or an administrator may read it."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFound()
    user = request.user
    if job.created_by_id != user.pk and Role.ADMIN not in roles_of(user):  # type: ignore[arg-type]
        raise PermissionDenied()
    return Status(
        200,
        {
            "id": job.pk,
            "kind": job.kind,
            "status": job.status,
            "original_name": job.original_name,
            "total_rows": job.total_rows,
            "processed_rows": job.processed_rows,
            "created_count": job.created_count,
            "percent": job.percent,
            "detail": job.detail,
            "errors": job.errors or [],
        },
    )
