"""Who sees which dossier, and what waits for whom (with overdue flags)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import make_user
from thidua.accounts.enums import Role
from thidua.nominations import selectors, services
from thidua.nominations.models import Dossier

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def act(who, d, action, **kw):
    d.refresh_from_db()
    return services.transition(actor=who, dossier=d, action=action, version=d.version, **kw)


def _at(monkeypatch, when: dt.datetime) -> None:
    monkeypatch.setattr("django.utils.timezone.now", lambda: when.astimezone(dt.UTC))


def test_scope_matrix(world, tree):
    draft = world.dossier(title="Dự thảo")
    sent = world.ready(title="Đã gửi")
    act(world.school_officer, sent, "submit")
    province_viewer = make_user("xemtinh", Role.VIEWER, tree["TINH"])
    other_commune = make_user("thuongtrucxa2", Role.STANDING_OFFICER, tree["XA2"])
    admin = make_user("quantri2", Role.ADMIN)

    def seen(user):
        return set(selectors.dossiers_for(user).values_list("title", flat=True))

    assert seen(world.school_officer) == {"Dự thảo", "Đã gửi"}
    assert seen(world.commune_standing) == {"Đã gửi"}  # the deciding body, not the drafts
    assert seen(world.province_standing) == {"Đã gửi"}  # the school is in its units
    assert seen(province_viewer) == {"Đã gửi"}
    assert seen(other_commune) == set()
    assert seen(world.other_officer) == set()
    assert seen(admin) == {"Dự thảo", "Đã gửi"}
    assert selectors.dossier_for(world.other_officer, sent.pk) is None
    assert selectors.dossier_for(world.school_officer, sent.code.lower()) == sent
    assert selectors.dossier_for(world.school_officer, "999999999999999999999") is None
    assert draft.pk  # used


def test_forwarded_copy_is_seen_by_the_higher_body(world):
    d = world.ready()
    for who, action in [(world.school_officer, "submit"), (world.commune_standing, "receive"),
                        (world.commune_standing, "appraise")]:  # fmt: skip
        act(who, d, action)
    act(world.commune_standing, d, "forward", to_unit=world.tree["TINH"])
    child = Dossier.objects.get(parent=d)
    assert child in selectors.dossiers_for(world.province_standing)
    assert child in selectors.dossiers_for(world.commune_standing)  # it sent it
    assert child not in selectors.dossiers_for(world.school_officer)  # the school sees its own dossier only
    groups = {g.key: g for g in selectors.queue_for(world.province_standing)}
    assert [i.dossier for i in groups["receive"].items] == [child]


def test_queues_with_overdue_days_inclusive_in_vietnam_time(world, monkeypatch):
    _at(monkeypatch, dt.datetime(2025, 6, 2, 9, 0, tzinfo=VN))
    d = world.ready()
    act(world.school_officer, d, "submit")
    Dossier.objects.filter(pk=d.pk).update(due_date=dt.date(2025, 6, 10))

    # 10/06 23:30 in Hà Nội is still the due day: not overdue.
    _at(monkeypatch, dt.datetime(2025, 6, 10, 23, 30, tzinfo=VN))
    (item,) = {g.key: g for g in selectors.queue_for(world.commune_standing)}["receive"].items
    assert item.due_date == dt.date(2025, 6, 10) and not item.overdue
    # 11/06 00:30 in Hà Nội (still 10/06 in UTC): one day overdue.
    _at(monkeypatch, dt.datetime(2025, 6, 11, 0, 30, tzinfo=VN))
    (item,) = {g.key: g for g in selectors.queue_for(world.commune_standing)}["receive"].items
    assert item.overdue and item.overdue_days == 1
    counts = selectors.home_counts(world.commune_standing)
    assert counts["waiting"] == 1 and counts["overdue"] == 1
    # The core provider gives the same figure to the home page.
    (section,) = [
        s for s in selectors.queue_sections(world.commune_standing) if s.key == "nominations.receive"
    ]
    assert section.count == 1 and section.overdue == 1 and section.items[0].url == f"/ho-so/{d.pk}/"


def test_empty_queues_say_why(world):
    groups = selectors.queue_for(world.commune_standing)
    assert [g.key for g in groups] == ["receive", "appraise", "appraised", "council_done", "forwarded"]
    assert all(not g.items and g.empty_text.startswith("Không có hồ sơ nào") and " vì " in g.empty_text
               for g in groups)  # fmt: skip
    assert [g.key for g in selectors.queue_for(world.school_officer)] == ["returned", "drafts"]
    assert selectors.queue_for(world.viewer) == []
    assert selectors.queue_for(world.member) == []


def test_returned_queue_carries_the_reasons(world):
    d = world.ready()
    act(world.school_officer, d, "submit")
    _gk, bk = d.candidates.order_by("id")
    act(world.commune_standing, d, "return", note="Bổ sung biên bản", reasons={bk.pk: "Thiếu xác nhận"})
    (item,) = {g.key: g for g in selectors.queue_for(world.school_officer)}["returned"].items
    assert item.reasons == ["Bổ sung biên bản", "Nguyễn Văn An: Thiếu xác nhận"]
    # Another school's officer has nothing returned.
    assert not {g.key: g for g in selectors.queue_for(world.other_officer)}["returned"].items


def test_filters(world):
    d = world.ready(title="Khen thưởng năm học")
    qs = selectors.dossiers_for(world.school_officer)
    assert list(selectors.filter_dossiers(qs, q="NGUYEN VAN AN")) == [d]
    assert list(selectors.filter_dossiers(qs, q="nam hoc")) == [d]
    assert list(selectors.filter_dossiers(qs, q="khong co")) == []
    assert list(selectors.filter_dossiers(qs, year=2024)) == []
    assert list(selectors.filter_dossiers(qs, unit=world.tree["TH2"])) == []
    assert list(selectors.filter_dossiers(qs, unit=world.tree["XA1"])) == [d]


def test_a_long_queue_shows_the_oldest_deadlines_first_and_counts_the_rest(world, monkeypatch):
    monkeypatch.setattr(selectors, "QUEUE_LIMIT", 2)
    today = dt.date(2025, 6, 20)
    for i, due in enumerate([dt.date(2025, 6, 25), dt.date(2025, 6, 1), None, dt.date(2025, 6, 10)]):
        Dossier.objects.create(
            code=f"HS-T-{i}", title=f"Hồ sơ {i}", proposer_unit=world.tree["TH1"],
            deciding_unit=world.tree["XA1"], state="submitted", due_date=due,
        )  # fmt: skip
    group = {g.key: g for g in selectors.queue_for(world.commune_standing, today)}["receive"]
    assert [i.dossier.code for i in group.items] == ["HS-T-1", "HS-T-3"]
    assert [i.overdue_days for i in group.items] == [19, 10]
    assert group.total == 4 and group.more == 2 and group.overdue_count == 2
