"""The organization tree, its history and the rules on which kinds may nest."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from dangbo.core.fields import ByteOrderedCharField
from dangbo.core.models import TimeStampedModel

PATH_SEGMENT_WIDTH = 8


class OrgKind(models.TextChoices):
    CENTRAL = "CENTRAL", "Trung ương"
    PROVINCIAL = "PROVINCIAL", "Tỉnh ủy, thành ủy trực thuộc Trung ương"
    DISTRICT = "DISTRICT", "Huyện ủy, quận ủy, thị ủy, thành ủy thuộc tỉnh"
    BLOC = "BLOC", "Đảng ủy khối"
    SUPERIOR = "SUPERIOR", "Đảng bộ cấp trên cơ sở"
    DELEGATED_SUPERIOR = "DELEGATED_SUPERIOR", "Đảng ủy được giao quyền cấp trên cơ sở"
    GRASSROOTS_DANG_BO = "GRASSROOTS_DANG_BO", "Đảng bộ cơ sở"
    GRASSROOTS_CELL = "GRASSROOTS_CELL", "Chi bộ cơ sở"
    SUB_DANG_BO = "SUB_DANG_BO", "Đảng bộ bộ phận"
    DEPENDENT_CELL = "DEPENDENT_CELL", "Chi bộ trực thuộc"


GRASSROOTS_KINDS = (OrgKind.GRASSROOTS_DANG_BO, OrgKind.GRASSROOTS_CELL)
CELL_KINDS = (OrgKind.GRASSROOTS_CELL, OrgKind.DEPENDENT_CELL)
SUPERIOR_KINDS = (
    OrgKind.CENTRAL, OrgKind.PROVINCIAL, OrgKind.DISTRICT, OrgKind.BLOC,
    OrgKind.SUPERIOR, OrgKind.DELEGATED_SUPERIOR,
)  # fmt: skip


class Sector(models.Model):
    """Sector of the unit a grassroots organization leads (loại hình, "khối"): a configurable list."""

    code = models.CharField("mã", max_length=30, unique=True)
    name = models.CharField("tên loại hình", max_length=200)
    position = models.PositiveSmallIntegerField("thứ tự", default=0)
    is_active = models.BooleanField("đang dùng", default=True)

    class Meta:
        verbose_name = "loại hình tổ chức cơ sở đảng"
        verbose_name_plural = "loại hình tổ chức cơ sở đảng"
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class OrgKindRule(models.Model):
    """A legal (parent kind, child kind) pair and the period it was legal in.

    Data, not code: the 2025 reform changed which kinds may nest, and a
    committee administrator can correct a pair without a release.
    """

    parent_kind = models.CharField("loại tổ chức cấp trên", max_length=30, choices=OrgKind.choices)
    child_kind = models.CharField("loại tổ chức cấp dưới", max_length=30, choices=OrgKind.choices)
    valid_from = models.DateField("áp dụng từ ngày", null=True, blank=True)
    valid_until = models.DateField("áp dụng đến trước ngày", null=True, blank=True)
    source = models.CharField("căn cứ", max_length=200, blank=True)

    class Meta:
        verbose_name = "quy tắc cấp tổ chức"
        verbose_name_plural = "quy tắc cấp tổ chức"
        ordering = ["parent_kind", "child_kind", "valid_from"]

    def __str__(self) -> str:
        return f"{self.get_parent_kind_display()} → {self.get_child_kind_display()}"


# Between a cell's name and its parent's: "Chi bộ Văn phòng – Đảng bộ Hội Nông dân tỉnh".
LABEL_SEPARATOR = " – "


def org_label(name: str, parent_name: str | None) -> str:
    """An organization's name followed by its parent's (``Organization.label``)."""
    return f"{name}{LABEL_SEPARATOR}{parent_name}" if parent_name else name


class Organization(TimeStampedModel):
    """A party organization (any node of the tree).

    ``parent``, ``path``, ``depth``, ``name`` and ``kind`` hold the current
    state; its history is in ``TreePosition`` and ``OrgEvent``, and only the
    services in ``services.py`` change them, always together.
    """

    code = models.CharField("mã tổ chức", max_length=30, unique=True)
    name = models.CharField("tên tổ chức", max_length=255)
    kind = models.CharField("loại tổ chức", max_length=30, choices=OrgKind.choices)
    sector = models.ForeignKey(
        Sector, verbose_name="loại hình", null=True, blank=True, on_delete=models.PROTECT
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="tổ chức cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = ByteOrderedCharField("đường dẫn", max_length=255, unique=True, null=True, blank=True)
    depth = models.PositiveSmallIntegerField("cấp trong cây", default=0)
    staff_headcount = models.PositiveIntegerField(
        "số cán bộ, nhân viên của đơn vị", null=True, blank=True
    )
    hardship_area = models.BooleanField(
        "vùng cao, vùng sâu, biên giới, hải đảo, đặc biệt khó khăn", default=False
    )
    established_on = models.DateField("ngày thành lập")
    established_decision = models.CharField("quyết định thành lập", max_length=100, blank=True)
    dissolved_on = models.DateField("ngày giải thể, kết thúc hoạt động", null=True, blank=True)
    dissolved_decision = models.CharField("quyết định giải thể", max_length=100, blank=True)
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    phone = models.CharField("điện thoại", max_length=30, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    # The organization is "Đảng bộ tỉnh Lạc Hồng"; its committee, which issues and signs, is
    # "Tỉnh ủy Lạc Hồng". Empty: the documents derive it from the kind and the name.
    committee_name = models.CharField("tên cấp ủy", max_length=255, blank=True)
    # The place in the "……, ngày …" line of documents; empty: the organization above's.
    place_name = models.CharField("địa danh ghi trên văn bản", max_length=100, blank=True)

    class Meta:
        verbose_name = "tổ chức đảng"
        verbose_name_plural = "tổ chức đảng"
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(dissolved_on__gte=models.F("established_on")),
                name="org_dissolved_after_established",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name with the parent's, as an organization is named outside its own page:
        "Chi bộ Văn phòng – Đảng bộ Hội Nông dân tỉnh" (many cells share a name).

        Reads the parent's name from a ``parent_name`` annotation or a ``select_related``
        parent (``selectors.with_parent``); otherwise it costs one query.
        """
        parent_name = getattr(self, "parent_name", None)
        if parent_name is None and self.parent_id is not None:
            parent_name = self.parent.name
        return org_label(self.name, parent_name)

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None

    @property
    def is_cell(self) -> bool:
        return self.kind in CELL_KINDS

    @property
    def is_grassroots(self) -> bool:
        return self.kind in GRASSROOTS_KINDS

    @property
    def committee(self) -> str:
        """The name its committee issues and signs with ("Tỉnh ủy Lạc Hồng"), recorded or derived."""
        from .naming import committee_name_of

        return committee_name_of(self)

    def document_place(self) -> str:
        """The place its documents name: its own place name, else the nearest one above ("" if none)."""
        from .naming import inherited_place
        from .selectors import ancestors_of

        if self.place_name.strip():
            return self.place_name.strip()
        return inherited_place(a.place_name for a in ancestors_of(self)) if self.path else ""


class TreePosition(models.Model):
    """Where an organization stood in the tree, under which name, over a period.

    A question about a past date is answered by the positions valid on that
    date: ``valid_from <= date < valid_until`` (an open end means "still").
    The path of that period makes "everything under X on that date" one
    indexed range query.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="positions", verbose_name="tổ chức"
    )
    parent = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tổ chức cấp trên",
    )
    path = ByteOrderedCharField("đường dẫn", max_length=255)
    depth = models.PositiveSmallIntegerField("cấp trong cây", default=0)
    name = models.CharField("tên tổ chức", max_length=255)
    kind = models.CharField("loại tổ chức", max_length=30, choices=OrgKind.choices)
    valid_from = models.DateField("từ ngày")
    valid_until = models.DateField("đến trước ngày", null=True, blank=True)

    class Meta:
        verbose_name = "vị trí trong cây tổ chức"
        verbose_name_plural = "lịch sử cây tổ chức"
        ordering = ["path", "valid_from"]
        indexes = [
            models.Index(fields=["path", "valid_from"], name="treepos_path_from"),
            models.Index(fields=["organization", "valid_from"], name="treepos_org_from"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="treepos_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from:%d/%m/%Y}–)"


class OrgEvent(models.Model):
    """A dated event in an organization's life, with the decision behind it."""

    class Kind(models.TextChoices):
        FOUNDED = "FOUNDED", "Thành lập"
        RENAMED = "RENAMED", "Đổi tên"
        KIND_CHANGED = "KIND_CHANGED", "Chuyển loại tổ chức"
        MOVED = "MOVED", "Chuyển trực thuộc"
        MERGED_INTO = "MERGED_INTO", "Sáp nhập vào tổ chức khác"
        ABSORBED = "ABSORBED", "Tiếp nhận tổ chức sáp nhập"
        SPLIT_INTO = "SPLIT_INTO", "Chia tách"
        SPLIT_FROM = "SPLIT_FROM", "Thành lập do chia tách"
        DISSOLVED = "DISSOLVED", "Giải thể"
        RESTORED = "RESTORED", "Khôi phục"
        UPDATED = "UPDATED", "Cập nhật thông tin"

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="events", verbose_name="tổ chức"
    )
    kind = models.CharField("loại sự kiện", max_length=20, choices=Kind.choices)
    happened_on = models.DateField("ngày hiệu lực")
    decision_number = models.CharField("số quyết định", max_length=100, blank=True)
    decision_signed_on = models.DateField("ngày ký quyết định", null=True, blank=True)
    decision_issuer = models.CharField("cơ quan ban hành", max_length=200, blank=True)
    related = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tổ chức liên quan",
    )
    details = models.JSONField("chi tiết", default=dict, blank=True)
    note = models.TextField("ghi chú", blank=True)
    recorded_at = models.DateTimeField("thời điểm ghi nhận", auto_now_add=True)

    class Meta:
        verbose_name = "sự kiện của tổ chức"
        verbose_name_plural = "sự kiện của tổ chức"
        ordering = ["organization", "happened_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.happened_on:%d/%m/%Y}"
