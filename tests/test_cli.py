"""The ``thidua`` console commands: documented, token, createuser, demo, and
the installed console script itself."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import make_user
from thidua.accounts.enums import Role
from thidua.accounts.models import ApiToken, RoleAssignment, User
from thidua.accounts.services import token_user
from thidua.core.models import AuditEntry
from thidua.core.text import fold, person_sort_key, split_name
from thidua.directory.models import (
    EmulationGroup,
    GroupMembership,
    Person,
    PersonPosting,
    Unit,
    UnitSuccession,
)

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "cli.md"
DEMO_PASSWORD = "mau-thu-2024"


def _commands() -> list[str]:
    return sorted(
        p.stem
        for p in (ROOT / "src" / "thidua").glob("*/management/commands/*.py")
        if not p.stem.startswith("_")
    )


# --- documentation ---------------------------------------------------------------------


def test_every_subcommand_is_documented_in_docs_cli():
    headings = [line for line in DOCS.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    commands = _commands()
    assert {"serve", "demo", "createuser", "token"} <= set(commands)
    undocumented = [
        name
        for name in commands
        if not any(re.search(rf"\bthidua {re.escape(name)}\b", heading) for heading in headings)
    ]
    assert undocumented == [], f"docs/cli.md không có mục cho: {', '.join(undocumented)}"


def test_docs_cli_mentions_django_commands():
    text = DOCS.read_text(encoding="utf-8")
    for name in ("migrate", "createsuperuser", "db_worker"):
        assert f"thidua {name}" in text


# --- token -----------------------------------------------------------------------------------


def test_token_prints_a_working_token_on_the_last_line(db):
    user = make_user("canbo", Role.ADMIN)
    out, err = io.StringIO(), io.StringIO()
    call_command("token", "canbo", "--name", "đồng bộ", stdout=out, stderr=err)
    key = out.getvalue().strip().splitlines()[-1]
    assert key.startswith("td_")
    assert token_user(key) == user
    assert "chỉ hiển thị một lần" in err.getvalue()
    token = ApiToken.objects.get(user=user)
    assert token.name == "đồng bộ"
    assert token.key_hash != key  # only the hash is kept
    entry = AuditEntry.objects.get(action="token.create")
    assert entry.actor_name == "cli"


def test_token_for_unknown_user_is_an_error(db):
    with pytest.raises(CommandError, match="Không có người dùng «khongco»"):
        call_command("token", "khongco", stdout=io.StringIO(), stderr=io.StringIO())


# --- createuser ----------------------------------------------------------------------------


def test_createuser_creates_a_scoped_role(tree):
    out = io.StringIO()
    call_command(
        "createuser",
        "canboxa1",
        "--role",
        "unit_officer",
        "--unit",
        "XA1",
        "--full-name",
        "Lò Thị Xiêm",
        "--password",
        "matkhau-xa1",
        stdout=out,
    )
    assert out.getvalue().strip() == "Đã tạo người dùng canboxa1 (Cán bộ TĐKT đơn vị)."
    user = User.objects.get(username="canboxa1")
    assert user.full_name == "Lò Thị Xiêm"
    assert authenticate(username="canboxa1", password="matkhau-xa1") == user
    assignment = RoleAssignment.objects.get(user=user)
    assert (assignment.role, assignment.unit, assignment.include_subunits) == (
        Role.UNIT_OFFICER,
        tree["XA1"],
        True,
    )


def test_createuser_only_unit(tree):
    call_command(
        "createuser", "chixem2", "--role", "viewer", "--unit", "TINH", "--only-unit",
        "--password", "x-1234567", stdout=io.StringIO(),
    )  # fmt: skip
    assignment = RoleAssignment.objects.get(user__username="chixem2")
    assert (assignment.unit, assignment.include_subunits) == (tree["TINH"], False)


def test_createuser_unknown_unit_is_an_error_and_creates_nothing(tree):
    with pytest.raises(CommandError, match="Không có đơn vị mã «KHONGCO»"):
        call_command(
            "createuser", "ai", "--role", "viewer", "--unit", "KHONGCO", "--password", "x",
            stdout=io.StringIO(),
        )  # fmt: skip
    assert not User.objects.filter(username="ai").exists()


def test_createuser_scoped_role_without_unit_is_refused(tree):
    with pytest.raises(CommandError, match="Vai trò này phải gắn với một đơn vị"):
        call_command("createuser", "ai", "--role", "approver", "--password", "x", stdout=io.StringIO())
    assert not User.objects.filter(username="ai").exists()


# --- demo ----------------------------------------------------------------------------------

LOCALITIES = {
    "LUONGSON": "Huyện Lương Sơn",
    "HONGLINH": "Thị xã Hồng Lĩnh",
    "KIENLUONG": "Huyện Kiên Lương",
    "MINHLONG": "Huyện Minh Long",
    "MUONGLA": "Huyện Mường La",
}


def _counts() -> dict[str, int]:
    models = (Unit, UnitSuccession, Person, PersonPosting, EmulationGroup, GroupMembership, User)
    counts = {m.__name__: m.objects.count() for m in models}
    counts["RoleAssignment"] = RoleAssignment.objects.count()
    counts["AuditEntry"] = AuditEntry.objects.count()
    return counts


def test_demo(db):
    """One load (it takes seconds), then each aspect checked in turn."""
    out = io.StringIO()
    call_command("demo", "--password", DEMO_PASSWORD, stdout=out)
    output = out.getvalue()
    assert output.startswith("Đã nạp dữ liệu mẫu trong ")
    _check_localities()
    _check_people()
    _check_blocks_and_clusters()
    _check_users(output)
    _check_audit()
    _check_award_history(output)
    _check_second_run_changes_nothing()


def _check_award_history(output: str) -> None:
    """The awards demo: LĐTT only for people rated HTTNV or better, decided by the district with the prize of the day."""
    from thidua.awards.models import AwardRecord, Rating

    assert "Khen thưởng mẫu: " in output
    ldtt = AwardRecord.objects.filter(award_type__code="LDTT", year=2023, authority__name="Huyện Minh Long")
    assert ldtt.exists()
    for record in ldtt.select_related("person")[:20]:
        assert Rating.objects.get(person=record.person, year=2023).grade in {"HTXSNV", "HTTNV"}
        # 0,3 × 1.800.000 (lương cơ sở từ 1/7/2023), quyết định ngày 20/01/2024
        assert (record.prize_coefficient, record.base_salary, record.prize_amount) == (
            Decimal("0.30"),
            1_800_000,
            540_000,
        )
    assert AwardRecord.objects.filter(award_type__code="CSTD_CS", missing_basis=False).exists()


def _check_localities() -> None:
    for slug, district_name in LOCALITIES.items():
        district = Unit.objects.get(kind="district", name=district_name)
        assert district.valid_to == dt.date(2025, 6, 30)
        office = Unit.objects.get(code=f"{slug}-PNV")
        assert office.parent == district
        assert office.name == f"Phòng Nội vụ {district_name[0].lower()}{district_name[1:]}"
        for suffix in ("VP", "PTCKH", "PGDDT", "PYT", "PVHTT", "PTNMT", "TTYT", "MTTQ", "HLHPN"):
            assert Unit.objects.filter(code=f"{slug}-{suffix}", path__startswith=district.path).exists(), (
                slug,
                suffix,
            )
        # The cooperative outlives the district: since 1/7/2025 it is under a new commune.
        coop = Unit.objects.get(code=f"{slug}-HTX")
        assert (coop.kind, coop.parent.kind, coop.parent.valid_from) == (
            "enterprise",
            "commune",
            dt.date(2025, 7, 1),
        )
        assert Unit.objects.filter(code__startswith=f"{slug}-", kind="school").count() >= 3
        assert Unit.objects.filter(code__startswith=f"{slug}-", kind="village").exists()
        assert Unit.objects.filter(code__startswith=f"{slug}-", kind="health").count() >= 3
    assert Unit.objects.get(code="MUONGLA-THCS-ITONG").name == "Trường THCS Ít Ong"
    # After 1/7/2025 the school belongs to the commune that succeeded Thị trấn Ít Ong.
    school = Unit.objects.get(code="MUONGLA-THCS-ITONG")
    old = Unit.objects.get(kind="commune", name="Thị trấn Ít Ong", parent__name="Huyện Mường La")
    assert school.parent in {link.successor for link in old.successions.all()}
    assert school.path.startswith(school.parent.path)
    # The province level: Sở Nội vụ with its Ban Thi đua – Khen thưởng.
    ban = Unit.objects.get(code="SONLA-SNV-BTDKT")
    assert ban.name == "Ban Thi đua – Khen thưởng"
    assert ban.parent.name == "Sở Nội vụ tỉnh Sơn La"
    assert ban.parent.parent.name == "Tỉnh Sơn La"
    assert Unit.objects.filter(code__endswith="-SNV-BTDKT").count() == 5
    # The new communes have their own bodies.
    assert Unit.objects.filter(code__endswith="-PVHXH", valid_from=dt.date(2025, 7, 1)).count() >= 10


def _check_people() -> None:
    people = list(Person.objects.all())
    assert 500 <= len(people) <= 1000
    for p in people:
        assert unicodedata.is_normalized("NFC", p.full_name), p.full_name
        assert p.search_key == fold(p.full_name)
        assert p.sort_key == person_sort_key(p.full_name)
        assert p.given_name == split_name(p.full_name)[1]
        assert dt.date(1965, 1, 1) <= p.birth_date <= dt.date(2000, 12, 31)
        assert p.position
    families = [p.full_name.split(" ")[0] for p in people]
    assert families.count("Nguyễn") > families.count("Trần") > 0
    assert {"Lò", "Quàng", "Cầm"} <= set(families)  # Thái names in Mường La
    idents = [p.identity_number for p in people if p.identity_number]
    assert len(idents) > 100
    assert len(set(idents)) == len(idents)
    assert all(re.fullmatch(r"\d{12}", i) for i in idents)
    # Moves show as postings: one open posting per person, older ones closed.
    moved = Person.objects.filter(postings__end_date=dt.date(2025, 6, 30)).distinct()
    assert moved.count() >= 100
    for p in moved[:20]:
        postings = list(p.postings.order_by("start_date"))
        assert postings[-1].end_date is None and postings[-1].unit_id == p.unit_id
        assert postings[-1].start_date == dt.date(2025, 7, 1)
    assert PersonPosting.objects.filter(end_date__isnull=True).count() == len(people)


def _check_blocks_and_clusters() -> None:
    district = Unit.objects.get(kind="district", name="Huyện Mường La")
    blocks = EmulationGroup.objects.filter(organiser=district, kind="block")
    assert set(blocks.values_list("name", flat=True)) == {
        "Khối các cơ quan Đảng, đoàn thể huyện Mường La",
        "Khối các phòng chuyên môn huyện Mường La",
        "Khối trường học huyện Mường La",
    }
    assert EmulationGroup.objects.filter(organiser=district, kind="cluster").count() == 2
    province = Unit.objects.get(code="SONLA-SNV").parent
    cluster = EmulationGroup.objects.get(organiser=province, kind="cluster")
    assert cluster.name == "Cụm thi đua các xã, phường khu vực Mường La"
    assert set(cluster.memberships.values_list("year", flat=True)) >= {2025}
    for group in EmulationGroup.objects.all():
        years = set(group.memberships.values_list("year", flat=True))
        assert years
        for year in years:
            members = GroupMembership.objects.filter(group=group, year=year)
            assert members.filter(is_leader=True).count() == 1, (group.name, year)
    for slug in LOCALITIES:
        years = set(GroupMembership.objects.filter(group__code=f"{slug}-KPCM").values_list("year", flat=True))
        assert years == {2022, 2023, 2024, 2025}


def _check_users(demo: str) -> None:
    for role in Role.values:
        assignment = RoleAssignment.objects.filter(role=role).select_related("user").first()
        assert assignment is not None, role
        assert authenticate(username=assignment.user.username, password=DEMO_PASSWORD) == assignment.user
        assert f"{assignment.user.username} " in demo  # listed in the table with its password
    admin = RoleAssignment.objects.get(user__username="admin")
    assert (admin.role, admin.unit) == (Role.ADMIN, None)
    standing = RoleAssignment.objects.get(user__username="thuongtruc")
    assert (standing.role, standing.unit.name) == (Role.STANDING_OFFICER, "Tỉnh Sơn La")
    officer = RoleAssignment.objects.get(user__username="canbo_donvi")
    assert (officer.role, officer.unit.code) == (Role.UNIT_OFFICER, "MUONGLA-THCS-ITONG")
    assert DEMO_PASSWORD in demo


def _check_audit() -> None:
    assert AuditEntry.objects.filter(action="person.create").count() == Person.objects.count()
    assert not AuditEntry.objects.exclude(origin="cli").exists()
    summary = AuditEntry.objects.get(action="demo.load")
    assert summary.after["people"] == Person.objects.count()


def _check_second_run_changes_nothing() -> None:
    before = _counts()
    out = io.StringIO()
    call_command("demo", "--password", "khac", stdout=out)
    assert "đã được nạp" in out.getvalue()
    assert _counts() == before
    assert authenticate(username="admin", password=DEMO_PASSWORD) is not None


def test_demo_random_passwords_are_printed_once(db):
    out = io.StringIO()
    call_command("demo", stdout=out)
    table = out.getvalue().splitlines()
    row = next(line for line in table if line.startswith("admin "))
    password = row.split()[-1]
    assert len(password) >= 10
    assert authenticate(username="admin", password=password) is not None
    stored = User.objects.get(username="admin").password
    assert password not in stored


# --- the console script -------------------------------------------------------------------------


def test_console_script_help(tmp_path):
    script = ROOT / ".venv" / "bin" / "thidua"
    if not script.exists():
        pytest.skip(".venv/bin/thidua is not installed")
    env = {**os.environ, "THIDUA_DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(  # noqa: S603
        [str(script), "--help"], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    for name in _commands():
        assert name in result.stdout
