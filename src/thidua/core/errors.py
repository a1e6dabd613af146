"""Errors that services raise with messages a Vietnamese user can read as is."""

from __future__ import annotations

from dataclasses import dataclass, field


class DomainError(Exception):
    """A business rule refused the action; ``message`` is shown to the user.

    ``field`` names the input the message is about (a service parameter such
    as ``"plan_value"``), so an import can point at the right column and a form
    at the right box without guessing from the wording of the message."""

    status = 400

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


class PermissionDenied(DomainError):
    """The actor's role or unit scope does not allow the action."""

    status = 403

    def __init__(self, message: str = "Bạn không có quyền thực hiện thao tác này.") -> None:
        super().__init__(message, code="forbidden")


class NotFound(DomainError):
    status = 404

    def __init__(self, message: str = "Không tìm thấy bản ghi.") -> None:
        super().__init__(message, code="not_found")


class ConcurrentUpdate(DomainError):
    """Someone else saved the record after the actor loaded it (optimistic lock)."""

    status = 409

    def __init__(
        self, message: str = "Bản ghi đã được người khác sửa trong lúc bạn đang sửa. Hãy tải lại và sửa lại."
    ) -> None:
        super().__init__(message, code="conflict")


@dataclass(frozen=True)
class RowError:
    """One problem in an imported file: sheet row (header = 1), column, message."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportRejected(Exception):
    """The whole file is refused; nothing was written."""

    detail: str
    errors: list[RowError] = field(default_factory=list)

    def __str__(self) -> str:
        return self.detail
