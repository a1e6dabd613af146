"""The movement pages: list, launch form, the at-a-glance page with htmx
inline entry of indicator values and task status, plan and review entry,
registration, XLSX import and export, the plan download, the People's
Committee's approval and the yearly ratings.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import can_on_unit, has_perm, units_for
from thidua.awards import services as awards
from thidua.awards.enums import Grade
from thidua.awards.models import Rating
from thidua.core.errors import DomainError, ImportRejected
from thidua.core.htmx import is_htmx
from thidua.core.text import clean
from thidua.directory.models import Unit
from thidua.movements import documents, imports, rules, selectors, services
from thidua.movements.enums import Direction, MovementKind, ReviewKind, TaskStatus
from thidua.movements.models import Indicator, KeyTask, Movement
from thidua.movements.views.common import _as_of, _bar, _lines, _movement, _unit_from_post, parse_date

# --- list and launch ---------------------------------------------------------------------


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, Perm.VIEW_MOVEMENTS):
        raise Http404
    try:
        q = clean(request.GET.get("q", "")[:200])
    except ValueError:  # control characters: search for nothing rather than fail
        q = ""
    kind = request.GET.get("loai", "")
    kind = kind if kind in MovementKind.values else ""
    movements = list(selectors.movements_list(request.user, q=q, kind=kind or None)[:200])
    context = {
        "movements": movements,
        "q": q,
        "kind": kind,
        "kinds": MovementKind.choices,
        "can_launch": has_perm(request.user, Perm.MANAGE_MOVEMENTS),
        "schemes": list(selectors.schemes_for(request.user).order_by("-year", "name")[:50]),
    }
    template = "movements/_list.html" if is_htmx(request) else "movements/index.html"
    return render(request, template, context)


def _launch_units(user: Any) -> list[Unit]:
    return list(units_for(user, Perm.MANAGE_MOVEMENTS).order_by("path")[:400])


@login_required
@require_http_methods(["GET", "POST"])
def launch(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, Perm.MANAGE_MOVEMENTS):
        raise Http404
    units = _launch_units(request.user)
    data = request.POST if request.method == "POST" else {}
    error = ""
    if request.method == "POST":
        try:
            launching = _unit_from_post(request, "launching_unit")
            approving_raw = request.POST.get("approving_unit", "")
            approving = _unit_from_post(request, "approving_unit") if approving_raw else None
            include = request.POST.get("include_subunits") == "on"
            chosen = [u for u in request.POST.getlist("participants") if u.isdigit() and len(u) < 18]
            parts = [(u, include) for u in Unit.objects.filter(pk__in=chosen)] or [(launching, True)]
            directives = [
                (*rules.parse_directive(line), "") for line in _lines(request.POST.get("directives"))
            ]
            m = services.movement_launch(
                actor=request.user,
                kind=request.POST.get("kind", ""),
                name=request.POST.get("name", ""),
                slogan=request.POST.get("slogan", ""),
                launching_unit=launching,
                approving_unit=approving,
                start_date=parse_date(request.POST.get("start_date"), "Từ ngày"),
                end_date=parse_date(request.POST.get("end_date"), "Đến ngày"),
                participants=parts,
                directives=directives,
                goals=_lines(request.POST.get("goals")),
            )
            plan = request.FILES.get("plan")
            if plan is not None:
                services.movement_attach_plan(actor=request.user, movement=m, file=plan, name=plan.name)
            messages.success(request, f"Đã phát động phong trào «{m.name}».")
            return redirect("movements:detail", pk=m.pk)
        except DomainError as exc:
            error = exc.message
    context = {"units": units, "kinds": MovementKind.choices, "data": data, "error": error}
    return render(request, "movements/launch.html", context, status=422 if error else 200)


# --- the movement page ---------------------------------------------------------------------


def _detail_context(request: HttpRequest, m: Movement, as_of: dt.date) -> dict[str, Any]:
    user = request.user
    prog = selectors.progress(m, as_of)
    year = min(max(as_of.year, m.start_date.year), m.end_date.year)
    manage = selectors.may_manage(user, m)
    counts = prog.task_counts
    n_tasks = len(prog.tasks) or 1
    indicators = [
        {
            "s": s,
            "bar": _bar(s.share) if s.share is not None else (100 if s.met else 0),
            "may_report": can_on_unit(user, Perm.REPORT_MOVEMENTS, s.indicator.unit),
        }
        for s in prog.indicators
    ]
    tasks = [
        {
            "task": t,
            "status": st,
            "label": TaskStatus(st).label,
            "may_report": can_on_unit(user, Perm.REPORT_MOVEMENTS, t.unit),
        }
        for t, st in prog.tasks
    ]
    awards = selectors.awards_by_kind(m)
    pledges = list(m.pledges.select_related("group"))
    schemes = list(m.schemes.select_related("group"))
    rankings = [(s, selectors.ranking_for(user, s)) for s in schemes]
    report_units = [u for u in selectors.registrants(m) if can_on_unit(user, Perm.REPORT_MOVEMENTS, u)]
    return {
        "m": m,
        "as_of": as_of,
        "prog": prog,
        "indicators": indicators,
        "tasks": tasks,
        "task_bar": {
            "done": counts[TaskStatus.DONE] * 100 // n_tasks,
            "in_progress": counts[TaskStatus.IN_PROGRESS] * 100 // n_tasks,
        },
        "directives": list(m.directives.all()),
        "participants": list(m.participants.select_related("unit")),
        "participant_count": selectors.participant_units(m).count(),
        "registrations": selectors.registrations_list(user, m),
        "unregistered": selectors.unregistered(m, year) if manage else None,
        "year": year,
        "pledges": pledges,
        "rankings": rankings,
        "reviews": list(m.reviews.all()),
        "awards": awards,
        "awards_text": selectors.awards_text(awards),
        "award_rows": list(selectors.movement_awards(m)[:200]),
        "ratings": selectors.rating_summary(m, year),
        "manage": manage,
        "may_approve": m.approval_state == "pending"
        and m.approving_unit is not None
        and can_on_unit(user, Perm.MANAGE_MOVEMENTS, m.approving_unit),
        "report_units": report_units,
        "plan_units": [u for u in selectors.participant_units(m)[:300]] if manage else [],
        "directions": Direction.choices,
        "statuses": TaskStatus.choices,
        "review_kinds": ReviewKind.choices,
    }


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    m = _movement(request, pk)
    return render(request, "movements/detail.html", _detail_context(request, m, _as_of(request)))


@login_required
@require_GET
def plan_download(request: HttpRequest, pk: int) -> FileResponse:
    m = _movement(request, pk)
    if not m.plan_file:
        raise Http404("Phong trào chưa có tệp kế hoạch.")
    return FileResponse(m.plan_file.open("rb"), as_attachment=True, filename=m.plan_name or "ke-hoach")


@login_required
@require_GET
def export(request: HttpRequest, pk: int) -> HttpResponse:
    m = _movement(request, pk)
    as_of = _as_of(request)
    response = HttpResponse(documents.movement_xlsx(m, as_of), content_type=documents.XLSX)
    response["Content-Disposition"] = f'attachment; filename="phong-trao-{m.pk}-{as_of:%Y%m%d}.xlsx"'
    return response


def _figures(request: HttpRequest, prog: selectors.Progress) -> str:
    """The out-of-band figures refreshed after an htmx entry, from the progress
    the row was drawn from (computing it again doubled the cost of an entry)."""
    return render(request, "movements/_figures.html", {"prog": prog, "oob": True}).content.decode()


@login_required
@require_POST
def indicator_value(request: HttpRequest, pk: int) -> HttpResponse:
    ind = Indicator.objects.select_related("movement", "unit").filter(pk=pk).first()
    if ind is None or selectors.visible_movement(request.user, ind.movement_id) is None:
        raise Http404
    m = ind.movement
    error = ""
    try:
        services.indicator_report(
            actor=request.user,
            indicator=ind,
            value=request.POST.get("value", ""),
            as_of=parse_date(request.POST.get("as_of"), "Ngày số liệu"),
            source=request.POST.get("source", ""),
        )
    except DomainError as exc:
        error = exc.message
    as_of = timezone.localdate()
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        return redirect("movements:detail", pk=m.pk)
    prog = selectors.progress(m, as_of)
    status = next(s for s in prog.indicators if s.indicator.pk == ind.pk)
    row = {
        "s": status,
        "bar": _bar(status.share) if status.share is not None else (100 if status.met else 0),
        "may_report": True,
    }
    html = render(request, "movements/_indicator_row.html", {"row": row, "error": error}).content.decode()
    return HttpResponse(html + ("" if error else _figures(request, prog)))


@login_required
@require_POST
def task_status(request: HttpRequest, pk: int) -> HttpResponse:
    task = KeyTask.objects.select_related("movement", "unit").filter(pk=pk).first()
    if task is None or selectors.visible_movement(request.user, task.movement_id) is None:
        raise Http404
    error = ""
    try:
        task = services.task_set_status(
            actor=request.user,
            task=task,
            status=request.POST.get("status", ""),
            on=parse_date(request.POST.get("on"), "Ngày", required=False),
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        error = exc.message
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        return redirect("movements:detail", pk=task.movement_id)
    as_of = timezone.localdate()
    prog = selectors.progress(task.movement, as_of)
    status = next(st for t, st in prog.tasks if t.pk == task.pk)
    row = {"task": task, "status": status, "label": TaskStatus(status).label, "may_report": True}
    html = render(
        request, "movements/_task_row.html", {"row": row, "error": error, "statuses": TaskStatus.choices}
    ).content.decode()
    return HttpResponse(html + ("" if error else _figures(request, prog)))


@login_required
@require_POST
def plan_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The standing body adds an indicator or a key task."""
    m = _movement(request, pk)
    try:
        unit = _unit_from_post(request)
        if request.POST.get("what") == "task":
            services.task_create(
                actor=request.user,
                movement=m,
                unit=unit,
                title=request.POST.get("title", ""),
                owner=request.POST.get("owner", ""),
                deadline=parse_date(request.POST.get("deadline"), "Thời hạn", required=False),
            )
            messages.success(request, "Đã thêm nhiệm vụ trọng tâm.")
        else:
            services.indicator_create(
                actor=request.user,
                movement=m,
                unit=unit,
                code=request.POST.get("code", ""),
                name=request.POST.get("name", ""),
                measure=request.POST.get("measure", ""),
                plan_value=request.POST.get("plan_value", ""),
                direction=request.POST.get("direction", Direction.HIGHER),
            )
            messages.success(request, "Đã thêm chỉ tiêu.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("movements:detail", pk=m.pk)


@login_required
@require_POST
def review_add(request: HttpRequest, pk: int) -> HttpResponse:
    m = _movement(request, pk)
    try:
        figures: dict[str, Any] = {}
        for line in _lines(request.POST.get("figures")):
            label, _, value = line.partition(":")
            if label and value:
                figures[label.strip()] = value.strip()
        services.review_create(
            actor=request.user,
            movement=m,
            kind=request.POST.get("kind", ""),
            held_on=parse_date(request.POST.get("held_on"), "Ngày tổ chức"),
            title=request.POST.get("title", ""),
            summary=request.POST.get("summary", ""),
            figures=figures,
        )
        messages.success(request, "Đã ghi kết quả sơ kết, tổng kết.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("movements:detail", args=[m.pk]) + "#danh-gia")


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, pk: int) -> HttpResponse:
    """Đăng ký thi đua of one of the user's units."""
    m = _movement(request, pk)
    units = [u for u in selectors.registrants(m) if can_on_unit(request.user, Perm.REPORT_MOVEMENTS, u)]
    if not units:
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            unit = _unit_from_post(request)
            year = request.POST.get("year", "")
            services.registration_submit(
                actor=request.user,
                movement=m,
                unit=unit,
                year=int(year) if year.isdigit() and len(year) == 4 else None,
                targets=_lines(request.POST.get("targets")),
            )
            messages.success(request, f"Đã đăng ký thi đua cho {unit.name}.")
            return redirect("movements:detail", pk=m.pk)
        except DomainError as exc:
            error = exc.message
    years = list(range(m.start_date.year, m.end_date.year + 1))
    return render(
        request,
        "movements/register.html",
        {"m": m, "units": units, "years": years, "error": error, "data": request.POST},
        status=422 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_indicators(request: HttpRequest, pk: int) -> HttpResponse:
    m = _movement(request, pk)
    result = None
    rejected: ImportRejected | None = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            rejected = ImportRejected("Hãy chọn tệp Excel.")
        else:
            try:
                result = imports.import_indicators(
                    actor=request.user, movement=m, file=upload, name=upload.name
                )
                messages.success(
                    request, f"Đã nhập {result['created']} chỉ tiêu mới và {result['values']} kết quả."
                )
                return redirect("movements:detail", pk=m.pk)
            except ImportRejected as exc:
                rejected = exc
    return render(
        request,
        "movements/import.html",
        {"m": m, "rejected": rejected},
        status=422 if rejected else 200,
    )


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(imports.template(), content_type=documents.XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-chi-tieu.xlsx"'
    return response


# --- approval and yearly ratings ------------------------------------------------------------------


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    """The People's Committee approves or refuses a mass organisation's movement."""
    m = _movement(request, pk)
    try:
        services.movement_decide_approval(
            actor=request.user,
            movement=m,
            approve=request.POST.get("approve") == "1",
            note=request.POST.get("note", ""),
        )
        messages.success(request, "Đã ghi quyết định phê duyệt.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("movements:detail", pk=m.pk)


@login_required
@require_http_methods(["GET", "POST"])
def ratings(request: HttpRequest, pk: int) -> HttpResponse:
    """Xếp loại chất lượng of the participating units for a year — the same Rating
    rows the eligibility engine reads — with the share rated excellent."""
    m = _movement(request, pk)
    raw_year = request.GET.get("nam") or request.POST.get("nam") or ""
    year = int(raw_year) if raw_year.isdigit() and len(raw_year) == 4 else m.start_date.year
    if not m.start_date.year <= year <= m.end_date.year:
        year = m.start_date.year
    units = list(selectors.registrants(m))
    current = {r.unit_id: r for r in Rating.objects.filter(unit__in=units, year=year)}
    editable = {u.pk for u in units if can_on_unit(request.user, Perm.EDIT_AWARDS, u)}
    if request.method == "POST":
        saved, errors = 0, []
        for u in units:
            grade = request.POST.get(f"grade_{u.pk}", "")
            if u.pk not in editable or not grade or (u.pk in current and current[u.pk].grade == grade):
                continue
            try:
                awards.rating_set(
                    actor=request.user, year=year, grade=grade, unit=u, source=f"Phong trào: {m.name}"[:255]
                )
                saved += 1
            except DomainError as exc:
                errors.append(f"{u.name}: {exc.message}")
        for e in errors:
            messages.error(request, e)
        if saved:
            messages.success(request, f"Đã lưu xếp loại của {saved} đơn vị.")
        return redirect(reverse("movements:ratings", args=[m.pk]) + f"?nam={year}")
    rows = [(u, current.get(u.pk), u.pk in editable) for u in units]
    return render(
        request,
        "movements/ratings.html",
        {
            "m": m,
            "year": year,
            "years": list(range(m.start_date.year, m.end_date.year + 1)),
            "rows": rows,
            "grades": Grade.choices,
            "summary": selectors.rating_summary(m, year),
            "can_edit": bool(editable),
        },
    )
