"""Users, their roles scoped to units, and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from thidua.accounts.enums import Role


class User(AbstractUser):
    full_name = models.CharField("họ và tên", max_length=120, blank=True)

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"

    def __str__(self) -> str:
        return self.full_name or self.username


class RoleAssignment(models.Model):
    """A role held by a user over a unit (and, by default, everything under it).

    A system administrator's assignment may have no unit: it covers the whole
    tree. Any other role without a unit covers nothing — a missing scope is a
    refusal, never a bypass."""

    user = models.ForeignKey(User, verbose_name="người dùng", on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        "directory.Unit",
        verbose_name="đơn vị",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    include_subunits = models.BooleanField("gồm cả đơn vị trực thuộc", default=True)

    class Meta:
        verbose_name = "phân quyền"
        verbose_name_plural = "phân quyền"
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="role_assignment_unique"),
            models.CheckConstraint(
                condition=Q(role=Role.ADMIN) | Q(unit__isnull=False), name="role_needs_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit or 'toàn hệ thống'}"


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 is stored, the token is shown once."""

    user = models.ForeignKey(
        User, verbose_name="người dùng", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("tên", max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField("hết hạn", null=True, blank=True)

    class Meta:
        verbose_name = "mã truy cập API"
        verbose_name_plural = "mã truy cập API"

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"
