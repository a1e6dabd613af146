"""The dossier's path through the one transition table."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from thidua.awards.models import AwardRecord
from thidua.core.errors import ConcurrentUpdate, DomainError, PermissionDenied
from thidua.core.models import AuditEntry
from thidua.nominations import services
from thidua.nominations.models import Attachment, AttachmentKind, Candidate, Dossier, Transition
from thidua.nominations.models import CandidateState as C
from thidua.nominations.models import DossierState as S
from thidua.nominations.services import CouncilResult
from thidua.nominations.workflow import ACTIONS

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def act(world, who, dossier, action, **kw):
    dossier.refresh_from_db()
    return services.transition(actor=who, dossier=dossier, action=action, version=dossier.version, **kw)


def through_appraisal(world, d):
    act(world, world.school_officer, d, "submit")
    act(world, world.commune_standing, d, "receive")
    act(world, world.commune_standing, d, "appraise")
    d.refresh_from_db()
    return d


# --- candidates ------------------------------------------------------------------------


def test_candidate_gets_verdict_and_authority_at_once(world):
    d = world.ready()
    gk, bk = d.candidates.order_by("id")
    assert gk.verdict in {"eligible", "not_eligible", "review"} and gk.verdict_detail["status"]
    assert gk.beyond_authority is False  # the commune chair gives Giấy khen
    assert bk.beyond_authority is True  # Bằng khen of the province is beyond the commune


def test_candidate_refusals(world, tree):
    d = world.dossier()
    with pytest.raises(DomainError, match="chỉ tặng cho: cá nhân"):
        services.candidate_add(
            actor=world.school_officer, dossier=d, award_type="LDTT", year=2025, unit=tree["TH1"]
        )
    with pytest.raises(DomainError, match="không hợp lệ"):
        services.candidate_add(
            actor=world.school_officer, dossier=d, award_type="GK", year=2999, person=world.teacher
        )
    with pytest.raises(DomainError, match="không thuộc"):
        services.candidate_add(
            actor=world.school_officer, dossier=d, award_type="GK", year=2025, unit=tree["XA2"]
        )
    with pytest.raises(DomainError, match="không có trong danh mục"):
        services.candidate_add(
            actor=world.school_officer, dossier=d, award_type="XYZ", year=2025, person=world.teacher
        )
    services.candidate_add(
        actor=world.school_officer, dossier=d, award_type="GK", year=2025, person=world.teacher
    )
    with pytest.raises(DomainError, match="đã có trong hồ sơ này"):
        services.candidate_add(
            actor=world.school_officer, dossier=d, award_type="GK", year=2025, person=world.teacher
        )
    # Another dossier may not propose the same award for the same person and year while this one is pending.
    d2 = world.dossier(title="Hồ sơ thứ hai")
    with pytest.raises(DomainError, match=f"đang được đề nghị .* trong hồ sơ {d.code}"):
        services.candidate_add(
            actor=world.school_officer, dossier=d2, award_type="GK", year=2025, person=world.teacher
        )
    assert Candidate.objects.count() == 1


def test_candidate_already_in_registry_is_refused(world):
    AwardRecord.objects.create(
        award_type_id=__import__("thidua.awards.models", fromlist=["AwardType"]).AwardType.objects.get(code="GK").pk,
        recipient_kind="individual", person=world.teacher, owner_unit=world.teacher.unit, year=2025,
    )  # fmt: skip
    d = world.dossier()
    with pytest.raises(DomainError, match="sổ khen thưởng"):
        services.candidate_add(
            actor=world.school_officer, dossier=d, award_type="GK", year=2025, person=world.teacher
        )


def test_officer_of_another_unit_cannot_touch_the_dossier(world):
    d = world.dossier()
    with pytest.raises(PermissionDenied):
        services.candidate_add(
            actor=world.other_officer, dossier=d, award_type="GK", year=2025, person=world.teacher
        )
    with pytest.raises(PermissionDenied):
        services.transition(actor=world.other_officer, dossier=d, action="submit")


def test_deciding_body_must_be_above_the_proposer(world, tree):
    with pytest.raises(DomainError, match="không phải cấp trên"):
        world.dossier(deciding_unit=tree["XA2"])


# --- submission ------------------------------------------------------------------------


def test_submit_needs_letter_files_and_justification(world):
    d = world.dossier(letter_number="")
    c = services.candidate_add(
        actor=world.school_officer, dossier=d, award_type="CSTD_CS", year=2025, person=world.teacher
    )
    with pytest.raises(DomainError) as err:
        act(world, world.school_officer, d, "submit")
    text = err.value.message
    assert "thiếu số và ngày tờ trình" in text
    assert "Tờ trình" in text and "Biên bản họp" in text
    if c.verdict == "not_eligible":
        assert "cần nhập giải trình" in text
    d.refresh_from_db()
    assert d.state == S.DRAFT and Transition.objects.count() == 0


def test_submit_sends_to_the_deciding_body_with_a_deadline(world):
    d = world.ready()
    with TestCase.captureOnCommitCallbacks(execute=True):
        act(world, world.school_officer, d, "submit")
    assert any("chờ thẩm định" in m.subject and "thuongtrucxa@example.vn" in m.to for m in mail.outbox)
    d.refresh_from_db()
    assert d.state == S.SUBMITTED and d.submit_count == 1
    assert d.due_date is not None and d.due_date > dt.date.today()
    assert AuditEntry.objects.filter(action="dossier.submit").exists()
    # Sent: the unit can no longer edit it.
    with pytest.raises(DomainError, match="không sửa được"):
        services.candidate_add(
            actor=world.school_officer, dossier=d, award_type="LDTT", year=2025, person=world.teacher
        )


# --- return and resubmit ---------------------------------------------------------------


def test_return_needs_a_reason_and_marks_candidates(world):
    d = world.ready()
    act(world, world.school_officer, d, "submit")
    with pytest.raises(DomainError, match="ghi rõ lý do"):
        act(world, world.commune_standing, d, "return")
    gk = d.candidates.get(award_type__code="GK")
    act(
        world,
        world.commune_standing,
        d,
        "return",
        reasons={str(gk.pk): "Thiếu báo cáo thành tích có xác nhận"},
    )
    gk.refresh_from_db()
    assert gk.state == C.RETURNED and "báo cáo thành tích" in gk.return_reason
    d.refresh_from_db()
    assert d.state == S.RETURNED
    # The unit corrects and sends again; the returned candidate is proposed again.
    services.candidate_update(actor=world.school_officer, candidate=gk, summary="Bổ sung báo cáo")
    act(world, world.school_officer, d, "resubmit")
    gk.refresh_from_db()
    d.refresh_from_db()
    assert d.state == S.RESUBMITTED and d.submit_count == 2 and gk.state == C.PROPOSED


def test_reasons_must_name_candidates_of_the_dossier(world):
    d = world.ready()
    act(world, world.school_officer, d, "submit")
    with pytest.raises(DomainError, match="không thuộc hồ sơ"):
        act(world, world.commune_standing, d, "return", reasons={"999999": "x"})


# --- appraisal, publication, council ---------------------------------------------------


def test_appraisal_opinion_needed_to_set_a_candidate_aside(world):
    d = world.ready()
    act(world, world.school_officer, d, "submit")
    act(world, world.commune_standing, d, "receive")
    gk = d.candidates.get(award_type__code="GK")
    with pytest.raises(DomainError, match="phải ghi ý kiến thẩm định"):
        act(world, world.commune_standing, d, "appraise", opinions={gk.pk: {"recommended": False}})
    act(
        world,
        world.commune_standing,
        d,
        "appraise",
        opinions={gk.pk: {"recommended": False, "note": "Trùng thành tích"}},
    )
    gk.refresh_from_db()
    assert gk.state == C.NOT_RECOMMENDED and gk.appraisal_note == "Trùng thành tích"


def _at(monkeypatch, when: dt.datetime) -> None:
    monkeypatch.setattr("django.utils.timezone.now", lambda: when.astimezone(dt.UTC))


def test_publication_window_is_inclusive_to_its_last_day(world, monkeypatch):
    d = through_appraisal(world, world.ready())
    _at(monkeypatch, dt.datetime(2025, 6, 2, 9, 0, tzinfo=VN))  # Monday
    act(world, world.commune_standing, d, "publish", days=5)
    d.refresh_from_db()
    assert d.state == S.PUBLISHED and d.publish_until == dt.date(
        2025, 6, 9
    )  # 5 working days, weekend skipped
    # The public comments during the window; the last minute of the last day still counts.
    _at(monkeypatch, dt.datetime(2025, 6, 9, 23, 59, tzinfo=VN))
    services.comment_add(dossier=d, author_name="Người dân", body="Đồng ý", ip_address="10.0.0.1")
    with pytest.raises(DomainError, match="đang công khai lấy ý kiến đến hết ngày 09/06/2025"):
        act(world, world.commune_standing, d, "to_council")
    _at(monkeypatch, dt.datetime(2025, 6, 10, 0, 0, tzinfo=VN))
    with pytest.raises(DomainError, match="không còn trong thời gian công khai"):
        services.comment_add(dossier=d, author_name="Người dân", body="Muộn")
    act(world, world.commune_standing, d, "to_council")
    d.refresh_from_db()
    assert d.state == S.AT_COUNCIL and d.comments.count() == 1


def test_council_results_move_the_dossier(world):
    d = through_appraisal(world, world.ready())
    act(world, world.commune_standing, d, "to_council")
    gk, bk = d.candidates.order_by("id")
    services.council_results_recorded(
        actor=world.commune_standing,
        results=[CouncilResult(gk, 12, 3, 15, True, "80 % ≥ 80 %"), CouncilResult(bk, 14, 1, 15, True)],
    )
    d.refresh_from_db()
    gk.refresh_from_db()
    assert d.state == S.COUNCIL_DONE and gk.state == C.APPROVED and gk.council_votes_for == 12
    assert list(services.candidates_for_decision(deciding_unit=world.tree["XA1"])) == [gk]


def test_all_rejected_closes_the_dossier(world):
    d = through_appraisal(world, world.ready())
    act(world, world.commune_standing, d, "to_council")
    results = [CouncilResult(c, 2, 13, 15, False) for c in d.candidates.all()]
    services.council_results_recorded(actor=world.commune_standing, results=results)
    d.refresh_from_db()
    assert d.state == S.CLOSED


# --- forwarding and the higher level's result -------------------------------------------


def test_forward_beyond_authority_and_record_the_result(world):
    d = through_appraisal(world, world.ready())
    act(world, world.commune_standing, d, "to_council")
    gk, bk = d.candidates.order_by("id")
    services.council_results_recorded(
        actor=world.commune_standing,
        results=[CouncilResult(gk, 15, 0, 15, True), CouncilResult(bk, 15, 0, 15, True)],
    )
    act(world, world.commune_standing, d, "forward", to_unit=world.tree["TINH"], letter_number="20/TTr-UBND")
    bk.refresh_from_db()
    assert bk.state == C.FORWARDED
    child = Dossier.objects.get(parent=d)
    assert child.proposer_unit == world.tree["XA1"] and child.deciding_unit == world.tree["TINH"]
    assert child.state == S.SUBMITTED and child.candidates.get().award_type.code == "BK_TINH"
    assert child.attachments.count() == 2  # the files travel with it
    d.refresh_from_db()
    assert d.state == S.COUNCIL_DONE  # the Giấy khen still waits for the commune's decision


def test_external_forward_then_result_enters_registry(world):
    d = through_appraisal(world, world.ready())
    act(world, world.commune_standing, d, "to_council")
    gk, bk = d.candidates.order_by("id")
    services.council_results_recorded(
        actor=world.commune_standing,
        results=[CouncilResult(gk, 2, 13, 15, False), CouncilResult(bk, 15, 0, 15, True)],
    )
    act(world, world.commune_standing, d, "forward", to_name="Chủ tịch UBND tỉnh Thử Nghiệm")
    d.refresh_from_db()
    assert d.state == S.FORWARDED  # nothing left for the commune itself
    child = Dossier.objects.get(parent=d)
    assert child.state == S.FORWARDED and child.deciding_unit is None
    copy = child.candidates.get()
    with pytest.raises(DomainError, match="thiếu ngày quyết định"):
        act(
            world,
            world.commune_standing,
            child,
            "record_result",
            results={copy.pk: {"awarded": True, "decision_number": "123/QĐ-UBND"}},
        )
    act(
        world, world.commune_standing, child, "record_result",
        results={copy.pk: {"awarded": True, "decision_number": "123/QĐ-UBND", "decision_date": "2025-09-15"}},
    )  # fmt: skip
    record = AwardRecord.objects.get(person=world.teacher2, award_type__code="BK_TINH")
    assert record.decision_number == "123/QĐ-UBND" and record.source == "decision"
    bk.refresh_from_db()
    d.refresh_from_db()
    assert bk.state == C.AWARDED and bk.award_record == record
    assert d.state == S.CLOSED


# --- decisions -------------------------------------------------------------------------


def test_decision_steps_move_candidates_and_dossier(world):
    d = through_appraisal(world, world.ready())
    act(world, world.commune_standing, d, "to_council")
    gk, bk = d.candidates.order_by("id")
    services.council_results_recorded(
        actor=world.commune_standing,
        results=[CouncilResult(gk, 15, 0, 15, True), CouncilResult(bk, 1, 14, 15, False)],
    )
    services.decision_state_changed(actor=world.commune_standing, candidates=[gk], state="decision_drafted")
    d.refresh_from_db()
    assert d.state == S.DECISION_DRAFTED
    services.decision_state_changed(actor=world.leader, candidates=[gk], state="signed")
    record = AwardRecord.objects.create(
        award_type=gk.award_type, recipient_kind="individual", person=world.teacher, owner_unit=world.teacher.unit,
        year=2025, decision_number="5/QĐ-UBND",
    )  # fmt: skip
    services.decision_state_changed(
        actor=world.leader, candidates=[gk], state="issued", award_records={gk.pk: record}
    )
    d.refresh_from_db()
    gk.refresh_from_db()
    assert d.state == S.ISSUED and gk.state == C.AWARDED and gk.award_record == record


def test_a_unit_officer_cannot_drive_system_steps(world):
    d = through_appraisal(world, world.ready())
    act(world, world.commune_standing, d, "to_council")
    with pytest.raises(PermissionDenied):
        services.transition(actor=world.school_officer, dossier=d, action="council_done")


# --- the table: every action × state × role ---------------------------------------------

ROLES = ["school_officer", "commune_standing", "member", "leader", "viewer"]


@pytest.mark.parametrize("action", [a for a in ACTIONS.values() if not a.system], ids=lambda a: a.name)
def test_every_state_and_role_against_the_table(world, action):
    d = world.ready()
    for state in S.values:
        for role in ROLES:
            Dossier.objects.filter(pk=d.pk).update(state=state)
            d.refresh_from_db()
            who = getattr(world, role)
            try:
                services.transition(actor=who, dossier=d, action=action.name, note="Lý do thử")
                outcome = "done"
            except PermissionDenied:
                outcome = "forbidden"
            except DomainError as exc:
                outcome = "state" if exc.code == "state" else "checked"
            if state not in action.sources:
                assert outcome == "state", (action.name, state, role, outcome)
            else:
                allowed = {"proposer": {"school_officer"}, "decider": {"commune_standing"}}[action.side]
                if action.name == "record_result":  # the forwarding body (APPRAISE over the proposer)
                    allowed = {"commune_standing"}
                expected_allowed = role in allowed
                if expected_allowed:
                    assert outcome in {"done", "checked"}, (action.name, state, role, outcome)
                else:
                    assert outcome == "forbidden", (action.name, state, role, outcome)


# --- concurrency -----------------------------------------------------------------------


def test_stale_version_is_refused_and_nothing_changes(world):
    d = world.ready()
    seen = d.version
    act(world, world.school_officer, d, "submit")
    d.refresh_from_db()
    before = Transition.objects.count()
    with pytest.raises(ConcurrentUpdate, match="vừa được người khác xử lý"):
        services.transition(actor=world.school_officer, dossier=d, action="withdraw", version=seen, note="x")
    d.refresh_from_db()
    assert d.state == S.SUBMITTED and Transition.objects.count() == before


# --- attachments -----------------------------------------------------------------------


def test_attachment_type_and_size_are_checked(world, settings):
    d = world.dossier()
    fake = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00 this is an exe", content_type="application/pdf")
    with pytest.raises(DomainError, match=r"không phải tệp \.pdf hợp lệ"):
        services.attachment_add(
            actor=world.school_officer, dossier=d, kind=AttachmentKind.REPORT, upload=fake
        )
    exe = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(DomainError, match="không đúng loại"):
        services.attachment_add(actor=world.school_officer, dossier=d, kind=AttachmentKind.REPORT, upload=exe)
    settings.THIDUA_ATTACHMENT_MAX_BYTES = 10
    big = SimpleUploadedFile("lon.pdf", b"%PDF-" + b"x" * 100, content_type="application/pdf")
    with pytest.raises(DomainError, match="vượt giới hạn"):
        services.attachment_add(actor=world.school_officer, dossier=d, kind=AttachmentKind.REPORT, upload=big)
    assert Attachment.objects.count() == 0


def test_attachment_keeps_original_name_but_stores_a_random_one(world):
    d = world.dossier()
    att = services.attachment_add(
        actor=world.school_officer, dossier=d, kind=AttachmentKind.REPORT,
        upload=SimpleUploadedFile("../../Báo cáo thành tích.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
    )  # fmt: skip
    assert att.original_name.endswith("Báo cáo thành tích.pdf") and "/" not in att.original_name
    assert "Báo" not in att.file.name and ".." not in att.file.name


def test_standing_body_proposes_in_its_own_name_only(world, tree):
    """The commune's standing body may propose with the commune as proposer
    (its Khối/Cụm), but not act for the school below it."""
    d = services.dossier_create(
        actor=world.commune_standing, proposer_unit=tree["XA1"], deciding_unit=tree["XA1"],
        title="Đề nghị khen thưởng Cụm thi đua",
    )  # fmt: skip
    services.candidate_add(
        actor=world.commune_standing, dossier=d, award_type="GK", year=2025, unit=tree["TH1"]
    )
    with pytest.raises(PermissionDenied):
        world.dossier(actor=world.commune_standing)
