"""The OpenAPI document: served, 3.1, committed copy up to date, and the docs
page working without internet (no CDN)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.test import Client
from scripts.export_openapi import TARGET, render

REGENERATE = ".venv/bin/python scripts/export_openapi.py"


def test_committed_schema_is_up_to_date() -> None:
    committed = json.loads(Path(TARGET).read_text(encoding="utf-8")) if Path(TARGET).exists() else None
    generated = json.loads(render())
    assert committed == generated, (
        f"docs/api/openapi.json khác với API hiện tại. Chạy `{REGENERATE}` rồi commit tệp đó "
        "(the committed OpenAPI schema is stale: regenerate it with the command above)."
    )


def test_openapi_served_as_3_1_with_the_directory_routes(db) -> None:
    r = Client().get("/api/v1/openapi.json")
    assert r.status_code == 200
    schema = r.json()
    assert schema["openapi"] == "3.1.0"
    for path in (
        "/api/v1/units/",
        "/api/v1/units/{unit_id}",
        "/api/v1/units/{unit_id}/lineage",
        "/api/v1/units/{unit_id}/successors",
        "/api/v1/people/",
        "/api/v1/people/{person_id}",
        "/api/v1/people/{person_id}/move",
        "/api/v1/people/{person_id}/history",
    ):
        assert path in schema["paths"], path
    assert schema["components"]["securitySchemes"]["BearerAuth"] == {"type": "http", "scheme": "bearer"}
    person_in = schema["components"]["schemas"]["PersonIn"]
    assert person_in["properties"]["full_name"]["maxLength"] == 120
    assert person_in["additionalProperties"] is False


def test_docs_page_uses_only_local_assets(db) -> None:
    r = Client().get("/api/v1/docs")
    assert r.status_code == 200
    html = r.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets), assets
    assert any(a.endswith("swagger-ui.css") for a in assets), assets
    assert "cdn" not in html.lower()
    for asset in assets:
        assert asset.startswith("/static/"), f"{asset} is not served by the app (no internet on intranets)"
        served = Client().get(asset)
        assert served.status_code == 200, (
            f"{asset} not found: 'ninja' must be in INSTALLED_APPS so its static files are collected"
        )
