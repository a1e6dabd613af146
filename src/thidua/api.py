"""The REST API under /api/v1/: one NinjaAPI, routers from each app.

Auth: ``Authorization: Bearer <token>`` (``thidua token USERNAME``) or the
web session (with CSRF) so htmx pages can call it. Every error is JSON with a
Vietnamese ``detail``; nothing the client sends can produce a 500.
"""

import json
import logging
from pathlib import Path
from typing import Any

import ninja
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.template import Context, Engine
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import _csrf_needed
from ninja.operation import PathView
from ninja.security import HttpBearer, SessionAuth

from thidua.accounts.models import User
from thidua.accounts.services import token_user
from thidua.core.errors import DomainError, ImportRejected

logger = logging.getLogger("thidua.api")


class BearerAuth(HttpBearer):
    """``Authorization: Bearer td_…``: the token's active user, or None (→ 401)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


class LocalSwagger(Swagger):
    """The Swagger UI page with its JS and CSS from our own static files.

    django-ninja falls back to a CDN page when "ninja" is not an installed app;
    government intranets have no internet, so that page would stay blank. We
    always render ninja's bundled template, whose assets (``ninja/static``) are
    served by WhiteNoise like every other static file — which needs "ninja" in
    INSTALLED_APPS (tests/test_openapi.py checks that they are served)."""

    _engine = Engine(
        dirs=[str(Path(ninja.__file__).parent / "templates")],
        libraries={"static": "django.templatetags.static"},
    )

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": _csrf_needed(api),
            "csrf_token": get_token(request),
        }
        html = self._engine.get_template("ninja/swagger.html").render(Context(context))
        return HttpResponse(html)


api = NinjaAPI(
    title="thidua API",
    version="1",
    description=(
        "API của hệ thống quản lý thi đua, khen thưởng thidua. Xác thực bằng tiêu đề "
        "`Authorization: Bearer <mã truy cập>` (tạo bằng lệnh `thidua token TÊN_ĐĂNG_NHẬP`). "
        "Mọi lỗi trả về JSON có trường `detail` bằng tiếng Việt."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs=LocalSwagger(),
    auth=[BearerAuth(), SessionAuth()],
)

_MESSAGES = {
    "missing": "thiếu trường bắt buộc",
    "string_too_long": "quá dài",
    "too_long": "quá dài",
    "string_too_short": "không được để trống",
    "too_short": "không được để trống",
    "int_parsing": "phải là số nguyên",
    "int_type": "phải là số nguyên",
    "int_from_float": "phải là số nguyên",
    "int_parsing_size": "số quá lớn",
    "float_parsing": "phải là số",
    "date_from_datetime_parsing": "ngày không hợp lệ (YYYY-MM-DD)",
    "date_from_datetime_inexact": "ngày không hợp lệ (YYYY-MM-DD)",
    "date_parsing": "ngày không hợp lệ (YYYY-MM-DD)",
    "date_type": "ngày không hợp lệ (YYYY-MM-DD)",
    "datetime_parsing": "thời điểm không hợp lệ",
    "enum": "giá trị không hợp lệ",
    "literal_error": "giá trị không hợp lệ",
    "bool_parsing": "phải là true hoặc false",
    "bool_type": "phải là true hoặc false",
    "json_invalid": "JSON không hợp lệ",
    "string_type": "phải là chuỗi ký tự",
    "string_unicode": "phải là chuỗi ký tự",
    "extra_forbidden": "trường không được phép",
    "greater_than_equal": "giá trị quá nhỏ",
    "greater_than": "giá trị quá nhỏ",
    "less_than_equal": "giá trị quá lớn",
    "less_than": "giá trị quá lớn",
    "dict_type": "phải là một đối tượng JSON",
    "model_type": "phải là một đối tượng JSON",
    "model_attributes_type": "phải là một đối tượng JSON",
    "list_type": "phải là một danh sách",
}
_HIDDEN_LOC = {"body", "payload", "query", "path", "header", "form", "file", "cookie"}


def _validation_field(err: dict[str, Any]) -> str:
    return ".".join(str(p) for p in err.get("loc", []) if p not in _HIDDEN_LOC)


def _validation_message(err: dict[str, Any]) -> str:
    """One pydantic error as Vietnamese text: "field: what is wrong" (never the
    submitted value, which may be huge or hostile)."""
    loc = _validation_field(err)
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    text = _MESSAGES.get(kind, "không hợp lệ")
    if kind in {"string_too_long", "too_long"} and "max_length" in ctx:
        text = f"quá dài (tối đa {ctx['max_length']} ký tự)"
    elif kind in {"enum", "literal_error"} and "expected" in ctx:
        expected = str(ctx["expected"]).replace(" or ", " hoặc ")
        text = f"giá trị không hợp lệ (chọn một trong: {expected})"
    elif kind in {"greater_than_equal", "less_than_equal"} and ("ge" in ctx or "le" in ctx):
        text = f"{text} ({'≥ ' + str(ctx['ge']) if 'ge' in ctx else '≤ ' + str(ctx['le'])})"
    elif kind == "value_error" and isinstance(ctx.get("error"), ValueError):
        text = str(ctx["error"])
    return f"{loc}: {text}" if loc else (text if kind in _MESSAGES else "dữ liệu không hợp lệ")


@api.exception_handler(NinjaValidationError)
def _on_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """422 with ``detail`` (one sentence), ``errors`` ("field: message" strings)
    and ``fields`` (field → first message) for forms that mark fields."""
    errors = list(dict.fromkeys(_validation_message(e) for e in exc.errors))
    fields: dict[str, str] = {}
    for e in exc.errors:
        fields.setdefault(_validation_field(e) or "_", _validation_message(e).split(": ", 1)[-1])
    return api.create_response(
        request,
        {"detail": "Dữ liệu gửi lên không hợp lệ: " + "; ".join(errors), "errors": errors, "fields": fields},
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


# ninja's own English messages, as the client should read them.
_HTTP_MESSAGES = {
    "Cannot parse request body": "Nội dung gửi lên không phải JSON hợp lệ.",
    "Method not allowed": "Phương thức không được hỗ trợ.",
    "Forbidden": "Bạn không có quyền thực hiện thao tác này.",
    "CSRF check Failed": "Thiếu hoặc sai mã CSRF.",
    "Unauthorized": "Chưa xác thực: thiếu hoặc sai mã truy cập.",
}


@api.exception_handler(HttpError)
def _on_http(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    for english, vietnamese in _HTTP_MESSAGES.items():
        if message.startswith(english):
            message = vietnamese
            break
    return api.create_response(request, {"detail": message}, status=exc.status_code)


@api.exception_handler(Http404)
def _on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(
        request, {"detail": "Không tìm thấy bản ghi.", "code": "not_found"}, status=404
    )


@api.exception_handler(DjangoPermissionDenied)
def _on_forbidden(request: HttpRequest, exc: DjangoPermissionDenied) -> HttpResponse:
    return api.create_response(
        request, {"detail": "Bạn không có quyền thực hiện thao tác này.", "code": "forbidden"}, status=403
    )


@api.exception_handler(DjangoValidationError)
def _on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": "; ".join(exc.messages), "code": "invalid"}, status=422)


@api.exception_handler(IntegrityError)
def _on_integrity(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    # A unique constraint lost a race with a concurrent save the service's own
    # check could not see yet; the transaction was rolled back.
    logger.warning("IntegrityError on %s %s: %s", request.method, request.path, exc)
    return api.create_response(
        request,
        {"detail": "Dữ liệu trùng với một bản ghi vừa được lưu. Hãy tải lại và thử lại.", "code": "conflict"},
        status=409,
    )


@api.exception_handler(DataError)
def _on_data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    logger.warning("DataError on %s %s: %s", request.method, request.path, exc)
    return api.create_response(
        request, {"detail": "Dữ liệu gửi lên không hợp lệ.", "code": "invalid"}, status=422
    )


@api.exception_handler(Exception)
def _on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug, not the client's fault: logged with its traceback, answered in
    JSON so API clients never have to parse an HTML error page."""
    logger.exception("Unhandled error on %s %s", request.method, request.path, exc_info=exc)
    return api.create_response(
        request,
        {"detail": "Lỗi hệ thống. Sự cố đã được ghi lại; hãy thử lại sau.", "code": "server_error"},
        status=500,
    )


def _json_not_allowed(self: PathView) -> HttpResponse:
    """405 as JSON with a Vietnamese message (ninja answers plain English text
    and offers no hook for it), keeping the ``Allow`` header."""
    allowed = sorted({m for op in self.operations for m in op.methods})
    response = JsonResponse({"detail": "Phương thức không được hỗ trợ."}, status=405)
    response["Allow"] = ", ".join(allowed)
    return response


PathView._not_allowed = _json_not_allowed  # type: ignore[method-assign]


def _register_routers() -> None:
    from thidua.directory.api import router as directory_router

    # The participants' contest endpoints (no account) come first: URL
    # resolution tries patterns in order, and these carry the closing-hour
    # peak — last in the list, each request tested ~80 patterns before its own.
    api.add_router("/public/contests", "thidua.contests.api_public.router")
    api.add_router("/", directory_router)
    api.add_router("/", "thidua.directory.api_imports.router")  # imports/exports (literal paths)
    api.add_router("/", "thidua.awards.api.router")
    api.add_router("/", "thidua.movements.api.router")
    api.add_router("/", "thidua.nominations.api.router")
    api.add_router("/", "thidua.council.api.router")
    api.add_router("/", "thidua.decisions.api.router")
    # Officers' contest API; the participants' endpoints are the separate router above.
    api.add_router("/", "thidua.contests.api.router")
    api.add_router("/", "thidua.reports.api.router")


_register_routers()
