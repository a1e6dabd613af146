"""Writes on accounts: users, role assignments, API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction

from thidua.accounts.enums import Perm, Role
from thidua.accounts.models import ApiToken, RoleAssignment, User
from thidua.accounts.scoping import has_perm
from thidua.core import audit
from thidua.core.errors import DomainError, PermissionDenied
from thidua.core.text import clean
from thidua.directory.models import Unit


def _guard(actor: User | None) -> None:
    # actor None = the CLI run by the server's operator, who owns the install.
    if actor is not None and not has_perm(actor, Perm.MANAGE_USERS):
        raise PermissionDenied()


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    full_name: str = "",
    email: str = "",
    role: str | None = None,
    unit: Unit | None = None,
    include_subunits: bool = True,
) -> User:
    """Create an account and, optionally, its first role."""
    _guard(actor)
    username = clean(username)
    if not username:
        raise DomainError("Tên đăng nhập không được để trống.")
    if User.objects.filter(username=username).exists():
        raise DomainError(f"Tên đăng nhập «{username}» đã tồn tại.")
    user = User(username=username, full_name=clean(full_name), email=clean(email))
    user.set_password(password)
    if role == Role.ADMIN:
        user.is_staff = True
    user.save()
    audit.record(actor=actor or "cli", action="user.create", obj=user, after=audit.snapshot(user))
    if role:
        role_assign(actor=actor, user=user, role=role, unit=unit, include_subunits=include_subunits)
    return user


@transaction.atomic
def role_assign(
    *, actor: User | None, user: User, role: str, unit: Unit | None, include_subunits: bool = True
) -> RoleAssignment:
    _guard(actor)
    if role not in Role.values:
        raise DomainError(f"Vai trò «{role}» không tồn tại.")
    if unit is None and role != Role.ADMIN:
        raise DomainError("Vai trò này phải gắn với một đơn vị.")
    assignment, _ = RoleAssignment.objects.get_or_create(
        user=user, role=role, unit=unit, defaults={"include_subunits": include_subunits}
    )
    audit.record(actor=actor or "cli", action="role.assign", obj=assignment, after=audit.snapshot(assignment))
    return assignment


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(*, actor: User | None, user: User, name: str = "") -> str:
    """Create an API token for ``user`` and return it; only its hash is kept."""
    if actor is not None and actor.pk != user.pk:
        _guard(actor)
    key = "td_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=clean(name)[:100], key_hash=_hash(key), prefix=key[3:11])
    audit.record(
        actor=actor or "cli",
        action="token.create",
        obj=token,
        after={"user": user.pk, "prefix": token.prefix},
    )
    return key


def token_user(key: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    from django.utils import timezone

    if not key or not key.startswith("td_"):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(key)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.expires_at and token.expires_at < now:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
