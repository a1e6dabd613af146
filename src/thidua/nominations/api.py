"""REST API of nominations under /api/v1/."""

from ninja import Router

router = Router(tags=["Hồ sơ đề nghị"])
