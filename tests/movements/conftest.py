"""Fixtures of the movements tests: the shared tree plus a Cụm of the two
communes (Xã Một leads it in 2024), a Khối with the Sở, and a movement of the
province covering the whole tree."""

from __future__ import annotations

import datetime as dt

import pytest

from thidua.accounts.enums import Role
from thidua.directory import services as directory
from thidua.directory.models import EmulationGroup
from thidua.movements import services
from thidua.movements.models import Movement

from ..conftest import make_user


@pytest.fixture
def cluster(tree) -> EmulationGroup:
    group = directory.group_create(
        actor=None, kind="cluster", code="CUM1", name="Cụm thi đua số 1", organiser=tree["TINH"]
    )
    directory.membership_set(actor=None, group=group, unit=tree["XA1"], year=2024, is_leader=True)
    directory.membership_set(actor=None, group=group, unit=tree["XA2"], year=2024)
    return group


@pytest.fixture
def movement(tree) -> Movement:
    return services.movement_launch(
        actor=None,
        kind="regular",
        name="Phong trào thi đua yêu nước năm 2024",
        launching_unit=tree["TINH"],
        start_date=dt.date(2024, 1, 1),
        end_date=dt.date(2024, 12, 31),
        participants=[(tree["TINH"], True)],
    )


@pytest.fixture
def commune2_officer(tree):
    return make_user("canboxa2", Role.UNIT_OFFICER, tree["XA2"])
