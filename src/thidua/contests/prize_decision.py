"""The prize decision of a contest (Quyết định trao giải), drafted through the
decisions workflow so that it is signed, numbered, printed (DOCX, Decree 30
layout) and certified (certificates with QR) like every other decision.

Participants are not directory people: they typed a name, a date of birth and
a unit. A decision line needs a :class:`~thidua.directory.models.Person` (or a
:class:`~thidua.directory.models.Unit` for collective prizes), so each
individual winner is matched, never guessed:

* the people of the participant's unit (its subtree: a participant who chose
  "Xã Một" may be on the roll of one of its villages) whose name is the same
  (same letters and diacritics, case aside) and whose date of birth is the
  participant's → exactly one: that person; more than one: **ambiguous**;
* same name but no date of birth on record → **ambiguous** as well (it may be
  them): the officer chooses one of the listed people or "a new person";
* nobody → a new person is created in the participant's unit with the date of
  birth they gave.

A participant who typed a unit (not in the invited tree) is matched in, or
created in, the organising unit itself (not its subtree), and their typed unit is written after their name in the
decision ("Nguyễn Văn A, Hội Cựu chiến binh"): the organiser is the body that
knows them and the decision must name them somewhere in the register. The
directory has no gender for participants; a new person's gender is the
officer's choice (the form suggests one from the middle name "Thị"/"Văn").

Money comes from the contest's prize table (``amount`` of each level, the
collective prize amount), never from the base-salary coefficients.

One live prize decision per contest: :attr:`Contest.prize_decision` points to
it; drafting again while it is a draft, signed or issued is refused with the
decision's number; after it was cancelled a new draft may be made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from thidua.contests import ranking
from thidua.contests.models import Contest, Participant
from thidua.contests.services import _require, tally_pending
from thidua.core import audit
from thidua.core.errors import DomainError
from thidua.core.text import clean, fold
from thidua.decisions import services as decisions
from thidua.decisions.models import Decision, DecisionState
from thidua.directory import services as directory
from thidua.directory.enums import Gender
from thidua.directory.models import Person, Unit

NEW = "new"


@dataclass
class PrizeLine:
    """One prize of the decision-to-be, with how its recipient was matched."""

    kind: str  # "individual" | "collective"
    label: str
    amount: int
    rank: int
    tied: bool
    name: str
    unit_name: str
    participant_id: int | None = None
    birth_date: dt.date | None = None
    unit: Unit | None = None  # the participant's unit, or the collective winner
    typed_unit: str = ""
    match: str = "new"  # "found" | "new" | "ambiguous" | "collective"
    person: Person | None = None
    candidates: list[Person] = field(default_factory=list)
    gender_hint: str = ""

    @property
    def ambiguous(self) -> bool:
        return self.match == "ambiguous"


def contest_title(contest: Contest) -> str:
    """ "Cuộc thi Tìm hiểu …" as the decision writes it (the name may already start with it)."""
    name = contest.name.strip()
    return name if fold(name).startswith("cuoc thi") else f"Cuộc thi {name}"


def gender_hint(full_name: str) -> str:
    """A suggestion only (shown preselected to the officer): "Thị" as a middle
    name is female, "Văn" male; anything else has no suggestion."""
    words = clean(full_name).split()
    middle = {w.lower() for w in words[1:-1]}
    if "thị" in middle:
        return Gender.FEMALE
    if "văn" in middle:
        return Gender.MALE
    return ""


def _same_name(a: str, b: str) -> bool:
    return clean(a).casefold() == clean(b).casefold()


def preview(contest: Contest) -> list[PrizeLine]:
    """The prize lines the decision would have, individual winners matched
    to directory people (one query for every candidate person)."""
    tally_pending(contest)
    allocation = ranking.allocate(contest)
    winners = allocation.individuals
    pids = [w.entry.participant_id for w in winners]
    people = {
        p.pk: p for p in Participant.objects.filter(pk__in=pids).select_related("unit").only(
            "id", "full_name", "birth_date", "unit", "unit_text"
        )
    }  # fmt: skip
    keys = {fold(p.full_name) for p in people.values()}
    known = list(
        Person.objects.filter(search_key__in=keys, is_active=True).select_related("unit").order_by("pk")
    )
    lines: list[PrizeLine] = []
    for w in winners:
        p = people[w.entry.participant_id]
        line = PrizeLine(
            kind="individual",
            label=w.label,
            amount=ranking.prize_amount(contest, w.level),
            rank=w.entry.rank,
            tied=w.tied,
            name=p.full_name,
            unit_name=p.unit.name if p.unit_id else p.unit_text,
            participant_id=p.pk,
            birth_date=p.birth_date,
            unit=p.unit,
            typed_unit="" if p.unit_id else p.unit_text,
            gender_hint=gender_hint(p.full_name),
        )
        # A typed-in unit's winner is looked for (and created) in the organising unit itself.
        home = p.unit if p.unit_id else contest.organiser
        if home is not None:
            same = [
                k
                for k in known
                if _same_name(k.full_name, p.full_name)
                and (k.unit.path.startswith(home.path) if p.unit_id else k.unit_id == home.pk)
            ]
            exact = [k for k in same if k.birth_date == p.birth_date]
            unknown_birth = [k for k in same if k.birth_date is None]
            if len(exact) == 1 and not unknown_birth:
                line.match, line.person = "found", exact[0]
            elif exact or unknown_birth:
                line.match, line.candidates = "ambiguous", exact + unknown_birth
        lines.append(line)
    for u in allocation.collectives:
        lines.append(
            PrizeLine(
                kind="collective",
                label=contest.collective_prize_label,
                amount=contest.collective_prize_amount,
                rank=u.rank,
                tied=u.tied,
                name=u.unit.name,
                unit_name=u.unit.name,
                unit=u.unit,
                match="collective",
            )
        )
    return lines


def live_decision(contest: Contest) -> Decision | None:
    """The contest's prize decision unless it was cancelled."""
    if contest.prize_decision_id is None:
        return None
    decision = Decision.objects.filter(pk=contest.prize_decision_id).first()
    if decision is None or decision.state == DecisionState.CANCELLED:
        return None
    return decision


def _refuse_second(contest: Contest) -> None:
    decision = live_decision(contest)
    if decision is not None:
        which = (
            f"Quyết định số {decision.full_number}"
            if decision.full_number
            else f"dự thảo quyết định #{decision.pk} ({decision.get_state_display().lower()})"
        )
        raise DomainError(
            f"Cuộc thi đã có {which} trao giải. Muốn lập lại, hãy hủy dự thảo đó trước.",
            code="prize_decision_exists",
        )


def draft(
    *,
    actor: Any,
    contest: Contest,
    choices: Mapping[int, int | str] | None = None,
    genders: Mapping[int, str] | None = None,
    budget_source: str = "",
    decision_date: dt.date | None = None,
) -> Decision:
    """Draft the prize decision of ``contest`` (Lập dự thảo quyết định trao giải).

    ``choices`` resolves ambiguous winners: participant id → the chosen
    person's id (one of the listed candidates) or ``"new"``. ``genders``:
    participant id → gender of a person to create (else the name's
    suggestion; neither → refused, naming the winner). Anything unresolved
    refuses the whole draft; nothing is written."""
    _require(actor, contest.organiser)
    choices = {int(k): v for k, v in (choices or {}).items()}
    genders = {int(k): v for k, v in (genders or {}).items()}
    with transaction.atomic():
        locked = Contest.objects.select_for_update().select_related("organiser").get(pk=contest.pk)
        _refuse_second(locked)
        lines = preview(locked)
        if not lines:
            raise DomainError("Chưa có người, đơn vị nào đạt giải: chưa thể lập quyết định trao giải.")
        problems: list[str] = []
        for ln in lines:
            if ln.kind != "individual":
                continue
            chosen = choices.get(ln.participant_id) if ln.participant_id is not None else None
            if ln.ambiguous:
                if chosen is None:
                    problems.append(
                        f"{ln.name} ({ln.unit_name}): có {len(ln.candidates)} người trùng tên, hãy chọn"
                    )
                elif chosen != NEW:
                    picked = next((c for c in ln.candidates if str(c.pk) == str(chosen)), None)
                    if picked is None:
                        problems.append(f"{ln.name}: người được chọn không nằm trong danh sách trùng tên")
                    else:
                        ln.match, ln.person = "found", picked
                if chosen == NEW:
                    ln.match = "new"
            if ln.match == "new":
                gender = genders.get(ln.participant_id or 0) or ln.gender_hint
                if gender not in Gender.values:
                    problems.append(f"{ln.name}: hãy chọn giới tính để tạo hồ sơ cá nhân")
                ln.gender_hint = gender
        if problems:
            raise DomainError("Chưa lập được dự thảo: " + "; ".join(problems) + ".", code="prize_unresolved")
        created: list[int] = []
        year = (decision_date or dt.date.today()).year
        recipients = []
        award_type = decisions.prize_award_type()
        for ln in lines:
            if ln.kind == "collective":
                recipients.append(
                    decisions.RecipientInput(
                        award_type=award_type,
                        year=year,
                        unit=ln.unit,
                        prize_label=ln.label,
                        prize_amount=ln.amount,
                    )
                )
                continue
            if ln.match == "new":
                # The contest's draft is the authority for adding the winner to
                # the directory; the audit entry below names the officer.
                ln.person = directory.person_create(
                    actor=None,
                    full_name=ln.name,
                    gender=ln.gender_hint,
                    unit=ln.unit or locked.organiser,
                    birth_date=ln.birth_date,
                )
                created.append(ln.person.pk)
            person = ln.person
            assert person is not None
            # A typed-in unit is written after the name; a directory person's
            # position and unit come from their record (decisions' default).
            position = ln.typed_unit
            recipients.append(
                decisions.RecipientInput(
                    award_type=award_type,
                    year=year,
                    person=person,
                    position=position,
                    prize_label=ln.label,
                    prize_amount=ln.amount,
                )
            )
        title = contest_title(locked)
        decision = decisions.decision_create(
            actor=actor,
            issuer=locked.organiser,
            recipients=recipients,
            subject=f"Về việc trao giải {title}",
            occasion="thematic",
            movement_name=title,
            budget_source=budget_source,
            legal_bases=[
                f"Căn cứ Thể lệ {title}",
                "Căn cứ kết quả chấm thi và xếp hạng của Ban Tổ chức",
                f"Theo đề nghị của Ban Tổ chức {title}",
            ],
            execution=(
                "Quyết định này có hiệu lực kể từ ngày ký. Ban Tổ chức cuộc thi, thủ trưởng các cơ quan, "
                "đơn vị có liên quan và các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành "
                "Quyết định này"
            ),
            **({"decision_date": decision_date} if decision_date else {}),
        )
        Contest.objects.filter(pk=locked.pk).update(prize_decision=decision, updated_at=timezone.now())
        contest.prize_decision = decision
        audit.record(
            actor=actor,
            action="contests.prize_decision",
            obj=locked,
            after={
                "decision": decision.pk,
                "lines": len(recipients),
                "people_created": created,
                "matched": {
                    str(ln.participant_id): ln.person.pk
                    for ln in lines
                    if ln.kind == "individual" and ln.person
                },
            },
        )
    return decision
