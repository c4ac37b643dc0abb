"""Login, lockout, home, API tokens, users and roles through the test client."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session

from dangbo.accounts import services
from dangbo.accounts.models import ApiToken, Role, RoleAssignment
from dangbo.accounts.services import user_for_token
from dangbo.accounts.tests.factories import PASSWORD, UserFactory, user_with_role
from dangbo.audit.models import AuditEntry
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell

pytestmark = pytest.mark.django_db


def test_login_page_is_in_vietnamese(client):
    response = client.get("/login/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Tên đăng nhập" in body
    assert "Mật khẩu" in body


def test_login_sends_the_committee_office_to_its_subtrees_deadlines(client):
    top = bloc(code="KHOI")
    user_with_role(top, username="vanphong")
    response = client.post("/login/", {"username": "vanphong", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1] == ("/o/KHOI/deadlines/", 302)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("role", "modules", "where", "page"),
    [
        (Role.CELL_SECRETARY, None, "C1", "/o/C1/deadlines/"),
        (Role.COMMITTEE_ADMIN, None, "DB1", "/o/DB1/deadlines/"),
        (Role.MODULE_OFFICER, ["indicators", "admissions"], "KHOI", "/o/KHOI/admissions/"),
        (Role.MODULE_OFFICER, ["registry"], "KHOI", "/o/KHOI/members/"),
        (Role.MODULE_OFFICER, ["awards"], "KHOI", "/o/KHOI/badges/"),
        (Role.MODULE_OFFICER, ["indicators"], "KHOI", "/o/KHOI/indicators/"),
        (Role.MODULE_OFFICER, ["dues"], "KHOI", "/o/KHOI/members/"),
        (Role.VIEWER, None, "KHOI", "/o/KHOI/indicators/"),
    ],
)
def test_home_sends_each_role_to_the_page_of_its_work(client, role, modules, where, page):
    top = bloc(code="KHOI")
    db1 = dang_bo(top, code="DB1")
    orgs = {"KHOI": top, "DB1": db1, "C1": dependent_cell(db1, code="C1")}
    client.force_login(user_with_role(orgs[where], role, modules=modules))
    home = client.get("/")
    assert (home.status_code, home["Location"]) == (302, page)
    assert client.get(page).status_code == 200


def test_home_follows_the_role_highest_in_the_tree(client):
    top = bloc(code="KHOI")
    cell = dependent_cell(dang_bo(top, code="DB1"), code="C1")
    user = user_with_role(cell, Role.CELL_SECRETARY)
    client.force_login(user)
    assert client.get("/")["Location"] == "/o/C1/deadlines/"
    services.grant_role(actor=None, user=user, role=Role.VIEWER, organization=top)
    assert client.get("/")["Location"] == "/o/KHOI/indicators/"


def test_wrong_password_gives_a_vietnamese_error(client):
    UserFactory(username="vanphong")
    response = client.post("/login/", {"username": "vanphong", "password": "sai"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Tên đăng nhập hoặc mật khẩu không đúng."
    ]


def test_five_failures_lock_the_account_out(client):
    top = bloc(code="KHOI")
    user_with_role(top, username="vanphong")
    for _ in range(4):
        assert (
            client.post("/login/", {"username": "vanphong", "password": "sai"}).status_code == 200
        )
    locked = client.post("/login/", {"username": "vanphong", "password": "sai"})
    assert locked.status_code == 429
    assert "Tài khoản tạm thời bị khóa" in locked.content.decode()
    assert "Đã nhập sai mật khẩu 5 lần" in locked.content.decode()
    # Even the right password is refused while locked.
    again = client.post("/login/", {"username": "vanphong", "password": PASSWORD})
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post(client):
    top = bloc(code="KHOI")
    client.force_login(user_with_role(top))
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert client.get("/").status_code == 302


def test_user_without_a_role_sees_an_explanation(client):
    bloc()  # an installation set up (an empty one has its own page: test_setup)
    client.force_login(UserFactory(username="moi"))
    response = client.get("/")
    assert response.status_code == 200
    assert "Tài khoản «moi» chưa được giao vai trò" in response.content.decode()


def test_header_shows_the_user_and_their_top_organizations(client):
    top = bloc(code="KHOI", name="Đảng ủy Khối Doanh nghiệp")
    client.force_login(user_with_role(top, full_name="Trần Văn Bình"))
    body = client.get("/o/KHOI/").content.decode()
    assert "Trần Văn Bình" in body
    assert "Đảng ủy Khối Doanh nghiệp" in body
    assert 'href="/o/KHOI/members/"' in body


def test_issue_and_revoke_an_api_token(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/account/tokens/", {"name": "Máy báo cáo"})
    assert response.status_code == 200
    raw = response.context["raw_token"]
    assert raw.startswith("dbk_")
    assert raw in response.content.decode()
    assert "Đã tạo khóa API «Máy báo cáo»" in response.content.decode()
    assert user_for_token(raw) == user
    assert raw not in client.get("/account/tokens/").content.decode()
    token = ApiToken.objects.get(user=user)
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    assert user_for_token(raw) is None


def test_a_new_token_is_shown_once_and_kept_out_of_the_session_and_caches(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/account/tokens/", {"name": "Máy báo cáo"})
    raw = response.context["raw_token"]
    assert "no-store" in response["Cache-Control"]
    sessions = list(Session.objects.all())
    assert sessions
    for session in sessions:
        assert raw not in session.session_data
        assert raw not in str(session.get_decoded())
    assert all(raw not in morsel.value for morsel in response.cookies.values())
    assert all(raw not in morsel.value for morsel in client.cookies.values())


def test_a_refused_token_form_shows_its_error_and_issues_nothing(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/account/tokens/", {"name": ""})
    assert response.status_code == 400
    assert response.context["raw_token"] is None
    assert not ApiToken.objects.filter(user=user).exists()


def test_someone_elses_token_cannot_be_revoked(client):
    other = UserFactory()
    client.force_login(UserFactory())
    response = client.post("/account/tokens/", {"name": "x"})
    assert response.status_code == 200
    from dangbo.accounts.services import issue_token

    token, _ = issue_token(actor=None, user=other, name="khác")
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404


def test_committee_admin_creates_a_user_and_grants_a_role_in_the_subtree(client):
    top = bloc(code="KHOI")
    db1 = dang_bo(top, code="DB1")
    c1 = dependent_cell(db1, code="C1")
    admin = user_with_role(db1)
    client.force_login(admin)
    response = client.post("/o/DB1/users/", {
        "action": "create", "create-username": "bithu", "create-full_name": "Lê Văn Bí",
        "create-password": "mot-mat-khau-dai-2025", "create-role": Role.CELL_SECRETARY, "create-org_code": "C1",
    })  # fmt: skip
    assert response.status_code == 302
    user = get_user_model().objects.get(username="bithu")
    assignment = RoleAssignment.objects.get(user=user)
    assert (assignment.role, assignment.organization_id) == (Role.CELL_SECRETARY, c1.pk)
    # Both entries are filed where the login is made, so the subtree's log shows them.
    created = AuditEntry.objects.get(action="accounts.user_created", target_id=str(user.pk))
    granted = AuditEntry.objects.get(action="accounts.role_granted", target_id=str(user.pk))
    assert created.org_path == granted.org_path == c1.path
    listing = client.get("/o/DB1/users/")
    assert "bithu" in listing.content.decode()
    revoke = client.post("/o/DB1/users/", {"action": "revoke", "assignment": assignment.pk})
    assert revoke.status_code == 302
    assignment.refresh_from_db()
    assert assignment.revoked_at is not None


def test_a_role_outside_the_subtree_or_a_bad_role_is_refused_and_nothing_saved(client):
    top = bloc(code="KHOI")
    db1 = dang_bo(top, code="DB1")
    client.force_login(user_with_role(db1))
    outside = client.post("/o/DB1/users/", {
        "action": "create", "create-username": "x1", "create-full_name": "X", "create-password": "mot-mat-khau-dai-2025",
        "create-role": Role.VIEWER, "create-org_code": "KHOI",
    })  # fmt: skip
    assert outside.status_code == 400
    assert outside.context["create_form"].errors["org_code"] == [
        "Không có tổ chức mã «KHOI» trong phạm vi Tổ chức DB1."
    ]
    bad_role = client.post("/o/DB1/users/", {
        "action": "create", "create-username": "x2", "create-full_name": "X", "create-password": "mot-mat-khau-dai-2025",
        "create-role": Role.CELL_SECRETARY, "create-org_code": "DB1",
    })  # fmt: skip
    assert bad_role.status_code == 400
    assert bad_role.context["create_form"].errors["org_code"] == [
        "Bí thư chi bộ chỉ được gán cho một chi bộ."
    ]
    assert not get_user_model().objects.filter(username__in=["x1", "x2"]).exists()


def test_users_page_needs_the_manage_users_capability(client):
    top = bloc(code="KHOI")
    client.force_login(user_with_role(top, Role.VIEWER))
    assert client.get("/o/KHOI/users/").status_code == 403


def test_the_users_page_names_cells_with_their_parent(client):
    top = bloc(code="KHOI")
    first, second = (
        dang_bo(top, code="DB1", name="Đảng bộ Công ty Một"),
        dang_bo(top, code="DB2", name="Đảng bộ Công ty Hai"),
    )
    for parent, code in ((first, "VP1"), (second, "VP2")):
        cell = dependent_cell(parent, code=code, name="Chi bộ Văn phòng")
        user_with_role(cell, username=f"bithu{code.lower()}", role=Role.CELL_SECRETARY)
    client.force_login(user_with_role(top, username="vanphong"))

    body = client.get("/o/KHOI/users/").content.decode()

    assert "Chi bộ Văn phòng – Đảng bộ Công ty Một" in body
    assert "Chi bộ Văn phòng – Đảng bộ Công ty Hai" in body
