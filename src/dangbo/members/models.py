"""The member registry: identity, party data, dated events and the states derived from them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from dangbo.core.fields import ByteOrderedCharField
from dangbo.core.models import TimeStampedModel
from dangbo.organizations.models import Organization


class Status(models.TextChoices):
    PROBATIONARY = "PROBATIONARY", "Dự bị"
    OFFICIAL = "OFFICIAL", "Chính thức"
    EXEMPTED = "EXEMPTED", "Miễn công tác và sinh hoạt đảng"
    TRANSFERRED_OUT = "TRANSFERRED_OUT", "Chuyển đi"
    STRUCK_OFF = "STRUCK_OFF", "Xóa tên"
    EXPELLED = "EXPELLED", "Khai trừ"
    DECEASED = "DECEASED", "Từ trần"


# Members who belong to their organization's membership count (đảng số).
ACTIVE_STATUSES = (Status.PROBATIONARY, Status.OFFICIAL, Status.EXEMPTED)
ENDED_STATUSES = (Status.TRANSFERRED_OUT, Status.STRUCK_OFF, Status.EXPELLED, Status.DECEASED)
# Personal data: shown, served and exported only to those holding the capability
# VIEW_PERSONAL_DATA over the member's organization (accounts.permissions), and to the
# member; others get the record without them. The admission file uses the same names.
PERSONAL_FIELDS = ("personal_id_number", "phone", "email", "permanent_address")


class Sex(models.TextChoices):
    MALE = "M", "Nam"
    FEMALE = "F", "Nữ"


class PoliticalTheory(models.TextChoices):
    NONE = "00", "Chưa qua đào tạo"
    ELEMENTARY = "01", "Sơ cấp"
    INTERMEDIATE = "02", "Trung cấp"
    ADVANCED = "03", "Cao cấp"
    BACHELOR = "04", "Cử nhân"


class Professional(models.TextChoices):
    NONE = "00", "Chưa qua đào tạo"
    ELEMENTARY = "01", "Sơ cấp"
    INTERMEDIATE = "02", "Trung cấp"
    COLLEGE = "03", "Cao đẳng"
    BACHELOR = "04", "Đại học"
    MASTER = "05", "Thạc sĩ"
    DOCTOR = "06", "Tiến sĩ"
    HIGHER_DOCTOR = "07", "Tiến sĩ khoa học"


class Member(TimeStampedModel):
    """A party member. Status, organization and key dates are derived from ``MemberEvent``."""

    # A key that stays the same across installations (the exchange workbook, integrators).
    uid = models.UUIDField("mã hồ sơ", default=uuid.uuid4, unique=True, editable=False)
    full_name = models.CharField("họ và tên", max_length=150)
    birth_name = models.CharField("họ và tên khai sinh", max_length=150, blank=True)
    name_sort_key = ByteOrderedCharField(
        "khóa sắp xếp tên", max_length=500, db_index=True, editable=False
    )
    search_name = models.CharField("tên không dấu", max_length=150, db_index=True, editable=False)
    date_of_birth = models.DateField("ngày sinh")
    sex = models.CharField("giới tính", max_length=1, choices=Sex.choices)
    ethnicity = models.CharField("dân tộc", max_length=10, default="01")
    religion = models.CharField("tôn giáo", max_length=10, default="00")
    home_town = models.CharField("quê quán", max_length=255, blank=True)
    birth_place = models.CharField("nơi sinh", max_length=255, blank=True)
    permanent_address = models.CharField("nơi thường trú", max_length=255, blank=True)
    personal_id_number = models.CharField(
        "số định danh cá nhân (CCCD)", max_length=12, null=True, blank=True
    )
    phone = models.CharField("điện thoại", max_length=30, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    occupation = models.CharField("nghề nghiệp", max_length=200, blank=True)

    card_number = models.CharField("số thẻ đảng viên", max_length=20, null=True, blank=True)
    background_number = models.CharField(
        "số lý lịch đảng viên", max_length=20, null=True, blank=True
    )
    general_education = models.CharField("giáo dục phổ thông", max_length=10, blank=True)
    professional_level = models.CharField(
        "trình độ chuyên môn", max_length=2, choices=Professional.choices, blank=True
    )
    political_theory_level = models.CharField(
        "lý luận chính trị", max_length=2, choices=PoliticalTheory.choices, blank=True
    )
    # Older statutes and wartime admissions let some members in before 18: the
    # office notes the ground here, and the age check then gives way.
    admission_age_exception = models.CharField(
        "ngoại lệ tuổi vào Đảng (căn cứ)", max_length=255, blank=True
    )

    # Derived from the events by services.rebuild_states; never typed over.
    organization = models.ForeignKey(
        Organization,
        verbose_name="tổ chức đang sinh hoạt",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        editable=False,
    )
    status = models.CharField(
        "tình trạng", max_length=20, choices=Status.choices, blank=True, editable=False
    )
    admitted_on = models.DateField("ngày vào Đảng", null=True, blank=True, editable=False)
    official_on = models.DateField("ngày chính thức", null=True, blank=True, editable=False)
    # The last day of the probation of the latest admission (Điều lệ Đảng Đ5 k1: 12 months
    # from the ceremony); kept while the member is or was probationary.
    probation_ends_on = models.DateField(
        "ngày hết thời kỳ dự bị", null=True, blank=True, editable=False
    )

    # Marked, never deleted: a record entered in error is voided and can be restored.
    voided_at = models.DateTimeField("thời điểm hủy", null=True, blank=True, editable=False)
    voided_reason = models.CharField("lý do hủy", max_length=255, blank=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )

    class Meta:
        verbose_name = "đảng viên"
        verbose_name_plural = "đảng viên"
        ordering = ["name_sort_key", "date_of_birth", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["card_number"],
                condition=Q(card_number__isnull=False),
                name="member_card_number_unique",
            ),
            models.UniqueConstraint(
                fields=["personal_id_number"],
                condition=Q(personal_id_number__isnull=False),
                name="member_personal_id_unique",
            ),
            models.UniqueConstraint(
                fields=["background_number"],
                condition=Q(background_number__isnull=False),
                name="member_background_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="member_org_status"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class MemberEvent(models.Model):
    """A dated fact in a member's party life, with the decision behind it."""

    class Kind(models.TextChoices):
        ADMITTED = "ADMITTED", "Kết nạp vào Đảng"
        MADE_OFFICIAL = "MADE_OFFICIAL", "Công nhận đảng viên chính thức"
        TRANSFERRED_IN = "TRANSFERRED_IN", "Chuyển sinh hoạt đến"
        MOVED = "MOVED", "Chuyển sinh hoạt nội bộ"
        TRANSFERRED_OUT = "TRANSFERRED_OUT", "Chuyển sinh hoạt đi"
        EXEMPTED = "EXEMPTED", "Miễn công tác và sinh hoạt đảng"
        EXEMPTION_ENDED = "EXEMPTION_ENDED", "Thôi miễn công tác và sinh hoạt đảng"
        STRUCK_OFF = "STRUCK_OFF", "Xóa tên"
        EXPELLED = "EXPELLED", "Khai trừ"
        DIED = "DIED", "Từ trần"
        READMITTED = "READMITTED", "Kết nạp lại"

    class Reason(models.TextChoices):
        """The ground of a striking off (xóa tên) or of an exemption (miễn công tác và sinh hoạt).

        Striking off: Quy định thi hành Điều lệ (QĐ 29, QĐ 24, QĐ 294-QĐ/TW) mục 8.1,
        plus a probation not recognised (Điều lệ Đảng Đ5 k2) and an approved withdrawal
        (Điều lệ Đảng Đ8 k3). Exemption: Điều lệ Đảng Đ7; HD 27-HD/BTCTW (2009).
        """

        MISSED_ACTIVITY_OR_DUES = (
            "MISSED_ACTIVITY_OR_DUES",
            "Bỏ sinh hoạt đảng hoặc không đóng đảng phí 3 tháng trong năm không có lý do chính đáng",
        )
        CARD_RETURNED = "CARD_RETURNED", "Tự ý trả thẻ đảng viên hoặc tự hủy thẻ đảng viên"
        NO_PROGRESS = (
            "NO_PROGRESS",
            "Giảm sút ý chí phấn đấu, được chi bộ giáo dục 12 tháng vẫn không tiến bộ",
        )
        STANDARDS_BREACHED = "STANDARDS_BREACHED", "Hai năm liền vi phạm tư cách đảng viên"
        POLITICAL_STANDARDS = (
            "POLITICAL_STANDARDS",
            "Không bảo đảm tiêu chuẩn chính trị theo quy định của Bộ Chính trị",
        )
        PROBATION_NOT_RECOGNISED = (
            "PROBATION_NOT_RECOGNISED",
            "Đảng viên dự bị không đủ điều kiện công nhận chính thức",
        )
        WITHDRAWAL = "WITHDRAWAL", "Xin ra khỏi Đảng, được cấp có thẩm quyền chấp thuận"
        OLD_AGE = "OLD_AGE", "Tuổi cao"
        FRAIL_HEALTH = "FRAIL_HEALTH", "Sức khỏe yếu"

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="events", verbose_name="đảng viên"
    )
    kind = models.CharField("loại sự kiện", max_length=20, choices=Kind.choices)
    # The ground of a striking off or an exemption (rules in lifecycle_rules.py).
    reason_code = models.CharField(
        "lý do (theo quy định)", max_length=30, choices=Reason.choices, blank=True
    )
    happened_on = models.DateField("ngày hiệu lực")
    organization = models.ForeignKey(
        Organization,
        verbose_name="tổ chức",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    other_party = models.CharField("nơi đi, nơi đến (ngoài hệ thống)", max_length=255, blank=True)
    decision_number = models.CharField("số quyết định", max_length=100, blank=True)
    decision_signed_on = models.DateField("ngày ký", null=True, blank=True)
    decision_issuer = models.CharField("cơ quan quyết định", max_length=200, blank=True)
    # For an admission or readmission: the day the cell held the admission ceremony,
    # from which the 12 months of probation run (Điều lệ Đảng Đ5 k1).
    ceremony_on = models.DateField("ngày tổ chức lễ kết nạp", null=True, blank=True)
    grounds = models.CharField("lý do, căn cứ", max_length=255, blank=True)
    note = models.TextField("ghi chú", blank=True)
    voided_at = models.DateTimeField("thời điểm hủy", null=True, blank=True, editable=False)
    voided_reason = models.CharField("lý do hủy", max_length=255, blank=True, editable=False)
    recorded_at = models.DateTimeField("thời điểm ghi nhận", auto_now_add=True)

    class Meta:
        verbose_name = "sự kiện của đảng viên"
        verbose_name_plural = "sự kiện của đảng viên"
        ordering = ["member", "happened_on", "id"]
        indexes = [
            models.Index(fields=["kind", "happened_on"], name="memberevent_kind_on"),
            # The events recorded without an organization (a recognition counts where the
            # member's cell stood that day): period indicators read them apart, by kind and date,
            # without a bitmap of every such event in the installation.
            models.Index(
                fields=["kind", "happened_on"],
                condition=models.Q(organization__isnull=True),
                name="memberevent_no_org_kind_on",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.happened_on:%d/%m/%Y}"


class MemberState(models.Model):
    """A period over which a member had one status in one organization (derived from events)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="states")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("tình trạng", max_length=20, choices=Status.choices)
    valid_from = models.DateField("từ ngày")
    valid_until = models.DateField("đến trước ngày", null=True, blank=True)

    class Meta:
        verbose_name = "giai đoạn sinh hoạt"
        verbose_name_plural = "giai đoạn sinh hoạt"
        ordering = ["member", "valid_from"]
        indexes = [
            models.Index(fields=["organization", "valid_from"], name="memberstate_org_from"),
            # The membership of a subtree on a date, read from the subtree's organizations
            # without visiting the table (an index-only scan; PostgreSQL only, where an index
            # can include columns): what makes a grassroots committee's figures cost its own
            # members, not the installation's.
            models.Index(
                fields=["organization", "valid_from"],
                include=["valid_until", "status", "member"],
                name="memberstate_org_cover",
            ),
            models.Index(fields=["member", "valid_from"], name="memberstate_member_from"),
            # The few members with a gap in their party age (struck off or expelled, then
            # readmitted): the badge lists find them without reading every state.
            models.Index(
                fields=["member"],
                condition=models.Q(status__in=[Status.STRUCK_OFF, Status.EXPELLED]),
                name="memberstate_gaps",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} từ {self.valid_from:%d/%m/%Y}"


class Position(models.Model):
    """A post a member holds (bí thư chi bộ, cấp ủy viên...), dated."""

    class Title(models.TextChoices):
        SECRETARY = "SECRETARY", "Bí thư"
        DEPUTY_SECRETARY = "DEPUTY_SECRETARY", "Phó bí thư"
        STANDING_COMMITTEE_MEMBER = "STANDING_COMMITTEE_MEMBER", "Ủy viên ban thường vụ"
        COMMITTEE_MEMBER = "COMMITTEE_MEMBER", "Cấp ủy viên"
        INSPECTION_COMMISSION_MEMBER = "INSPECTION_COMMISSION_MEMBER", "Ủy viên ủy ban kiểm tra"
        KEY_CADRE = "KEY_CADRE", "Cán bộ chủ chốt"
        GROUP_LEADER = "GROUP_LEADER", "Tổ trưởng tổ đảng"

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="positions", verbose_name="đảng viên"
    )
    title = models.CharField("chức vụ", max_length=40, choices=Title.choices)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="tổ chức"
    )
    started_on = models.DateField("từ ngày")
    ended_on = models.DateField("đến ngày", null=True, blank=True)
    decision_number = models.CharField("số quyết định", max_length=100, blank=True)

    class Meta:
        verbose_name = "chức vụ đảng"
        verbose_name_plural = "chức vụ đảng"
        ordering = ["member", "-started_on"]

    def __str__(self) -> str:
        return f"{self.get_title_display()} {self.organization}"


class Transfer(TimeStampedModel):
    """A transfer of party activity (chuyển sinh hoạt đảng), official or temporary.

    An official transfer runs: started (AWAITING_LETTER) → transfer letter issued
    (AWAITING_ARRIVAL; an OUTGOING transfer ends here: the member leaves the count on
    the letter's date, COMPLETED) → the receiving cell confirms the arrival
    (COMPLETED; the member moves on that day). An INCOMING transfer from outside is
    recorded when the member arrives (COMPLETED). A temporary transfer is ACTIVE
    from its start until the member returns (ENDED); it records no event, the member
    stays in the home cell's count. The clocks: QĐ 294-QĐ/TW mục 6.3.1 (see
    ``lifecycle_rules``).
    """

    class Kind(models.TextChoices):
        OFFICIAL = "OFFICIAL", "Chính thức"
        TEMPORARY = "TEMPORARY", "Tạm thời"

    class Direction(models.TextChoices):
        INTERNAL = "INTERNAL", "Giữa các chi bộ trong hệ thống"
        OUTGOING = "OUTGOING", "Chuyển đi ngoài hệ thống"
        INCOMING = "INCOMING", "Chuyển đến từ ngoài hệ thống"

    class Reason(models.TextChoices):
        WORK_CHANGE = "WORK_CHANGE", "Chuyển công tác"
        RETIREMENT = "RETIREMENT", "Nghỉ hưu, nghỉ mất sức, thôi việc"
        RESIDENCE = "RESIDENCE", "Thay đổi nơi cư trú"
        DEMOBILISED = "DEMOBILISED", "Xuất ngũ, phục viên"
        STUDY = "STUDY", "Đi học tập trung"
        OTHER = "OTHER", "Lý do khác"

    class Status(models.TextChoices):
        AWAITING_LETTER = "AWAITING_LETTER", "Chờ giấy giới thiệu"
        AWAITING_ARRIVAL = "AWAITING_ARRIVAL", "Chờ nơi đến tiếp nhận"
        COMPLETED = "COMPLETED", "Đã hoàn thành"
        CANCELLED = "CANCELLED", "Đã hủy bỏ"
        ACTIVE = "ACTIVE", "Đang sinh hoạt tạm thời"
        ENDED = "ENDED", "Đã trở về"

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="transfers", verbose_name="đảng viên"
    )
    kind = models.CharField("hình thức", max_length=10, choices=Kind.choices)
    direction = models.CharField("chiều chuyển", max_length=10, choices=Direction.choices)
    status = models.CharField("tình trạng", max_length=20, choices=Status.choices)
    from_organization = models.ForeignKey(
        Organization, verbose_name="chi bộ nơi đi", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    to_organization = models.ForeignKey(
        Organization, verbose_name="chi bộ nơi đến", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    other_party = models.CharField(
        "tổ chức đảng ngoài hệ thống (nơi đến hoặc nơi đi)", max_length=255, blank=True
    )
    reason = models.CharField("lý do chuyển", max_length=20, choices=Reason.choices)
    # The decision taking effect or the move that starts the 60 working days.
    triggered_on = models.DateField(
        "ngày quyết định có hiệu lực, ngày chuyển nơi ở", null=True, blank=True
    )
    start_late_explanation = models.TextField("giải trình chậm làm thủ tục", blank=True)
    letter_number = models.CharField("số giấy giới thiệu", max_length=100, blank=True)
    letter_on = models.DateField("ngày giới thiệu", null=True, blank=True)
    letter_issuer = models.CharField("cấp ủy giới thiệu", max_length=200, blank=True)
    received_on = models.DateField("ngày nơi đến tiếp nhận", null=True, blank=True)
    late_explanation = models.TextField("giải trình chậm xuất trình giấy giới thiệu", blank=True)
    planned_from = models.DateField("sinh hoạt tạm thời từ ngày", null=True, blank=True)
    planned_until = models.DateField("dự kiến trở về ngày", null=True, blank=True)
    returned_on = models.DateField("ngày trở về", null=True, blank=True)
    special_case_ground = models.CharField(
        "căn cứ trường hợp đặc biệt (Ban Bí thư quy định)", max_length=255, blank=True
    )
    cancelled_on = models.DateField("ngày hủy bỏ", null=True, blank=True)
    cancel_reason = models.CharField("lý do hủy bỏ", max_length=255, blank=True)
    note = models.TextField("ghi chú", blank=True)
    # The member's record was created by this (incoming) transfer.
    member_created = models.BooleanField("tạo hồ sơ khi tiếp nhận", default=False)
    # The event this transfer wrote (TRANSFERRED_OUT, MOVED or TRANSFERRED_IN).
    event = models.ForeignKey(
        MemberEvent, verbose_name="sự kiện đã ghi", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+", editable=False,
    )  # fmt: skip
    voided_at = models.DateTimeField("thời điểm hủy", null=True, blank=True, editable=False)
    voided_reason = models.CharField("lý do hủy", max_length=255, blank=True, editable=False)

    class Meta:
        verbose_name = "chuyển sinh hoạt đảng"
        verbose_name_plural = "chuyển sinh hoạt đảng"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["from_organization", "status"], name="transfer_from_status"),
            models.Index(fields=["to_organization", "status"], name="transfer_to_status"),
            models.Index(fields=["member", "status"], name="transfer_member_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_organization__isnull=False) | Q(to_organization__isnull=False),
                name="transfer_has_a_side_here",
            ),
        ]

    def __str__(self) -> str:
        return f"Chuyển sinh hoạt đảng {self.get_kind_display().lower()}: {self.member}"

    @property
    def is_open(self) -> bool:
        return self.voided_at is None and self.status in OPEN_TRANSFER_STATUSES

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    @property
    def destination(self) -> str:
        return self.to_organization.name if self.to_organization_id else self.other_party

    @property
    def origin(self) -> str:
        return self.from_organization.name if self.from_organization_id else self.other_party


OPEN_TRANSFER_STATUSES = (
    Transfer.Status.AWAITING_LETTER,
    Transfer.Status.AWAITING_ARRIVAL,
    Transfer.Status.ACTIVE,
)
