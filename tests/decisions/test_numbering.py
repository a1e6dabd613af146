"""The register under concurrent issuing: PostgreSQL, real threads, real locks.

SQLite serialises writers on the whole database, so the race this guards
against cannot happen there; the test is skipped."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from thidua.decisions import services
from thidua.decisions.models import DecisionCounter
from thidua.directory import services as directory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writes; the race needs PostgreSQL"
)

N = 8


@pytest.mark.django_db(transaction=True)
def test_parallel_issuing_never_duplicates_nor_skips(tree, leader, province_officer):
    decisions = []
    for i in range(N + 1):
        person = directory.person_create(
            actor=None, full_name=f"Người Số {chr(65 + i)}", gender="male", unit=tree["XA1"]
        )
        d = services.decision_create(
            actor=province_officer,
            issuer=tree["TINH"],
            decision_date=dt.date(2025, 3, 15),
            recipients=[services.RecipientInput(award_type="BK_TINH", year=2024, person=person)],
        )
        decisions.append(services.decision_sign(actor=leader, decision=d))
    # The register already has this year's first decision (its row exists: the
    # race is on the number, not on creating the row).
    assert services.decision_issue(actor=leader, decision=decisions.pop(0)).number == 1
    barrier = threading.Barrier(N)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def issue(decision):
        try:
            barrier.wait()
            numbers.append(services.decision_issue(actor=leader, decision=decision).number)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(d,)) for d in decisions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(numbers) == list(range(2, N + 2))
    assert DecisionCounter.objects.get(issuer=tree["TINH"], year=2025).last_number == N + 1


@pytest.mark.django_db(transaction=True)
def test_double_submit_in_parallel_issues_once(tree, people, leader, province_officer):
    d = services.decision_create(
        actor=province_officer,
        issuer=tree["TINH"],
        decision_date=dt.date(2025, 3, 15),
        recipients=[services.RecipientInput(award_type="BK_TINH", year=2024, person=people["lan"])],
    )
    services.decision_sign(actor=leader, decision=d)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def issue():
        try:
            barrier.wait()
            outcomes.append(services.decision_issue(actor=leader, decision=d).full_number)
        except services.DomainError as exc:
            outcomes.append(exc.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == [
        "1/QĐ-UBND",
        "Quyết định đã được ban hành với số 1/QĐ-UBND ngày 15/03/2025; không ban hành lại.",
    ]
    assert DecisionCounter.objects.get().last_number == 1
