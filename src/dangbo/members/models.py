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

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="events", verbose_name="đảng viên"
    )
    kind = models.CharField("loại sự kiện", max_length=20, choices=Kind.choices)
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
        indexes = [models.Index(fields=["kind", "happened_on"], name="memberevent_kind_on")]

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
            models.Index(fields=["member", "valid_from"], name="memberstate_member_from"),
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
