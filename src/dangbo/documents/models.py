"""Committee terms, number counters and the outgoing register (sổ đăng ký văn bản đi).

HD 36-HD/VPTW mục II 1.3: a committee's documents are numbered from 01 for
each document type, continuously within one committee term. A counter row per
(issuing organization, type, term) holds the last number given; it is locked
while the next number is taken, so two documents never get the same one. Every
number given or recorded has its row in the register, which is never deleted:
a number is never given twice.
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from dangbo.core.models import TimeStampedModel
from dangbo.organizations.models import Organization

from .rules import DocType, IssuingBody


class CommitteeTerm(TimeStampedModel):
    """A term of an organization's committee (nhiệm kỳ), from congress to congress."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="committee_terms",
        verbose_name="tổ chức",
    )  # fmt: skip
    label = models.CharField("nhiệm kỳ", max_length=50, help_text="Ví dụ: 2025–2030.")
    starts_on = models.DateField(
        "từ ngày", help_text="Ngày sau ngày bế mạc đại hội (hoặc ngày khai mạc hội nghị lần thứ "
        "nhất nếu họp trong thời gian đại hội)."
    )  # fmt: skip
    ends_on = models.DateField(
        "đến hết ngày", null=True, blank=True, help_text="Ngày bế mạc đại hội nhiệm kỳ sau."
    )

    class Meta:
        verbose_name = "nhiệm kỳ cấp ủy"
        verbose_name_plural = "nhiệm kỳ cấp ủy"
        ordering = ["organization", "-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "starts_on"], name="term_one_start"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="term_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Nhiệm kỳ {self.label}"


class NumberCounter(models.Model):
    """The last number given to a document type of an issuing organization in a term."""

    issuer = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="cấp ủy ban hành"
    )
    doc_type = models.CharField("loại văn bản", max_length=5, choices=DocType.choices)
    term = models.ForeignKey(
        CommitteeTerm, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="nhiệm kỳ",
    )  # fmt: skip
    # The term's id as text, "" when no term is recorded: unique on every database.
    term_key = models.CharField(max_length=20, blank=True, editable=False)
    last_number = models.PositiveIntegerField("số cuối đã cấp", default=0)

    class Meta:
        verbose_name = "bộ đếm số văn bản"
        verbose_name_plural = "bộ đếm số văn bản"
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "doc_type", "term_key"], name="counter_one_sequence"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()} — {self.issuer}: {self.last_number}"


class IssuedDocument(TimeStampedModel):
    """One line of the outgoing register: a number given (or recorded) to a document."""

    issuer = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="issued_documents",
        verbose_name="cấp ủy ban hành",
    )  # fmt: skip
    issuing_body = models.CharField("cơ quan ban hành", max_length=20, choices=IssuingBody.choices)
    doc_type = models.CharField("loại văn bản", max_length=5, choices=DocType.choices)
    term = models.ForeignKey(
        CommitteeTerm, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="nhiệm kỳ",
    )  # fmt: skip
    term_key = models.CharField(max_length=20, blank=True, editable=False)
    number = models.PositiveIntegerField("số")
    symbol = models.CharField("ký hiệu", max_length=50)
    issued_on = models.DateField("ngày ban hành")
    summary = models.CharField("trích yếu", max_length=500)
    signer = models.CharField("người ký", max_length=150, blank=True)
    recipients = models.CharField("nơi nhận", max_length=500, blank=True)
    # Typed by the user: a number already given outside dangbo, recorded here.
    external = models.BooleanField("số cấp ngoài hệ thống", default=False)
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")

    class Meta:
        verbose_name = "văn bản đi"
        verbose_name_plural = "sổ đăng ký văn bản đi"
        ordering = ["-issued_on", "-number", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "doc_type", "term_key", "number"], name="register_number_once"
            ),
        ]
        indexes = [models.Index(fields=["source_type", "source_id"], name="register_source")]

    def __str__(self) -> str:
        return f"Số {self.number_text}"

    @property
    def number_text(self) -> str:
        from .rules import number_text

        return number_text(self.number, self.symbol)
