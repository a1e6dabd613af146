"""django-rules predicates, so templates can ask ``{% has_perm 'directory.edit_person' user person %}``
with the same names and the same answers as the services."""

from __future__ import annotations

import rules

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import can_on_unit, has_perm
from thidua.directory.models import Person, Unit


def _predicate(perm: str) -> rules.Predicate:
    @rules.predicate(name=perm)
    def check(user, obj=None) -> bool:
        if obj is None:
            return has_perm(user, perm)
        unit = (
            obj if isinstance(obj, Unit) else getattr(obj, "unit", None) if isinstance(obj, Person) else None
        )
        return can_on_unit(user, perm, unit)

    return check


for _name in vars(Perm).values():
    if isinstance(_name, str) and "." in _name:
        rules.add_perm(_name, _predicate(_name))
