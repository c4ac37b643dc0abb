"""Indicator pages: every figure of a subtree on a date, and the records behind each figure."""

from __future__ import annotations

from django.http import Http404

from dangbo.accounts.permissions import Capability
from dangbo.core.views import OrgScopedView, paginate

from . import registry, selectors
from .forms import DateForm
from .registry import RecordKind


class _DatedView(OrgScopedView):
    capability = Capability.VIEW_INDICATORS

    def dated(self):
        form = DateForm(self.request.GET or None)
        on, start = form.dates()
        return form, on, start


class IndicatorsView(_DatedView):
    """Every indicator for the subtree on the chosen date, each figure a link to its records."""

    template_name = "indicators/indicators.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, on, start = self.dated()
        context.update(form=form, on=on, figures=selectors.figures(self.org, on=on, start=start))
        return context


class IndicatorRecordsView(_DatedView):
    """The organizations or members behind one figure, paged."""

    template_name = "indicators/records.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, on, start = self.dated()
        try:
            figure = selectors.figure(self.org, self.kwargs["indicator"], on=on, start=start)
        except registry.UnknownIndicator:
            raise Http404("Không tìm thấy chỉ tiêu.") from None
        try:
            row = figure.result.row(self.kwargs["key"])
        except KeyError:
            raise Http404("Không tìm thấy dòng chỉ tiêu.") from None
        _, records = selectors.records(self.org, figure.indicator.code, row.key, on=on, start=start)
        context.update(
            form=form, on=on, figure=figure, row=row, page_obj=paginate(self.request, records),
            members=figure.indicator.records == RecordKind.MEMBERS,
        )  # fmt: skip
        return context
