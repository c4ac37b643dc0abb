"""``dangbo demo``: rebuild the configured database with the demo committee, then serve it."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from dangbo.core.formatting import fmt_decimal, fmt_int
from dangbo.demo import DEFAULT_MEMBERS, DEFAULT_SEED, build_demo

from .serve import DEFAULT_ADDRPORT, parse_addrport, run_server

MIN_MEMBERS, MAX_MEMBERS = 100, 1_000_000


def reset_database(*, force: bool, stdout) -> None:
    """Empty the configured database and migrate it again."""
    db = connection.settings_dict
    if os.environ.get("DATABASE_URL") and not force:
        raise CommandError(
            f"DATABASE_URL đang trỏ tới cơ sở dữ liệu «{db.get('NAME')}» ({connection.vendor}). "
            "Lệnh demo xóa toàn bộ dữ liệu trong đó; chạy lại với --force nếu chắc chắn."
        )
    if connection.vendor == "sqlite" and str(db["NAME"]) != ":memory:":
        path = Path(db["NAME"])
        stdout.write(f"Xóa tệp SQLite {path} và tạo lại cơ sở dữ liệu…")
        connection.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        tables = set(connection.introspection.django_table_names(include_views=False)) | {
            "django_migrations"
        }
        existing = [t for t in connection.introspection.table_names() if t in tables]
        stdout.write(
            f"Xóa {len(existing)} bảng của dangbo trong «{db.get('NAME')}» ({connection.vendor}) và tạo lại…"
        )
        with connection.cursor() as cursor:
            for table in existing:
                cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
    call_command("migrate", interactive=False, verbosity=0)


@contextlib.contextmanager
def demo_mode():
    """The demo runs on the shared development key by design: no warning about it
    from this command's checks or from the task worker it starts."""
    kept_env, kept_setting = os.environ.get("DANGBO_DEMO"), settings.DANGBO_DEMO
    os.environ["DANGBO_DEMO"] = "1"
    settings.DANGBO_DEMO = True
    try:
        yield
    finally:
        settings.DANGBO_DEMO = kept_setting
        if kept_env is None:
            os.environ.pop("DANGBO_DEMO", None)
        else:
            os.environ["DANGBO_DEMO"] = kept_env


class Command(BaseCommand):
    # The checks run in handle, once the demo is known to be running.
    requires_system_checks = []
    help = (
        "Dựng lại cơ sở dữ liệu đang cấu hình với đảng bộ mẫu (dữ liệu hư cấu, tất định theo --seed) "
        "rồi chạy thử tại 127.0.0.1:8000."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "addrport",
            nargs="?",
            default=DEFAULT_ADDRPORT,
            help=f"địa chỉ và cổng để chạy thử (mặc định {DEFAULT_ADDRPORT})",
        )
        parser.add_argument(
            "--members",
            type=int,
            default=DEFAULT_MEMBERS,
            help=f"số đảng viên mẫu (mặc định {DEFAULT_MEMBERS}, tối đa {MAX_MEMBERS})",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"hạt giống ngẫu nhiên (mặc định {DEFAULT_SEED})",
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="chỉ dựng dữ liệu, không chạy máy chủ"
        )
        parser.add_argument("--force", action="store_true",
                            help="cho phép xóa cơ sở dữ liệu do DATABASE_URL chỉ định")  # fmt: skip

    def handle(self, *args, **options):
        with demo_mode():
            if not options.get("skip_checks"):
                self.check()
            self.run(**options)

    def run(
        self, *args, addrport: str, members: int, seed: int, no_serve: bool, force: bool, **options
    ):
        if not MIN_MEMBERS <= members <= MAX_MEMBERS:
            raise CommandError(
                f"--members phải từ {fmt_int(MIN_MEMBERS)} đến {fmt_int(MAX_MEMBERS)}."
            )
        parse_addrport(addrport)  # refuse a bad address before the long build
        reset_database(force=force, stdout=self.stdout)
        self.stdout.write(f"Dựng đảng bộ mẫu: {fmt_int(members)} đảng viên, hạt giống {seed}…")
        result = build_demo(members=members, seed=seed, log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(
            f"Xong trong {fmt_decimal(result.seconds)} giây: {fmt_int(result.organizations)} tổ chức, "
            f"{fmt_int(result.members)} đảng viên, {fmt_int(result.events)} sự kiện, "
            f"{fmt_int(result.states)} giai đoạn sinh hoạt."
        ))  # fmt: skip
        self.stdout.write(
            f"Huy hiệu Đảng đã trao ở các đợt trước: {fmt_int(result.badges)}; "
            f"{fmt_int(result.badges_missed)} trường hợp đến hạn trong năm qua cố ý chưa ghi "
            "nhận, để xem trên trang «Thời hạn»."
        )
        if result.pathways is not None:
            p = result.pathways
            self.stdout.write(
                f"Ở chi bộ của tài khoản «bithu»: {fmt_int(p.candidates)} hồ sơ kết nạp ở các bước "
                f"(hồ sơ «Nguyễn Văn An» mới được giới thiệu, để thử từng bước), "
                f"{fmt_int(p.admitted)} đảng viên mới kết nạp, {fmt_int(p.transfers)} lần chuyển "
                f"sinh hoạt, {fmt_int(p.badges)} Huy hiệu Đảng; xem trang «Thời hạn»."
            )
        if result.meetings is not None:
            mt = result.meetings
            self.stdout.write(
                f"Sinh hoạt chi bộ từ năm 2018: {fmt_int(mt.meetings)} buổi, "
                f"{fmt_int(mt.attendance)} lượt điểm danh, {fmt_int(mt.missed_months)} tháng chi bộ "
                f"không sinh hoạt, {fmt_int(mt.striking_candidates)} đảng viên vắng không lý do "
                "3 tháng trong năm 2024; xem trang «Sinh hoạt chi bộ»."
            )
        self.stdout.write("")
        self.stdout.write("Tài khoản dùng thử (mật khẩu chung, chỉ dùng cho dữ liệu mẫu):")
        header = ("Tên đăng nhập", "Mật khẩu", "Vai trò", "Tổ chức")
        rows = [(x.username, x.password, x.role, x.organization) for x in result.logins]
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(3)]
        for row in [header, *rows]:
            self.stdout.write(
                "  "
                + "  ".join(str(v).ljust(w) for v, w in zip(row[:3], widths, strict=True))
                + "  "
                + row[3]
            )
        self.stdout.write("Tài khoản admin cũng vào được trang quản trị /admin/.")
        self.stdout.write("")
        if not no_serve:
            run_server(addrport, self.stdout)
