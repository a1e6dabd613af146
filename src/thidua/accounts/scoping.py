"""Who may see and change what: role assignments turned into unit scopes.

Every list and object goes through these functions (the NetBox
``restrict()`` idea): a query is narrowed to the units the user's roles cover,
for the permission asked. Views, the API and services share them.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from thidua.accounts.enums import ROLE_PERMISSIONS, Role
from thidua.accounts.models import RoleAssignment, User
from thidua.directory.models import Person, Unit

_NOTHING = Q(pk__in=[])


def _assignments(user: User) -> list[RoleAssignment]:
    cached = getattr(user, "_thidua_roles", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).select_related("unit")) if user.pk else []
        user._thidua_roles = cached  # type: ignore[attr-defined]
    return cached


def _active(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def has_perm(user: User, perm: str) -> bool:
    """True if any of the user's roles grants ``perm`` somewhere."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return any(perm in ROLE_PERMISSIONS.get(a.role, ()) for a in _assignments(user))


def roles_of(user: User) -> set[str]:
    if not _active(user):
        return set()
    roles = {a.role for a in _assignments(user)}
    if user.is_superuser:
        roles.add(Role.ADMIN)
    return roles


def unit_scope(user: User, perm: str, prefix: str = "") -> Q | None:
    """A ``Q`` over units (``prefix`` is the lookup path to the unit, e.g.
    ``"unit__"``) covering what ``perm`` is granted on; ``None`` means the
    whole tree. A user with no matching role gets a Q that matches nothing."""
    if not _active(user):
        return _NOTHING
    if user.is_superuser:
        return None
    q = Q()
    matched = False
    for a in _assignments(user):
        if perm not in ROLE_PERMISSIONS.get(a.role, ()):
            continue
        if a.unit is None:
            if a.role == Role.ADMIN:
                return None
            continue  # a scope-less non-admin role covers nothing
        matched = True
        if a.include_subunits:
            q |= Q(**{f"{prefix}path__startswith": a.unit.path})
        else:
            q |= Q(**{f"{prefix}pk": a.unit.pk})
    return q if matched else _NOTHING


def units_for(user: User, perm: str, qs: QuerySet[Unit] | None = None) -> QuerySet[Unit]:
    qs = Unit.objects.all() if qs is None else qs
    scope = unit_scope(user, perm)
    return qs if scope is None else qs.filter(scope)


def people_for(user: User, perm: str, qs: QuerySet[Person] | None = None) -> QuerySet[Person]:
    qs = Person.objects.all() if qs is None else qs
    scope = unit_scope(user, perm, "unit__")
    return qs if scope is None else qs.filter(scope)


def can_on_unit(user: User, perm: str, unit: Unit | None) -> bool:
    """May ``user`` exercise ``perm`` on ``unit`` (checked without a query when possible)."""
    if unit is None or not _active(user):
        return False
    if user.is_superuser:
        return True
    for a in _assignments(user):
        if perm not in ROLE_PERMISSIONS.get(a.role, ()):
            continue
        if a.unit is None:
            if a.role == Role.ADMIN:
                return True
            continue
        if a.unit_id == unit.pk or (a.include_subunits and unit.path.startswith(a.unit.path)):
            return True
    return False


def users_with_perm_on(perm: str, unit: Unit) -> QuerySet[User]:
    """Active users whose role grants ``perm`` on ``unit`` — through an assignment
    on the unit itself or on an ancestor that includes sub-units. Who to notify
    ("the standing body of the deciding unit"); administrators are not included."""
    ancestors = [int(p) for p in unit.path.strip("/").split("/") if p]
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if perm in perms and role != Role.ADMIN]
    direct = Q(roles__unit_id=unit.pk)
    inherited = Q(roles__unit_id__in=ancestors, roles__include_subunits=True)
    return (
        # One filter() call: the role and the unit must hold on the same assignment.
        User.objects.filter(Q(roles__role__in=roles) & (direct | inherited), is_active=True)
        .distinct()
        .order_by("username")
    )


def holds_on_unit(user: User, perm: str, unit: Unit | None) -> bool:
    """Does ``user`` hold ``perm`` through an assignment on ``unit`` itself (not
    inherited from an ancestor)? The officers of a body act in its own name —
    e.g. the standing body proposes its Khối/Cụm for awards — but not in the
    name of the units below it."""
    if unit is None or not _active(user):
        return False
    return any(a.unit_id == unit.pk and perm in ROLE_PERMISSIONS.get(a.role, ()) for a in _assignments(user))


def scope_anchors(user: User, perm: str) -> list[tuple[Unit, bool]] | None:
    """The (unit, include_subunits) pairs of the roles granting ``perm`` — for
    scopes ``unit_scope`` cannot express as one lookup (e.g. "a movement whose
    participant is an ancestor of my unit"); None means the whole tree."""
    if not _active(user):
        return []
    if user.is_superuser:
        return None
    anchors = []
    for a in _assignments(user):
        if perm not in ROLE_PERMISSIONS.get(a.role, ()):
            continue
        if a.unit is None:
            if a.role == Role.ADMIN:
                return None
            continue
        anchors.append((a.unit, a.include_subunits))
    return anchors
