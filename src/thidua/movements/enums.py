"""Vocabulary of emulation movements (phong trào thi đua): kinds, states, directions.

Labels are what users read; codes never reach a page."""

from django.db import models


class MovementKind(models.TextChoices):
    REGULAR = "regular", "Thường xuyên (hằng năm)"
    THEMATIC = "thematic", "Chuyên đề, theo đợt"
    SPECIAL = "special", "Đặc biệt"


class ApprovalState(models.TextChoices):
    """A mass organisation's movement is approved by the People's Committee."""

    NOT_REQUIRED = "not_required", "Không cần phê duyệt"
    PENDING = "pending", "Chờ UBND phê duyệt"
    APPROVED = "approved", "Đã được UBND phê duyệt"
    REFUSED = "refused", "UBND không phê duyệt"


class Direction(models.TextChoices):
    HIGHER = "higher", "Càng cao càng tốt"
    LOWER = "lower", "Càng thấp càng tốt"


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Chưa triển khai"
    IN_PROGRESS = "in_progress", "Đang triển khai"
    DONE = "done", "Hoàn thành"


class CriterionKind(models.TextChoices):
    BASE = "base", "Tiêu chí chấm điểm"
    BONUS = "bonus", "Điểm thưởng"
    PENALTY = "penalty", "Điểm trừ"


class SchemeState(models.TextChoices):
    """draft → open (units self-score) → published (results immutable)."""

    DRAFT = "draft", "Dự thảo"
    OPEN = "open", "Đang chấm điểm"
    PUBLISHED = "published", "Đã công bố kết quả"


class SheetState(models.TextChoices):
    DRAFT = "draft", "Đơn vị đang tự chấm"
    SUBMITTED = "submitted", "Đã gửi tự chấm"
    SCORED = "scored", "Đã chấm (Trưởng khối, cụm/cơ quan thường trực)"
    FINAL = "final", "Đã chốt kết quả"


class ReviewKind(models.TextChoices):
    MIDTERM = "midterm", "Sơ kết"
    FINAL = "final", "Tổng kết"
