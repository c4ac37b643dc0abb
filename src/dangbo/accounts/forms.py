"""Forms of the account pages: login, API tokens, users and roles."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from dangbo.core.views import date_field

from .models import Module, Role
from .setup import LABELS


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


def _top_kind_choices() -> list[tuple[str, str]]:
    from dangbo.organizations.models import OrgKind
    from dangbo.organizations.rules import INSIDE_GRASSROOTS_KINDS

    return [
        (value, label) for value, label in OrgKind.choices if value not in INSIDE_GRASSROOTS_KINDS
    ]


class SetupForm(forms.Form):
    """The first run of an installation (``accounts.setup``): its top organization and its first
    committee administrator. The page «Khởi tạo hệ thống» and ``dangbo init`` both fill it."""

    code = forms.CharField(
        label=LABELS["code"], max_length=30, help_text="Ví dụ: LH (không đổi về sau)."
    )
    name = forms.CharField(label=LABELS["name"], max_length=255,
                           help_text="Tên tổ chức đảng, ví dụ «Đảng bộ tỉnh Lạc Hồng».")  # fmt: skip
    kind = forms.ChoiceField(
        label=LABELS["kind"], choices=_top_kind_choices,
        error_messages={"invalid_choice": (
            "Loại tổ chức «%(value)s» không thể là tổ chức cao nhất của hệ thống; chọn một trong: "
            + ", ".join(f"{value} ({label})" for value, label in _top_kind_choices()) + "."
        )},
    )  # fmt: skip
    established_on = date_field(LABELS["established_on"])
    place_name = forms.CharField(
        label=LABELS["place_name"], max_length=100,
        help_text="Địa danh ở dòng «……, ngày … tháng … năm …» của văn bản, ví dụ «Lạc Hồng»; "
        "các tổ chức trực thuộc dùng địa danh này nếu không ghi địa danh riêng.",
    )  # fmt: skip
    committee_name = forms.CharField(
        label=LABELS["committee_name"], max_length=255, required=False,
        help_text="Cấp ủy ban hành và ký văn bản, ví dụ «Tỉnh ủy Lạc Hồng»; để trống thì suy ra "
        "từ loại và tên tổ chức.",
    )  # fmt: skip
    username = forms.CharField(label=LABELS["username"], max_length=150,
                               help_text="Tài khoản quản trị cấp ủy, có mọi quyền trên toàn bộ cây tổ chức.")  # fmt: skip
    full_name = forms.CharField(label=LABELS["full_name"], max_length=150)
    password = forms.CharField(label=LABELS["password"], widget=forms.PasswordInput(render_value=False),
                               help_text="Ít nhất 10 ký tự, không toàn chữ số.")  # fmt: skip
    password_again = forms.CharField(
        label="Nhập lại mật khẩu", widget=forms.PasswordInput(render_value=False)
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_again") != data["password"]:
            self.add_error("password_again", "Hai lần nhập mật khẩu không khớp.")
        return data
