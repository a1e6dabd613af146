"""Reads of the nominations module, scoped to what the user may see.

Who sees a dossier (the same rule for the pages, the API and the CLI):

* the proposing unit's side — ``nominations.view`` on the proposer unit;
* the deciding body's side — ``nominations.view`` on the deciding unit;
* a draft stays inside the unit that writes it: only those who may
  ``nominations.nominate`` on the proposer see it (the standing body of the
  province does not read a school's half-written drafts).

A dossier outside that scope is "not found" (404), exactly like one that does
not exist, so an id never tells whether a unit has proposed someone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import can_on_unit, has_perm, unit_scope
from thidua.core.text import fold
from thidua.nominations.models import Candidate, CandidateState, Comment, Dossier, DossierState, Transition
from thidua.nominations.workflow import ACTIONS

S = DossierState


def _q(scope: Q | None) -> Q:
    """``unit_scope`` answers None for "everything"; as a filter that is an empty Q."""
    return Q() if scope is None else scope


def dossiers_for(user: Any) -> QuerySet[Dossier]:
    """Every dossier ``user`` may read (see the module docstring)."""
    proposer = unit_scope(user, Perm.VIEW_NOMINATIONS, "proposer_unit__")
    decider = unit_scope(user, Perm.VIEW_NOMINATIONS, "deciding_unit__")
    drafting = unit_scope(user, Perm.NOMINATE, "proposer_unit__")
    qs = Dossier.objects.all()
    # ``None`` is "the whole tree"; an empty Q() would vanish when OR-ed, so each case is explicit.
    if proposer is not None and decider is not None:
        qs = qs.filter(proposer | (decider & Q(deciding_unit__isnull=False)))
    if drafting is not None:
        qs = qs.filter(~Q(state=S.DRAFT) | drafting)
    return qs


def dossier_for(user: Any, pk: int | str) -> Dossier | None:
    """One dossier by id (or code) if ``user`` may read it, else None (→ 404)."""
    qs = dossiers_for(user).select_related("proposer_unit", "deciding_unit", "parent", "created_by")
    if isinstance(pk, str) and not pk.isdigit():
        return qs.filter(code=pk.strip().upper()[:30]).first()
    try:
        number = int(pk)
    except (TypeError, ValueError):
        return None
    if not 1 <= number <= 2**63 - 1:
        return None
    return qs.filter(pk=number).first()


def is_appraiser(user: Any, dossier: Dossier) -> bool:
    """The deciding body's standing officer: reads the comments and the justifications."""
    return dossier.deciding_unit is not None and can_on_unit(user, Perm.APPRAISE, dossier.deciding_unit)


def filter_dossiers(
    qs: QuerySet[Dossier],
    *,
    state: str | None = None,
    year: int | None = None,
    unit: Any = None,
    q: str | None = None,
) -> QuerySet[Dossier]:
    """The one filter of the dossier list (HTML and API).

    ``year`` is the achievement year of a candidate in the dossier; ``unit`` the
    proposing or deciding unit (with its sub-units); ``q`` searches the code,
    the title and the candidates' names, with or without diacritics."""
    if state:
        qs = qs.filter(state=state)
    if year:
        qs = qs.filter(pk__in=Candidate.objects.filter(year=year).values("dossier_id"))
    if unit is not None:
        qs = qs.filter(Q(proposer_unit__path__startswith=unit.path) | Q(deciding_unit=unit))
    terms = [t for t in fold(q or "").split(" ") if t][:8]
    if terms:
        key = " ".join(terms)
        by_name = Candidate.objects.filter(
            Q(person__search_key__contains=key) | Q(unit__search_key__contains=key)
        ).values("dossier_id")
        # Titles have no folded column: fold them here, over the (already scoped) ids.
        by_title = [
            pk for pk, title, code in qs.values_list("pk", "title", "code") if key in fold(f"{code} {title}")
        ]
        qs = qs.filter(Q(pk__in=by_name) | Q(pk__in=by_title))
    return qs


def dossier_list(user: Any, **filters: Any) -> QuerySet[Dossier]:
    """The list page / API list: scoped, filtered, with what a row shows."""
    return (
        filter_dossiers(dossiers_for(user), **filters)
        .select_related("proposer_unit", "deciding_unit")
        .annotate(n_candidates=Count("candidates", distinct=True))
        .order_by("-created_at", "-id")
    )


def dossier_detail(user: Any, pk: int | str) -> Dossier | None:
    """A dossier with its candidates, files and steps loaded for the page / API."""
    dossier = dossier_for(user, pk)
    if dossier is None:
        return None
    candidates = Candidate.objects.select_related(
        "award_type", "person", "person__unit", "unit", "household", "movement"
    ).order_by("id")
    prefetch = [
        Prefetch("candidates", queryset=candidates),
        Prefetch("transitions", queryset=Transition.objects.order_by("at", "id")),
        "attachments",
    ]
    return (
        Dossier.objects.select_related("proposer_unit", "deciding_unit", "parent", "movement")
        .prefetch_related(*prefetch)
        .get(pk=dossier.pk)
    )


def comments_for(user: Any, dossier: Dossier) -> list[Comment]:
    """The publication comments, for the appraisers only (others get none)."""
    if not is_appraiser(user, dossier):
        return []
    return list(dossier.comments.select_related("candidate", "candidate__person", "candidate__unit"))


def available_actions(user: Any, dossier: Dossier) -> list[str]:
    """Names of the buttons ``user`` may press now (table + permission; the step's checks run on press)."""
    from thidua.nominations.services import can  # services import nothing from here

    return [name for name, a in ACTIONS.items() if not a.system and can(user, dossier, name)]


def published_now(today: dt.date | None = None) -> QuerySet[Dossier]:
    """Dossiers in their publication window (the public list, no login)."""
    today = today or timezone.localdate()
    return (
        Dossier.objects.filter(state=S.PUBLISHED, publish_until__gte=today)
        .select_related("deciding_unit", "proposer_unit")
        .order_by("publish_until", "id")
    )


# --- work queues ----------------------------------------------------------------------


@dataclass
class QueueItem:
    dossier: Dossier
    due_date: dt.date | None
    overdue_days: int  # 0: not overdue (the due day itself still counts as in time)
    reasons: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0


@dataclass
class QueueGroup:
    key: str
    title: str
    items: list[QueueItem]  # the first QUEUE_LIMIT, oldest deadline first
    empty_text: str
    total: int = -1  # all waiting (items may be the first page only)
    overdue_total: int = -1

    def __post_init__(self) -> None:
        if self.total < 0:
            self.total = len(self.items)
        if self.overdue_total < 0:
            self.overdue_total = sum(1 for i in self.items if i.overdue)

    @property
    def overdue_count(self) -> int:
        return self.overdue_total

    @property
    def more(self) -> int:
        return self.total - len(self.items)


# A queue shows the oldest deadlines first; the rest is one click away (the list filtered by state).
QUEUE_LIMIT = 100


def overdue_days(due: dt.date | None, today: dt.date) -> int:
    """Days past the due date; the due date itself is still in time (deadlines are inclusive)."""
    if due is None or due >= today:
        return 0
    return (today - due).days


# (key, title, states, side, empty text): "side" says whose scope the dossier must be in.
_DECIDER_GROUPS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    (
        "receive",
        "Hồ sơ chờ tiếp nhận",
        (S.SUBMITTED, S.RESUBMITTED),
        "Không có hồ sơ nào chờ tiếp nhận vì chưa có đơn vị nào gửi (hoặc gửi lại) hồ sơ tới cơ quan bạn.",
    ),
    (
        "appraise",
        "Hồ sơ đang thẩm định",
        (S.UNDER_APPRAISAL,),
        "Không có hồ sơ nào đang thẩm định vì mọi hồ sơ đã tiếp nhận đều đã thẩm định xong hoặc đã trả lại.",
    ),
    (
        "appraised",
        "Đã thẩm định, chờ công khai hoặc trình Hội đồng",
        (S.APPRAISED, S.PUBLISHED),
        "Không có hồ sơ nào chờ công khai hoặc trình Hội đồng vì chưa có hồ sơ nào thẩm định xong.",
    ),
    (
        "council_done",
        "Hội đồng đã xét, chờ quyết định hoặc trình cấp trên",
        (S.COUNCIL_DONE,),
        "Không có hồ sơ nào chờ quyết định vì Hội đồng chưa xét xong hồ sơ nào.",
    ),
)


def _group(
    key: str, title: str, qs: QuerySet[Dossier], empty: str, today: dt.date, *, reasons: bool = False
) -> QueueGroup:
    """One queue group: the first QUEUE_LIMIT dossiers (oldest deadline first),
    with the totals counted in the database when there are more."""
    qs = _ordered(qs)
    rows = list(qs[:QUEUE_LIMIT])
    why = _return_reasons(rows) if reasons else {}
    items = [QueueItem(d, d.due_date, overdue_days(d.due_date, today), why.get(d.pk, [])) for d in rows]
    group = QueueGroup(key, title, items, empty)
    if len(rows) == QUEUE_LIMIT:
        group.total = qs.count()
        group.overdue_total = qs.filter(due_date__lt=today).count()
    return group


def _ordered(qs: QuerySet[Dossier]) -> QuerySet[Dossier]:
    # Oldest deadline first; dossiers without a deadline after them.
    from django.db.models import F

    return qs.select_related("proposer_unit", "deciding_unit").order_by(
        F("due_date").asc(nulls_last=True), "id"
    )


def queue_for(user: Any, today: dt.date | None = None) -> list[QueueGroup]:
    """What waits for ``user`` in the nominations module, group by group, each
    item with its due date and how many days it is overdue. A role with no
    nominations work gets no groups (the page says why)."""
    today = today or timezone.localdate()
    groups: list[QueueGroup] = []
    if has_perm(user, Perm.NOMINATE):
        mine = Dossier.objects.filter(_q(unit_scope(user, Perm.NOMINATE, "proposer_unit__")))
        groups.append(
            _group(
                "returned",
                "Hồ sơ bị trả lại, cần bổ sung",
                mine.filter(state=S.RETURNED),
                "Không có hồ sơ nào bị trả lại vì cơ quan thẩm định chưa trả lại hồ sơ nào của đơn vị bạn.",
                today,
                reasons=True,
            )
        )
        groups.append(
            _group(
                "drafts",
                "Hồ sơ đang soạn (chưa gửi)",
                mine.filter(state=S.DRAFT, parent__isnull=True),
                "Không có hồ sơ nào đang soạn vì đơn vị bạn chưa tạo hồ sơ mới (hoặc đã gửi hết).",
                today,
            )
        )
    if has_perm(user, Perm.APPRAISE):
        deciding = Dossier.objects.filter(
            _q(unit_scope(user, Perm.APPRAISE, "deciding_unit__")), deciding_unit__isnull=False
        )
        for key, title, states, empty in _DECIDER_GROUPS:
            groups.append(_group(key, title, deciding.filter(state__in=states), empty, today))
        # Waiting for the higher level: the copies this body sent up (it is their
        # proposer) and its own dossiers parked until the answer comes back.
        sent = Dossier.objects.filter(
            _q(unit_scope(user, Perm.APPRAISE, "proposer_unit__")), parent__isnull=False
        )
        waiting = Dossier.objects.filter(state=S.FORWARDED).filter(
            Q(pk__in=sent.values("pk")) | Q(pk__in=deciding.values("pk"))
        )
        groups.append(
            _group(
                "forwarded",
                "Đã trình cấp trên, chờ kết quả",
                waiting,
                "Không có hồ sơ nào chờ kết quả của cấp trên vì cơ quan bạn chưa trình cấp trên hồ sơ nào.",
                today,
            )
        )
    return groups


def _return_reasons(dossiers: list[Dossier]) -> dict[int, list[str]]:
    """Why each returned dossier came back: the general note of the last return
    and the reason written for each candidate."""
    out: dict[int, list[str]] = {d.pk: [] for d in dossiers}
    if not dossiers:
        return out
    ids = list(out)
    last: dict[int, str] = {}
    for t in Transition.objects.filter(dossier_id__in=ids, action="return").order_by("at", "id"):
        last[t.dossier_id] = t.note
    for pk, note in last.items():
        if note:
            out[pk].append(note)
    returned = Candidate.objects.filter(dossier_id__in=ids, state=CandidateState.RETURNED).select_related(
        "person", "unit", "household"
    )
    for c in returned.order_by("id"):
        if c.return_reason:
            out[c.dossier_id].append(f"{c.recipient}: {c.return_reason}")
    return out


def comments_waiting(user: Any) -> QuerySet[Comment]:
    """Publication comments not yet handled, for the appraisers of the deciding body."""
    if not has_perm(user, Perm.APPRAISE):
        return Comment.objects.none()
    return (
        Comment.objects.filter(
            _q(unit_scope(user, Perm.APPRAISE, "dossier__deciding_unit__")),
            dossier__deciding_unit__isnull=False,
            handled=False,
        )
        .select_related("dossier", "candidate", "candidate__person", "candidate__unit")
        .order_by("created_at", "id")
    )


def home_counts(user: Any, today: dt.date | None = None) -> dict[str, int]:
    """The figures of the home page: dossiers waiting for the user, how many overdue,
    comments to handle, dossiers visible."""
    groups = queue_for(user, today)
    return {
        "waiting": sum(g.total for g in groups if g.key != "drafts"),
        "overdue": sum(g.overdue_count for g in groups),
        "comments": comments_waiting(user).count(),
        "visible": dossiers_for(user).count(),
    }


def queue_sections(user: Any) -> list[Any]:
    """The provider for the "Việc cần làm" page and the home page
    (``settings.THIDUA_QUEUE_PROVIDERS``): the same queues as the dossier list,
    plus the publication comments waiting to be handled."""
    from django.urls import reverse

    from thidua.core.queues import QueueItem as Item
    from thidua.core.queues import QueueSection

    sections = []
    for g in queue_for(user):
        items = []
        for i in g.items:
            note = "; ".join(i.reasons) if i.reasons else i.dossier.get_state_display()
            items.append(
                Item(
                    label=f"{i.dossier.code} — {i.dossier.title} ({i.dossier.proposer_unit.name})",
                    url=reverse("nominations:dossier", args=[i.dossier.pk]),
                    due=i.due_date,
                    note=note,
                )
            )
        sections.append(
            QueueSection(
                key=f"nominations.{g.key}",
                title=g.title,
                items=items,
                empty_text=g.empty_text,
                total=g.total,
                more_url=reverse("nominations:index") if g.more else "",
            )
        )
    if has_perm(user, Perm.APPRAISE):
        waiting = list(comments_waiting(user)[:50])
        sections.append(
            QueueSection(
                key="nominations.comments",
                title="Ý kiến góp ý khi công khai chờ xử lý",
                items=[
                    Item(
                        label=f"{c.dossier.code}: {c.author_name} — {c.body[:80]}",
                        url=reverse("nominations:dossier", args=[c.dossier_id]) + "#gop-y",
                        note=f"về {c.candidate.recipient}" if c.candidate_id else "về cả danh sách",
                    )
                    for c in waiting
                ],
                empty_text="Không có ý kiến góp ý nào chờ xử lý vì chưa có ai góp ý về hồ sơ đang công khai.",
            )
        )
    return sections
