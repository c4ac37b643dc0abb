"""The deadline radar page: summary, counts per organization, the list soonest first."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from dangbo.core.deadlines import Deadline
from dangbo.core.exports import CSV, XLSX, ExportableListMixin
from dangbo.core.views import OrgScopedView, paginate

from .access import RADAR_CAPABILITY, visible_kinds
from .exports import radar_export
from .forms import HORIZON_CHOICES, RadarFilterForm
from .selectors import SOON_DAYS, Radar, days_text, radar


@dataclass(frozen=True)
class Row:
    """One line of the list: the deadline and how it stands today."""

    deadline: Deadline
    days: str  # "quá hạn 3 ngày", "còn 12 ngày"
    overdue: bool
    org_code: str
    org_label: str = ""  # the organization named with its parent


class RadarView(ExportableListMixin, OrgScopedView):
    """What falls due in the subtree; filters by kind, horizon and overdue (htmx swaps the results).

    With ``?export=xlsx`` or ``?export=csv`` the whole filtered list downloads.
    """

    capability = RADAR_CAPABILITY
    template_name = "deadlines/radar.html"
    partial_template_name = "deadlines/_results.html"
    export_formats = (XLSX, CSV)

    def get_radar(self) -> Radar:
        if not hasattr(self, "_radar"):
            self.filter_form = RadarFilterForm(self.request.GET)
            kind, horizon, overdue = self.filter_form.values()
            self._radar = radar(
                self.org,
                timezone.localdate(),
                horizon_days=horizon,
                kinds=[kind] if kind else None,
                overdue_only=overdue,
                visible=visible_kinds(self.request, self.org),
            )
        return self._radar

    def get_export(self, fmt):
        return radar_export(self.request, self.get_radar())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result = self.get_radar()
        today = result.today
        # Only the page shown is turned into rows (the list may hold tens of thousands).
        page_obj = paginate(self.request, result.items)
        codes = result.codes_of(page_obj.object_list)
        labels = result.labels_of(page_obj.object_list)
        page_obj.object_list = [
            Row(d, days_text(d, today), d.is_overdue(today), codes.get(d.organization_id, ""),
                labels.get(d.organization_id, d.organization_name))
            for d in page_obj.object_list
        ]  # fmt: skip
        context.update(
            radar=result,
            filter_form=self.filter_form,
            kind=result.kinds[0] if result.kinds else "",
            horizon_choices=[(int(value), label) for value, label in HORIZON_CHOICES],
            soon_days=SOON_DAYS,
            # The table per organization is worth showing when something lies below this one.
            org_rows=result.by_org if any(not r.is_self for r in result.by_org) else [],
            page_obj=page_obj,
        )
        return context
