"""Two people acting on the same dossier at the same moment (PostgreSQL: real
row locks between two connections)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from thidua.core.errors import DomainError
from thidua.nominations import services
from thidua.nominations.models import Dossier, Transition
from thidua.nominations.models import DossierState as S

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_two_officers_same_dossier_one_wins(world):
    d = world.ready()
    services.transition(actor=world.school_officer, dossier=d, action="submit")
    d.refresh_from_db()
    seen = d.version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def work(action: str, **kw) -> None:
        try:
            barrier.wait()
            services.transition(actor=world.commune_standing, dossier=d, action=action, version=seen, **kw)
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=work, args=("receive",)),
        threading.Thread(target=work, args=("return",), kwargs={"note": "Thiếu biên bản có chữ ký"}),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    d.refresh_from_db()
    assert d.state in {S.UNDER_APPRAISAL, S.RETURNED}
    # Exactly one step was recorded after the submission; the loser left nothing behind.
    assert Transition.objects.filter(dossier=d).count() == 2
    assert Dossier.objects.get(pk=d.pk).version == seen + 1
