"""Sentence generation against the seeds' own sentences (pure functions over figures)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from thidua.reports import sentences
from thidua.reports.figures import AwardLine, ContestFigures, Figures, MovementFigures


def _fig(**kw) -> Figures:
    base = dict(
        unit_id=1, unit_code="X", unit_name="Huyện X", unit_kind="district", include_subunits=True,
        period_from=dt.date(2022, 1, 1), period_to=dt.date(2022, 12, 31), movement_id=None, lineage=["X"],
    )  # fmt: skip
    return Figures(**{**base, **kw})


def test_numbers_and_lists_the_vietnamese_way():
    assert sentences.vn_number(26461) == "26.461"
    assert sentences.vn_number(Decimal("98.6")) == "98,6"
    assert sentences.vn_number(Decimal("20.0")) == "20"
    assert sentences.percent(Decimal("98.6")) == "98,6%"
    assert sentences.join_vi(["1 giải nhất", "2 giải nhì", "3 giải ba", "12 giải khuyến khích"]) == (
        "1 giải nhất, 2 giải nhì, 3 giải ba và 12 giải khuyến khích"
    )
    assert sentences.kinds_text({"collective": 0, "individual": 22, "household": 0}) == "22 cá nhân"


def test_seed_000_indicators_and_tasks():
    """Lương Sơn 2022: "huyện có 11/13 chỉ tiêu KT-XH đề ra đạt và vượt kế hoạch, còn 2 chỉ tiêu
    không đạt kế hoạch … Có 11/21 nhiệm vụ trọng tâm được giao thực hiện hoàn thành; 10/21 nhiệm vụ
    đang tiếp tục phối hợp thực hiện"."""
    m = MovementFigures(
        id=1, name="150 ngày đêm", start_date=dt.date(2022, 8, 4), end_date=dt.date(2022, 12, 31),
        indicators_total=13, indicators_met=11, tasks_total=21, tasks_done=11, tasks_in_progress=10,
    )  # fmt: skip
    assert sentences.movement_sentence(m, 2022, "huyện") == (
        "Năm 2022, huyện có 11/13 chỉ tiêu KT-XH đề ra đạt và vượt kế hoạch, còn 2 chỉ tiêu không đạt "
        "kế hoạch. Có 11/21 nhiệm vụ trọng tâm được giao thực hiện hoàn thành; 10/21 nhiệm vụ đang tiếp "
        "tục phối hợp thực hiện."
    )


def test_seed_001_contest_figures():
    """Hồng Lĩnh: "đã có 61/70 cơ quan, đơn vị, địa phương tham gia; thu hút 26.461 người tham gia thi
    với 31.518 lượt thi, trong đó có 13.771 người đạt điểm tối đa và có 14.426 lượt thi đúng"."""
    c = ContestFigures(
        id=1, name="Tìm hiểu về Cải cách hành chính TX Hồng Lĩnh năm 2022", invited_units=70,
        units_with_participants=61, participants=26461, attempts=31518, max_score_participants=13771,
        all_correct_attempts=14426,
    )  # fmt: skip
    assert sentences.contest_sentence(c) == (
        "Cuộc thi “Tìm hiểu về Cải cách hành chính TX Hồng Lĩnh năm 2022” đã có 61/70 cơ quan, đơn vị, "
        "địa phương tham gia; thu hút 26.461 người tham gia thi với 31.518 lượt thi, trong đó có 13.771 "
        "người đạt điểm tối đa và có 14.426 lượt thi đúng."
    )


def test_seed_002_province_forms_and_zero_parts_left_out():
    """Hồng Lĩnh's province awards: "tặng Cờ thi đua cho 3 tập thể …; tặng bằng khen cho 3 tập thể và
    10 cá nhân …" — forms in lower case after "tặng", empty kinds never written."""
    fig = _fig(
        awards=[
            AwardLine(
                "CTD_TINH", "Cờ thi đua của bộ, ban, ngành, tỉnh", "title", 230, "province", "", collective=3
            ),
            AwardLine("BK_TINH", "Bằng khen của bộ, ban, ngành, tỉnh", "form", 210, "province", "", 3, 10),
            AwardLine("HCLD3", "Huân chương Lao động hạng Ba", "form", 280, "state", "", collective=1),
        ]
    )
    assert sentences.awards_sentences(fig) == [
        "UBND tỉnh tặng bằng khen cho 3 tập thể, 10 cá nhân; tặng cờ thi đua cho 3 tập thể.",
        "Chủ tịch nước tặng Huân chương Lao động hạng Ba cho 1 tập thể.",
    ]


def test_no_ratings_no_sentence():
    assert sentences.ratings_sentence(_fig()) == ""
