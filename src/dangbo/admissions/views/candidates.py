"""Admission files in the browser: the list, proposing a candidate, the file page and its steps."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from dangbo.accounts.access import scope_of
from dangbo.accounts.permissions import Capability
from dangbo.core import codes
from dangbo.core.views import DangboView, OrgScopedView, ServiceFormMixin, paginate
from dangbo.members.models import Status
from dangbo.organizations.models import CELL_KINDS, Organization
from dangbo.organizations.selectors import ancestors_of, path_range
from dangbo.regulations.workdays import calendar_around

from .. import documents, rules, selectors, services
from ..access import candidate_for, check_can_decide, sees_personal_data
from ..forms import (
    ApplicationForm,
    BackgroundCheckForm,
    CandidateFilterForm,
    CandidateForm,
    CeremonyForm,
    CertificateForm,
    CommitteeVoteForm,
    DecisionForm,
    IntroducerForm,
    ReasonForm,
    VoidItemForm,
    VoteForm,
    WithdrawForm,
    members_under,
)  # fmt: skip
from ..models import Candidate

Stage = Candidate.Stage


class CandidateListView(OrgScopedView):
    """The files of the subtree, by stage, with the count of files at each stage."""

    capability = Capability.VIEW_ADMISSIONS
    template_name = "admissions/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = CandidateFilterForm(self.request.GET)
        data = form.cleaned_data if form.is_valid() else {}
        f = selectors.CandidateFilter(q=data.get("q", ""), stage=data.get("stage", ""))
        counts = selectors.stage_counts(self.org)
        context.update(
            filter_form=form, stage=f.stage,
            page_obj=paginate(self.request, selectors.candidates_in(self.org, f)),
            stages=[(value, label, counts[value]) for value, label in Stage.choices],
            open_count=sum(counts[s] for s in selectors.OPEN_STAGES),
            can_manage=scope_of(self.request).can(Capability.MANAGE_ADMISSIONS, self.org),
        )  # fmt: skip
        return context


class ProposeView(ServiceFormMixin, OrgScopedView):
    """Open the file of a candidate in a cell of the subtree."""

    capability = Capability.MANAGE_ADMISSIONS
    template_name = "admissions/form.html"
    form_class = CandidateForm

    def get_form_kwargs(self):
        cells = Organization.objects.filter(
            path_range(self.org.path), kind__in=CELL_KINDS, dissolved_on__isnull=True
        ).order_by("code")
        former = members_under(self.org, Status.STRUCK_OFF, Status.EXPELLED)
        return {"cells": cells, "former_members": former}

    def get_initial(self):
        initial = {"proposed_on": timezone.localdate()}
        if self.org.is_cell:
            initial["organization"] = self.org.pk
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title="Giới thiệu quần chúng ưu tú", submit_label="Mở hồ sơ kết nạp")
        return context

    def perform(self, form):
        data = form.cleaned_data
        return services.propose_candidate(
            actor=self.request.user, organization=data["organization"],
            readmission_of=data["readmission_of"], **form.values(),
        )  # fmt: skip

    def get_success_message(self, candidate) -> str:
        return f"Đã mở hồ sơ kết nạp của {candidate.full_name}."

    def get_success_url(self, candidate) -> str:
        return reverse("admission-candidate", kwargs={"candidate": candidate.pk})


class CandidateView(DangboView):
    """A page about one file, reached through ``access.candidate_for``."""

    capability = Capability.VIEW_ADMISSIONS

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.candidate = candidate_for(request, kwargs["candidate"], self.capability)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cell = self.candidate.organization
        context.update(
            candidate=self.candidate, org=cell, ancestors=ancestors_of(cell),
            can_manage=scope_of(self.request).can(Capability.MANAGE_ADMISSIONS, cell),
            personal=sees_personal_data(self.request, self.candidate),
        )  # fmt: skip
        return context

    def file_url(self) -> str:
        return reverse("admission-candidate", kwargs={"candidate": self.candidate.pk})


def next_step(candidate: Candidate) -> str:
    """Return the name of the step the file waits for ("" when none is left)."""
    c = candidate
    if c.is_closed:
        return ""
    if c.certificate_issued_on is None:
        return "certificate"
    if c.application_on is None:
        return "application"
    if c.background_check_result != Candidate.BackgroundResult.PASSED:
        return "background"
    if c.introduced_on is None:
        return "introducer"
    if c.cell_resolution_on is None:
        return "cell_vote"
    if selectors.needs_committee_proposal(c.organization) and c.committee_resolution_on is None:
        return "committee"
    if c.decision_signed_on is None:
        return "decision"
    return "ceremony"


class CandidateDetailView(CandidateView):
    """The file: every step with its date, the deadlines, the form of the next step."""

    template_name = "admissions/candidate.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        c = self.candidate
        today = timezone.localdate()
        cell = c.organization
        calendar = calendar_around(cell, today, c.cell_resolution_on, c.decision_signed_on)
        deadlines = selectors.candidate_deadlines(
            c, calendar, validity_months=selectors.certificate_validity_months(cell, today)
        )
        readiness = ""
        if not c.is_closed and c.cell_resolution_on is None:
            try:
                services.check_ready_for_cell_vote(c, today)
            except ValidationError as exc:
                readiness = " ".join(exc.messages)
        step = next_step(c)
        step_view = STEP_VIEWS.get(step)
        context.update(
            today=today, deadlines=[(d, d.is_overdue(today)) for d in deadlines],
            introducers=selectors.introducers_of(c, include_voided=True),
            votes=selectors.votes_of(c, include_voided=True), readiness=readiness,
            next_step=step, needs_committee=selectors.needs_committee_proposal(cell),
            decider_notice=decider_notice(cell),
            certificate_until=rules.certificate_valid_until(
                c.certificate_issued_on, selectors.certificate_validity_months(cell, today)
            ) if c.certificate_issued_on else None,
            ethnicity=codes.name_of("ethnicity", c.ethnicity),
            religion=codes.name_of("religion", c.religion),
            general_education=codes.name_of("general_education", c.general_education),
        )  # fmt: skip
        if step_view is not None and context["can_manage"]:
            view = step_view(request=self.request, kwargs=self.kwargs)
            view.candidate = c
            context.update(
                step_form=view.get_form(), step_title=view.title, step_label=view.submit_label,
                step_url=reverse(view.url_name, kwargs={"candidate": c.pk}),
            )  # fmt: skip
        return context


def decider_notice(cell: Organization) -> str:
    """Say who decides on the files of ``cell`` and that only its officers record the decision."""
    today = timezone.localdate()
    org, body = selectors.deciding_org(cell, today)
    return (
        f"Quyết định thuộc thẩm quyền của {rules.BODY_PHRASES[body]} «{org.name}» "
        f"({rules.cite(today, '4.3.2')}); chỉ cán bộ có quyền tại cấp ủy đó ghi được quyết định."
    )


class StepView(ServiceFormMixin, CandidateView):
    """One step of a file: a form whose service records it, then back to the file page."""

    capability = Capability.MANAGE_ADMISSIONS
    template_name = "admissions/step.html"
    title = ""
    submit_label = "Ghi"
    url_name = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=self.title, submit_label=self.submit_label)
        return context

    def get_success_url(self, result) -> str:
        return self.file_url()

    def get_success_message(self, result) -> str:
        return f"{self.title}: đã ghi."


class EditView(StepView):
    title = "Sửa thông tin hồ sơ"
    submit_label = "Lưu"
    url_name = "admission-edit"
    form_class = CandidateForm

    def get_form_kwargs(self):
        return {"editing": True}

    def get_initial(self):
        c = self.candidate
        return {name: getattr(c, name) for name in CandidateForm.base_fields if hasattr(c, name)}

    def perform(self, form):
        return services.update_candidate(
            actor=self.request.user, candidate=self.candidate, **form.values()
        )


class CertificateView(StepView):
    title = "Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng"
    url_name = "admission-certificate"
    form_class = CertificateForm

    def get_initial(self):
        c = self.candidate
        return {"number": c.certificate_number, "issued_on": c.certificate_issued_on,
                "issuer": c.certificate_issuer}  # fmt: skip

    def perform(self, form):
        return services.record_awareness_certificate(
            actor=self.request.user, candidate=self.candidate, **form.cleaned_data
        )


class ApplicationView(StepView):
    title = "Đơn xin vào Đảng"
    url_name = "admission-application"
    form_class = ApplicationForm

    def get_initial(self):
        return {"application_on": self.candidate.application_on}

    def perform(self, form):
        return services.record_application(
            actor=self.request.user, candidate=self.candidate, **form.cleaned_data
        )


class BackgroundView(StepView):
    title = "Thẩm tra lý lịch"
    url_name = "admission-background"
    form_class = BackgroundCheckForm

    def get_initial(self):
        c = self.candidate
        return {"checked_on": c.background_checked_on, "result": c.background_check_result or "PASSED",
                "note": c.background_check_note}  # fmt: skip

    def perform(self, form):
        return services.record_background_check(
            actor=self.request.user, candidate=self.candidate, **form.cleaned_data
        )


class IntroducerView(StepView):
    title = "Người giới thiệu"
    submit_label = "Thêm người giới thiệu"
    url_name = "admission-introducer"
    form_class = IntroducerForm

    def get_form_kwargs(self):
        unit = selectors.grassroots_of(self.candidate.organization) or self.candidate.organization
        return {"members": members_under(unit, Status.OFFICIAL)}

    def perform(self, form):
        return services.add_introducer(
            actor=self.request.user, candidate=self.candidate, **form.cleaned_data
        )

    def get_success_message(self, introducer) -> str:
        return f"Đã ghi người giới thiệu: {introducer}."


class VoidIntroducerView(StepView):
    title = "Hủy một giới thiệu"
    submit_label = "Hủy giới thiệu"
    url_name = "admission-introducer-void"
    form_class = VoidItemForm

    def get_form_kwargs(self):
        return {"items": selectors.introducers_of(self.candidate)}

    def perform(self, form):
        introducer = (
            selectors.introducers_of(self.candidate).filter(pk=form.cleaned_data["item"]).first()
        )
        if introducer is None:
            raise Http404("Không tìm thấy người giới thiệu.")
        return services.void_introducer(
            actor=self.request.user, introducer=introducer, reason=form.cleaned_data["reason"]
        )

    def get_success_message(self, introducer) -> str:
        return f"Đã hủy giới thiệu của {introducer}."


class CellVoteView(StepView):
    title = "Nghị quyết của chi bộ đề nghị kết nạp"
    url_name = "admission-cell-vote"
    form_class = VoteForm

    def perform(self, form):
        return services.record_cell_vote(
            actor=self.request.user, candidate=self.candidate, **form.cleaned_data
        )

    def get_success_message(self, vote) -> str:
        outcome = "đạt" if vote.passed else "chưa đạt hai phần ba"
        return f"Đã ghi nghị quyết của chi bộ ngày {vote.held_on:%d/%m/%Y}: {vote.in_favour}/{vote.eligible} tán thành, {outcome}."


class CommitteeVoteView(CellVoteView):
    title = "Nghị quyết của đảng ủy cơ sở đề nghị kết nạp"
    url_name = "admission-committee-proposal"
    form_class = CommitteeVoteForm

    def perform(self, form):
        return services.record_committee_proposal(
            actor=self.request.user, candidate=self.candidate, **form.cleaned_data
        )


class VoidVoteView(StepView):
    title = "Hủy nghị quyết ghi nhầm"
    submit_label = "Hủy nghị quyết"
    url_name = "admission-vote-void"
    form_class = VoidItemForm

    def get_form_kwargs(self):
        return {"items": selectors.votes_of(self.candidate)}

    def perform(self, form):
        vote = selectors.votes_of(self.candidate).filter(pk=form.cleaned_data["item"]).first()
        if vote is None:
            raise Http404("Không tìm thấy nghị quyết.")
        return services.void_vote(
            actor=self.request.user, vote=vote, reason=form.cleaned_data["reason"]
        )

    def get_success_message(self, vote) -> str:
        return f"Đã hủy nghị quyết ngày {vote.held_on:%d/%m/%Y}."


class DecisionView(StepView):
    """The competent committee's decision: only its own officers record it."""

    title = "Quyết định kết nạp"
    url_name = "admission-decision"
    form_class = DecisionForm

    def get_form_kwargs(self):
        return {"orgs": Organization.objects.filter(
            pk__in=[o.pk for o in selectors.organizations_for_decision(self.candidate.organization)]
        ).order_by("path")}  # fmt: skip

    def get_initial(self):
        org, body = selectors.deciding_org(self.candidate.organization, timezone.localdate())
        return {"decided_by": org.pk, "decided_by_body": body, "admit": "1",
                "extension_working_days": 0}  # fmt: skip

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["notice"] = decider_notice(self.candidate.organization)
        return context

    def perform(self, form):
        data = dict(form.cleaned_data)
        check_can_decide(self.request, data["decided_by"])
        return services.record_decision(actor=self.request.user, candidate=self.candidate, **data)

    def get_success_message(self, candidate) -> str:
        if candidate.refused:
            return f"Đã ghi quyết định không kết nạp {candidate.full_name}."
        return f"Đã ghi quyết định kết nạp số {candidate.decision_number}."


class CeremonyView(StepView):
    title = "Lễ kết nạp"
    submit_label = "Ghi lễ kết nạp"
    url_name = "admission-ceremony"
    form_class = CeremonyForm

    def get_initial(self):
        return {"decision_received_on": self.candidate.decision_received_on}

    def perform(self, form):
        return services.record_ceremony(
            actor=self.request.user, candidate=self.candidate, **form.cleaned_data
        )

    def get_success_message(self, candidate) -> str:
        return (f"Đã ghi lễ kết nạp ngày {candidate.ceremony_on:%d/%m/%Y}: {candidate.full_name} "
                f"là đảng viên dự bị của {candidate.organization.name}.")  # fmt: skip


class WithdrawView(StepView):
    title = "Dừng xem xét hồ sơ"
    submit_label = "Dừng xem xét"
    url_name = "admission-withdraw"
    form_class = WithdrawForm

    def perform(self, form):
        return services.withdraw_candidate(
            actor=self.request.user, candidate=self.candidate, **form.cleaned_data
        )


class VoidCandidateView(StepView):
    title = "Hủy hồ sơ ghi nhầm"
    submit_label = "Hủy hồ sơ"
    url_name = "admission-void"
    form_class = ReasonForm

    def perform(self, form):
        return services.void_candidate(
            actor=self.request.user, candidate=self.candidate, reason=form.cleaned_data["reason"]
        )

    def get_success_message(self, candidate) -> str:
        return f"Đã hủy hồ sơ của {candidate.full_name}. Hồ sơ vẫn được lưu."

    def get_success_url(self, candidate) -> str:
        return reverse("admission-list", kwargs={"code": candidate.organization.code})


class DecisionDocxView(CandidateView):
    """Quyết định kết nạp đảng viên (DOCX), from the recorded decision or as a draft to sign."""

    def get(self, request, *args, **kwargs):
        data, filename = documents.admission_decision_docx(self.candidate)
        return documents.docx_response(data, filename)


STEP_VIEWS: dict[str, type[StepView]] = {
    "certificate": CertificateView, "application": ApplicationView, "background": BackgroundView,
    "introducer": IntroducerView, "cell_vote": CellVoteView, "committee": CommitteeVoteView,
    "decision": DecisionView, "ceremony": CeremonyView,
}  # fmt: skip
