"""The work-queue page gathers sections from the modules' providers."""

import datetime as dt

import pytest
from django.utils import timezone

from thidua.core.queues import QueueItem, QueueSection


def provider(user):
    today = timezone.localdate()
    return [
        QueueSection(
            key="test",
            title="Hồ sơ chờ thẩm định",
            items=[
                QueueItem("HS-2026-00001", "/ho-so/1/", due=today - dt.timedelta(days=3)),
                QueueItem("HS-2026-00002", "/ho-so/2/", due=today),
            ],
        ),
        QueueSection(key="empty", title="Phiếu chờ bỏ phiếu", empty_text="Không có phiên họp nào đang mở."),
    ]


def test_item_is_overdue_only_after_its_due_date():
    today = timezone.localdate()
    assert QueueItem("a", "/", due=today).overdue_days == 0
    assert QueueItem("a", "/", due=today - dt.timedelta(days=2)).overdue_days == 2


@pytest.mark.django_db
def test_queue_page_lists_sections_and_explains_empty_ones(client, settings, admin_user):
    settings.THIDUA_QUEUE_PROVIDERS = ["tests.core.test_queues.provider"]
    client.force_login(admin_user)
    html = client.get("/viec-can-lam/").content.decode()
    assert "Hồ sơ chờ thẩm định" in html and "quá hạn 3 ngày" in html and "1 quá hạn" in html
    assert "Không có phiên họp nào đang mở." in html
    home = client.get("/").content.decode()
    assert "HS-2026-00001" in home and "Phiếu chờ bỏ phiếu" not in home  # the home page shows non-empty ones
