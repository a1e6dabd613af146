"""Khối/Cụm rankings and the flags (Cờ thi đua) in the report: one published
ranking scored through the movements services, the leader proposed for the
province's flag through ``propose_awards`` and the flag then entered in the
registry; JSON, DOCX and XLSX show the same rows and the same sentence; a unit
officer sees its own line only; a ranking still being scored is not reported."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from python_calamine import CalamineWorkbook

from tests.conftest import Api, make_user
from tests.reports.test_seed_sentences import docx_text
from thidua.accounts.enums import Role
from thidua.directory import services as directory

movements = pytest.importorskip("thidua.movements.services")

CRITERIA = [
    {
        "group_code": "A",
        "group_name": "Nhiệm vụ chính trị",
        "code": "A1",
        "name": "Chỉ tiêu",
        "max_points": 70,
    },
    {
        "group_code": "B",
        "group_name": "Công tác thi đua",
        "code": "B1",
        "name": "Phong trào",
        "max_points": 30,
    },
]
# (commune, A1, B1) → totals 92,5 / 88 / 88 / 70: Xã Đông leads, two share the 2nd rank.
SCORES = [("HC-1", "Xã Đông", 65, 27.5), ("HC-2", "Xã Tây", 60, 28), ("HC-3", "Xã Nam", 62, 26),
          ("HC-4", "Xã Bắc", 50, 20)]  # fmt: skip
SENTENCE = (
    "Cụm thi đua các xã năm 2023 có 4 đơn vị được chấm điểm, xếp hạng, đơn vị dẫn đầu là Xã Đông "
    "(92,5 điểm); đề nghị UBND tỉnh tặng Cờ thi đua cho Xã Đông. "
    "UBND tỉnh đã tặng Cờ thi đua cho Xã Đông."
)


@pytest.fixture(scope="module")
def _cluster(world, unblocked):
    tree, officer = world.tree, world.officer
    district = directory.unit_create(
        actor=None, code="HC", name="Huyện Cụm", kind="district", parent=tree["TINH"]
    )
    communes = [
        directory.unit_create(actor=None, code=code, name=name, kind="commune", parent=district)
        for code, name, _a, _b in SCORES
    ]
    group = directory.group_create(
        actor=None, kind="cluster", code="CUM-XA", name="Cụm thi đua các xã", organiser=district
    )
    for i, c in enumerate(communes):
        directory.membership_set(actor=None, group=group, unit=c, year=2023, is_leader=i == 0)
    scheme = movements.scheme_create(
        actor=officer, group=group, year=2023, name="Bảng điểm Cụm các xã 2023", criteria=CRITERIA
    )
    movements.scheme_open(actor=officer, scheme=scheme)
    for c, (_code, _name, a, b) in zip(communes, SCORES, strict=True):
        movements.score_review(actor=officer, scheme=scheme, unit=c, scores={"A1": a, "B1": b})
    movements.scheme_publish(actor=officer, scheme=scheme)
    movements.propose_awards(actor=None, scheme=scheme, deciding_unit=tree["TINH"])
    from thidua.awards import services as awards

    awards.award_record_create(
        actor=officer, award_type="CTD_TINH", year=2023, unit=communes[0], authority_level="province",
        decision_number="15/QĐ-UBND", decision_date=dt.date(2024, 2, 1),
    )  # fmt: skip
    # A second scheme of the same year, still being scored: never in a report.
    draft = movements.scheme_create(
        actor=officer, group=group, year=2023, name="Bảng điểm bổ sung (đang chấm)", criteria=CRITERIA
    )
    movements.scheme_open(actor=officer, scheme=draft)
    movements.score_review(actor=officer, scheme=draft, unit=communes[3], scores={"A1": 70, "B1": 30})
    return district, communes


@pytest.fixture
def cluster(_cluster, db):
    return _cluster


def _sheets(content: bytes) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_rankings_and_flags_agree_in_json_docx_and_xlsx(api, cluster):
    q = {"year": 2023, "unit": "HC"}
    data = api.get("/api/v1/reports/summary", q).json()
    [g] = data["groups"]
    assert (g["name"], g["kind_label"], g["year"], g["ranked"]) == (
        "Cụm thi đua các xã",
        "Cụm thi đua",
        2023,
        4,
    )
    ranking = [(r["rank"], r["unit_name"], r["score"]) for r in g["ranking"]]
    assert ranking == [(1, "Xã Đông", 92.5), (2, "Xã Nam", 88.0), (2, "Xã Tây", 88.0), (4, "Xã Bắc", 70.0)]
    assert [(f["unit_name"], f["award_type"], f["by"]) for f in g["proposed"]] == [
        ("Xã Đông", "CTD_TINH", "UBND tỉnh")
    ]
    assert [(f["unit_name"], f["award_type"]) for f in g["awarded"]] == [("Xã Đông", "CTD_TINH")]
    assert data["text"]["groups"] == [SENTENCE]

    text = docx_text(api.get("/api/v1/reports/annual.docx", q).content)
    assert SENTENCE in text
    flag = "Cờ thi đua của bộ, ban, ngành, tỉnh"
    for rank, name, score in ranking:
        shown = f"{score:g}".replace(".", ",")
        tail = f" | {flag} | {flag}" if name == "Xã Đông" else " |  | "
        assert f"Cụm thi đua các xã năm 2023 | {rank}/4 | {name} | {shown}{tail}" in text

    rows = _sheets(api.get("/api/v1/reports/tables.xlsx", q).content)["Khối, cụm"]
    assert rows[3] == ["STT", "Khối, cụm thi đua", "Năm", "Hạng", "Số đơn vị được xếp hạng", "Đơn vị", "Điểm",
                       "Đề nghị tặng", "Đã được tặng"]  # fmt: skip
    body = [(int(r[3]), r[5], r[6], r[7], r[8]) for r in rows[4:] if r[5]]
    assert body == [
        (rank, name, score, flag if name == "Xã Đông" else "", flag if name == "Xã Đông" else "")
        for rank, name, score in ranking
    ]
    # The flag is also an award of the year: in the awards table like any other.
    assert any(a["award_type"] == "CTD_TINH" and a["collective"] == 1 for a in data["awards"])


def test_a_commune_officer_sees_its_own_line_only(tree, cluster):
    _district, communes = cluster
    nam = communes[2]
    officer = make_user("canbonam", Role.UNIT_OFFICER, nam)
    data = Api(officer).get("/api/v1/reports/summary", {"year": 2023, "unit": nam.code}).json()
    [g] = data["groups"]
    assert [(r["rank"], r["unit_name"]) for r in g["ranking"]] == [(2, "Xã Nam")]
    assert g["proposed"] == [] and g["awarded"] == []
    assert data["text"]["groups"] == ["Xã Nam xếp thứ 2/4 trong Cụm thi đua các xã năm 2023 (88 điểm)."]
    dumped = json.dumps(data, ensure_ascii=False)
    assert not any(other in dumped for other in ("Xã Đông", "Xã Tây", "Xã Bắc", "92.5"))
    # The province's standing body reporting on the whole province sees the table.
    province = Api(make_user("tinh2", Role.STANDING_OFFICER, tree["TINH"]))
    [g] = province.get("/api/v1/reports/summary", {"year": 2023, "unit": "TINH"}).json()["groups"]
    assert len(g["ranking"]) == 4


def test_no_published_ranking_no_group_figures(api, cluster):
    data = api.get("/api/v1/reports/summary", {"year": 2022, "unit": "HC"}).json()
    assert data["groups"] == [] and data["text"]["groups"] == []
    text = docx_text(api.get("/api/v1/reports/annual.docx", {"year": 2022, "unit": "HC"}).content)
    # Neither sentence nor table (its title and heading row are left out with it).
    assert "cụm thi đua" not in text.lower()
    assert "Bảng 2. Kết quả khen thưởng theo hình thức và cấp quyết định" in text
    sheet = _sheets(api.get("/api/v1/reports/tables.xlsx", {"year": 2022, "unit": "HC"}).content)["Khối, cụm"]
    assert [r[1] for r in sheet[4:] if r[1]] == ["Không có số liệu"]
