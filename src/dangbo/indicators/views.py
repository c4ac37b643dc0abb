"""Indicator pages: every figure of a subtree on a date, and the records behind each figure."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404

from dangbo.accounts.access import scope_of
from dangbo.accounts.permissions import Capability
from dangbo.admissions.exports import CANDIDATE_EXPORT_COLUMNS, candidate_rows
from dangbo.core.exports import Export, ExportableListMixin, export_name, file_slug, preamble
from dangbo.core.formatting import fmt_date
from dangbo.core.views import OrgScopedView, paginate
from dangbo.core.xlsx import Column
from dangbo.meetings.exports import MEETING_EXPORT_COLUMNS, meeting_rows
from dangbo.members.exports import member_export_columns, member_rows
from dangbo.organizations.exports import ORG_EXPORT_COLUMNS, member_totals, org_rows

from . import registry, selectors
from .forms import DateForm
from .registry import PERIOD, RecordKind, Unit

INDICATOR_EXPORT_COLUMNS = (
    Column("Mã chỉ tiêu", width=30),
    Column("Chỉ tiêu", width=44),
    Column("Phân theo", width=22),
    Column("Nhóm", width=34),
    Column("Số lượng", "int"),
    Column("Tỷ lệ", "percent"),
    Column("Tử số", "int"),
    Column("Tử số là", width=22),
    Column("Mẫu số", "int"),
    Column("Mẫu số là", width=22),
    Column("Đơn vị tính", width=12),
)


def figure_rows(figures):
    """Yield every row of every figure (totals included) as ``INDICATOR_EXPORT_COLUMNS``."""
    for f in figures:
        ind = f.indicator
        for row in f.result.all_rows:
            percent = ind.unit == Unit.PERCENT
            value = row.value
            yield [
                ind.code, ind.title, ind.dimension, row.label,
                None if percent or value is None else int(value),
                Decimal(value) / 100 if percent and value is not None else None,
                row.numerator if percent else None, ind.numerator_label or None,
                row.denominator if percent else None, ind.denominator_label or None,
                ind.unit.label,
            ]  # fmt: skip


def period_line(figures, on) -> list[str]:
    """Name the period, when some figure counts over one."""
    period = next((f.query.period_start for f in figures if f.indicator.time == PERIOD), None)
    if period is None:
        return []
    return [f"Chỉ tiêu theo kỳ: từ ngày {fmt_date(period)} đến ngày {fmt_date(on)}."]


class _DatedView(OrgScopedView):
    capability = Capability.VIEW_INDICATORS

    def dated(self):
        form = DateForm(self.request.GET or None)
        on, start = form.dates()
        return form, on, start


class IndicatorsView(ExportableListMixin, _DatedView):
    """Every indicator for the subtree on the chosen date, each figure a link to its records.

    ``?export=xlsx`` downloads every figure, one line per row of each indicator.
    """

    template_name = "indicators/indicators.html"

    def get_export(self, fmt):
        _, on, start = self.dated()
        figures = selectors.figures(self.org, on=on, start=start)
        return Export(
            name=export_name("chi-tieu", self.org.code, on),
            sheet_title="Chỉ tiêu",
            columns=INDICATOR_EXPORT_COLUMNS,
            rows=figure_rows(figures),
            preamble=preamble(
                "Chỉ tiêu", self.org, on=on, user=self.request.user,
                extra=period_line(figures, on),
            ),
        )  # fmt: skip

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, on, start = self.dated()
        context.update(form=form, on=on, figures=selectors.figures(self.org, on=on, start=start))
        return context


class IndicatorRecordsView(ExportableListMixin, _DatedView):
    """The organizations or members behind one figure, paged (``?export=xlsx``: all of them)."""

    template_name = "indicators/records.html"

    def lookup(self):
        """Return (form, on, figure, row, records) for the indicator and row in the URL."""
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
        return form, on, figure, row, records

    def get_export(self, fmt):
        _, on, figure, row, records = self.lookup()
        ind = figure.indicator
        if ind.records == RecordKind.MEMBERS:
            personal = scope_of(self.request).can(Capability.VIEW_PERSONAL_DATA, self.org)
            columns = member_export_columns(personal)
            rows = member_rows(records, root=self.org, on=on, personal=personal)
        elif ind.records == RecordKind.CANDIDATES:
            columns, rows = CANDIDATE_EXPORT_COLUMNS, candidate_rows(records)
        elif ind.records == RecordKind.MEETINGS:
            columns, rows = MEETING_EXPORT_COLUMNS, meeting_rows(records)
        else:
            columns, rows = ORG_EXPORT_COLUMNS, org_rows(records, member_totals(self.org, on))
        extra = [f"Số liệu: {row.display}."]
        if ind.time == PERIOD:
            extra.append(
                f"Kỳ: từ ngày {fmt_date(figure.query.period_start)} đến ngày {fmt_date(on)}."
            )
        return Export(
            name=export_name(
                f"chi-tieu-{file_slug(ind.code)}-{file_slug(row.key)}", self.org.code, on
            ),
            sheet_title="Chi tiết",
            columns=columns,
            rows=rows,
            preamble=preamble(
                f"{ind.title}: {row.label}", self.org, on=on, user=self.request.user, extra=extra
            ),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, on, figure, row, records = self.lookup()
        context.update(
            form=form, on=on, figure=figure, row=row, page_obj=paginate(self.request, records),
            members=figure.indicator.records == RecordKind.MEMBERS,
            candidates=figure.indicator.records == RecordKind.CANDIDATES,
            meetings=figure.indicator.records == RecordKind.MEETINGS,
        )  # fmt: skip
        return context
