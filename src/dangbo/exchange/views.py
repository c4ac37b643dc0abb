"""The exchange workbook pages: what the file holds, an export written in the background, its file."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from dangbo.accounts.access import check, scope_of
from dangbo.accounts.permissions import Capability
from dangbo.core.views import DangboView, OrgScopedView, paginate
from dangbo.organizations.selectors import ancestors_of

from . import jobs
from .format import FORMAT_VERSION, SHEETS
from .selectors import exports_under, get_export

# The file carries users and roles.
CAPABILITY = Capability.MANAGE_USERS


class ExchangeView(OrgScopedView):
    """/o/<code>/exchange/: explains the exchange workbook, lists its exports; POST asks one."""

    capability = CAPABILITY
    template_name = "exchange/exchange.html"

    def post(self, request, *args, **kwargs):
        job = jobs.request_export(actor=request.user, organization=self.org)
        messages.success(
            request, "Đã bắt đầu xuất tệp trao đổi. Bạn có thể rời trang này và quay lại sau."
        )
        return HttpResponseRedirect(reverse("exchange-export", kwargs={"export": job.pk}))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sheets"] = SHEETS
        context["version"] = FORMAT_VERSION
        context["today"] = timezone.localdate()
        context["page_obj"] = paginate(self.request, exports_under(self.org))
        return context


class ExportView(DangboView):
    """One export, reached only inside the user's subtrees: progress, then the download link."""

    capability = CAPABILITY
    template_name = "exchange/export.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.job = get_export(scope_of(request).paths(), kwargs["export"])
        check(request, self.capability, self.job.organization)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(job=self.job, org=self.job.organization, ancestors=ancestors_of(self.job.organization),
                       progress=jobs.progress_of(self.job))  # fmt: skip
        return context


class ExportProgressView(ExportView):
    """The progress bar, asked again every second by htmx while the export runs."""

    template_name = "exchange/_export_progress.html"


class ExportFileView(ExportView):
    """The file of a finished export (each download is recorded)."""

    def get(self, request, *args, **kwargs):
        try:
            return jobs.download(actor=request.user, job=self.job)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(reverse("exchange-export", kwargs={"export": self.job.pk}))
