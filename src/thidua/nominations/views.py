"""Web pages of the dossiers (hồ sơ đề nghị khen thưởng) and the public
publication page (công khai).

Thin views: forms parse, :mod:`services` write (permission, state, version,
audit), :mod:`selectors` read inside the user's scope — a dossier outside it
is a 404, like one that does not exist. The buttons come from the workflow
table through ``services.can``; a refusal of the service (a stale version
included) is shown on the dossier page in Vietnamese with its status code
(409 for "someone else acted first"), never as a 500.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import can_on_unit, has_perm, people_for, units_for
from thidua.awards.enums import RecipientKind
from thidua.core.errors import ConcurrentUpdate, DomainError, NotFound, PermissionDenied
from thidua.core.htmx import is_htmx
from thidua.core.middleware import client_ip
from thidua.directory.forms import DATE_FORMATS
from thidua.directory.models import Unit
from thidua.nominations import selectors, services
from thidua.nominations.downloads import attachment_response
from thidua.nominations.forms import (
    AttachmentForm,
    CandidateForm,
    CommentForm,
    CommentHandleForm,
    DossierCreateForm,
    DossierFilterForm,
    JustificationForm,
    LetterForm,
)
from thidua.nominations.models import Candidate, CandidateState, Dossier, DossierState, Verdict
from thidua.nominations.workflow import ACTIONS, EDITABLE_STATES

PER_PAGE = 50
VERDICT_CLASS = {Verdict.ELIGIBLE: "ok", Verdict.NOT_ELIGIBLE: "no", Verdict.REVIEW: "unk"}
VERDICT_SIGN = {Verdict.ELIGIBLE: "✓", Verdict.NOT_ELIGIBLE: "✗", Verdict.REVIEW: "?"}


def _visible(user: Any, pk: int) -> Dossier:
    dossier = selectors.dossier_for(user, pk)
    if dossier is None:
        raise Http404("Không tìm thấy hồ sơ.")
    return dossier


# --- list --------------------------------------------------------------------------------


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """ "Hồ sơ khen thưởng": the role's queue on top, then every dossier in scope with filters."""
    user = request.user
    if not has_perm(user, Perm.VIEW_NOMINATIONS):
        raise DjangoPermissionDenied
    form = DossierFilterForm(request.GET or None, units=units_for(user, Perm.VIEW_NOMINATIONS))
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.dossier_list(
        user,
        state=data.get("trang_thai") or None,
        year=data.get("nam"),
        unit=data.get("unit"),
        q=data.get("q"),
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("trang"))
    today = timezone.localdate()
    rows = [{"d": d, "overdue": selectors.overdue_days(d.due_date, today)} for d in page.object_list]
    params = request.GET.copy()
    params.pop("trang", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "count": page.paginator.count,
        "querystring": params.urlencode(),
    }
    if is_htmx(request):
        return render(request, "nominations/_results.html", context)
    context.update(
        groups=selectors.queue_for(user, today),
        comments=list(selectors.comments_waiting(user)[:20]),
        can_create=has_perm(user, Perm.NOMINATE),
        no_work=not (has_perm(user, Perm.NOMINATE) or has_perm(user, Perm.APPRAISE)),
    )
    return render(request, "nominations/index.html", context)


# --- create ------------------------------------------------------------------------------


def _movements(user: Any) -> Any:
    """The movements the user may see, newest first (a dossier may answer one)."""
    from thidua.movements.selectors import movements_for

    return movements_for(user).order_by("-start_date", "-id")


@login_required
@require_http_methods(["GET", "POST"])
def dossier_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_perm(user, Perm.NOMINATE):
        raise DjangoPermissionDenied
    proposers = units_for(user, Perm.NOMINATE)
    movements = _movements(user)
    status = 200
    if request.method == "POST":
        form = DossierCreateForm(request.POST, proposers=proposers, movements=movements)
        if form.is_valid():
            try:
                dossier = services.dossier_create(actor=user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, f"Đã tạo hồ sơ {dossier.code}. Hãy thêm người, tập thể được đề nghị."
                )
                return redirect("nominations:dossier", pk=dossier.pk)
        status = 400
    else:
        first = proposers.order_by("path").first()
        initial: dict[str, Any] = {"letter_date": timezone.localdate()}
        if first is not None:
            initial["proposer_unit"] = first.code
            parent = Unit.objects.filter(pk=first.parent_id).first() if first.parent_id else None
            if parent is not None:
                initial["deciding_unit"] = parent.code
        form = DossierCreateForm(initial=initial, proposers=proposers, movements=movements)
    return render(request, "nominations/create.html", {"form": form}, status=status)


# --- the dossier page ----------------------------------------------------------------------


def _candidate_rows(dossier: Dossier, editable: bool, appraiser: bool) -> list[dict[str, Any]]:
    rows = []
    for c in dossier.candidates.all():
        detail = c.verdict_detail or {}
        rows.append(
            {
                "c": c,
                "verdict_class": VERDICT_CLASS.get(c.verdict, "unk"),
                "verdict_sign": VERDICT_SIGN.get(c.verdict, "?"),
                "criteria": detail.get("criteria") or [],
                "missing": detail.get("missing") or [],
                "warnings": detail.get("warnings") or [],
                "rule_set": detail.get("rule_set") or "",
                "needs_justification": c.verdict == Verdict.NOT_ELIGIBLE,
                "edit_form": JustificationForm(
                    initial={"version": c.version, "justification": c.justification, "summary": c.summary},
                    prefix=f"c{c.pk}",
                )
                if editable
                else None,
            }
        )
    return rows


def _action_panels(user: Any, dossier: Dossier) -> list[dict[str, Any]]:
    panels = []
    for name in selectors.available_actions(user, dossier):
        spec = ACTIONS[name]
        panels.append(
            {"name": name, "label": spec.label, "confirm": spec.confirm, "needs_note": spec.needs_note}
        )
    return panels


def _detail_context(request: HttpRequest, dossier: Dossier, **extra: Any) -> dict[str, Any]:
    user = request.user
    d = selectors.dossier_detail(user, dossier.pk)
    if d is None:
        raise Http404("Không tìm thấy hồ sơ.")
    can_edit = d.state in EDITABLE_STATES and can_on_unit(user, Perm.NOMINATE, d.proposer_unit)
    appraiser = selectors.is_appraiser(user, d)
    today = timezone.localdate()
    live = [c for c in d.candidates.all() if c.state != CandidateState.WITHDRAWN]
    context: dict[str, Any] = {
        "d": d,
        "today": today,
        "overdue": selectors.overdue_days(d.due_date, today),
        "can_edit": can_edit,
        "appraiser": appraiser,
        "rows": _candidate_rows(d, can_edit, appraiser),
        "live": live,
        "attachments": list(d.attachments.all()),
        "transitions": [
            {"t": t, "label": ACTIONS[t.action].label if t.action in ACTIONS else t.action}
            for t in d.transitions.all()
        ],
        "panels": _action_panels(user, d),
        "comments": selectors.comments_for(user, d),
        "public_url": reverse("nominations:public_dossier", args=[d.public_code]),
        "children": list(d.forwarded_dossiers.all()) if d.pk else [],
    }
    if can_edit:
        context.setdefault(
            "letter_form",
            LetterForm(
                initial={
                    "version": d.version,
                    **{f: getattr(d, f) for f in LetterForm.base_fields if f != "version"},
                }
            ),
        )
        context.setdefault(
            "candidate_form",
            CandidateForm(
                initial={"year": today.year - (1 if today.month < 9 else 0), "recipient_kind": "individual"},
                people=people_for(user, Perm.NOMINATE),
                units=units_for(user, Perm.NOMINATE),
            ),
        )
        context.setdefault("attachment_form", AttachmentForm())
    context.update(extra)
    return context


def _render_detail(request: HttpRequest, dossier: Dossier, status: int = 200, **extra: Any) -> HttpResponse:
    return render(
        request, "nominations/detail.html", _detail_context(request, dossier, **extra), status=status
    )


def _refused(request: HttpRequest, dossier: Dossier, exc: DomainError, **extra: Any) -> HttpResponse:
    """The dossier page with the service's message, and the status that says why."""
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    status = 409 if isinstance(exc, ConcurrentUpdate) else 403 if isinstance(exc, PermissionDenied) else 400
    return _render_detail(request, dossier, status=status, error=exc.message, **extra)


@login_required
@require_GET
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _visible(request.user, pk))


@login_required
@require_POST
def dossier_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter data of a draft or returned dossier (with the version read)."""
    dossier = _visible(request.user, pk)
    form = LetterForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, dossier, status=400, letter_form=form, open_letter=True)
    data = dict(form.cleaned_data)
    version = data.pop("version")
    try:
        services.dossier_update(actor=request.user, dossier=dossier, version=version, **data)
    except DomainError as exc:
        return _refused(request, dossier, exc, letter_form=form, open_letter=True)
    messages.success(request, "Đã lưu thông tin tờ trình.")
    return redirect("nominations:dossier", pk=dossier.pk)


@login_required
@require_POST
def candidate_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    dossier = _visible(user, pk)
    form = CandidateForm(
        request.POST, people=people_for(user, Perm.NOMINATE), units=units_for(user, Perm.NOMINATE)
    )
    if not form.is_valid():
        return _render_detail(request, dossier, status=400, candidate_form=form, open_candidate=True)
    data = dict(form.cleaned_data)
    kind = data.pop("recipient_kind")
    person, unit = data.pop("person"), data.pop("unit")
    try:
        c = services.candidate_add(
            actor=user,
            dossier=dossier,
            person=person if kind == RecipientKind.INDIVIDUAL else None,
            unit=unit if kind == RecipientKind.COLLECTIVE else None,
            **data,
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _refused(request, dossier, exc, candidate_form=form, open_candidate=True)
    text = f"Đã thêm {c.recipient} — {c.award_type.name}: {c.get_verdict_display().lower()}."
    if c.verdict == Verdict.NOT_ELIGIBLE and not c.justification:
        messages.warning(request, text + " Cần nhập giải trình trước khi gửi hồ sơ.")
    else:
        messages.success(request, text)
    return redirect(f"{reverse('nominations:dossier', args=[dossier.pk])}#ung-vien-{c.pk}")


def _candidate(dossier: Dossier, cid: int) -> Candidate:
    c = dossier.candidates.select_related("dossier", "award_type").filter(pk=cid).first()
    if c is None:
        raise Http404("Không tìm thấy người, tập thể trong hồ sơ.")
    return c


@login_required
@require_POST
def candidate_edit(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    dossier = _visible(request.user, pk)
    c = _candidate(dossier, cid)
    form = JustificationForm(request.POST, prefix=f"c{c.pk}")
    if not form.is_valid():
        return _render_detail(request, dossier, status=400, error="Giải trình hoặc tóm tắt quá dài.")
    data = dict(form.cleaned_data)
    version = data.pop("version")
    try:
        services.candidate_update(actor=request.user, candidate=c, version=version, **data)
    except DomainError as exc:
        return _refused(request, dossier, exc)
    messages.success(request, f"Đã lưu giải trình, thành tích của {c.recipient}.")
    return redirect(f"{reverse('nominations:dossier', args=[dossier.pk])}#ung-vien-{c.pk}")


@login_required
@require_POST
def candidate_remove(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    dossier = _visible(request.user, pk)
    c = _candidate(dossier, cid)
    try:
        services.candidate_remove(actor=request.user, candidate=c)
    except DomainError as exc:
        return _refused(request, dossier, exc)
    messages.success(request, f"Đã bỏ {c.recipient} khỏi hồ sơ.")
    return redirect("nominations:dossier", pk=dossier.pk)


# --- attachments ---------------------------------------------------------------------------


@login_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _visible(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, dossier, status=400, attachment_form=form)
    try:
        att = services.attachment_add(
            actor=request.user,
            dossier=dossier,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _refused(request, dossier, exc, attachment_form=form)
    messages.success(request, f"Đã tải lên «{att.original_name}» ({att.get_kind_display().lower()}).")
    return redirect(f"{reverse('nominations:dossier', args=[dossier.pk])}#tep")


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, aid: int) -> HttpResponse:
    """Only for users who may see the dossier; the original name; never rendered inline."""
    dossier = _visible(request.user, pk)
    att = dossier.attachments.filter(pk=aid).first()
    if att is None:
        raise Http404("Không tìm thấy tệp.")
    return attachment_response(att)


@login_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int, aid: int) -> HttpResponse:
    dossier = _visible(request.user, pk)
    att = dossier.attachments.filter(pk=aid).first()
    if att is None:
        raise Http404("Không tìm thấy tệp.")
    try:
        services.attachment_remove(actor=request.user, attachment=att)
    except DomainError as exc:
        return _refused(request, dossier, exc)
    messages.success(request, f"Đã xóa «{att.original_name}».")
    return redirect(f"{reverse('nominations:dossier', args=[dossier.pk])}#tep")


# --- the workflow buttons -----------------------------------------------------------------


def _date(text: str) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise DomainError(f"Ngày «{text[:20]}» phải có dạng ngày/tháng/năm, ví dụ 15/09/2025.")


def action_payload(action: str, post: Any, dossier: Dossier) -> dict[str, Any]:
    """The inputs of a step's panel → the service's payload (per-candidate fields are ``<field>_<id>``)."""
    ids = list(dossier.candidates.exclude(state=CandidateState.WITHDRAWN).values_list("pk", flat=True))
    payload: dict[str, Any] = {}
    if action == "return":
        payload["reasons"] = {
            pk: post.get(f"reason_{pk}", "") for pk in ids if post.get(f"reason_{pk}", "").strip()
        }
    elif action == "appraise":
        opinions = {}
        for pk in ids:
            choice = post.get(f"recommended_{pk}", "")
            opinions[pk] = {
                "recommended": None if choice == "" else choice == "1",
                "note": post.get(f"opinion_{pk}", ""),
            }
        payload["opinions"] = opinions
    elif action == "publish":
        days = (post.get("days") or "").strip()
        if days:
            payload["days"] = days
    elif action == "forward":
        code = (post.get("to_unit") or "").strip().split("—", 1)[0].strip()
        if code:
            unit = Unit.objects.filter(code=code[:40]).first()
            if unit is None:
                raise DomainError(f"Không tìm thấy đơn vị có mã «{code[:40]}».")
            payload["to_unit"] = unit
        payload.update(
            to_name=post.get("to_name", ""),
            letter_number=post.get("letter_number", ""),
            letter_signer=post.get("letter_signer", ""),
        )
        letter_date = _date(post.get("letter_date", ""))
        if letter_date:
            payload["letter_date"] = letter_date
    elif action == "record_result":
        results = {}
        for pk in ids:
            day = _date(post.get(f"decision_date_{pk}", ""))
            results[pk] = {
                "awarded": post.get(f"awarded_{pk}") == "1",
                "decision_number": post.get(f"decision_number_{pk}", ""),
                "decision_date": day.isoformat() if day else "",
            }
        payload["results"] = results
    return payload


@login_required
@require_POST
def dossier_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One button of the workflow; the service checks the table, the permission and the version."""
    dossier = _visible(request.user, pk)
    spec = ACTIONS.get(action)
    if spec is None or spec.system:
        raise Http404("Không có thao tác này.")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1  # a form without the version is as stale as an old one
    try:
        payload = action_payload(action, request.POST, dossier)
        done = services.transition(
            actor=request.user,
            dossier=dossier,
            action=action,
            version=version,
            note=request.POST.get("note", ""),
            **payload,
        )
    except DomainError as exc:
        return _refused(request, dossier, exc, open_action=action)
    text = f"{spec.label}: hồ sơ {done.code} chuyển sang bước «{done.get_state_display()}»."
    if payload.get("child"):
        text += f" Đã lập hồ sơ {payload['child']} trình cấp trên."
    messages.success(request, text)
    if selectors.dossier_for(request.user, done.pk) is None:
        return redirect("nominations:index")
    return redirect("nominations:dossier", pk=done.pk)


@login_required
@require_POST
def comment_handle(request: HttpRequest, pk: int, comment_id: int) -> HttpResponse:
    dossier = _visible(request.user, pk)
    comment = dossier.comments.filter(pk=comment_id).first()
    if comment is None:
        raise Http404("Không tìm thấy ý kiến.")
    form = CommentHandleForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, dossier, status=400, error="Hãy ghi kết quả xử lý ý kiến.")
    try:
        services.comment_handle(actor=request.user, comment=comment, note=form.cleaned_data["note"])
    except DomainError as exc:
        return _refused(request, dossier, exc)
    messages.success(request, f"Đã ghi kết quả xử lý ý kiến của {comment.author_name}.")
    return redirect(f"{reverse('nominations:dossier', args=[dossier.pk])}#gop-y")


# --- public publication (no login) --------------------------------------------------------


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    """Dossiers being published for comment now."""
    return render(request, "nominations/public_list.html", {"dossiers": list(selectors.published_now())})


@require_http_methods(["GET", "POST"])
def public_dossier(request: HttpRequest, code: Any) -> HttpResponse:
    """The candidates the appraiser kept, their achievements and award, and a comment form
    while the window is open (its last day included)."""
    dossier = (
        Dossier.objects.select_related("deciding_unit", "proposer_unit")
        .filter(public_code=code, state__in=[DossierState.PUBLISHED, DossierState.AT_COUNCIL])
        .first()
    )
    if dossier is None:
        # Only a published dossier has a public page (before and long after, nothing to see).
        dossier = Dossier.objects.filter(public_code=code).exclude(publish_until__isnull=True).first()
        if dossier is None:
            raise Http404("Không tìm thấy danh sách công khai.")
    today = timezone.localdate()
    is_open = (
        dossier.state == DossierState.PUBLISHED
        and dossier.publish_until is not None
        and today <= dossier.publish_until
    )
    candidates = list(
        dossier.candidates.filter(state=CandidateState.APPRAISED)
        .select_related("award_type", "person", "person__unit", "unit", "household")
        .order_by("award_type__rank", "id")
    )
    form = CommentForm(candidates=candidates)
    status = 200
    sent = False
    if request.method == "POST":
        form = CommentForm(request.POST, candidates=candidates)
        if not is_open:
            status = 400
        elif form.is_valid():
            data = form.cleaned_data
            try:
                services.comment_add(
                    dossier=dossier,
                    author_name=data["author_name"],
                    author_contact=data["author_contact"],
                    body=data["body"],
                    candidate_id=data["candidate"],
                    ip_address=client_ip(request),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = 429 if exc.code == "rate_limited" else 400
            else:
                sent = True
                form = CommentForm(candidates=candidates)
        else:
            status = 400
    context = {
        "d": dossier,
        "candidates": candidates,
        "form": form,
        "is_open": is_open,
        "sent": sent,
        "today": today,
    }
    return render(request, "nominations/public_dossier.html", context, status=status)


# --- suggestions ---------------------------------------------------------------------------

SUGGESTIONS = 20
_UNIT_PARAMS = ("proposer_unit", "deciding_unit", "to_unit", "unit", "q")


@login_required
@require_GET
def unit_suggest(request: HttpRequest) -> HttpResponse:
    """``<option>``s for the unit boxes of these pages.

    ``for=proposer``: units where the user may propose; ``for=decider``: the
    bodies above those units (a school officer must be able to name the
    commune that decides, though the commune is outside the school's scope);
    otherwise the units the user may see."""
    from django.db.models import Q

    from thidua.core.text import fold

    user = request.user
    typed = next((request.GET[k] for k in _UNIT_PARAMS if request.GET.get(k)), "").strip()[:120]
    units: list[Unit] = []
    if typed:
        purpose = request.GET.get("for")
        if purpose == "proposer":
            qs = units_for(user, Perm.NOMINATE)
        elif purpose == "decider":
            own = units_for(user, Perm.NOMINATE) | units_for(user, Perm.APPRAISE)
            ids: set[int] = set()
            for path in own.values_list("path", flat=True)[:500]:
                ids.update(int(p) for p in path.strip("/").split("/") if p)
            qs = Unit.objects.filter(pk__in=ids)
        else:
            qs = units_for(user, Perm.VIEW_NOMINATIONS)
        qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=timezone.localdate()))
        exact = list(qs.filter(code__iexact=typed)[:1])
        for term in [t for t in fold(typed).split(" ") if t][:8]:
            qs = qs.filter(search_key__contains=term)
        units = exact + [u for u in qs.order_by("depth", "name")[:SUGGESTIONS] if u not in exact]
    return render(request, "directory/_unit_options.html", {"units": units})
