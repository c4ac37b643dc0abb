"""Cells with the same name are named with their parent outside their own page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangbo.accounts.models import Role
from dangbo.accounts.services import issue_token
from dangbo.accounts.tests.factories import user_with_role
from dangbo.members.forms import CellChoiceField, cells_within
from dangbo.members.tests.factories import MemberFactory
from dangbo.organizations.models import Organization
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell

pytestmark = pytest.mark.django_db

ONE = "Chi bộ Văn phòng – Đảng bộ Công ty Một"
TWO = "Chi bộ Văn phòng – Đảng bộ Công ty Hai"


@pytest.fixture
def twins():
    top = bloc(code="KHOI", name="Đảng ủy Khối Doanh nghiệp")
    one = dependent_cell(dang_bo(top, code="DB1", name="Đảng bộ Công ty Một"), code="VP1",
                         name="Chi bộ Văn phòng")  # fmt: skip
    two = dependent_cell(dang_bo(top, code="DB2", name="Đảng bộ Công ty Hai"), code="VP2",
                         name="Chi bộ Văn phòng")  # fmt: skip
    return top, one, two


def test_the_label_names_the_parent_without_a_query_when_it_came_along(twins):
    _top, one, _two = twins
    cell = Organization.objects.select_related("parent").get(pk=one.pk)
    with CaptureQueriesContext(connection) as queries:
        assert cell.label == ONE
    assert len(queries) == 0
    top = Organization.objects.get(code="KHOI")
    assert top.label == "Đảng ủy Khối Doanh nghiệp"  # the root has no parent to name


def test_the_member_list_names_each_cell_with_its_parent_in_a_fixed_number_of_queries(
    client, twins
):
    top, one, two = twins
    MemberFactory(organization=one, full_name="Nguyễn Văn An")
    client.force_login(user_with_role(top, Role.COMMITTEE_ADMIN))
    # The first page after signing in also starts the session's lifetime (one write): not counted.
    client.get("/o/KHOI/")
    with CaptureQueriesContext(connection) as few:
        page = client.get("/o/KHOI/members/").content.decode()
    assert ONE in page
    for i in range(5):
        MemberFactory(organization=two, full_name=f"Trần Văn B{i}")
    with CaptureQueriesContext(connection) as more:
        page = client.get("/o/KHOI/members/").content.decode()
    assert TWO in page
    assert len(more) == len(few)


def test_the_api_gives_the_label_beside_the_name(client, twins):
    top, one, _two = twins
    MemberFactory(organization=one, full_name="Nguyễn Văn An")
    user = user_with_role(top, Role.COMMITTEE_ADMIN)
    token = issue_token(actor=user, user=user, name="tích hợp")[1]
    body = client.get("/api/v1/o/KHOI/members/", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    [member] = body["items"]
    assert (member["organization_name"], member["organization_label"]) == ("Chi bộ Văn phòng", ONE)


def test_a_cell_choice_names_the_parent(twins):
    top, _one, _two = twins
    field = CellChoiceField(queryset=cells_within([top.path]))
    labels = [label for value, label in field.choices if value]
    assert f"{ONE} (VP1)" in labels
    assert f"{TWO} (VP2)" in labels
