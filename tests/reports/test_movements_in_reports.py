"""Seed 000 rebuilt through the movements services: Lương Sơn's "150 ngày đêm" movement
of 4/8–31/12/2022 with 13 indicators (11 met) and 21 key tasks (11 done, 10 going on),
read back from the report's JSON and DOCX, alone (``movement=``) and in the year report."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.reports.test_seed_sentences import docx_text
from thidua.directory import services as directory

movements = pytest.importorskip("thidua.movements.services")

SEED_000 = (
    "Năm 2022, huyện có 11/13 chỉ tiêu KT-XH đề ra đạt và vượt kế hoạch, còn 2 chỉ tiêu không đạt kế "
    "hoạch. Có 11/21 nhiệm vụ trọng tâm được giao thực hiện hoàn thành; 10/21 nhiệm vụ đang tiếp tục "
    "phối hợp thực hiện."
)


@pytest.fixture
def luong_son(tree, officer):
    district = directory.unit_create(
        actor=None, code="LS", name="Huyện Lương Sơn", kind="district", parent=tree["TINH"]
    )
    movement = movements.movement_launch(
        actor=officer,
        kind="special",
        name="150 ngày đêm phấn đấu hoàn thành các chỉ tiêu KT-XH, AN-QP và nhiệm vụ trọng tâm năm 2022",
        launching_unit=district,
        start_date=dt.date(2022, 8, 4),
        end_date=dt.date(2022, 12, 31),
        participants=[(district, False)],
    )
    for i in range(13):
        ind = movements.indicator_create(
            actor=officer,
            movement=movement,
            unit=district,
            code=f"CT{i + 1}",
            name=f"Chỉ tiêu {i + 1}",
            plan_value=100,
        )
        movements.indicator_report(
            actor=officer, indicator=ind, value=120 if i < 11 else 80, as_of=dt.date(2022, 12, 31)
        )
    for i in range(21):
        task = movements.task_create(
            actor=officer, movement=movement, unit=district, title=f"Nhiệm vụ {i + 1}"
        )
        movements.task_set_status(
            actor=officer, task=task, status="done" if i < 11 else "in_progress", on=dt.date(2022, 12, 20)
        )
    return district, movement


def test_seed_000_indicators_and_tasks_from_the_movement(api, luong_son):
    district, movement = luong_son
    data = api.get("/api/v1/reports/summary", {"year": 2022, "unit": "LS"}).json()
    [m] = data["movements"]
    assert (m["indicators_met"], m["indicators_total"], m["tasks_done"], m["tasks_total"]) == (11, 13, 11, 21)
    assert data["text"]["movements"] == [f"Phong trào “{movement.name}”: {SEED_000}"]
    assert SEED_000 in docx_text(api.get("/api/v1/reports/annual.docx", {"year": 2022, "unit": "LS"}).content)
    # The movement alone, over its own dates.
    r = api.get(
        "/api/v1/reports/summary",
        {"from": "2022-08-04", "to": "2022-12-31", "unit": district.pk, "movement": movement.pk},
    )
    assert r.status_code == 200 and r.json()["movement_id"] == movement.pk
    assert r.json()["movements"][0]["indicators_met"] == 11
    # Before any value was reported: the indicators are there, none met.
    early = api.get(
        "/api/v1/reports/summary", {"from": "2022-08-04", "to": "2022-09-30", "unit": "LS"}
    ).json()
    assert early["movements"][0]["indicators_met"] == 0
