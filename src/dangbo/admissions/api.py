"""The admissions API: files (/o/{code}/candidates, /candidates/{candidate_id}/…), probation and
recognition (/o/{code}/probationers, /members/{member_id}/recognition…), plans
(/o/{code}/admission-plans/{year}).

Files are reached through ``access.candidate_for``, members through
``accounts.access.member_for`` and organizations through ``org_for`` (404 outside
the user's subtrees, 403 without the capability); a decision is recorded only by
a user who manages members at the deciding committee. Every write calls a service.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from dangbo.accounts.access import member_for, org_for
from dangbo.accounts.permissions import Capability
from dangbo.core.api import OrgCode, Pages, responses
from dangbo.core.errors import DomainError
from dangbo.members.models import Member

from . import selectors, services
from .access import candidate_for, check_can_decide
from .models import Candidate, Recognition
from .schemas import (
    AdmissionApplicationIn,
    AdmissionBackgroundCheckIn,
    AdmissionCeremonyIn,
    AdmissionCertificateIn,
    AdmissionCommitteeProposalIn,
    AdmissionDecisionIn,
    AdmissionIntroducerIn,
    AdmissionPlanIn,
    AdmissionPlanOut,
    AdmissionReasonIn,
    AdmissionVoteIn,
    CandidateCreateIn,
    CandidateDetailOut,
    CandidateFilterIn,
    CandidateOut,
    CandidatePatchIn,
    CandidateWithdrawIn,
    Id,
    ProbationerOut,
    RecognitionDecisionIn,
    RecognitionOpenIn,
    RecognitionOut,
    RecognitionVoteIn,
    Year,
    deadline_dict,
)  # fmt: skip

router = Router(tags=["Phát triển đảng viên"])


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def _member(request: HttpRequest, member_id: int, field: str) -> Member:
    """Return a member named in the body; unknown or out of reach is a 422 on ``field``."""
    try:
        return member_for(request, member_id, Capability.VIEW_MEMBERS)
    except (Http404, PermissionDenied):
        raise DomainError({field: f"Không tìm thấy đảng viên mã {member_id}."}) from None


def _decider(request: HttpRequest, cell, code: str):
    """Return the deciding organization named in the body: one of the cell's line (else 422),
    managed by the user (else 403)."""
    org = next((o for o in selectors.organizations_for_decision(cell) if o.code == code), None)
    if org is None:
        raise DomainError({"decided_by": f"«{code}» không phải là tổ chức cấp trên của chi bộ."})
    check_can_decide(request, org)
    return org


def _manage(request: HttpRequest, candidate_id: int) -> Candidate:
    return candidate_for(request, candidate_id, Capability.MANAGE_ADMISSIONS)


def _recognition(member: Member) -> Recognition:
    recognition = selectors.current_recognition(member)
    if recognition is None:
        raise DomainError("Chưa mở việc xét công nhận đảng viên chính thức cho đảng viên này.")
    return recognition


def _plan_out(org, year: int) -> dict[str, Any]:
    a = selectors.plan_achievement(org, year)

    def pct(value):
        return float(round(value, 1)) if value is not None else None

    return {
        "organization_code": org.code, "year": year, "planned": a.planned, "admitted": a.admitted,
        "share_percent": pct(a.share),
        "term_first_year": a.target.first_year if a.target else None,
        "term_last_year": a.target.last_year if a.target else None,
        "term_target": a.target.target if a.target else None, "term_admitted": a.term_admitted,
        "term_share_percent": pct(a.target_share),
    }  # fmt: skip


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------


@router.get("/o/{code}/candidates", response=responses(list[CandidateOut]),
            summary="Danh sách hồ sơ kết nạp trong cây")  # fmt: skip
@paginate(Pages)
def list_candidates(request: HttpRequest, code: OrgCode, filters: Query[CandidateFilterIn]):
    org = org_for(request, code, Capability.VIEW_ADMISSIONS)
    return selectors.candidates_in(org, selectors.CandidateFilter(q=filters.q, stage=filters.stage))


@router.post("/o/{code}/candidates", response=responses(CandidateDetailOut, 201),
             summary="Mở hồ sơ kết nạp của quần chúng ưu tú tại chi bộ")  # fmt: skip
def create_candidate(request: HttpRequest, code: OrgCode, payload: CandidateCreateIn):
    org = org_for(request, code, Capability.MANAGE_ADMISSIONS)
    data = payload.dict()
    member_id = data.pop("readmission_of_member_id")
    former = _member(request, member_id, "readmission_of_member_id") if member_id else None
    candidate = services.propose_candidate(
        actor=request.user, organization=org, readmission_of=former, **data
    )
    return Status(201, candidate)


@router.get("/candidates/{candidate_id}", response=responses(CandidateDetailOut),
            summary="Một hồ sơ kết nạp, các bước và thời hạn")  # fmt: skip
def get_candidate(request: HttpRequest, candidate_id: Id):
    return candidate_for(request, candidate_id, Capability.VIEW_ADMISSIONS)


@router.patch("/candidates/{candidate_id}", response=responses(CandidateDetailOut),
              summary="Sửa thông tin hồ sơ kết nạp")  # fmt: skip
def update_candidate(request: HttpRequest, candidate_id: Id, payload: CandidatePatchIn):
    changes = payload.dict(exclude_unset=True)
    required = ("full_name", "date_of_birth", "sex", "proposed_on", "youth_union_member",
                "trade_union_member")  # fmt: skip
    for name in required:
        if name in changes and changes[name] is None:
            raise DomainError({name: "Giá trị không được để trống (null)."})
    return services.update_candidate(
        actor=request.user, candidate=_manage(request, candidate_id), **changes
    )


def _step(path: str, summary: str):
    """Declare a POST step of a file, answering the file."""
    return router.post(f"/candidates/{{candidate_id}}/{path}", response=responses(CandidateDetailOut),
                       summary=summary)  # fmt: skip


@_step("certificate", "Ghi giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng")
def record_certificate(request: HttpRequest, candidate_id: Id, payload: AdmissionCertificateIn):
    return services.record_awareness_certificate(
        actor=request.user, candidate=_manage(request, candidate_id), **payload.dict()
    )


@_step("application", "Ghi ngày làm đơn xin vào Đảng")
def record_application(request: HttpRequest, candidate_id: Id, payload: AdmissionApplicationIn):
    return services.record_application(
        actor=request.user, candidate=_manage(request, candidate_id), **payload.dict()
    )


@_step("background-check", "Ghi kết quả thẩm tra lý lịch")
def record_background_check(
    request: HttpRequest, candidate_id: Id, payload: AdmissionBackgroundCheckIn
):
    return services.record_background_check(
        actor=request.user, candidate=_manage(request, candidate_id), **payload.dict()
    )


@_step("introducers", "Thêm người (hoặc nghị quyết đoàn thể) giới thiệu")
def add_introducer(request: HttpRequest, candidate_id: Id, payload: AdmissionIntroducerIn):
    candidate = _manage(request, candidate_id)
    data = payload.dict()
    member_id = data.pop("member_id")
    member = _member(request, member_id, "member_id") if member_id else None
    services.add_introducer(actor=request.user, candidate=candidate, member=member, **data)
    candidate.refresh_from_db()
    return candidate


@router.post("/candidates/{candidate_id}/introducers/{introducer_id}/void",
             response=responses(CandidateDetailOut), summary="Hủy một giới thiệu")  # fmt: skip
def void_introducer(request: HttpRequest, candidate_id: Id, introducer_id: Id,
                    payload: AdmissionReasonIn):  # fmt: skip
    candidate = _manage(request, candidate_id)
    introducer = selectors.introducers_of(candidate).filter(pk=introducer_id).first()
    if introducer is None:
        raise Http404("Không tìm thấy người giới thiệu.")
    services.void_introducer(actor=request.user, introducer=introducer, reason=payload.reason)
    candidate.refresh_from_db()
    return candidate


@_step("cell-vote", "Ghi nghị quyết của chi bộ đề nghị kết nạp")
def record_cell_vote(request: HttpRequest, candidate_id: Id, payload: AdmissionVoteIn):
    candidate = _manage(request, candidate_id)
    services.record_cell_vote(actor=request.user, candidate=candidate, **payload.dict())
    candidate.refresh_from_db()
    return candidate


@_step("committee-proposal", "Ghi nghị quyết của đảng ủy cơ sở đề nghị kết nạp")
def record_committee_proposal(
    request: HttpRequest, candidate_id: Id, payload: AdmissionCommitteeProposalIn
):
    candidate = _manage(request, candidate_id)
    services.record_committee_proposal(actor=request.user, candidate=candidate, **payload.dict())
    candidate.refresh_from_db()
    return candidate


@_step("decision", "Ghi quyết định kết nạp (hoặc không kết nạp) của cấp ủy có thẩm quyền")
def record_decision(request: HttpRequest, candidate_id: Id, payload: AdmissionDecisionIn):
    candidate = _manage(request, candidate_id)
    data = payload.dict()
    decided_by = _decider(request, candidate.organization, data.pop("decided_by"))
    return services.record_decision(
        actor=request.user, candidate=candidate, decided_by=decided_by, **data
    )


@_step("ceremony", "Ghi lễ kết nạp: người vào Đảng trở thành đảng viên dự bị")
def record_ceremony(request: HttpRequest, candidate_id: Id, payload: AdmissionCeremonyIn):
    return services.record_ceremony(
        actor=request.user, candidate=_manage(request, candidate_id), **payload.dict()
    )


@_step("withdraw", "Dừng xem xét hồ sơ")
def withdraw_candidate(request: HttpRequest, candidate_id: Id, payload: CandidateWithdrawIn):
    return services.withdraw_candidate(
        actor=request.user, candidate=_manage(request, candidate_id), **payload.dict()
    )


@_step("void", "Hủy hồ sơ ghi nhầm")
def void_candidate(request: HttpRequest, candidate_id: Id, payload: AdmissionReasonIn):
    return services.void_candidate(
        actor=request.user, candidate=_manage(request, candidate_id), reason=payload.reason
    )


# --------------------------------------------------------------------------
# Probation and recognition
# --------------------------------------------------------------------------


@router.get("/o/{code}/probationers", response=responses(list[ProbationerOut]),
            summary="Đảng viên dự bị trong cây, hạn xét công nhận")  # fmt: skip
@paginate(Pages)
def list_probationers(request: HttpRequest, code: OrgCode):
    org = org_for(request, code, Capability.VIEW_ADMISSIONS)
    today = timezone.localdate()
    probationers = selectors.probationers_in(org)
    calendars = selectors.Calendars(org, range(today.year - 2, today.year + 3))
    return [
        {
            "member_id": p.member.pk, "full_name": p.member.full_name,
            "organization_code": p.member.organization.code if p.member.organization_id else None,
            "admitted_on": p.member.admitted_on, "probation_ends_on": p.member.probation_ends_on,
            "recognition_id": p.recognition.pk if p.recognition else None,
            "recognition_outcome": p.recognition.outcome if p.recognition else None,
            "deadlines": [
                deadline_dict(d, today) for d in selectors.recognition_deadlines(
                    p.member, p.recognition, calendars.of(p.member.organization))
            ],
        }
        for p in probationers
    ]  # fmt: skip


@router.get("/members/{member_id}/recognition", response=responses(RecognitionOut),
            summary="Việc xét công nhận đảng viên chính thức của thời kỳ dự bị hiện tại")  # fmt: skip
def get_recognition(request: HttpRequest, member_id: Id):
    member = member_for(request, member_id, Capability.VIEW_ADMISSIONS)
    recognition = selectors.current_recognition(member)
    if recognition is None:
        raise Http404("Chưa mở việc xét công nhận.")
    return recognition


@router.post("/members/{member_id}/recognition", response=responses(RecognitionOut, 201),
             summary="Mở việc xét công nhận đảng viên chính thức")  # fmt: skip
def open_recognition(request: HttpRequest, member_id: Id, payload: RecognitionOpenIn):
    member = member_for(request, member_id, Capability.MANAGE_ADMISSIONS)
    data = payload.dict()
    mentor_id = data.pop("mentor_id")
    mentor = _member(request, mentor_id, "mentor_id") if mentor_id else None
    recognition = services.open_recognition(
        actor=request.user, member=member, mentor=mentor, **data
    )
    return Status(201, recognition)


@router.post("/members/{member_id}/recognition/vote", response=responses(RecognitionOut),
             summary="Ghi nghị quyết xét công nhận (chi bộ hoặc đảng ủy cơ sở)")  # fmt: skip
def record_recognition_vote(request: HttpRequest, member_id: Id, payload: RecognitionVoteIn):
    member = member_for(request, member_id, Capability.MANAGE_ADMISSIONS)
    recognition = _recognition(member)
    services.record_recognition_vote(actor=request.user, recognition=recognition, **payload.dict())
    recognition.refresh_from_db()
    return recognition


@router.post("/members/{member_id}/recognition/decision", response=responses(RecognitionOut),
             summary="Ghi quyết định công nhận (hoặc không công nhận) đảng viên chính thức")  # fmt: skip
def record_recognition_decision(
    request: HttpRequest, member_id: Id, payload: RecognitionDecisionIn
):
    member = member_for(request, member_id, Capability.MANAGE_ADMISSIONS)
    data = payload.dict()
    if member.organization is None:
        raise DomainError("Đảng viên chưa có chi bộ sinh hoạt.")
    decided_by = _decider(request, member.organization, data.pop("decided_by"))
    return services.record_recognition_decision(
        actor=request.user, recognition=_recognition(member), decided_by=decided_by, **data
    )


# --------------------------------------------------------------------------
# Plans and targets
# --------------------------------------------------------------------------


@router.get("/o/{code}/admission-plans/{year}", response=responses(AdmissionPlanOut),
            summary="Kế hoạch kết nạp của năm, số đã kết nạp và chỉ tiêu nhiệm kỳ")  # fmt: skip
def get_admission_plan(request: HttpRequest, code: OrgCode, year: Year):
    return _plan_out(org_for(request, code, Capability.VIEW_ADMISSIONS), year)


@router.put("/o/{code}/admission-plans/{year}", response=responses(AdmissionPlanOut),
            summary="Đặt kế hoạch kết nạp của năm (và chỉ tiêu nhiệm kỳ)")  # fmt: skip
def set_admission_plan(request: HttpRequest, code: OrgCode, year: Year, payload: AdmissionPlanIn):
    org = org_for(request, code, Capability.MANAGE_ADMISSIONS)
    term = (payload.term_first_year, payload.term_last_year, payload.term_target)
    if any(v is not None for v in term) and any(v is None for v in term):
        raise DomainError(
            {"term_target": "Chỉ tiêu nhiệm kỳ cần đủ năm đầu, năm cuối và số lượng."}
        )
    with transaction.atomic():  # the plan and the target together, or neither
        services.set_plan(actor=request.user, organization=org, year=year,
                          planned=payload.planned, note=payload.note)  # fmt: skip
        if payload.term_target is not None:
            services.set_target(
                actor=request.user, organization=org, first_year=payload.term_first_year,
                last_year=payload.term_last_year, target=payload.term_target,
                resolution=payload.term_resolution,
            )  # fmt: skip
    return _plan_out(org, year)
