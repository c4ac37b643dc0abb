"""The Django admin writes the audit log for every model registered there, and deletes nothing."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse

from dangbo.accounts.tests.factories import UserFactory
from dangbo.audit.models import AuditEntry
from dangbo.core.models import Code
from dangbo.organizations.models import OrgKindRule, Sector
from dangbo.organizations.tests.factories import bloc
from dangbo.regulations.models import CalendarDay, Regulation, Setting

pytestmark = pytest.mark.django_db

AXES = {"user_agent": "thử", "ip_address": "127.0.0.1", "username": "ai.do", "http_accept": "*/*",
        "path_info": "/login/"}  # fmt: skip
# One object of every model the admin lets a superuser change. A model registered later that
# can be changed there needs its line here, or the test below fails.
EXAMPLES = {
    "auth.group": lambda org: Group.objects.create(name="Văn phòng"),
    "auth.user": lambda org: UserFactory(username="nguoi.dung", full_name="Người Dùng"),
    "axes.accessattempt": lambda org: AccessAttempt.objects.create(
        **AXES, get_data="", post_data="", failures_since_start=3
    ),
    "axes.accesslog": lambda org: AccessLog.objects.create(**AXES),
    "axes.accessfailurelog": lambda org: AccessFailureLog.objects.create(**AXES),
    "core.code": lambda org: Code.objects.order_by("pk").first(),
    "organizations.sector": lambda org: Sector.objects.order_by("pk").first(),
    "organizations.orgkindrule": lambda org: OrgKindRule.objects.order_by("pk").first(),
    "regulations.regulation": lambda org: Regulation.objects.exclude(number="").order_by("pk").first(),
    "regulations.setting": lambda org: Setting.objects.create(
        key="admission.certificate_months", organization=org, value=12,
        effective_on=dt.date(2025, 1, 1),
    ),
    "regulations.calendarday": lambda org: CalendarDay.objects.create(
        day=dt.date(2026, 5, 4), name="Nghỉ bù", organization=org
    ),
}  # fmt: skip


class FormData(HTMLParser):
    """What a browser sends for the admin's change form: its inputs, selects and text areas."""

    def __init__(self):
        super().__init__()
        self.pairs: list[tuple[str, str]] = []
        self.inside = False
        self.select: str | None = None
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("id") or "").endswith("_form"):
            self.inside = True
        if not self.inside:
            return
        kind = a.get("type", "text")
        if tag == "input" and a.get("name") and kind not in ("submit", "button", "file"):
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.pairs.append((a["name"], a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select":
            self.select = a.get("name")
        elif tag == "option" and self.select and "selected" in a:
            self.pairs.append((self.select, a.get("value", "")))
        elif tag == "textarea":
            self.textarea, self.text = a.get("name"), ""

    def handle_data(self, data):
        if self.textarea:
            self.text += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea:
            self.pairs.append((self.textarea, self.text.removeprefix("\n")))
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.inside = False

    def data(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for name, value in self.pairs:
            found.setdefault(name, []).append(value)
        return found


def _form_data(html: str) -> dict[str, list[str]]:
    parser = FormData()
    parser.feed(html)
    return parser.data()


@pytest.fixture
def superuser(client):
    user = UserFactory(username="quantri")
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    return user


def test_every_admin_model_is_audited_when_changed_and_never_deleted(client, superuser):
    org = bloc(code="KHOI")
    request = RequestFactory().get("/admin/")
    request.user = superuser
    changed = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        assert not model_admin.has_delete_permission(request), label
        if not model_admin.has_change_permission(request):
            assert not model_admin.has_add_permission(request), label
            continue
        assert label in EXAMPLES, f"{label}: thêm một đối tượng mẫu vào EXAMPLES"
        obj = EXAMPLES[label](org)
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]
        )
        page = client.get(url)
        assert page.status_code == 200, label
        response = client.post(url, {**_form_data(page.content.decode()), "_save": "Lưu"})
        assert response.status_code == 302, (
            label,
            response.context and response.context["adminform"].form.errors,
        )
        entry = AuditEntry.objects.get(action=f"{label}.admin_changed", target_id=str(obj.pk))
        assert entry.actor == superuser
        assert entry.before is not None
        assert entry.after is not None
        assert entry.note.startswith("Ghi qua trang quản trị")
        changed.append(label)
        delete = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_delete", args=[obj.pk]
        )
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert model._default_manager.filter(pk=obj.pk).exists()
    assert set(changed) == set(EXAMPLES)


def test_a_setting_added_in_the_admin_is_filed_under_its_organization(client, superuser):
    org = bloc(code="KHOI")
    response = client.post(reverse("admin:regulations_setting_add"), {
        "key": "badge.cutoff_day", "organization": org.pk, "value": "15",
        "effective_on": "2026-01-01", "note": "Nghị quyết cấp ủy", "_save": "Lưu",
    })  # fmt: skip
    assert response.status_code == 302
    setting = Setting.objects.get(key="badge.cutoff_day")
    entry = AuditEntry.objects.get(action="regulations.setting.admin_added")
    assert (entry.target_id, entry.org_path, entry.actor) == (str(setting.pk), org.path, superuser)
    assert entry.after["value"] == 15


def test_a_password_set_in_the_admin_is_audited_without_the_hash(client, superuser):
    user = UserFactory(username="nguoi.dung")
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    response = client.post(url, {
        "password1": "mot-mat-khau-moi-2026", "password2": "mot-mat-khau-moi-2026",
        "usable_password": "true",
    })  # fmt: skip
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("mot-mat-khau-moi-2026")
    entry = AuditEntry.objects.get(action="auth.user.admin_changed", target_id=str(user.pk))
    assert "password" not in entry.after
    assert user.password not in str(entry.after)
    assert entry.actor == superuser


ENGLISH_IN_ADMIN = ["Django", "AXES", "Axes", "Task Result", "Tasks Database", "Access ",
                    "access ", "Attempt", "Username", "IP Address", "Status"]  # fmt: skip


@pytest.mark.parametrize(
    "path",
    ["/admin/", "/admin/axes/accessattempt/", "/admin/axes/accesslog/",
     "/admin/django_tasks_database/dbtaskresult/", "/admin/audit/auditentry/"],
)  # fmt: skip
def test_the_admin_names_itself_its_apps_and_their_models_in_vietnamese(client, superuser, path):
    from dangbo.audit.services import record

    record(actor=superuser, action="auth.user.admin_changed", target=superuser)
    client.force_login(superuser)
    response = client.get(path)
    assert response.status_code == 200
    text = _visible_text(response.content.decode())
    assert "auth.user.admin_changed" not in text
    for word in ENGLISH_IN_ADMIN:
        assert word not in text, (path, word)
    if path == "/admin/audit/auditentry/":
        assert "Sửa người dùng qua trang quản trị" in text  # the entry the fixture's change wrote
    if path == "/admin/":
        assert "Quản trị hệ thống dangbo" in text
        assert "Theo dõi đăng nhập" in text
        assert "Tác vụ chạy nền" in text
        assert "Kết quả tác vụ chạy nền" in text


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())
