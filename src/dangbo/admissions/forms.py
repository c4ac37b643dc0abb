"""Forms of the admission pages; dates are typed dd/mm/yyyy."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from dangbo.core import codes
from dangbo.core.views import date_field
from dangbo.members.forms import CellChoiceField
from dangbo.members.models import Member, Sex
from dangbo.organizations.forms import OrgChoiceField
from dangbo.organizations.models import Organization
from dangbo.organizations.selectors import path_range

from .models import Candidate, DecidingBody, Introducer, LeftReason, Recognition, Vote

Stage = Candidate.Stage
STAGE_CHOICES = [("", "Đang xem xét"), ("all", "Tất cả"), *Stage.choices]


def _blank(choices, label: str = "—"):
    return [("", label), *choices]


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        where = f" — {obj.organization.label}" if obj.organization_id else ""
        return f"{obj.full_name} ({obj.date_of_birth:%d/%m/%Y}){where}"


def members_under(org: Organization | None, *statuses: str) -> QuerySet[Member]:
    """Return the (not voided) members of ``org``'s subtree with one of ``statuses``."""
    if org is None:
        return Member.objects.none()
    return (
        Member.objects.filter(path_range(org.path, "organization__path"), status__in=statuses,
                              voided_at__isnull=True)
        .select_related("organization__parent").order_by("name_sort_key", "id")
    )  # fmt: skip


class CandidateFilterForm(forms.Form):
    q = forms.CharField(
        label="Tìm theo tên", required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Ví dụ: hoang thi mai"}),
    )  # fmt: skip
    stage = forms.ChoiceField(label="Bước", choices=STAGE_CHOICES, required=False)


class CandidateForm(forms.Form):
    """Identity, proposal and consents of a file (propose and edit)."""

    organization = CellChoiceField(
        label="Chi bộ", queryset=Organization.objects.none(), empty_label="— Chọn chi bộ —"
    )
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    date_of_birth = date_field("Ngày sinh")
    sex = forms.ChoiceField(label="Giới tính", choices=Sex.choices)
    ethnicity = forms.ChoiceField(label="Dân tộc", choices=())
    religion = forms.ChoiceField(label="Tôn giáo", choices=())
    personal_id_number = forms.CharField(
        label="Số định danh cá nhân (CCCD)", max_length=12, required=False
    )
    home_town = forms.CharField(label="Quê quán", max_length=255, required=False)
    permanent_address = forms.CharField(label="Nơi thường trú", max_length=255, required=False)
    occupation = forms.CharField(label="Nghề nghiệp", max_length=200, required=False)
    general_education = forms.ChoiceField(label="Giáo dục phổ thông", choices=(), required=False)
    education_exception = forms.CharField(
        label="Căn cứ áp dụng trình độ tiểu học", max_length=255, required=False,
        help_text="Chỉ ghi khi người vào Đảng ở vùng cao, vùng sâu, biên giới, hải đảo, vùng đặc "
        "biệt khó khăn, là ngư dân bám biển... (Hướng dẫn 01-HD/TW, mục 1.2).",
    )  # fmt: skip
    phone = forms.CharField(label="Điện thoại", max_length=30, required=False)
    youth_union_member = forms.BooleanField(
        label="Là đoàn viên Đoàn TNCS Hồ Chí Minh", required=False
    )
    trade_union_member = forms.BooleanField(label="Là đoàn viên công đoàn", required=False)
    proposed_by = forms.CharField(
        label="Tổ chức, đoàn thể giới thiệu", max_length=255, required=False
    )
    proposed_on = date_field("Ngày giới thiệu")
    over_60_consent_number = forms.CharField(
        label="Văn bản đồng ý của ban thường vụ tỉnh ủy (người trên 60 tuổi)", max_length=100,
        required=False,
    )  # fmt: skip
    over_60_consent_on = date_field("Ngày văn bản đồng ý", required=False)
    readmission_of = MemberChoiceField(
        label="Kết nạp lại đảng viên (đã bị xóa tên, khai trừ)", queryset=Member.objects.none(),
        required=False, empty_label="— Không phải kết nạp lại —",
    )  # fmt: skip
    left_reason = forms.ChoiceField(
        label="Lý do ra khỏi Đảng trước đây", choices=_blank(LeftReason.choices), required=False
    )
    expunged_on = date_field("Ngày được xóa án tích", required=False)
    readmission_consent_number = forms.CharField(
        label="Văn bản đồng ý kết nạp lại của ban thường vụ tỉnh ủy", max_length=100, required=False
    )
    readmission_consent_on = date_field("Ngày văn bản đồng ý kết nạp lại", required=False)

    def __init__(self, *args, cells=None, former_members=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ethnicity"].choices = codes.choices("ethnicity")
        self.fields["religion"].choices = codes.choices("religion")
        self.fields["general_education"].choices = _blank(codes.choices("general_education"))
        self.fields["ethnicity"].initial = "01"
        self.fields["religion"].initial = "00"
        if editing:
            del self.fields["organization"]
            del self.fields["readmission_of"]
        else:
            self.fields["organization"].queryset = (
                cells if cells is not None else Organization.objects.none()
            )
            self.fields["readmission_of"].queryset = (
                former_members if former_members is not None else Member.objects.none()
            )

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("organization", None)
        data.pop("readmission_of", None)
        data["personal_id_number"] = data.get("personal_id_number") or None
        return data


class CertificateForm(forms.Form):
    number = forms.CharField(label="Số giấy chứng nhận", max_length=50, required=False)
    issued_on = date_field("Ngày cấp")
    issuer = forms.CharField(
        label="Nơi cấp", max_length=255, help_text="Ví dụ: Trung tâm Chính trị huyện (quận)..."
    )


class ApplicationForm(forms.Form):
    application_on = date_field("Ngày làm đơn xin vào Đảng")


class BackgroundCheckForm(forms.Form):
    checked_on = date_field("Ngày có kết luận thẩm tra")
    result = forms.ChoiceField(label="Kết quả", choices=Candidate.BackgroundResult.choices)
    note = forms.CharField(label="Ghi chú", max_length=500, required=False)


class IntroducerForm(forms.Form):
    member = MemberChoiceField(
        label="Đảng viên giới thiệu", queryset=Member.objects.none(), required=False,
        empty_label="— Không (giới thiệu bằng nghị quyết của đoàn thể) —",
    )  # fmt: skip
    relation = forms.ChoiceField(
        label="Quan hệ với người vào Đảng", choices=_blank(Introducer.Relation.choices),
        required=False,
    )  # fmt: skip
    known_since = date_field("Cùng công tác (cư trú) từ ngày", required=False)
    is_replacement = forms.BooleanField(
        label="Người giới thiệu thay thế do chi bộ phân công", required=False,
        help_text="Khi người giới thiệu trước chuyển đi, bị kỷ luật...: không cần đủ 12 tháng.",
    )  # fmt: skip
    union = forms.ChoiceField(
        label="Hoặc: đoàn thể giới thiệu", choices=_blank(Introducer.Union.choices), required=False
    )
    resolution_number = forms.CharField(
        label="Số nghị quyết giới thiệu", max_length=100, required=False
    )
    resolution_on = date_field("Ngày nghị quyết", required=False)
    assigned_on = date_field("Ngày giới thiệu")

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members if members is not None else Member.objects.none()


class VoidItemForm(forms.Form):
    """Void one row of the file (an introducer, a vote), named by its id."""

    item = forms.TypedChoiceField(label="Mục cần hủy", coerce=int, choices=())
    reason = forms.CharField(label="Lý do hủy", max_length=255)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(obj.pk, str(obj)) for obj in items]


class VoteForm(forms.Form):
    held_on = date_field("Ngày họp")
    eligible = forms.IntegerField(
        label="Tổng số đảng viên chính thức", min_value=1, max_value=100000, required=False,
        help_text="Để trống: tính theo số đảng viên chính thức của chi bộ vào ngày họp.",
    )  # fmt: skip
    in_favour = forms.IntegerField(label="Số tán thành", min_value=0, max_value=100000)
    resolution_number = forms.CharField(label="Số nghị quyết", max_length=100, required=False)
    note = forms.CharField(label="Ghi chú", max_length=500, required=False)


class CommitteeVoteForm(VoteForm):
    eligible = forms.IntegerField(label="Tổng số cấp ủy viên", min_value=1, max_value=1000)


class RecognitionVoteForm(VoteForm):
    body = forms.ChoiceField(label="Cấp biểu quyết", choices=Vote.Body.choices)
    proposal = forms.ChoiceField(
        label="Nội dung", choices=[c for c in Vote.Proposal.choices if c[0] != "ADMIT"]
    )
    field_order = [
        "body",
        "proposal",
        "held_on",
        "eligible",
        "in_favour",
        "resolution_number",
        "note",
    ]


class DecisionFields(forms.Form):
    decision_number = forms.CharField(
        label="Số quyết định", max_length=100, required=False,
        help_text="Để trống: lấy số tiếp theo trong sổ đăng ký văn bản đi. Ghi số nếu quyết định "
        "đã được cấp số ngoài hệ thống.",
    )  # fmt: skip
    decision_signed_on = date_field("Ngày ký")
    decided_by = OrgChoiceField(label="Cấp ủy quyết định", queryset=Organization.objects.none())
    decided_by_body = forms.ChoiceField(label="Cơ quan quyết định", choices=DecidingBody.choices)
    extension_working_days = forms.IntegerField(
        label="Gia hạn (ngày làm việc)", min_value=0, max_value=30, initial=0, required=False
    )
    extension_reason = forms.CharField(label="Lý do gia hạn", max_length=255, required=False)
    late_reason = forms.CharField(
        label="Giải trình nếu quyết định chậm", max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_by"].queryset = (
            orgs if orgs is not None else Organization.objects.none()
        )

    def clean_extension_working_days(self) -> int:
        return self.cleaned_data.get("extension_working_days") or 0


class DecisionForm(DecisionFields):
    admit = forms.TypedChoiceField(
        label="Quyết định", coerce=lambda v: v == "1",
        choices=[("1", "Kết nạp vào Đảng"), ("0", "Không kết nạp")], initial="1",
    )  # fmt: skip
    decision_received_on = date_field("Ngày chi bộ nhận quyết định", required=False)
    field_order = ["admit"]


class RecognitionDecisionForm(DecisionFields):
    outcome = forms.ChoiceField(
        label="Quyết định",
        choices=[(Recognition.Outcome.RECOGNIZED, "Công nhận đảng viên chính thức"),
                 (Recognition.Outcome.NOT_RECOGNIZED, "Không công nhận (xóa tên)")],
    )  # fmt: skip
    field_order = ["outcome"]


class CeremonyForm(forms.Form):
    ceremony_on = date_field("Ngày tổ chức lễ kết nạp")
    decision_received_on = date_field("Ngày chi bộ nhận quyết định", required=False)
    late_consent = forms.CharField(
        label="Văn bản đồng ý tổ chức muộn của cấp ủy cấp trên", max_length=255, required=False,
        help_text="Chỉ cần khi lễ kết nạp muộn hơn 30 ngày làm việc kể từ ngày nhận quyết định.",
    )  # fmt: skip


class WithdrawForm(forms.Form):
    withdrawn_on = date_field("Ngày dừng xem xét")
    reason = forms.CharField(label="Lý do", max_length=255)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Lý do hủy", max_length=255)


class RecognitionForm(forms.Form):
    mentor = MemberChoiceField(
        label="Đảng viên giúp đỡ", queryset=Member.objects.none(), required=False,
        empty_label="— Chưa phân công —",
    )  # fmt: skip
    course_certificate_number = forms.CharField(
        label="Số giấy chứng nhận lớp bồi dưỡng đảng viên mới", max_length=50, required=False
    )
    course_certificate_on = date_field("Ngày cấp giấy chứng nhận", required=False)
    self_review_on = date_field("Ngày bản tự kiểm điểm", required=False)

    def __init__(self, *args, mentors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = mentors if mentors is not None else Member.objects.none()


class PlanForm(forms.Form):
    year = forms.IntegerField(label="Năm", min_value=1930, max_value=2100)
    planned = forms.IntegerField(
        label="Số đảng viên dự kiến kết nạp", min_value=0, max_value=1000000
    )
    note = forms.CharField(label="Ghi chú", max_length=500, required=False)


class TargetForm(forms.Form):
    first_year = forms.IntegerField(label="Nhiệm kỳ từ năm", min_value=1930, max_value=2100)
    last_year = forms.IntegerField(label="đến năm", min_value=1930, max_value=2100)
    target = forms.IntegerField(
        label="Chỉ tiêu kết nạp cả nhiệm kỳ", min_value=0, max_value=10000000
    )
    resolution = forms.CharField(label="Nghị quyết đại hội", max_length=255, required=False)


class YearForm(forms.Form):
    year = forms.IntegerField(label="Năm", min_value=1930, max_value=2100, required=False)
