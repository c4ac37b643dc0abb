"""Abstract models shared by the domain apps."""

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("thời điểm tạo", auto_now_add=True)
    updated_at = models.DateTimeField("thời điểm cập nhật", auto_now=True)

    class Meta:
        abstract = True


class CodeList(models.TextChoices):
    ETHNICITY = "ethnicity", "Dân tộc"
    RELIGION = "religion", "Tôn giáo"
    GENERAL_EDUCATION = "general_education", "Trình độ giáo dục phổ thông"
    PROFESSIONAL = "professional", "Trình độ chuyên môn"
    POLITICAL_THEORY = "political_theory", "Trình độ lý luận chính trị"
    ACADEMIC_TITLE = "academic_title", "Học hàm"
    PROVINCE = "province", "Tỉnh, thành phố (từ 01/07/2025)"
    PROVINCE_2008 = "province_2008", "Tỉnh, thành phố (2008–2025)"


class Code(models.Model):
    """One entry of a reference list (ethnic groups, religions, education levels...).

    Codes only mean something with their list, and lists change: each entry
    carries its validity so an old record keeps its old code.
    """

    list = models.CharField("danh mục", max_length=30, choices=CodeList.choices)
    code = models.CharField("mã", max_length=20)
    name = models.CharField("tên", max_length=200)
    other_names = models.CharField("tên gọi khác", max_length=500, blank=True)
    position = models.PositiveSmallIntegerField("thứ tự", default=0)
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_until = models.DateField("hết hiệu lực từ", null=True, blank=True)

    class Meta:
        verbose_name = "mã danh mục"
        verbose_name_plural = "danh mục mã"
        ordering = ["list", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["list", "code"], name="code_unique_in_list")]

    def __str__(self) -> str:
        return self.name
