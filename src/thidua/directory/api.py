"""API of the directory (units, people). Filled in by the Foundation issue."""

from ninja import Router

router = Router(tags=["Danh mục"])
