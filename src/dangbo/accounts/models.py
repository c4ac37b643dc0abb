"""Roles bound to an organization subtree, and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from dangbo.organizations.models import Organization


class Role(models.TextChoices):
    COMMITTEE_ADMIN = "COMMITTEE_ADMIN", "Quản trị cấp ủy (toàn bộ cây trực thuộc)"
    MODULE_OFFICER = "MODULE_OFFICER", "Cán bộ phụ trách phân hệ"
    CELL_SECRETARY = "CELL_SECRETARY", "Bí thư chi bộ"
    MEMBER = "MEMBER", "Đảng viên (hồ sơ của mình)"
    VIEWER = "VIEWER", "Chỉ xem"


class Module(models.TextChoices):
    REGISTRY = "registry", "Tổ chức và đảng viên"
    INDICATORS = "indicators", "Chỉ tiêu, báo cáo"
    ADMISSIONS = "admissions", "Phát triển đảng viên"
    MEETINGS = "meetings", "Sinh hoạt chi bộ"
    EVALUATION = "evaluation", "Đánh giá, xếp loại"
    INSPECTION = "inspection", "Kiểm tra, giám sát, kỷ luật"
    EDUCATION = "education", "Học tập nghị quyết"
    COMMITMENTS = "commitments", "Cam kết"
    AWARDS = "awards", "Khen thưởng, huy hiệu"
    DUES = "dues", "Đảng phí"


class RoleAssignment(models.Model):
    """A role a user holds over an organization's subtree (or, for a member, over their own record)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="roles",
        verbose_name="người dùng",
    )
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="tổ chức"
    )
    modules = models.JSONField("phân hệ", default=list, blank=True)
    granted_at = models.DateTimeField("thời điểm cấp", auto_now_add=True)
    revoked_at = models.DateTimeField("thời điểm thu hồi", null=True, blank=True)

    class Meta:
        verbose_name = "phân quyền"
        verbose_name_plural = "phân quyền"
        ordering = ["user", "granted_at"]
        indexes = [
            models.Index(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="role_active_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.organization}"

    @property
    def module_labels(self) -> str:
        """The modules the role is limited to, by their Vietnamese names ("" for all)."""
        names = dict(Module.choices)
        return ", ".join(str(names.get(m, m)) for m in self.modules or [])


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name="người dùng",
    )
    name = models.CharField("tên", max_length=100)
    prefix = models.CharField("tiền tố", max_length=12)
    digest = models.CharField("mã băm", max_length=64, unique=True)
    created_at = models.DateTimeField("thời điểm tạo", auto_now_add=True)
    last_used_at = models.DateTimeField("lần dùng gần nhất", null=True, blank=True)
    revoked_at = models.DateTimeField("thời điểm thu hồi", null=True, blank=True)

    class Meta:
        verbose_name = "khóa API"
        verbose_name_plural = "khóa API"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "dbk_" + secrets.token_urlsafe(32)
