"""System checks of dangbo's own configuration (``dangbo check``, and every command at start)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

DEFAULT_SECRET_KEY_WARNING = "dangbo.W001"


@register(Tags.security)
def default_secret_key(app_configs=None, **kwargs) -> list[Warning]:
    """Warn when the shared development key signs sessions anywhere but the demo."""
    if settings.SECRET_KEY != settings.DEFAULT_SECRET_KEY or settings.DANGBO_DEMO:
        return []
    return [
        Warning(
            "Đang dùng khóa bí mật mặc định (SECRET_KEY): ai biết khóa này có thể giả phiên "
            "đăng nhập và các liên kết đã ký.",
            hint="Đặt biến môi trường DANGBO_SECRET_KEY bằng một chuỗi ngẫu nhiên dài, riêng của "
            'cài đặt này, ví dụ: python -c "import secrets; print(secrets.token_urlsafe(50))".',
            id=DEFAULT_SECRET_KEY_WARNING,
        )
    ]
