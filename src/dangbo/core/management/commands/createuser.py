"""``dangbo createuser USERNAME --org CODE --role ROLE``: create a login with a role over a subtree."""

from __future__ import annotations

import getpass

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dangbo.accounts import services
from dangbo.accounts.models import Module, Role
from dangbo.core.errors import DomainError
from dangbo.organizations.models import Organization


def _messages(error: DomainError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
    return " ".join(error.messages)


class Command(BaseCommand):
    help = "Tạo tài khoản và giao vai trò trên một tổ chức (và toàn bộ cây trực thuộc)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="tên đăng nhập")
        parser.add_argument("--org", required=True, help="mã tổ chức, ví dụ DEMO")
        parser.add_argument(
            "--role",
            required=True,
            choices=Role.values,
            type=str.upper,
            help="vai trò: " + ", ".join(f"{r.value} ({r.label})" for r in Role),
        )
        parser.add_argument(
            "--modules",
            default="",
            help="các phân hệ, cách nhau bởi dấu phẩy (bắt buộc với MODULE_OFFICER): "
            + ", ".join(Module.values),
        )
        parser.add_argument("--password", help="mật khẩu (bỏ trống để nhập từ bàn phím)")
        parser.add_argument("--full-name", default="", help="họ và tên")
        parser.add_argument("--email", default="", help="thư điện tử")  # fmt: skip

    def handle(self, *args, username, org, role, modules, password, full_name, email, **options):
        organization = Organization.objects.filter(code=org.strip()).first()
        if organization is None:
            raise CommandError(f"Không có tổ chức mã «{org}».")
        module_list = [m.strip() for m in modules.split(",") if m.strip()]
        if password is None:
            password = getpass.getpass("Mật khẩu: ")
            if getpass.getpass("Nhập lại mật khẩu: ") != password:
                raise CommandError("Hai lần nhập mật khẩu không khớp.")
        try:
            with transaction.atomic():
                user = services.create_user(
                    actor=None,
                    username=username,
                    password=password,
                    full_name=full_name,
                    email=email,
                    organization=organization,
                )
                services.grant_role(
                    actor=None, user=user, role=role, organization=organization, modules=module_list
                )
        except DomainError as exc:
            raise CommandError(_messages(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Đã tạo tài khoản «{user.username}»: {Role(role).label} — {organization.name}."
        ))  # fmt: skip
