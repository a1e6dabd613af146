"""The prize decision of a contest, end to end through the decisions workflow:
winners matched to directory people (never guessed), money from the prize
table, one live draft per contest, signed, issued with a number, DOCX and
certificates naming the winners."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from tests.conftest import make_user
from tests.contests.conftest import R1_OPEN, make_contest, register, take
from thidua.accounts.enums import Role
from thidua.contests import prize_decision, services
from thidua.core.errors import DomainError, PermissionDenied
from thidua.core.models import AuditEntry
from thidua.decisions import certificates, documents
from thidua.decisions import services as decisions
from thidua.decisions.models import DecisionState
from thidua.directory import services as directory
from thidua.directory.models import Person

PRIZES = [
    {"label": "Giải Nhất", "level": "nhat", "count": 1, "amount": 2_000_000, "points": 10},
    {"label": "Giải Nhì", "level": "nhi", "count": 1, "amount": 1_000_000, "points": 5},
    {"label": "Giải Khuyến khích", "level": "kk", "count": 1, "amount": 300_000, "points": 1},
]


def at(hours: int) -> dt.datetime:
    return R1_OPEN + dt.timedelta(hours=hours)


@pytest.fixture
def officer(tree):
    return make_user("thuongtruc", Role.STANDING_OFFICER, tree["TINH"])


@pytest.fixture
def leader(tree):
    return make_user("chutich", Role.APPROVER, tree["TINH"])


@pytest.fixture
def finished(tree):
    """Nguyễn Văn An (Xã Một, on the school's roll) 10/10, Trần Thị Bình (Xã Hai,
    not in the directory) 9, Lê Văn Cường (typed-in unit) 8, Đỗ Văn Dũng (Xã
    Một) 3. Collective prize by count: Xã Một (2 participants)."""
    contest = make_contest(
        tree,
        prizes=PRIZES,
        collective_prize_count=1,
        collective_basis="count",
        collective_prize_amount=1_500_000,
    )
    an_person = directory.person_create(
        actor=None,
        full_name="Nguyễn Văn An",
        gender="male",
        unit=tree["TH1"],
        birth_date=dt.date(1990, 1, 1),
        position="Giáo viên",
    )
    # Same name, another date of birth: not him.
    directory.person_create(
        actor=None, full_name="Nguyễn Văn An", gender="male", unit=tree["XA1"], birth_date=dt.date(1975, 5, 5)
    )
    an = register(contest, "Nguyễn Văn An", tree["XA1"])
    binh = register(contest, "Trần Thị Bình", tree["XA2"])
    cuong = register(contest, "Lê Văn Cường", unit_text="Hội Cựu chiến binh phường")
    dung = register(contest, "Đỗ Văn Dũng", tree["XA1"])
    take(an, right=10, at=at(1))
    take(binh, right=9, at=at(2))
    take(cuong, right=8, at=at(3))
    take(dung, right=3, at=at(4))
    return {"contest": contest, "an_person": an_person, "an": an, "binh": binh, "cuong": cuong, "dung": dung}


def test_preview_matches_winners_and_prices_them_from_the_prize_table(finished, tree):
    lines = prize_decision.preview(finished["contest"])
    by_name = {(ln.kind, ln.name): ln for ln in lines}
    an = by_name[("individual", "Nguyễn Văn An")]
    assert (an.label, an.amount, an.match, an.person) == (
        "Giải Nhất",
        2_000_000,
        "found",
        finished["an_person"],
    )
    binh = by_name[("individual", "Trần Thị Bình")]
    assert (binh.label, binh.amount, binh.match, binh.gender_hint) == ("Giải Nhì", 1_000_000, "new", "female")
    cuong = by_name[("individual", "Lê Văn Cường")]
    assert (cuong.label, cuong.match, cuong.typed_unit) == (
        "Giải Khuyến khích",
        "new",
        "Hội Cựu chiến binh phường",
    )
    unit = by_name[("collective", "Xã Một")]
    assert (unit.label, unit.amount) == ("Giải tập thể", 1_500_000)
    assert ("individual", "Đỗ Văn Dũng") not in by_name


def test_prize_decision_end_to_end(finished, tree, officer, leader, client):
    contest = finished["contest"]
    people_before = Person.objects.count()
    decision = prize_decision.draft(actor=officer, contest=contest, budget_source="Ngân sách tỉnh năm 2026")
    assert decision.state == DecisionState.DRAFT
    assert decision.subject == "Về việc trao giải Cuộc thi Tìm hiểu về Cải cách hành chính"
    # Bình (Xã Hai) and Cường (typed-in unit → the organiser) became directory people.
    assert Person.objects.count() == people_before + 2
    binh = Person.objects.get(full_name="Trần Thị Bình")
    assert (binh.unit, binh.birth_date, binh.gender) == (tree["XA2"], dt.date(1990, 1, 1), "female")
    assert Person.objects.get(full_name="Lê Văn Cường").unit == tree["TINH"]
    contest.refresh_from_db()
    assert contest.prize_decision_id == decision.pk

    decisions.decision_sign(actor=leader, decision=decision)
    issued = decisions.decision_issue(actor=leader, decision=decision)
    assert issued.state == DecisionState.ISSUED and issued.number == 1
    lines = list(issued.recipients.select_related("person", "unit", "award_type").order_by("order"))
    got = [(ln.name, ln.prize_label, ln.amount) for ln in lines]
    assert got == [
        ("Nguyễn Văn An", "Giải Nhất", 2_000_000),
        ("Trần Thị Bình", "Giải Nhì", 1_000_000),
        ("Lê Văn Cường", "Giải Khuyến khích", 300_000),
        ("Xã Một", "Giải tập thể", 1_500_000),
    ]
    assert lines[0].person == finished["an_person"]
    assert lines[2].position == "Hội Cựu chiến binh phường"
    assert all(ln.certificate_code and ln.certificate_number.startswith("1.") for ln in lines)
    assert decisions.total_prize(issued) == 4_800_000
    # A prize is not a commendation of the Law: nothing enters the award registry
    # (an annual report must not count "Giải Nhất" among the Giấy khen).
    from thidua.awards.models import AwardRecord

    assert not AwardRecord.objects.filter(decision_number=issued.full_number).exists()
    assert all(ln.award_record_id is None for ln in lines)

    text = documents.build_text(issued, lines)
    body = "\n".join(p for _, paragraphs in text.articles for p in paragraphs)
    assert text.subject.startswith("Về việc trao giải Cuộc thi")
    assert "Trao giải Cuộc thi Tìm hiểu về Cải cách hành chính cho 01 tập thể và 03 cá nhân" in body
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Xã Một"):
        assert name in body
    assert "- Giải Nhất: 2.000.000 đồng/giải (số lượng: 01 giải)." in body
    assert "Tổng số tiền thưởng: 4.800.000 đồng." in body
    assert "hệ số" not in body and "lương cơ sở" not in body

    import docx

    doc = docx.Document(io.BytesIO(documents.render_docx(text)))
    words = "\n".join(p.text for p in doc.paragraphs)
    assert (
        "trao giải" in words
        and "Nguyễn Văn An" in words
        and "Số: 1/" in "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    )

    html = certificates.render_html(issued, lines)
    assert html.count("GIẤY CHỨNG NHẬN") == 4
    assert "Đã đạt Giải Nhất" in html and "Trần Thị Bình" in html
    # The QR code's page proves the prize to whoever scans it.
    page = client.get(f"/xac-minh/{lines[1].certificate_code}")
    assert page.status_code == 200
    assert "Trần Thị Bình" in page.content.decode()

    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"contests.prize_decision", "decision.create", "decision.sign", "decision.issue"} <= actions


def test_drafting_twice_is_refused_until_the_draft_is_cancelled(finished, officer):
    contest = finished["contest"]
    first = prize_decision.draft(actor=officer, contest=contest)
    people = Person.objects.count()
    with pytest.raises(DomainError, match="đã có dự thảo quyết định"):
        prize_decision.draft(actor=officer, contest=contest)
    assert Person.objects.count() == people  # nothing written by the refused draft
    decisions.decision_cancel(actor=officer, decision=first)
    second = prize_decision.draft(actor=officer, contest=contest)
    assert second.pk != first.pk
    # The winners created by the first draft are matched now, not created again.
    assert Person.objects.count() == people


def test_ambiguous_person_is_listed_not_guessed(finished, tree, officer):
    contest = finished["contest"]
    # A second "Nguyễn Văn An" of Xã Một with the same date of birth, and one without a date.
    twin = directory.person_create(
        actor=None, full_name="Nguyễn Văn An", gender="male", unit=tree["XA1"], birth_date=dt.date(1990, 1, 1)
    )
    lines = prize_decision.preview(contest)
    an = next(ln for ln in lines if ln.name == "Nguyễn Văn An")
    assert an.match == "ambiguous"
    assert {p.pk for p in an.candidates} == {finished["an_person"].pk, twin.pk}
    people = Person.objects.count()
    with pytest.raises(DomainError, match=r"Nguyễn Văn An .*có 2 người trùng tên, hãy chọn"):
        prize_decision.draft(actor=officer, contest=contest)
    assert Person.objects.count() == people
    with pytest.raises(DomainError, match="không nằm trong danh sách"):
        prize_decision.draft(actor=officer, contest=contest, choices={finished["an"].pk: finished["binh"].pk})
    decision = prize_decision.draft(actor=officer, contest=contest, choices={finished["an"].pk: twin.pk})
    assert decision.recipients.get(prize_label="Giải Nhất").person == twin


def test_new_person_without_a_gender_suggestion_must_be_chosen(finished, tree, officer):
    contest = finished["contest"]
    luu = register(contest, "Lưu Hoàng Minh", tree["XA2"])
    take(luu, right=10, at=at(5), seconds=30)  # first now
    with pytest.raises(DomainError, match="Lưu Hoàng Minh: hãy chọn giới tính"):
        prize_decision.draft(actor=officer, contest=contest)
    decision = prize_decision.draft(actor=officer, contest=contest, genders={luu.pk: "male"})
    assert decision.recipients.get(prize_label="Giải Nhất").person.gender == "male"


def test_an_officer_of_another_unit_cannot_draft(finished, tree):
    outsider = make_user("canboxa2", Role.STANDING_OFFICER, tree["XA2"])
    with pytest.raises(PermissionDenied):
        prize_decision.draft(actor=outsider, contest=finished["contest"])
    assert finished["contest"].prize_decision_id is None


def test_disqualified_winner_is_replaced_in_the_decision(finished, officer):
    contest = finished["contest"]
    services.participant_disqualify(
        actor=officer, participant=finished["an"], reason="Khai sai đơn vị công tác"
    )
    decision = prize_decision.draft(actor=officer, contest=contest)
    names = list(decision.recipients.order_by("order").values_list("prize_label", "name"))
    assert names[:3] == [
        ("Giải Nhất", "Trần Thị Bình"),
        ("Giải Nhì", "Lê Văn Cường"),
        ("Giải Khuyến khích", "Đỗ Văn Dũng"),
    ]
