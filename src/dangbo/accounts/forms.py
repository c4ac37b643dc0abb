"""Forms of the account pages: login, API tokens, users and roles."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .models import Module, Role


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "inactive": "Tài khoản này đã bị khóa.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Tên đăng nhập"
        self.fields["password"].label = "Mật khẩu"
        self.fields["username"].error_messages["required"] = "Nhập tên đăng nhập."
        self.fields["password"].error_messages["required"] = "Nhập mật khẩu."


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Tên gợi nhớ của khóa",
        max_length=100,
        help_text="Ví dụ: «Máy chủ báo cáo của văn phòng».",
    )


class RoleFields(forms.Form):
    role = forms.ChoiceField(label="Vai trò", choices=Role.choices)
    org_code = forms.CharField(
        label="Mã tổ chức được giao",
        max_length=30,
        help_text="Mã một tổ chức trong phạm vi bạn quản trị.",
    )
    modules = forms.MultipleChoiceField(
        label="Phân hệ (cho cán bộ phụ trách phân hệ)",
        choices=Module.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class GrantRoleForm(RoleFields):
    username = forms.CharField(label="Tên đăng nhập", max_length=150)

    field_order = ["username", "role", "org_code", "modules"]


class CreateUserForm(RoleFields):
    username = forms.CharField(label="Tên đăng nhập", max_length=150)
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    email = forms.EmailField(label="Thư điện tử", required=False)
    password = forms.CharField(
        label="Mật khẩu",
        widget=forms.PasswordInput(render_value=False),
        help_text="Ít nhất 10 ký tự, không toàn chữ số.",
    )

    field_order = ["username", "full_name", "email", "password", "role", "org_code", "modules"]
