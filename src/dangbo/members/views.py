"""The member registry in the browser: list and search, member page, registering and recording events."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views import View

from dangbo.accounts.access import member_for, scope_of
from dangbo.accounts.permissions import Capability
from dangbo.core import codes
from dangbo.core.documents import docx_response, render_docx
from dangbo.core.exports import CSV, XLSX, ExportableListMixin
from dangbo.core.views import (
    DangboView,
    OrgScopedView,
    ServiceFormMixin,
    apply_domain_error,
    keyset_paginate,
    paginate,
)
from dangbo.organizations.models import Organization
from dangbo.organizations.selectors import ancestors_of

from . import services, transfers
from .access import can_act, require_side, sees_personal_data, transfer_for
from .exports import member_list_export
from .forms import (
    AddMemberForm,
    ArrivalForm,
    EndPositionForm,
    EventForm,
    IdentityForm,
    IncomingForm,
    LetterForm,
    MemberFilterForm,
    PositionForm,
    ReasonForm,
    ReturnForm,
    TemporaryTransferForm,
    TransferFilterForm,
    TransferForm,
    cells_within,
    destination_cells,
)  # fmt: skip
from .letters import letter_filename, letter_issuing_org, transfer_letter_document
from .lifecycle_rules import REGULATION_STRIKING_GROUNDS
from .models import ACTIVE_STATUSES, OPEN_TRANSFER_STATUSES, MemberEvent, Status, Transfer
from .selectors import (
    MEMBER_LIST_KEYS,
    Calendars,
    MemberFilter,
    age_years,
    events_of,
    members_in,
    open_transfer_of,
    party_age_years,
    temporary_members_in,
    transfer_clock,
    transfers_in,
)
from .striking import striking_candidates, striking_sources

STATUS_LABELS = dict(Status.choices)


def member_filter(form: MemberFilterForm, *, personal: bool = True) -> MemberFilter:
    """Return the filter the valid fields of ``form`` describe (an invalid field is left out);
    the search matches identity numbers only when ``personal``."""
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    values = {
        name: data.get(name)
        for name in MemberFilterForm.base_fields
        if data.get(name) not in (None, "")
    }
    return MemberFilter(**values, personal=personal)


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
        personal = scope_of(self.request).can(Capability.VIEW_PERSONAL_DATA, self.org)
        f = member_filter(form, personal=personal)
        return member_list_export(
            self.request, self.org, form, members_in(self.org, f), f.on, personal=personal
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = MemberFilterForm(self.request.GET)
        personal = scope_of(self.request).can(Capability.VIEW_PERSONAL_DATA, self.org)
        page = keyset_paginate(
            self.request,
            members_in(self.org, member_filter(form, personal=personal)),
            MEMBER_LIST_KEYS,
        )
        # One reverse() for the page, not one per row (the URL differs only by the id).
        detail = reverse("member-detail", kwargs={"pk": 0})
        for m in page.object_list:
            # As of a past date (members_in annotates the status of that day).
            m.status_then_label = STATUS_LABELS.get(getattr(m, "status_then", None) or "", "")
            m.detail_url = detail.replace("/0/", f"/{m.pk}/")
        context.update(
            filter_form=form,
            page_obj=page,
            can_manage=scope_of(self.request).can(Capability.MANAGE_MEMBERS, self.org),
            can_transfers=scope_of(self.request).can(Capability.VIEW_TRANSFERS, self.org),
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
        context["personal"] = sees_personal_data(self.request, member)
        for name, capability in (
            ("can_manage_admissions", Capability.MANAGE_ADMISSIONS),
            ("can_manage_awards", Capability.MANAGE_AWARDS),
            ("can_see_transfers", Capability.VIEW_TRANSFERS),
        ):
            context[name] = org is not None and scope.can(capability, org)
        return context

    def detail_url(self) -> str:
        return reverse("member-detail", kwargs={"pk": self.member.pk})


class MemberDetailView(MemberScopedView):
    capability = Capability.VIEW_MEMBERS
    template_name = "members/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = self.member
        open_transfer = open_transfer_of(member) if context["can_see_transfers"] else None
        context.update(
            events=events_of(member),
            states=member.states.select_related("organization__parent").order_by("valid_from"),
            positions=member.positions.select_related("organization__parent").order_by("-started_on"),
            open_transfer=open_transfer,
            can_transfer=open_transfer is None and member.status in ACTIVE_STATUSES,
            transfers=member.transfers.filter(voided_at__isnull=True)
            .select_related("from_organization__parent", "to_organization__parent").order_by("-created_at", "-id")
            if context["can_see_transfers"] else [],
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
        return {
            "kind": self.request.GET.get("kind", ""),
            "reason_code": self.request.GET.get("reason_code", ""),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["event_hint"] = True
        return context

    def perform(self, form):
        data = form.cleaned_data
        return services.record_event(
            actor=self.request.user, member=self.member, kind=data["kind"], happened_on=data["happened_on"],
            organization=data["organization"], decision_number=data["decision_number"],
            decision_signed_on=data["decision_signed_on"], decision_issuer=data["decision_issuer"],
            other_party=data["other_party"], grounds=data["grounds"], note=data["note"],
            reason_code=data["reason_code"],
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


# --------------------------------------------------------------------------
# Transfers of party activity (chuyển sinh hoạt đảng)
# --------------------------------------------------------------------------


def transfer_url(transfer) -> str:
    return reverse("transfer-detail", kwargs={"transfer": transfer.pk})


class StartTransferView(MemberFormView):
    """Start an official transfer of the member (the sending side)."""

    title = "Chuyển sinh hoạt đảng chính thức"
    submit_label = "Bắt đầu chuyển sinh hoạt đảng"
    form_class = TransferForm

    def get_form_kwargs(self):
        return {"cells": destination_cells().exclude(pk=self.member.organization_id)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["other_link"] = (
            reverse("member-transfer-temporary", kwargs={"pk": self.member.pk}),
            "Chuyển sinh hoạt đảng tạm thời",
        )
        return context

    def perform(self, form):
        data = form.cleaned_data
        return transfers.start_transfer(
            actor=self.request.user, member=self.member, reason=data["reason"],
            to_organization=data["to_organization"], other_party=data["other_party"],
            triggered_on=data["triggered_on"], note=data["note"],
        )  # fmt: skip

    def get_success_message(self, transfer) -> str:
        return (
            f"Đã bắt đầu chuyển sinh hoạt đảng của đồng chí {transfer.member.full_name} "
            f"đến {transfer.destination}."
        )

    def get_success_url(self, transfer) -> str:
        return transfer_url(transfer)


class StartTemporaryTransferView(StartTransferView):
    title = "Chuyển sinh hoạt đảng tạm thời"
    submit_label = "Ghi chuyển sinh hoạt tạm thời"
    form_class = TemporaryTransferForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["other_link"] = (
            reverse("member-transfer-new", kwargs={"pk": self.member.pk}),
            "Chuyển sinh hoạt đảng chính thức",
        )
        return context

    def perform(self, form):
        data = form.cleaned_data
        return transfers.start_temporary_transfer(
            actor=self.request.user, member=self.member, reason=data["reason"],
            to_organization=data["to_organization"], other_party=data["other_party"],
            planned_from=data["planned_from"], planned_until=data["planned_until"],
            special_case_ground=data["special_case_ground"], note=data["note"],
        )  # fmt: skip

    def get_success_message(self, transfer) -> str:
        return (
            f"Đã ghi đồng chí {transfer.member.full_name} sinh hoạt đảng tạm thời tại "
            f"{transfer.destination} từ ngày {transfer.planned_from:%d/%m/%Y}."
        )


def transfer_filters(form: TransferFilterForm) -> dict:
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    return {
        "status": data.get("status") or "open",
        "side": data.get("side") or "",
        "kind": data.get("kind") or "",
        "q": data.get("q") or "",
        "overdue": bool(data.get("overdue")),
    }


class TransferListView(OrgScopedView):
    """Transfers leaving and arriving in the subtree with their limits; members here temporarily."""

    capability = Capability.VIEW_TRANSFERS
    template_name = "members/transfers.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        form = TransferFilterForm(self.request.GET)
        f = transfer_filters(form)
        qs = transfers_in(self.org, status=f["status"], side=f["side"], kind=f["kind"], q=f["q"])
        calendars = Calendars()
        if f["overdue"]:  # the limits are computed, not stored: filter the open ones in Python
            overdue = [
                t.pk for t in qs.filter(status__in=OPEN_TRANSFER_STATUSES)
                if (c := transfer_clock(t, calendars)) is not None and c.is_overdue(today)
            ]  # fmt: skip
            qs = qs.filter(pk__in=overdue)
        page = paginate(self.request, qs)
        path = self.org.path
        context.update(
            filter_form=form,
            page_obj=page,
            rows=[(t, transfer_clock(t, calendars), _side_label(t, path)) for t in page],
            today=today,
            temporary=temporary_members_in(self.org),
            can_manage=scope_of(self.request).can(Capability.MANAGE_MEMBERS, self.org),
        )
        return context


def _side_label(transfer, path: str) -> str:
    inside = [
        o is not None and bool(o.path) and o.path.startswith(path)
        for o in (transfer.from_organization, transfer.to_organization)
    ]
    if all(inside):
        return "Trong cây"
    return "Chuyển đi" if inside[0] else "Chuyển đến"


class TransferScopedView(DangboView):
    """A page about one transfer, reached through ``members.access.transfer_for``."""

    capability: Capability

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.transfer = transfer_for(request, kwargs["transfer"], self.capability)
        return super().dispatch(request, *args, **kwargs)


class TransferDetailView(TransferScopedView):
    """A transfer: its ends, letter, limits, the event it wrote, and what each side may do next."""

    capability = Capability.VIEW_TRANSFERS
    template_name = "members/transfer_detail.html"
    forms: dict = {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        transfer = self.transfer
        today = timezone.localdate()
        scope = scope_of(self.request)
        ends = (transfer.from_organization, transfer.to_organization)
        org = next((o for o in ends if o is not None and scope.covers(o)), None)
        if org is not None:
            context.update(org=org, ancestors=ancestors_of(org))
        sending = can_act(self.request, transfer, "sending")
        receiving = can_act(self.request, transfer, "receiving")
        status, open_ = transfer.status, transfer.is_open
        actions = {
            "letter": sending and open_ and status == Transfer.Status.AWAITING_LETTER,
            "arrival": receiving and open_ and status == Transfer.Status.AWAITING_ARRIVAL,
            "cancel": sending and open_ and transfer.kind == Transfer.Kind.OFFICIAL,
            "return": sending and open_ and status == Transfer.Status.ACTIVE,
            "void": sending and not transfer.is_voided,
        }
        forms = {
            "letter": LetterForm(initial=self._letter_initial(), auto_id="id_letter_%s"),
            "arrival": ArrivalForm(initial={"received_on": today}, auto_id="id_arrival_%s"),
            "cancel": ReasonForm(auto_id="id_cancel_%s"),
            "return": ReturnForm(initial={"returned_on": today}, auto_id="id_return_%s"),
            "void": ReasonForm(auto_id="id_void_%s"),
        } | self.forms
        clock = transfer_clock(transfer)
        context.update(
            transfer=transfer,
            clock=clock,
            overdue=clock is not None and clock.is_overdue(today),
            today=today,
            actions=actions,
            action_forms={k: v for k, v in forms.items() if actions[k]},
            awaiting_receiver=(
                status == Transfer.Status.AWAITING_ARRIVAL and open_ and not receiving
            ),
            has_letter=_has_letter(transfer),
            member_reachable=scope.covers(transfer.member.organization)
            if transfer.member.organization_id else False,
        )  # fmt: skip
        return context

    def _letter_initial(self) -> dict:
        issuer = letter_issuing_org(self.transfer)
        return {
            "letter_on": timezone.localdate(),
            "letter_issuer": issuer.committee if issuer is not None else "",
        }


def _has_letter(transfer) -> bool:
    return (
        transfer.kind == Transfer.Kind.OFFICIAL
        and transfer.direction != Transfer.Direction.INCOMING
        and transfer.from_organization_id is not None
    )


class TransferActionView(TransferDetailView):
    """One write on a transfer (POST only), by the side allowed to make it.

    A refusal shows the transfer page again with the form's errors (400).
    """

    http_method_names = ["post"]
    capability = Capability.MANAGE_MEMBERS
    action: str
    side = "sending"
    form_class: type

    def post(self, request, *args, **kwargs):
        require_side(request, self.transfer, self.side)
        form = self.form_class(request.POST, auto_id=f"id_{self.action}_%s")
        if form.is_valid():
            try:
                message = self.perform(form.cleaned_data)
            except ValidationError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, message)
                return HttpResponseRedirect(transfer_url(self.transfer))
        self.forms = {self.action: form}
        self.transfer = transfer_for(request, kwargs["transfer"], self.capability)
        context = self.get_context_data(**kwargs)
        context["failed_action"] = self.action
        return self.render_to_response(context, status=400)

    def render_to_response(self, context, status: int = 200, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response.status_code = status
        return response

    def perform(self, data) -> str:  # pragma: no cover - every subclass defines it
        raise NotImplementedError


class IssueLetterView(TransferActionView):
    action = "letter"
    form_class = LetterForm

    def perform(self, data) -> str:
        t = transfers.issue_transfer_letter(
            actor=self.request.user, transfer=self.transfer, letter_number=data["letter_number"],
            letter_on=data["letter_on"], letter_issuer=data["letter_issuer"],
            start_late_explanation=data["start_late_explanation"],
        )  # fmt: skip
        if t.status == Transfer.Status.COMPLETED:
            return (
                f"Đã ghi giấy giới thiệu số {t.letter_number}: đồng chí {t.member.full_name} chuyển "
                f"sinh hoạt đảng đi {t.destination} từ ngày {t.letter_on:%d/%m/%Y}."
            )
        return f"Đã ghi giấy giới thiệu số {t.letter_number}; chờ {t.destination} tiếp nhận."


class ConfirmArrivalView(TransferActionView):
    action = "arrival"
    side = "receiving"
    form_class = ArrivalForm

    def perform(self, data) -> str:
        t = transfers.confirm_arrival(
            actor=self.request.user, transfer=self.transfer, received_on=data["received_on"],
            late_explanation=data["late_explanation"],
        )  # fmt: skip
        return (
            f"Đã tiếp nhận đồng chí {t.member.full_name} sinh hoạt tại {t.destination} "
            f"từ ngày {t.received_on:%d/%m/%Y}."
        )


class CancelTransferView(TransferActionView):
    action = "cancel"
    form_class = ReasonForm

    def perform(self, data) -> str:
        transfers.cancel_transfer(
            actor=self.request.user, transfer=self.transfer, reason=data["reason"]
        )
        return "Đã hủy bỏ lần chuyển sinh hoạt đảng này; đảng viên vẫn sinh hoạt tại nơi cũ."


class EndTemporaryTransferView(TransferActionView):
    action = "return"
    form_class = ReturnForm

    def perform(self, data) -> str:
        t = transfers.end_temporary_transfer(
            actor=self.request.user, transfer=self.transfer, returned_on=data["returned_on"]
        )
        return f"Đã ghi đồng chí {t.member.full_name} trở về ngày {t.returned_on:%d/%m/%Y}."


class VoidTransferView(TransferActionView):
    action = "void"
    form_class = ReasonForm

    def perform(self, data) -> str:
        transfers.void_transfer(
            actor=self.request.user, transfer=self.transfer, reason=data["reason"]
        )
        return "Đã hủy lần chuyển sinh hoạt đảng ghi nhầm (cùng sự kiện nó đã ghi)."


class TransferLetterView(TransferScopedView):
    """The transfer letter as a DOCX file in the Party's document format."""

    capability = Capability.VIEW_TRANSFERS

    def get(self, request, *args, **kwargs):
        if not _has_letter(self.transfer):
            raise Http404("Lần chuyển này không có giấy giới thiệu do cấp ủy trong hệ thống lập.")
        data = render_docx(transfer_letter_document(self.transfer))
        return docx_response(data, letter_filename(self.transfer))


class IncomingTransferView(ServiceFormMixin, OrgScopedView):
    """Take in a member coming from a party organization outside the installation."""

    capability = Capability.MANAGE_MEMBERS
    template_name = "members/incoming.html"
    form_class = IncomingForm

    def get_form_kwargs(self):
        return {"cells": cells_within([self.org.path]).filter(dissolved_on__isnull=True)}

    def get_initial(self):
        return {"organization": self.org.pk} if self.org.is_cell else {}

    def perform(self, form):
        data = form.cleaned_data
        return transfers.receive_from_outside(
            actor=self.request.user, organization=data["organization"],
            received_on=data["received_on"], other_party=data["other_party"],
            reason=data["reason"], letter_number=data["letter_number"],
            letter_on=data["letter_on"], letter_issuer=data["letter_issuer"],
            late_explanation=data["late_explanation"], admitted_on=data["admitted_on"],
            official_on=data["official_on"], admission_decision=data["admission_decision"],
            note=data["note"], **form.identity(),
        )  # fmt: skip

    def get_success_message(self, transfer) -> str:
        return (
            f"Đã tiếp nhận đồng chí {transfer.member.full_name} sinh hoạt tại "
            f"{transfer.destination} từ ngày {transfer.received_on:%d/%m/%Y}."
        )

    def get_success_url(self, transfer) -> str:
        return transfer_url(transfer)


class StrikingCandidatesView(OrgScopedView):
    """Members the other modules find meeting a ground for striking off (a list to consider)."""

    capability = Capability.VIEW_MEMBERS
    template_name = "members/striking_candidates.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context.update(
            today=today,
            candidates=striking_candidates(self.org, today),
            sources=striking_sources(),
            grounds=[(c, MemberEvent.Reason(c).label) for c in REGULATION_STRIKING_GROUNDS],
            can_manage=scope_of(self.request).can(Capability.MANAGE_MEMBERS, self.org),
        )
        return context
