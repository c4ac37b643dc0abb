"""Admission plans and term targets against what was admitted, in the browser."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from dangbo.accounts.access import scope_of
from dangbo.accounts.permissions import Capability
from dangbo.core.views import OrgScopedView, ServiceFormMixin

from .. import selectors, services
from ..forms import PlanForm, TargetForm, YearForm


def _year(request) -> int:
    form = YearForm(request.GET)
    if form.is_valid() and form.cleaned_data["year"]:
        return form.cleaned_data["year"]
    return timezone.localdate().year


class PlanView(OrgScopedView):
    """The year's admissions against the plan and the term target, for the organization and
    for each organization directly under it."""

    capability = Capability.VIEW_ADMISSIONS
    template_name = "admissions/plan.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = _year(self.request)
        achievement = selectors.plan_achievement(self.org, year)
        can_manage = scope_of(self.request).can(Capability.MANAGE_ADMISSIONS, self.org)
        target = achievement.target
        context.update(
            year=year, achievement=achievement, children=selectors.plans_of_children(self.org, year),
            can_manage=can_manage,
            plan_form=PlanForm(initial={"year": year, "planned": achievement.planned,
                                        "note": achievement.plan.note if achievement.plan else ""}),
            target_form=TargetForm(initial={
                "first_year": target.first_year if target else year,
                "last_year": target.last_year if target else year + 4,
                "target": target.target if target else None,
                "resolution": target.resolution if target else "",
            }),
        )  # fmt: skip
        return context


class _PlanFormView(ServiceFormMixin, OrgScopedView):
    capability = Capability.MANAGE_ADMISSIONS
    template_name = "admissions/org_form.html"
    title = ""
    submit_label = "Lưu"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=self.title, submit_label=self.submit_label,
                       back_url=reverse("admission-plan", kwargs={"code": self.org.code}))  # fmt: skip
        return context


class SetPlanView(_PlanFormView):
    title = "Kế hoạch kết nạp đảng viên trong năm"
    form_class = PlanForm

    def get_initial(self):
        return {"year": _year(self.request)}

    def perform(self, form):
        return services.set_plan(
            actor=self.request.user, organization=self.org, **form.cleaned_data
        )

    def get_success_message(self, plan) -> str:
        return f"Đã lưu kế hoạch năm {plan.year}: kết nạp {plan.planned} đảng viên."

    def get_success_url(self, plan) -> str:
        return reverse("admission-plan", kwargs={"code": self.org.code}) + f"?year={plan.year}"


class SetTargetView(_PlanFormView):
    title = "Chỉ tiêu kết nạp đảng viên của nhiệm kỳ"
    form_class = TargetForm

    def perform(self, form):
        return services.set_target(
            actor=self.request.user, organization=self.org, **form.cleaned_data
        )

    def get_success_message(self, target) -> str:
        return (f"Đã lưu chỉ tiêu nhiệm kỳ {target.first_year}–{target.last_year}: kết nạp "
                f"{target.target} đảng viên.")  # fmt: skip

    def get_success_url(self, target) -> str:
        return reverse("admission-plan", kwargs={"code": self.org.code})
