"""The council's pages: the work queue, a session page for the standing body,
the member's ballot page (phone-sized, one button per candidate, a
confirmation step) and the results page after closing.

Only parsing and rendering: reads through selectors, writes through
services. On the session page, attendance and the agenda's actions are
htmx requests that swap their own section (the outcome shown inside it);
the same forms post normally without JavaScript and get the whole page. The choice of a vote travels in POST bodies only (never in a URL,
which servers log), and the pages never show a ballot's figures before it closes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from thidua.accounts.enums import Perm
from thidua.accounts.models import User
from thidua.accounts.scoping import has_perm, units_for
from thidua.core.errors import DomainError, NotFound
from thidua.core.htmx import is_htmx
from thidua.council import minutes, selectors, services
from thidua.council.api import DOCX, PDF
from thidua.council.models import BallotMode, BallotState, Choice, CouncilMember, MemberRole, Session


def _session(request: HttpRequest, pk: int) -> Session:
    try:
        return selectors.session_get(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _int(value: Any) -> int | None:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return n if 0 <= n <= 2**31 else None


def _date(value: str) -> dt.date | None:
    value = (value or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Work queue: ballots waiting for my vote; sessions for the standing body."""
    user = request.user
    manage_units = units_for(user, Perm.MANAGE_COUNCIL) if has_perm(user, Perm.MANAGE_COUNCIL) else None
    context = {
        "waiting": selectors.waiting_ballots(user),
        "sessions": list(selectors.sessions_for(user)[:100]),
        "councils": list(selectors.councils_for(user)),
        "can_manage": manage_units is not None and manage_units.exists(),
        "is_member": has_perm(user, Perm.VOTE),
    }
    return render(request, "council/index.html", context)


def _rules_from(post: Any) -> dict[str, Any]:
    """The council's working rules as typed in the form (percentages, Vietnamese decimal comma)."""

    def share(key: str) -> str:
        text = (post.get(key) or "").strip().replace(",", ".").rstrip("%").strip()
        try:
            return str(Decimal(text) / 100)
        except InvalidOperation:
            return text

    return {
        "name": post.get("name", ""),
        "quorum_share": share("quorum_percent"),
        "quorum_citation": post.get("quorum_citation", ""),
        "default_threshold": share("threshold_percent"),
        "default_strict": post.get("default_strict") == "1",
        "default_base": post.get("default_base", ""),
        "default_citation": post.get("default_citation", ""),
        "allow_abstain": post.get("allow_abstain") == "1",
    }


@login_required
@require_http_methods(["GET", "POST"])
def council_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create a council, or edit its working rules (quorum, default threshold) as data."""
    council = None
    if pk is not None:
        council = selectors.councils_for(request.user).filter(pk=pk).first()
        if council is None or not selectors.can_manage(request.user, council):
            raise Http404("Không tìm thấy Hội đồng.")
    elif not has_perm(request.user, Perm.MANAGE_COUNCIL):
        raise Http404("Bạn không quản lý Hội đồng nào.")
    error = ""
    if request.method == "POST":
        values = _rules_from(request.POST)
        try:
            if council is None:
                code = (request.POST.get("unit_code") or "").strip()
                unit = units_for(request.user, Perm.MANAGE_COUNCIL).filter(code=code).first()
                if unit is None:
                    raise DomainError("Không tìm thấy đơn vị có mã này trong phạm vi bạn quản lý.")
                name = values.pop("name")
                council = services.council_create(actor=request.user, unit=unit, name=name, **values)
                messages.success(request, "Đã thành lập Hội đồng.")
            else:
                services.council_update(
                    actor=request.user, council=council, version=_int(request.POST.get("version")), **values
                )
                messages.success(request, "Đã lưu quy chế làm việc của Hội đồng.")
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("council:council", pk=council.pk)
    context = {"council": council, "error": error, "form": request.POST if request.method == "POST" else None}
    return render(request, "council/council_form.html", context, status=422 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def council_detail(
    request: HttpRequest, pk: int, *, error: str = "", failed_member: int | None = None
) -> HttpResponse:
    council = selectors.councils_for(request.user).filter(pk=pk).first()
    if council is None:
        raise Http404("Không tìm thấy Hội đồng.")
    manage = selectors.can_manage(request.user, council)
    if request.method == "POST" and manage and failed_member is None:
        user = User.objects.filter(username=request.POST.get("username", "").strip(), is_active=True).first()
        start = _date(request.POST.get("active_from", ""))
        try:
            if user is None:
                raise DomainError("Không tìm thấy tài khoản có tên đăng nhập này.")
            if start is None:
                raise DomainError("Ngày bắt đầu không hợp lệ (dd/mm/yyyy).")
            member = services.member_add(
                actor=request.user,
                council=council,
                user=user,
                role=request.POST.get("role", ""),
                active_from=start,
                active_to=_date(request.POST.get("active_to", "")),
                votes=request.POST.get("votes") == "1",
                position=request.POST.get("position", ""),
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, f"Đã bổ sung {member.full_name} vào Hội đồng.")
            return redirect("council:council", pk=council.pk)
    context = {
        "council": council,
        "members": council.members.all(),
        "manage": manage,
        "member_roles": [(c.value, c.label) for c in MemberRole],
        "error": error,
        "failed_member": failed_member,
        "ended_value": request.POST.get("active_to", "") if failed_member else "",
        "today": timezone.localdate(),
    }
    return render(request, "council/council.html", context, status=422 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest) -> HttpResponse:
    councils = [c for c in selectors.councils_for(request.user) if selectors.can_manage(request.user, c)]
    if not councils:
        raise Http404("Bạn không quản lý Hội đồng nào.")
    error = ""
    if request.method == "POST":
        council = next((c for c in councils if c.pk == _int(request.POST.get("council"))), None)
        day = _date(request.POST.get("date", ""))
        try:
            if council is None:
                raise DomainError("Hãy chọn Hội đồng.")
            if day is None:
                raise DomainError("Ngày họp không hợp lệ (dd/mm/yyyy).")
            members = {m.pk: m for m in council.members.all()}
            session = services.session_create(
                actor=request.user,
                council=council,
                title=request.POST.get("title", ""),
                date=day,
                place=request.POST.get("place", ""),
                chair=members.get(_int(request.POST.get("chair")) or 0),
                secretary=members.get(_int(request.POST.get("secretary")) or 0),
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, "Đã tạo phiên họp.")
            return redirect("council:session", pk=session.pk)
    members = CouncilMember.objects.filter(council__in=councils).order_by("sort_key")
    context = {"councils": councils, "members": members, "error": error, "form": request.POST}
    return render(request, "council/session_create.html", context, status=422 if error else 200)


def _managed_session(request: HttpRequest, pk: int) -> Session:
    """A session the user may manage; 404 otherwise (a member sees the session, not its forms)."""
    session = _session(request, pk)
    if not selectors.can_manage(request.user, session.council):
        raise Http404(selectors.SESSION_NOT_FOUND)
    return session


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a session's title, date, place, chair and secretary (optimistic lock on
    ``version``: the second of two editors is told someone saved first)."""
    session = _managed_session(request, pk)
    error = ""
    form: Any = None
    if request.method == "POST":
        form = request.POST
        members = {m.pk: m for m in session.council.members.all()}
        day = _date(request.POST.get("date", ""))
        try:
            if day is None:
                raise DomainError("Ngày họp không hợp lệ (dd/mm/yyyy).")
            services.session_update(
                actor=request.user,
                session=session,
                version=_int(request.POST.get("version")),
                title=request.POST.get("title", ""),
                date=day,
                place=request.POST.get("place", ""),
                chair=members.get(_int(request.POST.get("chair")) or 0),
                secretary=members.get(_int(request.POST.get("secretary")) or 0),
            )
        except DomainError as exc:
            error = exc.message
            session.refresh_from_db()
        else:
            messages.success(request, "Đã lưu phiên họp.")
            return redirect("council:session", pk=session.pk)
    context = {
        "session": session,
        "members": session.council.members.all(),
        "form": form,
        "error": error,
        "has_agenda": session.ballots.exists(),
    }
    return render(request, "council/session_edit.html", context, status=422 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def session_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a session entered by mistake: a confirmation page, then the delete
    (refused once the session has an agenda)."""
    session = _managed_session(request, pk)
    error = ""
    if request.method == "POST":
        try:
            services.session_delete(
                actor=request.user, session=session, version=_int(request.POST.get("version"))
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, f"Đã xoá phiên họp “{session.title}”.")
            return redirect("council:index")
    context = {"session": session, "error": error, "has_agenda": session.ballots.exists()}
    return render(request, "council/session_delete.html", context, status=422 if error else 200)


@login_required
@require_http_methods(["POST"])
def member_end(request: HttpRequest, pk: int) -> HttpResponse:
    """End a membership on a date (the member leaves the council)."""
    member = (
        CouncilMember.objects.select_related("council__unit")
        .filter(pk=pk, council__in=selectors.councils_for(request.user))
        .first()
    )
    if member is None or not selectors.can_manage(request.user, member.council):
        raise Http404("Không tìm thấy thành viên Hội đồng.")
    day = _date(request.POST.get("active_to", ""))
    try:
        if day is None:
            raise DomainError("Ngày kết thúc không hợp lệ (dd/mm/yyyy).")
        services.member_end(actor=request.user, member=member, active_to=day)
    except DomainError as exc:
        return council_detail(request, member.council_id, error=exc.message, failed_member=member.pk)
    messages.success(request, f"Đã kết thúc nhiệm vụ của {member.full_name} từ sau ngày {day:%d/%m/%Y}.")
    return redirect("council:council", pk=member.council_id)


def _hands(request: HttpRequest) -> services.HandCount | None:
    values = [request.POST.get(k, "") for k in ("votes_for", "votes_against", "votes_abstain")]
    if not any(v.strip() for v in values):
        return None
    numbers = [_int(v or "0") for v in values]
    if any(n is None for n in numbers):
        raise DomainError("Số biểu quyết phải là số nguyên không âm.")
    return services.HandCount(*numbers)  # type: ignore[arg-type]


def _session_action(request: HttpRequest, session: Session) -> str:
    """Run one of the standing body's actions on the session page; returns a message."""
    action = request.POST.get("action", "")
    ballot = None
    if "ballot" in request.POST:
        ballot = (
            selectors.ballots_for(request.user, session).filter(pk=_int(request.POST["ballot"]) or 0).first()
        )
        if ballot is None:
            raise DomainError(services.NOT_ON_AGENDA)
    if action == "attendance":
        present = [n for n in (_int(v) for v in request.POST.getlist("present")) if n is not None]
        q = services.attendance_set(actor=request.user, session=session, present=present)
        return f"Đã điểm danh: có mặt {q.present}/{q.members}."
    if action == "agenda":
        dossier = selectors.agenda_candidates(request.user, session).filter(
            pk=_int(request.POST.get("dossier")) or 0
        )
        found = dossier.first()
        if found is None:
            raise DomainError("Hãy chọn hồ sơ đã thẩm định hoặc đã công khai.")
        added = services.agenda_add_dossier(actor=request.user, session=session, dossier=found)
        return f"Đã đưa {len(added)} trường hợp của hồ sơ {found.code} vào chương trình."
    if action == "open" and ballot is not None:
        services.ballot_open(
            actor=request.user, ballot=ballot, mode=request.POST.get("mode", BallotMode.SECRET)
        )
        return f"Đã mở biểu quyết: {ballot.candidate.recipient}."
    if action == "written" and ballot is not None:
        counts = [
            _int(request.POST.get(k, "0") or "0") for k in ("votes_for", "votes_against", "votes_abstain")
        ]
        if any(c is None for c in counts):
            raise DomainError("Số ý kiến phải là số nguyên không âm.")
        services.written_opinions_set(
            actor=request.user,
            ballot=ballot,
            votes_for=counts[0],
            votes_against=counts[1],
            votes_abstain=counts[2],
        )
        return "Đã ghi ý kiến bằng văn bản."
    if action == "close" and ballot is not None:
        closed = services.ballot_close(actor=request.user, ballot=ballot, hands=_hands(request))
        return f"Đã kết thúc biểu quyết: {ballot.candidate.recipient} — {services.result_note(closed)}."
    if action == "defer" and ballot is not None:
        services.ballot_defer(actor=request.user, ballot=ballot, reason=request.POST.get("reason", ""))
        return f"Đã hoãn xét: {ballot.candidate.recipient}."
    if action == "close_all":
        closed = services.ballots_close(actor=request.user, session=session)
        return f"Đã kết thúc {len(closed)} phiếu đang mở."
    if action == "conflict" and ballot is not None:
        member = CouncilMember.objects.filter(
            pk=_int(request.POST.get("member")) or 0, council=session.council
        ).first()
        if member is None:
            raise DomainError("Hãy chọn thành viên.")
        services.conflict_declare(
            actor=request.user, ballot=ballot, reason=request.POST.get("reason", ""), member=member
        )
        return f"Đã ghi nhận {member.full_name} không tham gia biểu quyết trường hợp này."
    raise DomainError("Thao tác không hợp lệ.")


@login_required
@require_http_methods(["GET", "POST"])
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    if not selectors.can_manage(request.user, session.council):
        return redirect("council:ballot_page", pk=session.pk)
    error = message = ""
    if request.method == "POST":
        try:
            message = _session_action(request, session)
        except DomainError as exc:
            error = exc.message
        else:
            if not is_htmx(request):
                messages.success(request, message)
                return redirect("council:session", pk=session.pk)
    context = _session_context(request, session)
    if is_htmx(request) and request.method == "POST":
        # htmx swaps the section the form belongs to, with the outcome inside it; 200 even
        # for a refusal, since htmx does not swap error responses. Without JavaScript the
        # same POST answers with a redirect (or the whole page and 422 on a refusal).
        part = "attendance" if request.POST.get("action") == "attendance" else "agenda"
        context.update(notice_part=part, notice=message, notice_error=error)
        return render(request, f"council/_{part}.html", context)
    if is_htmx(request) and request.GET.get("part") == "agenda":
        return render(request, "council/_agenda.html", context)
    context["error"] = error
    return render(request, "council/session.html", context, status=422 if error else 200)


def _session_context(request: HttpRequest, session: Session) -> dict[str, Any]:
    ballots = list(selectors.ballots_for(request.user, session))
    attendance = selectors.attendance_rows(session)  # once: quorum, the roll and the members list
    return {
        "session": session,
        "quorum": services.quorum(session, attendance),
        "attendance": attendance,
        "ballots": [(b, services.threshold_text(b)) for b in ballots],
        "any_open": any(b.state == BallotState.OPEN for b in ballots),
        "any_closed": any(b.state == BallotState.CLOSED for b in ballots),
        "dossiers": selectors.agenda_candidates(request.user, session),
        "conflicts": selectors.conflicts_of(session),
        "members": [m for m, _here, _note in attendance if m.votes],
        "my_seat": selectors.seat_in(request.user, session),
    }


@login_required
@require_http_methods(["GET", "POST"])
def ballot_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The member's page: one card per candidate with one button per choice; the
    chosen button leads to a confirmation, the confirmation casts the vote."""
    session = _session(request, pk)
    seat, present, lines = selectors.member_ballots(request.user, session)
    if seat is None:
        raise Http404(services.NOT_MEMBER)
    error = ""
    if request.method == "POST":
        ballot = next((ln.ballot for ln in lines if ln.ballot.pk == _int(request.POST.get("ballot"))), None)
        choice = request.POST.get("choice", "")
        try:
            if ballot is None:
                raise DomainError(services.NOT_ON_AGENDA)
            if request.POST.get("action") == "conflict":
                services.conflict_declare(
                    actor=request.user, ballot=ballot, reason=request.POST.get("reason", "")
                )
                messages.success(request, "Đã ghi nhận: bạn không tham gia biểu quyết trường hợp này.")
                return redirect("council:ballot_page", pk=session.pk)
            if choice not in Choice.values:
                raise DomainError("Lựa chọn không hợp lệ.")
            if request.POST.get("confirm") != "1":
                context = {
                    "session": session,
                    "ballot": ballot,
                    "choice": choice,
                    "label": Choice(choice).label,
                }
                return render(request, "council/confirm.html", context)
            services.vote_cast(actor=request.user, session=session, ballot_id=ballot.pk, choice=choice)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, f"Đã ghi nhận phiếu của bạn về {ballot.candidate.recipient}.")
            return redirect("council:ballot_page", pk=session.pk)
        seat, present, lines = selectors.member_ballots(request.user, session)
    choices = [(c.value, c.label) for c in Choice]
    context = {
        "session": session,
        "seat": seat,
        "present": present,
        "lines": lines,
        "choices": choices,
        "error": error,
    }
    return render(request, "council/ballot.html", context, status=422 if error else 200)


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    closed = selectors.closed_ballots(request.user, session)
    rows = [
        (b, services.threshold_text(b), services.percent(b.share) if b.share is not None else "")
        for b in closed
    ]
    context = {
        "session": session,
        "rows": rows,
        "manage": selectors.can_manage(request.user, session.council),
        "pending": selectors.ballots_for(request.user, session)
        .filter(state__in=(BallotState.PENDING, BallotState.OPEN))
        .count(),
    }
    return render(request, "council/results.html", context)


@login_required
def minutes_docx(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    if not selectors.can_manage(request.user, session.council):
        raise Http404(selectors.SESSION_NOT_FOUND)
    response = HttpResponse(minutes.build(session), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="bien-ban-hop-hoi-dong-{session.pk}.docx"'
    return response


@login_required
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    if not selectors.can_manage(request.user, session.council):
        raise Http404(selectors.SESSION_NOT_FOUND)
    response = HttpResponse(minutes.build_pdf(session), content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="bien-ban-hop-hoi-dong-{session.pk}.pdf"'
    return response
