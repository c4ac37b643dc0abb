"""The first run of an empty installation: ``dangbo init``, the page «Khởi tạo hệ thống», the API."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.urls import reverse

from dangbo.accounts.models import Role, RoleAssignment
from dangbo.accounts.permissions import Scope
from dangbo.accounts.tests.factories import UserFactory
from dangbo.audit.models import AuditEntry
from dangbo.organizations.models import Organization, OrgKind
from dangbo.organizations.tests.factories import bloc

pytestmark = pytest.mark.django_db
User = get_user_model()
SECRET = "mat-khau-khoi-tao-2026"
FLAGS = {
    "--code": "LH", "--name": "Đảng bộ tỉnh Lạc Hồng", "--kind": "provincial", "--founded": "03/02/1930",
    "--place": "Lạc Hồng", "--committee-name": "Tỉnh ủy Lạc Hồng", "--username": "quantri",
    "--full-name": "Nguyễn Văn Quản",
}  # fmt: skip


def _args(**changes) -> list[str]:
    flags = {**FLAGS, **{f"--{k.replace('_', '-')}": v for k, v in changes.items()}}
    return [part for flag, value in flags.items() if value is not None for part in (flag, value)]


@pytest.fixture
def password(monkeypatch):
    monkeypatch.setenv("DANGBO_ADMIN_PASSWORD", SECRET)


def _written() -> tuple[int, int, int, int]:
    return (Organization.objects.count(), User.objects.count(), RoleAssignment.objects.count(),
            AuditEntry.objects.count())  # fmt: skip


# -- dangbo init --------------------------------------------------------------------------------


def test_init_founds_the_top_and_its_committee_administrator_audited(password, capsys):
    call_command("init", "--no-input", *_args())
    org = Organization.objects.get()
    assert (org.code, org.name, org.kind, org.parent) == (
        "LH",
        "Đảng bộ tỉnh Lạc Hồng",
        OrgKind.PROVINCIAL,
        None,
    )
    assert org.established_on == dt.date(1930, 2, 3)
    assert (org.place_name, org.committee_name) == ("Lạc Hồng", "Tỉnh ủy Lạc Hồng")
    user = User.objects.get()
    assert user.username == "quantri"
    assert user.first_name == "Nguyễn Văn Quản"
    assert user.check_password(SECRET)
    assert not user.is_superuser
    role = RoleAssignment.objects.get()
    assert (role.user, role.role, role.organization) == (user, Role.COMMITTEE_ADMIN, org)
    # The administrator reaches the whole tree with every capability.
    assert Scope.for_user(user).roots() == [org.pk]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert actions == {"organizations.founded", "accounts.user_created", "accounts.role_granted"}
    assert set(AuditEntry.objects.values_list("org_path", flat=True)) == {org.path}
    assert "Đã khởi tạo hệ thống" in capsys.readouterr().out


def test_init_again_with_the_same_values_says_so_and_writes_nothing(password, capsys):
    call_command("init", "--no-input", *_args())
    before = _written()
    call_command("init", "--no-input", *_args())  # no exception: exit status 0
    assert _written() == before
    assert "đã được khởi tạo với đúng các thông tin này" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"founded": "04/02/1930"}, "Ngày thành lập"),
        ({"code": "LH2"}, "Mã tổ chức"),
        ({"username": "khac"}, "Tên đăng nhập"),
    ],
)
def test_init_is_refused_once_a_top_exists_with_other_values(password, changes, field):
    call_command("init", "--no-input", *_args())
    before = _written()
    with pytest.raises(CommandError) as caught:
        call_command("init", "--no-input", *_args(**changes))
    assert "Hệ thống đã được khởi tạo" in str(caught.value)
    assert field in str(caught.value)
    assert _written() == before


def test_init_with_another_password_is_refused_and_changes_nothing(password, monkeypatch):
    call_command("init", "--no-input", *_args())
    monkeypatch.setenv("DANGBO_ADMIN_PASSWORD", "mot-mat-khau-khac-2026")
    with pytest.raises(CommandError, match="Mật khẩu"):
        call_command("init", "--no-input", *_args())
    assert User.objects.get().check_password(SECRET)


def test_init_is_refused_on_an_installation_whose_top_came_from_elsewhere(password):
    bloc(code="KHOI")
    with pytest.raises(CommandError, match="«Đảng ủy Khối Thử nghiệm» \\(mã KHOI"):
        call_command("init", "--no-input", *_args())
    assert Organization.objects.count() == 1
    assert not User.objects.exists()


def test_init_gives_field_level_vietnamese_errors_and_writes_nothing(password):
    with pytest.raises(CommandError) as caught:
        call_command(
            "init", "--no-input", *_args(founded="31/02/2000", kind="DEPENDENT_CELL", place="")
        )
    text = str(caught.value)
    assert "Ngày thành lập (--founded):" in text
    assert (
        "Loại tổ chức (--kind): Loại tổ chức «DEPENDENT_CELL» không thể là tổ chức cao nhất" in text
    )
    assert "Địa danh ghi trên văn bản (--place):" in text
    assert _written() == (0, 0, 0, 0)


def test_init_refuses_a_district_founded_after_qd294_and_a_taken_username_together(password):
    UserFactory(username="QuanTri")
    before = _written()
    with pytest.raises(CommandError) as caught:
        call_command("init", "--no-input", *_args(kind="DISTRICT", founded="01/07/2025"))
    text = str(caught.value)
    assert "Loại tổ chức (--kind):" in text
    assert "không còn cấp huyện" in text
    assert "Tên đăng nhập (--username): Tên đăng nhập «quantri» đã có." in text
    assert _written() == before


def test_init_refuses_a_weak_password_and_founds_nothing(monkeypatch):
    monkeypatch.setenv("DANGBO_ADMIN_PASSWORD", "12345")
    with pytest.raises(CommandError, match="Mật khẩu \\(--password-file\\)"):
        call_command("init", "--no-input", *_args())
    assert _written() == (0, 0, 0, 0)


def test_init_reads_the_password_from_a_file(tmp_path, monkeypatch):
    monkeypatch.delenv("DANGBO_ADMIN_PASSWORD", raising=False)
    secret = tmp_path / "mat-khau"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    call_command("init", "--no-input", "--password-file", str(secret), *_args())
    assert User.objects.get().check_password(SECRET)


def test_init_without_a_terminal_names_every_missing_value(monkeypatch):
    monkeypatch.delenv("DANGBO_ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError) as caught:
        call_command("init", "--no-input", *_args(code=None, place=None))
    text = str(caught.value)
    assert "Thiếu mã tổ chức: dùng --code." in text
    assert "Thiếu địa danh ghi trên văn bản: dùng --place." in text
    assert "Thiếu mật khẩu" in text
    assert _written() == (0, 0, 0, 0)


def test_init_asks_at_a_terminal(monkeypatch):
    answers = iter(
        [
            "LH",
            "Đảng bộ tỉnh Lạc Hồng",
            "2",
            "03/02/1930",
            "Lạc Hồng",
            "",
            "quantri",
            "Nguyễn Văn Quản",
        ]
    )
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": SECRET)
    monkeypatch.delenv("DANGBO_ADMIN_PASSWORD", raising=False)
    call_command("init")
    org = Organization.objects.get()
    assert (org.kind, org.committee_name) == (OrgKind.PROVINCIAL, "")
    assert User.objects.get().check_password(SECRET)


def test_init_exit_status_from_the_command_line(password, monkeypatch, capsys):
    # run_from_argv closes the connections at the end; the test's transaction must stay open.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as caught:
        ManagementUtility(["dangbo", "init", "--no-input", *_args(founded="30/02/2000")]).execute()
    assert caught.value.code == 1
    assert "Ngày thành lập (--founded)" in capsys.readouterr().err
    assert _written() == (0, 0, 0, 0)
    ManagementUtility(["dangbo", "init", "--no-input", *_args()]).execute()  # returns: status 0
    assert Organization.objects.count() == 1


# -- the page «Khởi tạo hệ thống» ------------------------------------------------------------------

FORM = {
    "code": "LH", "name": "Đảng bộ tỉnh Lạc Hồng", "kind": "PROVINCIAL", "established_on": "03/02/1930",
    "place_name": "Lạc Hồng", "committee_name": "", "username": "quantri", "full_name": "Nguyễn Văn Quản",
    "password": SECRET, "password_again": SECRET,
}  # fmt: skip


@pytest.fixture
def superuser():
    user = UserFactory(username="sieuquantri")
    user.is_superuser = True
    user.is_staff = True
    user.save()
    return user


def test_a_superuser_on_an_empty_tree_is_sent_to_the_first_run_page(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("setup")
    page = client.get(reverse("setup"))
    assert page.status_code == 200
    assert "Khởi tạo hệ thống" in page.content.decode()


def test_the_first_run_page_founds_the_top_and_its_administrator(client, superuser):
    client.force_login(superuser)
    response = client.post(reverse("setup"), FORM)
    org = Organization.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    admin = User.objects.get(username="quantri")
    assert RoleAssignment.objects.get(user=admin).role == Role.COMMITTEE_ADMIN
    entries = AuditEntry.objects.filter(actor=superuser)
    assert set(entries.values_list("action", flat=True)) == {
        "organizations.founded", "accounts.user_created", "accounts.role_granted"
    }  # fmt: skip
    assert org.place_name == "Lạc Hồng"


def test_the_first_run_page_shows_field_errors_and_saves_nothing(client, superuser):
    client.force_login(superuser)
    bad = {**FORM, "established_on": "31/02/2000", "kind": "DISTRICT", "password_again": "khac",
           "username": "sieuquantri"}  # fmt: skip
    response = client.post(reverse("setup"), bad)
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"established_on", "password_again"}
    response = client.post(
        reverse("setup"), {**bad, "established_on": "01/07/2025", "password_again": SECRET}
    )
    form = response.context["form"]
    assert "không còn cấp huyện" in form.errors["kind"][0]
    assert form.errors["username"] == ["Tên đăng nhập «sieuquantri» đã có."]
    assert not Organization.objects.exists()
    assert User.objects.count() == 1


def test_the_first_run_page_refuses_once_a_root_exists(client, superuser):
    top = bloc(code="KHOI")
    client.force_login(superuser)
    for response in (client.get(reverse("setup")), client.post(reverse("setup"), FORM)):
        assert response.status_code == 302
        assert response["Location"] == reverse("home")
    assert Organization.objects.get() == top
    assert not User.objects.filter(username="quantri").exists()
    shown = client.get(reverse("home"), follow=True)
    assert "Hệ thống đã được khởi tạo" in shown.content.decode()


def test_a_non_superuser_on_an_empty_tree_gets_an_explanation(client):
    client.force_login(UserFactory(username="canbo"))
    for url in (reverse("home"), reverse("setup")):
        response = client.get(url, follow=True)
        assert response.status_code == 200
        assert "Hệ thống chưa được khởi tạo" in response.content.decode()
    assert client.post(reverse("setup"), FORM).status_code == 403
    assert not Organization.objects.exists()


def test_the_first_run_page_needs_a_login(client):
    response = client.get(reverse("setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# -- POST /api/v1/setup ----------------------------------------------------------------------------

BODY = {
    "code": "LH", "name": "Đảng bộ tỉnh Lạc Hồng", "kind": "PROVINCIAL", "established_on": "1930-02-03",
    "place_name": "Lạc Hồng", "username": "quantri", "full_name": "Nguyễn Văn Quản", "password": SECRET,
}  # fmt: skip


def _post(client, body):
    return client.post("/api/v1/setup", json.dumps(body), content_type="application/json")


def test_the_setup_endpoint_founds_the_top_for_a_superuser(client, superuser):
    client.force_login(superuser)
    response = _post(client, BODY)
    assert response.status_code == 201, response.content
    assert response.json()["organization"]["code"] == "LH"
    assert response.json()["username"] == "quantri"
    assert RoleAssignment.objects.get().role == Role.COMMITTEE_ADMIN
    again = _post(client, BODY)
    assert again.status_code == 403
    assert Organization.objects.count() == 1


def test_the_setup_endpoint_refuses_others_and_bad_values(client, superuser):
    client.force_login(UserFactory(username="canbo"))
    assert _post(client, BODY).status_code == 403
    client.force_login(superuser)
    response = _post(client, {**BODY, "kind": "DEPENDENT_CELL"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "kind"]
    assert not Organization.objects.exists()


def test_the_committee_admin_made_by_the_first_run_logs_in_to_the_top(client, password):
    call_command("init", "--no-input", *_args())
    client.post(reverse("login"), {"username": "quantri", "password": SECRET})
    response = client.get(reverse("home"))
    # The committee administrator's work starts at the top's deadline radar.
    assert response["Location"] == reverse("deadlines", kwargs={"code": "LH"})
