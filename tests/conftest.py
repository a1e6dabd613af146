"""Shared fixtures: a small organisation tree and one user per role.

The tree (codes are what tests refer to):

    TINH  Tỉnh Thử Nghiệm (province)
    ├── SNV   Sở Nội vụ (agency)
    ├── XA1   Xã Một (commune)
    │   └── TH1  Trường Tiểu học Xã Một (school)
    └── XA2   Xã Hai (commune)
        └── TH2  Trường Tiểu học Xã Hai (school)
"""

from __future__ import annotations

import pytest
from django.test import Client

from thidua.accounts.enums import Role
from thidua.accounts.models import User
from thidua.accounts.services import role_assign, token_create
from thidua.directory import services as directory
from thidua.directory.models import Unit


class Api:
    """A test client that sends a Bearer token for ``user``, as API clients do."""

    def __init__(self, user: User) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token_create(actor=None, user=user)}"}

    def get(self, url: str, params: dict | None = None, **headers: str):
        return self.client.get(url, params or {}, headers={**self.headers, **headers})

    def post(self, url: str, body: dict, **headers: str):
        return self.client.post(
            url, body, content_type="application/json", headers={**self.headers, **headers}
        )

    def patch(self, url: str, body: dict, **headers: str):
        return self.client.patch(
            url, body, content_type="application/json", headers={**self.headers, **headers}
        )

    def put(self, url: str, body: dict, **headers: str):
        return self.client.put(
            url, body, content_type="application/json", headers={**self.headers, **headers}
        )


@pytest.fixture
def tree(db) -> dict[str, Unit]:
    root = directory.unit_create(actor=None, code="TINH", name="Tỉnh Thử Nghiệm", kind="province")
    units = {"TINH": root}
    units["SNV"] = directory.unit_create(actor=None, code="SNV", name="Sở Nội vụ", kind="agency", parent=root)
    units["XA1"] = directory.unit_create(actor=None, code="XA1", name="Xã Một", kind="commune", parent=root)
    units["XA2"] = directory.unit_create(actor=None, code="XA2", name="Xã Hai", kind="commune", parent=root)
    units["TH1"] = directory.unit_create(
        actor=None, code="TH1", name="Trường Tiểu học Xã Một", kind="school", parent=units["XA1"]
    )
    units["TH2"] = directory.unit_create(
        actor=None, code="TH2", name="Trường Tiểu học Xã Hai", kind="school", parent=units["XA2"]
    )
    return units


def make_user(username: str, role: str | None = None, unit: Unit | None = None, **kw) -> User:
    user = User.objects.create_user(username=username, password="matkhau-123", full_name=username.title())
    if role:
        role_assign(actor=None, user=user, role=role, unit=unit, **kw)
    return user


@pytest.fixture
def admin_user(db) -> User:
    return make_user("quantri", Role.ADMIN)


@pytest.fixture
def province_officer(tree) -> User:
    """Standing-body officer over the whole province."""
    return make_user("thuongtruc", Role.STANDING_OFFICER, tree["TINH"])


@pytest.fixture
def commune1_officer(tree) -> User:
    """Unit emulation officer of Xã Một and its school only."""
    return make_user("canboxa1", Role.UNIT_OFFICER, tree["XA1"])


@pytest.fixture
def viewer(tree) -> User:
    return make_user("chixem", Role.VIEWER, tree["XA2"])


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    return bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """A transactional test ends with a flush that also empties the tables the
    migrations seed (administrative units, award rules, step deadlines); tests
    that run after it in the same worker expect them. Once every fixture of the
    test is torn down (the flush done, no transaction open), put them back."""
    yield
    if not _is_transactional(item) or nextitem is None:
        return
    from django.apps import apps as django_apps
    from pytest_django.plugin import blocking_manager_key

    from thidua.awards.ruledata import load_rules
    from thidua.directory.admin_units import load_admin_units
    from thidua.directory.models import Unit
    from thidua.nominations.deadlines import load_deadlines

    with item.config.stash[blocking_manager_key].unblock():
        if not Unit.objects.filter(admin_code="T01").exists():
            load_admin_units(django_apps)
        load_rules()
        load_deadlines()
