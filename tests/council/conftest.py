"""A council of the province with N voting members, and dossiers ready for it.

Dossiers and candidates are written with the ORM in the state the appraisal
leaves them (appraised), so these tests depend only on the nominations
models and the two services of the contract (transition, council_results_recorded)."""

from __future__ import annotations

import datetime as dt
from itertools import count

import pytest

from tests.conftest import make_user
from thidua.accounts.enums import Role
from thidua.awards.models import AwardType
from thidua.council import services
from thidua.council.models import Ballot, Council, CouncilMember, MemberRole, Session
from thidua.directory import services as directory
from thidua.nominations.models import Candidate, CandidateState, Dossier, DossierState

_seq = count(1)


def letters(i: int) -> str:
    """1 → "B", 27 → "Bb": person names may hold letters only."""
    out = ""
    while True:
        out = chr(ord("a") + i % 26) + out
        i //= 26
        if i == 0:
            return out.capitalize()


ROLES = [MemberRole.CHAIR, MemberRole.STANDING_VICE, MemberRole.VICE] + [MemberRole.MEMBER] * 40


class World:
    """Builds councils, members, dossiers and sessions for one test."""

    def __init__(self, tree, officer) -> None:
        self.tree = tree
        self.officer = officer

    def council(self, **rules) -> Council:
        return services.council_create(
            actor=self.officer, unit=self.tree["TINH"], name="Hội đồng Thi đua - Khen thưởng tỉnh", **rules
        )

    def members(
        self, council: Council, n: int, *, since: dt.date = dt.date(2020, 1, 1)
    ) -> list[CouncilMember]:
        out = []
        for i in range(n):
            k = next(_seq)
            user = make_user(f"tv{k}", Role.COUNCIL_MEMBER, self.tree["TINH"])
            user.full_name = f"Thành Viên {letters(k)}"
            user.save(update_fields=["full_name"])
            out.append(
                services.member_add(
                    actor=self.officer, council=council, user=user, role=ROLES[i], active_from=since
                )
            )
        return out

    def dossier(
        self, award: str, n: int = 1, *, kind: str = "individual", state=DossierState.APPRAISED
    ) -> Dossier:
        k = next(_seq)
        dossier = Dossier.objects.create(
            code=f"HS-T{k}",
            title=f"Đề nghị khen thưởng {k}",
            proposer_unit=self.tree["XA1"],
            deciding_unit=self.tree["TINH"],
            state=state,
        )
        award_type = AwardType.objects.get(code=award)
        for i in range(n):
            if kind == "individual":
                person = directory.person_create(
                    actor=None,
                    full_name=f"Nguyễn Văn {letters(k * 50 + i)}",
                    gender="male",
                    unit=self.tree["XA1"],
                )
                Candidate.objects.create(
                    dossier=dossier,
                    recipient_kind="individual",
                    person=person,
                    award_type=award_type,
                    year=2023,
                    state=CandidateState.APPRAISED,
                    summary="Hoàn thành xuất sắc nhiệm vụ",
                )
            else:
                Candidate.objects.create(
                    dossier=dossier,
                    recipient_kind="collective",
                    unit=self.tree["TH1"],
                    award_type=award_type,
                    year=2023,
                    state=CandidateState.APPRAISED,
                )
        return dossier

    def session(self, council: Council, day: dt.date, members: list[CouncilMember] | None = None) -> Session:
        chair = members[0] if members else None
        secretary = members[-1] if members else None
        return services.session_create(
            actor=self.officer,
            council=council,
            title="Phiên họp xét khen thưởng",
            date=day,
            place="Hội trường UBND tỉnh",
            chair=chair,
            secretary=secretary,
        )

    def ready(
        self, award: str, day: dt.date, n_members: int, *, present: int | None = None, **rules
    ) -> tuple[Session, Ballot, list[CouncilMember]]:
        """A session on ``day`` with one candidate for ``award`` on the agenda, the first
        ``present`` members marked present, the ballot open (secret)."""
        council = self.council(**rules)
        members = self.members(council, n_members)
        session = self.session(council, day, members)
        [ballot] = services.agenda_add_dossier(
            actor=self.officer, session=session, dossier=self.dossier(award)
        )
        services.attendance_set(
            actor=self.officer, session=session, present=[m.pk for m in members[: present or n_members]]
        )
        ballot = services.ballot_open(actor=self.officer, ballot=ballot)
        return session, ballot, members


def vote_all(
    session: Session, ballot: Ballot, members: list[CouncilMember], n_for: int, n_against: int
) -> None:
    for m in members[:n_for]:
        services.vote_cast(actor=m.user, session=session, ballot_id=ballot.pk, choice="for")
    for m in members[n_for : n_for + n_against]:
        services.vote_cast(actor=m.user, session=session, ballot_id=ballot.pk, choice="against")


@pytest.fixture
def world(tree, province_officer) -> World:
    return World(tree, province_officer)
