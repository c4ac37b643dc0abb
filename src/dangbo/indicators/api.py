"""The indicators API: the registry and the values for an organization's subtree."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Chỉ tiêu"])
