"""The organization tree and the audit log download as XLSX, as the pages list them."""

import datetime as dt

import pytest
from django.utils import timezone

from dangbo.accounts.models import Role
from dangbo.accounts.tests.factories import user_with_role
from dangbo.audit.actions import action_label
from dangbo.audit.models import AuditEntry
from dangbo.core.tests.export_helpers import Table
from dangbo.members.tests.factories import MemberFactory
from dangbo.organizations import services
from dangbo.organizations.exports import ORG_EXPORT_HEADERS
from dangbo.organizations.selectors import path_range
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    top = bloc(code="KHOI", name="Đảng ủy Khối Doanh nghiệp")
    db1 = dang_bo(top, code="DB1", name="Đảng bộ Công ty Một", decision={"number": "15-QĐ/ĐU"})
    c1 = dependent_cell(db1, code="C1", name="Chi bộ Phòng Kế toán")
    c2 = dependent_cell(db1, code="C2", name="Chi bộ Phân xưởng")
    db2 = dang_bo(top, code="DB2", name="Đảng bộ Công ty Hai")
    d1 = dependent_cell(db2, code="D1", name="Chi bộ Kho")
    MemberFactory(organization=c1, full_name="Lê Thị Hoa")
    MemberFactory(organization=c2, full_name="Trần Văn Một")
    MemberFactory(organization=c2, full_name="Trần Văn Hai", admitted_on=dt.date(2023, 5, 1),
                  official_on=None)  # fmt: skip
    return {"top": top, "db1": db1, "c1": c1, "c2": c2, "db2": db2, "d1": d1}


def _login(client, org, role=Role.COMMITTEE_ADMIN):
    client.force_login(user_with_role(org, role))


def test_tree_export_lists_the_whole_subtree_in_tree_order_with_member_totals(client, tree):
    db2 = tree["db2"]
    db2.staff_headcount = 120
    db2.save()
    _login(client, tree["top"])
    table = Table(client.get("/o/KHOI/tree/?export=xlsx"))
    assert table.headers == list(ORG_EXPORT_HEADERS)
    assert table.sheet.freeze_panes == "A5"
    assert table.preamble[0] == (
        "Danh sách tổ chức đảng — Đảng ủy Khối Doanh nghiệp (mã KHOI) — tại ngày "
        f"{timezone.localdate():%d/%m/%Y}"
    )
    assert table.filename == f"to-chuc-KHOI-{timezone.localdate():%Y-%m-%d}.xlsx"
    assert table.column("Mã tổ chức") == ["KHOI", "DB1", "C1", "C2", "DB2", "D1"]
    assert table.column("Mã tổ chức cấp trên") == [None, "KHOI", "DB1", "DB1", "KHOI", "DB2"]
    assert table.column("Số đảng viên") == [3, 3, 1, 2, 0, 0]
    assert table.column("Loại tổ chức")[:3] == [
        "Đảng ủy khối",
        "Đảng bộ cơ sở",
        "Chi bộ trực thuộc",
    ]
    assert table.column("Quyết định thành lập")[1] == "15-QĐ/ĐU"
    assert table.column("Số cán bộ, nhân viên")[4] == 120
    assert table.column("Ngày thành lập")[0] == dt.date(2000, 1, 1)
    assert table.cell(0, "Ngày thành lập").number_format == "dd/mm/yyyy"
    assert table.cell(4, "Số cán bộ, nhân viên").number_format == "#,##0"
    # The totals are the tree page's.
    page = client.get("/o/KHOI/tree/")
    assert {r["code"]: r["members"] for r in page.context["rows"]} == {"DB1": 3, "DB2": 0}


def test_tree_export_of_a_past_date_shows_the_tree_of_that_date(client, tree):
    services.rename_organization(actor=None, org=tree["db1"], name="Đảng bộ Tổng công ty Một",
                                 on=dt.date(2021, 1, 1))  # fmt: skip
    services.dissolve_organization(actor=None, org=tree["d1"], on=dt.date(2022, 1, 1))
    _login(client, tree["db1"])
    now = Table(client.get("/o/DB1/tree/?export=xlsx"))
    assert now.column("Tên tổ chức")[0] == "Đảng bộ Tổng công ty Một"
    assert now.column("Mã tổ chức cấp trên")[0] == "KHOI"  # the root's parent, outside the list
    _login(client, tree["top"])
    then = Table(client.get("/o/KHOI/tree/?export=xlsx&on=01/06/2020"))
    assert then.sheet.freeze_panes == "A6"  # one more line: the names are those of that date
    assert "tại ngày 01/06/2020" in then.preamble[0]
    assert then.column("Mã tổ chức") == ["KHOI", "DB1", "C1", "C2", "DB2", "D1"]
    assert then.column("Tên tổ chức")[1] == "Đảng bộ Công ty Một"
    assert then.column("Ngày giải thể")[5] == dt.date(2022, 1, 1)
    assert then.column("Số đảng viên") == [2, 2, 1, 1, 0, 0]  # the 2023 admission not yet
    today = Table(client.get("/o/KHOI/tree/?export=xlsx"))
    assert "D1" not in today.column("Mã tổ chức")  # dissolved: no longer in the tree


def test_tree_and_organization_pages_link_to_the_export(client, tree):
    _login(client, tree["top"])
    assert (
        'href="?on=01%2F06%2F2020&amp;export=xlsx"'
        in client.get("/o/KHOI/tree/?on=01/06/2020").content.decode()
    )
    assert 'href="/o/KHOI/tree/?export=xlsx"' in client.get("/o/KHOI/").content.decode()


def test_audit_export_has_every_entry_of_the_subtree_newest_first(client, tree):
    admin = user_with_role(tree["db1"], Role.COMMITTEE_ADMIN, full_name="Phạm Thu Trang")
    services.rename_organization(actor=admin, org=tree["c1"], name="Chi bộ Tài chính",
                                 on=dt.date(2024, 1, 1))  # fmt: skip
    client.force_login(admin)
    page = client.get("/o/DB1/audit/")
    table = Table(client.get("/o/DB1/audit/?export=xlsx"))
    entries = list(AuditEntry.objects.filter(path_range(tree["db1"].path, "org_path")))
    assert len(table.rows) == len(entries) == page.context["page_obj"].count
    assert table.column("Thao tác") == [action_label(e.action) for e in entries]
    first = dict(zip(table.headers, table.rows[0], strict=True))
    assert first["Người thực hiện"] == "Phạm Thu Trang"
    assert first["Tài khoản"] == admin.username
    assert first["Thao tác"] == "Đổi tên tổ chức đảng"
    assert first["Loại đối tượng"] == "Tổ chức đảng"
    assert first["Thay đổi"] == "Tên tổ chức: Chi bộ Phòng Kế toán → Chi bộ Tài chính"
    assert "Chi bộ Tài chính" in first["Sau khi sửa"]
    assert table.cell(0, "Thời điểm").number_format == "dd/mm/yyyy hh:mm"
    assert table.rows[-1][1] == "Hệ thống"
    assert table.preamble[0].startswith("Nhật ký thay đổi — Đảng bộ Công ty Một (mã DB1)")
    assert "export=xlsx" in page.content.decode()


def test_sibling_administrator_gets_404_and_a_viewer_of_orgs_no_audit(client, tree):
    client.force_login(user_with_role(tree["db2"], Role.COMMITTEE_ADMIN))
    assert client.get("/o/DB1/tree/?export=xlsx").status_code == 404
    assert client.get("/o/DB1/audit/?export=xlsx").status_code == 404
    _login(client, tree["db1"], Role.VIEWER)
    assert client.get("/o/DB1/tree/?export=xlsx").status_code == 200
    assert client.get("/o/DB1/audit/?export=xlsx").status_code == 403


def test_audit_log_filters_by_action_user_dates_object_and_organization(client, tree):
    admin = user_with_role(tree["db1"], Role.COMMITTEE_ADMIN, full_name="Phạm Thu Trang")
    other = user_with_role(tree["db1"], Role.COMMITTEE_ADMIN, full_name="Ngô Văn Khoa")
    services.rename_organization(actor=admin, org=tree["c1"], name="Chi bộ Tài chính",
                                 on=dt.date(2024, 1, 1))  # fmt: skip
    services.rename_organization(actor=other, org=tree["c2"], name="Chi bộ Sản xuất",
                                 on=dt.date(2024, 1, 1))  # fmt: skip
    services.rename_organization(actor=admin, org=tree["d1"], name="Chi bộ Kho vận",
                                 on=dt.date(2024, 1, 1))  # fmt: skip
    AuditEntry.objects.filter(target_id=str(tree["c2"].pk), action="organizations.renamed").update(
        at=timezone.now() - dt.timedelta(days=40)
    )
    client.force_login(admin)

    def shown(**params) -> list[str]:
        page = client.get("/o/DB1/audit/", params)
        assert page.status_code == 200
        return [e.target_repr for e in page.context["page_obj"]]

    renamed = {"action": "organizations.renamed"}
    assert shown(**renamed) == ["Chi bộ Tài chính", "Chi bộ Sản xuất"]  # not DB2's cell
    assert shown(**renamed, actor="khoa") == ["Chi bộ Sản xuất"]
    assert shown(**renamed, actor=admin.username) == ["Chi bộ Tài chính"]
    today = timezone.localdate()
    assert shown(**renamed, start=(today - dt.timedelta(days=1)).strftime("%d/%m/%Y")) == [
        "Chi bộ Tài chính"
    ]
    assert shown(**renamed, end=(today - dt.timedelta(days=30)).strftime("%d/%m/%Y")) == [
        "Chi bộ Sản xuất"
    ]
    assert shown(**renamed, target="tài chính") == ["Chi bộ Tài chính"]
    assert shown(**renamed, organization="C2") == ["Chi bộ Sản xuất"]
    html = client.get("/o/DB1/audit/", renamed).content.decode()
    assert "Đổi tên tổ chức đảng" in html
    assert "organizations.renamed</" not in html
    assert "Tên tổ chức: <del>Chi bộ Phòng Kế toán</del> → Chi bộ Tài chính" in html

    # An organization outside the page's subtree is not a choice; reversed dates are refused.
    page = client.get("/o/DB1/audit/", {"organization": "D1"})
    assert "organization" in page.context["filter_form"].errors
    page = client.get("/o/DB1/audit/", {"start": "02/01/2024", "end": "01/01/2024"})
    assert page.context["filter_form"].errors["end"] == ["Ngày cuối phải từ ngày đầu trở đi."]

    table = Table(client.get("/o/DB1/audit/", {**renamed, "actor": "khoa", "export": "xlsx"}))
    assert table.column("Đối tượng") == ["Chi bộ Sản xuất"]
    assert table.column("Thao tác") == ["Đổi tên tổ chức đảng"]
    assert "thao tác: Đổi tên tổ chức đảng; người thực hiện: khoa" in table.preamble[1]
