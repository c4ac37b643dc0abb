"""Registering members in bulk (imports): the checks of one member, without per-row waste."""

import datetime as dt

import pytest

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.members import services
from dangbo.members.models import Member

from .test_services import cells  # noqa: F401 - the fixture

D = dt.date
pytestmark = pytest.mark.django_db


def draft(cell, **identity):
    values = {"full_name": "  Nguyễn  Văn An ", "date_of_birth": D(1985, 5, 5), "sex": "M"}
    values.update(identity)
    return services.MemberDraft(
        identity=values, organization=cell, admitted_on=D(2015, 3, 1), official_on=D(2016, 3, 1),
        note="Nhập từ tệp ds.xlsx, dòng 2.",
    )  # fmt: skip


def test_check_draft_judges_the_birth_date_against_the_day_given(cells):  # noqa: F811
    _, cell, _ = cells
    born = D(1990, 1, 1)
    services.check_draft(draft(cell, date_of_birth=born), today=born)
    with pytest.raises(DomainError) as caught:
        services.check_draft(draft(cell, date_of_birth=born), today=born - dt.timedelta(days=1))
    assert caught.value.message_dict == {"date_of_birth": ["Ngày sinh không được ở tương lai."]}


@pytest.mark.parametrize(
    ("identity", "field"),
    [
        ({"sex": "X"}, "sex"),
        ({"email": "không phải thư"}, "email"),
        ({"phone": "0" * 200}, "phone"),
        ({"professional_level": "ZZ"}, "professional_level"),
        ({"full_name": ""}, "full_name"),
    ],
)
def test_check_draft_refuses_what_the_model_refuses(cells, identity, field):  # noqa: F811
    _, cell, _ = cells
    with pytest.raises(DomainError) as bulk:
        services.check_draft(draft(cell, **identity))
    # The same field and message as the model's own full_clean gives.
    member = Member(**draft(cell, **identity).identity)
    with pytest.raises(DomainError) as one:
        services._clean_identity_values(member)
    assert bulk.value.message_dict == one.value.message_dict
    assert field in bulk.value.message_dict


def test_checked_members_are_separate_and_normalised(cells):  # noqa: F811
    _, cell, _ = cells
    a = services.check_draft(draft(cell, card_number=" ab123 "))
    b = services.check_draft(draft(cell, full_name="Lê Thị Bình"))
    assert a.uid != b.uid
    assert a.full_name == "Nguyễn Văn An"
    assert a.card_number == "AB123"
    assert b.full_name == "Lê Thị Bình"
    assert b.card_number is None
    assert a.ethnicity == "01"
    assert a.religion == "00"
    assert a._state.adding
    assert a.pk is None


def test_each_registered_member_has_one_compact_audit_entry(cells):  # noqa: F811
    _, cell, _ = cells
    ids = services.register_members(
        actor=None,
        drafts=[draft(cell, card_number="10000001"), draft(cell, full_name="Lê Thị Bình")],
    )
    entries = AuditEntry.objects.filter(action="members.imported").order_by("target_id")
    assert [e.target_id for e in entries] == [str(i) for i in ids]
    first = entries[0].after
    # What was written and holds a value; nothing empty, nothing computed from the name.
    assert first["card_number"] == "10000001"
    assert first["full_name"] == "Nguyễn Văn An"
    assert first["uid"] == str(Member.objects.get(pk=ids[0]).uid)
    assert first["status"]
    assert first["organization_id"] == cell.pk
    assert first["admitted_on"] == "2015-03-01"
    assert not {"name_sort_key", "search_name", "created_at", "updated_at", "id"} & set(first)
    assert all(v not in (None, "") for v in first.values())
    assert entries[0].note == "Nhập từ tệp ds.xlsx, dòng 2."
