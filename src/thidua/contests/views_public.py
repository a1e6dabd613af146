"""Participants' pages under /cuoc-thi/<slug>/ — no account, phone first.

Light on purpose (a cheap phone on 3G): their own ~3 KB stylesheet instead of
the officers' app.css and no htmx; one inline script counts down and submits
the form when time runs out — the server's deadline decides regardless.

The participant is remembered by a signed cookie holding their code (signed
so a forged or edited value is ignored; the code itself is unguessable). The
correct answers are only rendered on the result page of a submitted attempt.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from thidua.contests import selectors, services
from thidua.contests.enums import AttemptStatus, ContestStatus
from thidua.contests.models import Contest, Participant, Question
from thidua.core.errors import DomainError, NotFound
from thidua.core.middleware import client_ip
from thidua.directory.models import Unit

COOKIE_SALT = "thidua.contests.participant"
COOKIE_AGE = 180 * 24 * 3600


def cookie_name(contest: Contest) -> str:
    return f"tdct{contest.pk}"


def _contest(slug: str) -> Contest:
    try:
        return selectors.public_contest(slug)
    except NotFound as exc:
        raise Http404 from exc


def _me(request: HttpRequest, contest: Contest) -> Participant | None:
    code = request.get_signed_cookie(cookie_name(contest), default=None, salt=COOKIE_SALT, max_age=COOKIE_AGE)
    return services.participant_by_code(contest, code)


def _remember(response: HttpResponse, contest: Contest, participant: Participant) -> HttpResponse:
    response.set_signed_cookie(
        cookie_name(contest),
        participant.code,
        salt=COOKIE_SALT,
        max_age=COOKIE_AGE,
        httponly=True,
        samesite="Lax",
    )
    return response


def home(request: HttpRequest, slug: str) -> HttpResponse:
    contest = _contest(slug)
    me = _me(request, contest)
    now = timezone.now()
    context = {
        "contest": contest,
        "me": me,
        "rounds": contest.rounds.order_by("number"),
        "current": services.current_round(contest, now),
        "is_open": contest.status == ContestStatus.OPEN,
        "minutes": round(contest.time_limit_seconds / 60, 1),
    }
    return render(request, "contests/public/home.html", context)


def rules(request: HttpRequest, slug: str) -> HttpResponse:
    """The rules page, written from the contest's settings so it can never
    disagree with what the server enforces."""
    contest = _contest(slug)
    topics = [t for t in contest.topics.all() if t.quota]
    context = {
        "contest": contest,
        "rounds": contest.rounds.order_by("number"),
        "topics": topics,
        "minutes": contest.time_limit_seconds // 60,
        "seconds": contest.time_limit_seconds % 60,
        "grace": int(services.SUBMIT_GRACE.total_seconds()),
        "invited": contest.invitations.select_related("unit").order_by("unit__path"),
        "prizes": [p for p in contest.prizes if p.get("count")],
        "me": _me(request, contest),
    }
    return render(request, "contests/public/rules.html", context)


class RegisterForm(forms.Form):
    full_name = forms.CharField(label="Họ và tên", max_length=120)
    phone = forms.CharField(label="Số điện thoại", max_length=20, required=False)
    email = forms.CharField(label="Thư điện tử (nếu không có số điện thoại)", max_length=254, required=False)
    birth_date = forms.DateField(
        label="Ngày sinh",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    unit = forms.TypedChoiceField(label="Đơn vị", coerce=int, required=False, empty_value=None)
    unit_text = forms.CharField(
        label="Hoặc ghi tên đơn vị (nếu không có trong danh sách)", max_length=255, required=False
    )

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "— Chọn đơn vị —")] + [
            (u.pk, "\u00a0\u00a0" * max(0, u.depth - units[0].depth) + u.name) for u in units
        ]
        self.fields["birth_date"].error_messages["invalid"] = "Ngày sinh không hợp lệ."


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, slug: str) -> HttpResponse:
    from thidua.contests.api_public import public_units

    contest = _contest(slug)
    units = public_units(contest)
    form = RegisterForm(request.POST or None, units=units)
    error = ""
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        unit = next((u for u in units if u.pk == d["unit"]), None)
        try:
            me = services.participant_register(
                contest=contest, full_name=d["full_name"], phone=d["phone"], email=d["email"],
                birth_date=d["birth_date"], unit=unit, unit_text=d["unit_text"], ip=client_ip(request),
            )  # fmt: skip
        except DomainError as exc:
            error = exc.message
            status = exc.status if exc.status != 400 else 422
        else:
            return _remember(redirect("contests:public_home", slug=slug), contest, me)
    elif request.method == "POST":
        status = 422
    else:
        status = 200
    return render(
        request,
        "contests/public/register.html",
        {"contest": contest, "form": form, "error": error},
        status=status,
    )


@require_POST
def start(request: HttpRequest, slug: str) -> HttpResponse:
    contest = _contest(slug)
    me = _me(request, contest)
    if me is None:
        return redirect("contests:public_register", slug=slug)
    try:
        attempt = services.attempt_start(participant=me)
    except DomainError as exc:
        return render(
            request, "contests/public/message.html", {"contest": contest, "message": exc.message, "me": me},
            status=exc.status if exc.status != 400 else 422,
        )  # fmt: skip
    return redirect("contests:public_attempt", slug=slug, token=attempt.token)


def _parse_answers(request: HttpRequest, question_ids: list[int]) -> dict[int, list[int]]:
    answers: dict[int, list[int]] = {}
    for qid in question_ids:
        picks = request.POST.getlist(f"q{qid}")
        try:
            chosen = sorted({int(p) for p in picks})
        except ValueError:
            continue
        if chosen:
            answers[qid] = chosen
    return answers


@require_http_methods(["GET", "POST"])
def attempt(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    contest = _contest(slug)
    me = _me(request, contest)
    if me is None:
        return redirect("contests:public_register", slug=slug)
    try:
        current = services.attempt_for(me, token)
    except NotFound as exc:
        raise Http404 from exc
    if current.status != AttemptStatus.ACTIVE:
        return redirect("contests:public_result", slug=slug, token=token)
    error = ""
    if request.method == "POST":
        raw = request.POST.get("prediction", "").strip().replace(".", "")
        prediction = int(raw) if raw.isdigit() and len(raw) < 10 else None
        try:
            services.attempt_submit(
                participant=me,
                token=token,
                answers=_parse_answers(request, current.question_ids),
                prediction=prediction,
            )
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("contests:public_result", slug=slug, token=token)
    # From the per-process cached bank (no query when warm); a question taken
    # out of the bank after this attempt drew it is read from its row.
    public = services._bank_at(contest, contest.bank_version).public
    missing = [qid for qid in current.question_ids if qid not in public]
    if missing:
        public = {
            **public,
            **{
                q.pk: (q.text, q.kind, q.options)
                for q in Question.objects.filter(pk__in=missing).only("id", "text", "kind", "options")
            },
        }
    items = [
        {
            "number": i,
            "q": {"pk": qid, "text": public[qid][0], "options": public[qid][2]},
            "multiple": public[qid][1] == "multiple",
        }
        for i, qid in enumerate((q for q in current.question_ids if q in public), start=1)
    ]
    left = max(0, int((current.deadline - timezone.now()).total_seconds()))
    context = {
        "contest": contest,
        "attempt": current,
        "items": items,
        "seconds_left": left,
        "error": error,
        "me": me,
    }
    return render(request, "contests/public/attempt.html", context, status=422 if error else 200)


def result(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    contest = _contest(slug)
    me = _me(request, contest)
    if me is None:
        raise Http404
    try:
        done = services.attempt_for(me, token)
    except NotFound as exc:
        raise Http404 from exc
    if done.status == AttemptStatus.ACTIVE:
        return redirect("contests:public_attempt", slug=slug, token=token)
    context = {
        "contest": contest,
        "attempt": done,
        "review": services.attempt_review(done),
        "duration": _duration(done.duration_ms),
        "me": me,
    }
    return render(request, "contests/public/result.html", context)


def mine(request: HttpRequest, slug: str) -> HttpResponse:
    contest = _contest(slug)
    me = _me(request, contest)
    if me is None:
        return redirect("contests:public_register", slug=slug)
    attempts = list(me.attempts.select_related("round").order_by("started_at"))
    for a in attempts:
        a.duration_text = _duration(a.duration_ms)  # type: ignore[attr-defined]
    return render(request, "contests/public/mine.html", {"contest": contest, "me": me, "attempts": attempts})


def _duration(ms: int | None) -> str:
    if ms is None:
        return ""
    total = dt.timedelta(milliseconds=ms).total_seconds()
    return f"{int(total // 60)} phút {int(total % 60)} giây"
