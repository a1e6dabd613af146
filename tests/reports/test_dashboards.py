"""Dashboards per role: the standing body sees its subtree with comparisons between units
(absolute and per 100 staff); a unit officer sees its own unit — its awards per year, its
ratings, its movements' progress, its contest reach — and nothing of its neighbours."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from tests.conftest import make_user
from thidua.accounts.enums import Role

movements = pytest.importorskip("thidua.movements.services")

STANDING_PANELS = ["theo-nam", "theo-hinh-thuc", "theo-don-vi", "phong-trao", "cuoc-thi"]
UNIT_PANELS = ["theo-nam", "xep-loai", "phong-trao", "cuoc-thi"]


def _panels(html: str) -> list[str]:
    import re

    return re.findall(r'<figure class="card rp-chart" id="chart-([a-z-]+)"', html)


def _rows(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name("Số liệu").to_python()


@pytest.fixture(scope="module")
def _ratings_and_movement(world, _minh_long, unblocked):
    """Xã Long 1 rated HTXSNV for 2023 with two of its four people; a province movement
    every unit takes part in, with one indicator of Xã Long 1 (met) and one of Xã Long 2."""
    from thidua.awards import services as awards

    officer, tree = world.officer, world.tree
    _district, communes, people = _minh_long
    x1, x2 = communes[0], communes[1]
    awards.rating_set(actor=officer, year=2023, grade="HTXSNV", unit=x1)
    awards.rating_set(actor=officer, year=2023, grade="HTXSNV", person=people[0])
    awards.rating_set(actor=officer, year=2023, grade="HTNV", person=people[32])
    m = movements.movement_launch(
        actor=officer, kind="regular", name="Thi đua yêu nước năm 2023", launching_unit=tree["TINH"],
        start_date=dt.date(2023, 1, 1), end_date=dt.date(2023, 12, 31), participants=[(tree["TINH"], True)],
    )  # fmt: skip
    for unit, value in ((x1, 120), (x2, 50)):
        ind = movements.indicator_create(
            actor=officer, movement=m, unit=unit, code=f"CT-{unit.code}", name="Thu ngân sách", plan_value=100
        )
        movements.indicator_report(actor=officer, indicator=ind, value=value, as_of=dt.date(2023, 12, 31))
    return x1, x2


@pytest.fixture
def ratings_and_movement(_ratings_and_movement, minh_long):
    return minh_long


def test_standing_body_compares_the_units(officer, ratings_and_movement):
    web = Client()
    web.force_login(officer)
    html = web.get("/bao-cao/", {"unit": "ML", "year": 2023}).content.decode()
    assert 'data-layout="standing"' in html
    assert _panels(html) == STANDING_PANELS
    assert "So sánh giữa các đơn vị" in html and "Xã Long 2" in html
    # Per 100 staff: Xã Long 1 has 12 awards in 2023 and 4 people working there.
    rows = _rows(web.get("/bao-cao/bieu-do/theo-don-vi.xlsx", {"unit": "ML", "year": 2023}).content)
    assert rows[2] == ["", "Số lượt khen thưởng", "Trên 100 người", "Số người đang công tác"]
    assert next(r for r in rows if r[0] == "Xã Long 1")[1:] == [12, 300, 4]
    # Its movements' progress is of the movements launched in its subtree: the province's is not one.
    assert "Tiến độ các phong trào thi đua" in html and "Thi đua yêu nước năm 2023" not in html


def test_the_leader_of_the_subtree_compares_the_units_too(ratings_and_movement):
    """The chair signs the subtree's decisions: the same comparisons as the standing body."""
    district, _communes, _people = ratings_and_movement
    web = Client()
    web.force_login(make_user("lanhdaoml", Role.APPROVER, district))
    html = web.get("/bao-cao/", {"unit": "ML", "year": 2023}).content.decode()
    assert 'data-layout="standing"' in html and _panels(html) == STANDING_PANELS
    viewer = Client()
    viewer.force_login(make_user("chixemml", Role.VIEWER, district))
    html = viewer.get("/bao-cao/", {"unit": "ML", "year": 2023}).content.decode()
    assert 'data-layout="unit"' in html and _panels(html) == UNIT_PANELS


def test_unit_officer_sees_its_own_unit_only(ratings_and_movement):
    _district, communes, _people = ratings_and_movement
    x1 = communes[0]
    web = Client()
    web.force_login(make_user("canbolong1", Role.UNIT_OFFICER, x1))
    r = web.get("/bao-cao/", {"year": 2023})  # its own unit by default
    html = r.content.decode()
    assert r.status_code == 200 and 'data-layout="unit"' in html
    assert _panels(html) == UNIT_PANELS
    assert "So sánh giữa các đơn vị" not in html
    assert "Xã Long 2" not in html and "Minh Long" not in html
    assert "Xếp loại của đơn vị: Hoàn thành xuất sắc nhiệm vụ." in html
    q = {"unit": x1.code, "year": 2023}
    # Its awards per year: 3 collective (TTLĐTT, giấy khen, TTLĐXS), 9 individual.
    years = _rows(web.get("/bao-cao/bieu-do/theo-nam.xlsx", q).content)
    assert next(r for r in years if r[0] == "2023")[1:] == [3, 9, 0]
    # Its people's ratings.
    ratings = {r[0]: r[1] for r in _rows(web.get("/bao-cao/bieu-do/xep-loai.xlsx", q).content)[3:]}
    assert ratings["Hoàn thành xuất sắc nhiệm vụ"] == 1 and ratings["Hoàn thành nhiệm vụ"] == 1
    # Its own indicator in the province's movement: 1/1 met — not Xã Long 2's missed one.
    progress = _rows(web.get("/bao-cao/bieu-do/phong-trao.xlsx", q).content)
    assert next(r for r in progress if r[0] == "Thi đua yêu nước năm 2023")[1:3] == [1, 1]
    # No comparison table to download, and no other unit's dashboard.
    assert web.get("/bao-cao/bieu-do/theo-don-vi.xlsx", q).status_code == 404
    assert web.get("/bao-cao/", {"unit": communes[1].code, "year": 2023}).status_code == 403


def test_unit_sees_its_own_peoples_part_in_a_contest_organised_above_it(tree):
    """Contest reach on a commune's page: its own people and attempts, in a contest the
    province organised — not the other commune's."""
    contests = pytest.importorskip("thidua.contests.services")
    from tests.contests.conftest import R1_OPEN, make_contest, register, take

    contest = make_contest(tree)
    a = register(contest, "Nguyễn Văn An", tree["XA1"])
    b = register(contest, "Trần Thị Bình", tree["XA2"])
    take(a, right=10, at=R1_OPEN + dt.timedelta(hours=1))
    take(a, right=6, at=R1_OPEN + dt.timedelta(hours=2))
    take(b, right=7, at=R1_OPEN + dt.timedelta(days=1))
    contests.tally_pending(contest)
    web = Client()
    web.force_login(make_user("canboxa1", Role.UNIT_OFFICER, tree["XA1"]))
    q = {"unit": "XA1", "year": 2026}
    html = web.get("/bao-cao/", q).content.decode()
    assert _panels(html) == UNIT_PANELS and "Người của đơn vị tham gia các cuộc thi" in html
    rows = _rows(web.get("/bao-cao/bieu-do/cuoc-thi.xlsx", q).content)
    assert rows[2] == ["", "Người dự thi", "Lượt thi"]
    assert next(r for r in rows if r[0] == contest.name)[1:] == [1, 2]
