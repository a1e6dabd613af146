"""The dossier's state machine: ONE table, read by the service, the pages (which
buttons to show), the API (which actions exist) and the tests (every pair of
role × state is tried against it).

Other systems in this field kept the states in one place and the allowed moves
in another and the two drifted apart (lessons.md); here a move that is not in
``ACTIONS`` cannot happen. Who may act is a permission on a unit: the
proposing unit's officers act on their drafts and returns, the deciding body's
standing officers on everything after submission. The steps driven by other
modules (the council's result, the decision) are ``system`` actions: the
council and decisions services call them, users cannot.
"""

from __future__ import annotations

from dataclasses import dataclass

from thidua.accounts.enums import Perm
from thidua.nominations.models import DossierState as S


@dataclass(frozen=True)
class Action:
    name: str
    label: str  # the button
    sources: frozenset[str]
    target: str | None  # None: the service decides (see services.transition)
    perm: str
    side: str  # "proposer" or "decider": on which unit the permission is checked
    system: bool = False  # driven by another module, not a button
    needs_note: bool = False
    confirm: str = ""  # the question asked before a button that cannot be undone


def _a(
    name: str, label: str, sources: set[str], target: str | None, perm: str, side: str, **kw: object
) -> Action:
    return Action(name, label, frozenset(sources), target, perm, side, **kw)  # type: ignore[arg-type]


_EDITABLE = {S.DRAFT, S.RETURNED}

ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        _a("submit", "Gửi hồ sơ", {S.DRAFT}, S.SUBMITTED, Perm.NOMINATE, "proposer",
           confirm="Gửi hồ sơ tới cơ quan xét khen thưởng? Sau khi gửi, hồ sơ không sửa được nữa."),
        _a("resubmit", "Gửi lại hồ sơ đã bổ sung", {S.RETURNED}, S.RESUBMITTED, Perm.NOMINATE, "proposer"),
        _a("withdraw", "Rút hồ sơ", {S.DRAFT, S.SUBMITTED, S.RETURNED, S.RESUBMITTED}, S.WITHDRAWN,
           Perm.NOMINATE, "proposer", needs_note=True, confirm="Rút hồ sơ? Hồ sơ đã rút không gửi lại được."),
        _a("receive", "Tiếp nhận, bắt đầu thẩm định", {S.SUBMITTED, S.RESUBMITTED}, S.UNDER_APPRAISAL,
           Perm.APPRAISE, "decider"),
        _a("return", "Trả lại để bổ sung", {S.SUBMITTED, S.RESUBMITTED, S.UNDER_APPRAISAL}, S.RETURNED,
           Perm.APPRAISE, "decider"),
        _a("appraise", "Hoàn thành thẩm định", {S.UNDER_APPRAISAL}, S.APPRAISED, Perm.APPRAISE, "decider"),
        _a("publish", "Công khai lấy ý kiến", {S.APPRAISED}, S.PUBLISHED, Perm.APPRAISE, "decider"),
        _a("to_council", "Trình Hội đồng", {S.APPRAISED, S.PUBLISHED}, S.AT_COUNCIL, Perm.APPRAISE, "decider"),
        _a("council_done", "Ghi kết quả Hội đồng", {S.AT_COUNCIL}, None, Perm.MANAGE_COUNCIL, "decider",
           system=True),
        _a("forward", "Trình cấp trên", {S.APPRAISED, S.PUBLISHED, S.COUNCIL_DONE, S.DECISION_DRAFTED,
                                          S.SIGNED, S.ISSUED}, None, Perm.APPRAISE, "decider"),
        _a("decision_drafted", "Dự thảo quyết định", {S.COUNCIL_DONE, S.DECISION_DRAFTED}, S.DECISION_DRAFTED,
           Perm.DRAFT_DECISION, "decider", system=True),
        _a("decision_withdrawn", "Hủy dự thảo quyết định", {S.DECISION_DRAFTED}, S.COUNCIL_DONE,
           Perm.DRAFT_DECISION, "decider", system=True),
        _a("signed", "Ký quyết định", {S.DECISION_DRAFTED}, S.SIGNED, Perm.SIGN_DECISION, "decider", system=True),
        _a("issued", "Ban hành quyết định", {S.DECISION_DRAFTED, S.SIGNED}, S.ISSUED, Perm.SIGN_DECISION,
           "decider", system=True),
        _a("record_result", "Ghi kết quả của cấp trên", {S.FORWARDED}, S.CLOSED, Perm.APPRAISE, "proposer"),
        _a("higher_result", "Cấp trên đã có kết quả", {S.FORWARDED}, S.CLOSED, Perm.APPRAISE, "decider",
           system=True),
        _a("close", "Kết thúc hồ sơ", {S.APPRAISED, S.COUNCIL_DONE}, S.CLOSED, Perm.APPRAISE, "decider",
           needs_note=True),
    ]
}  # fmt: skip

EDITABLE_STATES = frozenset(_EDITABLE)
# States in which the deciding body still has work to do (queues, deadlines).
OPEN_STATES = frozenset(
    {S.SUBMITTED, S.RESUBMITTED, S.UNDER_APPRAISAL, S.APPRAISED, S.PUBLISHED, S.AT_COUNCIL, S.COUNCIL_DONE}
)
FINAL_STATES = frozenset({S.ISSUED, S.CLOSED, S.WITHDRAWN})


def actions_from(state: str, *, include_system: bool = False) -> list[Action]:
    """The actions the table allows in ``state`` (buttons: without system ones)."""
    return [a for a in ACTIONS.values() if state in a.sources and (include_system or not a.system)]
