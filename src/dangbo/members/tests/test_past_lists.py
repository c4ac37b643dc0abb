"""A member list as of a past date shows what the subtree held then, not what others hold now."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from dangbo.accounts.models import Role
from dangbo.accounts.tests.factories import user_with_role
from dangbo.awards.tests.factories import add_event, member_admitted
from dangbo.core.tests.api_helpers import as_user
from dangbo.members import services as member_services
from dangbo.members.models import MemberEvent
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell

pytestmark = pytest.mark.django_db

d = dt.date
FOUNDED = d(1990, 1, 1)
THEN = "01/06/2020"


@pytest.fixture
def world():
    top = bloc(code="TOP", established_on=FOUNDED)
    a = dang_bo(top, code="A", established_on=FOUNDED)
    a1 = dependent_cell(a, code="A1", name="Chi bộ Một", established_on=FOUNDED)
    a2 = dependent_cell(a, code="A2", name="Chi bộ Hai", established_on=FOUNDED)
    b = dang_bo(top, code="B", established_on=FOUNDED)
    b1 = dependent_cell(b, code="B1", name="Chi bộ Bên Kia", established_on=FOUNDED)
    left = member_admitted(a1, d(2005, 3, 1), full_name="Lê Văn Đi")
    moved = member_admitted(a1, d(2006, 3, 1), full_name="Trần Văn Chuyển")
    stays = member_admitted(a1, d(2007, 3, 1), full_name="Phạm Văn Ở")
    add_event(left, MemberEvent.Kind.MOVED, d(2021, 6, 1), b1)
    add_event(moved, MemberEvent.Kind.MOVED, d(2022, 6, 1), a2)
    # Recorded by B since: the contacts of the member who left.
    member_services.update_member(
        actor=None, member=left, personal_id_number="001080099999", phone="0900000001",
        permanent_address="Nhà mới ở B",
    )  # fmt: skip
    member_services.update_member(
        actor=None, member=stays, personal_id_number="001080011111", phone="0900000002",
        permanent_address="Nhà ở A",
    )  # fmt: skip
    return {"a": a, "b1": b1, "left": left, "stays": stays}


def _csv(client, params) -> dict[str, dict[str, str]]:
    response = client.get(reverse("member-list", kwargs={"code": "A"}), {**params, "export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    return {r[rows[0].index("Họ và tên")]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}


def test_the_list_of_a_past_date_shows_that_day_and_no_personal_data_of_who_left(world, client):
    client.force_login(user_with_role(world["a"], Role.COMMITTEE_ADMIN))
    rows = _csv(client, {"on": THEN})
    assert set(rows) == {"Lê Văn Đi", "Trần Văn Chuyển", "Phạm Văn Ở"}
    gone = rows["Lê Văn Đi"]
    assert (gone["Mã chi bộ"], gone["Chi bộ"], gone["Tình trạng"]) == (
        "A1",
        "Chi bộ Một",
        "Chính thức",
    )
    assert gone["Số định danh cá nhân"] == gone["Điện thoại"] == gone["Nơi thường trú"] == ""
    assert rows["Trần Văn Chuyển"]["Mã chi bộ"] == "A1"  # moved inside A later: A1 then
    here = rows["Phạm Văn Ở"]
    assert (here["Số định danh cá nhân"], here["Điện thoại"]) == ("001080011111", "0900000002")
    # Today's list: the member who left is not in it.
    assert "Lê Văn Đi" not in _csv(client, {})

    page = client.get(reverse("member-list", kwargs={"code": "A"}), {"on": THEN}).content.decode()
    assert "Chi bộ Bên Kia" not in page
    assert "Chi bộ Một" in page
    # The page of who left is not the subtree's any more: no link to it.
    assert reverse("member-detail", kwargs={"pk": world["left"].pk}) not in page
    assert reverse("member-detail", kwargs={"pk": world["stays"].pk}) in page


def test_an_identity_number_recorded_since_does_not_find_who_left(world, client):
    client.force_login(user_with_role(world["a"], Role.COMMITTEE_ADMIN))
    assert "Lê Văn Đi" not in _csv(client, {"on": THEN, "q": "001080099999"})
    assert set(_csv(client, {"on": THEN, "q": "001080011111"})) == {"Phạm Văn Ở"}


def test_the_api_list_of_a_past_date_gives_that_days_cell_and_status(world):
    api = as_user("qt", Role.COMMITTEE_ADMIN, world["a"])
    body = api.get("/o/A/members/", {"on": "2020-06-01", "page_size": 50}).body
    items = {i["full_name"]: i for i in body["items"]}
    assert items["Lê Văn Đi"]["organization_code"] == "A1"
    assert items["Lê Văn Đi"]["organization_name"] == "Chi bộ Một"
    assert items["Lê Văn Đi"]["status"] == "OFFICIAL"
    assert items["Trần Văn Chuyển"]["organization_code"] == "A1"
    now = {i["full_name"]: i for i in api.get("/o/A/members/").body["items"]}
    assert now["Trần Văn Chuyển"]["organization_code"] == "A2"
