"""Forms of the rubric, assignment, visit and voiding pages; dates are typed dd/mm/yyyy.

The forms check what a person can mistype (a missing number, a row half filled in, a code
outside the subtree); the rules of the records (thresholds that overlap, a period that
overlaps another rubric, an end before the start) stay with the services, whose refusals land
on these forms' fields.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms

from dangbo.core.views import date_field
from dangbo.organizations.models import CELL_KINDS, Organization
from dangbo.organizations.selectors import path_range

from . import selectors
from .models import Level

CRITERIA_ROWS = 12
LEVEL_ORDER = [Level.GOOD, Level.FAIR, Level.AVERAGE, Level.POOR]


class PointsField(forms.DecimalField):
    """Points typed the Vietnamese way (12,5) or with a point (12.5); never a thousands mark."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


def _points(label: str, required: bool = False) -> forms.DecimalField:
    return PointsField(
        label=label, required=required, min_value=Decimal(0), max_value=Decimal(1000),
        max_digits=5, decimal_places=1,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 5}),
        error_messages={"invalid": "Nhập một số, ví dụ 12,5."},
    )  # fmt: skip


class RubricForm(forms.Form):
    """A committee's own rubric: its criteria (up to ``CRITERIA_ROWS``), the four levels'
    thresholds, its effective dates and source document."""

    name = forms.CharField(label="Tên biểu chấm điểm", max_length=255)
    source = forms.CharField(
        label="Văn bản ban hành", max_length=255,
        help_text="Số, ký hiệu và ngày của quyết định, hướng dẫn ban hành biểu.",
    )  # fmt: skip
    valid_from = date_field("Áp dụng từ ngày")
    valid_until = date_field(
        "Áp dụng đến trước ngày", required=False, help_text="Để trống: áp dụng đến khi có biểu mới."
    )
    # Where the services' refusals of the criteria and thresholds as a whole are shown.
    criteria = forms.CharField(required=False, widget=forms.HiddenInput)
    levels = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, CRITERIA_ROWS + 1):
            self.fields[f"c{i}_title"] = forms.CharField(
                label=f"Tiêu chí {i}", max_length=255, required=False
            )
            self.fields[f"c{i}_max"] = _points(f"Điểm tối đa của tiêu chí {i}")
            self.fields[f"c{i}_must"] = forms.BooleanField(
                label=f"Tiêu chí {i} bắt buộc đạt điểm tối đa", required=False
            )
        for level in LEVEL_ORDER:
            self.fields[f"{level}_min"] = _points(f"{level.label}: từ điểm", required=True)
            self.fields[f"{level}_below"] = _points(f"{level.label}: đến dưới điểm")
            self.fields[f"{level}_must"] = forms.BooleanField(
                label=f"{level.label}: phải đạt tối đa các tiêu chí bắt buộc", required=False
            )

    def criterion_rows(self):
        return [(i, self[f"c{i}_title"], self[f"c{i}_max"], self[f"c{i}_must"])
                for i in range(1, CRITERIA_ROWS + 1)]  # fmt: skip

    def level_rows(self):
        return [(level.label, self[f"{level}_min"], self[f"{level}_below"], self[f"{level}_must"])
                for level in LEVEL_ORDER]  # fmt: skip

    def clean(self):
        data = super().clean()
        rows = []
        for i in range(1, CRITERIA_ROWS + 1):
            title = (data.get(f"c{i}_title") or "").strip()
            points = data.get(f"c{i}_max")
            if f"c{i}_max" in self.errors:
                continue
            if title and points is None:
                self.add_error(f"c{i}_max", "Cần điểm tối đa của tiêu chí này.")
            elif points is not None and not title:
                self.add_error(f"c{i}_title", "Cần tên của tiêu chí có điểm tối đa.")
            elif title:
                rows.append((title, points, bool(data.get(f"c{i}_must"))))
        if not rows and not any(k.startswith("c") and k.endswith(("_max", "_title"))
                                for k in self.errors):  # fmt: skip
            self.add_error("criteria", "Biểu chấm điểm cần ít nhất một tiêu chí.")
        data["criteria_rows"] = rows
        data["level_rows"] = [
            (level.value, data.get(f"{level}_min"), data.get(f"{level}_below"),
             bool(data.get(f"{level}_must")))
            for level in LEVEL_ORDER
        ]  # fmt: skip
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Lý do hủy", max_length=255,
        error_messages={"required": "Cần ghi lý do hủy."},
    )  # fmt: skip


class AdoptRubricForm(forms.Form):
    valid_from = date_field("Áp dụng từ ngày")
    valid_until = date_field("Áp dụng đến trước ngày", required=False)
    source = forms.CharField(
        label="Văn bản ban hành của cấp ủy", max_length=255, required=False,
        help_text="Để trống: ghi văn bản của biểu mẫu.",
    )  # fmt: skip


def _org_in(org: Organization, code: str, *, cells_only: bool) -> Organization | None:
    qs = Organization.objects.filter(path_range(org.path), code=(code or "").strip())
    if cells_only:
        qs = qs.filter(kind__in=CELL_KINDS)
    return qs.exclude(pk=org.pk).first()


class AssignmentForm(forms.Form):
    card_number = forms.CharField(
        label="Số thẻ đảng viên của cấp ủy viên", max_length=20,
        help_text="Đảng viên trong đảng bộ; gợi ý: các cấp ủy viên đang giữ chức vụ.",
        widget=forms.TextInput(attrs={"list": "committee-members", "autocomplete": "off"}),
    )  # fmt: skip
    cell_code = forms.CharField(label="Mã chi bộ phụ trách", max_length=30)
    started_on = date_field("Phụ trách từ ngày")
    decision_number = forms.CharField(label="Số văn bản phân công", max_length=100, required=False)

    def __init__(self, *args, org: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.org = org

    def clean_card_number(self):
        number = self.cleaned_data["card_number"].strip()
        member = selectors.members_under(self.org).filter(card_number=number).first()
        if member is None:
            raise forms.ValidationError(
                f"Không có đảng viên số thẻ «{number}» đang sinh hoạt trong {self.org.name}."
            )
        self.cleaned_data["member"] = member
        return number

    def clean_cell_code(self):
        code = self.cleaned_data["cell_code"]
        cell = _org_in(self.org, code, cells_only=True)
        if cell is None:
            raise forms.ValidationError(f"Không có chi bộ mã «{code}» thuộc {self.org.name}.")
        self.cleaned_data["cell"] = cell
        return code


class EndAssignmentForm(forms.Form):
    ended_on = date_field("Kết thúc phụ trách ngày")


class VisitForm(forms.Form):
    visited_codes = forms.CharField(
        label="Mã các cấp ủy, chi bộ được dự (mỗi dòng hoặc dấu phẩy một mã)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    visited_on = date_field("Ngày dự")
    group_name = forms.CharField(label="Tổ công tác", max_length=255, required=False)
    participants = forms.CharField(
        label="Thành phần", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(
        label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, org: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.org = org

    def clean_visited_codes(self):
        codes = [c.strip() for c in self.cleaned_data["visited_codes"].replace(",", "\n").split()]
        codes = list(dict.fromkeys(c for c in codes if c))
        if not codes:
            raise forms.ValidationError("Cần ít nhất một mã tổ chức được dự.")
        if len(codes) > 200:
            raise forms.ValidationError("Mỗi lần ghi tối đa 200 tổ chức được dự.")
        found = {
            o.code: o
            for o in Organization.objects.filter(path_range(self.org.path), code__in=codes)
            .exclude(pk=self.org.pk)
        }  # fmt: skip
        missing = [c for c in codes if c not in found]
        if missing:
            raise forms.ValidationError(
                "Không có tổ chức mã " + ", ".join(f"«{c}»" for c in missing)
                + f" thuộc {self.org.name}."
            )  # fmt: skip
        self.cleaned_data["visited"] = [found[c] for c in codes]
        return "\n".join(codes)
