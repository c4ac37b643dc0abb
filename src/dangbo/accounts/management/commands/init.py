"""``dangbo init``: the first run of an empty installation.

Founds the top organization and creates its first committee administrator, through
``accounts.setup.set_up_installation`` (the organizations and accounts services, one
transaction, every write audited). Each value comes from its flag or, at a terminal, is asked
for; the password from ``--password-file``, the variable ``DANGBO_ADMIN_PASSWORD``, or typed
twice without echo. Run again with the same values it writes nothing and exits 0; once the
installation has a top organization with other values it is refused (exit status 1).
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dangbo.accounts.forms import SetupForm
from dangbo.accounts.models import Role
from dangbo.accounts.setup import LABELS, set_up_installation
from dangbo.core.views import apply_domain_error

PASSWORD_VARIABLE = "DANGBO_ADMIN_PASSWORD"
# Flag of each field of the form, in the order they are asked for.
FLAGS = {
    "code": "--code",
    "name": "--name",
    "kind": "--kind",
    "established_on": "--founded",
    "place_name": "--place",
    "committee_name": "--committee-name",
    "username": "--username",
    "full_name": "--full-name",
}
OPTIONAL = {"committee_name"}


def _errors(form) -> str:
    lines = []
    for field, messages in form.errors.items():
        if field == "__all__":
            lines.extend(messages)
            continue
        where = form.fields[field].label
        flag = FLAGS.get(field) or ("--password-file" if field.startswith("password") else "")
        lines.extend(f"{where} ({flag}): {m}" if flag else f"{where}: {m}" for m in messages)
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Khởi tạo hệ thống chưa có dữ liệu: thành lập tổ chức cao nhất và tạo tài khoản quản trị "
        "cấp ủy đầu tiên. Thiếu giá trị nào thì hỏi (khi chạy ở màn hình dòng lệnh). Chạy lại với "
        "đúng các giá trị cũ thì không ghi gì; hệ thống đã có tổ chức cao nhất khác thì từ chối."
    )

    def add_arguments(self, parser):
        kinds = ", ".join(value for value, _ in SetupForm.base_fields["kind"].choices)
        parser.add_argument("--code", help="mã tổ chức cao nhất, ví dụ LH")
        parser.add_argument("--name", help="tên tổ chức, ví dụ «Đảng bộ tỉnh Lạc Hồng»")
        parser.add_argument("--kind", type=str.upper, help=f"loại tổ chức: {kinds}")
        parser.add_argument("--founded", metavar="DD/MM/YYYY", help="ngày thành lập")
        parser.add_argument("--place", help="địa danh ghi trên văn bản, ví dụ «Lạc Hồng»")
        parser.add_argument(
            "--committee-name", help="tên cấp ủy (không bắt buộc), ví dụ «Tỉnh ủy Lạc Hồng»"
        )
        parser.add_argument("--username", help="tên đăng nhập của quản trị cấp ủy")
        parser.add_argument("--full-name", help="họ và tên của quản trị cấp ủy")
        parser.add_argument(
            "--password-file",
            help=f"tệp chứa mật khẩu (dòng đầu); không có thì đọc biến {PASSWORD_VARIABLE}, "
            "rồi hỏi (không hiện chữ gõ)",
        )
        parser.add_argument(
            "--no-input", action="store_true", help="không hỏi gì: thiếu giá trị là lỗi"
        )

    def handle(self, *args, no_input: bool, password_file: str | None, **options):
        interactive = not no_input and sys.stdin.isatty()
        values, missing = {}, []
        for field, flag in FLAGS.items():
            value = options.get(flag[2:].replace("-", "_"))
            if value is None and interactive:
                value = self._ask(field)
            if value is None and field not in OPTIONAL:
                missing.append(f"Thiếu {LABELS[field].lower()}: dùng {flag}.")
            values[field] = value or ""
        password = self._password(password_file, interactive)
        if password is None:
            missing.append(
                f"Thiếu mật khẩu: dùng --password-file hoặc biến môi trường {PASSWORD_VARIABLE}."
            )
        if missing:
            raise CommandError("\n".join(missing))
        form = SetupForm(data={**values, "password": password, "password_again": password})
        if not form.is_valid():
            raise CommandError(_errors(form))
        data = form.cleaned_data
        try:
            setup = set_up_installation(
                actor=None, **{k: v for k, v in data.items() if k != "password_again"}
            )
        except ValidationError as exc:
            apply_domain_error(form, exc)
            raise CommandError(_errors(form)) from exc
        org = setup.organization
        if not setup.created:
            self.stdout.write(
                f"Hệ thống đã được khởi tạo với đúng các thông tin này: «{org.name}» (mã {org.code}), "
                f"quản trị cấp ủy «{setup.user.username}». Không ghi gì thêm."
            )
            return
        self.stdout.write(self.style.SUCCESS(
            f"Đã khởi tạo hệ thống: tổ chức cao nhất «{org.name}» (mã {org.code}); tài khoản "
            f"«{setup.user.username}»: {Role(Role.COMMITTEE_ADMIN).label}."
        ))  # fmt: skip
        self.stdout.write(
            "Tiếp theo: nhập danh sách tổ chức và đảng viên (dangbo import TỆP), tạo tài khoản "
            "(dangbo createuser), chạy máy chủ (dangbo serve)."
        )

    def _ask(self, field: str) -> str | None:
        if field == "kind":
            choices = list(SetupForm.base_fields["kind"].choices)
            for number, (value, label) in enumerate(choices, 1):
                self.stdout.write(f"  {number}. {label} ({value})")
            answer = input(f"{LABELS[field]} (số thứ tự hoặc mã): ").strip()
            if answer.isdigit() and 1 <= int(answer) <= len(choices):
                return choices[int(answer) - 1][0]
            return answer.upper() or None
        hint = " (dd/mm/yyyy)" if field == "established_on" else ""
        hint += " (bỏ trống nếu không có)" if field in OPTIONAL else ""
        answer = input(f"{LABELS[field]}{hint}: ").strip()
        return answer or None

    def _password(self, password_file: str | None, interactive: bool) -> str | None:
        if password_file:
            path = Path(password_file)
            if not path.is_file():
                raise CommandError(f"Không có tệp mật khẩu {password_file}.")
            lines = path.read_text(encoding="utf-8").splitlines()
            return lines[0] if lines else ""
        if os.environ.get(PASSWORD_VARIABLE):
            return os.environ[PASSWORD_VARIABLE]
        if not interactive:
            return None
        password = getpass.getpass("Mật khẩu của quản trị cấp ủy: ")
        if getpass.getpass("Nhập lại mật khẩu: ") != password:
            raise CommandError("Hai lần nhập mật khẩu không khớp.")
        return password
