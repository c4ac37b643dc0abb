"""The exchange workbook page: what the file holds, and its download."""

from __future__ import annotations

import tempfile

from django.http import FileResponse
from django.utils import timezone

from dangbo.accounts.permissions import Capability
from dangbo.core.views import OrgScopedView
from dangbo.core.xlsx import XLSX_CONTENT_TYPE

from .exporting import exchange_filename, export_exchange
from .format import FORMAT_VERSION, SHEETS


def exchange_download(org, user) -> FileResponse:
    """The exchange workbook of ``org``'s subtree as a download (written to a temporary file)."""
    on = timezone.localdate()
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by FileResponse
    export_exchange(org, handle, on=on, actor=user)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=exchange_filename(org, on),
        content_type=XLSX_CONTENT_TYPE,
    )


class ExchangeView(OrgScopedView):
    """/o/<code>/exchange/: explains the exchange workbook; ``?download=1`` downloads it."""

    # The file carries users and roles.
    capability = Capability.MANAGE_USERS
    template_name = "exchange/exchange.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("download"):
            return exchange_download(self.org, request.user)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sheets"] = SHEETS
        context["version"] = FORMAT_VERSION
        context["today"] = timezone.localdate()
        return context
