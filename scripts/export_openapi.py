"""Write the API's OpenAPI schema to docs/api/openapi.json.

Run after changing any API route or schema, and commit the result:

    .venv/bin/python scripts/export_openapi.py

tests/test_openapi.py fails while the committed file differs from what the
code generates, so a change to the API contract is always visible in review.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "api" / "openapi.json"


def render() -> str:
    """The schema as committed: stable key order, UTF-8, trailing newline."""
    from thidua.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def main() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")
    # The settings create a data dir and a secret key: keep them out of the repo.
    os.environ.setdefault("THIDUA_DATA_DIR", tempfile.mkdtemp(prefix="thidua-openapi-"))
    import django

    django.setup()
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(render(), encoding="utf-8")
    print(f"Đã ghi {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
