"""The REST API under /api/v1/: one NinjaAPI, routers from each app.

Auth: ``Authorization: Bearer <token>`` (``thidua token USERNAME``) or the
web session (with CSRF) so htmx pages can call it. Every error is JSON with a
Vietnamese ``detail``; nothing the client sends can produce a 500.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from thidua.accounts.services import token_user
from thidua.core.errors import DomainError, ImportRejected


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="thidua API",
    version="1",
    description="API của hệ thống quản lý thi đua, khen thưởng thidua.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=[BearerAuth(), SessionAuth()],
)


def _validation_message(err: dict) -> str:
    loc = ".".join(str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "path"))
    kind = err.get("type", "")
    messages = {
        "missing": "thiếu trường bắt buộc",
        "string_too_long": "quá dài",
        "int_parsing": "phải là số nguyên",
        "int_type": "phải là số nguyên",
        "date_from_datetime_parsing": "ngày không hợp lệ (YYYY-MM-DD)",
        "date_parsing": "ngày không hợp lệ (YYYY-MM-DD)",
        "date_type": "ngày không hợp lệ (YYYY-MM-DD)",
        "enum": "giá trị không hợp lệ",
        "literal_error": "giá trị không hợp lệ",
        "bool_parsing": "phải là true hoặc false",
        "json_invalid": "JSON không hợp lệ",
        "string_type": "phải là chuỗi ký tự",
        "extra_forbidden": "trường không được phép",
        "greater_than_equal": "giá trị quá nhỏ",
        "less_than_equal": "giá trị quá lớn",
    }
    return (
        f"{loc}: {messages.get(kind, 'không hợp lệ')}" if loc else messages.get(kind, "dữ liệu không hợp lệ")
    )


@api.exception_handler(NinjaValidationError)
def _on_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [_validation_message(e) for e in exc.errors]
    return api.create_response(
        request,
        {"detail": "Dữ liệu gửi lên không hợp lệ: " + "; ".join(errors), "errors": errors},
        status=422,
    )


@api.exception_handler(DomainError)
def _on_domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
    status = exc.status if exc.status != 400 else 422
    return api.create_response(request, {"detail": exc.message, "code": exc.code}, status=status)


@api.exception_handler(ImportRejected)
def _on_import(request: HttpRequest, exc: ImportRejected) -> HttpResponse:
    return api.create_response(
        request, {"detail": exc.detail, "errors": [e.as_dict() for e in exc.errors]}, status=422
    )


@api.exception_handler(AuthenticationError)
def _on_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "Chưa xác thực: thiếu hoặc sai mã truy cập."}, status=401)


@api.exception_handler(HttpError)
def _on_http(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


def _register_routers() -> None:
    from thidua.directory.api import router as directory_router

    api.add_router("/", directory_router)


_register_routers()
