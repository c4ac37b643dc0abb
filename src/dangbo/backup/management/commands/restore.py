"""``dangbo restore FILE [--force]``: put back a backup made by ``dangbo backup``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangbo.backup.services import ENGINE_NAMES, restore
from dangbo.core.errors import DomainError
from dangbo.core.formatting import fmt_int


class Command(BaseCommand):
    help = (
        "Phục hồi một tệp sao lưu của «dangbo backup» vào cơ sở dữ liệu đang cấu hình "
        "(cùng loại: SQLite vào SQLite, PostgreSQL vào PostgreSQL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp sao lưu.")
        parser.add_argument(
            "--force", action="store_true",
            help="Ghi đè cả khi cơ sở dữ liệu đang có dữ liệu.",
        )  # fmt: skip
        parser.add_argument(
            "--user", default="", help="Tên đăng nhập của người phục hồi (ghi vào nhật ký)."
        )

    def handle(self, *args, file: str, force: bool, user: str, **options):
        try:
            info = restore(Path(file), force=force, username=user)
        except DomainError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"Đã phục hồi {ENGINE_NAMES[info.engine]} (sao lưu lúc {info.created_label}) và "
            f"{fmt_int(info.media_files)} tệp đã tải lên từ {file}. "
            "Nếu bản sao lưu từ phiên bản cũ hơn, chạy «dangbo migrate» (dangbo serve tự làm)."
        )
