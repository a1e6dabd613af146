"""Disciplinary measures of collectives (a unit's own measure, not its members'):
recorded through the service, the API and the XLSX import (audited per record),
and read set-based by the eligibility engine — D152 art. 4 bars proposing
"cá nhân, tập thể" under a measure or an open review."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.awards.test_engine import D98, D152, build_unit, crit, judge
from tests.awards.test_imports_more import D_HEADER, refused, xlsx
from tests.conftest import Api
from thidua.awards import engine, imports, services
from thidua.awards.engine import Candidate
from thidua.awards.models import Discipline, Initiative
from thidua.core.errors import DomainError, PermissionDenied
from thidua.core.models import AuditEntry
from thidua.directory import services as directory

D_UNIT_HEADER = [*D_HEADER[:3], "Mã tập thể", *D_HEADER[3:]]


def unit_discipline(unit, measure: str, start: dt.date, end: dt.date | None = None, number: str = ""):
    return Discipline.objects.create(
        unit=unit, measure=measure, start_date=start, end_date=end, decision_number=number, owner_unit=unit
    )


# --- the engine: met / not met / unknown ------------------------------------------------------


@pytest.mark.parametrize(("as_of", "citation"), [(D98, "Luật TĐKT 06/2022/QH15 Điều 5; NĐ 98/2023"),
                                                 (D152, "NĐ 152/2025 Điều 4")])  # fmt: skip
def test_ttldxs_collective_under_warning_is_not_eligible(mk, as_of, citation):
    unit, _ = build_unit(mk, 2024)
    v = judge("TTLDXS", 2024, as_of, unit=unit)
    assert v.status == "eligible"
    c = crit(v, "no_discipline")
    assert (c.met, c.message, c.citation) == (True, "Tập thể không bị kỷ luật trong năm 2024 ✓", citation)
    unit_discipline(unit, "canh_cao", dt.date(2024, 4, 1), dt.date(2025, 4, 1), number="12/QĐ-KL")
    v = judge("TTLDXS", 2024, as_of, unit=unit)
    assert (v.status, v.eligible) == ("not_eligible", False)
    c = crit(v, "no_discipline")
    assert c.message == "Tập thể bị kỷ luật: Cảnh cáo từ 01/04/2024 đến 01/04/2025 ✗ (QĐ 12/QĐ-KL)"
    assert c.facts == ["QĐ 12/QĐ-KL"]
    assert v.missing == ["còn thiếu: không bị kỷ luật trong năm 2024"]


def test_open_review_of_the_collective_on_the_dossier_date_blocks(mk):
    """An inspection opened after the achievement year but running when the dossier is received."""
    unit, _ = build_unit(mk, 2024)
    unit_discipline(unit, "dang_xem_xet", dt.date(2025, 8, 1))
    v = judge("TTLDXS", 2024, D152, unit=unit)
    assert v.status == "not_eligible"
    assert crit(v, "no_discipline").message == (
        "Tập thể bị kỷ luật: Đang xem xét kỷ luật, thanh tra, điều tra từ 01/08/2025 (đang thi hành) ✗"
    )


def test_a_members_measure_is_not_the_collectives(mk):
    """Art. 27(1) has no member discipline clause; a member's measure is not the unit's own."""
    unit, people = build_unit(mk, 2024)
    mk.discipline(people[0], "canh_cao", dt.date(2024, 3, 1))
    v = judge("TTLDXS", 2024, D98, unit=unit)
    assert v.status == "eligible"
    assert crit(v, "no_discipline").message == "Tập thể không bị kỷ luật trong năm 2024 ✓"


def test_ended_collective_measure_breaks_the_bk_tinh_chain(mk):
    """BK_TINH for a collective: 2 consecutive TTLDXS; a measure that ended in 2023 leaves only
    achievements after its end — the 2023 title no longer counts (D152 art. 4)."""
    unit = mk.tree["TH1"]
    mk.award(unit, "TTLDXS", 2023)
    mk.award(unit, "TTLDXS", 2024)
    assert judge("BK_TINH", 2024, D152, unit=unit).status == "eligible"
    unit_discipline(unit, "khien_trach", dt.date(2022, 6, 1), dt.date(2023, 5, 31))
    v = judge("BK_TINH", 2024, D152, unit=unit)
    assert crit(v, "no_discipline").message == (
        "Tập thể không bị kỷ luật trong năm 2024 ✓ (kỷ luật đã chấp hành xong ngày 31/05/2023: "
        "chỉ tính thành tích sau ngày này)"
    )
    assert crit(v, "holds_chain:TTLDXS").met is False
    assert v.status != "eligible"


def test_ttldtt_unknown_members_stay_for_review_even_without_a_measure(mk):
    """TTLDTT: the unit's own record is clean (met), but with no members known the member
    criteria are unknown: "cần xem xét", never a silent yes."""
    unit = mk.tree["XA2"]
    mk.rating(unit, 2024, "HTTNV")
    v = judge("TTLDTT", 2024, D152, unit=unit)
    assert crit(v, "no_discipline").met is True
    c = crit(v, "members_no_discipline")
    assert (c.met, c.message) == (
        None,
        "Chưa có danh sách thành viên của tập thể trong năm 2024 — cần xem xét",
    )
    assert (v.status, v.eligible) == ("needs_review", None)
    unit_discipline(unit, "canh_cao", dt.date(2024, 2, 1))
    assert judge("TTLDTT", 2024, D152, unit=unit).status == "not_eligible"


def test_units_are_judged_set_based(mk):
    """The collective's measures load with one query per chunk: three units cost what one does."""
    units = [mk.tree[code] for code in ("TH1", "TH2", "XA2")]
    for unit in units:
        mk.award(unit, "TTLDXS", 2023)
        mk.award(unit, "TTLDXS", 2024)
    unit_discipline(units[1], "canh_cao", dt.date(2024, 1, 10))

    def run(chosen):
        with CaptureQueriesContext(connection) as ctx:
            verdicts = engine.check([Candidate("BK_TINH", 2024, unit_id=u.pk) for u in chosen], as_of=D152)
        return [v.status for v in verdicts], len(ctx.captured_queries)

    one, queries_one = run(units[:1])
    three, queries_three = run(units)
    assert one == ["eligible"]
    assert three == ["eligible", "not_eligible", "eligible"]
    assert queries_three == queries_one


# --- the service and the API --------------------------------------------------------------------


def test_service_records_a_collective_measure_with_audit(tree, commune1_officer):
    d = services.discipline_create(
        actor=commune1_officer,
        unit=tree["TH1"],
        measure="khien_trach",
        start_date=dt.date(2024, 5, 1),
        decision_number="4/QĐ-UBND",
    )
    assert (d.unit, d.person, d.owner_unit) == (tree["TH1"], None, tree["TH1"])
    entry = AuditEntry.objects.get(action="discipline.create", object_id=str(d.pk))
    assert (entry.after["unit"], entry.after["person"], entry.after["measure"]) == (
        tree["TH1"].pk,
        None,
        "khien_trach",
    )


def test_service_refusals_write_nothing(tree, commune1_officer):
    person = directory.person_create(actor=None, full_name="Lê Thị Hoa", gender="female", unit=tree["TH1"])
    cases = [
        (
            {"unit": tree["TH1"], "measure": "cach_chuc"},
            "Hình thức «Cách chức» không áp dụng cho tập thể: chọn Khiển trách, Cảnh cáo, Giải tán (tập thể), "
            "Đang xem xét kỷ luật, thanh tra, điều tra.",
        ),
        ({"person": person, "measure": "giai_tan"}, "Hình thức «Giải tán» chỉ áp dụng cho tập thể."),
        (
            {"person": person, "unit": tree["TH1"], "measure": "canh_cao"},
            "Phải chọn đúng một đối tượng bị kỷ luật: cá nhân hoặc tập thể.",
        ),
    ]
    for kwargs, message in cases:
        with pytest.raises(DomainError) as info:
            services.discipline_create(actor=commune1_officer, start_date=dt.date(2024, 1, 1), **kwargs)
        assert info.value.message == message
    with pytest.raises(PermissionDenied):
        services.discipline_create(
            actor=commune1_officer, unit=tree["TH2"], measure="canh_cao", start_date=dt.date(2024, 1, 1)
        )
    assert Discipline.objects.count() == 0
    assert not AuditEntry.objects.filter(action="discipline.create").exists()


def test_api_collective_discipline(tree, commune1_officer):
    api = Api(commune1_officer)
    r = api.post(
        "/api/v1/disciplines/",
        {"unit": tree["TH1"].pk, "measure": "giai_tan", "start_date": "2024-06-01", "note": "Chi bộ"},
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    assert (body["unit"], body["person"], body["measure"], body["owner_unit"]) == (
        tree["TH1"].pk,
        None,
        "giai_tan",
        tree["TH1"].pk,
    )
    listed = api.get("/api/v1/disciplines/", {"unit": tree["XA1"].pk, "include_subunits": True}).json()
    assert [i["unit"] for i in listed["items"]] == [tree["TH1"].pk]
    r = api.post("/api/v1/disciplines/", {"measure": "canh_cao", "start_date": "2024-06-01"})
    assert (r.status_code, r.json()["detail"]) == (
        422,
        "Phải gửi đúng một trong hai trường person (cá nhân) hoặc unit (tập thể).",
    )
    r = api.post(
        "/api/v1/disciplines/", {"unit": tree["TH2"].pk, "measure": "canh_cao", "start_date": "2024-06-01"}
    )
    assert r.status_code == 403
    assert Discipline.objects.count() == 1


# --- the XLSX import: collectives, and one audit row per record ----------------------------------


def test_import_people_and_collectives_with_an_audit_row_each(tree):
    an = directory.person_create(actor=None, full_name="Nguyễn Văn An", gender="male", unit=tree["TH1"])
    data = xlsx(
        [
            ["Nguyễn Văn An", None, "TH1", None, "Khiển trách", "01/03/2024", "01/03/2025", "5/QĐ"],
            [None, None, None, "TH2", "Cảnh cáo", "01/02/2024", None, "6/QĐ"],
            [None, None, None, "XA1", "dang xem xet ky luat, thanh tra, dieu tra", "10/10/2025", None, ""],
        ],
        D_UNIT_HEADER,
    )
    result = imports.import_file(actor=None, file=data, name="kl.xlsx", kind="disciplines")
    assert result.created_count == 3
    assert Discipline.objects.get(person=an).measure == "khien_trach"
    th2 = Discipline.objects.get(unit=tree["TH2"])
    assert (th2.measure, th2.start_date, th2.end_date, th2.owner_unit) == (
        "canh_cao",
        dt.date(2024, 2, 1),
        None,
        tree["TH2"],
    )
    assert Discipline.objects.get(unit=tree["XA1"]).measure == "dang_xem_xet"
    per_record = AuditEntry.objects.filter(action="discipline.create").order_by("object_id")
    assert sorted(int(e.object_id) for e in per_record) == sorted(
        Discipline.objects.values_list("pk", flat=True)
    )
    assert {e.after["file"] for e in per_record} == {"kl.xlsx"}
    assert AuditEntry.objects.get(action="discipline.import").after == {"created": 3, "file": "kl.xlsx"}


def test_import_refuses_a_person_only_measure_for_a_collective(tree):
    unit_discipline(tree["TH1"], "canh_cao", dt.date(2023, 1, 1))
    data = xlsx(
        [
            [None, None, None, "TH2", "Cách chức", "01/02/2024", None, ""],
            [None, None, None, "TH1", "Cảnh cáo", "01/01/2023", None, ""],
            [None, None, None, "TH2", "Khiển trách", "01/02/2024", None, ""],
            [None, None, None, "TH2", "khien trach", "01/02/2024", None, ""],
        ],
        D_UNIT_HEADER,
    )
    assert refused(data, "disciplines") == [
        (
            2,
            "Hình thức kỷ luật",
            "Hình thức «Cách chức» không áp dụng cho tập thể: chọn Khiển trách, Cảnh cáo, Giải tán (tập thể), "
            "Đang xem xét kỷ luật, thanh tra, điều tra.",
        ),
        (3, "Hình thức kỷ luật", "Tập thể «TH1» đã có kỷ luật Cảnh cáo từ ngày 01/01/2023 trong hệ thống."),
        (5, "Hình thức kỷ luật", "Trùng với dòng 4 (cùng tập thể, hình thức kỷ luật, từ ngày)."),
    ]


def test_initiative_import_writes_an_audit_row_per_initiative(tree):
    from tests.awards.test_imports_more import I_HEADER

    for name in ("Nguyễn Văn An", "Trần Thị Bình"):
        directory.person_create(actor=None, full_name=name, gender="male", unit=tree["TH1"])
    data = xlsx(
        [
            ["Sổ điểm điện tử", "Nguyễn Văn An; Trần Thị Bình", "TH1", 2024, "Cơ sở", "", "", None, ""],
            ["Thư viện số", "Trần Thị Bình", "TH1", 2024, "Tỉnh", "", "", None, "Có"],
        ],
        I_HEADER,
    )
    imports.import_file(actor=None, file=data, name="sk.xlsx", kind="initiatives")
    rows = {e.after["title"]: e for e in AuditEntry.objects.filter(action="initiative.create")}
    assert set(rows) == {"Sổ điểm điện tử", "Thư viện số"}
    by_title = {i.title: i for i in Initiative.objects.prefetch_related("authors")}
    for title, entry in rows.items():
        assert entry.object_id == str(by_title[title].pk)
        assert sorted(entry.after["authors"]) == sorted(a.pk for a in by_title[title].authors.all())
        assert entry.after["file"] == "sk.xlsx"
    assert AuditEntry.objects.filter(action="initiative.import").count() == 1


# --- the data migration reaches databases loaded before collective discipline was modelled ----------


def test_migration_0005_adds_the_collective_discipline_criterion(mk):
    """0005: a TTLDXS rule records already use keeps its row (their rule) and gets a corrected row
    beside it; an unused TTLDTT rule is corrected in place; the rule set's legal basis (the
    decisions' "Căn cứ" lines, names of documents only) is brought back to the shipped text."""
    import importlib

    from django.apps import apps as global_apps

    from thidua.awards.models import AwardRecord, AwardRule, RuleSet

    rs = RuleSet.objects.get(code="L2022-D152")
    xs = AwardRule.objects.get(rule_set=rs, award_type__code="TTLDXS", issuer__isnull=True)
    tt = AwardRule.objects.get(rule_set=rs, award_type__code="TTLDTT", issuer__isnull=True)
    shipped_xs, shipped_tt = xs.criteria, tt.criteria

    def without_discipline(tree):
        return {"all": [leaf for leaf in tree["all"] if leaf.get("pred") != "no_discipline"]}

    AwardRule.objects.filter(pk=xs.pk).update(criteria=without_discipline(shipped_xs))
    AwardRule.objects.filter(pk=tt.pk).update(criteria=without_discipline(shipped_tt))
    RuleSet.objects.filter(pk=rs.pk).update(legal_basis="Luật Thi đua, khen thưởng số 06/2022/QH15")
    shipped_basis = "Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định 152/2025/NĐ-CP"
    unit, _ = build_unit(mk, 2024)
    old_record = mk.award(mk.tree["TH2"], "TTLDXS", 2024)
    AwardRecord.objects.filter(pk=old_record.pk).update(rule=xs)
    unit_discipline(unit, "canh_cao", dt.date(2024, 3, 1))
    assert judge("TTLDXS", 2024, D152, unit=unit).status == "eligible"  # the old data cannot see it

    importlib.import_module("thidua.awards.migrations.0005_rules_collective_discipline").forwards(
        global_apps, None
    )

    tt.refresh_from_db()
    assert tt.criteria == shipped_tt
    xs.refresh_from_db()
    assert xs.criteria == without_discipline(shipped_xs)  # kept for the record decided under it
    new = AwardRule.objects.filter(rule_set=rs, award_type__code="TTLDXS").exclude(pk=xs.pk).get()
    assert new.criteria == shipped_xs
    v = judge("TTLDXS", 2024, D152, unit=unit)
    assert (v.rule_id, v.status) == (new.pk, "not_eligible")
    assert RuleSet.objects.get(pk=rs.pk).legal_basis == shipped_basis
