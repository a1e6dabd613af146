"""Vocabulary of the contests app (labels are what users read; codes never shown)."""

from __future__ import annotations

from django.db import models


class ContestStatus(models.TextChoices):
    DRAFT = "draft", "Đang soạn"
    OPEN = "open", "Đang mở"
    CLOSED = "closed", "Đã kết thúc"


# Allowed status changes: draft → open → closed (a closed contest may be reopened
# for a forgotten round; a draft never skips straight to closed).
TRANSITIONS: dict[str, frozenset[str]] = {
    ContestStatus.DRAFT: frozenset({ContestStatus.OPEN}),
    ContestStatus.OPEN: frozenset({ContestStatus.CLOSED}),
    ContestStatus.CLOSED: frozenset({ContestStatus.OPEN}),
}


class QuestionKind(models.TextChoices):
    SINGLE = "single", "Chọn một đáp án"
    MULTIPLE = "multiple", "Chọn nhiều đáp án"


class AttemptStatus(models.TextChoices):
    ACTIVE = "active", "Đang làm"
    SUBMITTED = "submitted", "Đã nộp"
    LATE = "late", "Nộp quá giờ (không tính)"
    EXPIRED = "expired", "Hết giờ, không nộp"


class CollectiveBasis(models.TextChoices):
    RATE = "rate", "Theo tỷ lệ người tham gia"
    COUNT = "count", "Theo số người tham gia"
    POINTS = "points", "Theo điểm (tỷ lệ tham gia và giải cá nhân)"


# The individual prize table: ``amount`` is the money of one prize (đồng) that
# the prize decision writes; ``points`` what one winner of the level adds to
# their unit when collective prizes are given by points (CollectiveBasis.POINTS).
DEFAULT_PRIZES: list[dict[str, object]] = [
    {"level": "nhat", "label": "Giải Nhất", "count": 1, "amount": 0, "points": 10},
    {"level": "nhi", "label": "Giải Nhì", "count": 2, "amount": 0, "points": 7},
    {"level": "ba", "label": "Giải Ba", "count": 3, "amount": 0, "points": 5},
    {"level": "kk", "label": "Giải Khuyến khích", "count": 12, "amount": 0, "points": 2},
]
