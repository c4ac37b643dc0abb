"""Transfers of party activity through the services: the member is never in two places or none."""

import datetime as dt
from dataclasses import dataclass

import pytest

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.members import selectors, services, transfers
from dangbo.members.models import Member, MemberEvent, MemberState, Status, Transfer
from dangbo.members.selectors import MemberFilter, members_in
from dangbo.members.striking import (
    StrikingCandidate,
    register_striking_source,
    striking_candidates,
    unregister_striking_source,
)
from dangbo.members.tests.factories import MemberFactory
from dangbo.organizations import services as org_services
from dangbo.organizations.models import Organization
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell, grassroots_cell

D = dt.date
pytestmark = pytest.mark.django_db

TRIGGERED = D(2025, 8, 1)  # the transfer decision takes effect
LETTER = D(2025, 8, 15)  # valid 30 working days: to 30/09/2025 (01 and 02/09 are holidays)
ARRIVAL = D(2025, 9, 1)


@dataclass
class World:
    top: Organization
    a: Organization
    a1: Organization
    a2: Organization
    b: Organization
    b1: Organization
    g: Organization
    member: Member


@pytest.fixture
def w():
    top = bloc(code="K", name="Đảng ủy Khối")
    a = dang_bo(top, code="A", name="Đảng bộ Công ty A")
    b = dang_bo(top, code="B", name="Đảng bộ Công ty B")
    a1 = dependent_cell(a, code="A1", name="Chi bộ A1")
    a2 = dependent_cell(a, code="A2", name="Chi bộ A2")
    b1 = dependent_cell(b, code="B1", name="Chi bộ B1")
    g = grassroots_cell(top, code="G", name="Chi bộ Trường G")
    member = MemberFactory(organization=a1, full_name="Nguyễn Văn Chuyển", card_number="11000001")
    return World(top, a, a1, a2, b, b1, g, member)


class Unchanged:
    """Counts the rows a refused write must leave as they were."""

    def __init__(self):
        self.counts = self.snapshot()

    @staticmethod
    def snapshot():
        return (
            Transfer.objects.count(), MemberEvent.objects.count(), Member.objects.count(),
            # A refused duplicate number is itself logged (for the committee above its holder).
            AuditEntry.objects.exclude(action__endswith=".duplicate_refused").count(),
            list(Transfer.objects.values_list("status", flat=True)),
        )  # fmt: skip

    def check(self):
        assert self.snapshot() == self.counts


def refusal(call, **kwargs) -> dict | list:
    guard = Unchanged()
    with pytest.raises(DomainError) as exc:
        call(actor=None, **kwargs)
    guard.check()
    return exc.value.message_dict if hasattr(exc.value, "error_dict") else exc.value.messages


def start(w, **kwargs):
    params = {"member": w.member, "reason": "WORK_CHANGE", "to_organization": w.b1,
              "triggered_on": TRIGGERED}  # fmt: skip
    params.update(kwargs)
    return transfers.start_transfer(actor=None, **params)


def in_cell(cell, on):
    return [m.full_name for m in members_in(cell, MemberFilter(on=on))]


# --------------------------------------------------------------------------
# Starting
# --------------------------------------------------------------------------


def test_an_internal_transfer_starts_waiting_for_its_letter(w):
    transfer = start(w)
    assert (transfer.kind, transfer.direction, transfer.status) == (
        "OFFICIAL",
        "INTERNAL",
        "AWAITING_LETTER",
    )
    assert (transfer.from_organization, transfer.to_organization) == (w.a1, w.b1)
    assert (
        AuditEntry.objects.filter(
            action="members.transfer_started", target_id=str(transfer.pk)
        ).count()
        == 1
    )
    w.member.refresh_from_db()
    assert w.member.organization == w.a1  # nothing moves before the receiving cell takes him in


def test_a_second_open_transfer_of_the_same_member_is_refused(w):
    start(w)
    assert refusal(transfers.start_transfer, member=w.member, reason="RESIDENCE",
                   to_organization=w.a2, triggered_on=TRIGGERED) == [
        "Đồng chí Nguyễn Văn Chuyển đang có một lần chuyển sinh hoạt đảng chưa xong (chờ giấy "
        "giới thiệu, nơi đến: Chi bộ B1): hoàn thành hoặc hủy bỏ lần đó trước."
    ]  # fmt: skip


def test_the_destination_must_be_an_open_cell_other_than_his_own(w):
    org_services.dissolve_organization(actor=None, org=w.a2, on=D(2024, 1, 1))
    w.a2.refresh_from_db()
    base = {"member": w.member, "reason": "WORK_CHANGE", "triggered_on": TRIGGERED}
    assert refusal(transfers.start_transfer, to_organization=w.b, **base) == {
        "to_organization": [
            "«Đảng bộ Công ty B» không phải là chi bộ: đảng viên sinh hoạt tại chi bộ cơ sở hoặc "
            "chi bộ trực thuộc."
        ]
    }
    assert refusal(transfers.start_transfer, to_organization=w.a2, **base) == {
        "to_organization": ["«Chi bộ A2» đã giải thể từ ngày 01/01/2024."]
    }
    assert refusal(transfers.start_transfer, to_organization=w.a1, **base) == {
        "to_organization": ["Đồng chí Nguyễn Văn Chuyển đang sinh hoạt tại «Chi bộ A1»."]
    }
    assert refusal(transfers.start_transfer, **base) == {
        "to_organization": [
            "Cần chọn chi bộ nơi đến trong hệ thống hoặc ghi tổ chức đảng nơi đến ngoài hệ thống."
        ]
    }


def test_a_member_no_longer_in_the_party_is_not_transferred(w):
    services.record_event(
        actor=None, member=w.member, kind=MemberEvent.Kind.DIED, happened_on=D(2025, 5, 1)
    )
    w.member.refresh_from_db()
    assert refusal(transfers.start_transfer, member=w.member, reason="WORK_CHANGE",
                   to_organization=w.b1, triggered_on=TRIGGERED) == [
        "Đồng chí Nguyễn Văn Chuyển không còn sinh hoạt đảng trong hệ thống (từ trần): không "
        "chuyển sinh hoạt đảng được."
    ]  # fmt: skip


def test_the_triggering_date_is_required(w):
    assert refusal(
        transfers.start_transfer, member=w.member, reason="WORK_CHANGE", to_organization=w.b1,
        triggered_on=None,
    ) == {"triggered_on": [
        "Cần ghi ngày quyết định (chuyển công tác, nghỉ hưu, xuất ngũ...) có hiệu lực hoặc ngày "
        "chuyển nơi ở: thời hạn 60 ngày làm việc tính từ ngày đó."
    ]}  # fmt: skip


# --------------------------------------------------------------------------
# The letter and the arrival (internal)
# --------------------------------------------------------------------------


def issue(transfer, **kwargs):
    params = {"letter_number": "15-GGT/ĐU", "letter_on": LETTER, "letter_issuer": "Đảng ủy Khối"}
    params.update(kwargs)
    return transfers.issue_transfer_letter(actor=None, transfer=transfer, **params)


def test_the_letter_makes_an_internal_transfer_wait_for_the_receiving_cell(w):
    transfer = issue(start(w))
    assert transfer.status == Transfer.Status.AWAITING_ARRIVAL
    assert transfer.event is None
    assert w.member.events.count() == 2  # admitted, official: no move yet


def test_a_letter_after_the_60_working_days_needs_an_explanation(w):
    transfer = start(w)
    # 60 working days from 01/08/2025 end on 28/10/2025 (01 and 02/09 are holidays).
    assert refusal(
        transfers.issue_transfer_letter, transfer=transfer, letter_number="20-GGT/ĐUK",
        letter_on=D(2025, 10, 29), letter_issuer="Đảng ủy Khối",
    ) == {"start_late_explanation": [
        "Giấy giới thiệu ngày 29/10/2025 quá hạn: đảng viên phải làm thủ tục chuyển sinh hoạt "
        "đảng trong 60 ngày làm việc kể từ ngày 01/08/2025, tức đến hết ngày 28/10/2025. Ghi "
        "giải trình lý do chậm (Quy định 294-QĐ/TW, mục 6.3.1)."
    ]}  # fmt: skip
    transfer.refresh_from_db()
    issue(transfer, letter_on=D(2025, 10, 28))


def test_the_letter_needs_its_date_and_issuer_and_its_number_comes_from_the_register(w):
    transfer = start(w)
    assert refusal(
        transfers.issue_transfer_letter,
        transfer=transfer,
        letter_number=" ",
        letter_on=None,
        letter_issuer="",
    ) == {  # a blank number is the next one of the issuing committee's register
        "letter_on": ["Cần ghi ngày giới thiệu."],
        "letter_issuer": [
            "Cần ghi cấp ủy giới thiệu sinh hoạt đảng (Quy định 294-QĐ/TW, mục 6.3.1: cấp ủy cấp "
            "trên trực tiếp khi chuyển ra ngoài phạm vi của cấp đó)."
        ],
    }


def test_the_member_is_in_the_old_cell_the_day_before_arrival_and_in_the_new_one_that_day(w):
    transfer = issue(start(w))
    transfer = transfers.confirm_arrival(actor=None, transfer=transfer, received_on=ARRIVAL)
    assert transfer.status == Transfer.Status.COMPLETED
    assert transfer.event.kind == MemberEvent.Kind.MOVED
    day_before = ARRIVAL - dt.timedelta(days=1)
    assert in_cell(w.a1, day_before) == ["Nguyễn Văn Chuyển"]
    assert in_cell(w.b1, day_before) == []
    assert in_cell(w.a1, ARRIVAL) == []
    assert in_cell(w.b1, ARRIVAL) == ["Nguyễn Văn Chuyển"]
    # Never in two places or none: the periods meet on the arrival day.
    states = list(MemberState.objects.filter(member=w.member).order_by("valid_from"))
    assert [(s.organization_id, s.valid_from, s.valid_until) for s in states[-2:]] == [
        (w.a1.pk, D(2011, 3, 1), ARRIVAL), (w.b1.pk, ARRIVAL, None),
    ]  # fmt: skip
    assert (
        AuditEntry.objects.filter(
            action="members.transfer_arrived", target_id=str(transfer.pk)
        ).count()
        == 1
    )


@pytest.mark.parametrize(
    ("received_on", "refused"),
    [(D(2025, 9, 29), False), (D(2025, 9, 30), False), (D(2025, 10, 1), True)],
)
def test_qd_294_6_3_1_arrival_after_30_working_days_needs_an_explanation(w, received_on, refused):
    transfer = issue(start(w))
    if refused:
        assert refusal(transfers.confirm_arrival, transfer=transfer, received_on=received_on) == {
            "late_explanation": [
                "Đảng viên xuất trình giấy giới thiệu ngày 01/10/2025, quá 30 ngày làm việc kể "
                "từ ngày giới thiệu 15/08/2025 (hạn đến hết ngày 30/09/2025). Ghi giải trình của "
                "đảng viên hoặc tổ chức có trách nhiệm (Quy định 294-QĐ/TW, mục 6.3.1)."
            ]
        }
        transfer.refresh_from_db()
        transfer = transfers.confirm_arrival(
            actor=None, transfer=transfer, received_on=received_on,
            late_explanation="Đảng viên nằm viện.",
        )  # fmt: skip
        assert transfer.late_explanation == "Đảng viên nằm viện."
    else:
        transfers.confirm_arrival(actor=None, transfer=transfer, received_on=received_on)
    w.member.refresh_from_db()
    assert w.member.organization == w.b1


def test_an_arrival_is_only_confirmed_once_the_letter_is_issued(w):
    transfer = start(w)
    assert refusal(transfers.confirm_arrival, transfer=transfer, received_on=ARRIVAL) == [
        "Chỉ xác nhận tiếp nhận lần chuyển sinh hoạt đảng trong hệ thống đã có giấy giới thiệu "
        "(lần này: chờ giấy giới thiệu)."
    ]


def test_an_arrival_into_a_cell_dissolved_meanwhile_is_refused_on_the_arrival_date(w):
    transfer = issue(start(w))
    org_services.dissolve_organization(actor=None, org=w.b1, on=D(2025, 8, 20))
    transfer.refresh_from_db()
    transfer.to_organization.refresh_from_db()
    assert refusal(transfers.confirm_arrival, transfer=transfer, received_on=ARRIVAL) == {
        "received_on": ["«Chi bộ B1» đã giải thể từ ngày 20/08/2025."]
    }


# --------------------------------------------------------------------------
# Outgoing and incoming
# --------------------------------------------------------------------------


def test_an_outgoing_transfer_leaves_the_count_on_the_letter_date(w):
    transfer = start(w, to_organization=None, other_party="Đảng bộ xã Hòa Bình, tỉnh Phú Thọ")
    assert transfer.direction == Transfer.Direction.OUTGOING
    transfer = issue(transfer)
    assert transfer.status == Transfer.Status.COMPLETED
    event = transfer.event
    assert (event.kind, event.happened_on, event.other_party, event.decision_number) == (
        "TRANSFERRED_OUT", LETTER, "Đảng bộ xã Hòa Bình, tỉnh Phú Thọ", "15-GGT/ĐU",
    )  # fmt: skip
    assert in_cell(w.a1, LETTER - dt.timedelta(days=1)) == ["Nguyễn Văn Chuyển"]
    assert in_cell(w.a1, LETTER) == []
    w.member.refresh_from_db()
    assert w.member.status == Status.TRANSFERRED_OUT


INCOMING = {
    "received_on": D(2025, 9, 3), "other_party": "Đảng bộ phường Láng, Hà Nội",
    "reason": "WORK_CHANGE", "letter_number": "88-GGT/ĐU", "letter_on": D(2025, 8, 20),
    "letter_issuer": "Đảng ủy phường Láng",
}  # fmt: skip


def test_a_new_member_from_outside_gets_a_record_admitted_elsewhere(w):
    transfer = transfers.receive_from_outside(
        actor=None, organization=w.a2, admitted_on=D(2012, 5, 19), official_on=D(2013, 5, 19),
        full_name="Lê Thị Đến", date_of_birth=D(1988, 2, 3), sex="F", card_number="22000002",
        **INCOMING,
    )  # fmt: skip
    member = transfer.member
    member.refresh_from_db()
    assert (member.status, member.organization, member.admitted_on) == (
        "OFFICIAL",
        w.a2,
        D(2012, 5, 19),
    )
    assert [(e.kind, e.organization_id) for e in member.events.order_by("happened_on")] == [
        ("ADMITTED", None), ("MADE_OFFICIAL", None), ("TRANSFERRED_IN", w.a2.pk),
    ]  # fmt: skip
    assert transfer.member_created
    assert (transfer.direction, transfer.status) == ("INCOMING", "COMPLETED")
    assert in_cell(w.a2, D(2025, 9, 2)) == []
    assert in_cell(w.a2, D(2025, 9, 3)) == ["Lê Thị Đến"]
    assert selectors.party_age_years(member, D(2025, 9, 3)) == 13


def test_a_member_who_left_comes_back_on_the_same_record(w):
    outgoing = issue(start(w, to_organization=None, other_party="Đảng bộ tỉnh khác"))
    assert outgoing.status == Transfer.Status.COMPLETED
    transfer = transfers.receive_from_outside(
        actor=None, organization=w.g, full_name="Nguyễn Văn Chuyển", date_of_birth=D(1980, 5, 17),
        sex="M", card_number="11000001", **INCOMING,
    )  # fmt: skip
    assert transfer.member == w.member
    assert not transfer.member_created
    w.member.refresh_from_db()
    assert (w.member.status, w.member.organization) == ("OFFICIAL", w.g)


NEUTRAL_CARD = {"card_number": ["Số thẻ đảng viên này đã được dùng; liên hệ cấp ủy cấp trên."]}


def test_the_card_of_a_member_active_here_is_not_taken_in_from_outside(w):
    assert refusal(
        transfers.receive_from_outside, organization=w.g, full_name="Nguyễn Văn Chuyển",
        date_of_birth=D(1980, 5, 17), sex="M", card_number="11000001", **INCOMING,
    ) == NEUTRAL_CARD  # fmt: skip
    # Another name, another birth date, or the number alone: the very same answer, so the
    # message confirms nothing about the holder (name, birth date, status).
    for identity in (
        {"full_name": "Người Khác", "date_of_birth": D(1980, 5, 17)},
        {"full_name": "Nguyễn Văn Chuyển", "date_of_birth": D(1981, 1, 1)},
        {"full_name": "", "date_of_birth": None},
    ):
        assert refusal(
            transfers.receive_from_outside, organization=w.g, sex="M", card_number="11000001",
            **identity, **INCOMING,
        ) == NEUTRAL_CARD  # fmt: skip
    entries = AuditEntry.objects.filter(action="members.duplicate_refused")
    assert entries.count() == 4
    assert {e.org_path for e in entries} == {w.a1.path}
    assert {e.target_id for e in entries} == {str(w.member.pk)}


def test_a_member_who_left_is_not_confirmed_by_a_card_number_alone(w):
    issue(start(w, to_organization=None, other_party="Đảng bộ tỉnh khác"))
    for identity in (
        {"full_name": "Người Khác", "date_of_birth": D(1980, 5, 17)},
        {"full_name": "Nguyễn Văn Chuyển", "date_of_birth": D(1981, 1, 1)},
        {"full_name": "", "date_of_birth": None},
    ):
        assert refusal(
            transfers.receive_from_outside, organization=w.g, sex="M", card_number="11000001",
            admitted_on=D(2010, 1, 1), **identity, **INCOMING,
        ) == NEUTRAL_CARD  # fmt: skip
    w.member.refresh_from_db()
    assert w.member.status == Status.TRANSFERRED_OUT
    # Logged under the cell the member last belonged to, for the committees above it.
    assert set(
        AuditEntry.objects.filter(action="members.duplicate_refused").values_list(
            "org_path", flat=True
        )
    ) == {w.a1.path}


def test_a_new_member_needs_the_admission_date_and_a_late_letter_an_explanation(w):
    identity = {"full_name": "Lê Thị Đến", "date_of_birth": D(1988, 2, 3), "sex": "F"}
    assert refusal(transfers.receive_from_outside, organization=w.a2, **identity, **INCOMING) == {
        "admitted_on": ["Cần ghi ngày vào Đảng (theo giấy giới thiệu, thẻ đảng viên)."]
    }
    late = {**INCOMING, "received_on": D(2025, 10, 15)}
    assert list(
        refusal(transfers.receive_from_outside, organization=w.a2, admitted_on=D(2012, 5, 19),
                **identity, **late)
    ) == ["late_explanation"]  # fmt: skip


# --------------------------------------------------------------------------
# Cancelling and voiding
# --------------------------------------------------------------------------


def test_a_cancelled_transfer_leaves_the_member_where_he_is(w):
    transfer = transfers.cancel_transfer(
        actor=None, transfer=issue(start(w)), reason="Không chuyển nữa"
    )
    assert (transfer.status, transfer.cancel_reason) == ("CANCELLED", "Không chuyển nữa")
    assert refusal(transfers.cancel_transfer, transfer=transfer, reason="x") == [
        "Chỉ hủy bỏ lần chuyển sinh hoạt đảng chính thức chưa hoàn thành (lần này: đã hủy bỏ)."
    ]
    start(w, to_organization=w.a2)  # a new transfer may start


def test_voiding_a_completed_transfer_voids_the_move_it_wrote(w):
    transfer = transfers.confirm_arrival(actor=None, transfer=issue(start(w)), received_on=ARRIVAL)
    transfers.void_transfer(actor=None, transfer=transfer, reason="Ghi nhầm người")
    transfer.event.refresh_from_db()
    assert transfer.event.voided_at is not None
    w.member.refresh_from_db()
    assert w.member.organization == w.a1
    assert refusal(transfers.void_transfer, transfer=transfer, reason="x") == [
        "Lần chuyển sinh hoạt đảng này đã được hủy."
    ]


def test_voiding_an_incoming_transfer_voids_the_record_it_created(w):
    transfer = transfers.receive_from_outside(
        actor=None, organization=w.a2, admitted_on=D(2012, 5, 19), full_name="Lê Thị Đến",
        date_of_birth=D(1988, 2, 3), sex="F", **INCOMING,
    )  # fmt: skip
    transfers.void_transfer(actor=None, transfer=transfer, reason="Nhập trùng")
    transfer.member.refresh_from_db()
    assert transfer.member.is_voided
    assert members_in(w.a2).count() == 0


# --------------------------------------------------------------------------
# Temporary transfers
# --------------------------------------------------------------------------


def test_a_temporary_member_stays_counted_at_home(w):
    transfer = transfers.start_temporary_transfer(
        actor=None, member=w.member, reason="STUDY", to_organization=w.g,
        planned_from=D(2025, 9, 5), planned_until=D(2026, 6, 30),
    )  # fmt: skip
    assert (transfer.kind, transfer.status) == ("TEMPORARY", "ACTIVE")
    assert in_cell(w.a1, D(2025, 10, 1)) == ["Nguyễn Văn Chuyển"]
    assert in_cell(w.g, D(2025, 10, 1)) == []
    assert [t.member.full_name for t in selectors.temporary_members_in(w.g)] == [
        "Nguyễn Văn Chuyển"
    ]
    assert list(selectors.temporary_members_in(w.a)) == []
    assert w.member.events.count() == 2
    ended = transfers.end_temporary_transfer(
        actor=None, transfer=transfer, returned_on=D(2026, 6, 28)
    )
    assert (ended.status, ended.returned_on) == ("ENDED", D(2026, 6, 28))
    assert list(selectors.temporary_members_in(w.g)) == []


def test_a_temporary_transfer_outside_its_length_needs_a_special_case(w):
    assert refusal(
        transfers.start_temporary_transfer, member=w.member, reason="WORK_CHANGE",
        to_organization=w.g, planned_from=D(2025, 9, 5), planned_until=D(2025, 11, 5),
    ) == {"special_case_ground": [
        "Sinh hoạt đảng tạm thời từ 3 tháng trở lên; từ 05/09/2025 đến 05/11/2025 chưa đủ 3 "
        "tháng. Ngoài thời hạn này chỉ là trường hợp đặc biệt do Ban Bí thư quy định: ghi căn cứ "
        "(Quy định 294-QĐ/TW, mục 6.3)."
    ]}  # fmt: skip


def test_a_return_before_the_start_is_refused(w):
    transfer = transfers.start_temporary_transfer(
        actor=None, member=w.member, reason="RESIDENCE", other_party="Chi bộ thôn X, xã Y",
        planned_from=D(2025, 9, 5), planned_until=D(2026, 3, 5),
    )  # fmt: skip
    assert transfer.direction == Transfer.Direction.OUTGOING
    assert refusal(
        transfers.end_temporary_transfer, transfer=transfer, returned_on=D(2025, 9, 4)
    ) == {
        "returned_on": [
            "Ngày trở về (04/09/2025) không thể trước ngày bắt đầu sinh hoạt tạm thời (05/09/2025)."
        ]
    }


# --------------------------------------------------------------------------
# Deadlines for the radar
# --------------------------------------------------------------------------


def test_transfer_deadlines_under_a_subtree_include_the_overdue_ones(w):
    other = MemberFactory(organization=w.a2, full_name="Trần Thị Đi", card_number="11000002")
    third = MemberFactory(organization=w.b1, full_name="Phạm Văn Tạm", card_number="11000003")
    start(w)  # due 28/10/2025
    waiting_arrival = issue(transfers.start_transfer(
        actor=None, member=other, reason="RESIDENCE", to_organization=w.b1, triggered_on=D(2025, 8, 10),
    ))  # fmt: skip
    transfers.start_temporary_transfer(
        actor=None, member=third, reason="WORK_CHANGE", to_organization=w.a1,
        planned_from=D(2025, 9, 1), planned_until=D(2026, 2, 1),
    )  # fmt: skip
    today = D(2025, 10, 1)
    deadlines = selectors.transfer_deadlines_under(w.a, today, D(2026, 3, 1))
    assert [(d.kind, d.subject, d.due_on, d.organization_name) for d in deadlines] == [
        ("members.transfer_arrival", "Trần Thị Đi", D(2025, 9, 30), "Chi bộ A2"),
        ("members.transfer_start", "Nguyễn Văn Chuyển", D(2025, 10, 28), "Chi bộ A1"),
        ("members.temporary_return", "Phạm Văn Tạm", D(2026, 2, 1), "Chi bộ A1"),
    ]
    arrival = deadlines[0]
    assert arrival.is_overdue(today)
    assert arrival.rule == "Quy định 294-QĐ/TW, mục 6.3.1"
    assert arrival.url == f"/transfers/{waiting_arrival.pk}/"
    assert arrival.detail == (
        "Giấy giới thiệu số 15-GGT/ĐU ngày 15/08/2025; từ Chi bộ A2 đến Chi bộ B1"
    )
    # The receiving side sees the arrival on its own cell; the limits after ``until`` wait.
    at_b = selectors.transfer_deadlines_under(w.b, today, D(2025, 10, 1))
    assert [(d.kind, d.organization_name) for d in at_b] == [
        ("members.transfer_arrival", "Chi bộ B1")
    ]


def test_done_and_cancelled_transfers_have_no_deadline(w):
    transfers.cancel_transfer(actor=None, transfer=start(w), reason="Không chuyển")
    assert selectors.transfer_deadlines_under(w.top, D(2025, 10, 1), D(2030, 1, 1)) == []


# --------------------------------------------------------------------------
# The striking-off candidates hook
# --------------------------------------------------------------------------


def test_striking_candidates_gather_the_sources_within_the_subtree(w):
    outsider = MemberFactory(organization=w.b1, full_name="Đỗ Văn Ngoài", card_number="11000009")

    def unpaid_dues(org, on):
        return [
            StrikingCandidate(w.member, "MISSED_ACTIVITY_OR_DUES", "Không đóng đảng phí 4 tháng"),
            StrikingCandidate(w.member, "MISSED_ACTIVITY_OR_DUES", "trùng"),
            StrikingCandidate(outsider, "MISSED_ACTIVITY_OR_DUES", "ngoài cây"),
        ]

    assert striking_candidates(w.a, D(2025, 10, 1)) == []
    register_striking_source(unpaid_dues)
    try:
        found = striking_candidates(w.a, D(2025, 10, 1))
        assert [(c.member, c.ground_code, c.detail, c.source) for c in found] == [
            (w.member, "MISSED_ACTIVITY_OR_DUES", "Không đóng đảng phí 4 tháng", "unpaid_dues")
        ]
        assert found[0].ground_label.startswith("Bỏ sinh hoạt đảng hoặc không đóng đảng phí")
    finally:
        unregister_striking_source(unpaid_dues)


# --------------------------------------------------------------------------
# A transfer loaded before another write
# --------------------------------------------------------------------------


def test_a_stale_transfer_completed_meanwhile_is_not_cancelled(w):
    transfer = issue(start(w))
    stale = Transfer.objects.get(pk=transfer.pk)
    transfers.confirm_arrival(actor=None, transfer=transfer, received_on=ARRIVAL)

    assert refusal(transfers.cancel_transfer, transfer=stale, reason="Không chuyển nữa") == [
        "Chỉ hủy bỏ lần chuyển sinh hoạt đảng chính thức chưa hoàn thành (lần này: đã hoàn thành)."
    ]
    w.member.refresh_from_db()
    assert w.member.organization == w.b1


def test_calendars_share_the_installations_and_keep_a_committees_own_days(
    w, django_assert_max_num_queries
):
    from dangbo.regulations.models import CalendarDay

    on = dt.date(2026, 3, 9)
    CalendarDay.objects.create(day=dt.date(2026, 3, 10), name="Nghỉ riêng", organization=w.a)
    calendars = selectors.Calendars()
    own = calendars.around(w.a1, on)
    assert not own.is_working_day(dt.date(2026, 3, 10))
    shared = calendars.around(w.b1, on)
    assert shared.is_working_day(dt.date(2026, 3, 10))
    # Every other organization without days of its own gets the one installation calendar.
    with django_assert_max_num_queries(0):
        assert calendars.around(w.g, on) is shared
        assert calendars.around(w.top, on) is shared
        assert calendars.around(None, on) is shared
    assert not calendars.around(w.a2, on).is_working_day(dt.date(2026, 3, 10))
