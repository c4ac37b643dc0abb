"""Forms of the member pages; dates are typed dd/mm/yyyy."""

from __future__ import annotations

from django import forms

from dangbo.core import codes
from dangbo.core.views import date_field
from dangbo.core.widgets import QuickSelect
from dangbo.organizations.forms import OrgChoiceField
from dangbo.organizations.models import CELL_KINDS, Organization
from dangbo.organizations.selectors import paths_filter

from .lifecycle_rules import EXEMPTION_GROUNDS, STRIKING_GROUNDS
from .models import MemberEvent, PoliticalTheory, Position, Professional, Sex, Status, Transfer

STATUS_CHOICES = [
    ("", "Đang sinh hoạt (dự bị, chính thức, miễn)"),
    ("all", "Tất cả"),
    *Status.choices,
]


def _blank(choices, label: str = "— Tất cả —"):
    return [("", label), *choices]


class CellChoiceField(OrgChoiceField):
    """A cell to place a member in, named with its parent; dissolved cells stay selectable for
    past events, labelled."""


def cells_within(paths: list[str]):
    """Return the cells lying in the given subtrees, active ones first."""
    return Organization.objects.filter(paths_filter(paths), kind__in=CELL_KINDS).order_by(
        "dissolved_on", "code"
    )


class MemberFilterForm(forms.Form):
    """The list's filters: the fields of ``selectors.MemberFilter``, as GET parameters of the same names."""

    q = forms.CharField(
        label="Tìm theo tên, số thẻ, số CCCD",
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Ví dụ: nguyen van hung", "autocomplete": "off"}
        ),
    )
    status = forms.ChoiceField(
        label="Tình trạng", choices=STATUS_CHOICES, required=False, widget=QuickSelect
    )
    sex = forms.ChoiceField(
        label="Giới tính", choices=_blank(Sex.choices), required=False, widget=QuickSelect
    )
    ethnicity = forms.ChoiceField(label="Dân tộc", choices=(), required=False, widget=QuickSelect)
    political_theory_level = forms.ChoiceField(
        label="Lý luận chính trị",
        choices=_blank(PoliticalTheory.choices),
        required=False,
        widget=QuickSelect,
    )
    professional_level = forms.ChoiceField(
        label="Chuyên môn",
        choices=_blank(Professional.choices),
        required=False,
        widget=QuickSelect,
    )
    age_min = forms.IntegerField(label="Tuổi từ", required=False, min_value=0, max_value=150)
    age_max = forms.IntegerField(label="đến", required=False, min_value=0, max_value=150)
    party_age_min = forms.IntegerField(
        label="Tuổi đảng từ", required=False, min_value=0, max_value=150
    )
    party_age_max = forms.IntegerField(label="đến", required=False, min_value=0, max_value=150)
    on = date_field("Tại ngày", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ethnicity"].choices = _blank(codes.choices("ethnicity"))
        for name in ("age_min", "age_max", "party_age_min", "party_age_max"):
            self.fields[name].error_messages["invalid"] = "Nhập một số nguyên."
            self.fields[name].widget.attrs["inputmode"] = "numeric"


class IdentityForm(forms.Form):
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    birth_name = forms.CharField(label="Họ và tên khai sinh", max_length=150, required=False)
    date_of_birth = date_field("Ngày sinh")
    sex = forms.ChoiceField(label="Giới tính", choices=Sex.choices)
    ethnicity = forms.ChoiceField(label="Dân tộc", choices=())
    religion = forms.ChoiceField(label="Tôn giáo", choices=())
    home_town = forms.CharField(label="Quê quán", max_length=255, required=False)
    birth_place = forms.CharField(label="Nơi sinh", max_length=255, required=False)
    permanent_address = forms.CharField(label="Nơi thường trú", max_length=255, required=False)
    personal_id_number = forms.CharField(
        label="Số định danh cá nhân (CCCD)", max_length=12, required=False
    )
    phone = forms.CharField(label="Điện thoại", max_length=30, required=False)
    email = forms.EmailField(label="Thư điện tử", required=False)
    occupation = forms.CharField(label="Nghề nghiệp", max_length=200, required=False)
    card_number = forms.CharField(label="Số thẻ đảng viên", max_length=20, required=False)
    background_number = forms.CharField(label="Số lý lịch đảng viên", max_length=20, required=False)
    general_education = forms.ChoiceField(label="Giáo dục phổ thông", choices=(), required=False)
    professional_level = forms.ChoiceField(
        label="Trình độ chuyên môn", choices=_blank(Professional.choices, "—"), required=False
    )
    political_theory_level = forms.ChoiceField(
        label="Lý luận chính trị", choices=_blank(PoliticalTheory.choices, "—"), required=False
    )
    admission_age_exception = forms.CharField(
        label="Ngoại lệ tuổi vào Đảng (căn cứ)",
        max_length=255,
        required=False,
        help_text="Chỉ ghi khi đảng viên vào Đảng trước 18 tuổi theo quy định thời đó.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ethnicity"].choices = codes.choices("ethnicity")
        self.fields["religion"].choices = codes.choices("religion")
        self.fields["general_education"].choices = _blank(codes.choices("general_education"), "—")
        self.fields["ethnicity"].initial = "01"
        self.fields["religion"].initial = "00"

    def identity(self) -> dict:
        return {name: self.cleaned_data[name] for name in IdentityForm.base_fields}


class AddMemberForm(IdentityForm):
    organization = CellChoiceField(
        label="Chi bộ sinh hoạt",
        queryset=Organization.objects.none(),
        empty_label="— Chọn chi bộ —",
    )
    admitted_on = date_field("Ngày vào Đảng")
    admission_decision = forms.CharField(
        label="Số quyết định kết nạp", max_length=100, required=False
    )
    official_on = date_field(
        "Ngày chính thức", required=False, help_text="Để trống nếu còn là đảng viên dự bị."
    )
    official_decision = forms.CharField(
        label="Số quyết định công nhận chính thức", max_length=100, required=False
    )

    def __init__(self, *args, cells=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            cells if cells is not None else Organization.objects.none()
        )


class EventForm(forms.Form):
    kind = forms.ChoiceField(label="Loại sự kiện", choices=MemberEvent.Kind.choices)
    happened_on = date_field("Ngày hiệu lực")
    organization = CellChoiceField(
        label="Chi bộ nơi đến", queryset=Organization.objects.none(), required=False, empty_label="— Không chọn —",
        help_text="Cần cho kết nạp lại, chuyển sinh hoạt đến và chuyển sinh hoạt nội bộ.",
    )  # fmt: skip
    other_party = forms.CharField(
        label="Nơi đi, nơi đến (ngoài hệ thống)", max_length=255, required=False
    )
    decision_number = forms.CharField(label="Số quyết định", max_length=100, required=False)
    decision_signed_on = date_field("Ngày ký", required=False)
    decision_issuer = forms.CharField(label="Cơ quan quyết định", max_length=200, required=False)
    reason_code = forms.ChoiceField(
        label="Lý do xóa tên, căn cứ miễn công tác", choices=(), required=False,
        help_text="Bắt buộc khi ghi xóa tên hoặc miễn công tác và sinh hoạt đảng.",
    )  # fmt: skip
    grounds = forms.CharField(label="Lý do, căn cứ", max_length=255, required=False)
    note = forms.CharField(
        label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, cells=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            cells if cells is not None else Organization.objects.none()
        )
        self.fields["reason_code"].choices = reason_choices()


def reason_choices() -> list:
    """The grounds of an event, grouped: striking off, then exemption."""
    labels = dict(MemberEvent.Reason.choices)
    return [
        ("", "— Không —"),
        ("Lý do xóa tên", [(c, labels[c]) for c in STRIKING_GROUNDS]),
        ("Căn cứ miễn công tác và sinh hoạt đảng", [(c, labels[c]) for c in EXEMPTION_GROUNDS]),
    ]


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Lý do", max_length=255)


class PositionForm(forms.Form):
    title = forms.ChoiceField(label="Chức vụ", choices=Position.Title.choices)
    organization = OrgChoiceField(
        label="Tại tổ chức", queryset=Organization.objects.none(), empty_label="— Chọn tổ chức —"
    )
    started_on = date_field("Từ ngày")
    ended_on = date_field("Đến ngày", required=False)
    decision_number = forms.CharField(label="Số quyết định", max_length=100, required=False)

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            orgs if orgs is not None else Organization.objects.none()
        )


class EndPositionForm(forms.Form):
    ended_on = date_field("Ngày kết thúc")


# --------------------------------------------------------------------------
# Transfers of party activity
# --------------------------------------------------------------------------


def destination_cells():
    """Every cell of the installation a member may be transferred to (open cells, by name)."""
    return Organization.objects.filter(kind__in=CELL_KINDS, dissolved_on__isnull=True).order_by(
        "name", "code"
    )


class TransferForm(forms.Form):
    """Start an official transfer: to a cell of the installation, or to a party organization outside."""

    to_organization = CellChoiceField(
        label="Chi bộ nơi đến (trong hệ thống)", queryset=Organization.objects.none(),
        required=False, empty_label="— Chuyển ra ngoài hệ thống —",
    )  # fmt: skip
    other_party = forms.CharField(
        label="Tổ chức đảng nơi đến (ngoài hệ thống)", max_length=255, required=False,
        help_text="Chỉ ghi khi chuyển ra ngoài hệ thống, ví dụ: Đảng bộ xã X, tỉnh Y.",
    )  # fmt: skip
    reason = forms.ChoiceField(label="Lý do chuyển", choices=Transfer.Reason.choices)
    triggered_on = date_field(
        "Ngày quyết định có hiệu lực hoặc ngày chuyển nơi ở",
        help_text="Đảng viên làm thủ tục chuyển sinh hoạt đảng trong 60 ngày làm việc kể từ ngày này.",
    )
    note = forms.CharField(
        label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, cells=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organization"].queryset = (
            cells if cells is not None else Organization.objects.none()
        )


class TemporaryTransferForm(forms.Form):
    to_organization = CellChoiceField(
        label="Chi bộ nơi sinh hoạt tạm thời (trong hệ thống)",
        queryset=Organization.objects.none(), required=False,
        empty_label="— Nơi sinh hoạt tạm thời ngoài hệ thống —",
    )  # fmt: skip
    other_party = forms.CharField(
        label="Tổ chức đảng nơi sinh hoạt tạm thời (ngoài hệ thống)", max_length=255,
        required=False,
    )  # fmt: skip
    reason = forms.ChoiceField(label="Lý do", choices=Transfer.Reason.choices)
    planned_from = date_field("Sinh hoạt tạm thời từ ngày")
    planned_until = date_field(
        "Dự kiến trở về ngày",
        help_text="Từ 3 tháng đến dưới 1 năm (công tác, nơi ở); đi học tập trung từ 3 tháng đến 2 năm.",
    )
    special_case_ground = forms.CharField(
        label="Căn cứ trường hợp đặc biệt", max_length=255, required=False,
        help_text="Chỉ ghi khi thời gian ngoài quy định, theo trường hợp đặc biệt Ban Bí thư quy định.",
    )  # fmt: skip
    note = forms.CharField(
        label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, cells=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organization"].queryset = (
            cells if cells is not None else Organization.objects.none()
        )


class LetterForm(forms.Form):
    letter_number = forms.CharField(
        label="Số giấy giới thiệu", max_length=100, required=False,
        help_text="Để trống: lấy số tiếp theo trong sổ đăng ký văn bản đi. Ghi số (ví dụ 15-GGT/ĐU) "
        "nếu giấy đã được cấp số ngoài hệ thống.",
    )  # fmt: skip
    letter_on = date_field("Ngày giới thiệu")
    letter_issuer = forms.CharField(label="Cấp ủy giới thiệu", max_length=200)
    start_late_explanation = forms.CharField(
        label="Giải trình chậm làm thủ tục (nếu quá 60 ngày làm việc)", required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class ArrivalForm(forms.Form):
    received_on = date_field("Ngày chi bộ nơi đến tiếp nhận")
    late_explanation = forms.CharField(
        label="Giải trình chậm xuất trình giấy giới thiệu (nếu quá 30 ngày làm việc)",
        required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class ReturnForm(forms.Form):
    returned_on = date_field("Ngày trở về sinh hoạt tại chi bộ")


class IncomingForm(IdentityForm):
    """Take in a member from outside the installation (a new record, or one that left before)."""

    organization = CellChoiceField(
        label="Chi bộ tiếp nhận",
        queryset=Organization.objects.none(),
        empty_label="— Chọn chi bộ —",
    )
    received_on = date_field("Ngày chi bộ tiếp nhận")
    other_party = forms.CharField(label="Tổ chức đảng nơi đi (ngoài hệ thống)", max_length=255)
    reason = forms.ChoiceField(label="Lý do chuyển", choices=Transfer.Reason.choices)
    letter_number = forms.CharField(label="Số giấy giới thiệu sinh hoạt đảng", max_length=100)
    letter_on = date_field("Ngày giới thiệu")
    letter_issuer = forms.CharField(label="Cấp ủy giới thiệu", max_length=200)
    late_explanation = forms.CharField(
        label="Giải trình chậm xuất trình giấy giới thiệu (nếu quá 30 ngày làm việc)",
        required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    admitted_on = date_field(
        "Ngày vào Đảng", required=False,
        help_text="Bắt buộc với người chưa có hồ sơ trong hệ thống.",
    )  # fmt: skip
    admission_decision = forms.CharField(
        label="Số quyết định kết nạp", max_length=100, required=False
    )
    official_on = date_field(
        "Ngày chính thức", required=False, help_text="Để trống nếu còn là đảng viên dự bị."
    )
    note = forms.CharField(
        label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, cells=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            cells if cells is not None else Organization.objects.none()
        )


TRANSFER_STATUS_CHOICES = [
    ("open", "Đang giải quyết"),
    ("done", "Đã hoàn thành, đã trở về"),
    ("cancelled", "Đã hủy bỏ"),
    ("all", "Tất cả"),
]
TRANSFER_SIDE_CHOICES = [
    ("", "— Cả đi và đến —"),
    ("in", "Chuyển đến"),
    ("out", "Chuyển đi"),
    ("within", "Giữa các chi bộ trong cây"),
]


class TransferFilterForm(forms.Form):
    q = forms.CharField(label="Tên đảng viên", required=False, max_length=100)
    status = forms.ChoiceField(label="Tình trạng", choices=TRANSFER_STATUS_CHOICES, required=False)
    side = forms.ChoiceField(label="Chiều", choices=TRANSFER_SIDE_CHOICES, required=False)
    kind = forms.ChoiceField(
        label="Hình thức", choices=_blank(Transfer.Kind.choices), required=False
    )
    overdue = forms.BooleanField(label="Chỉ những lần quá hạn", required=False)
