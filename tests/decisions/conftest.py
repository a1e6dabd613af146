"""Fixtures of the decision tests: people, a leader per body, and approved
candidates written through the ORM (the nominations workflow is not under test here)."""

from __future__ import annotations

import datetime as dt
from itertools import count

import pytest

from tests.conftest import make_user
from thidua.accounts.enums import Role
from thidua.awards.models import AwardType
from thidua.directory import services as directory
from thidua.nominations.models import Candidate, CandidateState, Dossier, DossierState

_n = count(1)


@pytest.fixture
def people(tree):
    def person(name, unit, position=""):
        return directory.person_create(
            actor=None, full_name=name, gender="female", unit=tree[unit], position=position
        )

    return {
        "lan": person("Nguyễn Thị Lan", "TH1", "Giáo viên"),
        "hoa": person("Trần Thị Hoa", "TH2", "Hiệu phó"),
        "mai": person("Lê Thị Mai", "XA1", "Công chức"),
        "binh": person("Đặng Văn Bình", "XA1"),
    }


@pytest.fixture
def leader(tree):
    """Chủ tịch UBND tỉnh: signs the province's decisions."""
    return make_user("chutich", Role.APPROVER, tree["TINH"])


@pytest.fixture
def commune_leader(tree):
    return make_user("chutichxa1", Role.APPROVER, tree["XA1"])


class Nominate:
    """Approved candidates in a dossier addressed to ``deciding``."""

    def __init__(self, tree):
        self.tree = tree

    def dossier(self, proposer="XA1", deciding="TINH", letter="15/TTr-UBND", state=DossierState.COUNCIL_DONE):
        return Dossier.objects.create(
            code=f"HS-{next(_n)}",
            title="Đề nghị khen thưởng năm 2024",
            proposer_unit=self.tree[proposer],
            deciding_unit=self.tree[deciding],
            letter_number=letter,
            letter_date=dt.date(2025, 2, 10),
            state=state,
        )

    def candidate(
        self, dossier, subject, award="CSTD_TINH", year=2024, position="", state=CandidateState.APPROVED
    ):
        kw = {"person": subject, "recipient_kind": "individual"}
        if not hasattr(subject, "full_name"):
            kw = {"unit": subject, "recipient_kind": "collective"}
        return Candidate.objects.create(
            dossier=dossier,
            award_type=AwardType.objects.get(code=award),
            year=year,
            position=position,
            state=state,
            **kw,
        )


@pytest.fixture
def nominate(tree):
    return Nominate(tree)
