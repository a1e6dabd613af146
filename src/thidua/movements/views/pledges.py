"""Giao ước thi đua of a Khối/Cụm: creation, the signing page, the DOCX."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import can_on_unit
from thidua.core.errors import DomainError
from thidua.movements import documents, selectors, services
from thidua.movements.models import Pledge
from thidua.movements.views.common import _groups_managed, _lines, _unit_from_post

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
