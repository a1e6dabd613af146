"""Where the current action comes from (web, API, CLI, task) and from which
address — set once at the edge, read by the audit writer, so services need
not pass it around and changes made outside a web request are logged too."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestOrigin:
    origin: str = "system"
    ip_address: str | None = None


_current: contextvars.ContextVar[RequestOrigin] = contextvars.ContextVar(
    "thidua_origin",
    default=RequestOrigin(),  # noqa: B039 - frozen dataclass
)


def current_origin() -> RequestOrigin:
    return _current.get()


@contextmanager
def origin(name: str, ip_address: str | None = None) -> Iterator[None]:
    """Run a block as coming from ``name`` ("web", "api", "cli", "task")."""
    token = _current.set(RequestOrigin(name, ip_address))
    try:
        yield
    finally:
        _current.reset(token)
