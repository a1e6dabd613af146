"""Demo dossiers, written through the services (actor=None: the operator).

One story for every demo login: the unit officer (``canbo_donvi``) works in a
THCS school of Mường La; the standing officer (``thuongtruc``), the council
member (``hoidong``) and the leader (``lanhdao``) sit at the province (Sơn
La). So the dossiers ask the province for its Bằng khen (an award within the
province's authority) and go to the province's standing body: the school's
own draft and a dossier returned with a reason per candidate; from other
schools of the province, one to receive, one published for comment with a
comment from the public, and three sent to the council. The council demo
(which runs next) votes on those three — two in a past session, closed and
approved; one in today's session, ballot open and waiting for ``hoidong`` —
and the decisions demo drafts one decision for ``lanhdao`` to sign and issues
another with its certificates.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from thidua.core.errors import DomainError
from thidua.directory.models import Person, Unit
from thidua.nominations import services
from thidua.nominations.models import AttachmentKind, Dossier

SCHOOL_CODE_SUFFIX = "-THCS-"
AWARD = "BK_TINH"  # Bằng khen of the province's chairman: the province decides it
# A minimal valid PDF: the demo files must pass the content check like real ones.
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _school() -> Unit | None:
    """The school of the demo's unit officer (core.demo gives ``canbo_donvi`` a THCS in Mường La)."""
    from thidua.accounts.models import RoleAssignment

    assignment = (
        RoleAssignment.objects.filter(user__username="canbo_donvi", unit__isnull=False)
        .select_related("unit")
        .first()
    )
    if assignment is not None:
        return assignment.unit
    return (
        Unit.objects.filter(code__contains=SCHOOL_CODE_SUFFIX, parent__isnull=False).order_by("code").first()
    )


def _people(unit: Unit) -> Iterator[Person]:
    yield from Person.objects.filter(unit__path__startswith=unit.path).order_by("sort_key", "id")


def _decider(school: Unit) -> Unit:
    """The province the standing officer (``thuongtruc``) works for — the one
    body that every demo role above the school belongs to."""
    from thidua.accounts.enums import Role
    from thidua.accounts.models import RoleAssignment

    seat = (
        RoleAssignment.objects.filter(
            user__username="thuongtruc", role=Role.STANDING_OFFICER, unit__isnull=False
        )
        .select_related("unit")
        .first()
    )
    if seat is not None and school.path.startswith(seat.unit.path) and seat.unit.pk != school.pk:
        return seat.unit
    return Unit.objects.get(pk=school.parent_id)


def _neighbours(school: Unit, decider: Unit) -> list[Unit]:
    """Other schools under the same deciding body, the most staffed first (the
    school alone has too few people for all the dossiers)."""
    from django.db.models import Count

    return list(
        Unit.objects.filter(path__startswith=decider.path, kind=school.kind)
        .exclude(pk=school.pk)
        .annotate(n=Count("people"))
        .filter(n__gte=3)
        .order_by("-n", "code")[:5]
    )


def _files(dossier: Dossier) -> None:
    for kind, name in ((AttachmentKind.LETTER, "Tờ trình đề nghị khen thưởng.pdf"),
                       (AttachmentKind.MINUTES, "Biên bản họp Hội đồng TĐKT trường.pdf")):  # fmt: skip
        services.attachment_add(
            actor=None, dossier=dossier, kind=kind, upload=SimpleUploadedFile(name, PDF, "application/pdf")
        )


def _step(dossier: Dossier, action: str, **kw: Any) -> Dossier:
    dossier.refresh_from_db()
    return services.transition(actor=None, dossier=dossier, action=action, version=dossier.version, **kw)


SUMMARIES = (
    "Hoàn thành xuất sắc nhiệm vụ năm học; có học sinh đạt giải cấp huyện.",
    "Giáo viên dạy giỏi cấp huyện; tích cực đổi mới phương pháp dạy học.",
    "Chủ nhiệm lớp đạt tỷ lệ chuyên cần 100 %; vận động học sinh dân tộc thiểu số ra lớp.",
    "Có sáng kiến được Hội đồng khoa học cấp huyện công nhận.",
)


COUNCIL_TITLES = (
    "Đề nghị tặng Bằng khen cho giáo viên chủ nhiệm năm {year}",
    "Đề nghị tặng Bằng khen cho cán bộ quản lý giáo dục năm {year}",
    "Đề nghị tặng Bằng khen cho giáo viên bồi dưỡng học sinh giỏi năm {year}",
)


def load_nominations_demo() -> str:
    school = _school()
    if school is None or school.parent_id is None:
        return "Hồ sơ đề nghị mẫu: không tìm thấy trường của cán bộ mẫu, bỏ qua."
    decider = _decider(school)
    pools = {school.pk: _people(school)}
    today = timezone.localdate()
    year = today.year - 1
    made: list[str] = []

    def dossier(title: str, n: int, *, proposer: Unit = school, files: bool = True) -> Dossier:
        people = pools.setdefault(proposer.pk, _people(proposer))
        d = services.dossier_create(
            actor=None,
            proposer_unit=proposer,
            deciding_unit=decider,
            title=title,
            letter_number=f"{len(made) + 11}/TTr-{proposer.code[-12:]}",
            letter_date=today,
            letter_signer="Hiệu trưởng",
            unit_council_members=7,
            unit_council_present=7,
            unit_council_note="7/7 thành viên đồng ý (100 %)",
        )
        added = 0
        while added < n:
            person = next(people, None)
            if person is None:
                break
            try:
                services.candidate_add(
                    actor=None,
                    dossier=d,
                    award_type=AWARD,
                    year=year,
                    person=person,
                    position=person.position or "Giáo viên",
                    summary=SUMMARIES[added % len(SUMMARIES)],
                    justification="Thành tích tiêu biểu của trường trong năm học.",
                )
            except DomainError:
                continue  # already proposed or awarded: the next person
            added += 1
        if files:
            _files(d)
        made.append(d.code)
        return d

    # The unit officer's own school: a draft, and one returned with reasons.
    dossier(
        f"Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh năm học {year}-{year + 1} (đang soạn)", 1, files=False
    )
    returned = dossier(f"Đề nghị tặng Bằng khen cho tổ chuyên môn năm {year}", 2)
    _step(returned, "submit")
    _step(returned, "receive")
    first = returned.candidates.order_by("id").first()
    _step(
        returned,
        "return",
        note="Đề nghị bổ sung báo cáo thành tích có xác nhận của Hiệu trưởng.",
        reasons={first.pk: "Thiếu báo cáo thành tích cá nhân có xác nhận của thủ trưởng đơn vị."}
        if first
        else {},
    )
    # Other schools of the province: what the standing officer works on.
    others = _neighbours(school, decider) or [school]
    submitted = dossier(f"Đề nghị tặng Bằng khen cho giáo viên dạy giỏi năm {year}", 2, proposer=others[0])
    _step(submitted, "submit")

    published = dossier(
        f"Đề nghị tặng Bằng khen nhân dịp tổng kết năm học {year}", 3, proposer=others[1 % len(others)]
    )
    for action in ("submit", "receive", "appraise"):
        _step(published, action)
    published = _step(published, "publish", days=10)
    target = published.candidates.order_by("id").first()
    services.comment_add(
        dossier=published,
        author_name="Lường Văn Thanh",
        author_contact="0912 000 111",
        body="Tôi đồng ý với danh sách; cô giáo rất tận tụy với học sinh bản xa.",
        candidate_id=target.pk if target else None,
    )

    # Three to the council: the council demo votes on them (see the module's docstring).
    for i, title in enumerate(COUNCIL_TITLES):
        council = dossier(title.format(year=year), 2, proposer=others[(2 + i) % len(others)])
        for action in ("submit", "receive", "appraise", "to_council"):
            _step(council, action)

    return (
        f"Hồ sơ đề nghị mẫu: {len(made)} hồ sơ đề nghị {decider.name} tặng Bằng khen "
        f"({', '.join(made)}) — dự thảo, bị trả lại, chờ tiếp nhận, đang công khai (1 ý kiến), "
        "3 hồ sơ trình Hội đồng."
    )
