import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.members import restructuring, selectors, services
from dangbo.members.models import Member, MemberEvent, MemberState, Status
from dangbo.organizations import services as org_services
from dangbo.organizations.models import OrgKind

D = dt.date
pytestmark = pytest.mark.django_db


EARLY = D(1970, 1, 1)


def found(code, kind, parent=None, on=EARLY):
    return org_services.found_organization(
        actor=None, code=code, name=f"Chi bộ {code}", kind=kind, parent=parent, established_on=on
    )


@pytest.fixture
def cells():
    top = found("T", OrgKind.PROVINCIAL)
    g = found("G", OrgKind.GRASSROOTS_DANG_BO, top)
    return g, found("C1", OrgKind.DEPENDENT_CELL, g), found("C2", OrgKind.DEPENDENT_CELL, g)


def add(cell, name="Nguyễn Văn Hùng", card="10000001", **kw):
    params = {
        "admitted_on": D(2015, 3, 1),
        "official_on": D(2016, 3, 1),
        "date_of_birth": D(1985, 5, 5),
        "sex": "M",
    }
    params.update(kw)
    return services.create_member(
        actor=None, organization=cell, full_name=name, card_number=card, **params
    )


def test_create_derives_status_and_dates_from_events(cells):
    m = add(cells[1])
    assert (m.status, m.organization, m.admitted_on, m.official_on) == (
        Status.OFFICIAL,
        cells[1],
        D(2015, 3, 1),
        D(2016, 3, 1),
    )
    assert list(m.events.values_list("kind", flat=True)) == ["ADMITTED", "MADE_OFFICIAL"]
    assert m.search_name == "nguyen van hung"
    assert AuditEntry.objects.filter(action="members.created", target_id=str(m.pk)).exists()


def test_official_date_before_admission_is_refused_and_nothing_saved(cells):
    with pytest.raises(DomainError) as exc:
        add(cells[1], official_on=D(2015, 2, 1))
    assert exc.value.message_dict == {
        "official_on": ["Ngày chính thức (01/02/2015) phải sau ngày vào Đảng (01/03/2015)."]
    }
    assert Member.objects.count() == 0


def test_duplicate_card_number_is_refused(cells):
    add(cells[1])
    with pytest.raises(DomainError) as exc:
        add(cells[2], name="Lê Thị Lan", card="10000001")
    assert exc.value.message_dict == {
        "card_number": ["Số thẻ đảng viên này đã được dùng; liên hệ cấp ủy cấp trên."]
    }
    assert Member.objects.count() == 1
    # The refusal rolled its transaction back, but the attempt is logged above the holder.
    [entry] = AuditEntry.objects.filter(action="members.duplicate_refused")
    holder = Member.objects.get()
    assert (entry.target_id, entry.org_path) == (str(holder.pk), cells[1].path)
    assert entry.after == {"field": "card_number", "value": "10000001"}
    assert "Lê Thị Lan" in entry.note


def test_personal_id_must_be_twelve_digits_and_unique(cells):
    with pytest.raises(DomainError) as exc:
        add(cells[1], personal_id_number="12345")
    assert "personal_id_number" in exc.value.message_dict
    add(cells[1], personal_id_number="001085000001")
    with pytest.raises(DomainError) as exc:
        add(cells[1], name="Lê Văn B", card="10000002", personal_id_number="001085000001")
    assert "personal_id_number" in exc.value.message_dict


def test_member_cannot_join_a_dissolved_cell(cells):
    org_services.dissolve_organization(actor=None, org=cells[2], on=D(2014, 1, 1))
    with pytest.raises(DomainError) as exc:
        add(cells[2])
    assert exc.value.message_dict["organization"] == ["«Chi bộ C2» đã giải thể từ ngày 01/01/2014."]
    m = add(cells[1])
    with pytest.raises(DomainError):
        services.record_event(
            actor=None,
            member=m,
            kind=MemberEvent.Kind.MOVED,
            happened_on=D(2020, 1, 1),
            organization=cells[2],
        )
    assert m.states.count() == 2


def test_member_must_be_in_a_cell(cells):
    with pytest.raises(DomainError) as exc:
        add(cells[0])
    assert "organization" in exc.value.message_dict


def test_moving_records_an_event_and_keeps_history(cells):
    m = add(cells[1])
    services.record_event(
        actor=None,
        member=m,
        kind=MemberEvent.Kind.MOVED,
        happened_on=D(2020, 1, 1),
        organization=cells[2],
        decision_number="12-QĐ/ĐU",
    )
    m.refresh_from_db()
    assert m.organization == cells[2]
    assert selectors.members_in(cells[1], selectors.MemberFilter(on=D(2019, 12, 31))).count() == 1
    assert selectors.members_in(cells[1], selectors.MemberFilter(on=D(2020, 1, 1))).count() == 0
    assert selectors.members_in(cells[2]).count() == 1


def test_void_and_restore_an_event(cells):
    m = add(cells[1])
    event = services.record_event(
        actor=None, member=m, kind=MemberEvent.Kind.DIED, happened_on=D(2024, 1, 1)
    )
    m.refresh_from_db()
    assert m.status == Status.DECEASED
    services.void_event(actor=None, event=event, reason="Ghi nhầm người")
    m.refresh_from_db()
    assert m.status == Status.OFFICIAL
    assert MemberEvent.objects.filter(pk=event.pk).exists()  # kept, only marked
    services.restore_event(actor=None, event=event)
    m.refresh_from_db()
    assert m.status == Status.DECEASED
    # Each entry says what the member was before and after, as a recorded event does.
    voided = AuditEntry.objects.get(action="members.event_voided")
    assert voided.before["member"]["status"] == Status.DECEASED
    assert voided.after["member"]["status"] == Status.OFFICIAL
    assert voided.before["event"]["voided_at"] is None
    assert voided.after["event"]["voided_at"] is not None
    restored = AuditEntry.objects.get(action="members.event_restored")
    assert restored.before["member"]["status"] == Status.OFFICIAL
    assert restored.after["member"]["status"] == Status.DECEASED


def test_event_breaking_the_history_is_refused_without_writing(cells):
    m = add(cells[1])
    services.record_event(
        actor=None, member=m, kind=MemberEvent.Kind.DIED, happened_on=D(2024, 1, 1)
    )
    with pytest.raises(DomainError, match="từ trần"):
        services.record_event(
            actor=None, member=m, kind=MemberEvent.Kind.EXEMPTED, happened_on=D(2024, 6, 1)
        )
    assert m.events.count() == 3


def test_void_member_marks_without_deleting(cells):
    m = add(cells[1])
    services.void_member(actor=None, member=m, reason="Nhập trùng")
    assert Member.objects.filter(pk=m.pk).exists()
    assert selectors.members_in(cells[0]).count() == 0
    services.restore_member(actor=None, member=m)
    assert selectors.members_in(cells[0]).count() == 1


def test_search_is_accent_insensitive_and_order_is_vietnamese(cells):
    add(cells[1], name="Nguyễn Văn Hùng", card="1")
    add(cells[1], name="Đỗ Thị Ánh", card="2")
    add(cells[1], name="Trần An", card="3")
    add(cells[1], name="Lê Văn Đức", card="4")
    found_ = selectors.members_in(cells[0], selectors.MemberFilter(q="nguyen van hung"))
    assert [m.full_name for m in found_] == ["Nguyễn Văn Hùng"]
    assert [
        m.full_name for m in selectors.members_in(cells[0], selectors.MemberFilter(q="duc"))
    ] == ["Lê Văn Đức"]
    assert [m.full_name for m in selectors.members_in(cells[0])] == [
        "Trần An",
        "Đỗ Thị Ánh",
        "Lê Văn Đức",
        "Nguyễn Văn Hùng",
    ]


def test_search_matches_each_typed_word_at_the_start_of_a_word_of_the_name(cells):
    names = ["Nguyễn Văn An", "Nguyễn Văn Anh", "Trần Ân", "Nguyễn Văn Bình", "Lê Thị Lan",
             "Phan Văn Tú", "Nguyễn Thị An"]  # fmt: skip
    for i, name in enumerate(names):
        add(cells[1], name=name, card=str(20 + i))

    def found(q: str) -> set[str]:
        return {m.full_name for m in selectors.members_in(cells[0], selectors.MemberFilter(q=q))}

    # "an" inside "văn", "lan" or "phan" is not the start of a word.
    assert found("an") == {"Nguyễn Văn An", "Nguyễn Văn Anh", "Trần Ân", "Nguyễn Thị An"}
    assert found("nguyen van an") == {"Nguyễn Văn An", "Nguyễn Văn Anh"}
    assert found("NGUYỄN văn ÂN") == {"Nguyễn Văn An", "Nguyễn Văn Anh"}
    assert found("ph") == {"Phan Văn Tú"}
    assert found("van tu") == {"Phan Văn Tú"}
    assert found("an%") == found("_n") == set()


def test_transfer_search_matches_words_from_their_start(cells):
    from dangbo.members.transfers import start_transfer

    for i, name in enumerate(["Nguyễn Văn Bình", "Trần Ân"]):
        member = add(cells[1], name=name, card=str(30 + i))
        start_transfer(actor=None, member=member, reason="WORK_CHANGE", to_organization=cells[2],
                       triggered_on=D(2024, 5, 2))  # fmt: skip

    def found(q: str) -> list[str]:
        return [t.member.full_name for t in selectors.transfers_in(cells[0], q=q, status="all")]

    assert found("an") == ["Trần Ân"]
    assert found("binh") == ["Nguyễn Văn Bình"]


def test_age_and_party_age_filters(cells):
    add(
        cells[1],
        name="Trẻ",
        card="1",
        date_of_birth=D(1998, 1, 1),
        admitted_on=D(2020, 1, 1),
        official_on=D(2021, 1, 1),
    )
    add(
        cells[1],
        name="Già",
        card="2",
        date_of_birth=D(1950, 1, 1),
        admitted_on=D(1975, 1, 1),
        official_on=D(1976, 1, 1),
    )
    today = D(2026, 6, 1)
    young = selectors.members_in(cells[0], selectors.MemberFilter(age_max=30), today=today)
    assert [m.full_name for m in young] == ["Trẻ"]
    veteran = selectors.members_in(cells[0], selectors.MemberFilter(party_age_min=50), today=today)
    assert [m.full_name for m in veteran] == ["Già"]


def test_merge_moves_members_and_ends_the_source(cells):
    _g, c1, c2 = cells
    m = add(c1)
    restructuring.merge_organizations(
        actor=None, sources=[c1], target=c2, on=D(2022, 1, 1), decision={"number": "5-QĐ/ĐU"}
    )
    m.refresh_from_db()
    c1.refresh_from_db()
    assert m.organization == c2
    assert c1.dissolved_on == D(2022, 1, 1)
    assert MemberState.objects.filter(member=m, organization=c1, valid_until=D(2022, 1, 1)).exists()
    assert selectors.members_in(c1, selectors.MemberFilter(on=D(2021, 12, 31))).count() == 1


def test_dissolving_a_cell_with_members_is_refused_unless_they_move(cells):
    _g, c1, c2 = cells
    add(c1)
    with pytest.raises(DomainError, match="đảng viên đang sinh hoạt"):
        restructuring.dissolve_organization(actor=None, org=c1, on=D(2022, 1, 1))
    restructuring.dissolve_organization(actor=None, org=c1, on=D(2022, 1, 1), move_members_to=c2)
    assert selectors.members_in(c2).count() == 1


def test_split_distributes_members(cells):
    _g, c1, _c2 = cells
    a = add(c1, name="A", card="1")
    b = add(c1, name="B", card="2")
    new = restructuring.split_organization(
        actor=None,
        source=c1,
        on=D(2023, 1, 1),
        parts=[
            {"code": "C1A", "name": "Chi bộ 1A", "member_ids": [a.pk]},
            {"code": "C1B", "name": "Chi bộ 1B", "member_ids": [b.pk]},
        ],
    )
    assert [selectors.members_in(o).count() for o in new] == [1, 1]


def test_update_refuses_a_birth_date_making_admission_under_18(cells):
    m = add(cells[1])
    with pytest.raises(DomainError) as exc:
        services.update_member(actor=None, member=m, date_of_birth=D(2000, 1, 1))
    assert "date_of_birth" in exc.value.message_dict
    m.refresh_from_db()
    assert m.date_of_birth == D(1985, 5, 5)


@pytest.mark.parametrize(
    ("born", "refused"),
    [(D(2015, 3, 2), True), (D(1999, 3, 2), True), (D(1999, 3, 1), False)],
)
def test_an_age_exception_never_allows_an_admission_before_birth_or_16(cells, born, refused):
    """Admitted on 01/03/2015 with an exception: born the day after, or 16 the day after, is refused."""
    if refused:
        with pytest.raises(DomainError):
            add(cells[1], date_of_birth=born, admission_age_exception="Ngoại lệ thời chiến")
        assert not Member.objects.exists()
        m = add(cells[1], admission_age_exception="Ngoại lệ thời chiến")
        with pytest.raises(DomainError) as exc:
            services.update_member(actor=None, member=m, date_of_birth=born)
        assert "date_of_birth" in exc.value.message_dict
    else:
        m = add(cells[1], date_of_birth=born, admission_age_exception="Ngoại lệ thời chiến")
        assert m.status == Status.OFFICIAL


# --------------------------------------------------------------------------
# Instances loaded before another write
# --------------------------------------------------------------------------


def test_identity_save_from_a_stale_instance_keeps_what_others_wrote(cells):
    _g, c1, c2 = cells
    m = add(c1)
    stale = Member.objects.get(pk=m.pk)
    services.record_event(
        actor=None, member=Member.objects.get(pk=m.pk), kind=MemberEvent.Kind.MOVED,
        happened_on=D(2020, 1, 1), organization=c2,
    )  # fmt: skip
    services.update_member(actor=None, member=Member.objects.get(pk=m.pk), occupation="Kỹ sư")

    services.update_member(actor=None, member=stale, phone="0912345678")

    row = Member.objects.get(pk=m.pk)
    assert (row.organization_id, row.occupation, row.phone) == (c2.pk, "Kỹ sư", "0912345678")
    assert (stale.organization_id, stale.occupation) == (c2.pk, "Kỹ sư")
    entry = AuditEntry.objects.filter(action="members.updated").latest("pk")
    assert (entry.before["organization_id"], entry.before["occupation"]) == (c2.pk, "Kỹ sư")


def test_identity_save_writes_only_identity_columns(cells):
    _g, c1, _c2 = cells
    m = add(c1)
    Member.objects.filter(pk=m.pk).update(status=Status.DECEASED)

    with CaptureQueriesContext(connection) as queries:
        services.update_member(actor=None, member=m, phone="0912345678")

    (update,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert '"phone"' in update
    assert '"updated_at"' in update
    assert '"status"' not in update
    assert '"organization_id"' not in update
    assert Member.objects.get(pk=m.pk).status == Status.DECEASED  # drift is check-consistency's


def test_an_unchanged_identity_writes_nothing(cells):
    m = add(cells[1], phone="0912345678")
    entries = AuditEntry.objects.count()

    services.update_member(actor=None, member=m, phone="0912345678")

    assert AuditEntry.objects.count() == entries


def test_voiding_an_event_from_a_stale_instance_sees_the_voided_state(cells):
    m = add(cells[1])
    event = m.events.get(kind=MemberEvent.Kind.MADE_OFFICIAL)
    stale = MemberEvent.objects.get(pk=event.pk)
    services.void_event(actor=None, event=event, reason="Ghi nhầm")

    with pytest.raises(DomainError, match="đã được hủy"):
        services.void_event(actor=None, event=stale, reason="Ghi nhầm lần nữa")


def test_sqlite_takes_the_write_lock_when_a_transaction_begins():
    # lock() relies on it: SQLite has no SELECT ... FOR UPDATE.
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL locks the row itself")
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
