"""Striking off, expulsion, exemption and death recorded through ``services.record_event``."""

import datetime as dt

import pytest

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.members import selectors, services
from dangbo.members.models import MemberEvent, Status
from dangbo.members.tests.factories import MemberFactory
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell
from dangbo.regulations.models import Setting

D = dt.date
Kind = MemberEvent.Kind
pytestmark = pytest.mark.django_db

DECISION = {
    "decision_number": "45-QĐ/ĐU",
    "decision_signed_on": D(2025, 9, 1),
    "decision_issuer": "Đảng ủy Công ty A",
}


@pytest.fixture
def cell():
    return dependent_cell(dang_bo(bloc(code="K"), code="A"), code="A1", name="Chi bộ A1")


def refused(member, **kwargs) -> dict:
    events, audits = member.events.count(), AuditEntry.objects.count()
    with pytest.raises(DomainError) as exc:
        services.record_event(actor=None, member=member, **kwargs)
    member.refresh_from_db()
    assert member.events.count() == events
    assert AuditEntry.objects.count() == audits
    return exc.value.message_dict


def test_striking_off_without_ground_or_decision_is_refused_field_by_field(cell):
    member = MemberFactory(organization=cell)
    assert refused(member, kind=Kind.STRUCK_OFF, happened_on=D(2025, 9, 1)) == {
        "reason_code": [
            "Cần chọn lý do xóa tên (Quy định 294-QĐ/TW, mục 8.1; Điều lệ Đảng, Điều 5 khoản 2 "
            "và Điều 8 khoản 3)."
        ],
        "decision_number": [
            "Cần ghi số quyết định xóa tên của cấp ủy có thẩm quyền (Quy định 294-QĐ/TW, mục 8.1)."
        ],
        "decision_signed_on": ["Cần ghi ngày ký quyết định xóa tên."],
        "decision_issuer": ["Cần ghi cấp ủy ra quyết định xóa tên."],
    }
    assert member.status == Status.OFFICIAL


def test_striking_off_with_its_ground_and_decision_is_recorded(cell):
    member = MemberFactory(organization=cell)
    event = services.record_event(
        actor=None, member=member, kind=Kind.STRUCK_OFF, happened_on=D(2025, 9, 1),
        reason_code=MemberEvent.Reason.MISSED_ACTIVITY_OR_DUES, **DECISION,
    )  # fmt: skip
    member.refresh_from_db()
    assert member.status == Status.STRUCK_OFF
    assert event.get_reason_code_display() == (
        "Bỏ sinh hoạt đảng hoặc không đóng đảng phí 3 tháng trong năm không có lý do chính đáng"
    )


def test_probation_not_recognised_strikes_only_a_probationer(cell):
    official = MemberFactory(organization=cell)
    assert refused(
        official, kind=Kind.STRUCK_OFF, happened_on=D(2025, 9, 1),
        reason_code=MemberEvent.Reason.PROBATION_NOT_RECOGNISED, **DECISION,
    )["reason_code"] == [
        "Lý do «Đảng viên dự bị không đủ điều kiện công nhận chính thức» chỉ áp dụng cho đảng "
        "viên dự bị; ngày 01/09/2025 đồng chí không phải đảng viên dự bị (Điều lệ Đảng, Điều 5 "
        "khoản 2)."
    ]  # fmt: skip
    probationer = MemberFactory(
        organization=cell, admitted_on=D(2024, 8, 1), official_on=None, full_name="Lê Văn Dự Bị"
    )
    services.record_event(
        actor=None, member=probationer, kind=Kind.STRUCK_OFF, happened_on=D(2025, 9, 1),
        reason_code=MemberEvent.Reason.PROBATION_NOT_RECOGNISED, **DECISION,
    )  # fmt: skip
    probationer.refresh_from_db()
    assert probationer.status == Status.STRUCK_OFF


def test_a_striking_off_of_old_history_is_recorded_as_given(cell):
    member = MemberFactory(organization=cell)
    services.record_event(
        actor=None, member=member, kind=Kind.STRUCK_OFF, happened_on=D(2013, 3, 1)
    )
    member.refresh_from_db()
    assert member.status == Status.STRUCK_OFF


def test_expulsion_needs_the_discipline_decision_and_an_official_member(cell):
    member = MemberFactory(organization=cell)
    assert refused(member, kind=Kind.EXPELLED, happened_on=D(2025, 9, 1)) == {
        "decision_number": [
            "Khai trừ là hình thức kỷ luật: cần ghi số quyết định kỷ luật khai trừ (Điều lệ Đảng, "
            "Điều 35)."
        ],
        "decision_signed_on": ["Cần ghi ngày ký quyết định khai trừ."],
        "decision_issuer": ["Cần ghi tổ chức đảng hoặc ủy ban kiểm tra ra quyết định khai trừ."],
    }
    probationer = MemberFactory(
        organization=cell, admitted_on=D(2025, 1, 10), official_on=None, full_name="Lê Văn Mới"
    )
    assert refused(probationer, kind=Kind.EXPELLED, happened_on=D(2025, 9, 1), **DECISION) == {
        "kind": [
            "Đảng viên dự bị chỉ bị kỷ luật khiển trách hoặc cảnh cáo, không bị khai trừ (Điều lệ "
            "Đảng, Điều 35; Quy định 69-QĐ/TW, Điều 7)."
        ]
    }
    services.record_event(
        actor=None, member=member, kind=Kind.EXPELLED, happened_on=D(2025, 9, 1), **DECISION
    )
    member.refresh_from_db()
    assert member.status == Status.EXPELLED


@pytest.mark.parametrize(
    ("on", "accepted"), [(D(2025, 8, 31), False), (D(2025, 9, 1), True), (D(2025, 9, 2), True)]
)
def test_exemption_for_old_age_from_60_for_a_man(cell, on, accepted):
    member = MemberFactory(organization=cell, date_of_birth=D(1965, 9, 1))
    kwargs = {"kind": Kind.EXEMPTED, "happened_on": on, "reason_code": MemberEvent.Reason.OLD_AGE}
    if accepted:
        services.record_event(actor=None, member=member, **kwargs)
        member.refresh_from_db()
        assert member.status == Status.EXEMPTED
    else:
        assert refused(member, **kwargs) == {
            "reason_code": [
                "Căn cứ tuổi cao: đảng viên nam từ đủ 60 tuổi (Hướng dẫn 27-HD/BTCTW ngày "
                "26/03/2009); ngày 31/08/2025 đồng chí mới 59 tuổi."
            ]
        }


def test_the_old_age_of_the_exemption_is_a_setting_of_the_committee(cell):
    member = MemberFactory(organization=cell, date_of_birth=D(1963, 1, 1))
    Setting.objects.create(
        key="members.exemption_old_age", organization=cell.parent, value={"M": 65, "F": 60},
        effective_on=D(2020, 1, 1),
    )  # fmt: skip
    assert refused(member, kind=Kind.EXEMPTED, happened_on=D(2025, 9, 1), reason_code="OLD_AGE")[
        "reason_code"
    ][0].startswith("Căn cứ tuổi cao: đảng viên nam từ đủ 65 tuổi")


def test_exemption_for_frail_health_needs_the_medical_ground_and_ends_on_request(cell):
    member = MemberFactory(organization=cell)
    assert refused(
        member, kind=Kind.EXEMPTED, happened_on=D(2025, 9, 1), reason_code="FRAIL_HEALTH"
    ) == {
        "grounds": [
            "Căn cứ sức khỏe yếu: ghi bệnh phải điều trị dài ngày (từ 3 tháng trở lên) hoặc hồ "
            "sơ bệnh án (Hướng dẫn 27-HD/BTCTW ngày 26/03/2009)."
        ]
    }
    services.record_event(
        actor=None, member=member, kind=Kind.EXEMPTED, happened_on=D(2025, 9, 1),
        reason_code="FRAIL_HEALTH", grounds="Điều trị dài ngày từ 03/2025",
    )  # fmt: skip
    services.record_event(
        actor=None, member=member, kind=Kind.EXEMPTION_ENDED, happened_on=D(2026, 3, 1)
    )
    member.refresh_from_db()
    assert member.status == Status.OFFICIAL


def test_a_ground_that_does_not_belong_to_the_event_is_refused(cell):
    member = MemberFactory(organization=cell)
    assert refused(member, kind=Kind.DIED, happened_on=D(2025, 9, 1), reason_code="OLD_AGE") == {
        "reason_code": ["Lý do «Tuổi cao» không dùng cho sự kiện «Từ trần»."]
    }


def test_nothing_is_recorded_after_death(cell):
    member = MemberFactory(organization=cell)
    services.record_event(actor=None, member=member, kind=Kind.DIED, happened_on=D(2025, 9, 1))
    assert refused(
        member, kind=Kind.EXEMPTED, happened_on=D(2025, 10, 1), reason_code="FRAIL_HEALTH",
        grounds="x",
    ) == {"happened_on": ["Miễn công tác và sinh hoạt đảng ngày 01/10/2025: đảng viên đã từ trần trước ngày này."]}  # fmt: skip


def test_a_readmitted_member_keeps_the_first_admission_and_loses_the_gap(cell):
    member = MemberFactory(organization=cell, admitted_on=D(2000, 1, 1), official_on=D(2001, 1, 1))
    services.record_event(
        actor=None, member=member, kind=Kind.STRUCK_OFF, happened_on=D(2005, 1, 1)
    )
    services.record_event(
        actor=None,
        member=member,
        kind=Kind.READMITTED,
        happened_on=D(2008, 1, 1),
        organization=cell,
    )
    member.refresh_from_db()
    assert member.admitted_on == D(2000, 1, 1)
    assert member.status == Status.PROBATIONARY
    assert selectors.party_age_years(member, D(2012, 12, 30)) == 9
    assert selectors.party_age_years(member, D(2012, 12, 31)) == 10
