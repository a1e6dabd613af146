"""A school (TH1) proposes to its commune (XA1), whose chair decides Giấy khen and
whose standing body forwards Bằng khen of the province up to TINH."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import make_user
from thidua.accounts.enums import Role
from thidua.directory import services as directory
from thidua.nominations import services
from thidua.nominations.models import AttachmentKind, Dossier

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf(name: str = "to-trinh.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


class World:
    def __init__(self, tree) -> None:
        self.tree = tree
        self.school_officer = make_user("canbotruong", Role.UNIT_OFFICER, tree["TH1"])
        self.other_officer = make_user("canbotruong2", Role.UNIT_OFFICER, tree["TH2"])
        self.commune_standing = make_user("thuongtrucxa", Role.STANDING_OFFICER, tree["XA1"])
        self.province_standing = make_user("thuongtructinh", Role.STANDING_OFFICER, tree["TINH"])
        self.member = make_user("uyvien", Role.COUNCIL_MEMBER, tree["XA1"])
        self.leader = make_user("chutichxa", Role.APPROVER, tree["XA1"])
        self.viewer = make_user("xem", Role.VIEWER, tree["XA1"])
        for u in (self.school_officer, self.commune_standing):
            u.email = f"{u.username}@example.vn"
            u.save()
        self.teacher = directory.person_create(
            actor=None, full_name="Lò Thị Mai", gender="female", unit=tree["TH1"]
        )
        self.teacher2 = directory.person_create(
            actor=None, full_name="Nguyễn Văn An", gender="male", unit=tree["TH1"]
        )

    def dossier(self, **kw) -> Dossier:
        defaults = dict(
            actor=self.school_officer,
            proposer_unit=self.tree["TH1"],
            deciding_unit=self.tree["XA1"],
            title="Đề nghị khen thưởng năm học 2024-2025",
            letter_number="15/TTr-THX1",
            letter_date=dt.date(2025, 6, 2),
            letter_signer="Hiệu trưởng Trần Văn Bình",
        )
        defaults.update(kw)
        return services.dossier_create(**defaults)

    def ready(self, **kw) -> Dossier:
        """A complete draft: two candidates (a Giấy khen and a Bằng khen of the
        province) and the two required files."""
        d = self.dossier(**kw)
        services.candidate_add(
            actor=self.school_officer, dossier=d, award_type="GK", year=2025, person=self.teacher,
            summary="Giáo viên dạy giỏi cấp xã", justification="Thành tích xuất sắc đột xuất",
        )  # fmt: skip
        services.candidate_add(
            actor=self.school_officer, dossier=d, award_type="BK_TINH", year=2025, person=self.teacher2,
            summary="Hai năm liền hoàn thành xuất sắc nhiệm vụ", justification="Đề nghị cấp trên xem xét",
        )  # fmt: skip
        services.attachment_add(
            actor=self.school_officer, dossier=d, kind=AttachmentKind.LETTER, upload=pdf()
        )
        services.attachment_add(
            actor=self.school_officer, dossier=d, kind=AttachmentKind.MINUTES, upload=pdf("bien-ban.pdf")
        )
        d.refresh_from_db()
        return d


@pytest.fixture
def world(tree) -> World:
    return World(tree)
