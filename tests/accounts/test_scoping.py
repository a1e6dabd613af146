"""Roles scoped to a unit or its subtree: what each user may see and do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction

from tests.conftest import make_user
from thidua.accounts.enums import Perm, Role
from thidua.accounts.models import RoleAssignment
from thidua.accounts.scoping import can_on_unit, has_perm, people_for, units_for
from thidua.accounts.services import role_assign
from thidua.core.errors import DomainError, PermissionDenied
from thidua.directory import services


@pytest.fixture
def people(tree):
    return {
        code: services.person_create(
            actor=None, full_name=f"Nguyễn Văn {name}", gender="male", unit=tree[code]
        )
        for code, name in [("XA1", "Một"), ("TH1", "Trường"), ("XA2", "Hai"), ("SNV", "Sở")]
    }


def codes(qs):
    return sorted(u.code for u in qs)


def test_unit_officer_sees_own_unit_and_subunits_only(tree, people, commune1_officer):
    assert codes(units_for(commune1_officer, Perm.VIEW_DIRECTORY)) == ["TH1", "XA1"]
    names = sorted(p.full_name for p in people_for(commune1_officer, Perm.VIEW_DIRECTORY))
    assert names == ["Nguyễn Văn Một", "Nguyễn Văn Trường"]


def test_role_without_subunits_covers_only_that_unit(tree, people):
    user = make_user("chimotdonvi", Role.UNIT_OFFICER, tree["XA1"], include_subunits=False)
    assert codes(units_for(user, Perm.VIEW_DIRECTORY)) == ["XA1"]


def test_province_standing_officer_sees_the_whole_province(tree, people, province_officer):
    assert people_for(province_officer, Perm.VIEW_DIRECTORY).count() == 4


def test_admin_without_unit_sees_everything(tree, people, admin_user):
    assert people_for(admin_user, Perm.VIEW_DIRECTORY).count() == 4
    assert has_perm(admin_user, Perm.MANAGE_USERS)


def test_viewer_may_see_but_not_edit(tree, people, viewer):
    assert can_on_unit(viewer, Perm.VIEW_DIRECTORY, tree["XA2"])
    assert not can_on_unit(viewer, Perm.EDIT_PERSON, tree["XA2"])
    with pytest.raises(PermissionDenied):
        services.person_update(actor=viewer, person=people["XA2"], position="Hacker")
    people["XA2"].refresh_from_db()
    assert people["XA2"].position == ""


def test_officer_cannot_write_outside_scope_and_nothing_is_written(tree, people, commune1_officer):
    with pytest.raises(PermissionDenied):
        services.person_create(actor=commune1_officer, full_name="Lê Văn Lạ", gender="male", unit=tree["XA2"])
    with pytest.raises(PermissionDenied):
        services.person_move(
            actor=commune1_officer, person=people["XA1"], unit=tree["XA2"], on=dt.date(2025, 1, 1)
        )
    assert not people_for(commune1_officer, Perm.VIEW_DIRECTORY).filter(full_name="Lê Văn Lạ").exists()
    people["XA1"].refresh_from_db()
    assert people["XA1"].unit == tree["XA1"]


def test_a_role_without_unit_is_a_refusal_not_a_bypass(tree, people):
    user = make_user("khongphamvi")
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=Role.UNIT_OFFICER, unit=None)
    with pytest.raises(DomainError, match="phải gắn với một đơn vị"):
        role_assign(actor=None, user=user, role=Role.UNIT_OFFICER, unit=None)
    assert people_for(user, Perm.VIEW_DIRECTORY).count() == 0


def test_inactive_and_anonymous_users_see_nothing(tree, people, province_officer):
    assert people_for(AnonymousUser(), Perm.VIEW_DIRECTORY).count() == 0
    province_officer.is_active = False
    assert people_for(province_officer, Perm.VIEW_DIRECTORY).count() == 0
