"""The admissions API."""

from ninja import Router

router = Router(tags=["Phát triển đảng viên"])
