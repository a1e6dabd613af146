"""Registration, pledges (signatures, DOCX), "chưa đăng ký", movement approval and plan files."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from docx import Document

from thidua.core.errors import DomainError, PermissionDenied
from thidua.core.models import AuditEntry
from thidua.directory import services as directory
from thidua.movements import rules, selectors, services
from thidua.movements.models import PledgeSignature, Registration

from ..conftest import Api, make_user


def test_register_then_standing_body_sees_who_has_not(movement, tree, commune1_officer, province_officer):
    services.registration_submit(
        actor=commune1_officer, movement=movement, unit=tree["XA1"], targets=["Cờ thi đua của UBND tỉnh"]
    )
    missing = [u.code for u in selectors.unregistered(movement, 2024)]
    assert missing == ["TINH", "SNV", "XA2"]  # the root and the units one level under it
    r = Api(province_officer).get(f"/api/v1/movements/{movement.pk}/unregistered", {"year": 2024})
    assert [u["name"] for u in r.json()] == ["Tỉnh Thử Nghiệm", "Sở Nội vụ", "Xã Hai"]
    # the unit officer may not read the standing body's list
    r = Api(commune1_officer).get(f"/api/v1/movements/{movement.pk}/unregistered")
    assert r.status_code == 403


def test_registration_refused_outside_scope_or_outside_period(movement, tree, commune1_officer):
    with pytest.raises(PermissionDenied):
        services.registration_submit(
            actor=commune1_officer, movement=movement, unit=tree["XA2"], targets=["x"]
        )
    with pytest.raises(DomainError, match="Năm 2025 nằm ngoài thời gian phong trào"):
        services.registration_submit(
            actor=commune1_officer, movement=movement, unit=tree["XA1"], targets=["x"], year=2025
        )
    assert Registration.objects.count() == 0


def test_registration_edit_is_audited_and_versioned(movement, tree, commune1_officer):
    reg = services.registration_submit(
        actor=commune1_officer, movement=movement, unit=tree["XA1"], targets=["A"]
    )
    reg2 = services.registration_submit(
        actor=commune1_officer, movement=movement, unit=tree["XA1"], targets=["A", "B"], expected_version=1
    )
    assert reg2.pk == reg.pk and reg2.targets == ["A", "B"] and reg2.version == 2
    entry = AuditEntry.objects.filter(action="movements.register_update").get()
    assert entry.before["targets"] == ["A"] and entry.after["targets"] == ["A", "B"]
    from thidua.core.errors import ConcurrentUpdate

    with pytest.raises(ConcurrentUpdate):
        services.registration_submit(
            actor=commune1_officer, movement=movement, unit=tree["XA1"], targets=["C"], expected_version=1
        )


def test_pledge_signed_once_and_docx_lists_every_member(cluster, tree, province_officer, commune1_officer):
    pledge = services.pledge_create(
        actor=province_officer,
        group=cluster,
        year=2024,
        commitments=["Hoàn thành 100% chỉ tiêu KT-XH", "Không có xã trễ hạn hồ sơ"],
    )
    services.pledge_sign(
        actor=commune1_officer,
        pledge=pledge,
        unit=tree["XA1"],
        signer_name="Nguyễn Văn Đức",
        signer_title="Chủ tịch UBND xã",
    )
    with pytest.raises(DomainError, match="Đơn vị «Xã Một» đã ký giao ước này lúc"):
        services.pledge_sign(
            actor=commune1_officer, pledge=pledge, unit=tree["XA1"], signer_name="Người khác"
        )
    assert PledgeSignature.objects.count() == 1
    with pytest.raises(DomainError, match="không phải thành viên"):
        services.pledge_sign(
            actor=commune1_officer, pledge=pledge, unit=tree["TH1"], signer_name="Hiệu trưởng"
        )

    doc = Document(
        io.BytesIO(Api(commune1_officer).get(f"/api/v1/movements/pledges/{pledge.pk}/document.docx").content)
    )
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "GIAO ƯỚC THI ĐUA NĂM 2024 — CỤM THI ĐUA SỐ 1" in text
    assert "1. Hoàn thành 100% chỉ tiêu KT-XH" in text
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert rows[1][:3] == ["1", "Xã Một", "Nguyễn Văn Đức, Chủ tịch UBND xã"]
    assert rows[2][1:] == ["Xã Hai", "", "(chưa ký)"]


def test_pledge_signed_twice_through_the_api(cluster, tree, province_officer, commune1_officer):
    pledge = services.pledge_create(actor=province_officer, group=cluster, year=2024, commitments=["Cam kết"])
    api = Api(commune1_officer)
    body = {"unit": tree["XA1"].pk, "signer_name": "Nguyễn Văn Đức"}
    assert api.post(f"/api/v1/movements/pledges/{pledge.pk}/signatures", body).status_code == 200
    r = api.post(f"/api/v1/movements/pledges/{pledge.pk}/signatures", body)
    assert r.status_code == 422
    assert r.json()["detail"].startswith("Đơn vị «Xã Một» đã ký giao ước này lúc")
    assert PledgeSignature.objects.count() == 1


def test_mass_organisation_movement_waits_for_the_peoples_committee(tree, province_officer):
    hoi = directory.unit_create(
        actor=None, code="HCCB", name="Hội Cựu chiến binh tỉnh", kind="mass_org", parent=tree["TINH"]
    )
    with pytest.raises(DomainError, match="cần chọn UBND phê duyệt"):
        services.movement_launch(
            actor=province_officer, kind="thematic", name="Cựu chiến binh gương mẫu", launching_unit=hoi,
            start_date=dt.date(2024, 1, 1), end_date=dt.date(2024, 12, 31),
        )  # fmt: skip
    m = services.movement_launch(
        actor=province_officer, kind="thematic", name="Cựu chiến binh gương mẫu", launching_unit=hoi,
        approving_unit=tree["TINH"], start_date=dt.date(2024, 1, 1), end_date=dt.date(2024, 12, 31),
    )  # fmt: skip
    assert m.get_approval_state_display() == "Chờ UBND phê duyệt"
    services.movement_decide_approval(
        actor=province_officer, movement=m, approve=True, note="Văn bản 12/UBND-NC"
    )
    m.refresh_from_db()
    assert m.get_approval_state_display() == "Đã được UBND phê duyệt"
    with pytest.raises(DomainError, match="đã được xem xét"):
        services.movement_decide_approval(actor=province_officer, movement=m, approve=False)


def test_participants_as_the_tree_stood_in_the_period(tree, province_officer):
    old = directory.unit_create(
        actor=None,
        code="XA3",
        name="Xã Ba (cũ)",
        kind="commune",
        parent=tree["TINH"],
        valid_to=dt.date(2019, 12, 31),
    )
    m = services.movement_launch(
        actor=province_officer, kind="regular", name="Năm 2024", launching_unit=tree["TINH"],
        start_date=dt.date(2024, 1, 1), end_date=dt.date(2024, 12, 31),
    )  # fmt: skip
    codes = {u.code for u in selectors.participant_units(m)}
    assert codes == {"TINH", "SNV", "XA1", "XA2", "TH1", "TH2"}
    assert not selectors.takes_part(m, old)


def test_directive_reference_parsed_from_text():
    assert rules.parse_directive("Công điện số 280/CĐ-TTg, ngày 19/4/2023 của Thủ tướng Chính phủ") == (
        "280/CĐ-TTg",
        dt.date(2023, 4, 19),
    )
    assert rules.parse_directive("Nghị định 98/2023/NĐ-CP ngày 31/12/2023")[0] == "98/2023/NĐ-CP"
    with pytest.raises(DomainError, match="không tồn tại"):
        rules.parse_directive("Văn bản 608/UBND-NVK ngày 31/2/2023")


def test_plan_file_served_only_with_permission_and_original_name(
    movement, tree, province_officer, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    services.movement_attach_plan(
        actor=province_officer,
        movement=movement,
        file=ContentFile(b"%PDF-1.4 ke hoach"),
        name="Kế hoạch 91-KH-UBND.pdf",
    )
    movement.refresh_from_db()
    assert movement.plan_file.name.endswith("ke-hoach.pdf")
    outsider = make_user("ngoai")  # signed in, no role: sees no movement
    client.force_login(outsider)
    assert client.get(f"/phong-trao/{movement.pk}/ke-hoach/").status_code == 404
    client.force_login(province_officer)
    r = client.get(f"/phong-trao/{movement.pk}/ke-hoach/")
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == b"%PDF-1.4 ke hoach"
    assert "K%E1%BA%BF%20ho%E1%BA%A1ch%2091-KH-UBND.pdf" in r["Content-Disposition"]
    with pytest.raises(DomainError, match="PDF, DOCX"):
        services.movement_attach_plan(
            actor=province_officer, movement=movement, file=ContentFile(b"x"), name="a.exe"
        )
