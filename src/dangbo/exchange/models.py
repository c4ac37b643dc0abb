"""An export of the exchange workbook, written by the task worker and kept for download."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dangbo.organizations.models import Organization


class ExportJob(models.Model):
    """One exchange workbook asked for a subtree: queued, written in the background, downloaded."""

    class Status(models.TextChoices):
        QUEUED = "QUEUED", "Đang chờ xử lý"
        RUNNING = "RUNNING", "Đang xuất"
        DONE = "DONE", "Đã xuất xong"
        FAILED = "FAILED", "Không xuất được"
        EXPIRED = "EXPIRED", "Đã xóa tệp (hết thời hạn lưu)"

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="tổ chức"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người yêu cầu",
    )
    created_at = models.DateTimeField("thời điểm yêu cầu", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật", auto_now=True)
    finished_at = models.DateTimeField("thời điểm xuất xong", null=True, blank=True)
    as_of = models.DateField("số liệu đến ngày")
    status = models.CharField(
        "trạng thái", max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    file = models.FileField("tệp", upload_to="exports/%Y/%m/", max_length=255, blank=True)
    filename = models.CharField("tên tệp tải về", max_length=255, blank=True)
    size = models.PositiveBigIntegerField("dung lượng", default=0)
    # {sheet title: rows}
    counts = models.JSONField("số dòng", default=dict, blank=True)
    message = models.TextField("thông báo", blank=True)

    class Meta:
        verbose_name = "lần xuất tệp trao đổi"
        verbose_name_plural = "các lần xuất tệp trao đổi"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        from django.utils import timezone

        return f"Tệp trao đổi {self.organization.code} ({timezone.localtime(self.created_at):%d/%m/%Y %H:%M})"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def progress_key(self) -> str:
        return f"export-progress:{self.pk}"
