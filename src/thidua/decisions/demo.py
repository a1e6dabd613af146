"""Demo decisions: the end of the demo's story (actor=None: the operator).

The council demo closed the ballots of a past session: its candidates wait for
a decision of the province. Of the dossiers they came in, the first becomes an
issued decision — numbered, written into the registry and the recipients'
history, its certificates printed, each certificate's QR code opening
``/xac-minh/<code>`` — and the second a draft that the leader (``lanhdao``)
finds in "Chờ lãnh đạo ký, ban hành". Runs after the council demo.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from thidua.decisions import services
from thidua.decisions.models import CertificatesState, Decision
from thidua.nominations.models import Dossier, DossierState

SIGNER = "Nguyễn Thành Công"  # the province chairman of the demo's documents


def _header(day: dt.date) -> dict[str, object]:
    return {"decision_date": day, "signer_name": SIGNER}


def load_decisions_demo() -> str:
    from thidua.decisions.tasks import build_certificates

    dossiers = list(
        Dossier.objects.filter(state=DossierState.COUNCIL_DONE, deciding_unit__isnull=False)
        .select_related("deciding_unit")
        .order_by("id")[:2]
    )
    if len(dossiers) < 2:
        return "Quyết định khen thưởng mẫu: không có kết quả Hội đồng để ra quyết định, bỏ qua."
    today = timezone.localdate()
    made: list[Decision] = []
    for dossier in dossiers:
        issuer = dossier.deciding_unit
        ids = list(services.candidates_available(issuer).filter(dossier=dossier).values_list("pk", flat=True))
        if ids:
            made.append(
                services.decision_draft_from_candidates(
                    actor=None, issuer=issuer, candidate_ids=ids, **_header(today)
                )
            )
    if not made:
        return "Quyết định khen thưởng mẫu: không có người, tập thể nào được Hội đồng thông qua, bỏ qua."
    issued = services.decision_sign(actor=None, decision=made[0])
    issued = services.decision_issue(actor=None, decision=issued, decision_date=today)
    # The one-PDF print is a background task; the demo runs its body here, so the
    # certificates are there at once even when no worker runs yet.
    build_certificates.call(issued.pk)
    issued.refresh_from_db()
    printed = (
        "đã in giấy chứng nhận" if issued.certificates_state == CertificatesState.READY else "chưa in được"
    )
    lines = issued.recipients.count()
    waiting = len(made) - 1
    return (
        f"Quyết định khen thưởng mẫu: số {issued.full_number} ngày {issued.decision_date:%d/%m/%Y} "
        f"đã ban hành ({lines} người, {printed}; xác minh tại /xac-minh/<mã>), "
        f"{waiting} dự thảo chờ lãnh đạo ký."
    )
