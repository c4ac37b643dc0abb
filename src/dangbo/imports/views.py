"""Importing in the browser: upload, map the columns, read the dry run, confirm, follow progress."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views import View

from dangbo.accounts.access import check, scope_of
from dangbo.accounts.permissions import Capability
from dangbo.core.views import DangboView, OrgScopedView, apply_domain_error, paginate
from dangbo.organizations.selectors import ancestors_of

from . import reports, services, tasks
from .forms import ConfirmForm, DecisionForm, MappingForm, UploadForm
from .models import ImportJob, ImportRow
from .selectors import get_job, jobs_under, rows_of


def _check_kinds(request, job: ImportJob) -> None:
    for capability in services.capabilities_needed(job):
        check(request, capability, job.organization)


class ImportListView(OrgScopedView):
    """The imports of this subtree and the upload form."""

    capability = Capability.MANAGE_MEMBERS
    template_name = "imports/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", UploadForm())
        context["page_obj"] = paginate(self.request, jobs_under(self.org))
        return context

    def post(self, request, *args, **kwargs):
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            uploaded = form.cleaned_data["file"]
            try:
                job = _upload(request, self.org, uploaded)
            except ValidationError as exc:
                apply_domain_error(form, exc, {"file": "file"})
            else:
                if job.status == ImportJob.Status.QUEUED:
                    tasks.enqueue_analysis(job)
                return HttpResponseRedirect(reverse("import-detail", kwargs={"job": job.pk}))
        context = self.get_context_data(form=form)
        response = self.render_to_response(context)
        response.status_code = 400
        return response


def _upload(request, org, uploaded) -> ImportJob:
    if hasattr(uploaded, "temporary_file_path"):
        return services.upload(actor=request.user, organization=org,
                               path=Path(uploaded.temporary_file_path()), filename=uploaded.name)  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        path = services.copy_upload(uploaded, Path(folder))
        return services.upload(
            actor=request.user, organization=org, path=path, filename=uploaded.name
        )


class JobView(DangboView):
    """A page about one import, reached only inside the user's subtrees."""

    capability = Capability.MANAGE_MEMBERS

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.job = get_job(scope_of(request).paths(), kwargs["job"])
        check(request, self.capability, self.job.organization)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(job=self.job, org=self.job.organization, ancestors=ancestors_of(self.job.organization),
                       progress=services.progress_of(self.job))  # fmt: skip
        return context

    def back(self):
        return HttpResponseRedirect(reverse("import-detail", kwargs={"job": self.job.pk}))


class ImportDetailView(JobView):
    template_name = "imports/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.job
        action = self.request.GET.get("action", "")
        if action not in ImportRow.Action.values:
            action = ""
        severity = self.request.GET.get("severity", "")
        issues = job.issues.all()
        if severity in ("error", "warning"):
            issues = issues.filter(severity=severity)
        context.update(
            issues_page=paginate(self.request, issues),
            rows_page=_page(self.request, rows_of(job, action), "rows_page"),
            action=action,
            actions=ImportRow.Action.choices,
            summary=job.result or job.summary,
            mapping_form=kwargs.get("mapping_form") or (MappingForm(job=job) if job.status in (ImportJob.Status.MAPPING,) else None),
            confirm_form=kwargs.get("confirm_form") or ConfirmForm(),
            conflicts=_conflicts(job, kwargs.get("decision_form")),
            decision_errors=_unplaced_errors(job, kwargs.get("decision_form")),
            identity_rows=rows_of(job).exclude(identity_changes={}).filter(action="UPDATE")[:200],
        )  # fmt: skip
        return context


def _unplaced_errors(job: ImportJob, bound: DecisionForm | None) -> list[str]:
    """The errors of a decision posted for a row that is not a conflict (no form shows them)."""
    if bound is None or not bound.errors:
        return []
    rows = {(r.sheet, str(r.row)) for r in services.conflict_rows(job)[:500]}
    if (bound.data.get("sheet"), bound.data.get("row")) in rows:
        return []
    return [m for messages_ in bound.errors.values() for m in messages_]


def _conflicts(job: ImportJob, bound: DecisionForm | None) -> list[tuple[ImportRow, DecisionForm]]:
    """The conflicting rows of the dry run, each with its decision form."""
    found = []
    for row in services.conflict_rows(job)[:500]:
        form = DecisionForm(initial={
            "sheet": row.sheet, "row": row.row, "decision": job.decisions.get(f"{row.sheet}:{row.row}", ""),
        })  # fmt: skip
        if bound is not None and (bound.data.get("sheet"), bound.data.get("row")) == (
            row.sheet,
            str(row.row),
        ):
            form = bound
        form.auto_id = f"quyet-dinh-{row.pk}-%s"  # one page holds a form per row
        found.append((row, form))
    return found


def _page(request, queryset, name):
    from dangbo.core.paging import CheapCountPaginator

    return CheapCountPaginator(queryset, 50).get_page(request.GET.get(name))


class ProgressView(JobView):
    """The progress bar, asked again every second by htmx while the job runs."""

    template_name = "imports/_progress.html"


class MappingView(JobView):
    http_method_names = ["post"]
    template_name = "imports/detail.html"

    def post(self, request, *args, **kwargs):
        form = MappingForm(request.POST, job=self.job)
        if form.is_valid():
            try:
                job = services.set_mapping(actor=request.user, job=self.job, choices=form.choices())
            except ValidationError as exc:
                apply_domain_error(form, exc, {"mapping": "__all__"})
            else:
                tasks.enqueue_analysis(job)
                return self.back()
        response = self.render_to_response(self.get_context_data(mapping_form=form))
        response.status_code = 400
        return response


class ConfirmView(JobView):
    http_method_names = ["post"]
    template_name = "imports/detail.html"

    def post(self, request, *args, **kwargs):
        _check_kinds(request, self.job)
        form = ConfirmForm(request.POST)
        if form.is_valid():
            try:
                job = services.confirm(actor=request.user, job=self.job, mode=form.cleaned_data["mode"],
                                       confirm_matches=form.cleaned_data["confirm_matches"])  # fmt: skip
            except ValidationError as exc:
                apply_domain_error(form, exc)
            else:
                tasks.enqueue_import(job)
                messages.success(
                    request, "Đã bắt đầu nhập. Bạn có thể rời trang này và quay lại sau."
                )
                return self.back()
        response = self.render_to_response(self.get_context_data(confirm_form=form))
        response.status_code = 400
        return response


class DecideView(ImportDetailView):
    """The decision on one conflicting row; the dry run is run again to show it."""

    http_method_names = ["post"]
    template_name = "imports/detail.html"

    def post(self, request, *args, **kwargs):
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                job = services.decide(actor=request.user, job=self.job,
                                      decisions={form.key(): form.cleaned_data["decision"]})  # fmt: skip
            except ValidationError as exc:
                apply_domain_error(form, exc, {"decisions": "decision"})
            else:
                if job.status == ImportJob.Status.QUEUED:
                    tasks.enqueue_analysis(job)
                messages.success(request, "Đã ghi quyết định; hệ thống đang kiểm tra lại tệp.")
                return self.back()
        response = self.render_to_response(self.get_context_data(decision_form=form))
        response.status_code = 400
        return response


class CancelView(JobView):
    http_method_names = ["post"]
    template_name = "imports/detail.html"

    def post(self, request, *args, **kwargs):
        try:
            services.cancel(actor=request.user, job=self.job)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Đã hủy lần nhập này; không có gì được ghi.")
        return self.back()


class ReportView(View):
    """The error report: the file's rows with their errors beside them, and a list of all errors."""

    capability = Capability.MANAGE_MEMBERS

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return HttpResponseRedirect(f"{reverse('login')}?next={request.path}")
        job = get_job(scope_of(request).paths(), kwargs["job"])
        check(request, self.capability, job.organization)
        return reports.report_response(job)

    def post(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return HttpResponseRedirect(f"{reverse('login')}?next={request.path}")
        get_job(scope_of(request).paths(), kwargs["job"])
        raise PermissionDenied
