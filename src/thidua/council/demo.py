"""Demo council: the province's Hội đồng TĐKT with seven voting members, and
its sessions on the dossiers the nominations demo sent to it.

So that ``thidua demo`` tells one story: the standing officer (``thuongtruc``)
finds the council, a past session whose secret ballots are closed (the
candidates approved: the decisions demo drafts and issues from them) and
today's session with its ballot open; the demo member (``hoidong``) has that
ballot waiting for their vote, four others having voted already. The six
other members get accounts without a password (they make the quorum and the
base "all members" real; an administrator can set their passwords to try a
vote with several people). The votes go through the same secret-ballot
service as the web page: nothing links a choice to its voter.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from thidua.accounts.enums import Role
from thidua.accounts.models import RoleAssignment, User
from thidua.accounts.services import role_assign
from thidua.council import services
from thidua.council.models import Choice, Council, CouncilMember, MemberRole, Session
from thidua.nominations.models import Dossier, DossierState

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
    at_council = list(
        Dossier.objects.filter(deciding_unit=province, state=DossierState.AT_COUNCIL).order_by("id")
    )
    members = list(CouncilMember.objects.filter(council=council).select_related("user").order_by("id"))
    if len(at_council) < 3:
        return (
            f"Hội đồng TĐKT mẫu: {council.name} ({province.name}), 7 thành viên."  # no dossiers: no session
        )
    today = timezone.localdate()
    past = _session(council, members, f"Phiên họp xét khen thưởng tháng {(today - dt.timedelta(days=14)).month}",
                    today - dt.timedelta(days=14), at_council[1:])  # fmt: skip
    for n, ballot in enumerate(past.ballots.order_by("position")):
        # Everyone votes; one "against" on every other case: a tally that reads like a real one.
        for i, member in enumerate(members):
            choice = Choice.AGAINST if i == len(members) - 1 and n % 2 else Choice.FOR
            services.vote_cast(actor=member.user, session=past, ballot_id=ballot.pk, choice=choice)
    services.ballots_close(actor=None, session=past)
    now = _session(council, members, "Phiên họp xét khen thưởng (đang bỏ phiếu)", today, at_council[:1])
    waiting = 0
    for ballot in now.ballots.order_by("position"):
        for member in [m for m in members if m.user.username != "hoidong"][:4]:  # not ``hoidong``
            services.vote_cast(actor=member.user, session=now, ballot_id=ballot.pk, choice=Choice.FOR)
        waiting += 1
    return (
        f"Hội đồng TĐKT mẫu: {council.name} ({province.name}), 7 thành viên; phiên họp ngày "
        f"{past.date:%d/%m/%Y} đã biểu quyết {past.ballots.count()} trường hợp; phiên họp hôm nay đang "
        f"bỏ phiếu kín {waiting} trường hợp (4/7 đã bỏ phiếu, chờ hoidong)."
    )


def _session(
    council: Council, members: list[CouncilMember], title: str, day: dt.date, dossiers: list
) -> Session:
    """A session with those dossiers on its agenda, everyone present, every ballot open (secret)."""
    session = services.session_create(
        actor=None, council=council, title=title, date=day, place="Phòng họp số 1, UBND tỉnh",
        chair=next((m for m in members if m.role == MemberRole.CHAIR), None),
        secretary=next((m for m in members if m.role == MemberRole.SECRETARY), None),
    )  # fmt: skip
    for dossier in dossiers:
        services.agenda_add_dossier(actor=None, session=session, dossier=dossier)
    services.attendance_set(actor=None, session=session, present=[m.pk for m in members])
    for ballot in session.ballots.order_by("position"):
        services.ballot_open(actor=None, ballot=ballot)
    return session
