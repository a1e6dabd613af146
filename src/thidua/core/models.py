"""The audit trail: one row per change to a record, from any origin.

Written only by :func:`thidua.core.audit.record` inside the service's
transaction, never updated: the model refuses ``save()`` on an existing row
and ``delete()``, and the database triggers created in the migration refuse
UPDATE and DELETE from any client that goes through the app's database.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Origin(models.TextChoices):
    WEB = "web", "Giao diện web"
    API = "api", "API"
    CLI = "cli", "Dòng lệnh"
    TASK = "task", "Tác vụ nền"
    SYSTEM = "system", "Hệ thống"


class AuditEntry(models.Model):
    created_at = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thực hiện",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField("tên người thực hiện", max_length=150, blank=True)
    origin = models.CharField("nguồn", max_length=10, choices=Origin.choices)
    ip_address = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)
    action = models.CharField("thao tác", max_length=60)
    object_type = models.CharField("loại bản ghi", max_length=60, db_index=True)
    object_id = models.CharField("mã bản ghi", max_length=40, db_index=True)
    object_repr = models.CharField("bản ghi", max_length=300, blank=True)
    before = models.JSONField("trước", null=True, blank=True)
    after = models.JSONField("sau", null=True, blank=True)

    class Meta:
        verbose_name = "nhật ký thay đổi"
        verbose_name_plural = "nhật ký thay đổi"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise RuntimeError("Nhật ký thay đổi không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Nhật ký thay đổi không được xoá.")

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for the fields that differ — what the history page shows."""
        before = self.before or {}
        after = self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class ImportJob(models.Model):
    """One upload of a file to import (people, units, …) and what became of it.

    A generic record rather than one per kind, so the web page, the API and
    the CLI show every import the same way: status, progress while a large
    file is processed by a background task, and the row-by-row errors when it
    was refused. Written only by the import services (``directory.imports``).
    """

    class Kind(models.TextChoices):
        PEOPLE = "people", "Cá nhân"
        UNITS = "units", "Đơn vị"
        AWARDS = "awards", "Khen thưởng"
        RATINGS = "ratings", "Xếp loại"
        INITIATIVES = "initiatives", "Sáng kiến"
        DISCIPLINES = "disciplines", "Kỷ luật"

    class Status(models.TextChoices):
        PENDING = "pending", "Đang chờ"
        RUNNING = "running", "Đang xử lý"
        DONE = "done", "Hoàn thành"
        FAILED = "failed", "Bị từ chối"

    kind = models.CharField("loại dữ liệu", max_length=40, choices=Kind.choices)
    status = models.CharField(
        "trạng thái", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    # PROTECT: a background job runs with its creator's scope; a job whose
    # creator vanished must never run as the unscoped system actor.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người tải lên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("thời điểm tải lên", auto_now_add=True)
    finished_at = models.DateTimeField("thời điểm xong", null=True, blank=True)
    # Under MEDIA_ROOT, which is outside the web root; kept only until the job ends.
    file = models.FileField("tệp", upload_to="imports/%Y/%m/", blank=True, max_length=255)
    original_name = models.CharField("tên tệp gốc", max_length=255, blank=True)
    total_rows = models.PositiveIntegerField("số dòng", default=0)
    processed_rows = models.PositiveIntegerField("số dòng đã xử lý", default=0)
    created_count = models.PositiveIntegerField("số bản ghi đã tạo", default=0)
    errors = models.JSONField("lỗi", default=list, blank=True)
    detail = models.TextField("thông báo", blank=True)

    class Meta:
        verbose_name = "lần nhập dữ liệu"
        verbose_name_plural = "lần nhập dữ liệu"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.original_name or self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)
