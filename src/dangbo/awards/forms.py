"""Forms of the badge pages; dates are typed dd/mm/yyyy."""

from __future__ import annotations

from django import forms

from dangbo.core.views import date_field

from . import rules
from .models import Milestone

MILESTONE_FILTER = [("", "— Tất cả —"), *((str(v), label) for v, label in Milestone.choices)]
BASIS_FILTER = [("", "— Tất cả —"), *rules.BASES.items()]
MAX_OCCASIONS = 8
OCCASION_COUNTS = [(str(n), f"{n} đợt tới") for n in range(1, MAX_OCCASIONS + 1)]
DEFAULT_OCCASIONS = 4


class DueFilterForm(forms.Form):
    """The due list's filters, as GET parameters."""

    occasions = forms.TypedChoiceField(
        label="Số đợt", choices=OCCASION_COUNTS, coerce=int, required=False,
        empty_value=DEFAULT_OCCASIONS,
    )  # fmt: skip
    at = date_field("Tính từ ngày", required=False)
    milestone = forms.TypedChoiceField(
        label="Mốc", choices=MILESTONE_FILTER, coerce=int, required=False, empty_value=None
    )
    basis = forms.ChoiceField(label="Diện xét", choices=BASIS_FILTER, required=False)
    hide_overdue = forms.BooleanField(label="Ẩn trường hợp đã quá mốc", required=False)


class AwardFilterForm(forms.Form):
    """The awarded list's filters, as GET parameters."""

    year = forms.IntegerField(
        label="Năm (đợt trao tặng)", required=False, min_value=1900, max_value=2100
    )
    milestone = forms.TypedChoiceField(
        label="Mốc", choices=MILESTONE_FILTER, coerce=int, required=False, empty_value=None
    )
    include_voided = forms.BooleanField(label="Kể cả bản ghi đã hủy", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].error_messages["invalid"] = "Nhập một năm, ví dụ 2025."
        self.fields["year"].widget.attrs["inputmode"] = "numeric"


class BadgeAwardForm(forms.Form):
    milestone = forms.TypedChoiceField(label="Mốc tuổi Đảng", choices=Milestone.choices, coerce=int)
    occasion_on = date_field(
        "Đợt trao tặng", help_text="Ngày của đợt: 03/02, 19/05, 02/09, 07/11 hoặc dịp khác."
    )
    decision_number = forms.CharField(label="Số quyết định", max_length=100)
    decision_signed_on = date_field("Ngày ký quyết định")
    decided_by = forms.CharField(
        label="Cơ quan quyết định", max_length=200, required=False,
        help_text="Ví dụ: Ban Thường vụ Tỉnh ủy.",
    )  # fmt: skip
    badge_number = forms.CharField(label="Số Huy hiệu", max_length=30, required=False)
    ceremony_on = date_field("Ngày trao", required=False)
    early = forms.BooleanField(
        label="Xét tặng sớm (đảng viên ốm nặng)", required=False,
        help_text="Sớm tối đa 12 tháng (mốc 30–65 năm) hoặc 24 tháng (mốc 70–90 năm).",
    )  # fmt: skip
    posthumous = forms.BooleanField(
        label="Truy tặng (đảng viên đã từ trần)", required=False,
        help_text="Khi từ trần còn thiếu không quá 12 tháng để đủ mốc.",
    )  # fmt: skip
    note = forms.CharField(
        label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Lý do", max_length=255)


class ReturnedForm(forms.Form):
    returned_on = date_field("Ngày nộp lại Huy hiệu")
    note = forms.CharField(label="Ghi chú", max_length=255, required=False)


class ReissueForm(forms.Form):
    reason = forms.CharField(
        label="Lý do cấp lại", max_length=255, help_text="Ví dụ: bị mất do thiên tai."
    )
    badge_number = forms.CharField(label="Số Huy hiệu mới", max_length=30, required=False)
    decision_number = forms.CharField(label="Số quyết định cấp lại", max_length=100, required=False)
    decision_signed_on = date_field("Ngày ký quyết định cấp lại", required=False)
    decided_by = forms.CharField(label="Cơ quan quyết định", max_length=200, required=False)
    ceremony_on = date_field("Ngày trao lại", required=False)
