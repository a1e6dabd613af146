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
