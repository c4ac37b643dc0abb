"""The radar's deadlines stored with their due dates, derived from the facts when they are written.

``OpenDeadline`` holds what the sources (``dangbo.deadlines.sources``)
compute, one row per deadline, so that the radar counts and pages them in SQL
instead of computing a whole province in Python. It is derived state: only
``dangbo.deadlines.store`` writes it, from the same functions the radar used
to call, for one record at a time (when its facts change) or for all of them
(``dangbo deadlines --rebuild``). ``DeadlineStore`` says which day the rows were
derived for and how far ahead they reach.
"""

from __future__ import annotations

from django.db import models


class OpenDeadline(models.Model):
    kind = models.CharField("loại việc", max_length=100)
    title = models.CharField("việc cần làm", max_length=300)
    subject = models.CharField("đối tượng", max_length=300)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="tổ chức",
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The other end of a transfer: shown there by the radar of a subtree without the first end.
    other_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="tổ chức đầu kia",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    due_on = models.DateField("hạn cuối")
    shown_until = models.DateField("hiện trên radar đến ngày", null=True, blank=True)
    shown_from = models.DateField("hiện trên radar từ ngày", null=True, blank=True)
    is_milestone = models.BooleanField("là mốc", default=False)
    rule = models.TextField("căn cứ", blank=True)
    detail = models.TextField("ghi chú", blank=True)
    late_detail = models.TextField("ghi chú khi đã quá hạn", blank=True)
    url = models.CharField("đường dẫn", max_length=300, blank=True)
    subject_type = models.CharField("loại hồ sơ", max_length=60)
    subject_id = models.BigIntegerField("số hồ sơ")

    class Meta:
        verbose_name = "thời hạn đang mở"
        verbose_name_plural = "thời hạn đang mở"
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="deadline_subject_idx"),
            models.Index(fields=["organization", "due_on"], name="deadline_org_due_idx"),
            models.Index(fields=["other_organization"], name="deadline_other_org_idx"),
            models.Index(fields=["due_on"], name="deadline_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.subject} ({self.due_on:%d/%m/%Y})"


class DeadlineStore(models.Model):
    """One row: the day the stored deadlines were derived for and the last day they reach."""

    derived_on = models.DateField("ngày tính")
    reaches_until = models.DateField("tính đến ngày")
    rebuilt_at = models.DateTimeField("dựng lại lúc")

    class Meta:
        verbose_name = "trạng thái thời hạn lưu sẵn"
        verbose_name_plural = "trạng thái thời hạn lưu sẵn"

    def __str__(self) -> str:
        return f"{self.derived_on:%d/%m/%Y}–{self.reaches_until:%d/%m/%Y}"
