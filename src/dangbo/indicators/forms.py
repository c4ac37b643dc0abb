"""The as-of date (or period) the indicator pages are asked for."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from dangbo.core.views import date_field


class DateForm(forms.Form):
    on = date_field("Tại ngày", required=False)
    start = date_field("Từ ngày (chỉ tiêu theo kỳ)", required=False)

    def __init__(self, data=None, **kwargs):
        if data is not None and "from" in data:
            data = data.copy()
            data["start"] = data["from"]
        if data is not None and "to" in data and not data.get("on"):
            data = data.copy()
            data["on"] = data["to"]
        super().__init__(data, **kwargs)

    def dates(self) -> tuple[dt.date, dt.date | None]:
        """Return (as-of date, period start); today when missing or invalid."""
        if not self.is_valid():
            return timezone.localdate(), None
        return self.cleaned_data["on"] or timezone.localdate(), self.cleaned_data["start"]
