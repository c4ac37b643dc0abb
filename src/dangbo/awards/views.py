"""The badge pages: who is due at the coming occasions and what was awarded in a subtree,
recording an award from the member's page, and one award with its actions."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from dangbo.accounts.access import scope_of
from dangbo.accounts.permissions import Capability
from dangbo.core.exports import (
    XLSX,
    Export,
    ExportableListMixin,
    describe_filters,
    export_name,
    preamble,
)
from dangbo.core.formatting import fmt_date
from dangbo.core.views import DangboView, OrgScopedView, ServiceFormMixin, paginate
from dangbo.core.xlsx import Column
from dangbo.members.views import MemberScopedView
from dangbo.organizations.selectors import ancestors_of

from . import rules, selectors, services
from .access import award_for
from .forms import (
    DEFAULT_OCCASIONS,
    AwardFilterForm,
    BadgeAwardForm,
    DueFilterForm,
    ReasonForm,
    ReissueForm,
    ReturnedForm,
)
from .models import Milestone

DUE, AWARDED = "due", "awarded"
TABS = {DUE: "Đến hạn xét tặng", AWARDED: "Đã tặng"}

DUE_COLUMNS = [
    Column("Đợt trao tặng", "date"),
    Column("Họ và tên", width=28),
    Column("Ngày sinh", "date"),
    Column("Chi bộ", width=30),
    Column("Ngày vào Đảng", "date"),
    Column("Mốc (năm tuổi Đảng)", "int"),
    Column("Ngày đủ tuổi Đảng", "date"),
    Column("Diện xét", width=22),
    Column("Ghi chú", width=50),
    Column("Tặng phẩm dự kiến (đồng)", "int"),
]
AWARD_COLUMNS = [
    Column("Họ và tên", width=28),
    Column("Ngày sinh", "date"),
    Column("Chi bộ", width=30),
    Column("Mốc (năm tuổi Đảng)", "int"),
    Column("Đợt trao tặng", "date"),
    Column("Số quyết định"),
    Column("Ngày ký", "date"),
    Column("Cơ quan quyết định", width=30),
    Column("Số Huy hiệu"),
    Column("Ngày trao", "date"),
    Column("Hình thức"),
    Column("Tặng phẩm (đồng)", "int"),
    Column("Ngày nộp lại", "date"),
    Column("Đã hủy (lý do)", width=30),
]


def _unset(form) -> list[str]:
    """Return the check boxes left unticked (not worth a line among the filters in force)."""
    data = _data(form)
    return [name for name, value in data.items() if value is False]


def _data(form) -> dict:
    form.is_valid()
    return getattr(form, "cleaned_data", {})


class BadgesView(ExportableListMixin, OrgScopedView):
    """Badges of a subtree: due at the next occasions (``?tab=due``) or awarded (``?tab=awarded``).

    ``?export=xlsx`` downloads the whole list of the tab with its filters.
    """

    capability = Capability.VIEW_AWARDS
    template_name = "awards/badges.html"
    export_formats = (XLSX,)

    def tab(self) -> str:
        tab = self.request.GET.get("tab", DUE)
        return tab if tab in TABS else DUE

    # -- the due list ------------------------------------------------------

    def due(self):
        """Return (form, at, occasions, every item, the items the filters keep)."""
        params = self.request.GET.copy()
        params.setdefault("occasions", str(DEFAULT_OCCASIONS))
        params.setdefault("at", fmt_date(timezone.localdate()))
        form = DueFilterForm(params)
        data = _data(form)
        at = data.get("at") or timezone.localdate()
        count = data.get("occasions") or DEFAULT_OCCASIONS
        occasions = rules.award_occasions(at, count)
        items = selectors.badges_due(self.org, occasions)
        # Filtered on the rules' items: a due row is built only when the page (or the export)
        # shows it.
        kept = items.keep(
            lambda i: (
                (data.get("milestone") is None or i.milestone == data["milestone"])
                and (not data.get("basis") or i.basis == data["basis"])
                and not (data.get("hide_overdue") and i.overdue)
            )
        )
        return form, at, occasions, items, kept

    def due_context(self) -> dict:
        form, at, occasions, items, kept = self.due()
        counts = selectors.due_counts(items)
        milestones = sorted({m for per in counts.values() for m in per})
        table = [
            (o, rules.occasion_name(o), [counts.get(o, {}).get(m, 0) for m in milestones],
             sum(counts.get(o, {}).values()))
            for o in occasions
        ]  # fmt: skip
        cutoff = selectors.badge_cutoff(self.org, occasions[0]) if occasions else ""
        return {
            "filter_form": form, "at": at, "occasions": occasions, "milestones": milestones,
            "count_table": table, "total_due": len(items), "page_obj": paginate(self.request, kept),
            "cutoff_label": rules.CUTOFFS.get(cutoff, ""),
        }  # fmt: skip

    # -- the awarded list --------------------------------------------------

    def award_filter(self):
        form = AwardFilterForm(self.request.GET)
        data = _data(form)
        f = selectors.AwardFilter(
            year=data.get("year"), milestone=data.get("milestone"),
            include_voided=bool(data.get("include_voided")),
        )  # fmt: skip
        return form, f

    def awarded_context(self) -> dict:
        form, f = self.award_filter()
        return {
            "filter_form": form,
            "page_obj": paginate(self.request, selectors.awards_in(self.org, f)),
            "years": selectors.award_years(self.org),
        }

    # -- page and export ---------------------------------------------------

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tab = self.tab()
        context.update(
            tab=tab, tabs=TABS,
            can_manage=scope_of(self.request).can(Capability.MANAGE_AWARDS, self.org),
        )  # fmt: skip
        context.update(self.due_context() if tab == DUE else self.awarded_context())
        return context

    def get_export(self, fmt):
        today = timezone.localdate()
        user = self.request.user
        if self.tab() == DUE:
            form, at, occasions, _items, kept = self.due()
            lines = [f"Các đợt: {', '.join(fmt_date(o) for o in occasions)}"]
            rows = (
                [i.occasion_on, i.member_name, i.date_of_birth, i.organization_name,
                 i.admitted_on, i.milestone, i.reached_on, i.basis_label, i.note,
                 int(i.gift_estimate) if i.gift_estimate is not None else None]
                for i in kept
            )  # fmt: skip
            return Export(
                name=export_name("huy-hieu-den-han", self.org.code, at),
                sheet_title="Huy hiệu đến hạn",
                columns=DUE_COLUMNS,
                rows=rows,
                preamble=preamble(
                    "Danh sách đảng viên đến hạn xét tặng Huy hiệu Đảng",
                    self.org,
                    on=at,
                    filters=describe_filters(form, skip=["at", "occasions", *_unset(form)]),
                    user=user,
                    extra=lines,
                ),
            )
        form, f = self.award_filter()
        awards = selectors.awards_in(self.org, f)
        rows = (
            [a.member.full_name, a.member.date_of_birth,
             a.member.organization.name if a.member.organization else "", a.milestone,
             a.occasion_on, a.decision_number, a.decision_signed_on, a.decided_by, a.badge_number,
             a.ceremony_on, a.kind_label,
             int(a.gift_amount) if a.gift_amount is not None else None, a.returned_on,
             a.voided_reason if a.is_voided else ""]
            for a in awards.iterator(chunk_size=2000)
        )  # fmt: skip
        return Export(
            name=export_name("huy-hieu-da-tang", self.org.code, today),
            sheet_title="Huy hiệu đã tặng",
            columns=AWARD_COLUMNS,
            rows=rows,
            preamble=preamble(
                "Danh sách đảng viên đã được tặng Huy hiệu Đảng",
                self.org,
                filters=describe_filters(form, skip=_unset(form)),
                user=user,
            ),
        )


# --------------------------------------------------------------------------
# Recording an award from the member's page
# --------------------------------------------------------------------------


class RecordBadgeView(ServiceFormMixin, MemberScopedView):
    """Record a badge awarded to the member (prefilled from a row of the due list)."""

    capability = Capability.MANAGE_AWARDS
    template_name = "awards/form.html"
    form_class = BadgeAwardForm

    def get_initial(self):
        get = self.request.GET
        initial: dict = {}
        if get.get("milestone", "").isdigit() and int(get["milestone"]) in rules.MILESTONES:
            initial["milestone"] = int(get["milestone"])
        else:
            outlook = selectors.badge_outlook(self.member)
            if outlook.unawarded:
                initial["milestone"] = outlook.unawarded
        if get.get("occasion_on"):
            initial["occasion_on"] = get["occasion_on"][:10]
        initial["early"] = get.get("early") == "1"
        initial["posthumous"] = get.get("posthumous") == "1"
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title="Ghi nhận Huy hiệu Đảng", submit_label="Ghi nhận",
            outlook=selectors.badge_outlook(self.member), badges=selectors.awards_of(self.member),
        )  # fmt: skip
        return context

    def perform(self, form):
        data = form.cleaned_data
        return services.record_award(
            actor=self.request.user, member=self.member, milestone=data["milestone"],
            occasion_on=data["occasion_on"], decision_number=data["decision_number"],
            decision_signed_on=data["decision_signed_on"], decided_by=data["decided_by"],
            badge_number=data["badge_number"], ceremony_on=data["ceremony_on"],
            early=data["early"], posthumous=data["posthumous"], note=data["note"],
        )  # fmt: skip

    def get_success_message(self, award) -> str:
        return f"Đã ghi nhận {award.title} cho {award.member.full_name}."

    def get_success_url(self, award) -> str:
        return reverse("badge-detail", kwargs={"badge": award.pk})


# --------------------------------------------------------------------------
# One award
# --------------------------------------------------------------------------


class BadgeScopedView(DangboView):
    """A page about one award, reached through ``award_for``."""

    capability: Capability

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.award = award_for(request, kwargs["badge"], self.capability)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        award = self.award
        scope = scope_of(self.request)
        org = award.member.organization
        context.update(award=award, member=award.member)
        if org is not None and scope.covers(org):
            context["org"] = org
            context["ancestors"] = ancestors_of(org)
        context["can_manage"] = org is not None and scope.can(Capability.MANAGE_AWARDS, org)
        return context

    def detail_url(self) -> str:
        return reverse("badge-detail", kwargs={"badge": self.award.pk})


class BadgeDetailView(BadgeScopedView):
    capability = Capability.VIEW_AWARDS
    template_name = "awards/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        award = self.award
        original = award.reissue_of or award
        context.update(
            original=original,
            reissues=original.reissues.order_by("id"),
            milestone_label=Milestone(award.milestone).label,
        )
        return context


class BadgeFormView(ServiceFormMixin, BadgeScopedView):
    capability = Capability.MANAGE_AWARDS
    template_name = "awards/form.html"
    title = ""
    submit_label = "Lưu"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=self.title, submit_label=self.submit_label)
        return context

    def get_success_url(self, result) -> str:
        return reverse("badge-detail", kwargs={"badge": result.pk})


class VoidBadgeView(BadgeFormView):
    title = "Hủy bản ghi Huy hiệu ghi nhầm"
    submit_label = "Hủy bản ghi"
    form_class = ReasonForm

    def perform(self, form):
        return services.void_award(
            actor=self.request.user, award=self.award, reason=form.cleaned_data["reason"]
        )

    def get_success_message(self, award) -> str:
        return f"Đã hủy bản ghi {award.title} của {award.member.full_name}."


class ReturnedBadgeView(BadgeFormView):
    title = "Ghi nhận nộp lại Huy hiệu"
    submit_label = "Ghi nhận nộp lại"
    form_class = ReturnedForm

    def perform(self, form):
        data = form.cleaned_data
        return services.mark_returned(
            actor=self.request.user, award=self.award, returned_on=data["returned_on"],
            note=data["note"],
        )  # fmt: skip

    def get_success_message(self, award) -> str:
        return f"Đã ghi nhận {award.member.full_name} nộp lại Huy hiệu ngày {fmt_date(award.returned_on)}."


class ReissueBadgeView(BadgeFormView):
    title = "Cấp lại Huy hiệu bị mất"
    submit_label = "Ghi nhận cấp lại"
    form_class = ReissueForm

    def perform(self, form):
        data = form.cleaned_data
        return services.reissue_award(
            actor=self.request.user, award=self.award, reason=data["reason"],
            badge_number=data["badge_number"], decision_number=data["decision_number"],
            decision_signed_on=data["decision_signed_on"], decided_by=data["decided_by"],
            ceremony_on=data["ceremony_on"],
        )  # fmt: skip

    def get_success_message(self, award) -> str:
        return f"Đã ghi nhận cấp lại {award.title} cho {award.member.full_name}."
