"""The member list downloads as XLSX and CSV: every row the filters keep, in the page's order."""

import datetime as dt

import pytest
from django.utils import timezone

from dangbo.accounts.models import Role
from dangbo.accounts.tests.factories import user_with_role
from dangbo.core import views as core_views
from dangbo.core.tests.export_helpers import Table, read_csv
from dangbo.members import rules, services
from dangbo.members.exports import MEMBER_EXPORT_COLUMNS, MEMBER_EXPORT_HEADERS
from dangbo.members.models import MemberEvent
from dangbo.members.selectors import age_years, party_age_years
from dangbo.members.tests.factories import MemberFactory
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    top = bloc(code="KHOI", name="Đảng ủy Khối Doanh nghiệp")
    db1 = dang_bo(top, code="DB1", name="Đảng bộ Công ty Một")
    c1 = dependent_cell(db1, code="C1", name="Chi bộ Phòng Kế toán")
    c2 = dependent_cell(db1, code="C2", name="Chi bộ Phân xưởng")
    sibling = dang_bo(top, code="DB2", name="Đảng bộ Công ty Hai")
    dependent_cell(sibling, code="D1")
    hoa = MemberFactory(
        organization=c1, full_name="Lê Thị Hoa", sex="F", date_of_birth=dt.date(1990, 8, 12),
        ethnicity="01", religion="00", personal_id_number="001190012345", card_number="01234567",
        home_town="Xã Đông Sơn, Thanh Hóa", permanent_address="=HYPERLINK(\"x\")", phone="0912345678",
        occupation="Kế toán", general_education="12/12", professional_level="04",
        political_theory_level="02", admitted_on=dt.date(2015, 2, 3), official_on=dt.date(2016, 2, 3),
    )  # fmt: skip
    an = MemberFactory(organization=c2, full_name="Trần Thị An", sex="F", official_on=None,
                       admitted_on=timezone.localdate() - dt.timedelta(days=100))  # fmt: skip
    hung = MemberFactory(organization=c2, full_name="Nguyễn Văn Hùng", sex="M")
    return {"top": top, "db1": db1, "c1": c1, "c2": c2, "sibling": sibling,
            "hoa": hoa, "an": an, "hung": hung}  # fmt: skip


def _login(client, org, role=Role.COMMITTEE_ADMIN):
    client.force_login(user_with_role(org, role))


def test_export_has_every_member_of_every_page_with_the_import_headers(client, tree, monkeypatch):
    monkeypatch.setattr(core_views, "PAGE_SIZE", 2)
    _login(client, tree["db1"])
    page = client.get("/o/DB1/members/")
    assert len(page.context["page_obj"]) == 2  # the page shows two...
    cursor = page.context["page_obj"].next_cursor
    table = Table(client.get(f"/o/DB1/members/?export=xlsx&after={cursor}"))
    assert table.headers == list(MEMBER_EXPORT_HEADERS)  # ...the file every member
    assert table.column("Họ và tên") == ["Trần Thị An", "Lê Thị Hoa", "Nguyễn Văn Hùng"]
    assert table.column("STT") == [1, 2, 3]
    assert table.sheet.freeze_panes == "A5"
    assert table.preamble[0] == (
        f"Danh sách đảng viên — Đảng bộ Công ty Một (mã DB1) — tại ngày "
        f"{timezone.localdate():%d/%m/%Y}"
    )
    assert table.preamble[1].startswith("Điều kiện lọc: Tình trạng: Đang sinh hoạt")
    assert table.preamble[2].startswith("Xuất lúc ")
    assert table.filename == f"dang-vien-DB1-{timezone.localdate():%Y-%m-%d}.xlsx"


def test_member_row_has_vietnamese_values_and_formats(client, tree):
    _login(client, tree["top"])
    table = Table(client.get("/o/KHOI/members/?export=xlsx&q=hoa"))
    assert len(table.rows) == 1
    row = dict(zip(table.headers, table.rows[0], strict=True))
    hoa = tree["hoa"]
    assert row == {
        "STT": 1, "Họ và tên": "Lê Thị Hoa", "Ngày sinh": dt.date(1990, 8, 12),
        "Giới tính": "Nữ", "Dân tộc": "Kinh", "Tôn giáo": "Không",
        "Số định danh cá nhân": "001190012345", "Số thẻ đảng viên": "01234567",
        "Ngày vào Đảng": dt.date(2015, 2, 3), "Ngày chính thức": dt.date(2016, 2, 3),
        "Tình trạng": "Chính thức", "Chi bộ": "Chi bộ Phòng Kế toán", "Mã chi bộ": "C1",
        "Quê quán": "Xã Đông Sơn, Thanh Hóa", "Nơi thường trú": '=HYPERLINK("x")',
        "Điện thoại": "0912345678", "Nghề nghiệp": "Kế toán", "Giáo dục phổ thông": "Lớp 12 hệ 12 năm",
        "Chuyên môn": "Đại học", "Lý luận chính trị": "Trung cấp",
        "Tuổi": age_years(hoa), "Tuổi đảng": party_age_years(hoa),
    }  # fmt: skip
    for header in ("Ngày sinh", "Ngày vào Đảng", "Ngày chính thức"):
        assert table.cell(0, header).number_format == "dd/mm/yyyy"
    # Text that looks like a formula stays text; numbers that are identifiers keep their zeros.
    assert table.cell(0, "Nơi thường trú").data_type == "s"
    assert table.cell(0, "Số thẻ đảng viên").data_type == "s"


def test_filtered_export_keeps_only_the_filtered_rows_in_the_page_order(client, tree):
    _login(client, tree["top"])
    page = client.get("/o/KHOI/members/?sex=F")
    table = Table(client.get("/o/KHOI/members/?sex=F&export=xlsx"))
    assert table.column("Họ và tên") == [m.full_name for m in page.context["page_obj"]]
    assert table.column("Họ và tên") == ["Trần Thị An", "Lê Thị Hoa"]
    assert "Giới tính: Nữ" in table.preamble[1]
    assert table.column("Tình trạng") == ["Dự bị", "Chính thức"]


def test_csv_has_a_byte_order_mark_vietnamese_text_and_dates_dd_mm_yyyy(client, tree):
    _login(client, tree["top"])
    response = client.get("/o/KHOI/members/?export=csv&sex=F")
    assert response["Content-Disposition"].endswith(
        f'filename="dang-vien-KHOI-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    text, rows = read_csv(response)
    assert rows[0] == list(MEMBER_EXPORT_HEADERS)  # no preamble: the header comes first
    assert [r[1] for r in rows[1:]] == ["Trần Thị An", "Lê Thị Hoa"]
    hoa = dict(zip(rows[0], rows[2], strict=True))
    assert hoa["Ngày sinh"] == "12/08/1990"
    assert hoa["Ngày vào Đảng"] == "03/02/2015"
    assert hoa["Chi bộ"] == "Chi bộ Phòng Kế toán"
    assert hoa["Số thẻ đảng viên"] == "01234567"
    assert hoa["Nơi thường trú"] == '\'=HYPERLINK("x")'
    assert "\r\n" in text


def test_export_on_a_past_date_shows_that_days_cell_status_and_ages(client, tree):
    hung = tree["hung"]
    services.record_event(actor=None, member=hung, kind=MemberEvent.Kind.MOVED,
                          happened_on=dt.date(2020, 1, 1), organization=tree["c1"])  # fmt: skip
    _login(client, tree["top"])
    table = Table(client.get("/o/KHOI/members/?export=xlsx&on=01/06/2010&status=all"))
    row = dict(
        zip(table.headers, table.rows[table.column("Họ và tên").index(hung.full_name)], strict=True)
    )
    assert row["Mã chi bộ"] == "C2"
    assert row["Chi bộ"] == "Chi bộ Phân xưởng"
    assert row["Tình trạng"] == "Dự bị"  # official from 01/03/2011
    assert row["Tuổi"] == 30
    assert row["Tuổi đảng"] == 0
    assert "tại ngày 01/06/2010" in table.preamble[0]
    assert table.filename.endswith("-2010-06-01.xlsx")
    now = Table(client.get("/o/KHOI/members/?export=xlsx"))
    row = dict(
        zip(now.headers, now.rows[now.column("Họ và tên").index(hung.full_name)], strict=True)
    )
    assert row["Mã chi bộ"] == "C1"
    assert row["Tình trạng"] == "Chính thức"


def test_party_age_deducts_the_time_struck_off(client, tree):
    hung = tree["hung"]
    services.record_event(actor=None, member=hung, kind=MemberEvent.Kind.STRUCK_OFF,
                          happened_on=dt.date(2013, 3, 1))  # fmt: skip
    services.record_event(actor=None, member=hung, kind=MemberEvent.Kind.READMITTED,
                          happened_on=dt.date(2016, 3, 1), organization=tree["c2"])  # fmt: skip
    hung.refresh_from_db()
    _login(client, tree["top"])
    table = Table(client.get("/o/KHOI/members/?export=xlsx&q=hung"))
    expected = party_age_years(hung)
    assert table.column("Tuổi đảng") == [expected]
    naive = rules.age_on(dt.date(2010, 3, 1), timezone.localdate())
    assert naive - expected in (3, 4)  # three years struck off (four if today is the anniversary)


def test_page_links_to_both_exports_with_the_filters_in_force(client, tree):
    _login(client, tree["top"])
    html = client.get("/o/KHOI/members/?sex=F&page=1").content.decode()
    assert 'href="?sex=F&amp;export=xlsx"' in html
    assert 'href="?sex=F&amp;export=csv"' in html
    assert "Xuất Excel" in html
    assert "Xuất CSV" in html


def test_a_viewer_may_export_a_sibling_administrator_may_not(client, tree):
    _login(client, tree["db1"], Role.VIEWER)
    assert client.get("/o/DB1/members/?export=csv").status_code == 200
    client.force_login(user_with_role(tree["sibling"], Role.COMMITTEE_ADMIN))
    assert client.get("/o/DB1/members/?export=xlsx").status_code == 404
    assert client.get("/o/DB1/members/?export=csv").status_code == 404


def test_an_unknown_format_is_not_found(client, tree):
    _login(client, tree["top"])
    assert client.get("/o/KHOI/members/?export=pdf").status_code == 404


def test_columns_are_the_documented_ones():
    assert [(c.header, c.kind) for c in MEMBER_EXPORT_COLUMNS if c.kind != "text"] == [
        ("STT", "int"), ("Ngày sinh", "date"), ("Ngày vào Đảng", "date"),
        ("Ngày chính thức", "date"), ("Tuổi", "int"), ("Tuổi đảng", "int"),
    ]  # fmt: skip
