"""Whatever language the browser asks for, the interface answers in Vietnamese
with Vietnamese numbers and dates: the strings are not translated, and an
English locale used to turn "25.000.000 đồng" into "25,000,000 đồng"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from tests.conftest import make_user
from thidua.accounts.enums import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("asked", ["en-US,en;q=0.9", "fr-FR", "vi-VN", ""])
def test_every_browser_gets_vietnamese(client, tree, asked):
    client.force_login(make_user("canbo", Role.UNIT_OFFICER, tree["XA1"]))
    response = client.get("/", headers={"Accept-Language": asked} if asked else {})
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "vi"


def test_numbers_and_dates_render_the_vietnamese_way():
    template = Template('{% load humanize %}{{ n|intcomma }} đồng · {{ d|date:"SHORT_DATE_FORMAT" }}')
    with translation.override("vi"):
        text = template.render(Context({"n": 25_000_000, "d": dt.date(2022, 8, 4)}))
    assert text == "25.000.000 đồng · 04/08/2022"
