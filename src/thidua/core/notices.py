"""Notices to users (a dossier returned, published, decided …).

One function for every module, so a channel can be added in one place: e-mail
today (console backend unless ``THIDUA_SMTP_HOST`` is set); Zalo or SMS, which
Vietnamese offices use as much as e-mail, would be another channel here. A
notice never breaks the action that caused it: it is sent after the
transaction commits, and a failed send is logged, not raised.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction

logger = logging.getLogger("thidua.notices")


def _addresses(users: Iterable[Any]) -> list[str]:
    seen: dict[str, None] = {}
    for user in users:
        email = (getattr(user, "email", "") or "").strip()
        if email and getattr(user, "is_active", True):
            seen.setdefault(email, None)
    return list(seen)


def notify(users: Iterable[Any], subject: str, body: str) -> int:
    """Send ``subject``/``body`` to the users that have an e-mail address, once the
    current transaction commits. Returns the number of addresses."""
    to = _addresses(users)
    if not to:
        return 0

    def _send() -> None:
        try:
            # One message per address: officers of different units do not see each other's e-mail.
            send_mass_mail(
                [(subject, body, settings.DEFAULT_FROM_EMAIL, [a]) for a in to], fail_silently=False
            )
        except Exception:  # a mail server down must not undo a decision
            logger.exception("Không gửi được thông báo «%s» tới %d địa chỉ", subject, len(to))

    transaction.on_commit(_send)
    return len(to)
