"""Forms of the organization pages; dates are typed dd/mm/yyyy."""

from __future__ import annotations

from django import forms

from dangbo.core.views import date_field

from .models import Organization, OrgKind, Sector

COMMITTEE_HELP = (
    "Cấp ủy ký văn bản, ví dụ «Tỉnh ủy Lạc Hồng» cho «Đảng bộ tỉnh Lạc Hồng». Để trống: suy ra từ "
    "tên tổ chức («Đảng bộ …» → «Đảng ủy …»); chi bộ ký «T/M CHI BỘ»."
)
PLACE_HELP = (
    "Địa danh ở dòng «…, ngày … tháng … năm …» của văn bản. Để trống: dùng địa danh của tổ chức "
    "cấp trên."
)


class OrgChoiceField(forms.ModelChoiceField):
    """A choice of organizations, each named with its parent («Chi bộ Văn phòng – Đảng bộ …»,
    ``Organization.label``): the parents come with the choices, in the same query."""

    def _set_queryset(self, queryset):
        if queryset is not None:
            queryset = queryset.select_related("parent")
        super()._set_queryset(queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def label_from_instance(self, obj: Organization) -> str:
        label = f"{obj.label} ({obj.code})"
        if obj.dissolved_on is not None:
            label += f" (đã giải thể {obj.dissolved_on:%d/%m/%Y})"
        return label


class DecisionFields(forms.Form):
    decision_number = forms.CharField(label="Số quyết định", max_length=100, required=False)
    decision_signed_on = date_field("Ngày ký quyết định", required=False)
    decision_issuer = forms.CharField(label="Cơ quan ban hành", max_length=200, required=False)


class AsOfForm(forms.Form):
    on = date_field("Xem cây tổ chức tại ngày", required=False)


class FoundForm(DecisionFields):
    code = forms.CharField(label="Mã tổ chức", max_length=30)
    name = forms.CharField(label="Tên tổ chức", max_length=255)
    kind = forms.ChoiceField(label="Loại tổ chức", choices=OrgKind.choices)
    sector = forms.ModelChoiceField(
        label="Loại hình",
        queryset=Sector.objects.filter(is_active=True),
        required=False,
        empty_label="— Không chọn —",
    )
    established_on = date_field("Ngày thành lập")
    committee_name = forms.CharField(
        label="Tên cấp ủy", max_length=255, required=False, help_text=COMMITTEE_HELP
    )
    place_name = forms.CharField(
        label="Địa danh ghi trên văn bản", max_length=100, required=False, help_text=PLACE_HELP
    )

    field_order = [
        "code",
        "name",
        "kind",
        "committee_name",
        "place_name",
        "sector",
        "established_on",
        "decision_number",
        "decision_signed_on",
        "decision_issuer",
    ]


class DetailsForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = [
            "committee_name",
            "place_name",
            "sector",
            "staff_headcount",
            "hardship_area",
            "address",
            "phone",
            "email",
            "established_decision",
        ]
        help_texts = {"committee_name": COMMITTEE_HELP, "place_name": PLACE_HELP}


class RenameForm(DecisionFields):
    name = forms.CharField(label="Tên mới", max_length=255)
    happened_on = date_field("Ngày hiệu lực")

    field_order = ["name", "happened_on"]


class ChangeKindForm(DecisionFields):
    kind = forms.ChoiceField(label="Loại tổ chức mới", choices=OrgKind.choices)
    happened_on = date_field("Ngày hiệu lực")

    field_order = ["kind", "happened_on"]


class MoveForm(DecisionFields):
    new_parent = forms.CharField(
        label="Mã tổ chức cấp trên mới",
        max_length=30,
        help_text="Mã một tổ chức trong phạm vi bạn quản lý.",
    )
    happened_on = date_field("Ngày hiệu lực")

    field_order = ["new_parent", "happened_on"]


class DissolveForm(DecisionFields):
    happened_on = date_field("Ngày giải thể")
    move_members_to = forms.CharField(
        label="Chuyển đảng viên đến chi bộ (mã)",
        max_length=30,
        required=False,
        help_text="Để trống nếu tổ chức không còn đảng viên đang sinh hoạt.",
    )

    field_order = ["happened_on", "move_members_to"]


class MergeForm(DecisionFields):
    target = forms.CharField(label="Mã tổ chức tiếp nhận", max_length=30)
    happened_on = date_field("Ngày sáp nhập")

    field_order = ["target", "happened_on"]


class RestoreForm(forms.Form):
    happened_on = date_field("Khôi phục từ ngày")
    note = forms.CharField(label="Lý do khôi phục", widget=forms.Textarea(attrs={"rows": 3}))


class AuditFilterForm(forms.Form):
    """The audit log's filters; the organizations offered are those of the page's subtree."""

    action = forms.ChoiceField(label="Thao tác", required=False)
    actor = forms.CharField(
        label="Người thực hiện", max_length=150, required=False,
        help_text="Tên đăng nhập, hoặc một phần họ tên.",
    )  # fmt: skip
    start = date_field("Từ ngày", required=False)
    end = date_field("Đến ngày", required=False)
    target = forms.CharField(
        label="Đối tượng", max_length=150, required=False,
        help_text="Một phần tên của hồ sơ, tổ chức... hoặc số hiệu của nó.",
    )  # fmt: skip
    organization = forms.ModelChoiceField(
        label="Trong tổ chức", queryset=Organization.objects.none(), required=False,
        empty_label="— Toàn bộ phạm vi —", to_field_name="code",
    )  # fmt: skip

    def __init__(self, data=None, *, org: Organization, **kwargs):
        from dangbo.audit.actions import action_choices

        from .selectors import path_range

        super().__init__(data, **kwargs)
        self.fields["action"].choices = [("", "— Mọi thao tác —"), *action_choices()]
        self.fields["organization"].queryset = Organization.objects.filter(
            path_range(org.path)
        ).order_by("path")
        self.fields["organization"].label_from_instance = lambda o: f"{o.name} ({o.code})"

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "Ngày cuối phải từ ngày đầu trở đi.")
        return data

    def filters(self) -> dict:
        """The selector's keyword arguments (none when the filters are not valid)."""
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "action": data["action"], "actor": data["actor"], "start": data["start"],
            "end": data["end"], "target": data["target"], "within": data["organization"],
        }  # fmt: skip
