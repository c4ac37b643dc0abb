"""Forms of the register pages."""

from __future__ import annotations

from django import forms

from dangbo.core.views import date_field

from .rules import DocType


class RegisterFilterForm(forms.Form):
    doc_type = forms.ChoiceField(
        label="Loại văn bản", choices=[("", "— Tất cả —"), *DocType.choices], required=False
    )
    year = forms.IntegerField(label="Năm", min_value=1930, max_value=2100, required=False)


class TermForm(forms.Form):
    label = forms.CharField(label="Nhiệm kỳ", max_length=50, help_text="Ví dụ: 2025–2030.")
    starts_on = date_field(
        "Từ ngày", help_text="Ngày sau ngày bế mạc đại hội: số văn bản bắt đầu lại từ 01."
    )
    ends_on = date_field("Đến hết ngày", required=False, help_text="Ngày bế mạc đại hội sau.")
