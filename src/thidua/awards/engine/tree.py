"""Criteria trees: compiled once per rule (:class:`_Node`, :class:`_Shape`), then
evaluated for each candidate with the tri-state ``all``/``any`` logic."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from thidua.awards.engine.fast import _NOTHING, _UNKNOWN, _YES, COLUMNS, QUICK, Column, Quick
from thidua.awards.engine.messages import _REVIEW
from thidua.awards.engine.predicates import PREDICATES, Result
from thidua.awards.engine.rules import _Ctx, _Group
from thidua.awards.engine.types import CriterionResult
from thidua.awards.enums import Confidence


def _leaves(node: Any) -> Iterable[dict[str, Any]]:
    if not isinstance(node, dict):
        return
    for key in ("all", "any"):
        if key in node:
            for child in node[key]:
                yield from _leaves(child)
            return
    if "pred" in node:
        yield node


_LOOKBACK = {
    "rating_years": "count",
    "rating_count": "years",
    "holds_chain": "count",
    "holds_within": "years",
    "initiative": "years",
}
_MEMBER_PREDS = {"member_share", "member_count", "members_no_discipline"}


@dataclass
class _Shape:
    """What a criteria tree needs, worked out once per rule and engine call."""

    leaves: list[dict[str, Any]]
    root: _Node
    lookback: int  # years before Y (inclusive of Y) whose facts count
    codes: set[str]
    earlier: bool  # holds_before: any earlier year
    members: bool
    discipline: bool
    _columns: dict[str, Batch] = field(default_factory=dict)

    def columns(self, kind: str) -> Batch:
        """The tree for candidates of ``kind``, compiled to answer a whole :class:`_Group` at once."""
        found = self._columns.get(kind)
        if found is None:
            found = self._columns[kind] = _batch_of(self.root, kind)
        return found

    @classmethod
    def of(cls, criteria: Any) -> _Shape:
        leaves = list(_leaves(criteria))
        root = _Node.compile(criteria)
        return cls(
            leaves=leaves,
            root=root,
            lookback=max(
                [int(leaf.get(_LOOKBACK[leaf["pred"]], 1)) for leaf in leaves if leaf["pred"] in _LOOKBACK]
                or [1]
            ),
            codes={str(leaf["award"]) for leaf in leaves if "award" in leaf},
            earlier=any(leaf["pred"] == "holds_before" for leaf in leaves),
            members=any(leaf["pred"] in _MEMBER_PREDS for leaf in leaves),
            discipline=any(leaf["pred"] == "no_discipline" for leaf in leaves),
        )


def _code(leaf: dict[str, Any]) -> str:
    extra = leaf.get("award") or leaf.get("rating")
    return f"{leaf['pred']}:{extra}" if extra else str(leaf["pred"])


def _unsupported(leaf: dict[str, Any], ctx: _Ctx) -> Result:
    return None, f"Tiêu chí «{leaf.get('pred')}» chưa được hỗ trợ{_REVIEW}", [], []


@dataclass(slots=True)
class _Node:
    """A criteria (sub)tree compiled once per rule: predicate, code, citation and
    any-of label worked out ahead, so 10,000 evaluations only call predicates."""

    op: str  # "all", "any" or "leaf"
    children: list[_Node]
    leaf: dict[str, Any]
    fn: Any = None
    quick: Any = None  # the verdict-only version of fn, if any (see .fast)
    code: str = ""
    citation: str = ""
    confidence: str = Confidence.TEXT
    alt: str = ""
    kinds: frozenset[str] | None = None  # the recipient kinds this (sub)tree is for; None: every kind

    @classmethod
    def compile(cls, node: Any, alt: str = "", counter: list[int] | None = None) -> _Node:
        counter = counter if counter is not None else [0]
        if not isinstance(node, dict):
            return cls("all", [], {})
        kinds = frozenset(node["kinds"]) if node.get("kinds") else None
        if "all" in node or "any" in node:
            op = "any" if "any" in node else "all"
            children = node[op]
            if op == "any" and not alt:
                counter[0] += 1
                labels = [f"{counter[0]}.{i}" for i in range(1, len(children) + 1)]
            else:
                labels = [alt] * len(children)
            return cls(
                op,
                [cls.compile(ch, lb, counter) for ch, lb in zip(children, labels, strict=True)],
                {},
                kinds=kinds,
            )
        pred = node.get("pred")
        return cls(
            "leaf",
            [],
            node,
            fn=PREDICATES.get(str(pred), _unsupported),
            quick=QUICK.get(str(pred)),
            code=_code(node) if pred else "?",
            citation=str(node.get("citation", "")),
            confidence=str(node.get("confidence", Confidence.TEXT)),
            alt=alt,
            kinds=kinds,
        )


def _leaf(node: _Node, ctx: _Ctx, out: list[CriterionResult]) -> tuple[bool | None, list[str]]:
    met, message, refs, missing = node.fn(node.leaf, ctx)
    out.append(CriterionResult(node.code, met, message, node.citation, refs, node.confidence, node.alt))
    return met, missing


def _evaluate(node: _Node, ctx: _Ctx, out: list[CriterionResult]) -> tuple[bool | None, list[str]]:
    """Evaluate a compiled criteria (sub)tree; append the leaves to ``out``; return
    the tri-state result and the phrases of what is missing when it is not met.

    ``all``: False if any False, else None if any None, else True; ``any``: True
    if any True, else None if any None, else False."""
    if node.op == "leaf":
        met, missing = _leaf(node, ctx, out)
        return met, missing if met is False else []
    seen_true = seen_none = seen_false = False
    applicable = 0
    misses: list[list[str]] = []  # the missing phrases of the children not met
    for child in node.children:
        if child.kinds is not None and ctx.kind not in child.kinds:
            continue  # a branch for another kind of recipient: neither judged nor listed
        applicable += 1
        met, missing = _leaf(child, ctx, out) if child.op == "leaf" else _evaluate(child, ctx, out)
        if met is True:
            seen_true = True
        elif met is None:
            seen_none = True
        else:
            seen_false = True
            misses.append(missing)
    if node.children and not applicable:
        return None, []  # no branch for this kind of recipient: a human must judge
    if node.op == "any":
        if seen_true or seen_none:
            return (True if seen_true else None), []
        return False, _options(misses)
    if seen_false:
        return False, [p for miss in misses for p in miss]
    return (None if seen_none else True), []


def _options(misses: list[list[str]]) -> list[str]:
    """What is missing for an any-of group none of whose options is met."""
    options = [" và ".join(miss) for miss in misses if miss]
    return options if len(options) <= 1 else [" hoặc ".join(options)]


def criteria_of(root: _Node, ctx: _Ctx, met: bool | None) -> list[CriterionResult]:
    """Every leaf of the tree judged in full, with its message and facts (a
    :class:`Verdict`'s deferred criteria; ``met`` is what :meth:`_Shape.columns` found)."""
    out: list[CriterionResult] = []
    found, _missing = _evaluate(root, ctx, out)
    assert found == met, (found, met)
    return out


Judge = Callable[[_Ctx], tuple[bool | None, list[str]]]


def _judge_leaf(node: _Node) -> Judge:
    """A leaf as a function of one candidate's :class:`_Ctx` returning ``(met, missing)``
    without the message: its quick predicate (:mod:`.fast`) if it has one, else the full one."""
    leaf, quick, fn = node.leaf, node.quick, node.fn
    if quick is not None:
        return partial(quick, leaf)

    def judge_full(ctx: _Ctx) -> tuple[bool | None, list[str]]:
        met, _message, _refs, missing = fn(leaf, ctx)
        return met, missing

    return judge_full


Batch = Callable[[_Group], Column]


def _batch_of(node: _Node, kind: str) -> Batch:
    """The tree compiled to answer, for every candidate of a :class:`_Group` (all of
    ``kind``), the ``(met, missing)`` that :func:`_evaluate` answers for one (which
    :func:`criteria_of` asserts when the criteria are read).

    Branches for another kind of recipient are pruned here, once; each leaf
    is answered column-wise (:data:`.fast.COLUMNS`) or, for a predicate without
    a column version, candidate by candidate."""
    if node.op == "leaf":
        column = COLUMNS.get(str(node.leaf.get("pred")))
        if column is not None:
            return partial(column, node.leaf)
        judge = _judge_leaf(node)
        return lambda g: [judge(g.ctx(i)) for i in range(len(g.sids))]
    kids = [_batch_of(child, kind) for child in node.children if child.kinds is None or kind in child.kinds]
    if node.children and not kids:
        return lambda g: [_UNKNOWN] * len(g.sids)  # no branch for this kind: a human must judge
    if not kids:
        empty: tuple[bool | None, list[str]] = (False, _NOTHING) if node.op == "any" else _YES
        return lambda g: [empty] * len(g.sids)
    if len(kids) == 1 and node.op == "all":
        return kids[0]  # all of one: what the child answers (only a False one's missing is read)
    return partial(_batch_any if node.op == "any" else _batch_all, kids)


def _batch_all(kids: list[Batch], g: _Group) -> Column:
    """All of: folded column by column (False if any False, its missing phrases in
    order; else None if any None; else True), touching only the rows a column changes."""
    columns = [kid(g) for kid in kids]
    out = list(columns[0])
    for column in columns[1:]:
        for i, b in enumerate(column):
            if b is _YES:
                continue
            met = b[0]
            if met is False:
                a = out[i]
                # the first one failed shares its list (nobody modifies one); more are joined anew
                out[i] = (False, a[1] + b[1]) if a[0] is False else b
            elif met is None and out[i][0] is True:
                out[i] = _UNKNOWN
    return out


def _batch_any(kids: list[Batch], g: _Group) -> Column:
    """Any of: True if any True, else None if any None, else False with every
    option's missing phrases (:func:`_options`)."""
    out: Column = []
    options: dict[tuple[int, ...], Quick] = {}  # _options of the same lists, worked out once
    for row in zip(*[kid(g) for kid in kids], strict=True):
        seen_none = False
        misses = []
        for met, missing in row:
            if met is True:
                out.append(_YES)
                break
            if met is None:
                seen_none = True
            else:
                misses.append(missing)
        else:
            if seen_none:
                out.append(_UNKNOWN)
                continue
            key = tuple(map(id, misses))  # the lists stay alive in the kids' columns meanwhile
            found = options.get(key)
            if found is None:
                found = options[key] = (False, _options(misses))
            out.append(found)
    return out
