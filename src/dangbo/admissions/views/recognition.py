"""Probationary members and their recognition as official members, in the browser."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from dangbo.accounts.permissions import Capability
from dangbo.core.errors import DomainError
from dangbo.core.views import OrgScopedView, ServiceFormMixin
from dangbo.members.models import Status
from dangbo.members.views import MemberScopedView
from dangbo.organizations.models import Organization
from dangbo.regulations.workdays import calendar_around

from .. import documents, selectors, services
from ..access import check_can_decide
from ..forms import (
    ReasonForm,
    RecognitionDecisionForm,
    RecognitionForm,
    RecognitionVoteForm,
    members_under,
)  # fmt: skip
from .candidates import decider_notice


class ProbationListView(OrgScopedView):
    """The probationary members of the subtree: probation end, recognition, what is due."""

    capability = Capability.VIEW_ADMISSIONS
    template_name = "admissions/probation.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        probationers = selectors.probationers_in(self.org)
        ends = [p.member.probation_ends_on for p in probationers if p.member.probation_ends_on]
        calendars = selectors.Calendars(
            self.org, range(min(ends, default=today).year, today.year + 3)
        )
        rows = []
        for p in probationers:
            due = selectors.recognition_deadlines(
                p.member, p.recognition, calendars.of(p.member.organization)
            )
            rows.append((p, [(d, d.is_overdue(today)) for d in due if not d.milestone]))
        context.update(rows=rows, today=today)
        return context


class RecognitionMixin(MemberScopedView):
    """The recognition of the member's current probation, when one was opened."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recognition"] = self.recognition()
        return context

    def recognition(self):
        if not hasattr(self, "_recognition"):
            self._recognition = selectors.current_recognition(self.member)
        return self._recognition


class RecognitionView(RecognitionMixin):
    """The member's probation and recognition: dossier, votes, decision, deadlines, next form."""

    capability = Capability.VIEW_ADMISSIONS
    template_name = "admissions/recognition.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member, recognition, today = self.member, self.recognition(), timezone.localdate()
        deadlines = []
        if member.organization is not None and member.probation_ends_on is not None:
            calendar = calendar_around(member.organization, today, member.probation_ends_on)
            deadlines = selectors.recognition_deadlines(member, recognition, calendar)
        past = member.recognitions.exclude(pk=recognition.pk if recognition else None)
        context.update(
            today=today, deadlines=[(d, d.is_overdue(today)) for d in deadlines],
            votes=selectors.votes_of(recognition, include_voided=True) if recognition else [],
            past=past.order_by("-probation_ends_on"),
            failed_votes=selectors.failed_cell_votes(recognition) if recognition else 0,
            is_probationary=member.status == Status.PROBATIONARY,
        )  # fmt: skip
        if member.organization is not None:
            context["decider_notice"] = decider_notice(member.organization)
        if context["can_manage"] and member.status == Status.PROBATIONARY:
            form_view = self._next_form_view(recognition)
            if form_view is not None:
                view = form_view(request=self.request, kwargs=self.kwargs)
                view.member = member
                view._recognition = recognition
                context.update(step_is_decision=form_view is RecognitionDecisionView,
                               step_form=view.get_form(), step_title=view.title,
                               step_label=view.submit_label,
                               step_url=reverse(view.url_name, kwargs={"pk": member.pk}))  # fmt: skip
        return context

    @staticmethod
    def _next_form_view(recognition):
        if recognition is None:
            return RecognitionOpenView
        if recognition.is_decided:
            return None
        if recognition.cell_resolution_on is None and recognition.outcome != "ESCALATED":
            return RecognitionVoteView
        return RecognitionDecisionView


class RecognitionFormView(ServiceFormMixin, RecognitionMixin):
    capability = Capability.MANAGE_ADMISSIONS
    template_name = "admissions/recognition_form.html"
    title = ""
    submit_label = "Ghi"
    url_name = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=self.title, submit_label=self.submit_label)
        return context

    def get_success_url(self, result) -> str:
        return reverse("member-recognition", kwargs={"pk": self.member.pk})

    def require_recognition(self):
        recognition = self.recognition()
        if recognition is None:
            raise DomainError("Chưa mở việc xét công nhận đảng viên chính thức cho đảng viên này.")
        return recognition


class RecognitionOpenView(RecognitionFormView):
    title = "Hồ sơ xét công nhận đảng viên chính thức"
    submit_label = "Lưu hồ sơ"
    url_name = "member-recognition-open"
    form_class = RecognitionForm

    def get_form_kwargs(self):
        return {"mentors": members_under(self.member.organization, Status.OFFICIAL)}

    def get_initial(self):
        r = self.recognition()
        if r is None:
            return {}
        return {"mentor": r.mentor_id, "course_certificate_number": r.course_certificate_number,
                "course_certificate_on": r.course_certificate_on, "self_review_on": r.self_review_on}  # fmt: skip

    def perform(self, form):
        recognition = self.recognition()
        if recognition is None:
            return services.open_recognition(
                actor=self.request.user, member=self.member, **form.cleaned_data
            )
        return services.update_recognition(
            actor=self.request.user, recognition=recognition, **form.cleaned_data
        )

    def get_success_message(self, recognition) -> str:
        return f"Đã lưu hồ sơ xét công nhận đảng viên chính thức của {self.member.full_name}."


class RecognitionVoteView(RecognitionFormView):
    title = "Nghị quyết xét công nhận đảng viên chính thức"
    url_name = "member-recognition-vote"
    form_class = RecognitionVoteForm

    def perform(self, form):
        return services.record_recognition_vote(
            actor=self.request.user, recognition=self.require_recognition(), **form.cleaned_data
        )

    def get_success_message(self, vote) -> str:
        outcome = "đạt" if vote.passed else "chưa đạt hai phần ba"
        return f"Đã ghi nghị quyết ngày {vote.held_on:%d/%m/%Y}: {vote.in_favour}/{vote.eligible} tán thành, {outcome}."


class RecognitionDecisionView(RecognitionFormView):
    title = "Quyết định công nhận đảng viên chính thức"
    url_name = "member-recognition-decision"
    form_class = RecognitionDecisionForm

    def get_form_kwargs(self):
        cell = self.member.organization
        orgs = selectors.organizations_for_decision(cell) if cell is not None else []
        return {"orgs": Organization.objects.filter(pk__in=[o.pk for o in orgs]).order_by("path")}

    def get_initial(self):
        if self.member.organization is None:
            return {}
        org, body = selectors.deciding_org(self.member.organization, timezone.localdate())
        return {"decided_by": org.pk, "decided_by_body": body, "extension_working_days": 0}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.member.organization is not None:
            context["notice"] = decider_notice(self.member.organization)
        return context

    def perform(self, form):
        data = dict(form.cleaned_data)
        check_can_decide(self.request, data["decided_by"])
        return services.record_recognition_decision(
            actor=self.request.user, recognition=self.require_recognition(), **data
        )

    def get_success_message(self, recognition) -> str:
        return f"Đã ghi quyết định số {recognition.decision_number}: {recognition.get_outcome_display().lower()}."


class RecognitionVoidView(RecognitionFormView):
    title = "Hủy việc xét công nhận mở nhầm"
    submit_label = "Hủy"
    url_name = "member-recognition-void"
    form_class = ReasonForm

    def perform(self, form):
        return services.void_recognition(
            actor=self.request.user, recognition=self.require_recognition(),
            reason=form.cleaned_data["reason"],
        )  # fmt: skip

    def get_success_message(self, recognition) -> str:
        return "Đã hủy việc xét công nhận."


class RecognitionDocxView(RecognitionMixin):
    """Quyết định công nhận đảng viên chính thức (DOCX), recorded or as a draft to sign."""

    capability = Capability.VIEW_ADMISSIONS

    def get(self, request, *args, **kwargs):
        recognition = self.recognition()
        if recognition is None:
            recognition = self.member.recognitions.filter(voided_at__isnull=True).first()
        data, filename = documents.recognition_decision_docx(self.member, recognition)
        return documents.docx_response(data, filename)
