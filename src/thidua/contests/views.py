"""Organisers' pages: the list of contests, a new contest, the dashboard with
its statistics and charts, the question bank import, the results export.

Thin: forms parse, services write (and check ``contests.manage`` again),
selectors read within the user's scope (outside it: 404).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods, require_POST

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import can_on_unit, has_perm, units_for
from thidua.contests import exports, imports, ranking, selectors, services
from thidua.contests.enums import ContestStatus
from thidua.contests.models import Contest
from thidua.core.errors import DomainError, ImportRejected, NotFound
from thidua.directory.models import Unit

VIEW = Perm.VIEW_CONTESTS
MANAGE = Perm.MANAGE_CONTESTS
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _contest(request: HttpRequest, pk: int) -> Contest:
    if not has_perm(request.user, VIEW):
        raise Http404
    try:
        return selectors.contest_for(request.user, pk)
    except NotFound as exc:
        raise Http404 from exc


class ContestForm(forms.Form):
    name = forms.CharField(label="Tên cuộc thi", max_length=255)
    organiser = forms.ModelChoiceField(label="Đơn vị tổ chức", queryset=Unit.objects.none())
    questions_per_attempt = forms.IntegerField(
        label="Số câu mỗi lượt thi", min_value=1, max_value=200, initial=20
    )
    time_limit_minutes = forms.IntegerField(
        label="Thời gian mỗi lượt (phút)", min_value=1, max_value=1440, initial=15
    )
    attempts_per_round = forms.IntegerField(
        label="Số lượt thi mỗi đợt", min_value=1, max_value=100, initial=3
    )
    description = forms.CharField(
        label="Giới thiệu", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = units_for(user, MANAGE).order_by("path")


class RoundForm(forms.Form):
    name = forms.CharField(label="Tên đợt", max_length=120)
    opens_at = forms.DateTimeField(
        label="Mở lúc", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    closes_at = forms.DateTimeField(
        label="Đóng lúc", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class InviteForm(forms.Form):
    """Invited units are chosen inside the organiser's subtree (a contest of a
    town invites the town's agencies and communes)."""

    unit = forms.ModelChoiceField(label="Mời đơn vị", queryset=Unit.objects.none())
    headcount = forms.IntegerField(label="Số người của đơn vị", min_value=1, required=False)

    def __init__(self, *args: Any, contest: Contest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(
            path__startswith=contest.organiser.path, valid_to__isnull=True
        ).order_by("path")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, VIEW):
        raise Http404
    form = ContestForm(user=request.user) if has_perm(request.user, MANAGE) else None
    return render(
        request, "contests/index.html", {"contests": selectors.contests_for(request.user), "form": form}
    )


@login_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, MANAGE):
        raise Http404
    form = ContestForm(request.POST, user=request.user)
    if form.is_valid():
        d = form.cleaned_data
        try:
            contest = services.contest_create(
                actor=request.user,
                organiser=d["organiser"],
                name=d["name"],
                description=d["description"],
                questions_per_attempt=d["questions_per_attempt"],
                time_limit_seconds=d["time_limit_minutes"] * 60,
                attempts_per_round=d["attempts_per_round"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Đã tạo cuộc thi «{contest.name}».")
            return redirect("contests:detail", pk=contest.pk)
    contests = selectors.contests_for(request.user)
    return render(request, "contests/index.html", {"contests": contests, "form": form}, status=422)


def _n(value: int) -> str:
    """26461 → "26.461", as Vietnamese readers write it."""
    return f"{value:,}".replace(",", ".")


def day_chart(days: list[dict[str, Any]], *, width: int = 640, height: int = 180) -> SafeString:
    """Attempts per day as an inline SVG column chart (no JavaScript, no CDN);
    the fully correct part of each day is the darker bottom of its column."""
    if not days:
        return SafeString("")
    top = max(d["attempts"] for d in days) or 1
    step = width / len(days)
    bar = max(2.0, step * 0.8)
    parts = []
    for i, d in enumerate(days):
        h = d["attempts"] / top * (height - 20)
        hc = d["all_correct"] / top * (height - 20)
        x = i * step + (step - bar) / 2
        label = f"{d['day']:%d/%m}: {_n(d['attempts'])} lượt, {_n(d['all_correct'])} đúng tất cả"
        parts.append(
            format_html(
                '<g><title>{}</title><rect class="ct-bar" x="{}" y="{}" width="{}" height="{}"/>'
                '<rect class="ct-bar-ok" x="{}" y="{}" width="{}" height="{}"/></g>',
                label,
                *(f"{v:.1f}" for v in (x, height - h, bar, h, x, height - hc, bar, hc)),
            )
        )
    first, last = days[0]["day"], days[-1]["day"]
    return format_html(
        '<svg class="ct-chart" viewBox="0 0 {} {}" role="img" aria-label="Số lượt thi theo ngày từ {} đến {}">{}'
        '<text x="0" y="12" class="ct-axis">{}</text></svg>',
        width, height + 2, f"{first:%d/%m/%Y}", f"{last:%d/%m/%Y}", SafeString("".join(parts)),
        f"tối đa {_n(top)} lượt/ngày",
    )  # fmt: skip


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser's dashboard: figures, charts, leaderboard, prizes."""
    contest = _contest(request, pk)
    stats = selectors.contest_stats(contest)  # folds pending attempts once, first
    top = max((r["participants"] for r in stats.per_unit), default=0) or 1
    for r in stats.per_unit:
        r["bar"] = round(r["participants"] / top * 100, 1)
        r["rate_pct"] = None if r["rate"] is None else round(r["rate"] * 100, 1)
    for q in stats.questions:
        q["rate_pct"] = None if q["correct_rate"] is None else round(q["correct_rate"] * 100, 1)
        q["bars"] = question_bars(q["options"], q["shown"])
    can_manage = can_on_unit(request.user, MANAGE, contest.organiser)
    allocation = ranking.allocate(contest)
    context = {
        "contest": contest,
        "stats": stats,
        "chart": day_chart(stats.per_day),
        "board": ranking.leaderboard(contest, limit=20),
        "allocation": allocation,
        "rounds": contest.rounds.order_by("number"),
        "topics": contest.topics.all(),
        "invitations": contest.invitations.select_related("unit").order_by("unit__path"),
        "question_count": contest.questions.filter(active=True).count(),
        "can_manage": can_manage,
        "round_form": RoundForm() if can_manage else None,
        "invite_form": InviteForm(contest=contest) if can_manage else None,
        "public_url": request.build_absolute_uri(reverse("contests:public_home", args=[contest.slug])),
        "next_status": [
            (s, {"open": "Mở cuộc thi", "closed": "Kết thúc cuộc thi"}[s])
            for s in sorted(services.TRANSITIONS.get(contest.status, ()))
        ]
        if can_manage
        else [],
    }
    return render(request, "contests/detail.html", context)


def _manage(request: HttpRequest, pk: int) -> Contest:
    contest = _contest(request, pk)
    if not can_on_unit(request.user, MANAGE, contest.organiser):
        raise Http404
    return contest


@login_required
@require_POST
def set_status(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _manage(request, pk)
    status = request.POST.get("status", "")
    try:
        services.contest_set_status(actor=request.user, contest=contest, status=status)
        messages.success(request, f"Cuộc thi đã chuyển sang «{ContestStatus(status).label}».")
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", "Trạng thái không hợp lệ."))
    return redirect("contests:detail", pk=pk)


@login_required
@require_POST
def add_round(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _manage(request, pk)
    form = RoundForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Thông tin đợt thi chưa đúng: hãy nhập tên, thời điểm mở và đóng.")
    else:
        try:
            services.round_create(actor=request.user, contest=contest, **form.cleaned_data)
            messages.success(request, "Đã thêm đợt thi.")
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("contests:detail", pk=pk)


@login_required
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _manage(request, pk)
    form = InviteForm(request.POST, contest=contest)
    if not form.is_valid():
        messages.error(request, "Hãy chọn đơn vị; số người phải là số nguyên dương.")
    else:
        current = [(i.unit, i.headcount) for i in contest.invitations.select_related("unit")]
        current.append((form.cleaned_data["unit"], form.cleaned_data["headcount"]))
        try:
            services.invitations_set(actor=request.user, contest=contest, units=current)
            messages.success(request, f"Đã mời «{form.cleaned_data['unit'].name}».")
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("contests:detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def question_import(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _manage(request, pk)
    rejected: ImportRejected | None = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            rejected = ImportRejected("Hãy chọn tệp Excel ngân hàng câu hỏi.")
        else:
            try:
                created = imports.import_questions(
                    actor=request.user, contest=contest, data=upload.read(), name=upload.name or ""
                )
            except ImportRejected as exc:
                rejected = exc
            except DomainError as exc:
                rejected = ImportRejected(exc.message)
            else:
                messages.success(request, f"Đã nhập {created:,} câu hỏi.".replace(",", "."))
                return redirect("contests:detail", pk=pk)
    return render(
        request,
        "contests/import.html",
        {"contest": contest, "rejected": rejected},
        status=422 if rejected else 200,
    )


@login_required
def question_template(request: HttpRequest, pk: int) -> HttpResponse:
    _contest(request, pk)
    response = HttpResponse(imports.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-ngan-hang-cau-hoi.xlsx"'
    return response


@login_required
def results_export(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest(request, pk)
    response = HttpResponse(exports.results_xlsx(contest), content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="ket-qua-{contest.slug}-{stamp}.xlsx"'
    return response


def question_bars(options: list[dict[str, Any]], shown: int) -> SafeString:
    """One small bar per option (share of attempts choosing it), correct ones marked."""
    return format_html_join(
        "",
        '<div class="ct-opt{}"><span class="ct-opt__bar" style="width:{}%"></span>'
        '<span class="ct-opt__text">{}{} — {}%</span></div>',
        (
            (
                " ct-opt--ok" if o["correct"] else "",
                round(o["chosen"] / shown * 100, 1) if shown else 0,
                "✔ " if o["correct"] else "",
                o["text"],
                f"{o['chosen'] / shown * 100:.1f}".replace(".", ",") if shown else "0",
            )
            for o in options
        ),
    )
