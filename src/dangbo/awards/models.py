"""Party badges awarded (Huy hiệu Đảng): one row per award decision, reissues and returns kept."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from dangbo.core.models import TimeStampedModel
from dangbo.members.models import Member
from dangbo.organizations.models import Organization

from . import rules


class Milestone(models.IntegerChoices):
    """HD 01-HD/TW 2021, mục 18: the years of party age a badge marks."""

    Y30 = 30, "30 năm tuổi Đảng"
    Y40 = 40, "40 năm tuổi Đảng"
    Y45 = 45, "45 năm tuổi Đảng"
    Y50 = 50, "50 năm tuổi Đảng"
    Y55 = 55, "55 năm tuổi Đảng"
    Y60 = 60, "60 năm tuổi Đảng"
    Y65 = 65, "65 năm tuổi Đảng"
    Y70 = 70, "70 năm tuổi Đảng"
    Y75 = 75, "75 năm tuổi Đảng"
    Y80 = 80, "80 năm tuổi Đảng"
    Y85 = 85, "85 năm tuổi Đảng"
    Y90 = 90, "90 năm tuổi Đảng"


assert tuple(Milestone.values) == rules.MILESTONES


class BadgeAward(TimeStampedModel):
    """A Party badge awarded to a member by a decision, for one milestone at one occasion.

    A lost badge reissued is a new row pointing at the original
    (``reissue_of``); a badge handed back by a member removed from the Party
    keeps its row with ``returned_on``; an entry made in error is voided.
    """

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="badge_awards", verbose_name="đảng viên"
    )
    # The cell the member belonged to when the award was recorded (for figures by subtree).
    organization = models.ForeignKey(
        Organization,
        verbose_name="tổ chức khi được tặng",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    milestone = models.PositiveSmallIntegerField("mốc tuổi Đảng", choices=Milestone.choices)
    occasion_on = models.DateField("đợt trao tặng")
    decision_number = models.CharField("số quyết định", max_length=100)
    decision_signed_on = models.DateField("ngày ký quyết định")
    decided_by = models.CharField("cơ quan quyết định", max_length=200, blank=True)
    badge_number = models.CharField("số Huy hiệu", max_length=30, blank=True)
    ceremony_on = models.DateField("ngày trao", null=True, blank=True)
    early = models.BooleanField("xét tặng sớm (ốm nặng)", default=False)
    posthumous = models.BooleanField("truy tặng", default=False)
    # Computed when recorded (HD 56-HD/VPTW mục IV.2) and kept as decided.
    gift_amount = models.DecimalField(
        "tặng phẩm (đồng)", max_digits=14, decimal_places=0, null=True, blank=True
    )
    reissue_of = models.ForeignKey(
        "self",
        verbose_name="cấp lại cho Huy hiệu",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reissues",
    )
    returned_on = models.DateField("ngày nộp lại", null=True, blank=True)
    note = models.TextField("ghi chú", blank=True)
    voided_at = models.DateTimeField("thời điểm hủy", null=True, blank=True, editable=False)
    voided_reason = models.CharField("lý do hủy", max_length=255, blank=True, editable=False)

    class Meta:
        verbose_name = "Huy hiệu Đảng"
        verbose_name_plural = "Huy hiệu Đảng"
        ordering = ["member", "milestone", "id"]
        constraints = [
            # No badge recorded twice for one milestone (reissues and voided entries aside).
            models.UniqueConstraint(
                fields=["member", "milestone"],
                condition=Q(voided_at__isnull=True, reissue_of__isnull=True),
                name="badge_award_once_per_milestone",
            ),
            models.CheckConstraint(
                condition=Q(milestone__in=rules.MILESTONES), name="badge_award_milestone_valid"
            ),
            models.CheckConstraint(
                condition=~Q(early=True, posthumous=True), name="badge_award_early_or_posthumous"
            ),
            models.CheckConstraint(
                condition=Q(gift_amount__isnull=True) | Q(gift_amount__gte=0),
                name="badge_award_gift_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["decision_signed_on", "milestone"], name="badge_award_decided"),
            models.Index(fields=["occasion_on"], name="badge_award_occasion"),
        ]

    def __str__(self) -> str:
        return f"Huy hiệu {self.milestone} năm tuổi Đảng — {self.member}"

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    @property
    def is_reissue(self) -> bool:
        return self.reissue_of_id is not None

    @property
    def title(self) -> str:
        return f"Huy hiệu {self.milestone} năm tuổi Đảng"

    @property
    def occasion_label(self) -> str:
        return rules.occasion_label(self.occasion_on)

    @property
    def kind_label(self) -> str:
        """Return how the badge was given: "Truy tặng", "Xét tặng sớm", "Cấp lại" or ""."""
        if self.is_reissue:
            return "Cấp lại"
        if self.posthumous:
            return "Truy tặng"
        if self.early:
            return "Xét tặng sớm"
        return ""
