"""Web pages of decisions: the list and the leader's queue, drafting from the
council's approved candidates, the decision page with its actions and
downloads, the certificate template editor, revocations, and the public
verification page.

Thin: forms parse, services write and check permissions again, selectors
narrow reads to the user's scope (a decision outside it is a 404). Signing and
issuing go through a confirmation page that shows exactly what will be signed
or issued (count, total) — no JavaScript dialog to dismiss by mistake.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import has_perm, people_for, units_for
from thidua.awards.models import AwardType
from thidua.core.errors import DomainError, NotFound
from thidua.decisions import certificates, documents, exports, selectors, services
from thidua.decisions.forms import HeaderForm, RevocationForm, TemplateForm
from thidua.decisions.models import CertificatesState, Decision, DecisionState
from thidua.directory.models import Unit


def _decision(request: HttpRequest, pk: int) -> Decision:
    try:
        return selectors.decision_visible(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _back(pk: int) -> HttpResponse:
    return redirect("decisions:detail", pk=pk)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """All decisions in scope, newest first; the leader's queue on top."""
    user = request.user
    if not (has_perm(user, Perm.VIEW_NOMINATIONS) or has_perm(user, Perm.VIEW_AWARDS)):
        raise DjangoPermissionDenied
    state = request.GET.get("state") or ""
    if state not in DecisionState.values:
        state = ""
    decisions = list(selectors.decisions_list(user, state=state or None)[:200])
    queue = list(selectors.to_sign(user)) if has_perm(user, Perm.SIGN_DECISION) else []
    return render(
        request,
        "decisions/index.html",
        {
            "decisions": decisions,
            "queue": queue,
            "state": state,
            "states": DecisionState.choices,
            "can_draft": has_perm(user, Perm.DRAFT_DECISION),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def draft(request: HttpRequest) -> HttpResponse:
    """Draft from candidates: pick the issuing body, see exactly who is waiting
    (and how many), untick any, confirm — one action."""
    user = request.user
    if not has_perm(user, Perm.DRAFT_DECISION):
        raise DjangoPermissionDenied
    issuers = list(units_for(user, Perm.DRAFT_DECISION).order_by("path")[:500])
    issuer: Unit | None = None
    raw = request.POST.get("issuer") or request.GET.get("issuer")
    if raw and raw.isdigit():
        issuer = next((u for u in issuers if u.pk == int(raw)), None)
    candidates = list(services.candidates_available(issuer)) if issuer else []
    form = HeaderForm(request.POST or None, prefix="h")
    if request.method == "POST" and issuer is not None and form.is_valid():
        ids = [int(i) for i in request.POST.getlist("candidate") if i.isdigit()]
        try:
            decision = services.decision_draft_from_candidates(
                actor=user, issuer=issuer, candidate_ids=ids, **form.fields_set()
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Đã dự thảo quyết định cho {len(ids)} người, tập thể.")
            return _back(decision.pk)
    return render(
        request,
        "decisions/draft.html",
        {"issuers": issuers, "issuer": issuer, "candidates": candidates, "form": form},
        status=200 if request.method == "GET" or form.is_valid() else 422,
    )


@login_required
@require_http_methods(["GET", "POST"])
def draft_manual(request: HttpRequest) -> HttpResponse:
    """Draft without dossiers (contest prizes, sudden awards): pick the issuer,
    the award and year, then tick people and collectives of one unit."""
    user = request.user
    if not has_perm(user, Perm.DRAFT_DECISION):
        raise DjangoPermissionDenied
    issuers = list(units_for(user, Perm.DRAFT_DECISION).order_by("path")[:500])
    data = request.POST if request.method == "POST" else request.GET
    issuer = _pick(issuers, data.get("issuer"))
    units = list(units_for(user, Perm.VIEW_AWARDS).order_by("path")[:500])
    unit = _pick(units, data.get("unit"))
    award_types = list(AwardType.objects.order_by("-rank", "code"))
    award = next((t for t in award_types if t.code == data.get("award_type")), None)
    year_raw = data.get("year") or ""
    year = int(year_raw) if year_raw.isdigit() else dt.date.today().year - 1
    people = (
        list(people_for(user, Perm.VIEW_AWARDS).filter(unit=unit).order_by("sort_key", "id")) if unit else []
    )
    collectives = [unit, *unit.children.order_by("name")] if unit else []
    form = HeaderForm(request.POST or None, prefix="h")
    if request.method == "POST" and issuer and award and form.is_valid():
        chosen_people = {int(i) for i in request.POST.getlist("person") if i.isdigit()}
        chosen_units = {int(i) for i in request.POST.getlist("collective") if i.isdigit()}
        recipients = [
            services.RecipientInput(award_type=award, year=year, person=p)
            for p in people
            if p.pk in chosen_people
        ] + [
            services.RecipientInput(award_type=award, year=year, unit=u)
            for u in collectives
            if u.pk in chosen_units
        ]
        try:
            decision = services.decision_create(
                actor=user, issuer=issuer, recipients=recipients, **form.fields_set()
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Đã dự thảo quyết định cho {len(recipients)} người, tập thể.")
            return _back(decision.pk)
    return render(
        request,
        "decisions/draft_manual.html",
        {
            "issuers": issuers,
            "issuer": issuer,
            "units": units,
            "unit": unit,
            "award_types": award_types,
            "award": award,
            "year": year,
            "people": people,
            "collectives": collectives,
            "form": form,
        },
    )


def _pick(units: list[Unit], raw: str | None) -> Unit | None:
    return next((u for u in units if raw and raw.isdigit() and u.pk == int(raw)), None)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    lines = selectors.lines(decision)
    user = request.user
    return render(
        request,
        "decisions/detail.html",
        {
            "d": decision,
            "lines": lines,
            "total": sum(ln.prize_amount or 0 for ln in lines),
            "can_draft": selectors.can(user, Perm.DRAFT_DECISION, decision),
            "can_sign": selectors.can(user, Perm.SIGN_DECISION, decision),
            "can_revoke": decision.state == DecisionState.ISSUED and has_perm(user, Perm.REVOKE_AWARD),
            "history": _history(decision),
        },
    )


_ACTION_LABELS = {
    "decision.create": "Dự thảo quyết định",
    "decision.update": "Sửa dự thảo",
    "decision.remove_recipient": "Bỏ một người, tập thể khỏi dự thảo",
    "decision.sign": "Ký quyết định",
    "decision.issue": "Vào sổ, ban hành",
    "decision.cancel": "Hủy dự thảo",
    "decision.certificates": "Yêu cầu tạo tệp giấy chứng nhận",
}


def _history(decision: Decision) -> list[Any]:
    from thidua.core import audit

    entries = list(audit.history(decision)[:20])
    for e in entries:
        e.label = _ACTION_LABELS.get(e.action, "Thay đổi khác")
    return entries


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    if decision.state != DecisionState.DRAFT or not selectors.can(
        request.user, Perm.DRAFT_DECISION, decision
    ):
        raise DjangoPermissionDenied
    if request.method == "POST":
        form = HeaderForm(request.POST, prefix="h")
        if form.is_valid():
            try:
                services.decision_update(
                    actor=request.user,
                    decision=decision,
                    expected_version=form.cleaned_data.get("version"),
                    **form.fields_set(),
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "Đã lưu dự thảo.")
                return _back(pk)
    else:
        form = HeaderForm(prefix="h", initial=HeaderForm.initial_from(decision))
    return render(request, "decisions/edit.html", {"d": decision, "form": form})


def _confirm(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    decision = _decision(request, pk)
    lines = selectors.lines(decision)
    if request.method == "POST":
        version = request.POST.get("version")
        expected = int(version) if version and version.isdigit() else None
        try:
            if action == "sign":
                services.decision_sign(actor=request.user, decision=decision, expected_version=expected)
                messages.success(request, "Đã ký quyết định.")
            elif action == "issue":
                done = services.decision_issue(
                    actor=request.user, decision=decision, expected_version=expected
                )
                messages.success(
                    request,
                    f"Đã vào sổ, ban hành Quyết định số {done.full_number}; {len(lines)} khen thưởng đã ghi vào sổ.",
                )
            else:
                services.decision_cancel(
                    actor=request.user, decision=decision, reason=request.POST.get("reason", "")
                )
                messages.success(request, "Đã hủy dự thảo.")
        except DomainError as exc:
            messages.error(request, exc.message)
        return _back(pk)
    return render(
        request,
        "decisions/confirm.html",
        {"d": decision, "lines": lines, "total": sum(ln.prize_amount or 0 for ln in lines), "action": action},
    )


@login_required
@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirm(request, pk, "sign")


@login_required
@require_http_methods(["GET", "POST"])
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirm(request, pk, "issue")


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirm(request, pk, "cancel")


@login_required
@require_POST
def remove_line(request: HttpRequest, pk: int, line_id: int) -> HttpResponse:
    decision = _decision(request, pk)
    try:
        services.decision_recipient_remove(actor=request.user, decision=decision, line_id=line_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã bỏ khỏi dự thảo.")
    return _back(pk)


def _attachment(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _name(d: Decision, ext: str, prefix: str = "QD") -> str:
    return f"{prefix}-{d.number}-{d.year}.{ext}" if d.number else f"du-thao-{prefix}-{d.pk}.{ext}"


@login_required
@require_GET
def document_docx(request: HttpRequest, pk: int) -> HttpResponse:
    d = _decision(request, pk)
    return _attachment(documents.render_docx(documents.build_text(d)), documents.DOCX_MIME, _name(d, "docx"))


@login_required
@require_GET
def document_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    d = _decision(request, pk)
    return _attachment(documents.render_pdf(documents.build_text(d)), "application/pdf", _name(d, "pdf"))


@login_required
@require_http_methods(["GET", "POST"])
def certificates_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The one PDF of all certificates: served when built; otherwise its build is
    requested (background task) and the user is sent back with the state."""
    d = _decision(request, pk)
    if d.certificates_state == CertificatesState.READY and d.certificates_file and request.method == "GET":
        return FileResponse(
            d.certificates_file.open("rb"), as_attachment=True, filename=_name(d, "pdf", "GCN")
        )
    if request.method == "POST" or d.certificates_state in ("", CertificatesState.FAILED):
        try:
            services.certificates_request(actor=request.user, decision=d)
        except DomainError as exc:
            messages.error(request, exc.message)
            return _back(pk)
        d.refresh_from_db()
    if d.certificates_state == CertificatesState.READY:
        messages.success(request, "Đã tạo xong tệp giấy chứng nhận.")
    else:
        messages.info(request, "Đang tạo tệp giấy chứng nhận; hãy tải lại trang sau ít phút.")
    return _back(pk)


@login_required
@require_GET
def certificate_one(request: HttpRequest, pk: int, line_id: int) -> HttpResponse:
    d = _decision(request, pk)
    line = next((ln for ln in selectors.lines(d) if ln.pk == line_id), None)
    if line is None:
        raise Http404("Không có người, tập thể này trong quyết định.")
    return _attachment(certificates.render_pdf(d, [line]), "application/pdf", f"GCN-{line.pk}.pdf")


# --- certificate templates ----------------------------------------------------------------------


@login_required
@require_GET
def templates_index(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, Perm.DRAFT_DECISION):
        raise DjangoPermissionDenied
    types = list(AwardType.objects.select_related("certificate_template").order_by("-rank", "code"))
    rows = [(t, getattr(t, "certificate_template", None), certificates.heading(t)) for t in types]
    return render(request, "decisions/templates_index.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Edit a certificate template (textarea) with a preview on sample data."""
    if not has_perm(request.user, Perm.DRAFT_DECISION):
        raise DjangoPermissionDenied
    award_type = AwardType.objects.filter(code=code.upper()[:30]).first()
    if award_type is None:
        raise Http404("Không có loại khen thưởng này.")
    source = certificates.template_for(award_type)
    preview = ""
    if request.method == "POST":
        form = TemplateForm(request.POST)
        if form.is_valid():
            html, css = form.cleaned_data["html"], form.cleaned_data["css"]
            try:
                if request.POST.get("action") == "save":
                    services.certificate_template_save(
                        actor=request.user,
                        award_type=award_type,
                        html=html,
                        css=css,
                        expected_version=form.cleaned_data.get("version"),
                    )
                    messages.success(request, "Đã lưu mẫu giấy chứng nhận.")
                    return redirect("decisions:template_edit", code=award_type.code)
                certificates.check_template(html)
                preview = certificates.sample_html(award_type, certificates.Source(html, css, None))
            except DomainError as exc:
                messages.error(request, exc.message)
    else:
        form = TemplateForm(initial={"html": source.html, "css": source.css, "version": source.version})
        preview = certificates.sample_html(award_type, source)
    return render(
        request,
        "decisions/template_edit.html",
        {"award_type": award_type, "form": form, "preview": preview, "is_default": source.version is None},
    )


# --- revocation -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke awards of an issued decision (tick the lines, give the revoking decision)."""
    decision = _decision(request, pk)
    if decision.state != DecisionState.ISSUED or not has_perm(request.user, Perm.REVOKE_AWARD):
        raise DjangoPermissionDenied
    lines = [ln for ln in selectors.lines(decision) if ln.award_record_id]
    form = RevocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = {int(i) for i in request.POST.getlist("line") if i.isdigit()}
        records = [ln.award_record for ln in lines if ln.pk in chosen]
        try:
            services.revoke_awards(actor=request.user, records=records, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Đã hủy bỏ {len(records)} khen thưởng.")
            return redirect("decisions:recovery")
    return render(request, "decisions/revoke.html", {"d": decision, "lines": lines, "form": form})


@login_required
@require_GET
def recovery(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, Perm.VIEW_AWARDS):
        raise DjangoPermissionDenied
    lines = list(selectors.recovery_lines(request.user)[:1000])
    if request.GET.get("format") == "xlsx":
        return _attachment(exports.recovery_xlsx(lines), exports.XLSX, "tien-thuong-phai-thu-hoi.xlsx")
    return render(
        request,
        "decisions/recovery.html",
        {"lines": lines, "total": sum(ln.amount_to_recover for ln in lines)},
    )


# --- public verification --------------------------------------------------------------------------


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public (no login): what a QR code on a certificate proves. Every unknown
    code gets the same 404 page."""
    try:
        line = selectors.certificate(code)
    except NotFound:
        return render(request, "decisions/verify_unknown.html", status=404)
    record = line.award_record
    revocation = selectors.revocation_of(record)
    return render(
        request,
        "decisions/verify.html",
        {
            "line": line,
            "d": line.decision,
            "record": record,
            "revoked": record is not None and record.status == "revoked",
            "revocation": revocation,
            "today": dt.date.today(),
        },
    )


def url_of(decision: Decision) -> str:
    return reverse("decisions:detail", args=[decision.pk])
