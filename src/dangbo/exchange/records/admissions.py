"""The admission work's sheets: files of candidates, introducers, votes, recognitions, plans.

A candidate's file has no key of its own that travels between installations:
it is named by its cell, full name, date of birth and the day it was proposed
(``CANDIDATE_NAME``); the introducers and votes of a file name it by those
four columns. A recognition is named by the member and the day the probation
ends.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dangbo.admissions.models import (
    AdmissionPlan,
    AdmissionTarget,
    Candidate,
    DecidingBody,
    Introducer,
    LeftReason,
    Recognition,
    Vote,
)
from dangbo.admissions.services import derive_candidate, derive_recognition
from dangbo.core import text
from dangbo.core.formatting import fmt_date
from dangbo.organizations.models import Organization

from ..spec import DERIVED, Col, SheetSpec
from .base import MEMBER, ORGANIZATION, RecordSheet, Ref
from .columns import columns_of, field_columns, naming_columns, voided_columns

CANDIDATE_NAME = ("organization", "full_name", "date_of_birth", "proposed_on")
RECOGNITION_NAME = ("member", "probation_ends_on")
CELL_HELP = "Mã chi bộ (trong tệp hoặc trong hệ thống)."


def _org(key: str, header: str, *, required: bool = False, help: str = "") -> Col:
    return Col(key, header, "code", required=required, field=(Organization, "code"), help=help)


def _uid(key: str, header: str, *, required: bool = False, help: str = "") -> Col:
    return Col(key, header, "uuid", required=required, width=38, help=help)


def _not_before(later: str, earlier: str, message: str):
    """A row check: ``later`` is not before ``earlier`` (both filled)."""

    def check(values: Mapping[str, Any]):
        a, b = values.get(later), values.get(earlier)
        if a is not None and b is not None and a < b:
            yield later, message.format(later=fmt_date(a), earlier=fmt_date(b))

    return check


# -- candidates ---------------------------------------------------------------------------

CANDIDATES_SPEC = SheetSpec(
    key="candidates",
    title="Hồ sơ kết nạp",
    description=(
        "Mỗi hồ sơ kết nạp đảng viên (quần chúng ưu tú được giới thiệu) một dòng, với các bước đã "
        "qua: giấy chứng nhận lớp nhận thức về Đảng, đơn, thẩm tra lý lịch, quyết định, lễ kết "
        "nạp. Các ngày đủ người giới thiệu, chi bộ và đảng ủy cơ sở đề nghị và bước của hồ sơ được "
        "tính từ sheet «Người giới thiệu» và «Biểu quyết» (khi nhập hệ thống tính lại và đối "
        "chiếu nếu ô có giá trị)."
    ),
    natural_key="Mã chi bộ + Họ và tên + Ngày sinh + Ngày giới thiệu (+ thứ tự xuất hiện khi trùng)",
    order="theo mã chi bộ, họ và tên, ngày sinh, ngày giới thiệu, rồi thứ tự ghi nhận",
    columns=(
        _org("organization", "Mã chi bộ", required=True, help=CELL_HELP),
        *columns_of(Candidate, "full_name", "date_of_birth", "proposed_on", "sex"),
        *field_columns(
            Candidate, "ethnicity", header="Mã dân tộc", code_list="ethnicity", kind="code"
        ),
        *field_columns(
            Candidate, "religion", header="Mã tôn giáo", code_list="religion", kind="code"
        ),
        *columns_of(
            Candidate, "personal_id_number", "home_town", "permanent_address", "occupation"
        ),
        *field_columns(
            Candidate,
            "general_education",
            header="Mã giáo dục phổ thông",
            kind="code",
            code_list="general_education",
        ),
        *columns_of(
            Candidate,
            "phone",
            "youth_union_member",
            "trade_union_member",
            "education_exception",
            "proposed_by",
            "certificate_number",
            "certificate_issued_on",
            "certificate_issuer",
            "application_on",
            "background_checked_on",
            "background_check_result",
            "background_check_note",
            "over_60_consent_number",
            "over_60_consent_on",
        ),
        _uid(
            "readmission_of",
            "Mã hồ sơ đảng viên được kết nạp lại (UID)",
            help="Với hồ sơ kết nạp lại: hồ sơ đảng viên trước đây (trong tệp hoặc trong hệ thống).",
        ),
        *columns_of(
            Candidate,
            "readmission_consent_number",
            "readmission_consent_on",
            "left_reason",
            "expunged_on",
        ),
        *columns_of(
            Candidate,
            "introduced_on",
            "cell_resolution_on",
            "committee_resolution_number",
            "committee_resolution_on",
            role=DERIVED,
        ),
        *columns_of(Candidate, "decision_number", "decision_signed_on"),
        _org("decided_by", "Mã cấp ủy quyết định"),
        *columns_of(
            Candidate,
            "decided_by_body",
            "decision_received_on",
            "extension_working_days",
            "extension_reason",
            "decision_late_reason",
            "refused",
            "refused_on",
            "ceremony_on",
            "ceremony_late_consent",
        ),
        _uid(
            "member",
            "Mã hồ sơ đảng viên (UID)",
            help="Sau lễ kết nạp: hồ sơ đảng viên của người được kết nạp.",
        ),
        *columns_of(Candidate, "withdrawn_on", "withdrawn_reason"),
        *field_columns(Candidate, "stage", role=DERIVED),
        *voided_columns(Candidate),
    ),
)


def _normalize_candidate(values: dict[str, Any]) -> None:
    values["full_name"] = text.normalize(values["full_name"])


def _complete_candidate(candidate: Candidate, values: Mapping[str, Any]) -> None:
    candidate.name_sort_key = text.name_sort_key(candidate.full_name)
    candidate.search_name = text.fold(candidate.full_name)


def _candidate_checks(values: Mapping[str, Any]):
    pid = values.get("personal_id_number")
    if pid and not (pid.isdigit() and len(pid) == 12):
        yield "personal_id_number", "Số định danh cá nhân gồm đúng 12 chữ số."
    born, proposed = values.get("date_of_birth"), values.get("proposed_on")
    if born and proposed and born >= proposed:
        yield "date_of_birth", "Ngày sinh phải trước ngày giới thiệu."
    if values.get("member") and not values.get("ceremony_on"):
        yield "ceremony_on", "Hồ sơ đã gắn với đảng viên thì cần ngày tổ chức lễ kết nạp."
    if values.get("refused") and not values.get("refused_on"):
        yield "refused_on", "Quyết định không kết nạp cần ngày quyết định."


def _refresh_candidates(candidates: list[Candidate]) -> None:
    for candidate in candidates:
        derive_candidate(candidate)


CANDIDATES = RecordSheet(
    spec=CANDIDATES_SPEC,
    model=Candidate,
    key=CANDIDATE_NAME,
    owners=("organization",),
    refs=(
        Ref("organization", "organization", ORGANIZATION),
        Ref("readmission_of", "readmission_of", MEMBER),
        Ref("decided_by", "decided_by", ORGANIZATION),
        Ref("member", "member", MEMBER),
    ),
    noun="Hồ sơ kết nạp",
    checks=(
        _candidate_checks,
        _not_before(
            "ceremony_on",
            "decision_signed_on",
            "Lễ kết nạp ({later}) không thể trước ngày ký quyết định ({earlier}).",
        ),
        _not_before(
            "decision_received_on",
            "decision_signed_on",
            "Ngày chi bộ nhận quyết định ({later}) không thể trước ngày ký ({earlier}).",
        ),
    ),
    normalize=_normalize_candidate,
    complete=_complete_candidate,
    not_carried=("name_sort_key", "search_name"),
    refresh=_refresh_candidates,
    choice_lists=(
        ("Mã bước (hồ sơ kết nạp)", Candidate.Stage),
        ("Mã kết quả thẩm tra lý lịch", Candidate.BackgroundResult),
        ("Mã lý do ra khỏi Đảng trước đây", LeftReason),
        ("Mã cơ quan quyết định", DecidingBody),
    ),
)

CANDIDATE_SUFFIX = "hồ sơ kết nạp"


def _candidate_columns(*, required: bool) -> tuple[Col, ...]:
    return naming_columns(
        CANDIDATES_SPEC, CANDIDATE_NAME, prefix="candidate", suffix=CANDIDATE_SUFFIX,
        required=required,
    )  # fmt: skip


def _candidate_ref() -> Ref:
    return Ref(
        "candidate_full_name", "candidate", CANDIDATES_SPEC.key,
        columns=tuple(f"candidate_{k}" for k in CANDIDATE_NAME),
    )  # fmt: skip


CANDIDATE_KEY_TEXT = "Mã chi bộ + Họ và tên + Ngày sinh + Ngày giới thiệu của hồ sơ kết nạp"

# -- introducers ----------------------------------------------------------------------------

INTRODUCERS = RecordSheet(
    spec=SheetSpec(
        key="introducers",
        title="Người giới thiệu",
        description=(
            "Người giới thiệu của các hồ sơ kết nạp: đảng viên chính thức (mã hồ sơ), hoặc ban chấp "
            "hành Đoàn cơ sở, công đoàn cơ sở (nghị quyết giới thiệu). Hồ sơ được gọi bằng bốn cột "
            "«(hồ sơ kết nạp)», khớp với một dòng của sheet «Hồ sơ kết nạp» hoặc một hồ sơ trong hệ "
            "thống."
        ),
        natural_key=(
            f"{CANDIDATE_KEY_TEXT} + Mã hồ sơ đảng viên giới thiệu + Mã tổ chức đoàn thể + Ngày "
            "giới thiệu (+ thứ tự xuất hiện khi trùng)"
        ),
        order="theo hồ sơ kết nạp, rồi người giới thiệu, rồi ngày giới thiệu, rồi thứ tự ghi nhận",
        columns=(
            *_candidate_columns(required=True),
            _uid(
                "member",
                "Mã hồ sơ đảng viên giới thiệu (UID)",
                help="Trống khi người giới thiệu là tổ chức đoàn thể.",
            ),
            *columns_of(
                Introducer,
                "union",
                "resolution_number",
                "resolution_on",
                "relation",
                "known_since",
                "is_replacement",
                "assigned_on",
            ),
            *voided_columns(Introducer),
        ),
    ),
    model=Introducer,
    key=(*(f"candidate_{k}" for k in CANDIDATE_NAME), "member", "union", "assigned_on"),
    owners=("candidate_full_name",),
    refs=(_candidate_ref(), Ref("member", "member", MEMBER)),
    noun="Người giới thiệu",
    checks=(
        lambda v: (
            [("member", "Ghi đúng một trong hai: đảng viên giới thiệu hoặc tổ chức đoàn thể.")]
            if bool(v.get("member")) == bool(v.get("union"))
            else []
        ),
    ),
)

# -- recognitions ---------------------------------------------------------------------------

RECOGNITIONS_SPEC = SheetSpec(
    key="recognitions",
    title="Xét chính thức",
    description=(
        "Việc xét công nhận đảng viên chính thức của đảng viên dự bị: người giúp đỡ, lớp bồi dưỡng "
        "đảng viên mới, tự kiểm điểm, kết quả và quyết định. Ngày chi bộ có nghị quyết được tính từ "
        "sheet «Biểu quyết»."
    ),
    natural_key="Mã hồ sơ đảng viên + Ngày hết thời kỳ dự bị (+ thứ tự xuất hiện khi trùng)",
    order="theo mã hồ sơ đảng viên, rồi ngày hết thời kỳ dự bị, rồi thứ tự ghi nhận",
    columns=(
        _uid("member", "Mã hồ sơ đảng viên (UID)", required=True),
        *columns_of(Recognition, "probation_ends_on"),
        _uid("mentor", "Mã hồ sơ đảng viên giúp đỡ (UID)"),
        *columns_of(
            Recognition,
            "course_certificate_number",
            "course_certificate_on",
            "self_review_on",
            "outcome",
        ),
        *columns_of(Recognition, "cell_resolution_on", role=DERIVED),
        *columns_of(Recognition, "decision_number", "decision_signed_on"),
        _org("decided_by", "Mã cấp ủy quyết định"),
        *columns_of(
            Recognition,
            "decided_by_body",
            "extension_working_days",
            "extension_reason",
            "decision_late_reason",
        ),
        *voided_columns(Recognition),
    ),
)


def _refresh_recognitions(recognitions: list[Recognition]) -> None:
    for recognition in recognitions:
        derive_recognition(recognition)


RECOGNITIONS = RecordSheet(
    spec=RECOGNITIONS_SPEC,
    model=Recognition,
    key=RECOGNITION_NAME,
    owners=("member",),
    refs=(
        Ref("member", "member", MEMBER),
        Ref("mentor", "mentor", MEMBER),
        Ref("decided_by", "decided_by", ORGANIZATION),
    ),
    noun="Xét công nhận chính thức",
    refresh=_refresh_recognitions,
    choice_lists=(("Mã kết quả (xét chính thức)", Recognition.Outcome),),
)

# -- votes ------------------------------------------------------------------------------------

RECOGNITION_SUFFIX = "xét chính thức"
VOTES = RecordSheet(
    spec=SheetSpec(
        key="votes",
        title="Biểu quyết",
        description=(
            "Nghị quyết và biểu quyết của chi bộ, đảng ủy cơ sở: về một hồ sơ kết nạp (bốn cột "
            "«(hồ sơ kết nạp)») hoặc về việc xét chính thức một đảng viên dự bị (hai cột «(xét "
            "chính thức)»), đúng một trong hai."
        ),
        natural_key=(
            f"{CANDIDATE_KEY_TEXT}, hoặc Mã hồ sơ đảng viên + Ngày hết thời kỳ dự bị của việc xét "
            "chính thức; + Mã cấp biểu quyết + Mã nội dung + Ngày họp (+ thứ tự xuất hiện khi trùng)"
        ),
        order="theo hồ sơ kết nạp hoặc việc xét chính thức, rồi cấp, nội dung, ngày họp",
        columns=(
            *_candidate_columns(required=False),
            *naming_columns(
                RECOGNITIONS_SPEC, RECOGNITION_NAME, prefix="recognition", suffix=RECOGNITION_SUFFIX
            ),
            *columns_of(
                Vote,
                "body",
                "proposal",
                "held_on",
                "eligible",
                "in_favour",
                "resolution_number",
                "note",
            ),
            *voided_columns(Vote),
        ),
    ),
    model=Vote,
    key=(
        *(f"candidate_{k}" for k in CANDIDATE_NAME),
        *(f"recognition_{k}" for k in RECOGNITION_NAME),
        "body",
        "proposal",
        "held_on",
    ),
    owners=("candidate_full_name", "recognition_member"),
    refs=(
        _candidate_ref(),
        Ref(
            "recognition_member",
            "recognition",
            RECOGNITIONS_SPEC.key,
            columns=tuple(f"recognition_{k}" for k in RECOGNITION_NAME),
        ),
    ),
    noun="Biểu quyết",
    checks=(
        lambda v: (
            [
                (
                    "candidate_full_name",
                    (
                        "Ghi đúng một trong hai: hồ sơ kết nạp (các cột «(hồ sơ kết nạp)») hoặc việc xét "
                        "chính thức (các cột «(xét chính thức)»)."
                    ),
                )
            ]
            if bool(v.get("candidate_full_name")) == bool(v.get("recognition_member"))
            else []
        ),
        lambda v: (
            [("in_favour", "Số tán thành không thể lớn hơn tổng số.")]
            if v.get("in_favour") is not None
            and v.get("eligible") is not None
            and v["in_favour"] > v["eligible"]
            else []
        ),
    ),
    choice_lists=(
        ("Mã cấp biểu quyết", Vote.Body),
        ("Mã nội dung (biểu quyết)", Vote.Proposal),
    ),
)

# -- plans and term targets -----------------------------------------------------------------------

ADMISSION_PLANS = RecordSheet(
    spec=SheetSpec(
        key="admission_plans",
        title="Kế hoạch kết nạp",
        description="Số đảng viên mỗi tổ chức dự kiến kết nạp trong từng năm.",
        natural_key="Mã tổ chức + Năm (+ thứ tự xuất hiện khi trùng)",
        order="theo mã tổ chức, rồi năm",
        columns=(
            _org("organization", "Mã tổ chức", required=True),
            *columns_of(AdmissionPlan, "year", "planned", "note"),
            *voided_columns(AdmissionPlan),
        ),
    ),
    model=AdmissionPlan,
    key=("organization", "year"),
    owners=("organization",),
    refs=(Ref("organization", "organization", ORGANIZATION),),
    noun="Kế hoạch kết nạp",
)

ADMISSION_TARGETS = RecordSheet(
    spec=SheetSpec(
        key="admission_targets",
        title="Chỉ tiêu kết nạp nhiệm kỳ",
        description="Chỉ tiêu kết nạp đảng viên cả nhiệm kỳ theo nghị quyết đại hội của tổ chức.",
        natural_key="Mã tổ chức + Từ năm + Đến năm (+ thứ tự xuất hiện khi trùng)",
        order="theo mã tổ chức, rồi từ năm, đến năm",
        columns=(
            _org("organization", "Mã tổ chức", required=True),
            *columns_of(AdmissionTarget, "first_year", "last_year", "target", "resolution"),
            *voided_columns(AdmissionTarget),
        ),
    ),
    model=AdmissionTarget,
    key=("organization", "first_year", "last_year"),
    owners=("organization",),
    refs=(Ref("organization", "organization", ORGANIZATION),),
    noun="Chỉ tiêu kết nạp nhiệm kỳ",
)

SHEETS: tuple[RecordSheet, ...] = (
    CANDIDATES, INTRODUCERS, RECOGNITIONS, VOTES, ADMISSION_PLANS, ADMISSION_TARGETS,
)  # fmt: skip
