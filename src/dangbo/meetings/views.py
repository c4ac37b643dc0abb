"""The meeting pages: the upper level's month grid (cells × months, ?export=xlsx), the cell
secretary's page to record this month's meeting on a phone, one meeting with its findings and
the upper level's confirmation, and the DOCX minutes and score sheet."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from dangbo.accounts.access import scope_of
from dangbo.accounts.permissions import Capability
from dangbo.core.exports import Export, ExportableListMixin, export_name, preamble
from dangbo.core.formatting import parse_date
from dangbo.core.views import OrgScopedView
from dangbo.core.xlsx import Column

from . import documents, months, rules, selectors, services
from .models import AttendanceStatus, Level, MeetingKind

MONTHS = [f"T{m}" for m in range(1, 13)]
GRID_COLUMNS = (
    Column("Mã chi bộ", width=12),
    Column("Chi bộ", width=36),
    Column("Trực thuộc", width=30),
    *(Column(f"Tháng {m}", width=11) for m in range(1, 13)),
    Column("Số tháng thiếu", "int"),
    *(Column(f"Quý {q}", width=11) for q in range(1, 5)),
    Column("Cả năm", width=12),
)


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 1930 <= year <= 2100 else timezone.localdate().year


def grid_cell_label(level: str | None, expected: bool) -> str:
    if level is None:
        return "Thiếu" if expected else ""
    return Level(level).label if level else "Chưa xếp loại"


class MonthGridView(ExportableListMixin, OrgScopedView, TemplateView):
    """Cells × months of a year: each cell's regular meeting level, missing months marked."""

    capability = Capability.VIEW_MEETINGS
    template_name = "meetings/grid.html"

    def rows(self):
        year = _year(self.request)
        return year, months.month_grid(self.org, year, until=timezone.localdate())

    def get_export(self, fmt):
        year, rows = self.rows()
        return Export(
            name=export_name(f"sinh-hoat-{year}", self.org.code, timezone.localdate()),
            sheet_title=f"Sinh hoạt {year}",
            columns=GRID_COLUMNS,
            rows=(
                [
                    r.cell.code,
                    r.cell.name,
                    r.cell.parent.name if r.cell.parent else "",
                    *(grid_cell_label(lv, e) for lv, e in zip(r.months, r.expected, strict=True)),
                    r.missing,
                    *(months.level_label(lv) for lv in r.quarters),
                    months.level_label(r.year),
                ]
                for r in rows
            ),
            preamble=preamble(
                f"Xếp loại sinh hoạt chi bộ năm {year}", self.org, user=self.request.user
            ),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year, rows = self.rows()
        context.update(
            year=year, months=MONTHS, previous=year - 1, next=year + 1,
            rows=[(r, [(grid_cell_label(lv, e), lv, e) for lv, e in
                       zip(r.months, r.expected, strict=True)]) for r in rows],
            missing=sum(r.missing for r in rows),
            findings=selectors.linked_cell_findings(self.org, year, timezone.localdate())
            if self.org.is_cell else [],
            can_record=self.org.is_cell
            and scope_of(self.request).can(Capability.MANAGE_MEETINGS, self.org),
        )  # fmt: skip
        return context


def _decimal(text: str) -> Decimal | str:
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return text


class RecordMeetingView(OrgScopedView, TemplateView):
    """The cell secretary's page: this month's meeting, the attendance list, the score sheet."""

    capability = Capability.MANAGE_MEETINGS
    template_name = "meetings/record.html"

    def held_on(self) -> dt.date:
        text = self.request.POST.get("held_on") or self.request.GET.get("held_on") or ""
        try:
            return parse_date(text) if text else timezone.localdate()
        except ValueError:
            return timezone.localdate()

    def get_context_data(self, errors=None, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.org.is_cell:
            raise PermissionDenied("Chỉ chi bộ mới ghi buổi sinh hoạt chi bộ.")
        held_on = self.held_on()
        today = timezone.localdate()
        roll = selectors.roll_of(self.org, held_on)
        post = self.request.POST
        rubric = selectors.rubric_for(self.org, held_on)
        this_month = list(
            selectors.meetings_in(self.org, today.replace(day=1), rules.month_end(today.year,
                                                                                  today.month))
        )  # fmt: skip
        context.update(
            held_on=held_on, today=today, this_month=this_month,
            kinds=MeetingKind.choices, levels=Level.choices,
            statuses=[(s.value, s.label.split(" (")[0]) for s in AttendanceStatus],
            kind=post.get("kind", MeetingKind.REGULAR),
            roll=[(m, post.get(f"a{m.pk}", selectors.default_status(roll, m)),
                   post.get(f"r{m.pk}", ""), m.pk in roll.transferred_in) for m in roll.members],
            rubric=rubric,
            criteria=[(c, post.get(f"s{c.position}", "")) for c in rubric.criteria.all()]
            if rubric else [],
            post=post, errors=errors or {},
        )  # fmt: skip
        return context

    def post(self, request, *args, **kwargs):
        if not self.org.is_cell:
            raise PermissionDenied("Chỉ chi bộ mới ghi buổi sinh hoạt chi bộ.")
        post = request.POST
        held_on = self.held_on()
        roll = selectors.roll_of(self.org, held_on)
        marks = [services.Mark(m, post.get(f"a{m.pk}", ""), post.get(f"r{m.pk}", ""))
                 for m in roll.members if f"a{m.pk}" in post]  # fmt: skip
        rubric = selectors.rubric_for(self.org, held_on)
        points = None
        if rubric is not None and any(post.get(f"s{c.position}") for c in rubric.criteria.all()):
            points = [_decimal(post.get(f"s{c.position}", "0") or "0")
                      for c in rubric.criteria.all()]  # fmt: skip

        def time(name):
            try:
                return dt.time.fromisoformat(post.get(name, "")) if post.get(name) else None
            except ValueError:
                return None

        try:
            done = services.record_meeting(
                actor=request.user, cell=self.org, kind=post.get("kind", ""), held_on=held_on,
                start_time=time("start_time"), end_time=time("end_time"),
                place=post.get("place", ""), content=post.get("content", ""),
                conclusions=post.get("conclusions", ""), attendance=marks, self_points=points,
                self_level=post.get("self_level", "") if points is None else "",
                client_key=post.get("client_key") or None,
            )  # fmt: skip
        except ValidationError as exc:
            errors = getattr(exc, "message_dict", None) or {"__all__": exc.messages}
            return self.render_to_response(self.get_context_data(errors=errors), status=400)
        url = reverse("meeting-detail", kwargs={"code": self.org.code, "meeting": done.meeting.pk})
        outbox = request.headers.get("X-Dangbo-Outbox", "")
        if outbox != "resend":  # a meeting kept offline is sent later, from whatever page is open
            messages.success(request, "Đã ghi buổi sinh hoạt.")
            for finding in done.findings:
                messages.warning(request, finding.text)
        if outbox:
            return JsonResponse({"url": url, "meeting": done.meeting.pk}, status=201)
        return HttpResponseRedirect(url)

    def render_to_response(self, context, status=200, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response.status_code = status
        return response


class _MeetingView(OrgScopedView, TemplateView):
    def meeting(self):
        return selectors.get_meeting([self.org.path], self.kwargs["meeting"])


class MeetingDetailView(_MeetingView):
    """One meeting: what it was, who came, the scores, what the checks find."""

    capability = Capability.VIEW_MEETINGS
    template_name = "meetings/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.meeting()
        cell = meeting.organization
        attendance = list(meeting.attendances.select_related("member"))
        count = rules.attendance_count(a.status for a in attendance)
        upper = cell.parent
        context.update(
            meeting=meeting, cell=cell, attendance=attendance, count=count,
            scores=list(meeting.scores.select_related("criterion")),
            findings=selectors.meeting_findings(meeting, today=timezone.localdate(),
                                                confirm_days=selectors.confirm_days(
                                                    cell, meeting.held_on)),
            can_confirm=upper is not None and not meeting.is_voided
            and scope_of(self.request).can(Capability.MANAGE_MEETINGS, upper),
            levels=Level.choices, upper=upper,
            can_void=not meeting.is_voided
            and scope_of(self.request).can(Capability.MANAGE_MEETINGS, cell),
        )  # fmt: skip
        return context


class ConfirmScoreView(_MeetingView):
    """The upper level (the cell's parent committee) confirms or adjusts the level or score."""

    capability = Capability.MANAGE_MEETINGS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        meeting = self.meeting()
        upper = meeting.organization.parent
        if upper is None or not scope_of(request).can(Capability.MANAGE_MEETINGS, upper):
            raise PermissionDenied("Chỉ cấp ủy cấp trên của chi bộ mới xác nhận điểm.")
        post = request.POST
        points = None
        if meeting.rubric_id and any(
            post.get(f"s{s.criterion.position}") for s in meeting.scores.select_related("criterion")
        ):
            points = [_decimal(post.get(f"s{s.criterion.position}", "0") or "0")
                      for s in meeting.scores.select_related("criterion")]  # fmt: skip
        try:
            services.confirm_score(actor=request.user, meeting=meeting, confirmed_by=upper,
                                   points=points, level=post.get("level", ""),
                                   reason=post.get("reason", ""))  # fmt: skip
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        else:
            messages.success(request, "Đã xác nhận điểm, xếp loại.")
        return HttpResponseRedirect(
            reverse("meeting-detail", kwargs={"code": self.org.code, "meeting": meeting.pk})
        )


class MinutesDocxView(_MeetingView):
    capability = Capability.VIEW_MEETINGS

    def get(self, request, *args, **kwargs):
        return documents.minutes_response(self.meeting())


class ScoreSheetDocxView(OrgScopedView):
    capability = Capability.VIEW_MEETINGS

    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        year = _year(request)
        try:
            month = int(request.GET.get("month", today.month))
        except ValueError:
            month = today.month
        return documents.score_sheet_response(self.org, year, min(max(month, 1), 12))
