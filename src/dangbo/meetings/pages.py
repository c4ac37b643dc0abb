"""The meeting module's pages beyond the grid and the entry page: the rubrics in force and a
committee's own rubric made without code, the committee members following cells, the upper
level's visits, and voiding a meeting, a rubric, a visit entered in error.

Every page is reached through ``OrgScopedView`` (404 outside the user's subtrees, 403 without
the capability); a record named in the URL is looked up inside the organization's subtree (or,
for a rubric, among those in force there) so another subtree's record is a 404 too.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from dangbo.accounts.access import scope_of
from dangbo.accounts.permissions import Capability
from dangbo.core.views import OrgScopedView, ServiceFormMixin, apply_domain_error, paginate
from dangbo.members.models import Member

from . import rules, selectors, services
from .forms import (
    AdoptRubricForm,
    AssignmentForm,
    EndAssignmentForm,
    ReasonForm,
    RubricForm,
    VisitForm,
)
from .models import Rubric

COMMITTEE_TITLES = rules.COMMITTEE_TITLES


def _can_manage(request, org) -> bool:
    return scope_of(request).can(Capability.MANAGE_MEETINGS, org)


class _FormPage(ServiceFormMixin, OrgScopedView):
    """A form page of the module: title, button, back link, the form's fields and errors."""

    capability = Capability.MANAGE_MEETINGS
    template_name = "meetings/form_page.html"
    title = ""
    submit_label = "Lưu"
    danger = False

    def back_url(self) -> str:
        return reverse("meetings", kwargs={"code": self.org.code})

    def get_title(self) -> str:
        return self.title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=self.get_title(), submit_label=self.submit_label,
                       back_url=self.back_url(), danger=self.danger)  # fmt: skip
        return context


# --------------------------------------------------------------------------
# Rubrics
# --------------------------------------------------------------------------


def _rubric_in_force_at(org, pk: int) -> Rubric:
    """Return rubric ``pk`` if it applies at ``org`` (owned by it or a committee above) or was
    issued below it; templates and other subtrees' rubrics are a 404."""
    rubric = (
        Rubric.objects.filter(pk=pk, owner__isnull=False).select_related("owner")
        .prefetch_related("criteria", "levels").first()
    )  # fmt: skip
    path = org.path or ""
    owner_path = rubric.owner.path or "\0" if rubric else "\0"
    if rubric is None or not (path.startswith(owner_path) or owner_path.startswith(path)):
        raise Http404("Không tìm thấy biểu chấm điểm.")
    return rubric


class RubricListView(OrgScopedView):
    """The rubrics that apply in the organization (its own, its committees above) and the
    published templates, the one in force today marked."""

    capability = Capability.VIEW_MEETINGS
    template_name = "meetings/rubrics.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        rubrics = selectors.rubrics_for(self.org)
        in_force = selectors.rubric_for(self.org, today) if self.org.is_cell else None
        if not self.org.is_cell:
            own = [r for r in rubrics if r.owner_id and r.valid_from <= today
                   and (r.valid_until is None or r.valid_until > today)]  # fmt: skip
            in_force = max(own, key=lambda r: (r.owner.depth, r.valid_from, r.pk)) if own else None
        scope = scope_of(self.request)
        rows = [
            (r, in_force is not None and r.pk == in_force.pk,
             r.owner_id is not None and scope.can(Capability.MANAGE_MEETINGS, r.owner))
            for r in rubrics
        ]  # fmt: skip
        can_manage = _can_manage(self.request, self.org) and not self.org.is_cell
        context.update(
            owned=[row for row in rows if row[0].owner_id], templates=[row for row in rows
                                                                      if not row[0].owner_id],
            in_force=in_force, today=today, can_issue=can_manage,
        )  # fmt: skip
        return context


class RubricCreateView(_FormPage):
    """A committee's own rubric, without code: criteria, thresholds, dates, source."""

    template_name = "meetings/rubric_form.html"
    form_class = RubricForm
    submit_label = "Ban hành biểu chấm điểm"

    def get_title(self) -> str:
        return f"Biểu chấm điểm sinh hoạt chi bộ của {self.org.name}"

    def back_url(self) -> str:
        return reverse("meeting-rubrics", kwargs={"code": self.org.code})

    def get_initial(self):
        # The usual bands (Tốt from 90, Khá 70, Trung bình 50 on 100 points) to adjust.
        return {"GOOD_min": 90, "FAIR_min": 70, "FAIR_below": 90, "AVERAGE_min": 50,
                "AVERAGE_below": 70, "POOR_min": 0, "POOR_below": 50}  # fmt: skip

    def perform(self, form):
        data = form.cleaned_data
        if form.errors:
            return None
        return services.create_rubric(
            actor=self.request.user, owner=self.org, name=data["name"], source=data["source"],
            valid_from=data["valid_from"], valid_until=data["valid_until"],
            criteria=data["criteria_rows"], levels=data["level_rows"],
        )  # fmt: skip

    def get_success_message(self, rubric) -> str:
        return f"Đã ban hành «{rubric.name}», áp dụng từ {rubric.valid_from:%d/%m/%Y}."

    def get_success_url(self, rubric) -> str:
        return self.back_url()


class RubricAdoptView(_FormPage):
    """Issue a published template as the committee's own rubric."""

    submit_label = "Áp dụng biểu mẫu"
    form_class = AdoptRubricForm

    def template(self) -> Rubric:
        rubric = Rubric.objects.filter(pk=self.kwargs["template"], owner__isnull=True,
                                       voided_at__isnull=True).first()  # fmt: skip
        if rubric is None:
            raise Http404("Không tìm thấy biểu mẫu.")
        return rubric

    def get_title(self) -> str:
        return f"Áp dụng biểu mẫu «{self.template().name}» cho {self.org.name}"

    def back_url(self) -> str:
        return reverse("meeting-rubrics", kwargs={"code": self.org.code})

    def perform(self, form):
        data = form.cleaned_data
        return services.adopt_rubric(actor=self.request.user, template=self.template(),
                                     owner=self.org, valid_from=data["valid_from"],
                                     valid_until=data["valid_until"], source=data["source"])  # fmt: skip

    def get_success_message(self, rubric) -> str:
        return f"Đã áp dụng «{rubric.name}» từ {rubric.valid_from:%d/%m/%Y}."

    def get_success_url(self, rubric) -> str:
        return self.back_url()


class RubricVoidView(_FormPage):
    """Void a rubric issued in error (the owner's managers only)."""

    form_class = ReasonForm
    submit_label = "Hủy biểu chấm điểm"
    danger = True

    def rubric(self) -> Rubric:
        rubric = _rubric_in_force_at(self.org, self.kwargs["rubric"])
        if not _can_manage(self.request, rubric.owner):
            raise PermissionDenied("Chỉ cấp ủy ban hành biểu mới hủy được biểu này.")
        return rubric

    def get(self, request, *args, **kwargs):
        self.rubric()
        return super().get(request, *args, **kwargs)

    def get_title(self) -> str:
        rubric = self.rubric()
        return f"Hủy biểu chấm điểm «{rubric.name}» của {rubric.owner.name}"

    def back_url(self) -> str:
        return reverse("meeting-rubrics", kwargs={"code": self.org.code})

    def perform(self, form):
        return services.void_rubric(actor=self.request.user, rubric=self.rubric(),
                                    reason=form.cleaned_data["reason"])  # fmt: skip

    def get_success_message(self, rubric) -> str:
        return f"Đã hủy biểu chấm điểm «{rubric.name}»."

    def get_success_url(self, rubric) -> str:
        return self.back_url()


# --------------------------------------------------------------------------
# Assignments
# --------------------------------------------------------------------------


class AssignmentListView(OrgScopedView):
    """Which committee member follows which cell of the subtree (current ones, or all)."""

    capability = Capability.VIEW_MEETINGS
    template_name = "meetings/assignments.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        show_all = self.request.GET.get("all") == "1"
        page = paginate(self.request, selectors.assignments_in(self.org, current=not show_all))
        context.update(page_obj=page, show_all=show_all,
                       can_manage=_can_manage(self.request, self.org),
                       can_assign=_can_manage(self.request, self.org) and not self.org.is_cell)  # fmt: skip
        return context


class AssignmentCreateView(_FormPage):
    form_class = AssignmentForm
    template_name = "meetings/assignment_form.html"
    submit_label = "Phân công"

    def get_title(self) -> str:
        return f"Phân công cấp ủy viên {self.org.name} phụ trách chi bộ"

    def back_url(self) -> str:
        return reverse("meeting-assignments", kwargs={"code": self.org.code})

    def get_form_kwargs(self):
        return {"org": self.org}

    def get_initial(self):
        return {"started_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context["committee_members"] = (
            Member.objects.filter(
                Q(positions__ended_on__isnull=True) | Q(positions__ended_on__gte=today),
                positions__organization=self.org, positions__title__in=COMMITTEE_TITLES,
                positions__started_on__lte=today, voided_at__isnull=True,
            ).distinct().order_by("name_sort_key", "id")
        )  # fmt: skip
        return context

    def perform(self, form):
        data = form.cleaned_data
        if self.org.is_cell:
            form.add_error(None, "Chi bộ không phân công cấp ủy viên phụ trách chi bộ.")
            return None
        return services.assign_member(
            actor=self.request.user, member=data["member"], committee=self.org, cell=data["cell"],
            started_on=data["started_on"], decision_number=data["decision_number"],
        )  # fmt: skip

    field_map = {"member": "card_number", "cell": "cell_code"}

    def get_success_message(self, assignment) -> str:
        return f"Đã phân công {assignment.member.full_name} phụ trách {assignment.cell.name}."

    def get_success_url(self, assignment) -> str:
        return self.back_url()


class AssignmentEndView(_FormPage):
    form_class = EndAssignmentForm
    submit_label = "Kết thúc phân công"

    def assignment(self):
        return selectors.get_assignment(self.org, self.kwargs["assignment"])

    def get(self, request, *args, **kwargs):
        self.assignment()
        return super().get(request, *args, **kwargs)

    def get_title(self) -> str:
        a = self.assignment()
        return f"Kết thúc phân công {a.member.full_name} phụ trách {a.cell.name}"

    def back_url(self) -> str:
        return reverse("meeting-assignments", kwargs={"code": self.org.code})

    def get_initial(self):
        return {"ended_on": timezone.localdate()}

    def perform(self, form):
        return services.end_assignment(actor=self.request.user, assignment=self.assignment(),
                                       ended_on=form.cleaned_data["ended_on"])  # fmt: skip

    def get_success_message(self, assignment) -> str:
        return (
            f"Đã kết thúc phân công {assignment.member.full_name} phụ trách {assignment.cell.name}."
        )

    def get_success_url(self, assignment) -> str:
        return self.back_url()


# --------------------------------------------------------------------------
# Visits
# --------------------------------------------------------------------------


class VisitListView(OrgScopedView):
    """The upper level's visits to the subtree's committees and cells."""

    capability = Capability.VIEW_MEETINGS
    template_name = "meetings/visits.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visits = selectors.visits_of(self.org)
        show_voided = self.request.GET.get("voided") == "1"
        if not show_voided:
            visits = visits.filter(voided_at__isnull=True)
        context.update(page_obj=paginate(self.request, visits), show_voided=show_voided,
                       can_manage=_can_manage(self.request, self.org),
                       can_record=_can_manage(self.request, self.org) and not self.org.is_cell)  # fmt: skip
        return context


class VisitCreateView(_FormPage):
    """One working group's visit to one or more committees and cells on a day."""

    form_class = VisitForm
    submit_label = "Ghi lượt dự sinh hoạt"

    def get_title(self) -> str:
        return f"{self.org.name} dự sinh hoạt cấp ủy, chi bộ cấp dưới"

    def back_url(self) -> str:
        return reverse("meeting-visits", kwargs={"code": self.org.code})

    def get_form_kwargs(self):
        return {"org": self.org}

    def get_initial(self):
        return {"visited_on": timezone.localdate()}

    def perform(self, form):
        data = form.cleaned_data
        visits = []
        try:
            with transaction.atomic():  # all the organizations visited, or none
                for visited in data["visited"]:
                    visits.append(services.record_visit(
                        actor=self.request.user, organization=self.org, visited=visited,
                        visited_on=data["visited_on"], group_name=data["group_name"],
                        participants=data["participants"], note=data["note"],
                    ))  # fmt: skip
        except ValidationError as exc:
            apply_domain_error(form, exc, {"visited": "visited_codes"})
            return None
        return visits

    def get_success_message(self, visits) -> str:
        return f"Đã ghi {len(visits)} lượt dự sinh hoạt ngày {visits[0].visited_on:%d/%m/%Y}."

    def get_success_url(self, visits) -> str:
        return self.back_url()


class VisitVoidView(_FormPage):
    form_class = ReasonForm
    submit_label = "Hủy lượt dự sinh hoạt"
    danger = True

    def visit(self):
        return selectors.get_visit(self.org, self.kwargs["visit"])

    def get(self, request, *args, **kwargs):
        self.visit()
        return super().get(request, *args, **kwargs)

    def get_title(self) -> str:
        v = self.visit()
        return f"Hủy lượt dự sinh hoạt ngày {v.visited_on:%d/%m/%Y} tại {v.visited.name}"

    def back_url(self) -> str:
        return reverse("meeting-visits", kwargs={"code": self.org.code})

    def perform(self, form):
        return services.void_visit(actor=self.request.user, visit=self.visit(),
                                   reason=form.cleaned_data["reason"])  # fmt: skip

    def get_success_message(self, visit) -> str:
        return "Đã hủy lượt dự sinh hoạt."

    def get_success_url(self, visit) -> str:
        return self.back_url()


# --------------------------------------------------------------------------
# Voiding a meeting
# --------------------------------------------------------------------------


class MeetingVoidView(_FormPage):
    form_class = ReasonForm
    submit_label = "Hủy buổi sinh hoạt"
    danger = True

    def meeting(self):
        return selectors.get_meeting([self.org.path], self.kwargs["meeting"])

    def get(self, request, *args, **kwargs):
        self.meeting()
        return super().get(request, *args, **kwargs)

    def get_title(self) -> str:
        m = self.meeting()
        return f"Hủy {str(m).lower()} của {m.organization.name}"

    def back_url(self) -> str:
        return reverse("meeting-detail", kwargs={"code": self.org.code,
                                                 "meeting": self.kwargs["meeting"]})  # fmt: skip

    def perform(self, form):
        return services.void_meeting(actor=self.request.user, meeting=self.meeting(),
                                     reason=form.cleaned_data["reason"])  # fmt: skip

    def get_success_message(self, meeting) -> str:
        return "Đã hủy buổi sinh hoạt (bản ghi được giữ lại với lý do hủy)."

    def get_success_url(self, meeting) -> str:
        return self.back_url()
