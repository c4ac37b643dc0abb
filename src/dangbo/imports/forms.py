from __future__ import annotations

from django import forms
from django.conf import settings

from .fields import fields_for
from .models import ImportJob


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Tệp Excel (.xlsx) hoặc CSV",
        help_text=(
            "Danh sách đảng viên hoặc danh sách tổ chức đảng, hoặc tệp trao đổi dữ liệu của dangbo. "
            "Hệ thống kiểm tra trước, chưa ghi gì cho đến khi bạn xác nhận."
        ),
        error_messages={"required": "Chọn tệp cần nhập.", "empty": "Tệp rỗng."},
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        limit = settings.DANGBO_MAX_UPLOAD_BYTES
        if uploaded.size > limit:
            raise forms.ValidationError(f"Tệp lớn quá {limit // (1024 * 1024)} MB.")
        return uploaded


class MappingForm(forms.Form):
    """One select per column of each recognised sheet: the field it holds, or «bỏ qua»."""

    def __init__(self, *args, job: ImportJob, **kwargs):
        super().__init__(*args, **kwargs)
        self.job = job
        self.sheets = []
        for s_index, sheet in enumerate(job.mapping.get("sheets", [])):
            if not sheet.get("kind"):
                continue
            choices = [("", "— Bỏ qua cột này —")] + [
                (spec.key, spec.label) for spec in fields_for(sheet["kind"])
            ]
            names = []
            for column in sheet["columns"]:
                name = f"s{s_index}_c{column['index']}"
                self.fields[name] = forms.ChoiceField(
                    label=column["header"], choices=choices, required=False,
                    initial=column.get("field") or "",
                )  # fmt: skip
                names.append((name, column))
            self.sheets.append((sheet, names))

    @property
    def sheet_rows(self):
        """Per sheet, the bound select of each column beside the column's header and samples."""
        return [
            (sheet, [(self[name], column) for name, column in names])
            for sheet, names in self.sheets
        ]

    def choices(self) -> dict[str, dict[int, str]]:
        return {
            sheet["name"]: {
                column["index"]: self.cleaned_data.get(name, "") for name, column in names
            }
            for sheet, names in self.sheets
        }


class ConfirmForm(forms.Form):
    mode = forms.ChoiceField(
        label="Cách nhập", choices=ImportJob.Mode.choices, widget=forms.RadioSelect,
        initial=ImportJob.Mode.ALL,
    )  # fmt: skip
    confirm_matches = forms.BooleanField(
        label="Tôi đã xem các dòng chỉ khớp theo họ tên, ngày sinh và chi bộ, và xác nhận đó là cùng một người.",
        required=False,
    )


class DecisionForm(forms.Form):
    """The decision on one conflicting row: the same person as the record, or someone else."""

    sheet = forms.CharField(widget=forms.HiddenInput, max_length=100)
    row = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    decision = forms.ChoiceField(
        label="Quyết định",
        choices=[
            ("same", "Cùng một người: cập nhật hồ sơ theo tệp"),
            ("different", "Khác người: coi dòng này là lỗi"),
            ("", "Chưa quyết định"),
        ],
        widget=forms.RadioSelect,
        required=False,
    )

    def key(self) -> str:
        return f"{self.cleaned_data['sheet']}:{self.cleaned_data['row']}"
