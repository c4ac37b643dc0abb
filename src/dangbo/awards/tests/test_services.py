"""Recording, voiding, returning and reissuing badges: the checks, the refusals word for word,
nothing changed on a refusal, one audit entry per write."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from dangbo.audit.models import AuditEntry
from dangbo.awards import services
from dangbo.awards.discipline import register_discipline_source, unregister_discipline_source
from dangbo.awards.models import BadgeAward
from dangbo.core.errors import DomainError
from dangbo.members.models import MemberEvent
from dangbo.regulations.models import Setting

from .factories import (
    BadgeAwardFactory,
    add_event,
    badge_tree,
    member_admitted,
    struck_off_and_readmitted,
)

pytestmark = pytest.mark.django_db

d = dt.date
DECISION = {
    "decision_number": "219-QĐ/TU",
    "decision_signed_on": d(2025, 8, 7),
    "decided_by": "Ban Thường vụ Tỉnh ủy",
}


@pytest.fixture
def tree():
    return badge_tree()


SEPTEMBER_2 = dt.date(2025, 9, 2)


def record(member, milestone=30, occasion_on=SEPTEMBER_2, **kwargs):
    return services.record_award(
        actor=None, member=member, milestone=milestone, occasion_on=occasion_on,
        **{**DECISION, **kwargs},
    )  # fmt: skip


def refused(member, *args, **kwargs) -> dict[str, list[str]] | list[str]:
    """Return the refusal's messages and check that nothing was written."""
    awards, entries = BadgeAward.objects.count(), AuditEntry.objects.count()
    with pytest.raises(DomainError) as exc:
        record(member, *args, **kwargs)
    assert BadgeAward.objects.count() == awards
    assert AuditEntry.objects.count() == entries
    error = exc.value
    return error.message_dict if hasattr(error, "error_dict") else error.messages


# --------------------------------------------------------------------------
# record_award
# --------------------------------------------------------------------------


def test_record_award_stores_the_gift_the_cell_and_an_audit_entry(tree):
    member = member_admitted(tree.c1, d(1995, 8, 20))

    award = record(member, badge_number="HH012345", ceremony_on=d(2025, 9, 1))

    assert (award.milestone, award.occasion_on, award.organization) == (30, d(2025, 9, 2), tree.c1)
    assert award.gift_amount == Decimal(3_510_000)  # 1,5 × 2.340.000 (HD 56; NĐ 73/2024)
    assert (award.badge_number, award.decided_by) == ("HH012345", "Ban Thường vụ Tỉnh ủy")
    entry = AuditEntry.objects.get(action="awards.recorded")
    assert entry.target_id == str(award.pk)
    assert entry.org_path == tree.c1.path
    assert entry.after["gift_amount"] == "3510000"


def test_a_milestone_already_recorded_is_refused(tree):
    member = member_admitted(tree.c1, d(1995, 8, 20))
    record(member)

    assert refused(member, occasion_on=d(2025, 11, 7)) == {
        "milestone": [
            "Đảng viên đã được ghi nhận Huy hiệu 30 năm tuổi Đảng (quyết định số 219-QĐ/TU ngày "
            "07/08/2025): mỗi mốc chỉ ghi nhận một lần; Huy hiệu bị mất thì dùng «Cấp lại»."
        ]
    }


def test_a_voided_award_does_not_block_recording_it_again(tree):
    member = member_admitted(tree.c1, d(1995, 8, 20))
    services.void_award(actor=None, award=record(member), reason="Nhập nhầm đợt")

    assert record(member, occasion_on=d(2025, 11, 7)).occasion_on == d(2025, 11, 7)


def test_the_database_also_refuses_a_second_award_for_one_milestone(tree):
    member = member_admitted(tree.c1, d(1995, 8, 20))
    BadgeAwardFactory(member=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        BadgeAwardFactory(member=member)


def test_party_age_short_of_the_milestone_at_the_occasion_is_refused(tree):
    member = member_admitted(tree.c1, d(1995, 9, 3))

    assert refused(member) == {
        "milestone": [
            "Đến đợt 02/09/2025 đảng viên chưa đủ 30 năm tuổi Đảng: ngày đủ 30 năm tuổi Đảng (đã "
            "trừ thời gian gián đoạn) là 03/09/2025 (Hướng dẫn 01-HD/TW ngày 28/09/2021, mục 18)."
        ]
    }


def test_a_one_year_gap_makes_the_30th_anniversary_too_early(tree):
    # 30 years since admission on 20/09/2024, but 365 days struck off: 30 years of party age
    # only on 20/09/2025.
    member = member_admitted(tree.c1, d(1994, 9, 20))
    struck_off_and_readmitted(member, d(2001, 1, 1), d(2002, 1, 1))

    assert refused(member)["milestone"][0].endswith(
        "ngày đủ 30 năm tuổi Đảng (đã trừ thời gian gián đoạn) là 20/09/2025 (Hướng dẫn "
        "01-HD/TW ngày 28/09/2021, mục 18)."
    )
    assert record(member, occasion_on=d(2025, 11, 7), decision_signed_on=d(2025, 10, 20)).pk


def test_early_award_within_the_window_and_refused_beyond_it(tree):
    member = member_admitted(tree.c1, d(1996, 9, 1))  # 30 years on 01/09/2026

    assert refused(member, early=True, occasion_on=d(2025, 8, 31)) == {
        "early": [
            "Xét tặng sớm chỉ được sớm tối đa 12 tháng đối với mốc 30 năm: đến đợt 31/08/2025, "
            "ngày đủ 30 năm tuổi Đảng (đã trừ thời gian gián đoạn) là 01/09/2026 (Hướng dẫn "
            "01-HD/TW ngày 28/09/2021, mục 18)."
        ]
    }
    award = record(member, early=True)
    assert award.early is True


def test_posthumous_award_for_a_living_member_is_refused(tree):
    member = member_admitted(tree.c1, d(1995, 8, 20))

    assert refused(member, posthumous=True) == {
        "posthumous": [
            "Chỉ truy tặng Huy hiệu Đảng cho đảng viên đã từ trần (Hướng dẫn 01-HD/TW ngày "
            "28/09/2021, mục 18)."
        ]
    }


def test_a_member_who_died_is_awarded_posthumously_only(tree):
    member = member_admitted(tree.c1, d(1995, 12, 1))  # 30 years on 01/12/2025
    add_event(member, MemberEvent.Kind.DIED, d(2025, 3, 1))

    assert refused(member) == {
        "posthumous": [
            "Đảng viên đã từ trần ngày 01/03/2025: Huy hiệu trao sau ngày từ trần là truy tặng "
            "(Hướng dẫn 01-HD/TW ngày 28/09/2021, mục 18)."
        ]
    }
    award = record(member, posthumous=True)
    assert award.posthumous is True


def test_an_expelled_member_is_refused(tree):
    member = member_admitted(tree.c1, d(1995, 1, 10))
    add_event(member, MemberEvent.Kind.EXPELLED, d(2025, 6, 1))

    assert refused(member) == [
        "Vào ngày 02/09/2025 đảng viên đã bị khai trừ, không còn là đảng viên: không xét tặng "
        "Huy hiệu Đảng (Hướng dẫn 01-HD/TW ngày 28/09/2021, mục 18)."
    ]


def test_an_exempted_member_is_awarded(tree):
    member = member_admitted(tree.c1, d(1995, 1, 10))
    add_event(member, MemberEvent.Kind.EXEMPTED, d(2020, 1, 1))

    assert record(member).pk


def test_a_milestone_that_is_not_one_is_refused(tree):
    member = member_admitted(tree.c1, d(1985, 1, 10))

    assert refused(member, milestone=35) == {
        "milestone": [
            "35 năm không phải là mốc xét tặng Huy hiệu Đảng; các mốc là 30, 40, 45, 50, 55, 60, "
            "65, 70, 75, 80, 85, 90 năm tuổi Đảng (Hướng dẫn 01-HD/TW ngày 28/09/2021, mục 18)."
        ]
    }


def test_decision_dates_are_checked(tree):
    member = member_admitted(tree.c1, d(1995, 1, 10))

    assert refused(member, decision_signed_on=d(2100, 1, 1)) == {
        "decision_signed_on": ["Ngày ký quyết định không được ở tương lai."]
    }
    assert refused(member, ceremony_on=d(2025, 8, 6)) == {
        "ceremony_on": [
            "Ngày trao Huy hiệu (06/08/2025) không thể trước ngày ký quyết định (07/08/2025)."
        ]
    }
    assert refused(member, decision_number="  ") == {
        "decision_number": ["Cần ghi số quyết định tặng Huy hiệu Đảng."]
    }


def test_a_voided_member_record_is_refused(tree):
    from dangbo.members import services as member_services

    member = member_admitted(tree.c1, d(1995, 1, 10))
    member_services.void_member(actor=None, member=member, reason="Nhập trùng")

    assert refused(member) == ["Hồ sơ đảng viên đã bị hủy: khôi phục trước khi ghi nhận Huy hiệu."]


def test_a_member_held_back_by_discipline_is_refused_until_the_wait_ends(tree):
    member = member_admitted(tree.c1, d(1995, 1, 10))

    def penalties(member_ids):
        return {member.pk: [("WARNING", d(2025, 3, 1), True)]} if member.pk in member_ids else {}

    register_discipline_source(penalties)
    try:
        assert refused(member) == [
            "Đảng viên bị kỷ luật cảnh cáo ngày 01/03/2025: chưa xét tặng Huy hiệu Đảng trước "
            "ngày 01/12/2025 (Quy định 294-QĐ/TW)."
        ]
        assert refused(member, occasion_on=d(2025, 11, 30)) == [
            "Đảng viên bị kỷ luật cảnh cáo ngày 01/03/2025: chưa xét tặng Huy hiệu Đảng trước "
            "ngày 01/12/2025 (Quy định 294-QĐ/TW)."
        ]
        award = record(member, occasion_on=d(2025, 12, 1), decision_signed_on=d(2025, 11, 20))
        assert award.occasion_on == d(2025, 12, 1)
    finally:
        unregister_discipline_source(penalties)


def test_the_cutoff_setting_lets_a_milestone_reached_later_in_the_year_count(tree):
    member = member_admitted(tree.c1, d(1995, 10, 1))  # 30 years on 01/10/2025
    assert "milestone" in refused(member)

    Setting.objects.create(
        key="awards.badge_cutoff", organization=tree.top, value="end_of_year",
        effective_on=d(2020, 1, 1),
    )  # fmt: skip
    assert record(member).pk


def test_a_gift_multiple_set_by_the_committee_fills_an_unconfirmed_milestone(tree):
    member = member_admitted(tree.c1, d(1980, 1, 10))  # 45 years on 10/01/2025
    Setting.objects.create(
        key="awards.gift_multiple.45", organization=None, value="2,5", effective_on=d(2020, 1, 1)
    )

    award = record(member, milestone=45)

    assert award.gift_amount == Decimal(5_850_000)


def test_no_gift_for_an_unconfirmed_multiple(tree):
    member = member_admitted(tree.c1, d(1980, 1, 10))
    assert record(member, milestone=45).gift_amount is None


# --------------------------------------------------------------------------
# void, returned, reissue
# --------------------------------------------------------------------------


def test_void_keeps_the_row_with_its_reason_and_audits(tree):
    award = record(member_admitted(tree.c1, d(1995, 1, 10)))

    services.void_award(actor=None, award=award, reason="Ghi nhầm người")

    award.refresh_from_db()
    assert award.is_voided
    assert award.voided_reason == "Ghi nhầm người"
    entry = AuditEntry.objects.get(action="awards.voided")
    assert entry.before["voided_at"] is None
    with pytest.raises(DomainError, match=r"Bản ghi Huy hiệu này đã bị hủy\."):
        services.void_award(actor=None, award=award, reason="Lần nữa")


def test_void_needs_a_reason_and_the_reissues_voided_first(tree):
    award = record(member_admitted(tree.c1, d(1995, 1, 10)))
    with pytest.raises(DomainError) as exc:
        services.void_award(actor=None, award=award, reason=" ")
    assert exc.value.message_dict == {"reason": ["Cần ghi lý do hủy."]}
    services.reissue_award(actor=None, award=award, reason="Bị mất do lũ")

    entries = AuditEntry.objects.count()
    with pytest.raises(DomainError) as exc:
        services.void_award(actor=None, award=award, reason="Nhầm")
    assert exc.value.messages == ["Huy hiệu này đã được cấp lại: hủy các lần cấp lại trước."]
    assert AuditEntry.objects.count() == entries


def test_a_badge_is_returned_only_by_a_member_out_of_the_party(tree):
    member = member_admitted(tree.c1, d(1995, 1, 10))
    award = record(member)
    with pytest.raises(DomainError) as exc:
        services.mark_returned(actor=None, award=award, returned_on=d(2025, 12, 1))
    assert exc.value.messages == [
        "Chỉ ghi nhận nộp lại Huy hiệu khi đảng viên đã bị khai trừ hoặc xóa tên khỏi danh sách "
        "đảng viên (Hướng dẫn 01-HD/TW ngày 28/09/2021, mục 18)."
    ]
    award.refresh_from_db()
    assert award.returned_on is None

    add_event(member, MemberEvent.Kind.EXPELLED, d(2025, 11, 1))
    award.member.refresh_from_db()
    services.mark_returned(
        actor=None, award=award, returned_on=d(2025, 12, 1), note="Chi bộ thu lại"
    )

    award.refresh_from_db()
    assert award.returned_on == d(2025, 12, 1)
    assert award.note == "Nộp lại: Chi bộ thu lại"
    assert AuditEntry.objects.filter(action="awards.returned").count() == 1
    with pytest.raises(DomainError, match=r"đã được ghi nhận nộp lại ngày 01/12/2025"):
        services.mark_returned(actor=None, award=award, returned_on=d(2025, 12, 2))


def test_reissue_points_at_the_original_and_carries_its_milestone_without_a_gift(tree):
    member = member_admitted(tree.c1, d(1995, 1, 10))
    award = record(member, badge_number="HH1")

    first = services.reissue_award(
        actor=None, award=award, reason="Bị mất do hỏa hoạn", badge_number="HH2",
        decision_number="301-QĐ/TU", decision_signed_on=d(2025, 10, 1), ceremony_on=d(2025, 10, 5),
    )  # fmt: skip
    second = services.reissue_award(actor=None, award=first, reason="Mất lần nữa")

    assert first.reissue_of == award
    assert second.reissue_of == award  # always the original
    assert (first.milestone, first.occasion_on, first.gift_amount) == (30, d(2025, 9, 2), None)
    assert (first.decision_number, second.decision_number) == ("301-QĐ/TU", "219-QĐ/TU")
    assert first.note == "Cấp lại: Bị mất do hỏa hoạn"
    assert AuditEntry.objects.filter(action="awards.reissued").count() == 2


def test_reissue_is_refused_for_a_returned_badge_and_needs_a_reason(tree):
    member = member_admitted(tree.c1, d(1995, 1, 10))
    award = record(member)
    with pytest.raises(DomainError) as exc:
        services.reissue_award(actor=None, award=award, reason="")
    assert exc.value.message_dict == {"reason": ["Cần ghi lý do cấp lại (mất, hỏng...)."]}

    add_event(member, MemberEvent.Kind.STRUCK_OFF, d(2025, 11, 1))
    award.member.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        services.reissue_award(actor=None, award=award, reason="Mất")
    assert exc.value.messages == [
        "Đảng viên đã bị xóa tên: không cấp lại Huy hiệu Đảng (Hướng dẫn 01-HD/TW ngày 28/09/2021, "
        "mục 18)."
    ]
    services.mark_returned(actor=None, award=award, returned_on=d(2025, 11, 2))
    with pytest.raises(DomainError) as exc:
        services.reissue_award(actor=None, award=award, reason="Mất")
    assert exc.value.messages == ["Huy hiệu đã được nộp lại: không cấp lại."]
    assert BadgeAward.objects.count() == 1


def test_voiding_from_a_stale_award_is_refused_and_keeps_the_first_reason(tree):
    award = record(member_admitted(tree.c1, d(1995, 1, 10)))
    stale = BadgeAward.objects.get(pk=award.pk)
    services.void_award(actor=None, award=award, reason="Ghi nhầm người")

    with pytest.raises(DomainError, match=r"Bản ghi Huy hiệu này đã bị hủy\."):
        services.void_award(actor=None, award=stale, reason="Lần nữa")

    assert BadgeAward.objects.get(pk=award.pk).voided_reason == "Ghi nhầm người"
