"""Demo movements in the shapes of the seed reports, written through the services.

- Huyện Lương Sơn: the special movement "150 ngày đêm …" (04/08/2022–31/12/2022)
  with 13 indicators (11 met), 21 key tasks (11 done, 10 in progress), its
  final review, and 7 collectives + 5 individuals awarded under it.
- Huyện Minh Long: the yearly movement of 2023 launched at the summary
  conference, registrations, the Cụm's pledge, a scoring scheme with scores
  and a published ranking (Long Môn first, Thanh An second, as reported).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from thidua.awards import services as awards
from thidua.directory.models import EmulationGroup, GroupMembership, Person, Unit
from thidua.movements import selectors, services
from thidua.movements.models import Movement

SPECIAL = "150 ngày đêm phấn đấu hoàn thành các chỉ tiêu KT-XH, AN-QP và nhiệm vụ trọng tâm năm 2022"
# (code, name, measure, plan, direction, actual)
INDICATORS = (
    ("CT01", "Tổng thu ngân sách trên địa bàn", "tỷ đồng", "202.3", "higher", "378.3"),
    ("CT02", "Tổng giá trị sản xuất các ngành trọng yếu", "tỷ đồng", "790", "higher", "792.5"),
    ("CT03", "Tỷ lệ hộ nghèo", "%", "18", "lower", "16.78"),
    ("CT04", "Tỷ lệ người dân tham gia BHYT", "%", "95", "higher", "93.5"),
    ("CT05", "Số xã đạt chuẩn nông thôn mới nâng cao, kiểu mẫu", "xã", "2", "higher", "1"),
    ("CT06", "Số xã đạt chuẩn nông thôn mới", "xã", "3", "higher", "3"),
    ("CT07", "Tỷ lệ trường đạt chuẩn quốc gia", "%", "70", "higher", "72"),
    ("CT08", "Tỷ lệ che phủ rừng", "%", "51", "higher", "51.2"),
    ("CT09", "Số vụ tai nạn giao thông", "vụ", "10", "lower", "7"),
    ("CT10", "Tỷ lệ hồ sơ thủ tục hành chính trễ hạn", "%", "0", "lower", "0"),
    ("CT11", "Số lao động được tạo việc làm mới", "người", "1200", "higher", "1350"),
    ("CT12", "Tỷ lệ thôn, xóm có nhà văn hóa", "%", "100", "higher", "100"),
    ("CT13", "Hoàn thành chỉ tiêu giao quân", "%", "100", "higher", "100"),
)
TASKS = (
    "Đẩy nhanh giải ngân vốn đầu tư công",
    "Hoàn thành giải phóng mặt bằng các dự án trọng điểm",
    "Xây dựng nông thôn mới nâng cao",
    "Cải cách thủ tục hành chính, nâng chỉ số PAR INDEX",
    "Chuyển đổi số trong cơ quan nhà nước",
    "Phát triển sản phẩm OCOP",
    "Thu ngân sách trên địa bàn",
    "Bảo đảm an sinh xã hội, giảm nghèo bền vững",
    "Phòng, chống dịch bệnh",
    "Quản lý đất đai, khoáng sản",
    "Bảo vệ, phát triển rừng",
    "Nâng cao chất lượng giáo dục",
    "Phát triển du lịch cộng đồng",
    "Xây dựng đô thị văn minh",
    "Giữ vững an ninh chính trị, trật tự an toàn xã hội",
    "Tuyển quân năm 2023",
    "Phòng, chống tham nhũng, tiêu cực",
    "Xử lý rác thải sinh hoạt nông thôn",
    "Phát triển hợp tác xã kiểu mới",
    "Tăng tỷ lệ tham gia BHYT",
    "Kiện toàn tổ chức bộ máy cơ sở",
)


@dataclass
class MovementsDemoResult:
    movements: int = 0
    indicators: int = 0
    tasks: int = 0
    registrations: int = 0
    scored: int = 0

    def __str__(self) -> str:
        return (
            f"Phong trào mẫu: {self.movements} phong trào, {self.indicators} chỉ tiêu, {self.tasks} nhiệm vụ, "
            f"{self.registrations} bản đăng ký, {self.scored} đơn vị được chấm điểm."
        )


def _district(name: str) -> Unit | None:
    return Unit.objects.filter(kind="district", name=name).order_by("pk").first()


def _luong_son(result: MovementsDemoResult) -> None:
    district = _district("Huyện Lương Sơn")
    if district is None:
        return
    m = services.movement_launch(
        actor=None,
        kind="special",
        name=SPECIAL,
        launching_unit=district,
        start_date=dt.date(2022, 8, 4),
        end_date=dt.date(2022, 12, 31),
        participants=[(district, True)],
        goals=[
            "Hoàn thành và vượt các chỉ tiêu KT-XH, AN-QP năm 2022",
            "Hoàn thành các nhiệm vụ trọng tâm được giao",
        ],
    )
    result.movements += 1
    for code, name, measure, plan, direction, actual in INDICATORS:
        ind = services.indicator_create(
            actor=None, movement=m, unit=district, code=code, name=name, measure=measure,
            plan_value=plan, direction=direction,
        )  # fmt: skip
        services.indicator_report(
            actor=None,
            indicator=ind,
            value=actual,
            as_of=dt.date(2022, 12, 31),
            source="Báo cáo KT-XH năm 2022",
        )
        result.indicators += 1
    for i, title in enumerate(TASKS):
        task = services.task_create(
            actor=None, movement=m, unit=district, title=title, deadline=dt.date(2022, 12, 31)
        )
        services.task_set_status(actor=None, task=task, status="in_progress", on=dt.date(2022, 8, 15))
        if i < 11:
            services.task_set_status(actor=None, task=task, status="done", on=dt.date(2022, 12, 20))
        result.tasks += 1
    collectives = list(Unit.objects.filter(parent=district).exclude(kind="commune").order_by("code")[:7])
    people = list(Person.objects.filter(unit__path__startswith=district.path).order_by("id")[:5])
    for unit in collectives:
        awards.award_record_create(
            actor=None, award_type="GK", year=2022, unit=unit, decision_number="45/QĐ-UBND",
            decision_date=dt.date(2023, 1, 10), authority=district, movement_name=SPECIAL, occasion="thematic",
            source="demo",
        )  # fmt: skip
    for person in people:
        awards.award_record_create(
            actor=None, award_type="GK", year=2022, person=person, decision_number="45/QĐ-UBND",
            decision_date=dt.date(2023, 1, 10), authority=district, movement_name=SPECIAL, occasion="thematic",
            source="demo",
        )  # fmt: skip
    summary = selectors.movement_summary(m, dt.date(2022, 12, 31))
    services.review_create(
        actor=None,
        movement=m,
        kind="final",
        held_on=dt.date(2023, 1, 10),
        title="Tổng kết phong trào thi đua đặc biệt 150 ngày đêm",
        summary=f"{summary['indicators_text']}; {summary['tasks_text']}.",
        figures={"Tập thể được khen": len(collectives), "Cá nhân được khen": len(people)},
    )


def _minh_long(result: MovementsDemoResult) -> None:
    district = _district("Huyện Minh Long")
    cluster = EmulationGroup.objects.filter(code="MINHLONG-CUM1").first()
    if district is None or cluster is None:
        return
    year = 2023
    m = services.movement_launch(
        actor=None,
        kind="regular",
        name="Phong trào thi đua yêu nước năm 2023 huyện Minh Long",
        slogan="Kỷ cương, trách nhiệm; chủ động, kịp thời; tăng tốc, sáng tạo; hiệu quả, bền vững",
        launching_unit=district,
        start_date=dt.date(2023, 1, 1),
        end_date=dt.date(2023, 12, 31),
        participants=[(district, True)],
        directives=[
            ("280/CĐ-TTg", dt.date(2023, 4, 19), "Chấn chỉnh, tăng cường trách nhiệm trong xử lý công việc")
        ],
    )
    result.movements += 1
    members = [
        gm.unit for gm in GroupMembership.objects.filter(group=cluster, year=year).select_related("unit")
    ]
    for unit in members[:-1]:  # the last commune has not registered yet
        services.registration_submit(
            actor=None, movement=m, unit=unit, year=year,
            targets=["Tập thể lao động xuất sắc", "Hoàn thành 100% chỉ tiêu KT-XH được giao"],
        )  # fmt: skip
        result.registrations += 1
    pledge = services.pledge_create(
        actor=None, group=cluster, year=year, movement=m,
        commitments=["Hoàn thành toàn diện các chỉ tiêu KT-XH năm 2023", "Không có hồ sơ thủ tục hành chính trễ hạn",
                     "Xây dựng ít nhất một mô hình mới, điển hình tiên tiến"],
    )  # fmt: skip
    for unit in members[:-1]:
        services.pledge_sign(actor=None, pledge=pledge, unit=unit, signer_name=f"Chủ tịch UBND {unit.name}")
    scheme = services.scheme_create(
        actor=None, group=cluster, year=year, movement=m, name=f"Bảng điểm {cluster.name} năm {year}", tie_break="A",
        criteria=[
            {"group_code": "A", "group_name": "Thực hiện nhiệm vụ chính trị", "code": "A1", "name": "Chỉ tiêu KT-XH", "max_points": 50},
            {"group_code": "A", "group_name": "Thực hiện nhiệm vụ chính trị", "code": "A2", "name": "Nhiệm vụ trọng tâm", "max_points": 30},
            {"group_code": "B", "group_name": "Công tác thi đua, khen thưởng", "code": "B1", "name": "Tổ chức phong trào", "max_points": 20},
            {"group_code": "T", "group_name": "Điểm thưởng", "code": "T1", "name": "Mô hình mới", "kind": "bonus", "max_points": 5},
            {"group_code": "P", "group_name": "Điểm trừ", "code": "P1", "name": "Báo cáo chậm", "kind": "penalty", "max_points": 5},
        ],
    )  # fmt: skip
    services.scheme_open(actor=None, scheme=scheme)
    order = sorted(
        members, key=lambda u: (0 if "Long Môn" in u.name else 1 if "Thanh An" in u.name else 2, u.name)
    )
    for i, unit in enumerate(order):
        a1 = 49 - i * 2
        services.score_self(
            actor=None,
            scheme=scheme,
            unit=unit,
            scores={"A1": min(50, a1 + 1), "A2": 28 - i, "B1": 18, "T1": 2, "P1": 0},
        )
        services.score_review(
            actor=None,
            scheme=scheme,
            unit=unit,
            scores={"A1": a1, "A2": 28 - i, "B1": 18 - (i % 2), "P1": i % 3},
        )
        result.scored += 1
    services.scheme_publish(actor=None, scheme=scheme)


def _kien_luong(result: MovementsDemoResult) -> None:
    """The thematic movement "Tết quân - dân năm 2024": 7 tập thể, 10 cá nhân given a Giấy khen."""
    district = _district("Huyện Kiên Lương")
    if district is None:
        return
    name = "Thực hiện tốt công tác tuyên truyền và tổ chức các hoạt động Tết quân - dân năm 2024"
    services.movement_launch(
        actor=None, kind="thematic", name=name, slogan="Tết quân - dân năm 2024", launching_unit=district,
        start_date=dt.date(2024, 1, 1), end_date=dt.date(2024, 2, 29), participants=[(district, True)],
        goals=["Tổ chức chu đáo các hoạt động Tết quân - dân", "Thăm hỏi, tặng quà gia đình chính sách"],
    )  # fmt: skip
    result.movements += 1
    units = list(Unit.objects.filter(parent=district).order_by("code")[:7])
    people = list(Person.objects.filter(unit__path__startswith=district.path).order_by("id")[:10])
    for kw in [{"unit": u} for u in units] + [{"person": p} for p in people]:
        awards.award_record_create(
            actor=None, award_type="GK", year=2024, decision_number="120/QĐ-UBND", decision_date=dt.date(2024, 3, 15),
            authority=district, movement_name=name, occasion="thematic", source="demo", **kw,
        )  # fmt: skip


def load_movements_demo() -> MovementsDemoResult:
    result = MovementsDemoResult()
    if Movement.objects.filter(name=SPECIAL).exists():
        return result
    _luong_son(result)
    _kien_luong(result)
    _minh_long(result)
    return result
