"""The first run of an installation: its top organization and its first committee administrator.

``dangbo init``, the page «Khởi tạo hệ thống» and ``POST /api/v1/setup`` all go through
``set_up_installation``: the organizations service founds the top organization, the accounts
services create the login and give it the committee administrator's role over the whole tree,
in one transaction (each write audited by its service).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import transaction

from dangbo.core.errors import DomainError
from dangbo.core.formatting import fmt_date
from dangbo.organizations import services as org_services
from dangbo.organizations.models import Organization

from . import services
from .models import Role, RoleAssignment

# What the first run asks for, by field, as the forms and the command name it.
LABELS = {
    "code": "Mã tổ chức",
    "name": "Tên tổ chức",
    "kind": "Loại tổ chức",
    "established_on": "Ngày thành lập",
    "place_name": "Địa danh ghi trên văn bản",
    "committee_name": "Tên cấp ủy",
    "username": "Tên đăng nhập",
    "full_name": "Họ và tên",
    "password": "Mật khẩu",
}


@dataclass
class Setup:
    organization: Organization
    user: object
    created: bool


def _login_errors(username: str, full_name: str, password: str) -> dict[str, list[str]]:
    """The refusals ``services.create_user`` would give, checked before anything is written."""
    errors: dict[str, list[str]] = {}
    username = username.strip()
    if not username:
        errors["username"] = ["Tên đăng nhập không được để trống."]
    elif get_user_model().objects.filter(username__iexact=username).exists():
        errors["username"] = [f"Tên đăng nhập «{username}» đã có."]
    try:
        password_validation.validate_password(
            password, get_user_model()(username=username, first_name=full_name.strip()[:150])
        )
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    return errors


def is_empty() -> bool:
    """Whether the installation has no organization yet (the first run is still to be made)."""
    return org_services.installation_root() is None


def _differences(root: Organization, org: dict, username: str, full_name: str, password: str):
    """The fields (their labels) in which an installation set up already differs from the values."""
    shown = {
        "code": root.code, "name": root.name, "kind": root.kind, "established_on": root.established_on,
        "place_name": root.place_name, "committee_name": root.committee_name,
    }  # fmt: skip
    wanted = {
        "code": org["code"].strip(), "name": org["name"].strip(), "kind": org["kind"],
        "established_on": org["established_on"], "place_name": org["place_name"].strip(),
        "committee_name": (org.get("committee_name") or "").strip(),
    }  # fmt: skip
    different = [LABELS[key] for key in shown if shown[key] != wanted[key]]
    user = get_user_model().objects.filter(username__iexact=username.strip()).first()
    holds = (
        user is not None
        and RoleAssignment.objects.filter(
            user=user, role=Role.COMMITTEE_ADMIN, organization=root, revoked_at__isnull=True
        ).exists()
    )
    if not holds:
        different.append(LABELS["username"])
        return user, different
    if user.first_name != full_name.strip()[:150]:
        different.append(LABELS["full_name"])
    # hashers.check_password with no setter: comparing never rewrites the stored hash.
    if not check_password(password, user.password):
        different.append(LABELS["password"])
    return user, different


@transaction.atomic
def set_up_installation(
    *,
    actor,
    code: str,
    name: str,
    kind: str,
    established_on: dt.date,
    place_name: str,
    committee_name: str = "",
    username: str,
    full_name: str,
    password: str,
    email: str = "",
) -> Setup:
    """Found the top organization of an empty installation and its first committee administrator.

    Run again with the same values once done, it writes nothing and says so (``created`` False);
    once any top organization exists with other values, it is refused.
    """
    org = {"code": code, "name": name, "kind": kind, "established_on": established_on,
           "place_name": place_name, "committee_name": committee_name}  # fmt: skip
    root = org_services.installation_root()
    if root is not None:
        user, different = _differences(root, org, username, full_name, password)
        if not different:
            return Setup(root, user, created=False)
        raise DomainError(
            f"Hệ thống đã được khởi tạo: tổ chức cao nhất «{root.name}» (mã {root.code}, thành lập "
            f"ngày {fmt_date(root.established_on)}). Thông tin đưa vào khác ở: {', '.join(different)}. "
            "Khởi tạo chỉ làm được một lần và không sửa dữ liệu đã có: sửa tổ chức trên trang của "
            "nó, thêm tài khoản bằng trang «Người dùng» hoặc lệnh «dangbo createuser»."
        )
    # Every field's refusal at once: the login's checks first, then the organization's.
    errors: dict[str, list[str]] = {}
    if not place_name.strip():
        errors["place_name"] = [
            "Cần địa danh ghi trên văn bản (dòng «……, ngày … tháng … năm …»), ví dụ «Lạc Hồng»."
        ]
    if not full_name.strip():
        errors["full_name"] = ["Cần họ và tên của quản trị cấp ủy."]
    errors.update(_login_errors(username, full_name, password))
    try:
        organization = org_services.found_root_organization(
            actor=actor, code=code, name=name, kind=kind, established_on=established_on,
            place_name=place_name, committee_name=committee_name,
        )  # fmt: skip
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise DomainError(errors)
    user = services.create_user(
        actor=actor, username=username, password=password, full_name=full_name, email=email,
        organization=organization,
    )  # fmt: skip
    services.grant_role(
        actor=actor, user=user, role=Role.COMMITTEE_ADMIN, organization=organization
    )
    return Setup(organization, user, created=True)
