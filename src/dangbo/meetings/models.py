"""Cell meetings (sinh hoạt chi bộ): the meeting, who came, how it was scored on which rubric,
which committee member follows which cell, and the upper level's working-group visits.

A meeting's ``level`` and score totals are derived by the services from the score rows and
the rubric in force on the meeting's date (never typed); nothing is deleted, entries made in
error are voided with a reason.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from dangbo.core.models import TimeStampedModel
from dangbo.members.models import Member
from dangbo.organizations.models import Organization


class MeetingKind(models.TextChoices):
    REGULAR = "REGULAR", "Thường kỳ"
    THEMATIC = "THEMATIC", "Chuyên đề"
    COMBINED = "COMBINED", "Thường kỳ kết hợp chuyên đề"
    EXTRAORDINARY = "EXTRAORDINARY", "Bất thường"


class Level(models.TextChoices):
    """Meeting quality levels, best first (rules.md §5.4)."""

    GOOD = "GOOD", "Tốt"
    FAIR = "FAIR", "Khá"
    AVERAGE = "AVERAGE", "Trung bình"
    POOR = "POOR", "Kém"


class AttendanceStatus(models.TextChoices):
    PRESENT = "PRESENT", "Có mặt"
    EXCUSED = "EXCUSED", "Vắng có lý do"
    UNEXCUSED = "UNEXCUSED", "Vắng không lý do"
    NOT_COUNTED = (
        "NOT_COUNTED",
        "Không tính (miễn sinh hoạt, làm nhiệm vụ đặc biệt, chuyển tạm thời)",
    )


class Rubric(TimeStampedModel):
    """A score sheet (biểu chấm điểm): criteria with maximum points and level thresholds.

    ``owner`` is the committee whose subtree applies it from ``valid_from``
    (until before ``valid_until``); a rubric without owner is a published
    template a committee copies as its own (``services.adopt_rubric``).
    """

    owner = models.ForeignKey(
        Organization, verbose_name="cấp ủy ban hành", null=True, blank=True,
        on_delete=models.PROTECT, related_name="meeting_rubrics",
    )  # fmt: skip
    name = models.CharField("tên biểu chấm điểm", max_length=255)
    source = models.CharField("văn bản ban hành", max_length=255)
    valid_from = models.DateField("áp dụng từ ngày")
    valid_until = models.DateField("áp dụng đến trước ngày", null=True, blank=True)
    template_of = models.ForeignKey(
        "self", verbose_name="sao từ biểu mẫu", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    voided_at = models.DateTimeField("thời điểm hủy", null=True, blank=True, editable=False)
    voided_reason = models.CharField("lý do hủy", max_length=255, blank=True, editable=False)

    class Meta:
        verbose_name = "biểu chấm điểm sinh hoạt chi bộ"
        verbose_name_plural = "biểu chấm điểm sinh hoạt chi bộ"
        ordering = ["owner_id", "-valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="rubric_valid_until_after_from",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    @property
    def max_total(self):
        return sum((c.max_points for c in self.criteria.all()), 0)


class RubricCriterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="criteria")
    position = models.PositiveSmallIntegerField("thứ tự")
    title = models.CharField("tiêu chí", max_length=255)
    max_points = models.DecimalField("điểm tối đa", max_digits=5, decimal_places=1)
    must_pass = models.BooleanField("bắt buộc đạt điểm tối đa", default=False)

    class Meta:
        verbose_name = "tiêu chí chấm điểm"
        verbose_name_plural = "tiêu chí chấm điểm"
        ordering = ["rubric", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "position"], name="rubric_criterion_once"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="criterion_max_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class RubricLevel(models.Model):
    """A level's band: ``min_points`` ≤ score < ``below_points`` (no upper bound when empty).

    A level that ``requires_must_pass`` drops to the next level down when a
    must-pass criterion is short of its maximum.
    """

    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="levels")
    level = models.CharField("xếp loại", max_length=10, choices=Level.choices)
    min_points = models.DecimalField("từ điểm", max_digits=5, decimal_places=1)
    below_points = models.DecimalField(
        "đến dưới điểm", max_digits=5, decimal_places=1, null=True, blank=True
    )
    requires_must_pass = models.BooleanField("phải đạt tối đa các tiêu chí bắt buộc", default=False)

    class Meta:
        verbose_name = "ngưỡng xếp loại"
        verbose_name_plural = "ngưỡng xếp loại"
        ordering = ["rubric", "-min_points"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "level"], name="rubric_level_once"),
        ]

    def __str__(self) -> str:
        return self.get_level_display()


class Visit(TimeStampedModel):
    """The upper level attending a meeting of a cell or a committee (tổ công tác dự sinh hoạt)."""

    organization = models.ForeignKey(
        Organization, verbose_name="cấp ủy cử đi", on_delete=models.PROTECT, related_name="+"
    )
    visited = models.ForeignKey(
        Organization, verbose_name="tổ chức được dự", on_delete=models.PROTECT,
        related_name="meeting_visits",
    )  # fmt: skip
    visited_on = models.DateField("ngày dự")
    group_name = models.CharField("tổ công tác", max_length=255, blank=True)
    participants = models.TextField("thành phần", blank=True)
    note = models.TextField("ghi chú", blank=True)
    voided_at = models.DateTimeField("thời điểm hủy", null=True, blank=True, editable=False)
    voided_reason = models.CharField("lý do hủy", max_length=255, blank=True, editable=False)

    class Meta:
        verbose_name = "lượt dự sinh hoạt của cấp trên"
        verbose_name_plural = "lượt dự sinh hoạt của cấp trên"
        ordering = ["-visited_on", "id"]
        indexes = [models.Index(fields=["visited_on"], name="meeting_visit_on")]

    def __str__(self) -> str:
        return f"{self.group_name or self.organization} dự sinh hoạt {self.visited}"


class Assignment(TimeStampedModel):
    """A committee member assigned to follow a cell (phân công cấp ủy viên phụ trách), dated."""

    member = models.ForeignKey(
        Member, verbose_name="cấp ủy viên", on_delete=models.PROTECT, related_name="+"
    )
    committee = models.ForeignKey(
        Organization, verbose_name="cấp ủy", on_delete=models.PROTECT, related_name="+"
    )
    cell = models.ForeignKey(
        Organization, verbose_name="chi bộ phụ trách", on_delete=models.PROTECT,
        related_name="meeting_assignments",
    )  # fmt: skip
    started_on = models.DateField("từ ngày")
    ended_on = models.DateField("đến ngày", null=True, blank=True)
    decision_number = models.CharField("số văn bản phân công", max_length=100, blank=True)
    voided_at = models.DateTimeField("thời điểm hủy", null=True, blank=True, editable=False)
    voided_reason = models.CharField("lý do hủy", max_length=255, blank=True, editable=False)

    class Meta:
        verbose_name = "phân công cấp ủy viên phụ trách chi bộ"
        verbose_name_plural = "phân công cấp ủy viên phụ trách chi bộ"
        ordering = ["cell", "-started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="assignment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} phụ trách {self.cell}"


class Meeting(TimeStampedModel):
    """One meeting of a cell, as written in its minutes book."""

    organization = models.ForeignKey(
        Organization, verbose_name="chi bộ", on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField("loại sinh hoạt", max_length=15, choices=MeetingKind.choices)
    held_on = models.DateField("ngày sinh hoạt")
    start_time = models.TimeField("bắt đầu", null=True, blank=True)
    end_time = models.TimeField("kết thúc", null=True, blank=True)
    place = models.CharField("địa điểm", max_length=255, blank=True)
    chair = models.ForeignKey(
        Member, verbose_name="chủ trì", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    minute_taker = models.ForeignKey(
        Member, verbose_name="thư ký", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    topic = models.CharField("chuyên đề", max_length=255, blank=True)
    content = models.TextField("nội dung sinh hoạt (mỗi dòng một nội dung)", blank=True)
    conclusions = models.TextField("kết luận, nghị quyết", blank=True)
    resolution_number = models.CharField("số nghị quyết", max_length=100, blank=True)
    documents = models.TextField("tài liệu sinh hoạt", blank=True)
    documents_sent_at = models.DateTimeField("thời điểm gửi tài liệu", null=True, blank=True)
    guests = models.TextField("khách mời", blank=True)
    upper_attendee = models.ForeignKey(
        Member, verbose_name="cấp ủy viên cấp trên dự", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    visit = models.ForeignKey(
        Visit, verbose_name="tổ công tác dự", null=True, blank=True, on_delete=models.PROTECT,
        related_name="meetings",
    )  # fmt: skip
    # Counts as well as persons: a cell reporting only its figures and level.
    level_only = models.BooleanField("chỉ báo cáo số liệu và xếp loại", default=False)
    counted_count = models.PositiveIntegerField("số đảng viên phải dự", null=True, blank=True)
    present_count = models.PositiveIntegerField("số đảng viên có mặt", null=True, blank=True)
    # Scoring: the rubric in force on held_on, the totals and the level (derived).
    rubric = models.ForeignKey(
        Rubric, verbose_name="biểu chấm điểm", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", editable=False,
    )  # fmt: skip
    self_score = models.DecimalField(
        "điểm chi bộ tự chấm", max_digits=5, decimal_places=1, null=True, blank=True,
        editable=False,
    )  # fmt: skip
    self_level = models.CharField("chi bộ tự xếp loại", max_length=10, choices=Level.choices,
                                  blank=True)  # fmt: skip
    self_scored_on = models.DateField("ngày chi bộ thông qua điểm", null=True, blank=True)
    confirmed_score = models.DecimalField(
        "điểm cấp trên xác nhận", max_digits=5, decimal_places=1, null=True, blank=True,
        editable=False,
    )  # fmt: skip
    confirmed_level = models.CharField(
        "cấp trên xác nhận xếp loại", max_length=10, choices=Level.choices, blank=True,
        editable=False,
    )  # fmt: skip
    confirmed_on = models.DateField("ngày cấp trên xác nhận", null=True, blank=True, editable=False)
    confirmed_by = models.ForeignKey(
        Organization, verbose_name="cấp ủy xác nhận", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+", editable=False,
    )  # fmt: skip
    adjustment_reason = models.CharField(
        "lý do điều chỉnh", max_length=500, blank=True, editable=False
    )
    level = models.CharField(
        "xếp loại", max_length=10, choices=Level.choices, blank=True, editable=False
    )
    # A client's own key for the entry, so that a resend after a lost answer is not a duplicate.
    client_key = models.CharField("mã bản ghi phía máy khách", max_length=64, null=True,
                                  blank=True, editable=False)  # fmt: skip
    voided_at = models.DateTimeField("thời điểm hủy", null=True, blank=True, editable=False)
    voided_reason = models.CharField("lý do hủy", max_length=255, blank=True, editable=False)

    class Meta:
        verbose_name = "buổi sinh hoạt chi bộ"
        verbose_name_plural = "buổi sinh hoạt chi bộ"
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["organization", "held_on"], name="meeting_org_held"),
            models.Index(fields=["held_on"], name="meeting_held"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "client_key"], condition=Q(client_key__isnull=False),
                name="meeting_client_key_once",
            ),
            models.CheckConstraint(
                condition=Q(present_count__isnull=True) | Q(counted_count__isnull=True)
                | Q(present_count__lte=models.F("counted_count")),
                name="meeting_present_within_counted",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"Sinh hoạt {self.get_kind_display().lower()} ngày {self.held_on:%d/%m/%Y}"

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    @property
    def content_items(self) -> list[str]:
        return [line.strip() for line in self.content.splitlines() if line.strip()]


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendances")
    member = models.ForeignKey(
        Member, verbose_name="đảng viên", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("dự sinh hoạt", max_length=15, choices=AttendanceStatus.choices)
    reason = models.CharField("lý do", max_length=255, blank=True)
    transferred_in = models.BooleanField("sinh hoạt tạm thời", default=False)

    class Meta:
        verbose_name = "dự sinh hoạt"
        verbose_name_plural = "dự sinh hoạt"
        ordering = ["meeting", "member__name_sort_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once"),
        ]
        indexes = [models.Index(fields=["member", "status"], name="attendance_member_status")]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_status_display()}"


class Score(models.Model):
    """The points of one criterion: proposed by the cell, and as the upper level confirmed them."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="scores")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.PROTECT, related_name="+")
    self_points = models.DecimalField("điểm tự chấm", max_digits=5, decimal_places=1)
    confirmed_points = models.DecimalField(
        "điểm cấp trên", max_digits=5, decimal_places=1, null=True, blank=True
    )

    class Meta:
        verbose_name = "điểm theo tiêu chí"
        verbose_name_plural = "điểm theo tiêu chí"
        ordering = ["meeting", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "criterion"], name="score_once"),
            models.CheckConstraint(condition=Q(self_points__gte=0), name="score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.self_points}"
