from django.conf import settings
from django.db import models

from dangbo.core.fields import ByteOrderedCharField


class AuditEntry(models.Model):
    """One write: who, when, what, before and after. Never changed or deleted."""

    at = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thực hiện",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField("thao tác", max_length=80, db_index=True)
    target_type = models.CharField("loại đối tượng", max_length=80)
    target_id = models.CharField("mã đối tượng", max_length=40)
    target_repr = models.CharField("đối tượng", max_length=300, blank=True)
    # The tree path of the organization the change belongs to, so that the
    # audit log can be scoped to a subtree like everything else.
    org_path = ByteOrderedCharField("đường dẫn tổ chức", max_length=255, blank=True, db_index=True)
    before = models.JSONField("trước", null=True, blank=True)
    after = models.JSONField("sau", null=True, blank=True)
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "mục nhật ký"
        verbose_name_plural = "nhật ký thay đổi"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action} {self.target_repr}"
