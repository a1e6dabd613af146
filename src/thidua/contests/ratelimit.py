"""Fixed-window rate limits kept in the database.

Why not Django's cache: settings configure none, so it is the per-process
locmem cache — with N gunicorn workers a limit of 30 would really be 30 × N,
and a restart forgets it. A row per (key, window) counted with
``UPDATE … SET count = count + 1`` is exact across workers on SQLite and
PostgreSQL for the price of one small write, which is why limits are put only
where abuse is cheap for the abuser and costly for us: registrations per
address (a participant record each) and, per identity, the registrations that
name an already registered phone or e-mail (guessing the date of birth would
hand over someone else's registration). Starts need no counter of their own —
the attempts-per-round limit already caps them per participant — and the
submit needs none: each attempt can be counted once only. Keeping counters off
the start and submit keeps the closing-hour path free of shared rows.
"""

from __future__ import annotations

import random
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from thidua.contests.models import RateBucket
from thidua.core.errors import DomainError

# name → (requests allowed, window in seconds); settings may override any of them
# (the load benchmark raises them: all its clients share one loopback address).
DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "register_ip": (30, 600),  # a school's shared address registers a class in 10 minutes
    "register_identity": (5, 600),
}


class RateLimited(DomainError):
    status = 429

    def __init__(self, message: str = "Bạn thao tác quá nhanh. Hãy đợi vài phút rồi thử lại.") -> None:
        super().__init__(message, code="rate_limited")


def limit_for(name: str) -> tuple[int, int]:
    overrides = getattr(settings, "THIDUA_CONTEST_RATE_LIMITS", {}) or {}
    return tuple(overrides.get(name, DEFAULT_LIMITS[name]))  # type: ignore[return-value]


def hit(name: str, key: str, *, now: float | None = None) -> int:
    """Count one request of kind ``name`` for ``key``; raise :class:`RateLimited`
    past the limit. Returns the count in the current window."""
    allowed, seconds = limit_for(name)
    moment = time.time() if now is None else now
    window = int(moment) // seconds * seconds
    full_key = f"{name}:{key}"[:200]
    with transaction.atomic():
        rows = RateBucket.objects.filter(key=full_key, window=window)
        if not rows.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateBucket.objects.create(key=full_key, window=window, count=1)
            except IntegrityError:  # another worker created it first
                rows.update(count=F("count") + 1)
        count = rows.values_list("count", flat=True).first() or 0
    if random.random() < 0.001:  # keep the table small without a cron job
        RateBucket.objects.filter(window__lt=int(moment) - 86400).delete()
    if count > allowed:
        minutes = max(1, seconds // 60)
        raise RateLimited(f"Có quá nhiều yêu cầu từ nơi bạn dùng. Hãy thử lại sau khoảng {minutes} phút.")
    return count
