"""Scoring schemes of a Khối/Cụm: creation, the sheet page (self-scoring,
the leader's review, opening and publishing), ranking and proposals.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import can_on_unit
from thidua.awards.models import AwardType
from thidua.core.errors import DomainError
from thidua.core.text import fold
from thidua.directory.models import GroupMembership, Unit
from thidua.movements import proposals, selectors, services
from thidua.movements.enums import CriterionKind, SchemeState
from thidua.movements.models import Score, ScoreSheet, ScoringScheme
from thidua.movements.views.common import _groups_managed, _lines, _unit_from_post

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
             "max_points": parts[5]}
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
    return {k[len(prefix) :]: v for k, v in request.POST.items() if k.startswith(prefix) and v.strip() != ""}


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
