"""The users and roles of a subtree download as XLSX, as the page lists them."""

import pytest
from django.utils import timezone

from dangbo.accounts import services
from dangbo.accounts.models import Module, Role
from dangbo.accounts.tests.factories import UserFactory, user_with_role
from dangbo.accounts.views import USER_EXPORT_COLUMNS
from dangbo.core.tests.export_helpers import Table
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell

pytestmark = pytest.mark.django_db


def test_users_export_lists_the_active_assignments_of_the_subtree_in_the_page_order(client):
    top = bloc(code="KHOI")
    db1 = dang_bo(top, code="DB1", name="Đảng bộ Công ty Một")
    c1 = dependent_cell(db1, code="C1", name="Chi bộ Kế toán")
    db2 = dang_bo(top, code="DB2")
    admin = user_with_role(db1, Role.COMMITTEE_ADMIN, username="quantri", full_name="Lê Văn Quản")
    user_with_role(
        c1, Role.MODULE_OFFICER, modules=[Module.REGISTRY, Module.DUES], username="canbo",
        full_name="Nguyễn Thị Cán", email="can@example.vn",
    )  # fmt: skip
    gone = user_with_role(c1, Role.VIEWER, username="daxoa")
    services.revoke_role(actor=None, assignment=gone.roles.get())
    user_with_role(db2, Role.VIEWER, username="ngoai")  # another subtree
    services.grant_role(actor=None, user=UserFactory(username="bithu"), role=Role.CELL_SECRETARY,
                        organization=c1)  # fmt: skip
    client.force_login(admin)

    page = client.get("/o/DB1/users/")
    table = Table(client.get("/o/DB1/users/?export=xlsx"))
    assert table.headers == [c.header for c in USER_EXPORT_COLUMNS]
    assert table.column("Tài khoản") == [a.user.username for a in page.context["assignments"]]
    assert table.column("Tài khoản") == ["bithu", "canbo", "quantri"]
    row = dict(zip(table.headers, table.rows[1], strict=True))
    assert row["Họ và tên"] == "Nguyễn Thị Cán"
    assert row["Thư điện tử"] == "can@example.vn"
    assert row["Vai trò"] == "Cán bộ phụ trách phân hệ"
    assert (row["Mã tổ chức"], row["Tổ chức"]) == ("C1", "Chi bộ Kế toán")
    assert row["Phân hệ"] == "Tổ chức và đảng viên, Đảng phí"
    assert table.cell(1, "Thời điểm giao vai trò").number_format == "dd/mm/yyyy hh:mm"
    assert table.preamble[0].startswith("Người dùng và vai trò — Đảng bộ Công ty Một (mã DB1)")
    assert table.preamble[-1].endswith("bởi Lê Văn Quản.")
    assert table.filename == f"nguoi-dung-DB1-{timezone.localdate():%Y-%m-%d}.xlsx"
    assert "export=xlsx" in page.content.decode()


def test_users_export_needs_the_user_managing_capability_in_that_subtree(client):
    top = bloc(code="KHOI")
    db1 = dang_bo(top, code="DB1")
    db2 = dang_bo(top, code="DB2")
    client.force_login(user_with_role(db2, Role.COMMITTEE_ADMIN))
    assert client.get("/o/DB1/users/?export=xlsx").status_code == 404
    client.force_login(user_with_role(db1, Role.VIEWER))
    assert client.get("/o/DB1/users/?export=xlsx").status_code == 403
