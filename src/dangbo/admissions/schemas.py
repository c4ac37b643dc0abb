"""Input and output schemas of the admissions API (names prefixed: one OpenAPI namespace)."""

import datetime as dt
from typing import Annotated, Any

from django.utils import timezone
from ninja import Field, Schema

from dangbo.core.api import Day, Id, IdentityNumber, InputSchema, OrgCode, choice, text
from dangbo.members.access import personal_resolver
from dangbo.members.models import Sex
from dangbo.regulations.workdays import calendar_around

from . import selectors
from .access import sees_personal_data
from .models import Candidate, DecidingBody, Introducer, LeftReason, Recognition, Vote

Count = Annotated[int, Field(ge=0, le=1_000_000)]
Year = Annotated[int, Field(ge=1930, le=2100)]
StageFilter = choice(Candidate.Stage, blank=True, extra=("all",))
BodyCode = choice(DecidingBody)


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


class AdmissionDeadlineOut(Schema):
    kind: str
    title: str
    due_on: dt.date
    overdue: bool
    rule: str
    detail: str


class CandidateIntroducerOut(Schema):
    id: int
    member_id: int | None
    member_name: str | None
    union: str
    resolution_number: str
    resolution_on: dt.date | None
    relation: str
    known_since: dt.date | None
    is_replacement: bool
    assigned_on: dt.date
    is_voided: bool

    @staticmethod
    def resolve_member_name(obj: Introducer) -> str | None:
        return obj.member.full_name if obj.member_id else None


class AdmissionVoteOut(Schema):
    id: int
    body: str
    proposal: str
    held_on: dt.date
    eligible: int
    in_favour: int
    passed: bool
    resolution_number: str
    note: str
    is_voided: bool


class CandidateOut(Schema):
    id: int
    full_name: str
    date_of_birth: dt.date
    sex: str
    organization_code: str
    organization_name: str
    stage: str
    stage_label: str
    readmission_of_member_id: int | None
    proposed_on: dt.date
    certificate_issued_on: dt.date | None
    application_on: dt.date | None
    background_checked_on: dt.date | None
    background_check_result: str
    introduced_on: dt.date | None
    cell_resolution_on: dt.date | None
    committee_resolution_on: dt.date | None
    decision_number: str
    decision_signed_on: dt.date | None
    decided_by_code: str | None
    decided_by_body: str
    refused: bool
    ceremony_on: dt.date | None
    member_id: int | None
    withdrawn_on: dt.date | None
    is_voided: bool

    @staticmethod
    def resolve_organization_code(obj: Candidate) -> str:
        return obj.organization.code

    @staticmethod
    def resolve_organization_name(obj: Candidate) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_readmission_of_member_id(obj: Candidate) -> int | None:
        return obj.readmission_of_id

    @staticmethod
    def resolve_stage_label(obj: Candidate) -> str:
        return obj.get_stage_display()

    @staticmethod
    def resolve_decided_by_code(obj: Candidate) -> str | None:
        return obj.decided_by.code if obj.decided_by_id else None


class CandidateDetailOut(CandidateOut):
    ethnicity: str
    religion: str
    personal_id_number: str | None
    home_town: str
    permanent_address: str
    occupation: str
    general_education: str
    phone: str
    youth_union_member: bool
    trade_union_member: bool
    education_exception: str
    proposed_by: str
    certificate_number: str
    certificate_issuer: str
    background_check_note: str
    over_60_consent_number: str
    over_60_consent_on: dt.date | None
    readmission_consent_number: str
    readmission_consent_on: dt.date | None
    left_reason: str
    expunged_on: dt.date | None
    committee_resolution_number: str
    decision_received_on: dt.date | None
    extension_working_days: int
    extension_reason: str
    decision_late_reason: str
    ceremony_late_consent: str
    withdrawn_reason: str
    introducers: list[CandidateIntroducerOut]
    votes: list[AdmissionVoteOut]
    deadlines: list[AdmissionDeadlineOut]

    resolve_personal_id_number = personal_resolver("personal_id_number", sees_personal_data)
    resolve_phone = personal_resolver("phone", sees_personal_data)
    resolve_permanent_address = personal_resolver("permanent_address", sees_personal_data)

    @staticmethod
    def resolve_introducers(obj: Candidate) -> list:
        return list(selectors.introducers_of(obj, include_voided=True))

    @staticmethod
    def resolve_votes(obj: Candidate) -> list:
        return list(selectors.votes_of(obj, include_voided=True))

    @staticmethod
    def resolve_deadlines(obj: Candidate) -> list[dict]:
        today = timezone.localdate()
        cell = obj.organization
        calendar = calendar_around(cell, today, obj.cell_resolution_on, obj.decision_signed_on)
        due = selectors.candidate_deadlines(
            obj, calendar, validity_months=selectors.certificate_validity_months(cell, today)
        )
        return [deadline_dict(d, today) for d in due]


def deadline_dict(d, today: dt.date) -> dict[str, Any]:
    return {"kind": d.kind, "title": d.title, "due_on": d.due_on, "overdue": d.is_overdue(today),
            "rule": d.rule, "detail": d.detail}  # fmt: skip


class RecognitionOut(Schema):
    id: int
    member_id: int
    probation_ends_on: dt.date
    mentor_id: int | None
    course_certificate_number: str
    course_certificate_on: dt.date | None
    self_review_on: dt.date | None
    outcome: str
    outcome_label: str
    cell_resolution_on: dt.date | None
    failed_cell_votes: int
    decision_number: str
    decision_signed_on: dt.date | None
    decided_by_code: str | None
    decided_by_body: str
    extension_working_days: int
    decision_late_reason: str
    votes: list[AdmissionVoteOut]

    @staticmethod
    def resolve_outcome_label(obj: Recognition) -> str:
        return obj.get_outcome_display()

    @staticmethod
    def resolve_failed_cell_votes(obj: Recognition) -> int:
        return selectors.failed_cell_votes(obj)

    @staticmethod
    def resolve_decided_by_code(obj: Recognition) -> str | None:
        return obj.decided_by.code if obj.decided_by_id else None

    @staticmethod
    def resolve_votes(obj: Recognition) -> list:
        return list(selectors.votes_of(obj, include_voided=True))


class ProbationerOut(Schema):
    member_id: int
    full_name: str
    organization_code: str | None
    admitted_on: dt.date | None
    probation_ends_on: dt.date | None
    recognition_id: int | None
    recognition_outcome: str | None
    deadlines: list[AdmissionDeadlineOut]


class AdmissionPlanOut(Schema):
    organization_code: str
    year: int
    planned: int | None
    admitted: int
    share_percent: float | None
    term_first_year: int | None
    term_last_year: int | None
    term_target: int | None
    term_admitted: int | None
    term_share_percent: float | None


# --------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------


class CandidateFieldsIn(InputSchema):
    ethnicity: text(10) = "01"
    religion: text(10) = "00"
    personal_id_number: IdentityNumber | None = None
    home_town: text(255) = ""
    permanent_address: text(255) = ""
    occupation: text(200) = ""
    general_education: text(10) = ""
    phone: text(30) = ""
    youth_union_member: bool = False
    trade_union_member: bool = False
    education_exception: text(255) = ""
    proposed_by: text(255) = ""
    over_60_consent_number: text(100) = ""
    over_60_consent_on: Day | None = None
    readmission_consent_number: text(100) = ""
    readmission_consent_on: Day | None = None
    left_reason: choice(LeftReason, blank=True) = ""
    expunged_on: Day | None = None


class CandidateCreateIn(CandidateFieldsIn):
    full_name: text(150, min_length=1)
    date_of_birth: Day
    sex: choice(Sex)
    proposed_on: Day
    readmission_of_member_id: Id | None = Field(
        None, description="Kết nạp lại: mã hồ sơ của đảng viên đã bị xóa tên hoặc khai trừ."
    )


class CandidatePatchIn(InputSchema):
    full_name: text(150, min_length=1) | None = None
    date_of_birth: Day | None = None
    sex: choice(Sex) | None = None
    ethnicity: text(10) | None = None
    religion: text(10) | None = None
    personal_id_number: IdentityNumber | None = None
    home_town: text(255) | None = None
    permanent_address: text(255) | None = None
    occupation: text(200) | None = None
    general_education: text(10) | None = None
    phone: text(30) | None = None
    youth_union_member: bool | None = None
    trade_union_member: bool | None = None
    education_exception: text(255) | None = None
    proposed_by: text(255) | None = None
    proposed_on: Day | None = None
    over_60_consent_number: text(100) | None = None
    over_60_consent_on: Day | None = None
    readmission_consent_number: text(100) | None = None
    readmission_consent_on: Day | None = None
    left_reason: choice(LeftReason, blank=True) | None = None
    expunged_on: Day | None = None


class CandidateFilterIn(InputSchema):
    q: text(100) = ""
    stage: StageFilter = Field("", description="Mặc định: hồ sơ đang xem xét; all: mọi hồ sơ.")


class AdmissionCertificateIn(InputSchema):
    number: text(50) = ""
    issued_on: Day
    issuer: text(255, min_length=1)


class AdmissionApplicationIn(InputSchema):
    application_on: Day


class AdmissionBackgroundCheckIn(InputSchema):
    checked_on: Day
    result: choice(Candidate.BackgroundResult)
    note: text(500) = ""


class AdmissionIntroducerIn(InputSchema):
    member_id: Id | None = Field(None, description="Đảng viên giới thiệu (hoặc ghi union).")
    union: choice(Introducer.Union, blank=True) = ""
    resolution_number: text(100) = ""
    resolution_on: Day | None = None
    relation: choice(Introducer.Relation, blank=True) = ""
    known_since: Day | None = None
    is_replacement: bool = False
    assigned_on: Day


class AdmissionVoteIn(InputSchema):
    held_on: Day
    eligible: Annotated[int, Field(ge=1, le=1_000_000)] | None = Field(
        None, description="Mặc định: số đảng viên chính thức của chi bộ vào ngày họp."
    )
    in_favour: Count
    resolution_number: text(100) = ""
    note: text(500) = ""


class AdmissionCommitteeProposalIn(AdmissionVoteIn):
    eligible: Annotated[int, Field(ge=1, le=1_000_000)]


NUMBER_HELP = (
    "Trống: số tiếp theo trong sổ đăng ký văn bản đi của cấp ủy quyết định. Số đã cấp ngoài hệ "
    "thống (ví dụ 101-QĐ/ĐUK) được ghi vào sổ; số đã có trong sổ bị từ chối."
)


class AdmissionDecisionIn(InputSchema):
    admit: bool = True
    decision_number: text(100) = Field("", description=NUMBER_HELP)
    decision_signed_on: Day
    decided_by: OrgCode = Field(..., description="Mã tổ chức của cấp ủy quyết định.")
    decided_by_body: BodyCode
    decision_received_on: Day | None = None
    extension_working_days: Annotated[int, Field(ge=0, le=30)] = 0
    extension_reason: text(255) = ""
    late_reason: text(500) = ""


class AdmissionCeremonyIn(InputSchema):
    ceremony_on: Day
    decision_received_on: Day | None = None
    late_consent: text(255) = ""


class CandidateWithdrawIn(InputSchema):
    withdrawn_on: Day
    reason: text(255, min_length=1)


class AdmissionReasonIn(InputSchema):
    reason: text(255, min_length=1)


class RecognitionOpenIn(InputSchema):
    mentor_id: Id | None = None
    course_certificate_number: text(50) = ""
    course_certificate_on: Day | None = None
    self_review_on: Day | None = None


class RecognitionVoteIn(AdmissionVoteIn):
    body: choice(Vote.Body) = Vote.Body.CELL
    proposal: choice(Vote.Proposal) = Vote.Proposal.RECOGNIZE


class RecognitionDecisionIn(InputSchema):
    outcome: choice(Recognition.Outcome)
    decision_number: text(100) = Field("", description=NUMBER_HELP)
    decision_signed_on: Day
    decided_by: OrgCode
    decided_by_body: BodyCode
    extension_working_days: Annotated[int, Field(ge=0, le=30)] = 0
    extension_reason: text(255) = ""
    late_reason: text(500) = ""


class AdmissionPlanIn(InputSchema):
    planned: Count
    note: text(500) = ""
    term_first_year: Year | None = Field(None, description="Chỉ tiêu nhiệm kỳ (tùy chọn).")
    term_last_year: Year | None = None
    term_target: Count | None = None
    term_resolution: text(255) = ""
