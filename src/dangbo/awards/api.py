"""The Party badge API."""

from ninja import Router

router = Router(tags=["Huy hiệu Đảng"])
