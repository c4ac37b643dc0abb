"""The data-quality page of a subtree: totals per check, counts per organization, the findings."""

from __future__ import annotations

from django.utils import timezone

from dangbo.accounts.access import scope_of
from dangbo.accounts.permissions import Capability
from dangbo.core.views import OrgScopedView, paginate
from dangbo.core.xlsx import xlsx_response

from .exports import report_sheets
from .selectors import findings_under

# Rows of the per-organization table shown on the page (the workbook has them all).
ORG_ROWS_SHOWN = 300


class QualityView(OrgScopedView):
    """What the checks find in the subtree; ``?check=`` narrows, ``?export=xlsx`` downloads."""

    capability = Capability.MANAGE_MEMBERS
    template_name = "quality/quality.html"

    def get(self, request, *args, **kwargs):
        scope = scope_of(request)
        self.report = findings_under(
            self.org, today=timezone.localdate(), can=lambda c: scope.can(c, self.org)
        )
        check = request.GET.get("check", "")
        self.check = check if check in self.report.titles else ""
        if request.GET.get("export") == "xlsx":
            suffix = f"-{self.check}" if self.check else ""
            filename = f"chat-luong-du-lieu-{self.org.code}{suffix}.xlsx"
            return xlsx_response(filename, report_sheets(self.report, self.check))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.report
        # The per-organization table has a column for each check that found something.
        shown = [c for c in report.checks if c.count]
        context.update(
            report=report,
            check=self.check,
            check_label=report.titles.get(self.check, ""),
            check_choices=list(report.titles.items()),
            org_columns=shown,
            org_rows=[
                (row, [(c.label, row.counts[c.code]) for c in shown])
                for row in report.rows[:ORG_ROWS_SHOWN]
            ],
            org_rows_hidden=max(len(report.rows) - ORG_ROWS_SHOWN, 0),
            page_obj=paginate(self.request, report.findings_for(self.check)),
        )
        return context
