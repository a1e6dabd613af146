"""Every write on decisions: drafting (from the council's approved candidates or
by hand), signing, issuing (numbering + registry in one transaction),
cancelling a draft, certificate templates, and revocations.

Who may do what (one permission name per step, checked on the issuing unit):
the standing body drafts (``decisions.draft``), the leader signs and issues
(``decisions.sign``: the number is taken when the signed text is entered in
the register, the same step as in the nominations transition table); the
standing body prepares revocations (``decisions.revoke``).
"""

from thidua.core.errors import DomainError, PermissionDenied
from thidua.decisions.services.base import (
    ANNEX_THRESHOLD,
    KIND_LABELS,
    PRIZE_AWARD_CODE,
    SYSTEM,
    RecipientInput,
    award_phrase,
    body_name,
    candidates_available,
    default_legal_bases,
    default_subject,
    issuer_defaults,
    money,
    prize_award_type,
    total_prize,
)
from thidua.decisions.services.drafting import (
    decision_cancel,
    decision_create,
    decision_draft_from_candidates,
    decision_recipient_remove,
    decision_sign,
    decision_update,
)
from thidua.decisions.services.issuing import certificates_request, decision_issue, new_certificate_code
from thidua.decisions.services.printing import certificate_template_save
from thidua.decisions.services.revocation import revoke_awards

__all__ = [
    "ANNEX_THRESHOLD",
    "KIND_LABELS",
    "PRIZE_AWARD_CODE",
    "SYSTEM",
    "DomainError",
    "PermissionDenied",
    "RecipientInput",
    "award_phrase",
    "body_name",
    "candidates_available",
    "certificate_template_save",
    "certificates_request",
    "decision_cancel",
    "decision_create",
    "decision_draft_from_candidates",
    "decision_issue",
    "decision_recipient_remove",
    "decision_sign",
    "decision_update",
    "default_legal_bases",
    "default_subject",
    "issuer_defaults",
    "money",
    "new_certificate_code",
    "prize_award_type",
    "revoke_awards",
    "total_prize",
]
