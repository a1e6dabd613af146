"""Organisers' management pages beside the dashboard: contest settings
(including the prize table and the prediction question), the question bank
(edit or remove one question), the leaderboard per round with the
disqualify / reinstate buttons, and the prize decision ("Lập dự thảo quyết
định trao giải").

Thin like views.py: forms parse, services write (and check
``contests.manage`` again), outside the user's scope a 404.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import can_on_unit
from thidua.contests import prize_decision, ranking, selectors, services
from thidua.contests.enums import CollectiveBasis, QuestionKind
from thidua.contests.models import Contest, Participant, Question, Round
from thidua.contests.views import _contest, _manage
from thidua.core.errors import ConcurrentUpdate, DomainError
from thidua.directory.enums import Gender

PRIZE_ROWS = 8  # rows of the prize table form (empty rows are dropped)


class SettingsForm(forms.Form):
    name = forms.CharField(label="Tên cuộc thi", max_length=255)
    description = forms.CharField(
        label="Giới thiệu", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    questions_per_attempt = forms.IntegerField(label="Số câu mỗi lượt thi", min_value=1, max_value=200)
    time_limit_seconds = forms.IntegerField(label="Thời gian mỗi lượt (giây)", min_value=30, max_value=86400)
    attempts_per_round = forms.IntegerField(label="Số lượt thi mỗi đợt", min_value=1, max_value=100)
    prediction_question = forms.CharField(
        label="Câu hỏi dự đoán",
        max_length=300,
        required=False,
        help_text="Để trống nếu không có câu dự đoán.",
    )
    prize_per_round = forms.BooleanField(label="Trao giải cá nhân theo từng đợt", required=False)
    collective_prize_count = forms.IntegerField(label="Số giải tập thể", min_value=0, max_value=500)
    collective_basis = forms.ChoiceField(label="Cách xét giải tập thể", choices=CollectiveBasis.choices)
    collective_prize_label = forms.CharField(label="Tên giải tập thể", max_length=60)
    collective_prize_amount = forms.IntegerField(
        label="Tiền thưởng mỗi giải tập thể (đồng)", min_value=0, max_value=10_000_000_000
    )
    points_per_percent = forms.DecimalField(
        label="Điểm cho mỗi 1% người tham gia",
        min_value=Decimal(0),
        max_value=Decimal(1000),
        decimal_places=2,
        help_text="Chỉ dùng khi xét giải tập thể theo điểm: điểm = tỷ lệ tham gia (%) × hệ số này "
        "+ điểm của từng giải cá nhân mà người của đơn vị đạt được.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(PRIZE_ROWS):
            self.fields[f"prize_{i}_label"] = forms.CharField(label="Tên giải", max_length=60, required=False)
            self.fields[f"prize_{i}_count"] = forms.IntegerField(
                label="Số giải", min_value=0, max_value=1000, required=False
            )
            self.fields[f"prize_{i}_amount"] = forms.IntegerField(
                label="Tiền thưởng (đồng)", min_value=0, max_value=10_000_000_000, required=False
            )
            self.fields[f"prize_{i}_points"] = forms.IntegerField(
                label="Điểm cho đơn vị", min_value=0, max_value=10_000, required=False
            )
            self.fields[f"prize_{i}_level"] = forms.CharField(widget=forms.HiddenInput, required=False)
            for key in ("label", "count", "amount", "points"):
                field = self.fields[f"prize_{i}_{key}"]
                field.widget.attrs["aria-label"] = f"{field.label} — dòng {i + 1}"

    @classmethod
    def initial_for(cls, contest: Contest) -> dict[str, Any]:
        data: dict[str, Any] = {f: getattr(contest, f) for f in services.SETTINGS_FIELDS if f != "prizes"}
        data["version"] = contest.version
        for i, p in enumerate(contest.prizes[:PRIZE_ROWS]):
            data[f"prize_{i}_label"] = p["label"]
            data[f"prize_{i}_count"] = p["count"]
            data[f"prize_{i}_amount"] = p.get("amount", 0)
            data[f"prize_{i}_points"] = p.get("points", 0)
            data[f"prize_{i}_level"] = p["level"]
        return data

    def prize_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"prize_{i}_{k}"] for k in ("label", "count", "amount", "points", "level")]
            for i in range(PRIZE_ROWS)
        ]

    def changes(self) -> dict[str, Any]:
        d = self.cleaned_data
        values = {f: d[f] for f in services.SETTINGS_FIELDS if f != "prizes"}
        values["collective_basis"] = str(values["collective_basis"])
        values["prizes"] = [
            {
                "level": d[f"prize_{i}_level"] or "",
                "label": d[f"prize_{i}_label"],
                "count": d[f"prize_{i}_count"] or 0,
                "amount": d[f"prize_{i}_amount"] or 0,
                "points": d[f"prize_{i}_points"] or 0,
            }
            for i in range(PRIZE_ROWS)
            if d.get(f"prize_{i}_label")
        ]
        return values


@login_required
@require_http_methods(["GET", "POST"])
def settings_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _manage(request, pk)
    status = 200
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            values = form.changes()
            # Unchanged frozen settings are not sent (the service refuses any
            # change of them once people have taken part).
            for frozen in ("questions_per_attempt", "time_limit_seconds"):
                if values[frozen] == getattr(contest, frozen):
                    values.pop(frozen)
            try:
                services.contest_update(
                    actor=request.user,
                    contest=contest,
                    expected_version=form.cleaned_data["version"],
                    **values,
                )
            except ConcurrentUpdate:
                form.add_error(None, "Thiết lập vừa được người khác sửa. Hãy tải lại trang và làm lại.")
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Đã lưu thiết lập cuộc thi.")
                return redirect("contests:detail", pk=pk)
        status = 422
    else:
        form = SettingsForm(initial=SettingsForm.initial_for(contest))
    return render(request, "contests/settings.html", {"contest": contest, "form": form}, status=status)


# --- questions --------------------------------------------------------------------------------


class QuestionForm(forms.Form):
    topic = forms.ModelChoiceField(label="Chủ đề", queryset=None)  # type: ignore[arg-type]
    kind = forms.ChoiceField(label="Loại", choices=QuestionKind.choices)
    text = forms.CharField(label="Câu hỏi", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, contest: Contest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = contest.topics.all()
        for i in range(8):
            letter = chr(65 + i)
            self.fields[f"option_{i}"] = forms.CharField(
                label=f"Phương án {letter}", max_length=500, required=False
            )
            self.fields[f"correct_{i}"] = forms.BooleanField(label=f"{letter} đúng", required=False)

    def option_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"option_{i}"], self[f"correct_{i}"]) for i in range(8)]

    def parsed(self) -> tuple[list[str], list[int]]:
        d = self.cleaned_data
        options, correct = [], []
        for i in range(8):
            text = (d.get(f"option_{i}") or "").strip()
            if text:
                if d.get(f"correct_{i}"):
                    correct.append(len(options))
                options.append(text)
        return options, correct


def _question(contest: Contest, qid: int) -> Question:
    q = Question.objects.filter(contest=contest, pk=qid).select_related("topic", "contest__organiser").first()
    if q is None:
        raise Http404
    return q


@login_required
def question_list(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest(request, pk)
    questions = list(contest.questions.select_related("topic").order_by("topic_id", "id"))
    for q in questions:
        q.correct_labels = [chr(65 + i) for i in range(len(q.options)) if q.correct_mask >> i & 1]
    return render(
        request,
        "contests/questions.html",
        {
            "contest": contest,
            "questions": questions,
            "can_manage": can_on_unit(request.user, Perm.MANAGE_CONTESTS, contest.organiser),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int, qid: int) -> HttpResponse:
    contest = _manage(request, pk)
    question = _question(contest, qid)
    status = 200
    if request.method == "POST":
        form = QuestionForm(request.POST, contest=contest)
        if form.is_valid():
            options, correct = form.parsed()
            try:
                services.question_update(
                    actor=request.user,
                    question=question,
                    text=form.cleaned_data["text"],
                    options=options,
                    correct=correct,
                    kind=form.cleaned_data["kind"],
                    topic=form.cleaned_data["topic"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Đã sửa câu hỏi.")
                return redirect("contests:questions", pk=pk)
        status = 422
    else:
        initial: dict[str, Any] = {"topic": question.topic, "kind": question.kind, "text": question.text}
        for i, o in enumerate(question.options):
            initial[f"option_{i}"] = o
            initial[f"correct_{i}"] = bool(question.correct_mask >> i & 1)
        form = QuestionForm(initial=initial, contest=contest)
    return render(
        request,
        "contests/question_edit.html",
        {"contest": contest, "question": question, "form": form},
        status=status,
    )


@login_required
@require_POST
def question_delete(request: HttpRequest, pk: int, qid: int) -> HttpResponse:
    contest = _manage(request, pk)
    question = _question(contest, qid)
    try:
        if request.POST.get("restore"):
            services.question_reactivate(actor=request.user, question=question)
            messages.success(request, "Câu hỏi được dùng lại trong các lượt thi mới.")
        else:
            outcome = services.question_delete(actor=request.user, question=question)
            messages.success(
                request,
                "Đã xóa câu hỏi."
                if outcome == "deleted"
                else "Câu hỏi đã có người thi nên được ngừng dùng (không bị xóa, số liệu cũ giữ nguyên).",
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("contests:questions", pk=pk)


# --- leaderboards and disqualification ----------------------------------------------------------


@login_required
def leaderboard(request: HttpRequest, pk: int) -> HttpResponse:
    """The board overall or of one round (``?dot=<round number>``), with the
    disqualify buttons for organisers and the list of disqualified people."""
    contest = _contest(request, pk)
    rounds = list(contest.rounds.order_by("number"))
    rnd: Round | None = None
    chosen = request.GET.get("dot", "")
    if chosen:
        rnd = next((r for r in rounds if str(r.number) == chosen), None)
        if rnd is None:
            raise Http404
    services.tally_pending(contest)
    return render(
        request,
        "contests/leaderboard.html",
        {
            "contest": contest,
            "rounds": rounds,
            "round": rnd,
            "board": ranking.leaderboard(contest, rnd, limit=100),
            "disqualified": selectors.disqualified(contest),
            "can_manage": can_on_unit(request.user, Perm.MANAGE_CONTESTS, contest.organiser),
        },
    )


def _participant(contest: Contest, pid: int) -> Participant:
    p = Participant.objects.filter(contest=contest, pk=pid).select_related("contest__organiser").first()
    if p is None:
        raise Http404
    return p


def _back(request: HttpRequest, pk: int) -> HttpResponse:
    target = reverse("contests:leaderboard", args=[pk])
    dot = request.POST.get("dot", "")
    return redirect(f"{target}?dot={dot}" if dot.isdigit() else target)


@login_required
@require_POST
def disqualify(request: HttpRequest, pk: int, pid: int) -> HttpResponse:
    contest = _manage(request, pk)
    participant = _participant(contest, pid)
    try:
        services.participant_disqualify(
            actor=request.user, participant=participant, reason=request.POST.get("reason", "")
        )
        messages.success(
            request, f"Đã loại {participant.full_name}. Bảng xếp hạng và giải thưởng đã được tính lại."
        )
        if prize_decision.live_decision(contest) is not None:
            messages.warning(
                request,
                "Cuộc thi đã có quyết định trao giải lập trước khi loại: hãy hủy dự thảo và lập lại "
                "(quyết định đã ban hành phải được hủy bỏ bằng quyết định khác).",
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(request, pk)


@login_required
@require_POST
def reinstate(request: HttpRequest, pk: int, pid: int) -> HttpResponse:
    contest = _manage(request, pk)
    participant = _participant(contest, pid)
    try:
        services.participant_reinstate(
            actor=request.user, participant=participant, note=request.POST.get("note", "")
        )
        messages.success(request, f"Đã khôi phục {participant.full_name}.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(request, pk)


# --- the prize decision -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def prize_decision_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Lập dự thảo quyết định trao giải: the exact list (prize, winner, money,
    how the winner was matched to the directory) before anything is written;
    the officer picks among people with the same name and confirms genders of
    the people to be created."""
    contest = _manage(request, pk)
    existing = prize_decision.live_decision(contest)
    status = 200
    if request.method == "POST" and existing is None:
        choices: dict[int, int | str] = {}
        genders: dict[int, str] = {}
        for key, value in request.POST.items():
            if key.startswith("person_") and key[7:].isdigit() and value:
                choices[int(key[7:])] = (
                    value if value == prize_decision.NEW else int(value) if value.isdigit() else -1
                )
            if key.startswith("gender_") and key[7:].isdigit() and value:
                genders[int(key[7:])] = value
        try:
            decision = prize_decision.draft(
                actor=request.user,
                contest=contest,
                choices=choices,
                genders=genders,
                budget_source=request.POST.get("budget_source", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            status = 422
        else:
            messages.success(request, "Đã lập dự thảo quyết định trao giải. Hãy kiểm tra rồi trình ký.")
            return redirect("decisions:detail", pk=decision.pk)
    lines = [] if existing else prize_decision.preview(contest)
    return render(
        request,
        "contests/prize_decision.html",
        {
            "contest": contest,
            "existing": existing,
            "lines": lines,
            "total": sum(ln.amount for ln in lines),
            "genders": Gender.choices,
            "ambiguous": sum(1 for ln in lines if ln.ambiguous),
            "new_people": sum(1 for ln in lines if ln.match == "new"),
            "posted": request.POST if request.method == "POST" else {},
        },
        status=status,
    )
