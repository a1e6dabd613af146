"""Demo council: the province's Hội đồng TĐKT with seven voting members.

So that ``thidua demo`` shows the council pages at once: the standing officer
(``thuongtruc``) finds the council and can hold a session; the demo member
(``hoidong``) sits on it. The six other members get accounts without a
password (they exist to make the quorum and the base "all members" real;
an administrator can set their passwords to try a vote with several people).
"""

from __future__ import annotations

import datetime as dt

from thidua.accounts.enums import Role
from thidua.accounts.models import RoleAssignment, User
from thidua.accounts.services import role_assign
from thidua.council import services
from thidua.council.models import Council, MemberRole

OTHERS = (
    ("hoidong_chutich", "Lò Văn Thắng", MemberRole.CHAIR, "Chủ tịch UBND tỉnh"),
    ("hoidong_pct", "Hoàng Thị Mai", MemberRole.STANDING_VICE, "Giám đốc Sở Nội vụ"),
    ("hoidong_uv1", "Vì Văn Phong", MemberRole.MEMBER, "Chủ tịch Liên đoàn Lao động tỉnh"),
    ("hoidong_uv2", "Đinh Thị Hương", MemberRole.MEMBER, "Giám đốc Sở Giáo dục và Đào tạo"),
    ("hoidong_uv3", "Quàng Văn Tú", MemberRole.MEMBER, "Chủ tịch Ủy ban MTTQ tỉnh"),
    ("hoidong_thuky", "Cầm Thị Nga", MemberRole.SECRETARY, "Trưởng ban Thi đua - Khen thưởng"),
)


def load_council_demo() -> str:
    seat = (
        RoleAssignment.objects.filter(user__username="hoidong", role=Role.COUNCIL_MEMBER)
        .select_related("unit")
        .first()
    )
    if seat is None or seat.unit is None:
        return "Hội đồng TĐKT mẫu: bỏ qua (không có tài khoản hoidong)."
    province = seat.unit
    if Council.objects.filter(unit=province).exists():
        return "Hội đồng TĐKT mẫu: đã có."
    council = services.council_create(
        actor=None,
        unit=province,
        name="Hội đồng Thi đua - Khen thưởng tỉnh",
        quorum_share="0.8",
        quorum_citation="Quy chế làm việc của Hội đồng (mẫu: ≥ 80 % thành viên dự họp)",
        default_threshold="0.5",
        default_strict=True,
        default_base="present",
        default_citation="Quy chế làm việc của Hội đồng (mẫu: quá bán số thành viên có mặt)",
    )
    since = dt.date(2024, 1, 1)
    hoidong = User.objects.get(username="hoidong")
    services.member_add(
        actor=None, council=council, user=hoidong, role=MemberRole.VICE, active_from=since,
        position="Phó Chủ tịch UBND tỉnh",
    )  # fmt: skip
    for username, name, role, position in OTHERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username=username, password=None, full_name=name)
            role_assign(actor=None, user=user, role=Role.COUNCIL_MEMBER, unit=province)
        services.member_add(
            actor=None, council=council, user=user, role=role, active_from=since, position=position
        )
    return f"Hội đồng TĐKT mẫu: {council.name} ({province.name}), 7 thành viên."
