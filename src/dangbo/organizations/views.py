"""The organization tree in the browser: tree, organization page, re-arranging forms, audit log."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from dangbo.accounts.access import scope_of
from dangbo.accounts.permissions import Capability
from dangbo.audit.actions import action_label, changes
from dangbo.core.exports import Export, ExportableListMixin, export_name, preamble
from dangbo.core.views import (
    OrgScopedView,
    ServiceFormMixin,
    decision_of,
    keyset_paginate,
)
from dangbo.members import restructuring
from dangbo.members.models import Status
from dangbo.members.selectors import counts_by_child, members_in

from . import exports, rules, services
from .forms import (
    AsOfForm,
    AuditFilterForm,
    ChangeKindForm,
    DetailsForm,
    DissolveForm,
    FoundForm,
    MergeForm,
    MoveForm,
    RenameForm,
    RestoreForm,
)  # fmt: skip
from .models import Organization, OrgKind
from .selectors import (
    audit_entries,
    children_of,
    events_of,
    get_org,
    history_of,
    positions_under,
)


def as_of(request) -> tuple[AsOfForm, dt.date | None]:
    """Return the "as of date" form and the date it holds (None: today's tree)."""
    form = AsOfForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["on"]
    return form, None


def tree_rows(org: Organization, on: dt.date | None) -> list[dict] | None:
    """Return the rows of ``org``'s children with their counts (None if ``org`` did not exist on ``on``)."""
    counts = counts_by_child(org, on)
    rows = []
    if on is None:
        children = list(children_of(org))
        with_children = set(
            Organization.objects.filter(parent__in=children, dissolved_on__isnull=True).values_list(
                "parent_id", flat=True
            )
        )
        for child in children:
            rows.append(
                {
                    "code": child.code,
                    "name": child.name,
                    "kind": child.get_kind_display(),
                    "org": child,
                    "has_children": child.pk in with_children,
                    **counts.get(child.path, {"members": 0, "grassroots": 0}),
                }
            )
        return rows
    positions = positions_under(org, on)
    root = positions.filter(organization=org).first()
    if root is None:
        return None
    children = list(positions.filter(depth=root.depth + 1).order_by("organization__code"))
    with_children = set(positions.filter(depth=root.depth + 2).values_list("parent_id", flat=True))
    for pos in children:
        rows.append(
            {
                "code": pos.organization.code,
                "name": pos.name,
                "kind": pos.get_kind_display(),
                "org": pos.organization,
                "has_children": pos.organization_id in with_children,
                **counts.get(pos.path, {"members": 0, "grassroots": 0}),
            }
        )
    return rows


class OrgDetailView(OrgScopedView):
    """The organization page: details, size warnings, children, events and history."""

    capability = Capability.VIEW_ORGS
    template_name = "organizations/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = self.org
        form, on = as_of(self.request)
        scope = scope_of(self.request)
        context.update(
            as_of_form=form,
            on=on,
            rows=tree_rows(org, on),
            events=events_of(org),
            history=history_of(org),
            can_manage=scope.can(Capability.MANAGE_ORGS, org),
            can_members=scope.can(Capability.VIEW_MEMBERS, org),
            can_audit=scope.can(Capability.VIEW_AUDIT, org),
            warnings=self.warnings(),
        )
        if on is not None:
            context["on_query"] = f"on={on:%d/%m/%Y}"
        return context

    def warnings(self):
        org = self.org
        if org.dissolved_on is not None or not (
            org.is_cell or org.kind == OrgKind.GRASSROOTS_DANG_BO
        ):
            return []
        members = members_in(org)
        return rules.structure_warnings(
            kind=org.kind, member_count=members.count(), official_count=members.filter(status=Status.OFFICIAL).count(),
            is_cell=org.is_cell, is_grassroots_cell=org.kind == OrgKind.GRASSROOTS_CELL,
            is_grassroots_dang_bo=org.kind == OrgKind.GRASSROOTS_DANG_BO,
        )  # fmt: skip


class OrgTreeView(ExportableListMixin, OrgScopedView):
    """The tree browser; an htmx request gets only the children rows (to expand a node).

    ``?export=xlsx`` downloads the whole subtree (the organization and every
    organization under it, in tree order), now or as it stood on ``on``.
    """

    capability = Capability.VIEW_ORGS
    template_name = "organizations/tree.html"
    partial_template_name = "organizations/_tree_rows.html"

    def get_export(self, fmt):
        _, on = as_of(self.request)
        day = on or timezone.localdate()
        return Export(
            name=export_name("to-chuc", self.org.code, day),
            sheet_title="Tổ chức đảng",
            columns=exports.ORG_EXPORT_COLUMNS,
            rows=exports.tree_rows(self.org, on),
            preamble=preamble(
                "Danh sách tổ chức đảng", self.org, on=day, user=self.request.user,
                extra=[] if on is None else [
                    f"Tên, loại tổ chức và cấp trên theo cây tổ chức tại ngày {day:%d/%m/%Y}; "
                    "các thông tin khác là hiện nay."
                ],
            ),
        )  # fmt: skip

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, on = as_of(self.request)
        context.update(
            as_of_form=form,
            on=on,
            rows=tree_rows(self.org, on),
            on_query=f"on={on:%d/%m/%Y}" if on else "",
        )
        return context


class OrgFormView(ServiceFormMixin, OrgScopedView):
    """A form that changes the organization in the URL through one service."""

    capability = Capability.MANAGE_ORGS
    template_name = "organizations/form.html"
    title = ""
    submit_label = "Lưu"
    intro = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=self.title, submit_label=self.submit_label, intro=self.intro)
        return context

    def get_success_url(self, result) -> str:
        org = result if isinstance(result, Organization) else self.org
        return reverse("org-detail", kwargs={"code": org.code})

    def scoped_org(
        self, form, field: str, capability: Capability = Capability.MANAGE_ORGS
    ) -> Organization | None:
        """Return the organization whose code the user typed in ``field``, if in their scope, else a field error."""
        code = (form.cleaned_data.get(field) or "").strip()
        if not code:
            return None
        try:
            return get_org(scope_of(self.request).paths(capability), code)
        except Http404:
            form.add_error(field, f"Không có tổ chức mã «{code}» trong phạm vi bạn quản lý.")
            return None


class FoundChildView(OrgFormView):
    title = "Thành lập tổ chức trực thuộc"
    submit_label = "Thành lập"
    form_class = FoundForm
    field_map = {"parent": "__all__", "established_decision": "decision_number"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["intro"] = f"Tổ chức mới trực thuộc «{self.org.name}»."
        return context

    def perform(self, form):
        data = form.cleaned_data
        return services.found_organization(
            actor=self.request.user, code=data["code"], name=data["name"], kind=data["kind"], parent=self.org,
            established_on=data["established_on"], decision=decision_of(data), sector=data["sector"],
            committee_name=data["committee_name"].strip(), place_name=data["place_name"].strip(),
        )  # fmt: skip

    def get_success_message(self, org) -> str:
        return f"Đã thành lập «{org.name}»."


class EditDetailsView(OrgFormView):
    title = "Sửa thông tin tổ chức"
    form_class = DetailsForm

    def get_form(self, data=None):
        # The form edits a copy: the service applies the changes to the real row.
        return DetailsForm(data=data, instance=Organization(**{
            f.attname: getattr(self.org, f.attname) for f in Organization._meta.concrete_fields
        }))  # fmt: skip

    def perform(self, form):
        changes = {name: form.cleaned_data[name] for name in DetailsForm.Meta.fields}
        return services.update_organization(actor=self.request.user, org=self.org, **changes)

    def get_success_message(self, org) -> str:
        return f"Đã cập nhật thông tin «{org.name}»."


class RenameView(OrgFormView):
    title = "Đổi tên tổ chức"
    form_class = RenameForm

    def perform(self, form):
        data = form.cleaned_data
        old = self.org.name
        org = services.rename_organization(
            actor=self.request.user,
            org=self.org,
            name=data["name"],
            on=data["happened_on"],
            decision=decision_of(data),
        )
        self.old_name = old
        return org

    def get_success_message(self, org) -> str:
        return f"Đã đổi tên «{self.old_name}» thành «{org.name}»."


class ChangeKindView(OrgFormView):
    title = "Chuyển loại tổ chức"
    form_class = ChangeKindForm

    def get_initial(self):
        return {"kind": self.org.kind}

    def perform(self, form):
        data = form.cleaned_data
        return services.change_kind(
            actor=self.request.user,
            org=self.org,
            kind=data["kind"],
            on=data["happened_on"],
            decision=decision_of(data),
        )

    def get_success_message(self, org) -> str:
        return f"«{org.name}» nay là {org.get_kind_display()}."


class MoveView(OrgFormView):
    title = "Chuyển trực thuộc"
    submit_label = "Chuyển"
    form_class = MoveForm

    def perform(self, form):
        data = form.cleaned_data
        new_parent = self.scoped_org(form, "new_parent")
        if new_parent is None:
            return None
        return services.move_organization(
            actor=self.request.user,
            org=self.org,
            new_parent=new_parent,
            on=data["happened_on"],
            decision=decision_of(data),
        )

    def get_success_message(self, org) -> str:
        return f"Đã chuyển «{org.name}» về trực thuộc «{org.parent.name}»."


class DissolveView(OrgFormView):
    title = "Giải thể tổ chức"
    submit_label = "Giải thể"
    form_class = DissolveForm
    field_map = {"organization": "move_members_to"}

    def perform(self, form):
        data = form.cleaned_data
        target = self.scoped_org(form, "move_members_to", Capability.MANAGE_MEMBERS)
        if data["move_members_to"] and target is None:
            return None
        return restructuring.dissolve_organization(
            actor=self.request.user,
            org=self.org,
            on=data["happened_on"],
            decision=decision_of(data),
            move_members_to=target,
        )

    def get_success_message(self, org) -> str:
        return f"Đã giải thể «{org.name}» từ ngày {org.dissolved_on:%d/%m/%Y}."


class MergeView(OrgFormView):
    title = "Sáp nhập vào tổ chức khác"
    submit_label = "Sáp nhập"
    form_class = MergeForm

    def perform(self, form):
        data = form.cleaned_data
        target = self.scoped_org(form, "target")
        if target is None:
            return None
        self.merged_name = self.org.name
        return restructuring.merge_organizations(
            actor=self.request.user,
            sources=[self.org],
            target=target,
            on=data["happened_on"],
            decision=decision_of(data),
        )

    def get_success_message(self, target) -> str:
        return f"Đã sáp nhập «{self.merged_name}» vào «{target.name}»."


class RestoreView(OrgFormView):
    title = "Khôi phục tổ chức đã giải thể"
    submit_label = "Khôi phục"
    form_class = RestoreForm

    def perform(self, form):
        data = form.cleaned_data
        return services.restore_organization(
            actor=self.request.user, org=self.org, on=data["happened_on"], note=data["note"]
        )

    def get_success_message(self, org) -> str:
        return f"Đã khôi phục «{org.name}»."


class AuditLogView(ExportableListMixin, OrgScopedView):
    """Changes recorded in the organization's subtree, newest first (``?export=xlsx``: all of them)."""

    capability = Capability.VIEW_AUDIT
    template_name = "organizations/audit.html"

    def filter_form(self) -> AuditFilterForm:
        params = self.request.GET.copy()
        for key in ("export", "page"):
            params.pop(key, None)
        return AuditFilterForm(params if params else None, org=self.org)

    def entries(self, form: AuditFilterForm | None = None):
        form = form or self.filter_form()
        return audit_entries(self.org, **form.filters())

    def get_export(self, fmt):
        day = timezone.localdate()
        form = self.filter_form()
        return Export(
            name=export_name("nhat-ky", self.org.code, day),
            sheet_title="Nhật ký thay đổi",
            columns=exports.AUDIT_EXPORT_COLUMNS,
            rows=exports.audit_rows(self.entries(form)),
            preamble=preamble(
                "Nhật ký thay đổi", self.org, on=day, user=self.request.user,
                filters=exports.audit_filter_lines(form),
            ),
        )  # fmt: skip

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.filter_form()
        # Newest first, through the index on the time: page 1.000 costs what page 1 does.
        page = keyset_paginate(self.request, self.entries(form), ("-at", "-id"))
        for entry in page:
            entry.action_label = action_label(entry.action)
            entry.changes = changes(entry.target_type, entry.before, entry.after)
        context.update(page_obj=page, filter_form=form, filtered=bool(form.filters()))
        return context
