"""Web pages of movements (Vietnamese): list, launch form, the at-a-glance
movement page (with htmx inline entry of indicator values and task status),
registration, pledges, scoring sheets, ranking and "Đề nghị khen thưởng",
reviews, XLSX import/export and the plan download.

Views parse and call services; services check the permission again. An
object the user may not see is a 404 like one that does not exist.
"""

from __future__ import annotations

import datetime as dt
import re
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
from thidua.awards.models import AwardType, Rating
from thidua.core.errors import DomainError, ImportRejected
from thidua.core.htmx import is_htmx
from thidua.core.text import clean, fold
from thidua.directory.models import EmulationGroup, GroupMembership, Unit
from thidua.movements import documents, imports, proposals, rules, selectors, services
from thidua.movements.enums import CriterionKind, Direction, MovementKind, ReviewKind, SchemeState, TaskStatus
from thidua.movements.models import Indicator, KeyTask, Movement, Pledge, Score, ScoreSheet, ScoringScheme

_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")


def parse_date(value: str | None, label: str, *, required: bool = True) -> dt.date | None:
    """dd/mm/yyyy (as typed by users) or yyyy-mm-dd (a date input)."""
    text = (value or "").strip()
    if not text:
        if required:
            raise DomainError(f"{label}: hãy nhập ngày (dd/mm/yyyy).")
        return None
    if m := _DATE.match(text):
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    elif m := _ISO.match(text):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    else:
        raise DomainError(f"{label}: «{text[:20]}» không phải ngày dạng dd/mm/yyyy.")
    try:
        return dt.date(y, mo, d)
    except ValueError as exc:
        raise DomainError(f"{label}: ngày «{text[:20]}» không tồn tại.") from exc


def vn_decimal_text(text: str) -> str:
    """ "1.234,5" (Vietnamese) → "1234.5"; "378.3" stays as typed."""
    text = (text or "").strip().replace(" ", "")
    return text.replace(".", "").replace(",", ".") if "," in text else text


def _lines(text: str | None) -> list[str]:
    """Non-empty lines; a line with control characters is kept raw so the
    service refuses it with its Vietnamese message."""
    out = []
    for raw in (text or "").splitlines():
        try:
            line = clean(raw)
        except ValueError:
            line = raw
        if line:
            out.append(line)
    return out


def _as_of(request: HttpRequest) -> dt.date:
    try:
        return parse_date(request.GET.get("ngay"), "Ngày", required=False) or timezone.localdate()
    except DomainError:
        return timezone.localdate()


def _movement(request: HttpRequest, pk: int) -> Movement:
    m = selectors.visible_movement(request.user, pk)
    if m is None:
        raise Http404("Không tìm thấy phong trào thi đua.")
    return m


def _unit_from_post(request: HttpRequest, key: str = "unit") -> Unit:
    raw = request.POST.get(key, "")
    unit = Unit.objects.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 18 else None
    if unit is None:
        raise DomainError("Hãy chọn đơn vị.")
    return unit


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


def _bar(share: Any) -> int:
    return 0 if share is None else max(0, min(100, int(share / 150 * 100)))


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


def _figures(request: HttpRequest, m: Movement, as_of: dt.date) -> str:
    """The out-of-band figures refreshed after an htmx entry."""
    prog = selectors.progress(m, as_of)
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
            value=vn_decimal_text(request.POST.get("value", "")),
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
    return HttpResponse(html + ("" if error else _figures(request, m, as_of)))


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
    return HttpResponse(html + ("" if error else _figures(request, task.movement, as_of)))


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
                plan_value=vn_decimal_text(request.POST.get("plan_value", "")),
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


# --- pledges -------------------------------------------------------------------------------


def _pledge(request: HttpRequest, pk: int) -> Pledge:
    p = Pledge.objects.select_related("group", "group__organiser", "movement").filter(pk=pk).first()
    if p is None:
        raise Http404
    user = request.user
    if not can_on_unit(user, Perm.VIEW_MOVEMENTS, p.group.organiser) and not any(
        can_on_unit(user, Perm.VIEW_MOVEMENTS, u) for u in selectors.member_units(p)
    ):
        raise Http404
    return p


@login_required
@require_http_methods(["GET", "POST"])
def pledge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = _pledge(request, pk)
    error = ""
    if request.method == "POST":
        try:
            unit = _unit_from_post(request)
            services.pledge_sign(
                actor=request.user,
                pledge=p,
                unit=unit,
                signer_name=request.POST.get("signer_name", ""),
                signer_title=request.POST.get("signer_title", ""),
            )
            messages.success(request, f"{unit.name} đã ký giao ước.")
            return redirect("movements:pledge", pk=p.pk)
        except DomainError as exc:
            error = exc.message
    sigs = {s.unit_id: s for s in p.signatures.all()}
    members = [(u, sigs.get(u.pk)) for u in selectors.member_units(p)]
    may_sign = [u for u, s in members if s is None and can_on_unit(request.user, Perm.REPORT_MOVEMENTS, u)]
    return render(
        request,
        "movements/pledge.html",
        {"p": p, "members": members, "may_sign": may_sign, "error": error},
        status=422 if error else 200,
    )


@login_required
@require_GET
def pledge_docx(request: HttpRequest, pk: int) -> HttpResponse:
    p = _pledge(request, pk)
    response = HttpResponse(documents.pledge_docx(p), content_type=documents.DOCX)
    response["Content-Disposition"] = f'attachment; filename="giao-uoc-{p.year}-{p.pk}.docx"'
    return response


def _groups_managed(user: Any) -> list[EmulationGroup]:
    scope = units_for(user, Perm.MANAGE_MOVEMENTS)
    return list(EmulationGroup.objects.filter(organiser__in=scope).order_by("kind", "name")[:300])


@login_required
@require_http_methods(["GET", "POST"])
def pledge_create(request: HttpRequest) -> HttpResponse:
    groups = _groups_managed(request.user)
    if not groups:
        raise Http404
    movements = list(
        selectors.movements_for(request.user, Perm.MANAGE_MOVEMENTS).order_by("-start_date")[:100]
    )
    error = ""
    if request.method == "POST":
        try:
            g = next((x for x in groups if str(x.pk) == request.POST.get("group")), None)
            if g is None:
                raise DomainError("Hãy chọn khối, cụm.")
            mid = request.POST.get("movement", "")
            movement = next((x for x in movements if str(x.pk) == mid), None)
            year = request.POST.get("year", "")
            p = services.pledge_create(
                actor=request.user,
                group=g,
                year=int(year) if year.isdigit() and len(year) == 4 else 0,
                title=request.POST.get("title", ""),
                commitments=_lines(request.POST.get("commitments")),
                movement=movement,
            )
            messages.success(request, "Đã tạo giao ước thi đua.")
            return redirect("movements:pledge", pk=p.pk)
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "movements/pledge_create.html",
        {"groups": groups, "movements": movements, "error": error, "data": request.POST},
        status=422 if error else 200,
    )


# --- scoring ------------------------------------------------------------------------------------


def _scheme(request: HttpRequest, pk: int) -> ScoringScheme:
    s = selectors.schemes_for(request.user).filter(pk=pk).first()
    if s is None:
        raise Http404
    return s


def _parse_criteria(text: str) -> list[dict[str, Any]]:
    """One criterion per line: "nhóm | tên nhóm | mã | tên | loại | điểm tối đa"."""
    kinds = {
        "": "base",
        "tieu chi": "base",
        "thuong": "bonus",
        "tru": "penalty",
        **{k: k for k in CriterionKind.values},
    }
    out = []
    for n, line in enumerate(_lines(text), start=1):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 6:
            raise DomainError(
                f"Dòng tiêu chí {n}: cần 6 phần cách nhau bởi «|» (nhóm | tên nhóm | mã | tên | loại | điểm tối đa)."
            )
        kind = kinds.get(fold(parts[4]).replace("diem ", ""))
        if kind is None:
            raise DomainError(f"Dòng tiêu chí {n}: loại phải là «tiêu chí», «thưởng» hoặc «trừ».")
        out.append(
            {"group_code": parts[0], "group_name": parts[1], "code": parts[2], "name": parts[3], "kind": kind,
             "max_points": parts[5].replace(",", ".")}
        )  # fmt: skip
    return out


@login_required
@require_http_methods(["GET", "POST"])
def scheme_create(request: HttpRequest) -> HttpResponse:
    groups = _groups_managed(request.user)
    if not groups:
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            g = next((x for x in groups if str(x.pk) == request.POST.get("group")), None)
            if g is None:
                raise DomainError("Hãy chọn khối, cụm.")
            year = request.POST.get("year", "")
            s = services.scheme_create(
                actor=request.user,
                group=g,
                year=int(year) if year.isdigit() and len(year) == 4 else 0,
                name=request.POST.get("name", ""),
                criteria=_parse_criteria(request.POST.get("criteria", "")),
                tie_break=request.POST.get("tie_break", ""),
            )
            messages.success(request, "Đã tạo bảng điểm.")
            return redirect("movements:scheme", pk=s.pk)
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "movements/scheme_create.html",
        {"groups": groups, "error": error, "data": request.POST, "year": timezone.localdate().year},
        status=422 if error else 200,
    )


def _scores_from_post(request: HttpRequest, prefix: str) -> dict[str, str]:
    return {
        k[len(prefix) :]: vn_decimal_text(v)
        for k, v in request.POST.items()
        if k.startswith(prefix) and v.strip() != ""
    }


@login_required
@require_http_methods(["GET", "POST"])
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    s = _scheme(request, pk)
    user = request.user
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "open":
                services.scheme_open(actor=user, scheme=s)
                messages.success(request, "Đã mở chấm điểm.")
            elif action == "publish":
                services.scheme_publish(actor=user, scheme=s)
                messages.success(request, "Đã công bố kết quả; kết quả không còn sửa được.")
            elif action == "self":
                unit = _unit_from_post(request)
                evidence = {k[3:]: v for k, v in request.POST.items() if k.startswith("ev_")}
                services.score_self(
                    actor=user,
                    scheme=s,
                    unit=unit,
                    scores=_scores_from_post(request, "pt_"),
                    evidence=evidence,
                )
                if request.POST.get("submit"):
                    services.sheet_submit(actor=user, scheme=s, unit=unit)
                messages.success(request, f"Đã lưu điểm tự chấm của {unit.name}.")
            elif action == "review":
                unit = _unit_from_post(request)
                services.score_review(
                    actor=user, scheme=s, unit=unit, scores=_scores_from_post(request, "pt_")
                )
                messages.success(request, f"Đã chấm điểm {unit.name}.")
            elif action == "return":
                unit = _unit_from_post(request)
                services.sheet_return(actor=user, scheme=s, unit=unit, reason=request.POST.get("reason", ""))
                messages.success(request, f"Đã trả lại phiếu tự chấm cho {unit.name}.")
            elif action == "propose":
                result = proposals.propose(
                    actor=user, scheme=s, deciding_unit=_unit_from_post(request, "deciding_unit")
                )
                messages.success(
                    request,
                    f"Đã lập hồ sơ {result.dossier.code} với {len(result.candidates)} đề nghị khen thưởng.",
                )
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("movements:scheme", pk=s.pk)
    criteria = list(s.criteria.all())
    members = selectors.member_units(s)
    sheets = {sh.unit_id: sh for sh in ScoreSheet.objects.filter(scheme=s)}
    totals = {t.sheet.unit_id: t for t in selectors.sheet_totals(s)}
    scores: dict[tuple[int, int], Any] = {}
    for sc in Score.objects.filter(sheet__scheme=s).select_related("sheet"):
        scores[(sc.sheet.unit_id, sc.criterion_id)] = sc
    leader_view = selectors.may_score_as_leader(user, s)
    rows = []
    for u in members:
        own = can_on_unit(user, Perm.REPORT_MOVEMENTS, u)
        visible = s.state == SchemeState.PUBLISHED or leader_view or can_on_unit(user, Perm.VIEW_MOVEMENTS, u)
        if not visible:
            continue
        sheet = sheets.get(u.pk)
        rows.append(
            {
                "unit": u,
                "sheet": sheet,
                "total": totals.get(u.pk),
                "cells": [(c, scores.get((u.pk, c.pk))) for c in criteria],
                "may_self": own and s.state == SchemeState.OPEN and (sheet is None or sheet.state == "draft"),
                "may_review": leader_view and s.state == SchemeState.OPEN,
            }
        )
    names = dict(
        AwardType.objects.filter(code__in=[proposals.FLAG, proposals.MERIT]).values_list("code", "name")
    )
    deciding = [
        u for u in Unit.objects.filter(pk__in=selectors.ancestor_ids(s.group.organiser)).order_by("depth")
    ]
    return render(
        request,
        "movements/scheme.html",
        {
            "s": s,
            "criteria": criteria,
            "rows": rows,
            "ranking": selectors.ranking_for(user, s),
            "tie_rule": selectors.tie_break_text(s),
            "manage": selectors.may_manage_scheme(user, s),
            "deciding_units": deciding,
            "flag": names.get(proposals.FLAG, "Cờ thi đua"),
            "merit": names.get(proposals.MERIT, "Bằng khen"),
            "group_member_count": GroupMembership.objects.filter(group=s.group, year=s.year).count(),
        },
    )


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
