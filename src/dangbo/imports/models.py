"""An import: the uploaded file, how its columns map, what the dry run found, what was written."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dangbo.organizations.models import Organization


class ImportJob(models.Model):
    """One uploaded file on its way in: mapped, checked (dry run), confirmed, imported."""

    class Status(models.TextChoices):
        MAPPING = "MAPPING", "Chờ ghép cột"
        QUEUED = "QUEUED", "Đang chờ xử lý"
        ANALYSING = "ANALYSING", "Đang kiểm tra"
        ANALYSED = "ANALYSED", "Đã kiểm tra, chờ xác nhận"
        IMPORTING = "IMPORTING", "Đang nhập"
        DONE = "DONE", "Đã nhập"
        FAILED = "FAILED", "Không nhập được"
        CANCELLED = "CANCELLED", "Đã hủy"

    class Mode(models.TextChoices):
        ALL = "ALL", "Tất cả hoặc không gì cả"
        VALID_ONLY = "VALID_ONLY", "Chỉ các dòng hợp lệ"

    # The subtree the file is imported into. Empty only for an exchange workbook imported from the
    # command line into an installation with no organization yet (the whole installation): once
    # it is written, the job belongs to the top organization the file created.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="phạm vi",
        null=True, blank=True,
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người nhập",
    )
    created_at = models.DateTimeField("thời điểm tải lên", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật", auto_now=True)
    finished_at = models.DateTimeField("thời điểm nhập xong", null=True, blank=True)
    file = models.FileField("tệp", upload_to="imports/%Y/%m/", max_length=255)
    original_name = models.CharField("tên tệp", max_length=255)
    size = models.PositiveBigIntegerField("dung lượng", default=0)
    sha256 = models.CharField("mã băm SHA-256", max_length=64, blank=True)
    file_kind = models.CharField("định dạng", max_length=10, blank=True)  # xlsx, csv, exchange
    status = models.CharField(
        "trạng thái", max_length=20, choices=Status.choices, default=Status.MAPPING
    )
    # {"sheets": [{"name", "kind", "header_row", "columns": [{"index", "header", "field", "samples"}]}]}
    mapping = models.JSONField("ghép cột", default=dict, blank=True)
    mode = models.CharField("cách nhập", max_length=20, choices=Mode.choices, default=Mode.ALL)
    confirm_matches = models.BooleanField("xác nhận các dòng ghép theo họ tên", default=False)
    dry_run_only = models.BooleanField("chỉ kiểm tra", default=False)
    # The user's decision on each conflicting row (a row matched by a card or identity number
    # whose name, birth date or sex differs from the record): {"sheet:row": "same" | "different"}.
    decisions = models.JSONField("quyết định về các dòng xung đột", default=dict, blank=True)
    # {"rows": n, "create": n, "update": n, "unchanged": n, "confirm": n, "error_rows": n,
    #  "errors": n, "warnings": n, "by_sheet": {...}}: the dry run's, then the import's.
    summary = models.JSONField("kết quả kiểm tra", default=dict, blank=True)
    result = models.JSONField("kết quả nhập", default=dict, blank=True)
    message = models.TextField("thông báo", blank=True)
    # When the uploaded file was removed, kept its time after the job ended
    # (``services.prune_files``): the record, results and findings stay, the file is gone.
    file_removed_at = models.DateTimeField("thời điểm xóa tệp", null=True, blank=True)

    class Meta:
        verbose_name = "lần nhập dữ liệu"
        verbose_name_plural = "các lần nhập dữ liệu"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        from django.utils import timezone

        return f"{self.original_name} ({timezone.localtime(self.created_at):%d/%m/%Y %H:%M})"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.ANALYSING, self.Status.IMPORTING)

    @property
    def can_cancel(self) -> bool:
        """Any job not done can be cancelled; a running one stops at its next checkpoint."""
        return self.status not in (self.Status.DONE, self.Status.CANCELLED)

    @property
    def can_confirm(self) -> bool:
        return self.status == self.Status.ANALYSED and not self.dry_run_only and self.has_file

    @property
    def has_file(self) -> bool:
        """False once the uploaded file was removed (kept its time after the job ended)."""
        return self.file_removed_at is None

    @property
    def file_removed_note(self) -> str:
        if self.has_file:
            return ""
        from django.utils import timezone

        return (
            f"Tệp tải lên đã được xóa lúc {timezone.localtime(self.file_removed_at):%H:%M ngày %d/%m/%Y} "
            "vì đã hết thời hạn lưu giữ sau khi lần nhập kết thúc (tệp chứa thông tin cá nhân, "
            "không giữ lâu hơn cần thiết). Kết quả và các lỗi đã tìm thấy vẫn được giữ; "
            "cần nhập lại thì tải tệp lên lại."
        )

    @property
    def progress_key(self) -> str:
        return f"import-progress:{self.pk}"


class ImportIssue(models.Model):
    """A finding of a dry run or an import: where in the file, which value, what is wrong."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="issues")
    sheet = models.CharField("trang tính", max_length=100)
    row = models.PositiveIntegerField("dòng", null=True, blank=True)
    column = models.CharField("cột", max_length=200, blank=True)
    value = models.CharField("giá trị", max_length=300, blank=True)
    message = models.CharField("nội dung", max_length=500)
    severity = models.CharField("mức độ", max_length=10, default="error")

    class Meta:
        verbose_name = "lỗi nhập dữ liệu"
        verbose_name_plural = "lỗi nhập dữ liệu"
        ordering = ["job", "sheet", "row", "id"]

    def __str__(self) -> str:
        return f"{self.sheet} dòng {self.row}: {self.message}"


class ImportRow(models.Model):
    """What the dry run plans for one row (or what the import did with it)."""

    class Action(models.TextChoices):
        CREATE = "CREATE", "Thêm mới"
        UPDATE = "UPDATE", "Cập nhật"
        UNCHANGED = "UNCHANGED", "Không đổi"
        CONFIRM = "CONFIRM", "Cần xác nhận (ghép theo họ tên, ngày sinh, chi bộ)"
        CONFLICT = "CONFLICT", "Xung đột: trùng số nhưng khác người? Cần quyết định"
        ERROR = "ERROR", "Có lỗi"

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    sheet = models.CharField("trang tính", max_length=100)
    row = models.PositiveIntegerField("dòng")
    kind = models.CharField("loại hồ sơ", max_length=20)
    action = models.CharField("xử lý", max_length=20, choices=Action.choices)
    label = models.CharField("hồ sơ", max_length=300)
    target_id = models.BigIntegerField("mã hồ sơ khớp", null=True, blank=True)
    # {field label: [before, after]} for updates and confirmations
    changes = models.JSONField("thay đổi", default=dict, blank=True)
    # The same for name, birth date, sex and identity numbers only, listed apart.
    identity_changes = models.JSONField("thay đổi về nhân thân", default=dict, blank=True)
    # A conflict: [[field label, in the registry, in the file], ...]
    comparison = models.JSONField("đối chiếu hồ sơ và tệp", default=list, blank=True)

    class Meta:
        verbose_name = "dòng nhập dữ liệu"
        verbose_name_plural = "dòng nhập dữ liệu"
        ordering = ["job", "sheet", "row"]
        indexes = [models.Index(fields=["job", "action"], name="importrow_job_action")]

    def __str__(self) -> str:
        return f"{self.sheet} dòng {self.row}: {self.get_action_display()}"


class ImportUndo(models.Model):
    """What a chunked import changed on an existing member, kept in the transaction of the change:
    how to put it back if the import does not finish, even when its process died."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="undo")
    member_id = models.BigIntegerField("mã đảng viên")
    # {field: value before}, JSON-safe (dates as ISO text)
    before = models.JSONField("giá trị trước", default=dict)
    undone_at = models.DateTimeField("đã hoàn lại lúc", null=True, blank=True)

    class Meta:
        verbose_name = "thay đổi cần hoàn lại"
        verbose_name_plural = "thay đổi cần hoàn lại"
        ordering = ["job", "id"]

    def __str__(self) -> str:
        return f"Lần nhập {self.job_id}, đảng viên {self.member_id}"
