"""The radar's filters, as GET parameters: kind, horizon, overdue only."""

from __future__ import annotations

from django import forms

from .selectors import DEFAULT_HORIZON, HORIZONS

HORIZON_CHOICES = [(str(n), f"{n} ngày tới") for n in HORIZONS]


class RadarFilterForm(forms.Form):
    """``kind`` is any kind code (the page offers those the radar found); an unknown one finds nothing."""

    kind = forms.CharField(label="Loại việc", required=False, max_length=100)
    horizon = forms.TypedChoiceField(
        label="Trong vòng",
        choices=HORIZON_CHOICES,
        coerce=int,
        required=False,
        empty_value=DEFAULT_HORIZON,
    )
    overdue = forms.BooleanField(label="Chỉ việc quá hạn", required=False)

    def values(self) -> tuple[str, int, bool]:
        """Return (kind, horizon in days, overdue only); an invalid field takes its default."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return (
            (data.get("kind") or "").strip(),
            data.get("horizon") or DEFAULT_HORIZON,
            bool(data.get("overdue")),
        )
