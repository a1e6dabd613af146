"""Roles and what each may do. The mapping is data: one permission name is
used by the view, the API and the service guard alike."""

from django.db import models


class Role(models.TextChoices):
    UNIT_OFFICER = "unit_officer", "Cán bộ TĐKT đơn vị"
    STANDING_OFFICER = "standing_officer", "Cán bộ cơ quan thường trực TĐKT"
    COUNCIL_MEMBER = "council_member", "Thành viên Hội đồng TĐKT"
    APPROVER = "approver", "Lãnh đạo phê duyệt"
    ADMIN = "admin", "Quản trị hệ thống"
    VIEWER = "viewer", "Chỉ xem"


class Perm:
    """Permission names (strings so they read the same in rules, views and tests)."""

    VIEW_DIRECTORY = "directory.view"
    EDIT_UNIT = "directory.edit_unit"
    EDIT_PERSON = "directory.edit_person"
    VIEW_IDENTITY = "directory.view_identity"
    IMPORT = "directory.import"
    VIEW_AUDIT = "core.view_audit"
    MANAGE_USERS = "accounts.manage"
    VIEW_AWARDS = "awards.view"
    EDIT_AWARDS = "awards.edit"  # the registry, ratings, initiatives, disciplines
    MANAGE_RULES = "awards.manage_rules"


ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.UNIT_OFFICER: frozenset(
        {
            Perm.VIEW_DIRECTORY,
            Perm.EDIT_PERSON,
            Perm.VIEW_IDENTITY,
            Perm.IMPORT,
            Perm.VIEW_AUDIT,
            Perm.VIEW_AWARDS,
            Perm.EDIT_AWARDS,
        }
    ),
    Role.STANDING_OFFICER: frozenset(
        {
            Perm.VIEW_DIRECTORY,
            Perm.EDIT_UNIT,
            Perm.EDIT_PERSON,
            Perm.VIEW_IDENTITY,
            Perm.IMPORT,
            Perm.VIEW_AUDIT,
            Perm.VIEW_AWARDS,
            Perm.EDIT_AWARDS,
            Perm.MANAGE_RULES,
        }
    ),
    Role.COUNCIL_MEMBER: frozenset({Perm.VIEW_DIRECTORY, Perm.VIEW_AWARDS}),
    Role.APPROVER: frozenset({Perm.VIEW_DIRECTORY, Perm.VIEW_AUDIT, Perm.VIEW_AWARDS}),
    Role.ADMIN: frozenset(
        {
            Perm.VIEW_DIRECTORY,
            Perm.EDIT_UNIT,
            Perm.EDIT_PERSON,
            Perm.VIEW_IDENTITY,
            Perm.IMPORT,
            Perm.VIEW_AUDIT,
            Perm.MANAGE_USERS,
            Perm.VIEW_AWARDS,
            Perm.EDIT_AWARDS,
            Perm.MANAGE_RULES,
        }
    ),
    Role.VIEWER: frozenset({Perm.VIEW_DIRECTORY, Perm.VIEW_AWARDS}),
}
