"""Admission work (phát triển đảng viên): the candidate's file, its introducers and votes,
the recognition of probationary members, and the yearly plans and term targets.

Every step of a file is a dated fact entered by a service; ``Candidate.stage`` and the
``*_resolution_on`` dates are derived from those facts by the services (never typed).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from dangbo.core.fields import ByteOrderedCharField
from dangbo.core.models import TimeStampedModel
from dangbo.members.models import Member, Sex
from dangbo.organizations.models import Organization


class DecidingBody(models.TextChoices):
    """Who signs an admission or recognition decision (QĐ 29/24/232/294, mục 4.3.2)."""

    GRASSROOTS_COMMITTEE = "GRASSROOTS_COMMITTEE", "Đảng ủy cơ sở được ủy quyền"
    STANDING_COMMITTEE = "STANDING_COMMITTEE", "Ban thường vụ cấp ủy cấp trên"
    PROVINCIAL_STANDING_OFFICE = "PROVINCIAL_STANDING_OFFICE", "Thường trực tỉnh ủy, thành ủy"


class LeftReason(models.TextChoices):
    """Why a former member left the Party (for the readmission checks, mục 3.5)."""

    ABANDONED_ACTIVITY = "ABANDONED_ACTIVITY", "Tự bỏ sinh hoạt đảng"
    APPLIED_TO_LEAVE = "APPLIED_TO_LEAVE", "Xin ra khỏi Đảng"
    APPLIED_TO_LEAVE_HARDSHIP = (
        "APPLIED_TO_LEAVE_HARDSHIP",
        "Xin ra khỏi Đảng vì hoàn cảnh gia đình đặc biệt khó khăn",
    )
    SERIOUS_DISUNITY = "SERIOUS_DISUNITY", "Gây mất đoàn kết nội bộ nghiêm trọng"
    CORRUPTION_CONVICTION = "CORRUPTION_CONVICTION", "Bị kết án về tội tham nhũng"
    SERIOUS_CRIME_CONVICTION = (
        "SERIOUS_CRIME_CONVICTION",
        "Bị kết án về tội nghiêm trọng trở lên",
    )
    LESS_SERIOUS_CRIME = "LESS_SERIOUS_CRIME", "Bị kết án về tội ít nghiêm trọng"
    OTHER = "OTHER", "Lý do khác"


class Candidate(TimeStampedModel):
    """The admission file of one person the cell is preparing for admission (quần chúng ưu tú)."""

    class Stage(models.TextChoices):
        PROPOSED = "PROPOSED", "Được giới thiệu"
        AWARENESS_CLASS = "AWARENESS_CLASS", "Đã học lớp nhận thức về Đảng"
        DOSSIER = "DOSSIER", "Đang hoàn thiện hồ sơ"
        INTRODUCED = "INTRODUCED", "Đủ người giới thiệu"
        CELL_RESOLUTION = "CELL_RESOLUTION", "Chi bộ đề nghị kết nạp"
        COMMITTEE_PROPOSAL = "COMMITTEE_PROPOSAL", "Đảng ủy cơ sở đề nghị kết nạp"
        DECIDED = "DECIDED", "Đã có quyết định kết nạp"
        ADMITTED = "ADMITTED", "Đã kết nạp"
        REFUSED = "REFUSED", "Không kết nạp"
        WITHDRAWN = "WITHDRAWN", "Dừng xem xét"

    class BackgroundResult(models.TextChoices):
        PASSED = "PASSED", "Đạt"
        FAILED = "FAILED", "Không đạt"

    organization = models.ForeignKey(
        Organization, verbose_name="chi bộ", on_delete=models.PROTECT, related_name="candidates"
    )
    # Identity (as in the applicant's background form, Mẫu 2-KNĐ).
    full_name = models.CharField("họ và tên", max_length=150)
    name_sort_key = ByteOrderedCharField(
        "khóa sắp xếp tên", max_length=500, db_index=True, editable=False
    )
    search_name = models.CharField("tên không dấu", max_length=150, editable=False)
    date_of_birth = models.DateField("ngày sinh")
    sex = models.CharField("giới tính", max_length=1, choices=Sex.choices)
    ethnicity = models.CharField("dân tộc", max_length=10, default="01")
    religion = models.CharField("tôn giáo", max_length=10, default="00")
    personal_id_number = models.CharField(
        "số định danh cá nhân (CCCD)", max_length=12, null=True, blank=True
    )
    home_town = models.CharField("quê quán", max_length=255, blank=True)
    permanent_address = models.CharField("nơi thường trú", max_length=255, blank=True)
    occupation = models.CharField("nghề nghiệp", max_length=200, blank=True)
    general_education = models.CharField("giáo dục phổ thông", max_length=10, blank=True)
    phone = models.CharField("điện thoại", max_length=30, blank=True)
    youth_union_member = models.BooleanField("là đoàn viên Đoàn TNCS Hồ Chí Minh", default=False)
    trade_union_member = models.BooleanField("là đoàn viên công đoàn", default=False)
    # HD 01-HD/TW 2021 mục 1.2: in hardship areas completed primary school suffices.
    education_exception = models.CharField(
        "căn cứ áp dụng trình độ tiểu học", max_length=255, blank=True
    )

    proposed_by = models.CharField("tổ chức, đoàn thể giới thiệu", max_length=255, blank=True)
    proposed_on = models.DateField("ngày giới thiệu")
    certificate_number = models.CharField("số giấy chứng nhận", max_length=50, blank=True)
    certificate_issued_on = models.DateField("ngày cấp giấy chứng nhận", null=True, blank=True)
    certificate_issuer = models.CharField("nơi cấp giấy chứng nhận", max_length=255, blank=True)
    application_on = models.DateField("ngày làm đơn xin vào Đảng", null=True, blank=True)
    background_checked_on = models.DateField("ngày thẩm tra lý lịch", null=True, blank=True)
    background_check_result = models.CharField(
        "kết quả thẩm tra lý lịch", max_length=10, choices=BackgroundResult.choices, blank=True
    )
    background_check_note = models.CharField("ghi chú thẩm tra", max_length=500, blank=True)
    # HD 01-HD/TW 2021 mục 1.1: over 60, the provincial standing committee agrees in writing.
    over_60_consent_number = models.CharField(
        "số văn bản đồng ý (người trên 60 tuổi)", max_length=100, blank=True
    )
    over_60_consent_on = models.DateField("ngày văn bản đồng ý", null=True, blank=True)

    readmission_of = models.ForeignKey(
        Member,
        verbose_name="kết nạp lại đảng viên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="readmission_candidacies",
    )
    readmission_consent_number = models.CharField(
        "số văn bản đồng ý kết nạp lại", max_length=100, blank=True
    )
    readmission_consent_on = models.DateField(
        "ngày văn bản đồng ý kết nạp lại", null=True, blank=True
    )
    left_reason = models.CharField(
        "lý do ra khỏi Đảng trước đây", max_length=30, choices=LeftReason.choices, blank=True
    )
    expunged_on = models.DateField("ngày được xóa án tích", null=True, blank=True)

    # Derived by the services from Introducer and Vote rows.
    introduced_on = models.DateField(
        "ngày đủ người giới thiệu", null=True, blank=True, editable=False
    )
    cell_resolution_on = models.DateField(
        "ngày chi bộ có nghị quyết đề nghị kết nạp", null=True, blank=True, editable=False
    )
    committee_resolution_number = models.CharField(
        "số nghị quyết của đảng ủy cơ sở", max_length=100, blank=True, editable=False
    )
    committee_resolution_on = models.DateField(
        "ngày đảng ủy cơ sở đề nghị kết nạp", null=True, blank=True, editable=False
    )

    decision_number = models.CharField("số quyết định", max_length=100, blank=True)
    decision_signed_on = models.DateField("ngày ký quyết định", null=True, blank=True)
    decided_by = models.ForeignKey(
        Organization,
        verbose_name="cấp ủy quyết định",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by_body = models.CharField(
        "cơ quan quyết định", max_length=30, choices=DecidingBody.choices, blank=True
    )
    decision_received_on = models.DateField("ngày chi bộ nhận quyết định", null=True, blank=True)
    extension_working_days = models.PositiveSmallIntegerField("số ngày làm việc gia hạn", default=0)
    extension_reason = models.CharField("lý do gia hạn", max_length=255, blank=True)
    decision_late_reason = models.CharField(
        "giải trình quyết định chậm", max_length=500, blank=True
    )
    refused = models.BooleanField("quyết định không kết nạp", default=False)
    refused_on = models.DateField("ngày quyết định không kết nạp", null=True, blank=True)
    ceremony_on = models.DateField("ngày tổ chức lễ kết nạp", null=True, blank=True)
    ceremony_late_consent = models.CharField(
        "văn bản đồng ý tổ chức lễ kết nạp muộn", max_length=255, blank=True
    )
    member = models.ForeignKey(
        Member,
        verbose_name="đảng viên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="admission_candidacies",
        editable=False,
    )
    withdrawn_on = models.DateField("ngày dừng xem xét", null=True, blank=True)
    withdrawn_reason = models.CharField("lý do dừng xem xét", max_length=255, blank=True)
    stage = models.CharField(
        "bước", max_length=20, choices=Stage.choices, default=Stage.PROPOSED, db_index=True,
        editable=False,
    )  # fmt: skip
    voided_at = models.DateTimeField("thời điểm hủy", null=True, blank=True, editable=False)
    voided_reason = models.CharField("lý do hủy", max_length=255, blank=True, editable=False)

    class Meta:
        verbose_name = "hồ sơ kết nạp"
        verbose_name_plural = "hồ sơ kết nạp"
        ordering = ["name_sort_key", "date_of_birth", "id"]
        indexes = [models.Index(fields=["organization", "stage"], name="candidate_org_stage")]
        constraints = [
            models.CheckConstraint(
                condition=Q(extension_working_days__lte=30), name="candidate_extension_max_30"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    @property
    def is_readmission(self) -> bool:
        return self.readmission_of_id is not None

    @property
    def is_closed(self) -> bool:
        """No further step can be recorded (admitted, refused, withdrawn or voided)."""
        return self.is_voided or self.stage in (
            self.Stage.ADMITTED, self.Stage.REFUSED, self.Stage.WITHDRAWN
        )  # fmt: skip


class Introducer(models.Model):
    """One introduction of a candidate: an official member, or a union committee's resolution."""

    class Union(models.TextChoices):
        YOUTH_UNION = "YOUTH_UNION", "Ban chấp hành Đoàn cơ sở"
        TRADE_UNION = "TRADE_UNION", "Ban chấp hành công đoàn cơ sở"

    class Relation(models.TextChoices):
        SAME_UNIT = "SAME_UNIT", "Cùng công tác, lao động, học tập"
        SAME_RESIDENCE = "SAME_RESIDENCE", "Cùng cư trú"

    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, related_name="introducers", verbose_name="hồ sơ"
    )
    member = models.ForeignKey(
        Member,
        verbose_name="đảng viên giới thiệu",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    union = models.CharField(
        "tổ chức đoàn thể giới thiệu", max_length=20, choices=Union.choices, blank=True
    )
    resolution_number = models.CharField("số nghị quyết giới thiệu", max_length=100, blank=True)
    resolution_on = models.DateField("ngày nghị quyết", null=True, blank=True)
    relation = models.CharField(
        "quan hệ với người vào Đảng", max_length=20, choices=Relation.choices, blank=True
    )
    known_since = models.DateField("cùng công tác (cư trú) từ ngày", null=True, blank=True)
    # QĐ 24 mục 3.2.2: assigned by the cell after the first introducer moved away or was
    # disciplined; the 12-month overlap is not required of the replacement.
    is_replacement = models.BooleanField(
        "người giới thiệu thay thế do chi bộ phân công", default=False
    )
    assigned_on = models.DateField("ngày giới thiệu")
    voided_at = models.DateTimeField("thời điểm hủy", null=True, blank=True, editable=False)
    voided_reason = models.CharField("lý do hủy", max_length=255, blank=True, editable=False)
    created_at = models.DateTimeField("thời điểm tạo", auto_now_add=True)

    class Meta:
        verbose_name = "người giới thiệu"
        verbose_name_plural = "người giới thiệu"
        ordering = ["candidate", "assigned_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(member__isnull=False) & Q(union=""))
                | (Q(member__isnull=True) & ~Q(union="")),
                name="introducer_member_or_union",
            ),
        ]

    def __str__(self) -> str:
        if self.member_id:
            return str(self.member)
        return f"{self.get_union_display()} (nghị quyết {self.resolution_number})"

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class Recognition(TimeStampedModel):
    """The consideration of a probationary member for recognition as an official member."""

    class Outcome(models.TextChoices):
        PENDING = "PENDING", "Đang xét"
        RECOGNIZED = "RECOGNIZED", "Được công nhận đảng viên chính thức"
        NOT_RECOGNIZED = "NOT_RECOGNIZED", "Không được công nhận (xóa tên)"
        ESCALATED = "ESCALATED", "Báo cáo cấp ủy cấp trên (biểu quyết 3 lần chưa đạt)"

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="recognitions", verbose_name="đảng viên"
    )
    probation_ends_on = models.DateField("ngày hết thời kỳ dự bị")
    mentor = models.ForeignKey(
        Member,
        verbose_name="đảng viên giúp đỡ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    course_certificate_number = models.CharField(
        "số giấy chứng nhận lớp bồi dưỡng đảng viên mới", max_length=50, blank=True
    )
    course_certificate_on = models.DateField("ngày cấp giấy chứng nhận", null=True, blank=True)
    self_review_on = models.DateField("ngày bản tự kiểm điểm", null=True, blank=True)
    outcome = models.CharField(
        "kết quả", max_length=20, choices=Outcome.choices, default=Outcome.PENDING
    )
    cell_resolution_on = models.DateField(
        "ngày chi bộ có nghị quyết", null=True, blank=True, editable=False
    )
    decision_number = models.CharField("số quyết định", max_length=100, blank=True)
    decision_signed_on = models.DateField("ngày ký quyết định", null=True, blank=True)
    decided_by = models.ForeignKey(
        Organization,
        verbose_name="cấp ủy quyết định",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by_body = models.CharField(
        "cơ quan quyết định", max_length=30, choices=DecidingBody.choices, blank=True
    )
    extension_working_days = models.PositiveSmallIntegerField("số ngày làm việc gia hạn", default=0)
    extension_reason = models.CharField("lý do gia hạn", max_length=255, blank=True)
    decision_late_reason = models.CharField(
        "giải trình quyết định chậm", max_length=500, blank=True
    )
    voided_at = models.DateTimeField("thời điểm hủy", null=True, blank=True, editable=False)
    voided_reason = models.CharField("lý do hủy", max_length=255, blank=True, editable=False)

    class Meta:
        verbose_name = "xét công nhận đảng viên chính thức"
        verbose_name_plural = "xét công nhận đảng viên chính thức"
        ordering = ["-probation_ends_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "probation_ends_on"],
                condition=Q(voided_at__isnull=True),
                name="recognition_one_per_probation",
            ),
            models.CheckConstraint(
                condition=Q(extension_working_days__lte=30), name="recognition_extension_max_30"
            ),
        ]

    def __str__(self) -> str:
        return f"Xét công nhận chính thức: {self.member}"

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    @property
    def is_decided(self) -> bool:
        return self.outcome in (self.Outcome.RECOGNIZED, self.Outcome.NOT_RECOGNIZED)


class Vote(models.Model):
    """A resolution and its vote: of the cell or the grassroots committee, on a candidate or a
    probationary member's recognition (exactly one of the two)."""

    class Body(models.TextChoices):
        CELL = "CELL", "Chi bộ"
        GRASSROOTS_COMMITTEE = "GRASSROOTS_COMMITTEE", "Đảng ủy cơ sở"

    class Proposal(models.TextChoices):
        ADMIT = "ADMIT", "Đề nghị kết nạp"
        RECOGNIZE = "RECOGNIZE", "Đề nghị công nhận đảng viên chính thức"
        NOT_RECOGNIZE = "NOT_RECOGNIZE", "Đề nghị không công nhận (xóa tên)"

    candidate = models.ForeignKey(
        Candidate, null=True, blank=True, on_delete=models.PROTECT, related_name="votes"
    )
    recognition = models.ForeignKey(
        Recognition, null=True, blank=True, on_delete=models.PROTECT, related_name="votes"
    )
    body = models.CharField("cấp biểu quyết", max_length=30, choices=Body.choices)
    proposal = models.CharField("nội dung", max_length=20, choices=Proposal.choices)
    held_on = models.DateField("ngày họp")
    eligible = models.PositiveIntegerField("tổng số đảng viên chính thức (cấp ủy viên)")
    in_favour = models.PositiveIntegerField("số tán thành")
    resolution_number = models.CharField("số nghị quyết", max_length=100, blank=True)
    note = models.CharField("ghi chú", max_length=500, blank=True)
    voided_at = models.DateTimeField("thời điểm hủy", null=True, blank=True, editable=False)
    voided_reason = models.CharField("lý do hủy", max_length=255, blank=True, editable=False)
    created_at = models.DateTimeField("thời điểm tạo", auto_now_add=True)

    class Meta:
        verbose_name = "nghị quyết, biểu quyết"
        verbose_name_plural = "nghị quyết, biểu quyết"
        ordering = ["held_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(candidate__isnull=False) & Q(recognition__isnull=True))
                | (Q(candidate__isnull=True) & Q(recognition__isnull=False)),
                name="vote_candidate_or_recognition",
            ),
            models.CheckConstraint(
                condition=Q(eligible__gte=1) & Q(in_favour__lte=models.F("eligible")),
                name="vote_counts_possible",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_body_display()} {self.held_on:%d/%m/%Y}: {self.in_favour}/{self.eligible}"
        )

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    @property
    def passed(self) -> bool:
        from .rules import vote_passes

        return vote_passes(self.eligible, self.in_favour)


class AdmissionPlan(TimeStampedModel):
    """How many members an organization plans to admit in a year."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="tổ chức"
    )
    year = models.PositiveSmallIntegerField("năm")
    planned = models.PositiveIntegerField("số đảng viên dự kiến kết nạp")
    note = models.CharField("ghi chú", max_length=500, blank=True)
    voided_at = models.DateTimeField("thời điểm hủy", null=True, blank=True, editable=False)
    voided_reason = models.CharField("lý do hủy", max_length=255, blank=True, editable=False)

    class Meta:
        verbose_name = "kế hoạch kết nạp đảng viên"
        verbose_name_plural = "kế hoạch kết nạp đảng viên"
        ordering = ["organization", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"],
                condition=Q(voided_at__isnull=True),
                name="admission_plan_one_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.planned} ({self.year})"


class AdmissionTarget(TimeStampedModel):
    """The congress resolution's admission target for a term (chỉ tiêu nhiệm kỳ)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="tổ chức"
    )
    first_year = models.PositiveSmallIntegerField("từ năm")
    last_year = models.PositiveSmallIntegerField("đến năm")
    target = models.PositiveIntegerField("chỉ tiêu kết nạp cả nhiệm kỳ")
    resolution = models.CharField("nghị quyết đại hội", max_length=255, blank=True)
    voided_at = models.DateTimeField("thời điểm hủy", null=True, blank=True, editable=False)
    voided_reason = models.CharField("lý do hủy", max_length=255, blank=True, editable=False)

    class Meta:
        verbose_name = "chỉ tiêu kết nạp nhiệm kỳ"
        verbose_name_plural = "chỉ tiêu kết nạp nhiệm kỳ"
        ordering = ["organization", "-first_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=models.F("first_year")), name="admission_target_years"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.target} ({self.first_year}–{self.last_year})"
