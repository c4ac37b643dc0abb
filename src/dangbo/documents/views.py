"""The outgoing register (sổ đăng ký văn bản đi) of a subtree, in the browser and as XLSX."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.utils import timezone

from dangbo.accounts.access import scope_of
from dangbo.accounts.permissions import Capability
from dangbo.core.errors import DomainError
from dangbo.core.exports import (
    Export,
    ExportableListMixin,
    describe_filters,
    export_name,
    preamble,
)
from dangbo.core.formatting import fmt_date
from dangbo.core.views import OrgScopedView, paginate

from . import selectors, services
from .exports import REGISTER_COLUMNS, register_rows
from .forms import RegisterFilterForm, TermForm
from .models import CommitteeTerm


class RegisterView(ExportableListMixin, OrgScopedView):
    """Every document the subtree's committees issued, with its number, date, summary, signer and
    file; ``?export=xlsx`` downloads the same list. A committee administrator records the
    committee's terms here (numbering starts again from 01 in each)."""

    capability = Capability.VIEW_MEMBERS
    template_name = "documents/register.html"

    def filters(self) -> RegisterFilterForm:
        return RegisterFilterForm(self.request.GET or None)

    def entries(self):
        form = self.filters()
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        return selectors.register_under(
            self.org, doc_type=data.get("doc_type") or "", year=data.get("year")
        )

    def get_export(self, fmt):
        day = timezone.localdate()
        return Export(
            name=export_name("so-van-ban-di", self.org.code, day),
            sheet_title="Sổ văn bản đi",
            columns=REGISTER_COLUMNS,
            rows=register_rows(self.entries()),
            preamble=preamble(
                "Sổ đăng ký văn bản đi", self.org, on=day, user=self.request.user,
                filters=describe_filters(self.filters()),
            ),
        )  # fmt: skip

    def can_manage(self) -> bool:
        return scope_of(self.request).can(Capability.MANAGE_ORGS, self.org)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page_obj = paginate(self.request, self.entries())
        context.update(
            filter_form=self.filters(),
            page_obj=page_obj,
            rows=[(e, selectors.file_url(e)) for e in page_obj],
            terms=CommitteeTerm.objects.filter(organization=self.org),
            can_manage=self.can_manage(),
        )
        if context["can_manage"]:
            context.setdefault("term_form", TermForm())
        return context

    def post(self, request, *args, **kwargs):
        if not self.can_manage():
            raise PermissionDenied("Chỉ quản trị cấp ủy ghi được nhiệm kỳ cấp ủy.")
        form = TermForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                term = services.record_term(
                    actor=request.user, organization=self.org, label=data["label"],
                    starts_on=data["starts_on"], ends_on=data["ends_on"],
                )  # fmt: skip
            except DomainError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(
                    request, f"Đã ghi nhiệm kỳ {term.label} từ ngày {fmt_date(term.starts_on)}."
                )
                return HttpResponseRedirect(request.path)
        context = self.get_context_data(term_form=form)
        return self.render_to_response(context, status=400)
