"""Demo contest: «Tìm hiểu về Cải cách hành chính năm 2026» in the Sơn La
demo locality (the demo officers' scope), modelled on the seed report of
TX Hồng Lĩnh's 2022 contest: 40 questions in 4 topics, 2 rounds (the first
closed, the second open now so the public pages can be tried), a few hundred
participants and attempts so the dashboard has something to show.

Set-up goes through the services. The generated history (participants and
their attempts) is bulk-inserted like an import — through the services it
would take ~10 s and trip the per-address registration limit — and recorded
as one audit entry; the statistics are then folded by the same
``tally_pending`` the dashboard uses.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets

from django.db import transaction
from django.utils import timezone

from thidua.contests import services
from thidua.contests.models import Attempt, Contest, Participant
from thidua.core import audit
from thidua.core.text import person_sort_key
from thidua.directory.models import Unit

NAME = "Tìm hiểu về Cải cách hành chính năm 2026"
A, B, C, D = 0, 1, 2, 3

BANK: dict[str, list[tuple[str, list[str], list[int]]]] = {
    "Cải cách thể chế": [
        (
            "Cải cách hành chính nhà nước gồm mấy nội dung chính theo Chương trình tổng thể giai đoạn 2021–2030?",
            ["4", "5", "6", "7"],
            [C],
        ),
        (
            "Văn bản quy phạm pháp luật phải được đăng tải ở đâu để người dân tra cứu?",
            [
                "Cơ sở dữ liệu quốc gia về pháp luật",
                "Chỉ trên báo giấy",
                "Chỉ niêm yết tại trụ sở",
                "Không bắt buộc công khai",
            ],
            [A],
        ),
        (
            "Việc rà soát văn bản quy phạm pháp luật nhằm mục đích gì?",
            [
                "Phát hiện quy định mâu thuẫn, chồng chéo, lạc hậu",
                "Tăng số lượng văn bản",
                "Thay thế việc ban hành mới",
                "Giảm quyền của người dân",
            ],
            [A],
        ),
        (
            "Những chủ thể nào được lấy ý kiến khi xây dựng văn bản quy phạm pháp luật?",
            [
                "Đối tượng chịu tác động",
                "Cơ quan, tổ chức có liên quan",
                "Chỉ cơ quan soạn thảo",
                "Người dân, doanh nghiệp",
            ],
            [A, B, D],
        ),
        (
            "Nguyên tắc nào đúng khi ban hành thủ tục hành chính mới?",
            [
                "Chỉ ban hành khi thật cần thiết, có đánh giá tác động",
                "Ban hành tùy ý cơ quan",
                "Không cần công bố",
                "Không cần quy định thời hạn giải quyết",
            ],
            [A],
        ),
        (
            "Cải cách thể chế hướng tới mục tiêu nào?",
            [
                "Hệ thống pháp luật đồng bộ, thống nhất, khả thi",
                "Nhiều giấy phép con hơn",
                "Tăng chi phí tuân thủ",
                "Giảm minh bạch",
            ],
            [A],
        ),
        (
            "Kiểm tra văn bản quy phạm pháp luật do cơ quan nào thực hiện ở địa phương?",
            ["Cơ quan tư pháp cùng cấp giúp UBND", "Cơ quan thuế", "Ngân hàng", "Doanh nghiệp"],
            [A],
        ),
        (
            "Hình thức nào giúp phổ biến pháp luật đến người dân?",
            [
                "Tủ sách pháp luật",
                "Hệ thống loa truyền thanh cơ sở",
                "Cổng thông tin điện tử",
                "Giữ kín văn bản",
            ],
            [A, B, C],
        ),
        (
            "Văn bản trái pháp luật khi bị phát hiện thì xử lý thế nào?",
            ["Đình chỉ, bãi bỏ theo thẩm quyền", "Giữ nguyên", "Chỉ lưu hồ sơ", "Chờ hết hiệu lực"],
            [A],
        ),
        (
            "Tiếp cận thông tin là quyền của ai theo Luật Tiếp cận thông tin?",
            ["Công dân", "Chỉ cán bộ", "Chỉ doanh nghiệp", "Chỉ báo chí"],
            [A],
        ),
    ],
    "Cải cách thủ tục hành chính": [
        (
            "Bộ phận Một cửa có nhiệm vụ gì?",
            [
                "Tiếp nhận hồ sơ và trả kết quả thủ tục hành chính",
                "Xét xử tranh chấp",
                "Thu thuế thay cơ quan thuế",
                "Cấp vốn vay",
            ],
            [A],
        ),
        (
            "Cơ chế «một cửa liên thông» nghĩa là gì?",
            [
                "Người dân nộp hồ sơ một nơi cho thủ tục liên quan nhiều cơ quan",
                "Mỗi cơ quan một cửa riêng",
                "Chỉ nhận hồ sơ giấy",
                "Chỉ làm việc buổi sáng",
            ],
            [A],
        ),
        (
            "Khi hồ sơ giải quyết trễ hạn, cơ quan phải làm gì?",
            [
                "Gửi văn bản xin lỗi và hẹn lại thời gian trả kết quả",
                "Không cần thông báo",
                "Yêu cầu nộp thêm phí",
                "Trả lại hồ sơ",
            ],
            [A],
        ),
        (
            "Những kênh nào người dân có thể nộp hồ sơ thủ tục hành chính?",
            [
                "Trực tiếp tại Bộ phận Một cửa",
                "Qua dịch vụ bưu chính công ích",
                "Trực tuyến trên Cổng Dịch vụ công",
                "Qua mạng xã hội cá nhân của cán bộ",
            ],
            [A, B, C],
        ),
        (
            "Thủ tục hành chính phải được công khai những nội dung nào?",
            ["Thành phần hồ sơ", "Thời hạn giải quyết", "Phí, lệ phí", "Thông tin cá nhân người nộp"],
            [A, B, C],
        ),
        (
            "Người dân phản ánh, kiến nghị về quy định hành chính qua đâu?",
            [
                "Hệ thống tiếp nhận phản ánh, kiến nghị",
                "Không có kênh nào",
                "Chỉ qua thư tay gửi Trung ương",
                "Chỉ khi có luật sư",
            ],
            [A],
        ),
        (
            "Cán bộ Một cửa có được yêu cầu bổ sung hồ sơ nhiều lần không?",
            ["Không, chỉ hướng dẫn một lần, đầy đủ", "Được, không giới hạn", "Được ba lần", "Tùy cán bộ"],
            [A],
        ),
        (
            "Chỉ số đo lường sự hài lòng của người dân đối với sự phục vụ của cơ quan hành chính là chỉ số nào?",
            ["SIPAS", "GDP", "CPI", "PMI"],
            [A],
        ),
        (
            "Đơn giản hóa thủ tục hành chính gồm việc nào?",
            [
                "Cắt giảm giấy tờ không cần thiết",
                "Rút ngắn thời gian giải quyết",
                "Tăng số lần đi lại",
                "Tái sử dụng dữ liệu đã có",
            ],
            [A, B, D],
        ),
        (
            "Kết quả giải quyết thủ tục hành chính điện tử có giá trị pháp lý thế nào?",
            ["Như bản giấy khi đúng quy định", "Không có giá trị", "Chỉ để tham khảo", "Phải công chứng lại"],
            [A],
        ),
    ],
    "Cải cách tổ chức bộ máy và công vụ": [
        (
            "Mục tiêu sắp xếp tổ chức bộ máy là gì?",
            [
                "Tinh gọn, hoạt động hiệu lực, hiệu quả",
                "Tăng số đầu mối",
                "Tăng cấp phó",
                "Giảm trách nhiệm người đứng đầu",
            ],
            [A],
        ),
        (
            "Từ ngày 01/7/2025, chính quyền địa phương được tổ chức theo mô hình mấy cấp?",
            ["Hai cấp", "Ba cấp", "Bốn cấp", "Một cấp"],
            [A],
        ),
        (
            "Vị trí việc làm dùng để làm gì?",
            [
                "Làm căn cứ tuyển dụng, sử dụng, quản lý công chức",
                "Thay cho bằng cấp",
                "Xếp hạng cơ quan",
                "Tính thuế",
            ],
            [A],
        ),
        (
            "Những hành vi nào cán bộ, công chức không được làm?",
            [
                "Gây khó khăn, phiền hà cho người dân",
                "Lợi dụng chức vụ để vụ lợi",
                "Hướng dẫn tận tình",
                "Tiết lộ bí mật nhà nước",
            ],
            [A, B, D],
        ),
        (
            "Văn hóa công sở yêu cầu gì khi giao tiếp với người dân?",
            ["Lịch sự, tôn trọng, lắng nghe", "Nói trống không", "Hẹn lần sau", "Từ chối nếu đông người"],
            [A],
        ),
        (
            "Đánh giá, xếp loại cán bộ, công chức được thực hiện định kỳ bao lâu một lần?",
            ["Hằng năm", "Mười năm", "Khi nghỉ hưu", "Không đánh giá"],
            [A],
        ),
        (
            "Tinh giản biên chế gắn với yêu cầu nào?",
            [
                "Cơ cấu lại đội ngũ theo vị trí việc làm",
                "Cắt giảm ngẫu nhiên",
                "Tăng hợp đồng không cần thiết",
                "Bỏ đánh giá",
            ],
            [A],
        ),
        (
            "Người đứng đầu cơ quan chịu trách nhiệm gì trong cải cách hành chính?",
            [
                "Trực tiếp chỉ đạo và chịu trách nhiệm về kết quả",
                "Không có trách nhiệm",
                "Chỉ báo cáo",
                "Giao hết cho cấp dưới",
            ],
            [A],
        ),
        (
            "Thi tuyển chức danh lãnh đạo nhằm mục đích gì?",
            [
                "Chọn người có năng lực, công khai, cạnh tranh",
                "Giảm minh bạch",
                "Bổ nhiệm người quen",
                "Kéo dài thời gian",
            ],
            [A],
        ),
        (
            "Những nội dung nào thuộc cải cách chế độ công vụ?",
            [
                "Tuyển dụng theo năng lực",
                "Đánh giá theo kết quả công việc",
                "Chính sách thu hút người tài",
                "Bổ nhiệm không qua quy trình",
            ],
            [A, B, C],
        ),
    ],
    "Chính phủ số và chuyển đổi số": [
        (
            "Cổng Dịch vụ công quốc gia có địa chỉ nào?",
            ["dichvucong.gov.vn", "dichvucong.com", "gov.vn.net", "dvc.vn.com"],
            [A],
        ),
        (
            "Tài khoản định danh điện tử VNeID do cơ quan nào cấp?",
            ["Bộ Công an", "Ngân hàng thương mại", "Nhà mạng", "Doanh nghiệp tư nhân"],
            [A],
        ),
        (
            "Dịch vụ công trực tuyến toàn trình là gì?",
            [
                "Thực hiện toàn bộ trên môi trường mạng, từ nộp hồ sơ đến nhận kết quả",
                "Chỉ tra cứu thông tin",
                "Chỉ tải biểu mẫu",
                "Nộp giấy rồi nhận qua thư",
            ],
            [A],
        ),
        (
            "Lợi ích của thanh toán trực tuyến phí, lệ phí?",
            [
                "Không phải đến nộp tiền mặt",
                "Minh bạch, có chứng từ điện tử",
                "Tiết kiệm thời gian",
                "Tăng chi phí đi lại",
            ],
            [A, B, C],
        ),
        (
            "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính nhằm mục đích gì?",
            [
                "Tái sử dụng dữ liệu, người dân không phải nộp lại giấy tờ",
                "Tăng lưu trữ giấy",
                "Thay chữ ký bằng con dấu",
                "Giảm bảo mật",
            ],
            [A],
        ),
        (
            "Cơ sở dữ liệu quốc gia nào là nền tảng cho định danh công dân?",
            [
                "Cơ sở dữ liệu quốc gia về dân cư",
                "Danh bạ điện thoại",
                "Dữ liệu mạng xã hội",
                "Sổ hộ khẩu giấy",
            ],
            [A],
        ),
        (
            "Để bảo vệ tài khoản dịch vụ công, người dân nên làm gì?",
            [
                "Không chia sẻ mật khẩu, mã OTP",
                "Bật xác thực hai yếu tố nếu có",
                "Đăng nhập trên trang giả mạo",
                "Cẩn trọng với đường liên kết lạ",
            ],
            [A, B, D],
        ),
        (
            "Chữ ký số dùng để làm gì?",
            [
                "Xác thực người ký và bảo đảm toàn vẹn văn bản điện tử",
                "Trang trí văn bản",
                "Thay mật khẩu Wi-Fi",
                "Nén tệp tin",
            ],
            [A],
        ),
        (
            "Văn bản điện tử gửi nhận giữa các cơ quan nhà nước qua hệ thống nào?",
            [
                "Trục liên thông văn bản quốc gia",
                "Thư cá nhân",
                "Tin nhắn mạng xã hội",
                "Thiết bị lưu trữ USB",
            ],
            [A],
        ),
        (
            "Tổ công nghệ số cộng đồng có nhiệm vụ gì?",
            [
                "Hướng dẫn người dân sử dụng dịch vụ số",
                "Thu phí dịch vụ",
                "Cấp giấy phép kinh doanh",
                "Xử phạt hành chính",
            ],
            [A],
        ),
    ],
}
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Lò", "Quàng", "Cầm", "Tòng", "Lường"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Hồng", "Thanh", "Ngọc"]
GIVEN = [
    "An",
    "Bình",
    "Chiến",
    "Dung",
    "Hà",
    "Hương",
    "Khánh",
    "Lan",
    "Mai",
    "Nam",
    "Phương",
    "Quang",
    "Sơn",
    "Thảo",
    "Tuấn",
    "Xuân",
    "Yến",
]


def _organiser_and_invited() -> tuple[Unit, list[Unit]] | None:
    ban = Unit.objects.filter(code="SONLA-SNV").select_related("parent").first()
    if ban is None or ban.parent is None:
        return None
    province = ban.parent
    agencies = list(Unit.objects.filter(parent=province, code__startswith="SONLA-").order_by("code"))
    communes = list(
        Unit.objects.filter(
            pk__in=Unit.objects.filter(path__startswith=province.path, code__endswith="-TTHCC").values(
                "parent_id"
            )
        ).order_by("code")
    )
    return province, agencies + communes


@transaction.atomic
def load_contests_demo(rng: random.Random | None = None) -> str:
    rng = rng or random.Random(2026)
    found = _organiser_and_invited()
    if found is None:
        return "Cuộc thi mẫu: bỏ qua (không có tỉnh Sơn La trong dữ liệu mẫu)."
    province, invited = found
    contest = services.contest_create(
        actor=None,
        organiser=province,
        name=NAME,
        description=(
            "Cuộc thi trực tuyến nhằm tuyên truyền sâu rộng về công tác cải cách hành chính tới cán bộ, "
            "công chức, viên chức, người lao động và nhân dân trên địa bàn tỉnh."
        ),
        questions_per_attempt=20,
        time_limit_seconds=900,
        attempts_per_round=2,
        collective_prize_count=3,
        # Prize money as a province's plan writes it (illustrative figures).
        prizes=[
            {"level": "nhat", "label": "Giải Nhất", "count": 1, "amount": 3_000_000, "points": 10},
            {"level": "nhi", "label": "Giải Nhì", "count": 2, "amount": 2_000_000, "points": 7},
            {"level": "ba", "label": "Giải Ba", "count": 3, "amount": 1_000_000, "points": 5},
            {"level": "kk", "label": "Giải Khuyến khích", "count": 12, "amount": 500_000, "points": 2},
        ],
        collective_prize_amount=3_000_000,
    )
    services.invitations_set(actor=None, contest=contest, units=[(u, None) for u in invited])
    now = timezone.now().replace(microsecond=0)
    r1 = services.round_create(
        actor=None,
        contest=contest,
        name="Đợt 1",
        opens_at=now - dt.timedelta(days=40),
        closes_at=now - dt.timedelta(days=10),
    )
    r2 = services.round_create(
        actor=None,
        contest=contest,
        name="Đợt 2",
        opens_at=now - dt.timedelta(days=9),
        closes_at=now + dt.timedelta(days=21),
    )
    for name, questions in BANK.items():
        topic = services.topic_create(actor=None, contest=contest, name=name, quota=5)
        for text, options, correct in questions:
            kind = "multiple" if len(correct) > 1 else "single"
            services.question_create(
                actor=None, topic=topic, text=text, options=options, correct=correct, kind=kind
            )
    services.contest_set_status(actor=None, contest=contest, status="open")
    participants, attempts = _history(contest, invited, [r1, r2], now, rng)
    audit.record(
        actor=None,
        action="contests.demo",
        obj=contest,
        after={"participants": participants, "attempts": attempts},
    )
    services.tally_pending(contest)
    return f"Cuộc thi mẫu «{NAME}»: {participants} người, {attempts} lượt thi; trang công khai /cuoc-thi/{contest.slug}/."


def _history(
    contest: Contest, invited: list[Unit], rounds: list, now: dt.datetime, rng: random.Random
) -> tuple[int, int]:
    masks = dict(contest.questions.values_list("id", "correct_mask"))
    bank = services._bank(contest)
    people: list[Participant] = []
    active_units = invited[: max(1, len(invited) * 8 // 10)]  # a few invited units never take part
    for i in range(320):
        unit = rng.choice(active_units) if rng.random() > 0.05 else None
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        phone = f"09{rng.randrange(10**8):08d}{i % 10}"[:10]
        people.append(
            Participant(
                contest=contest, code=secrets.token_urlsafe(16), full_name=name, sort_key=person_sort_key(name),
                phone=phone, birth_date=dt.date(rng.randint(1965, 2004), rng.randint(1, 12), rng.randint(1, 28)),
                identity=f"{phone}-{i}", unit=unit, unit_text="" if unit else "Hội Cựu chiến binh bản",
            )
        )  # fmt: skip
    Participant.objects.bulk_create(people)
    rows: list[Attempt] = []
    skill = {p.pk: rng.betavariate(6, 1.6) for p in people}
    for p in people:
        for rnd in rounds:
            if rnd is rounds[-1] and rng.random() < 0.45:
                continue
            for seq in range(1, rng.choice([1, 1, 2]) + 1):
                end = min(rnd.closes_at, now) - dt.timedelta(minutes=20)
                started = rnd.opens_at + dt.timedelta(
                    seconds=rng.randrange(int((end - rnd.opens_at).total_seconds()))
                )
                qids = services.draw_questions(bank, contest.questions_per_attempt, rng)
                answers = []
                for q in qids:
                    right = rng.random() < skill[p.pk]
                    answers.append(masks[q] if right else (masks[q] ^ 0b10 or 1))
                correct = sum(1 for q, a in zip(qids, answers, strict=True) if a == masks[q])
                duration = rng.randint(120, 880)
                rows.append(
                    Attempt(
                        contest=contest, round=rnd, participant=p, seq=seq, token=secrets.token_urlsafe(16),
                        status="submitted", started_at=started, deadline=started + dt.timedelta(seconds=900),
                        submitted_at=started + dt.timedelta(seconds=duration), question_ids=qids, answers=answers,
                        correct_count=correct, score=correct, all_correct=correct == len(qids),
                        duration_ms=duration * 1000 + rng.randint(0, 999),
                        prediction=rng.randint(20, 120) if rng.random() < 0.9 else None, pending_tally=True,
                    )
                )  # fmt: skip
    Attempt.objects.bulk_create(rows, batch_size=500)
    return len(people), len(rows)
