"""Writes of the reports app — the app reads every other module and writes
only its own rows: report jobs (a report asked for, built in the background
and kept with who asked and when) and organisations' DOCX templates.

The outputs themselves (:func:`annual_docx`, :func:`tables_xlsx`,
:func:`summary`) compute the figures once and render them; the API, the
pages, the CLI and the task call these.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from thidua.accounts.scoping import can_on_unit
from thidua.core import audit
from thidua.core.errors import PermissionDenied
from thidua.reports import documents, figures, selectors, tables
from thidua.reports.models import JobKind, JobState, ReportJob, ReportTemplate
from thidua.reports.selectors import PERM, ReportParams


def _snap(obj: Any) -> dict[str, Any]:
    """The audit snapshot without the file object (its stored name instead)."""
    names = [f.name for f in obj._meta.concrete_fields if f.name != "file"]
    data = audit.snapshot(obj, names)
    data["file"] = obj.file.name if obj.file else ""
    return data


def compute(params: ReportParams, *, with_staff: bool = False, own: bool = False) -> figures.Figures:
    """:func:`figures.compute` for checked parameters (``with_staff``/``own``: the dashboards' extras)."""
    return figures.compute(
        with_staff=with_staff,
        own=own,
        unit=params.unit,
        period_from=params.period_from,
        period_to=params.period_to,
        include_subunits=params.include_subunits,
        movement=params.movement,
    )


def summary(params: ReportParams) -> dict[str, Any]:
    """The JSON figures, with the generated sentences beside them."""
    fig = compute(params)
    data = fig.as_dict()
    data["text"] = documents.text_sections(fig)
    return data


def annual_docx(params: ReportParams, fig: figures.Figures | None = None) -> bytes:
    """The annual summary, with the organisation's template when it has a working one
    (``fig``: figures already computed for ``params``, as the background job has them)."""
    fig = compute(params) if fig is None else fig
    template = selectors.active_template(params.unit)
    if template is not None:
        with template.file.open("rb") as f:
            data = f.read()
        return documents.render(fig, data)
    return documents.render(fig)


def tables_xlsx(params: ReportParams, fig: figures.Figures | None = None) -> bytes:
    """The statistical tables (``fig`` as for :func:`annual_docx`)."""
    return tables.render(compute(params) if fig is None else fig)


def forms_xlsx(params: ReportParams) -> bytes:
    """The sector's statutory statistical forms on commendation work (:mod:`statutory`):
    a unit's whole year, so a movement chosen for the report does not narrow them."""
    from thidua.reports import statutory

    return statutory.render(compute(replace(params, movement=None)))


def filename(kind: str, params: ReportParams) -> str:
    stem = {JobKind.ANNUAL: "bao-cao-tong-ket", JobKind.TABLES: "bieu-thong-ke"}.get(kind, "bieu-mau-tdkt")
    period = (
        str(params.period_to.year)
        if params.period_from == dt.date(params.period_to.year, 1, 1)
        and params.period_to == dt.date(params.period_to.year, 12, 31)
        else f"{params.period_from:%Y%m%d}-{params.period_to:%Y%m%d}"
    )
    ext = "docx" if kind == JobKind.ANNUAL else "xlsx"
    return f"{stem}-{params.unit.code.lower()}-{period}.{ext}"


@transaction.atomic
def report_request(*, actor: Any, kind: str, params: ReportParams) -> ReportJob:
    """Queue a report to be built in the background (after commit) and kept."""
    if not can_on_unit(actor, PERM, params.unit):
        raise PermissionDenied(selectors.OUT_OF_SCOPE)
    job = ReportJob.objects.create(
        kind=kind,
        unit=params.unit,
        include_subunits=params.include_subunits,
        period_from=params.period_from,
        period_to=params.period_to,
        movement_id=params.movement.pk if params.movement is not None else None,
        requested_by=actor,
        filename=filename(kind, params),
    )
    audit.record(actor=actor, action="report.request", obj=job, after=_snap(job))
    from thidua.reports.tasks import build_report

    transaction.on_commit(lambda: build_report.enqueue(job.pk))
    return job


def report_build(job_id: int) -> ReportJob:
    """Build a queued job (the task's body): progress 10 → 60 → 100, file kept. The
    file is rendered by the same functions as the API's downloads (the organisation's
    template included), so a kept report says what the download would have said."""
    job = ReportJob.objects.select_related("unit").get(pk=job_id)
    ReportJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, progress=10)
    movement = None
    if job.movement_id:
        from thidua.reports.adapters import movement_model

        model = movement_model()
        movement = model.objects.filter(pk=job.movement_id).first() if model else None
    params = ReportParams(job.unit, job.period_from, job.period_to, job.include_subunits, movement)
    try:
        fig = compute(params)
        ReportJob.objects.filter(pk=job.pk).update(progress=60)
        render = annual_docx if job.kind == JobKind.ANNUAL else tables_xlsx
        content = render(params, fig)
        job.file.save(job.filename, ContentFile(content), save=False)
        ReportJob.objects.filter(pk=job.pk).update(
            file=job.file.name, state=JobState.READY, progress=100, finished_at=timezone.now(), error=""
        )
    except Exception as exc:  # recorded for the user; the worker goes on
        ReportJob.objects.filter(pk=job.pk).update(
            state=JobState.FAILED,
            error=(str(exc) or exc.__class__.__name__)[:500],
            finished_at=timezone.now(),
        )
        raise
    job.refresh_from_db()
    return job


@transaction.atomic
def template_upload(*, actor: Any, unit: Any, data: bytes, original_name: str) -> ReportTemplate:
    """Make ``data`` the unit's annual-summary template — only if it renders
    (checked against this year's figures of the unit); else refused with the
    reason and the template in use stays."""
    if not can_on_unit(actor, PERM, unit):
        raise PermissionDenied(selectors.OUT_OF_SCOPE)
    year = timezone.localdate().year
    sample = figures.compute(unit=unit, period_from=dt.date(year, 1, 1), period_to=dt.date(year, 12, 31))
    documents.check_template(data, sample)
    before = ReportTemplate.objects.filter(unit=unit, is_active=True).first()
    if before is not None:
        ReportTemplate.objects.filter(pk=before.pk).update(is_active=False)
    template = ReportTemplate(unit=unit, original_name=(original_name or "mau.docx")[:255], uploaded_by=actor)
    template.file.save("mau.docx", ContentFile(data), save=False)
    template.save()
    audit.record(
        actor=actor,
        action="report.template_upload",
        obj=template,
        before=_snap(before) if before else None,
        after=_snap(template),
    )
    return template
