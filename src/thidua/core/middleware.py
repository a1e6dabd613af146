"""Marks each request's origin (web or API) and client address for the audit."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from thidua.core.context import origin


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class OriginMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = "api" if request.path.startswith("/api/") else "web"
        with origin(name, client_ip(request)):
            return self.get_response(request)
