"""What the reports app stores: finished report files (kept for download with
who asked and when) and the organisations' own DOCX templates.

The figures themselves are never stored: every report is recomputed from the
registry, ratings, movements, dossiers and contests, so a report can never
disagree with the data it came from at the time it was asked for.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from thidua.directory.models import Unit


class JobKind(models.TextChoices):
    ANNUAL = "annual", "Báo cáo tổng kết (DOCX)"
    TABLES = "tables", "Biểu thống kê (XLSX)"


class JobState(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang lập"
    READY = "ready", "Đã xong"
    FAILED = "failed", "Lỗi"


def job_path(instance: ReportJob, filename: str) -> str:
    return f"reports/{instance.public_code.hex}/{filename}"


def template_path(instance: ReportTemplate, filename: str) -> str:
    return f"reports/templates/{uuid.uuid4().hex}.docx"


class ReportJob(models.Model):
    """One report asked for: its parameters, progress and, when ready, its file."""

    public_code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("loại báo cáo", max_length=10, choices=JobKind.choices)
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="+")
    include_subunits = models.BooleanField("gồm đơn vị trực thuộc", default=True)
    period_from = models.DateField("từ ngày")
    period_to = models.DateField("đến ngày")
    movement_id = models.PositiveIntegerField("phong trào", null=True, blank=True)
    state = models.CharField("trạng thái", max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    progress = models.PositiveSmallIntegerField("tiến độ (%)", default=0)
    file = models.FileField("tệp", upload_to=job_path, max_length=255, blank=True)
    filename = models.CharField("tên tệp", max_length=255, blank=True)
    error = models.CharField("lỗi", max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người yêu cầu", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("thời điểm yêu cầu", auto_now_add=True)
    finished_at = models.DateTimeField("thời điểm hoàn thành", null=True, blank=True)

    class Meta:
        verbose_name = "báo cáo đã lập"
        verbose_name_plural = "báo cáo đã lập"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_to__gte=models.F("period_from")), name="reportjob_period"
            ),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="reportjob_progress"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} — {self.unit} ({self.period_from:%d/%m/%Y}–{self.period_to:%d/%m/%Y})"
        )


class ReportTemplate(models.Model):
    """An organisation's own DOCX template for the annual summary (docxtpl
    fields, documented in docs/reports.md). Only one is active per unit; a
    file that does not render is refused at upload and the active one is kept."""

    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="+")
    file = models.FileField("tệp mẫu", upload_to=template_path, max_length=255)
    original_name = models.CharField("tên tệp", max_length=255)
    is_active = models.BooleanField("đang dùng", default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người tải lên", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("thời điểm tải lên", auto_now_add=True)

    class Meta:
        verbose_name = "mẫu báo cáo tổng kết"
        verbose_name_plural = "mẫu báo cáo tổng kết"
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=models.Q(is_active=True), name="reporttemplate_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.unit})"
