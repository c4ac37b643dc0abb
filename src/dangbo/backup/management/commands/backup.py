"""``dangbo backup OUT``: the database and the uploaded files in one file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangbo.backup.services import ENGINE_NAMES, backup
from dangbo.core.errors import DomainError
from dangbo.core.formatting import fmt_int


class Command(BaseCommand):
    help = (
        "Sao lưu toàn bộ cài đặt (cơ sở dữ liệu SQLite hoặc PostgreSQL và các tệp đã tải lên) "
        "vào một tệp; phục hồi bằng «dangbo restore»."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", help="Tệp sao lưu ghi ra (ví dụ dangbo-2026-12-07.tar.gz).")

    def handle(self, *args, output: str, **options):
        try:
            info = backup(Path(output))
        except DomainError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"Đã sao lưu {ENGINE_NAMES[info.engine]} {info.server_version} và "
            f"{fmt_int(info.media_files)} tệp đã tải lên vào {output}."
        )
