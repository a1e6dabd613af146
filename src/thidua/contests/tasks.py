"""Background work of contests: the statistics fold.

:func:`fold_contest` folds a contest's counted attempts into the counter
tables (:func:`thidua.contests.services.tally_pending`). It is queued at most
once a minute per contest by :func:`thidua.contests.services.fold_soon`, or
run for every open contest by ``thidua contest_tally`` from cron, so the
dashboard seldom has anything left to fold when an organiser opens it.
"""

from __future__ import annotations

from django.tasks import task

from thidua.core.context import origin


@task()
def fold_contest(contest_id: int) -> int:
    from thidua.contests.models import Contest
    from thidua.contests.services import tally_pending

    with origin("task"):
        contest = Contest.objects.filter(pk=contest_id).first()
        return tally_pending(contest) if contest is not None else 0
