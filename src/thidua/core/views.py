"""Pages that belong to no single domain: the home page and the login form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import has_perm, people_for, units_for
from thidua.core import queues

# The modules of the system, in the order of the work: the home page shows
# what exists and what is coming, so users are not left guessing.
MODULES: list[dict[str, Any]] = [
    {
        "title": "Đơn vị và cá nhân",
        "text": "Cây đơn vị hành chính, cơ quan, trường học; danh sách cá nhân và quá trình công tác.",
        "links": [
            ("Đơn vị", "directory:units"),
            ("Cá nhân", "directory:people"),
            ("Khối, Cụm", "directory:groups"),
        ],
    },
    {
        "title": "Khen thưởng",
        "text": "Danh hiệu, hình thức khen thưởng, sổ theo dõi khen thưởng và xét điều kiện.",
        "links": [
            ("Sổ khen thưởng", "awards:registry"),
            ("Xét điều kiện", "awards:eligibility"),
            ("Danh mục", "awards:catalogue"),
        ],
    },
    {
        "title": "Phong trào thi đua",
        "text": "Phát động, đăng ký, giao ước, chỉ tiêu và nhiệm vụ, chấm điểm Khối/Cụm, sơ kết, tổng kết.",
        "links": [("Phong trào", "movements:index")],
    },
    {
        "title": "Hồ sơ đề nghị",
        "text": "Lập, trình, thẩm định, công khai hồ sơ đề nghị khen thưởng; trình cấp trên.",
        "links": [("Hồ sơ", "nominations:index"), ("Đang công khai", "nominations:public_list")],
    },
    {
        "title": "Hội đồng TĐKT",
        "text": "Phiên họp, bỏ phiếu kín trực tuyến, biên bản họp.",
        "links": [("Hội đồng", "council:index")],
    },
    {
        "title": "Quyết định khen thưởng",
        "text": "Dự thảo, ký, ban hành quyết định; giấy chứng nhận có mã QR; hủy bỏ khen thưởng.",
        "links": [("Quyết định", "decisions:index")],
    },
    {
        "title": "Cuộc thi trực tuyến",
        "text": "Tổ chức cuộc thi tìm hiểu trực tuyến, xếp hạng, trao giải, thống kê.",
        "links": [("Cuộc thi", "contests:index")],
    },
    {
        "title": "Báo cáo",
        "text": "Số liệu, báo cáo tổng kết, biểu thống kê, biểu đồ.",
        "links": [("Báo cáo", "reports:index")],
    },
]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page: modules, and how many units and people the user can see."""
    user = request.user
    context = {
        "modules": MODULES,
        "unit_count": units_for(user, Perm.VIEW_DIRECTORY).count(),
        "people_count": people_for(user, Perm.VIEW_DIRECTORY).count(),
        "can_add_person": has_perm(user, Perm.EDIT_PERSON),
        "sections": [s for s in queues.collect(user) if s.count],
    }
    return render(request, "core/home.html", context)


@login_required
def work_queue(request: HttpRequest) -> HttpResponse:
    """Việc cần làm: every section that applies to the user's roles, empty ones
    included with the reason they are empty (users must not wonder why)."""
    return render(request, "core/queue.html", {"sections": queues.collect(request.user)})


class LoginForm(AuthenticationForm):
    """Django's login form with the wording Vietnamese offices expect.

    One message for an unknown user and a wrong password alike, so the form
    does not tell an attacker which user names exist."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "inactive": "Tài khoản này đã bị khoá.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Tên đăng nhập"
        self.fields["password"].label = "Mật khẩu"
        self.fields["username"].widget.attrs.update({"autocapitalize": "none", "spellcheck": "false"})
        self.fields["password"].widget = forms.PasswordInput(attrs={"autocomplete": "current-password"})
