"""Regulations as records, and the values a committee may set itself."""

from __future__ import annotations

from django.db import models

from dangbo.organizations.models import Organization


class Regulation(models.Model):
    """A Party document that rules depend on. Numbers restart every term: (number, symbol, issuer, date) is the key."""

    class DocType(models.TextChoices):
        STATUTE = "STATUTE", "Điều lệ"
        REGULATION = "REGULATION", "Quy định"
        DECISION = "DECISION", "Quyết định"
        RESOLUTION = "RESOLUTION", "Nghị quyết"
        DIRECTIVE = "DIRECTIVE", "Chỉ thị"
        CONCLUSION = "CONCLUSION", "Kết luận"
        GUIDANCE = "GUIDANCE", "Hướng dẫn"
        OFFICIAL_LETTER = "OFFICIAL_LETTER", "Công văn"

    doc_type = models.CharField("loại văn bản", max_length=20, choices=DocType.choices)
    number = models.CharField("số", max_length=20)
    symbol = models.CharField("ký hiệu", max_length=40)
    issuer = models.CharField("cơ quan ban hành", max_length=200)
    signed_on = models.DateField("ngày ký")
    effective_on = models.DateField("ngày có hiệu lực")
    title = models.CharField("trích yếu", max_length=500)
    repealed_by = models.ForeignKey(
        "self",
        verbose_name="bị thay thế bởi",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeals",
    )
    repealed_on = models.DateField("hết hiệu lực từ ngày", null=True, blank=True)
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "văn bản quy định"
        verbose_name_plural = "văn bản quy định"
        ordering = ["-effective_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "symbol", "signed_on"], name="regulation_identity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()} {self.number}-{self.symbol} ngày {self.signed_on:%d/%m/%Y}"

    @property
    def reference(self) -> str:
        return f"{self.number}-{self.symbol}"


class Setting(models.Model):
    """A value a committee may set (a rubric, an UNCONFIRMED item), effective from a date, for a subtree.

    The most specific organization wins; a row without organization is the
    installation's default; the code's default applies when no row exists.
    """

    key = models.CharField("khóa", max_length=80)
    organization = models.ForeignKey(
        Organization,
        verbose_name="áp dụng cho tổ chức",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    value = models.JSONField("giá trị")
    effective_on = models.DateField("áp dụng từ ngày")
    regulation = models.ForeignKey(
        Regulation,
        verbose_name="căn cứ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "tham số quy định"
        verbose_name_plural = "tham số quy định"
        ordering = ["key", "-effective_on"]

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"


class CalendarDay(models.Model):
    """A day a committee adds to the working calendar: a day off, or a day made a working day.

    The public holidays themselves come from the ``holidays`` library
    (``regulations.workdays``); these rows add what it does not know, for the
    whole installation (no organization) or a subtree.
    """

    day = models.DateField("ngày")
    is_working_day = models.BooleanField(
        "là ngày làm việc",
        default=False,
        help_text="Đánh dấu nếu ngày này là ngày làm việc (làm bù); bỏ trống nếu là ngày nghỉ.",
    )
    name = models.CharField("tên, lý do", max_length=200)
    organization = models.ForeignKey(
        Organization,
        verbose_name="áp dụng cho tổ chức",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    document = models.CharField("văn bản căn cứ", max_length=200, blank=True)
    voided_at = models.DateTimeField("thời điểm hủy", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "ngày nghỉ, ngày làm bù bổ sung"
        verbose_name_plural = "ngày nghỉ, ngày làm bù bổ sung"
        ordering = ["day"]

    def __str__(self) -> str:
        kind = "làm việc" if self.is_working_day else "nghỉ"
        return f"{self.day:%d/%m/%Y} ({kind}): {self.name}"
