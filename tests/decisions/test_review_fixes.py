"""Review fixes in issuing and the work queue: the registry rows of a decision
are written set-based and audited in the issuing leader's name; the queue
counts every deciding body's waiting candidates in one grouped query; the
notice goes to the proposing units' officers found through accounts.scoping."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_user
from thidua.accounts.enums import Role
from thidua.awards.models import AwardRecord
from thidua.core.models import AuditEntry
from thidua.decisions import services
from thidua.decisions.selectors import queue_sections
from thidua.decisions.services.issuing import _officers_of
from thidua.directory import services as directory

DAY = dt.date(2025, 3, 10)


def _commune_decision(tree, officer, n: int, start: int = 0):
    people = [
        directory.person_create(
            actor=None,
            full_name=f"Nguyễn Văn {chr(65 + (start + i) % 26)}{chr(97 + (start + i) // 26)}",
            gender="male",
            unit=tree["XA1"],
        )
        for i in range(n)
    ]
    return services.decision_create(
        actor=officer,
        issuer=tree["XA1"],
        decision_date=DAY,
        recipients=[services.RecipientInput(award_type="GK", year=2024, person=p) for p in people],
    )


def _issue(decision, leader):
    services.decision_sign(actor=leader, decision=decision)
    with CaptureQueriesContext(connection) as queries:
        services.decision_issue(actor=leader, decision=decision)
    return len(queries)


def test_issuing_is_set_based_and_audited_in_the_leaders_name(tree, province_officer, commune_leader):
    few = _issue(_commune_decision(tree, province_officer, 3), commune_leader)
    many = _issue(_commune_decision(tree, province_officer, 30, start=3), commune_leader)
    # was ~18 queries a recipient (one registry write, rule book, duplicate check,
    # engine pass and audit row each); now one UPDATE of the line's certificate
    assert many - few <= 27 + 2
    records = AwardRecord.objects.filter(decision_number="2/QĐ-UBND")
    assert records.count() == 30
    assert {(r.source, r.prize_amount, r.certificate_number[:6]) for r in records[:1]} == {
        ("decision", 360_000, "2.001/")
    }
    entries = AuditEntry.objects.filter(action="award.create", object_type="awards.awardrecord")
    assert entries.count() == 33
    assert set(entries.values_list("actor_id", "actor_name")) == {(commune_leader.pk, "chutichxa1")}


def test_queue_counts_every_body_in_one_query(tree, nominate, people, province_officer):
    def waiting(deciding, who):
        dossier = nominate.dossier(proposer="XA1", deciding=deciding)
        for p in who:
            nominate.candidate(dossier, p, award="GK" if deciding != "TINH" else "CSTD_TINH")

    waiting("TINH", [people["lan"], people["mai"]])
    queue_sections(province_officer)  # the officer's roles are read once and kept
    with CaptureQueriesContext(connection) as one:
        [section] = queue_sections(province_officer)
    waiting("XA1", [people["binh"]])
    waiting("XA2", [people["hoa"], people["binh"]])
    with CaptureQueriesContext(connection) as three:
        [section] = queue_sections(province_officer)
    assert len(three) == len(one)
    assert [i.label for i in section.items] == [
        "Tỉnh Thử Nghiệm: 2 người, tập thể đã được Hội đồng thông qua",
        "Xã Một: 1 người, tập thể đã được Hội đồng thông qua",
        "Xã Hai: 2 người, tập thể đã được Hội đồng thông qua",
    ]
    # the grouped count is the drafting page's own list of candidates
    for unit in (tree["TINH"], tree["XA1"], tree["XA2"]):
        assert str(services.candidates_available(unit).count()) in " ".join(
            i.label for i in section.items if i.label.startswith(unit.name)
        )


def test_notice_recipients_come_from_the_scoping_helper(tree):
    xa1 = make_user("cb-xa1", Role.UNIT_OFFICER, tree["XA1"])
    province = make_user("cb-tinh", Role.UNIT_OFFICER, tree["TINH"])  # covers the subtree
    make_user("cb-xa2", Role.UNIT_OFFICER, tree["XA2"])
    make_user("tt-tinh", Role.STANDING_OFFICER, tree["TINH"])  # not a unit officer: no notice
    gone = make_user("cb-xa1-cu", Role.UNIT_OFFICER, tree["XA1"])
    gone.is_active = False
    gone.save()
    assert sorted(u.username for u in _officers_of({tree["TH1"].pk})) == sorted(
        [xa1.username, province.username]
    )
    with CaptureQueriesContext(connection) as before:
        _officers_of({tree["TH1"].pk})
    for i in range(10):
        make_user(f"cb-khac-{i}", Role.UNIT_OFFICER, tree["XA2"])
    with CaptureQueriesContext(connection) as after:
        _officers_of({tree["TH1"].pk})
    assert len(after) == len(before)
