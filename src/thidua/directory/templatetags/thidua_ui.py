"""Small display helpers shared by every page (the header's roles, audit labels).

They only format; what a user may see is decided by views and selectors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from thidua.accounts.enums import Role
from thidua.accounts.scoping import roles_of

register = template.Library()

_ROLE_ORDER = list(Role.values)

AUDIT_ACTIONS = {
    "unit.create": "Tạo đơn vị",
    "unit.update": "Sửa đơn vị",
    "unit.succession": "Ghi nhận kế thừa",
    "person.create": "Thêm cá nhân",
    "person.update": "Sửa thông tin",
    "person.move": "Chuyển công tác",
    "group.create": "Tạo khối, cụm",
    "group.member": "Xếp khối, cụm",
}


@register.simple_tag
def user_roles(user: Any) -> str:
    """The user's roles as Vietnamese labels, in a fixed order ("Cán bộ TĐKT đơn vị, Chỉ xem")."""
    roles = sorted(roles_of(user), key=lambda r: _ROLE_ORDER.index(r) if r in _ROLE_ORDER else 99)
    return ", ".join(str(Role(r).label) for r in roles if r in Role.values)


@register.filter
def audit_action(code: str) -> str:
    """A Vietnamese label for an audit action code (unknown codes shown as they are)."""
    return AUDIT_ACTIONS.get(code, code)


@register.filter
def vn_value(value: Any) -> str:
    """An audited value as a user reads it: ISO dates as dd/mm/yyyy, empty as "—"."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return str(value)
