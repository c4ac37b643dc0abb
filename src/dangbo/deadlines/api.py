"""The deadline radar API."""

from ninja import Router

router = Router(tags=["Theo dõi thời hạn"])
