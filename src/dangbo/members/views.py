"""The member registry in the browser: list and search, member page, registering and recording events."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views import View

from dangbo.accounts.access import member_for, scope_of
from dangbo.accounts.permissions import Capability
from dangbo.core import codes
from dangbo.core.exports import CSV, XLSX, ExportableListMixin
from dangbo.core.views import DangboView, OrgScopedView, ServiceFormMixin, paginate
from dangbo.organizations.models import Organization
from dangbo.organizations.selectors import ancestors_of

from . import services
from .exports import member_list_export
from .forms import (
    AddMemberForm,
    EndPositionForm,
    EventForm,
    IdentityForm,
    MemberFilterForm,
    PositionForm,
    ReasonForm,
    cells_within,
)  # fmt: skip
from .selectors import MemberFilter, age_years, events_of, members_in, party_age_years


def member_filter(form: MemberFilterForm) -> MemberFilter:
    """Return the filter the valid fields of ``form`` describe (an invalid field is left out)."""
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    values = {
        name: data.get(name)
        for name in MemberFilterForm.base_fields
        if data.get(name) not in (None, "")
    }
    return MemberFilter(**values)


class MemberListView(ExportableListMixin, OrgScopedView):
    """Members of the subtree with filters and accent-insensitive search, 50 per page.

    The search box asks again as you type (htmx) and only the results are swapped.
    With ``?export=xlsx`` or ``?export=csv`` the whole filtered list downloads.
    """

    capability = Capability.VIEW_MEMBERS
    template_name = "members/list.html"
    partial_template_name = "members/_results.html"
    export_formats = (XLSX, CSV)

    def get_export(self, fmt):
        form = MemberFilterForm(self.request.GET)
        f = member_filter(form)
        return member_list_export(self.request, self.org, form, members_in(self.org, f), f.on)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = MemberFilterForm(self.request.GET)
        page = paginate(self.request, members_in(self.org, member_filter(form)))
        context.update(
            filter_form=form,
            page_obj=page,
            can_manage=scope_of(self.request).can(Capability.MANAGE_MEMBERS, self.org),
        )
        return context


class MemberScopedView(DangboView):
    """A page about one member, reached through ``accounts.access.member_for``."""

    capability: Capability

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.member = member_for(request, kwargs["pk"], self.capability)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = self.member
        scope = scope_of(self.request)
        context["member"] = member
        org = member.organization
        if org is not None and scope.covers(org):
            context["org"] = org
            context["ancestors"] = ancestors_of(org)
        context["can_manage"] = org is not None and scope.can(Capability.MANAGE_MEMBERS, org)
        return context

    def detail_url(self) -> str:
        return reverse("member-detail", kwargs={"pk": self.member.pk})


class MemberDetailView(MemberScopedView):
    capability = Capability.VIEW_MEMBERS
    template_name = "members/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = self.member
        context.update(
            events=events_of(member),
            states=member.states.select_related("organization").order_by("valid_from"),
            positions=member.positions.select_related("organization").order_by("-started_on"),
            age=age_years(member),
            party_age=party_age_years(member) if member.admitted_on else None,
            ethnicity=codes.name_of("ethnicity", member.ethnicity),
            religion=codes.name_of("religion", member.religion),
            general_education=codes.name_of("general_education", member.general_education),
        )  # fmt: skip
        return context


class AddMemberView(ServiceFormMixin, OrgScopedView):
    """Register a member admitted into a cell of the subtree."""

    capability = Capability.MANAGE_MEMBERS
    template_name = "members/form.html"
    form_class = AddMemberForm

    def get_form_kwargs(self):
        return {"cells": cells_within([self.org.path])}

    def get_initial(self):
        return {"organization": self.org.pk} if self.org.is_cell else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title="Thêm đảng viên", submit_label="Thêm đảng viên")
        return context

    def perform(self, form):
        data = form.cleaned_data
        return services.create_member(
            actor=self.request.user, organization=data["organization"], admitted_on=data["admitted_on"],
            official_on=data["official_on"], admission_decision=data["admission_decision"],
            official_decision=data["official_decision"], **form.identity(),
        )  # fmt: skip

    def get_success_message(self, member) -> str:
        return f"Đã thêm đảng viên {member.full_name}."

    def get_success_url(self, member) -> str:
        return reverse("member-detail", kwargs={"pk": member.pk})


class MemberFormView(ServiceFormMixin, MemberScopedView):
    capability = Capability.MANAGE_MEMBERS
    template_name = "members/form.html"
    title = ""
    submit_label = "Lưu"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=self.title, submit_label=self.submit_label)
        return context

    def get_success_url(self, result) -> str:
        return self.detail_url()


class EditIdentityView(MemberFormView):
    title = "Sửa thông tin đảng viên"
    form_class = IdentityForm

    def get_initial(self):
        return {name: getattr(self.member, name) or "" for name in IdentityForm.base_fields} | {
            "date_of_birth": self.member.date_of_birth
        }

    def perform(self, form):
        return services.update_member(
            actor=self.request.user, member=self.member, **form.identity()
        )

    def get_success_message(self, member) -> str:
        return f"Đã cập nhật thông tin đảng viên {member.full_name}."


class RecordEventView(MemberFormView):
    title = "Ghi sự kiện"
    submit_label = "Ghi sự kiện"
    form_class = EventForm

    def get_form_kwargs(self):
        return {"cells": cells_within(scope_of(self.request).paths(Capability.MANAGE_MEMBERS))}

    def get_initial(self):
        return {"kind": self.request.GET.get("kind", "")}

    def perform(self, form):
        data = form.cleaned_data
        return services.record_event(
            actor=self.request.user, member=self.member, kind=data["kind"], happened_on=data["happened_on"],
            organization=data["organization"], decision_number=data["decision_number"],
            decision_signed_on=data["decision_signed_on"], decision_issuer=data["decision_issuer"],
            other_party=data["other_party"], grounds=data["grounds"], note=data["note"],
        )  # fmt: skip

    def get_success_message(self, event) -> str:
        return f"Đã ghi sự kiện «{event.get_kind_display()}» ngày {event.happened_on:%d/%m/%Y}."


class VoidEventView(MemberFormView):
    title = "Hủy sự kiện ghi nhầm"
    submit_label = "Hủy sự kiện"
    form_class = ReasonForm

    def get_event(self):
        event = events_of(self.member).filter(pk=self.kwargs["event_pk"]).first()
        if event is None:
            raise Http404("Không tìm thấy sự kiện.")
        return event

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["event"] = self.get_event()
        return context

    def perform(self, form):
        return services.void_event(
            actor=self.request.user, event=self.get_event(), reason=form.cleaned_data["reason"]
        )

    def get_success_message(self, event) -> str:
        return f"Đã hủy sự kiện «{event.get_kind_display()}» ngày {event.happened_on:%d/%m/%Y}."


class VoidMemberView(MemberFormView):
    title = "Hủy hồ sơ đảng viên ghi nhầm"
    submit_label = "Hủy hồ sơ"
    form_class = ReasonForm

    def perform(self, form):
        return services.void_member(
            actor=self.request.user, member=self.member, reason=form.cleaned_data["reason"]
        )

    def get_success_message(self, member) -> str:
        return f"Đã hủy hồ sơ của {member.full_name}. Hồ sơ vẫn được lưu và có thể khôi phục."


class PositionView(MemberFormView):
    title = "Giao chức vụ"
    form_class = PositionForm

    def get_form_kwargs(self):
        org = self.member.organization
        scope = scope_of(self.request)
        candidates = [*ancestors_of(org), org] if org is not None else []
        ids = [o.pk for o in candidates if scope.can(Capability.MANAGE_MEMBERS, o)]
        return {"orgs": Organization.objects.filter(pk__in=ids).order_by("path")}

    def get_initial(self):
        return {"organization": self.member.organization_id}

    def perform(self, form):
        data = form.cleaned_data
        return services.assign_position(
            actor=self.request.user, member=self.member, title=data["title"], organization=data["organization"],
            started_on=data["started_on"], ended_on=data["ended_on"], decision_number=data["decision_number"],
        )  # fmt: skip

    def get_success_message(self, position) -> str:
        return f"Đã ghi chức vụ {position.get_title_display()} — {position.organization.name}."


class EndPositionView(MemberFormView):
    title = "Kết thúc chức vụ"
    form_class = EndPositionForm

    def get_position(self):
        position = (
            self.member.positions.select_related("organization")
            .filter(pk=self.kwargs["position_pk"])
            .first()
        )
        if position is None:
            raise Http404("Không tìm thấy chức vụ.")
        return position

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["position"] = self.get_position()
        return context

    def perform(self, form):
        return services.end_position(
            actor=self.request.user,
            position=self.get_position(),
            ended_on=form.cleaned_data["ended_on"],
        )

    def get_success_message(self, position) -> str:
        return f"Đã kết thúc chức vụ {position.get_title_display()} từ ngày {position.ended_on:%d/%m/%Y}."


class MemberActionView(LoginRequiredMixin, View):
    """A one-button write on a member (POST only): restore an event or a record."""

    http_method_names = ["post"]
    capability = Capability.MANAGE_MEMBERS

    def post(self, request, *args, **kwargs):
        self.member = member_for(request, kwargs["pk"], self.capability)
        try:
            message = self.perform()
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        else:
            messages.success(request, message)
        return HttpResponseRedirect(reverse("member-detail", kwargs={"pk": self.member.pk}))

    def perform(self) -> str:  # pragma: no cover
        raise NotImplementedError


class RestoreEventView(MemberActionView):
    def perform(self) -> str:
        event = events_of(self.member).filter(pk=self.kwargs["event_pk"]).first()
        if event is None:
            raise Http404("Không tìm thấy sự kiện.")
        services.restore_event(actor=self.request.user, event=event)
        return (
            f"Đã khôi phục sự kiện «{event.get_kind_display()}» ngày {event.happened_on:%d/%m/%Y}."
        )


class RestoreMemberView(MemberActionView):
    def perform(self) -> str:
        services.restore_member(actor=self.request.user, member=self.member)
        return f"Đã khôi phục hồ sơ của {self.member.full_name}."
