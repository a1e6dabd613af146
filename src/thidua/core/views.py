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
        "url_name": "directory:units",
    },
    {"title": "Khen thưởng", "text": "Danh hiệu, hình thức khen thưởng và quyết định khen thưởng."},
    {"title": "Phong trào thi đua", "text": "Phát động, đăng ký, theo dõi và sơ kết, tổng kết phong trào."},
    {"title": "Hồ sơ đề nghị", "text": "Lập, trình và thẩm định hồ sơ đề nghị khen thưởng."},
    {"title": "Hội đồng", "text": "Họp Hội đồng Thi đua – Khen thưởng, bỏ phiếu và biên bản."},
    {"title": "Cuộc thi trực tuyến", "text": "Tổ chức cuộc thi tìm hiểu trực tuyến, chấm điểm, trao giải."},
    {"title": "Báo cáo", "text": "Thống kê, báo cáo định kỳ theo mẫu quy định."},
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
