"""``dangbo openapi``: write the OpenAPI document of /api/v1/ (docs/openapi.json).

The committed file is what clients read; a test fails when the code and the
file differ, and this command regenerates the file (``--check`` only compares).
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

DEFAULT_PATH = Path(settings.BASE_DIR).parent.parent / "docs" / "openapi.json"


def render_schema() -> str:
    """Return the API's OpenAPI document as JSON text: sorted keys, indent 2, final newline."""
    from dangbo.config.api_urls import api

    schema = api.get_openapi_schema()
    return (
        json.dumps(schema, cls=DjangoJSONEncoder, sort_keys=True, indent=2, ensure_ascii=False)
        + "\n"
    )


class Command(BaseCommand):
    help = "Ghi tài liệu OpenAPI của API /api/v1/ ra tệp JSON (mặc định docs/openapi.json)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", default=str(DEFAULT_PATH), help="Tệp cần ghi; '-' để in ra màn hình."
        )
        parser.add_argument(
            "--check", action="store_true", help="Chỉ so sánh, báo lỗi nếu tệp đã lệch."
        )

    def handle(self, *args, output: str, check: bool, **options):
        content = render_schema()
        if output == "-":
            self.stdout.write(content, ending="")
            return
        path = Path(output)
        if check:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != content:
                raise CommandError(f"{path} lệch với mã nguồn: chạy `dangbo openapi` để cập nhật.")
            self.stdout.write(f"{path} khớp với mã nguồn.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        self.stdout.write(f"Đã ghi {path}.")
