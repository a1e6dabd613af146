"""Shapes of the directory API: what a client may send and what it gets back.

Every text field is NFC-normalised and stripped of invisible characters
*before* its length is checked (``CleanStr``), so a name typed on a phone in
NFD is measured the way it will be stored, and ``maxLength`` in the OpenAPI
schema is the column's real limit. Input models forbid unknown keys: a typo
such as ``fullname`` is refused instead of being silently ignored.
"""

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field, StringConstraints

from thidua.core.text import clean
from thidua.directory.enums import Gender, GroupKind, UnitKind

# Largest id a client may send: BIGINT's maximum. Beyond it SQLite raises
# OverflowError and PostgreSQL a DataError — both would be a 500.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PageNumber = Annotated[int, Field(ge=1, le=1_000_000)]
PageSize = Annotated[int, Field(ge=1, le=200)]
Version = Annotated[int, Field(ge=1, le=2**31 - 1)]


def _clean_if_text(value: Any) -> Any:
    # Only strings are cleaned: a number sent for a name must still be refused
    # as a wrong type, not turned into the text "5".
    return clean(value) if isinstance(value, str) else value


def CleanStr(max_length: int, *, min_length: int = 0) -> Any:
    """A string cleaned with :func:`thidua.core.text.clean`, then length-checked."""
    return Annotated[
        str,
        BeforeValidator(_clean_if_text),
        StringConstraints(max_length=max_length, min_length=min_length),
    ]


UnitCode = CleanStr(40, min_length=1)
UnitName = CleanStr(255, min_length=1)
FullName = CleanStr(120, min_length=1)
Position = CleanStr(255)
IdentityNumber = CleanStr(20)
SearchText = CleanStr(200)


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


# --- units -----------------------------------------------------------------


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: UnitKind
    parent: int | None = Field(None, description="Mã số (id) của đơn vị cấp trên.")
    valid_from: dt.date | None
    valid_to: dt.date | None
    depth: int = Field(description="Cấp trong cây (0 = gốc).")
    is_current: bool = Field(description="Đơn vị còn hiệu lực hôm nay.")
    version: int = Field(description="Gửi lại khi sửa (trường version hoặc tiêu đề If-Match).")

    @staticmethod
    def resolve_parent(obj: Any) -> int | None:
        return obj.parent_id


class UnitPage(Schema):
    items: list[UnitOut]
    count: int


class UnitIn(_In):
    code: UnitCode
    name: UnitName
    kind: UnitKind
    parent: Id | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class UnitPatch(_In):
    """Chỉ sửa các trường được gửi; ``"parent": null`` đưa đơn vị lên gốc cây."""

    code: UnitCode | None = None
    name: UnitName | None = None
    kind: UnitKind | None = None
    parent: Id | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    version: Version | None = Field(None, description="Phiên bản đã tải; sai thì trả về 409.")


# --- people ------------------------------------------------------------------


# Class docstrings of API schemas are shown to API users in the OpenAPI
# document, so they are written in Vietnamese; the reasons are in comments.


# ``identity_number`` is present only for users allowed to see it on the
# person's unit; for everyone else the key is absent (not null), so no client
# can show an empty value as if the number were not recorded.
class PersonOut(Schema):
    """Một cá nhân. Trường ``identity_number`` chỉ có khi người dùng được xem số định danh."""

    id: int
    full_name: str
    gender: Gender
    birth_date: dt.date | None
    unit: int
    position: str
    version: int
    identity_number: str | None = Field(
        None, description="Chỉ có khi người dùng có quyền xem số định danh tại đơn vị của cá nhân."
    )


class PersonPage(Schema):
    items: list[PersonOut]
    count: int


class PersonIn(_In):
    full_name: FullName
    gender: Gender
    birth_date: dt.date | None = None
    unit: Id
    position: Position = ""
    identity_number: IdentityNumber | None = None
    start_date: dt.date | None = Field(None, description="Ngày bắt đầu công tác tại đơn vị.")


class PersonPatch(_In):
    """Chỉ sửa các trường được gửi (``null`` xoá trường không bắt buộc). Đổi đơn vị dùng ``/move``."""

    full_name: FullName | None = None
    gender: Gender | None = None
    birth_date: dt.date | None = None
    position: Position | None = None
    identity_number: IdentityNumber | None = None
    version: Version | None = Field(None, description="Phiên bản đã tải; sai thì trả về 409.")


class PersonMoveIn(_In):
    unit: Id
    on: dt.date = Field(description="Ngày bắt đầu công tác tại đơn vị mới.")
    position: Position | None = None
    version: Version | None = None


class Change(Schema):
    field: str
    before: Any = None
    after: Any = None


class HistoryEntry(Schema):
    when: dt.datetime
    who: str
    origin: str
    action: str
    changes: list[Change]


class ErrorOut(Schema):
    """Lỗi: ``detail`` là câu tiếng Việt hiển thị được ngay; lỗi dữ liệu (422) có thêm
    ``errors`` (danh sách "trường: lỗi") và ``fields`` (trường → lỗi)."""

    detail: str
    code: str | None = None
    errors: list[str] | None = None
    fields: dict[str, str] | None = None


# --- list filters (query string) -------------------------------------------------


class _Page(Schema):
    page: PageNumber = Field(1, description="Trang, bắt đầu từ 1.")
    page_size: PageSize = Field(50, description="Số dòng mỗi trang (tối đa 200).")


class UnitFilters(_Page):
    q: SearchText | None = Field(None, description="Tìm theo tên hoặc mã, gõ không dấu được.")
    parent: Id | None = Field(None, description="Chỉ các đơn vị trực thuộc trực tiếp đơn vị này.")
    kind: UnitKind | None = None
    valid_on: dt.date | None = Field(
        None, description="Chỉ các đơn vị có hiệu lực vào ngày này (YYYY-MM-DD)."
    )


class PeopleFilters(_Page):
    q: SearchText | None = Field(None, description="Tìm theo họ tên, gõ không dấu được.")
    unit: Id | None = Field(None, description="Chỉ cá nhân của đơn vị này.")
    include_subunits: bool = Field(False, description="Gồm cả cá nhân của các đơn vị trực thuộc.")


# --- emulation blocks and clusters ------------------------------------------------

Year = Annotated[int, Field(ge=1945, le=2200)]
GroupCode = CleanStr(40, min_length=1)
GroupName = CleanStr(255, min_length=1)


class GroupOut(Schema):
    """Một khối thi đua (``block``) hoặc cụm thi đua (``cluster``)."""

    id: int
    kind: GroupKind
    code: str
    name: str
    organiser: int = Field(description="Mã số (id) của cơ quan tổ chức khối, cụm.")
    organiser_name: str
    member_count: int | None = Field(
        None, description="Số thành viên trong năm ``year`` của bộ lọc; null nếu không lọc theo năm."
    )


class GroupPage(Schema):
    items: list[GroupOut]
    count: int


class GroupMemberOut(Schema):
    unit: int
    unit_name: str
    year: int
    is_leader: bool = Field(description="Trưởng khối, cụm.")
    is_deputy: bool = Field(description="Phó khối, cụm.")


class GroupDetailOut(GroupOut):
    """Khối, cụm với danh sách thành viên (của năm ``year`` nếu có, không thì mọi năm)."""

    description: str
    years: list[int] = Field(description="Các năm khối, cụm có thành viên, mới nhất trước.")
    members: list[GroupMemberOut]


class GroupIn(_In):
    kind: GroupKind
    code: GroupCode
    name: GroupName
    organiser: Id = Field(description="Mã số (id) của cơ quan tổ chức.")


class GroupMemberIn(_In):
    unit: Id
    is_leader: bool = False
    is_deputy: bool = False


class GroupMembersIn(_In):
    """Toàn bộ thành viên của khối, cụm trong năm: thay thế danh sách cũ (tất cả hoặc không gì cả)."""

    members: list[GroupMemberIn] = Field(max_length=1000)


class GroupFilters(_Page):
    kind: GroupKind | None = Field(None, description="block = khối thi đua, cluster = cụm thi đua.")
    year: Year | None = Field(None, description="Năm để đếm thành viên (``member_count``).")


class GroupDetailFilters(Schema):
    year: Year | None = Field(None, description="Chỉ thành viên của năm này.")
