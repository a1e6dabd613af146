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
    # Movements: the standing body launches and scores; units register, pledge, report.
    VIEW_MOVEMENTS = "movements.view"
    MANAGE_MOVEMENTS = "movements.manage"
    REPORT_MOVEMENTS = "movements.report"
    # Nomination to decision.
    VIEW_NOMINATIONS = "nominations.view"
    NOMINATE = "nominations.nominate"  # a unit drafts and submits its dossiers
    APPRAISE = "nominations.appraise"  # the standing body appraises, returns, publishes, forwards
    MANAGE_COUNCIL = "council.manage"  # sessions, agenda, opening and closing ballots
    VOTE = "council.vote"  # a council member casts ballots
    DRAFT_DECISION = "decisions.draft"
    SIGN_DECISION = "decisions.sign"  # the leader signs and issues
    REVOKE_AWARD = "decisions.revoke"
    # Knowledge contests (organisers; participants need no account).
    VIEW_CONTESTS = "contests.view"
    MANAGE_CONTESTS = "contests.manage"


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
            Perm.VIEW_MOVEMENTS,
            Perm.REPORT_MOVEMENTS,
            Perm.VIEW_NOMINATIONS,
            Perm.NOMINATE,
            Perm.VIEW_CONTESTS,
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
            Perm.VIEW_MOVEMENTS,
            Perm.MANAGE_MOVEMENTS,
            Perm.REPORT_MOVEMENTS,
            Perm.VIEW_NOMINATIONS,
            Perm.APPRAISE,
            Perm.MANAGE_COUNCIL,
            Perm.DRAFT_DECISION,
            Perm.REVOKE_AWARD,
            Perm.VIEW_CONTESTS,
            Perm.MANAGE_CONTESTS,
        }
    ),
    Role.COUNCIL_MEMBER: frozenset(
        {Perm.VIEW_DIRECTORY, Perm.VIEW_AWARDS, Perm.VIEW_MOVEMENTS, Perm.VIEW_NOMINATIONS, Perm.VOTE}
    ),
    Role.APPROVER: frozenset(
        {
            Perm.VIEW_DIRECTORY,
            Perm.VIEW_AUDIT,
            Perm.VIEW_AWARDS,
            Perm.VIEW_MOVEMENTS,
            Perm.VIEW_NOMINATIONS,
            Perm.SIGN_DECISION,
            Perm.VIEW_CONTESTS,
        }
    ),
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
            Perm.VIEW_MOVEMENTS,
            Perm.MANAGE_MOVEMENTS,
            Perm.REPORT_MOVEMENTS,
            Perm.VIEW_NOMINATIONS,
            Perm.NOMINATE,
            Perm.APPRAISE,
            Perm.MANAGE_COUNCIL,
            Perm.DRAFT_DECISION,
            Perm.REVOKE_AWARD,
            Perm.VIEW_CONTESTS,
            Perm.MANAGE_CONTESTS,
        }
    ),
    Role.VIEWER: frozenset(
        {
            Perm.VIEW_DIRECTORY,
            Perm.VIEW_AWARDS,
            Perm.VIEW_MOVEMENTS,
            Perm.VIEW_NOMINATIONS,
            Perm.VIEW_CONTESTS,
        }
    ),
}
