"""The eligibility engine: "is this recipient eligible for this award for this
achievement year?" — for one candidate or ten thousand (docs/eligibility.md).

Why it is shaped this way:

* **Rules are data.** The rule set is picked by ``as_of`` (the day the
  competent body receives the dossier: transitional provisions key the regime
  to it), the award rule within it by its own dates, and its criteria tree is
  interpreted here. No law number appears in this package.
* **Set-based.** :func:`check` loads the facts of all candidates with a fixed
  number of queries (:mod:`thidua.awards.facts`) and evaluates every tree in
  memory, so a province-wide check costs the same few queries as one person.
* **Tri-state.** A criterion is met, not met, or unknown; unknown facts make
  the verdict "cần xem xét", never a silent refusal, and a refusal names the
  criterion that failed with the facts it used.

Layout: :mod:`.types` (Candidate, CriterionResult, Verdict), :mod:`.rules`
(the rules in force), :mod:`.predicates` (one function per predicate),
:mod:`.messages` (the Vietnamese phrases), :mod:`.tree` (compiling and
evaluating criteria trees), :mod:`.core` (check, next_awards, quota_check).
"""

from thidua.awards.engine.core import check, check_one, next_awards, quota_check
from thidua.awards.engine.predicates import PREDICATES
from thidua.awards.engine.rules import RuleBook
from thidua.awards.engine.types import (
    ELIGIBLE,
    NEEDS_REVIEW,
    NOT_ELIGIBLE,
    Candidate,
    CriterionResult,
    Verdict,
)

__all__ = [
    "ELIGIBLE",
    "NEEDS_REVIEW",
    "NOT_ELIGIBLE",
    "PREDICATES",
    "Candidate",
    "CriterionResult",
    "RuleBook",
    "Verdict",
    "check",
    "check_one",
    "next_awards",
    "quota_check",
]
