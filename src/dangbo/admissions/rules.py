"""Admission rules (phát triển đảng viên) as pure functions over dates and small records.

Sources: Điều lệ Đảng (2011) Đ4, Đ5; the implementing regulation of the Statute (Quy định
thi hành Điều lệ Đảng: 45-QĐ/TW 2011, 29-QĐ/TW 2016, 24-QĐ/TW 2021, 232-QĐ/TW 2025,
294-QĐ/TW in force 01/07/2025) mục 1 (conditions), 3 (introducers, readmission), 4
(admission, recognition, deadlines); the Secretariat's guidance HD 01-HD/TW (2016, 2021);
the member-work guidance of the Central Organization Commission (HD 12-HD/BTCTW 2012,
HD 09-HD/BTCTW 2017, HD 12-HD/BTCTW 2022). Each rule picks the document in force on the
date of the fact it judges and names it in its refusal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dangbo.core.dates import add_months, whole_months_between
from dangbo.core.errors import DomainError
from dangbo.core.formatting import fmt_date
from dangbo.regulations.citations import (  # noqa: F401 (part of this module's interface)
    QD_24_ON,
    QD_29_ON,
    QD_45_ON,
    QD_232_ON,
    QD_294_ON,
    implementing_regulation,
)
from dangbo.regulations.workdays import WorkCalendar, add_working_days

D = dt.date

# --------------------------------------------------------------------------
# Which document is in force
# --------------------------------------------------------------------------

HD_01_2016_ON = D(2016, 9, 20)
HD_01_2021_ON = D(2021, 9, 28)
HD_09_2017_ON = D(2017, 6, 5)
HD_12_2022_ON = D(2022, 1, 1)  # the day of HD 12-HD/BTCTW (2022) is UNCONFIRMED


def statute_guidance(on: dt.date) -> str:
    """Return the Secretariat's guidance on the Statute (Hướng dẫn 01-HD/TW) in force on ``on``."""
    if on >= HD_01_2021_ON:
        return "Hướng dẫn 01-HD/TW ngày 28/09/2021"
    if on >= HD_01_2016_ON:
        return "Hướng dẫn 01-HD/TW ngày 20/09/2016"
    return "Hướng dẫn 01-HD/TW ngày 05/01/2012"


def member_work_guidance(on: dt.date) -> str:
    """Return the member-work guidance of the Central Organization Commission in force on ``on``."""
    if on >= HD_12_2022_ON:
        return "Hướng dẫn 12-HD/BTCTW năm 2022"
    if on >= HD_09_2017_ON:
        return "Hướng dẫn 09-HD/BTCTW ngày 05/06/2017"
    return "Hướng dẫn 12-HD/BTCTW ngày 17/05/2012"


def cite(on: dt.date, item: str) -> str:
    """Return "Quy định 294-QĐ/TW, mục 4.3.1" for the regulation in force on ``on``."""
    return f"{implementing_regulation(on)}, mục {item}"


def _refuse(field: str, message: str) -> DomainError:
    return DomainError({field: message})


# --------------------------------------------------------------------------
# Conditions on the applicant
# --------------------------------------------------------------------------

MIN_AGE_MONTHS = 18 * 12
MAX_AGE_MONTHS = 60 * 12


def age_text(months: int) -> str:
    years, rest = divmod(months, 12)
    return f"{years} tuổi {rest} tháng" if rest else f"{years} tuổi"


def check_applicant_age(
    date_of_birth: dt.date, meeting_on: dt.date, *, over_60_consent: bool = False
) -> None:
    """Refuse an applicant outside the ages the Statute allows, on the day the cell considers them.

    Điều lệ Đảng Đ1 k2 and the implementing regulation mục 1.1 (QĐ 45, 29, 24, 232, 294,
    same text): from a full 18 to a full 60 years, counted in whole months: 216 months is
    the first allowed, 720 the last (60 years and some days is still "a full 60"; 60 years
    and 1 month is over). Above 60 only when the standing committee of the province-level
    committee agreed in writing (HD 01-HD/TW 2021 mục 1.1).
    """
    months = whole_months_between(date_of_birth, meeting_on)
    if months < MIN_AGE_MONTHS:
        raise _refuse("date_of_birth", (
            f"Người vào Đảng phải từ đủ 18 tuổi (tính theo tháng): ngày {fmt_date(meeting_on)} "
            f"mới {age_text(max(months, 0))} (Điều lệ Đảng, Điều 1 khoản 2; "
            f"{cite(meeting_on, '1.1')})."
        ))  # fmt: skip
    if months > MAX_AGE_MONTHS and not over_60_consent:
        raise _refuse("date_of_birth", (
            f"Người vào Đảng đã trên 60 tuổi ({age_text(months)} vào ngày {fmt_date(meeting_on)}): "
            f"cần văn bản đồng ý của ban thường vụ tỉnh ủy, thành ủy trước khi xét "
            f"({statute_guidance(meeting_on)}, mục 1.1)."
        ))  # fmt: skip


def education_grade(code: str) -> tuple[int, int] | None:
    """Return (grade, years of the system) from a general-education code ("9/12"), else None."""
    grade, _, system = (code or "").partition("/")
    if not (grade.isdigit() and system.isdigit()):
        return None
    return int(grade), int(system)


# The last grade of lower-secondary and of primary school in each system
# (12-year system: primary 1–5, lower secondary 6–9; 10-year system: 1–4, 5–7).
LOWER_SECONDARY_LAST_GRADE = {12: 9, 10: 7}
PRIMARY_LAST_GRADE = {12: 5, 10: 4}


def check_education(code: str, *, exception_ground: str = "", label: str = "", on: dt.date) -> None:
    """Refuse an applicant without the education the regulation requires.

    Implementing regulation mục 1.2: a lower-secondary diploma (tốt nghiệp trung học
    cơ sở) or higher ("or equivalent" until QĐ 24 of 30/07/2021). HD 01-HD/TW (2021)
    mục 1.2: in mountain, border, island, ethnic-minority and special-hardship areas,
    and for fishermen at sea, completed primary school suffices; the ground is recorded.
    """
    parsed = education_grade(code)
    shown = f"«{label or code}»"
    if parsed is None or parsed[1] not in LOWER_SECONDARY_LAST_GRADE:
        raise _refuse("general_education", (
            f"Chưa ghi trình độ giáo dục phổ thông của người vào Đảng ({cite(on, '1.2')})."
        ))  # fmt: skip
    grade, system = parsed
    if grade >= LOWER_SECONDARY_LAST_GRADE[system]:
        return
    if exception_ground.strip():
        if grade >= PRIMARY_LAST_GRADE[system]:
            return
        raise _refuse("general_education", (
            f"Trình độ {shown} chưa học xong tiểu học: ở vùng được áp dụng ngoại lệ, người vào "
            f"Đảng phải học xong tiểu học ({statute_guidance(on)}, mục 1.2)."
        ))  # fmt: skip
    raise _refuse("general_education", (
        f"Người vào Đảng phải có bằng tốt nghiệp trung học cơ sở trở lên; trình độ {shown} chưa "
        f"đủ, trừ khi ghi căn cứ được áp dụng trình độ tiểu học (vùng cao, vùng sâu, biên giới, "
        f"hải đảo, đặc biệt khó khăn, ngư dân bám biển) ({cite(on, '1.2')}; "
        f"{statute_guidance(on)}, mục 1.2)."
    ))  # fmt: skip


CERTIFICATE_VALIDITY_MONTHS = 60


def certificate_valid_until(issued_on: dt.date, validity_months: int) -> dt.date:
    """Return the last day the awareness-class certificate is valid (issue + 60 months by default).

    The 60 months (5 years) from issue are agreed by several procedure guides; the
    central document setting them was not identified, so the period is a setting
    (``admissions.certificate_validity_months``).
    """
    return add_months(issued_on, validity_months)


def check_certificate(
    issued_on: dt.date | None, meeting_on: dt.date, *, validity_months: int
) -> None:
    """Refuse the cell's vote when the awareness-class certificate is missing or not valid that day.

    The dossier opens with the certificate of the Party awareness class (member-work
    guidance, HD 12-HD/BTCTW 2022 Phần II mục 1.1 a; earlier HD 09-HD/BTCTW 2017).
    """
    source = member_work_guidance(meeting_on)
    if issued_on is None:
        raise _refuse("certificate_issued_on", (
            f"Chưa có giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng ({source})."
        ))  # fmt: skip
    if issued_on > meeting_on:
        raise _refuse("certificate_issued_on", (
            f"Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng cấp ngày {fmt_date(issued_on)}, "
            f"sau ngày chi bộ họp ({fmt_date(meeting_on)})."
        ))  # fmt: skip
    until = certificate_valid_until(issued_on, validity_months)
    if meeting_on > until:
        raise _refuse("certificate_issued_on", (
            f"Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng cấp ngày {fmt_date(issued_on)} "
            f"đã hết giá trị từ sau ngày {fmt_date(until)} ({validity_months} tháng kể từ ngày cấp): "
            f"người vào Đảng phải học lại ({source})."
        ))  # fmt: skip


DOSSIER_MONTHS = 12


def dossier_fresh_until(opened_on: dt.date, introductions_on: Iterable[dt.date]) -> dt.date:
    """Return the last day the cell may vote on the dossier without redoing the introductions.

    HD 01-HD/TW: more than 12 months after the dossier was opened without the cell
    considering it, the introducers' letters, the union resolution and the collected
    opinions must be redone; redone introductions (dated later) make it fresh again.
    """
    dates = list(introductions_on)
    limit = add_months(opened_on, DOSSIER_MONTHS)
    if dates:
        limit = max(limit, add_months(min(dates), DOSSIER_MONTHS))
    return limit


def check_dossier_fresh(
    opened_on: dt.date, introductions_on: Iterable[dt.date], meeting_on: dt.date
) -> None:
    """Refuse the cell's vote on a dossier older than 12 months (see ``dossier_fresh_until``)."""
    until = dossier_fresh_until(opened_on, introductions_on)
    if meeting_on > until:
        raise _refuse("held_on", (
            f"Hồ sơ mở từ ngày {fmt_date(opened_on)} đã quá 12 tháng mà chi bộ chưa xét: phải làm "
            f"lại giấy giới thiệu của người giới thiệu, nghị quyết giới thiệu của đoàn thể và tổng "
            f"hợp ý kiến nhận xét trước khi chi bộ biểu quyết ({statute_guidance(meeting_on)})."
        ))  # fmt: skip


# --------------------------------------------------------------------------
# Introducers
# --------------------------------------------------------------------------

OVERLAP_MONTHS = 12
SAME_UNIT, SAME_RESIDENCE = "SAME_UNIT", "SAME_RESIDENCE"


def check_introducer(
    *,
    official_on_introduction: bool,
    relation: str,
    known_since: dt.date | None,
    assigned_on: dt.date,
    is_replacement: bool = False,
) -> None:
    """Refuse a member introducer the Statute does not allow.

    Điều lệ Đảng Đ4 k2: the introducer is an official member who has worked with the
    applicant for at least 12 months. Implementing regulation mục 3.2: in the same unit
    under the same đảng bộ or chi bộ cơ sở; from QĐ 24 (30/07/2021) also living in the
    same residential area. QĐ 24 mục 3.2.2: a replacement the cell assigns, after an
    introducer moved or was disciplined, need not meet the 12 months.
    """
    if not official_on_introduction:
        raise _refuse("member", (
            f"Người giới thiệu phải là đảng viên chính thức vào ngày giới thiệu "
            f"({fmt_date(assigned_on)}) (Điều lệ Đảng, Điều 4 khoản 2)."
        ))  # fmt: skip
    if relation == SAME_RESIDENCE and assigned_on < QD_24_ON:
        raise _refuse("relation", (
            f"Trước ngày 30/07/2021, người giới thiệu phải cùng công tác, lao động, học tập với "
            f"người vào Đảng; giới thiệu theo nơi cư trú áp dụng từ Quy định 24-QĐ/TW "
            f"({cite(assigned_on, '3.2')})."
        ))  # fmt: skip
    if relation not in (SAME_UNIT, SAME_RESIDENCE):
        raise _refuse("relation", "Cần chọn quan hệ của người giới thiệu với người vào Đảng.")
    if is_replacement:
        return
    if known_since is None:
        raise _refuse("known_since", (
            f"Cần ghi ngày bắt đầu cùng công tác (cư trú): người giới thiệu phải biết người vào "
            f"Đảng ít nhất 12 tháng ({cite(assigned_on, '3.2')})."
        ))  # fmt: skip
    months = whole_months_between(known_since, assigned_on) if known_since <= assigned_on else 0
    if months < OVERLAP_MONTHS:
        raise _refuse("known_since", (
            f"Người giới thiệu phải cùng công tác (cư trú) với người vào Đảng ít nhất 12 tháng: từ "
            f"ngày {fmt_date(known_since)} đến ngày giới thiệu {fmt_date(assigned_on)} mới được "
            f"{max(months, 0)} tháng (Điều lệ Đảng, Điều 4 khoản 2; {cite(assigned_on, '3.2')})."
        ))  # fmt: skip


YOUTH_AGE_LIMIT = 30


def check_introductions(
    *,
    member_introducers: int,
    union_resolutions: int,
    on: dt.date,
    youth_age: bool = False,
    youth_union_exists: bool = False,
    youth_union_member: bool = False,
) -> None:
    """Refuse the cell's vote without the introductions the Statute requires.

    Điều lệ Đảng Đ4 k1: two official members introduce the applicant; a union committee's
    resolution (Youth Union or trade union) may take the place of one of them. Where a
    Youth Union organization exists, an applicant of youth age must be a Youth Union
    member (1 src; the youth age limit is a setting, ``admissions.youth_age_limit``).
    """
    if youth_age and youth_union_exists and not youth_union_member:
        raise _refuse("youth_union_member", (
            "Người vào Đảng trong độ tuổi thanh niên ở nơi có tổ chức Đoàn phải là đoàn viên "
            "Đoàn TNCS Hồ Chí Minh (Điều lệ Đảng, Điều 4 khoản 1)."
        ))  # fmt: skip
    if member_introducers >= 2 or (member_introducers >= 1 and union_resolutions >= 1):
        return
    raise _refuse("introducers", (
        f"Người vào Đảng phải được hai đảng viên chính thức giới thiệu, hoặc một đảng viên chính "
        f"thức và nghị quyết giới thiệu của ban chấp hành Đoàn cơ sở hoặc công đoàn cơ sở; hiện có "
        f"{member_introducers} đảng viên và {union_resolutions} nghị quyết giới thiệu "
        f"(Điều lệ Đảng, Điều 4 khoản 1; {cite(on, '3.1')})."
    ))  # fmt: skip


def introductions_complete(member_introducers: int, union_resolutions: int) -> bool:
    return member_introducers >= 2 or (member_introducers >= 1 and union_resolutions >= 1)


# --------------------------------------------------------------------------
# Votes
# --------------------------------------------------------------------------

RECOGNITION_VOTES_BEFORE_ESCALATION = 3


def votes_needed(eligible: int) -> int:
    """Return the smallest number of votes that is at least two thirds of ``eligible``."""
    return -(-2 * eligible // 3)


def vote_passes(eligible: int, in_favour: int) -> bool:
    """Return whether a resolution passes: at least two thirds in favour.

    Điều lệ Đảng Đ4 k3 (admission: two thirds of the cell's official members, two
    thirds of the grassroots committee's members), Đ5 k2 (recognition); QĐ 24 mục 4.2.3.
    """
    return in_favour >= votes_needed(eligible)


def check_vote_counts(eligible: int, in_favour: int) -> None:
    if eligible < 1:
        raise _refuse("eligible", "Tổng số người có quyền biểu quyết phải ít nhất là 1.")
    if in_favour < 0:
        raise _refuse("in_favour", "Số tán thành không được âm.")
    if in_favour > eligible:
        raise _refuse("in_favour", (
            f"Số tán thành ({in_favour}) không được lớn hơn tổng số người có quyền biểu quyết "
            f"({eligible})."
        ))  # fmt: skip


def recognition_escalated(failed_votes: int) -> bool:
    """Return whether the cell must report to the superior committee after its failed votes.

    Implementing regulation mục 4.2.3: after three votes without two thirds either to
    recognize or to strike off, the lower organization reports to the directly superior
    committee, and the competent committee decides.
    """
    return failed_votes >= RECOGNITION_VOTES_BEFORE_ESCALATION


# --------------------------------------------------------------------------
# Who decides
# --------------------------------------------------------------------------

GRASSROOTS_COMMITTEE = "GRASSROOTS_COMMITTEE"
STANDING_COMMITTEE = "STANDING_COMMITTEE"
PROVINCIAL_STANDING_OFFICE = "PROVINCIAL_STANDING_OFFICE"
BODY_PHRASES = {
    GRASSROOTS_COMMITTEE: "đảng ủy cơ sở được ủy quyền",
    STANDING_COMMITTEE: "ban thường vụ cấp ủy cấp trên",
    PROVINCIAL_STANDING_OFFICE: "thường trực tỉnh ủy, thành ủy",
}


@dataclass(frozen=True)
class OrgRef:
    id: int
    kind: str
    name: str


@dataclass(frozen=True)
class Decider:
    org: OrgRef
    body: str

    @property
    def phrase(self) -> str:
        return f"{BODY_PHRASES[self.body]} «{self.org.name}»"


def admission_decider(grassroots: OrgRef, superior: OrgRef | None, *, delegated: bool) -> Decider:
    """Return the committee competent to admit (and to recognize) members of ``grassroots``.

    Implementing regulation mục 4.3.2 (QĐ 29, 24, 232, 294): a grassroots party committee
    delegated the power to admit decides as a full committee; otherwise the standing
    committee of the directly superior committee decides; where that superior is a
    province-level committee, its standing office. Only a đảng ủy cơ sở can be delegated.
    """
    if delegated and grassroots.kind == "GRASSROOTS_DANG_BO":
        return Decider(grassroots, GRASSROOTS_COMMITTEE)
    if superior is None:
        raise _refuse("decided_by", (
            f"«{grassroots.name}» chưa có tổ chức cấp trên trong hệ thống: không xác định được cấp "
            f"ủy có thẩm quyền quyết định."
        ))  # fmt: skip
    if superior.kind == "PROVINCIAL":
        return Decider(superior, PROVINCIAL_STANDING_OFFICE)
    return Decider(superior, STANDING_COMMITTEE)


def check_decider(
    expected: Decider, org_id: int | None, body: str, on: dt.date, *, what: str
) -> None:
    """Refuse a decision signed by anyone but the competent committee (mục 4.3.2)."""
    if org_id != expected.org.id or body != expected.body:
        raise _refuse("decided_by", (
            f"{what} thuộc thẩm quyền của {expected.phrase} ({cite(on, '4.3.2')})."
        ))  # fmt: skip


# --------------------------------------------------------------------------
# Deadlines, in working days
# --------------------------------------------------------------------------

ADMISSION_DECISION_WORKING_DAYS = 60
RECOGNITION_DECISION_WORKING_DAYS = 30
MAX_EXTENSION_WORKING_DAYS = 30
CEREMONY_WORKING_DAYS = 30
RECOGNITION_PROPOSAL_WORKING_DAYS = 30


def check_extension(days: int, reason: str, on: dt.date) -> None:
    """Refuse an extension beyond 30 working days, or one without its reason (mục 4.3.1)."""
    if days < 0 or days > MAX_EXTENSION_WORKING_DAYS:
        raise _refuse("extension_working_days", (
            f"Chỉ được gia hạn tối đa {MAX_EXTENSION_WORKING_DAYS} ngày làm việc "
            f"({cite(on, '4.3.1')})."
        ))  # fmt: skip
    if days and not reason.strip():
        raise _refuse("extension_reason", (
            f"Gia hạn chỉ dành cho trường hợp đặc biệt: cần ghi lý do gia hạn ({cite(on, '4.3.1')})."
        ))  # fmt: skip


def admission_decision_due_on(
    cell_resolution_on: dt.date, extension_working_days: int, calendar: WorkCalendar
) -> dt.date:
    """Return the last day of the admission decision: 60 working days after the cell's
    resolution, plus the recorded extension (at most 30) (implementing regulation mục 4.3.1)."""
    return add_working_days(
        cell_resolution_on, ADMISSION_DECISION_WORKING_DAYS + extension_working_days, calendar
    )


def recognition_decision_due_on(
    cell_resolution_on: dt.date, extension_working_days: int, calendar: WorkCalendar
) -> dt.date:
    """Return the last day of the recognition decision: 30 working days after the cell's
    resolution, plus the recorded extension (at most 30) (implementing regulation mục 4.3.1)."""
    return add_working_days(
        cell_resolution_on, RECOGNITION_DECISION_WORKING_DAYS + extension_working_days, calendar
    )


def ceremony_due_on(decision_received_on: dt.date, calendar: WorkCalendar) -> dt.date:
    """Return the last day of the admission ceremony: 30 working days after the cell received
    the decision; later only with the superior committee's consent (mục 4.1)."""
    return add_working_days(decision_received_on, CEREMONY_WORKING_DAYS, calendar)


def recognition_proposal_due_on(probation_ends_on: dt.date, calendar: WorkCalendar) -> dt.date:
    """Return the last day for the cell's recognition resolution: 30 working days after the
    probation ended (Điều lệ Đảng Đ5 k2; implementing regulation mục 4.2.1)."""
    return add_working_days(probation_ends_on, RECOGNITION_PROPOSAL_WORKING_DAYS, calendar)


PROBATION_RUNNING, PROPOSAL_DUE, PROPOSAL_OVERDUE = (
    "PROBATION_RUNNING",
    "PROPOSAL_DUE",
    "PROPOSAL_OVERDUE",
)
PROBATION_END_RULE = "Điều lệ Đảng, Điều 5 khoản 1"


@dataclass(frozen=True)
class ProbationEnd:
    """The end of a probation and the limit that follows it, each with its own citation."""

    ends_on: dt.date  # the day the 12 months end: due that day, a day and not a limit
    ends_rule: str
    proposal_due_on: dt.date  # the last day of the cell's recognition (or striking) proposal
    proposal_rule: str

    def standing(self, today: dt.date) -> str:
        """PROBATION_RUNNING before the end; PROPOSAL_DUE from the end to the proposal's last
        day (both included); PROPOSAL_OVERDUE from the day after."""
        if today < self.ends_on:
            return PROBATION_RUNNING
        if today <= self.proposal_due_on:
            return PROPOSAL_DUE
        return PROPOSAL_OVERDUE


def statute_article_5_probation_end(
    probation_ends_on: dt.date, calendar: WorkCalendar
) -> ProbationEnd:
    """Return the end of probation and the cell's limit to propose recognition after it.

    Điều lệ Đảng Đ5 k1: probation lasts 12 months from the admission ceremony; the
    member is recognized as of the day they end (mục 4.2.2), so that day is due, not
    missed. Điều lệ Đảng Đ5 k2 and the implementing regulation in force on the day the
    probation ends, mục 4.2.1: within 30 working days of that day the cell considers the
    probationer and proposes recognition (or striking the name); only after that limit
    is anything overdue. Working days follow the regulations calendar of public holidays.
    """
    return ProbationEnd(
        ends_on=probation_ends_on,
        ends_rule=PROBATION_END_RULE,
        proposal_due_on=recognition_proposal_due_on(probation_ends_on, calendar),
        proposal_rule=f"Điều lệ Đảng, Điều 5 khoản 2; {cite(probation_ends_on, '4.2.1')}",
    )


def check_ceremony_on_time(
    ceremony_on: dt.date, due_on: dt.date, *, late_consent: str, received_on: dt.date
) -> None:
    """Refuse a ceremony later than 30 working days after receipt without recorded consent (mục 4.1)."""
    if ceremony_on > due_on and not late_consent.strip():
        raise _refuse("ceremony_on", (
            f"Lễ kết nạp phải tổ chức trong 30 ngày làm việc kể từ ngày chi bộ nhận quyết định "
            f"({fmt_date(received_on)}), tức đến hết ngày {fmt_date(due_on)}; tổ chức muộn hơn cần "
            f"ghi văn bản đồng ý của cấp ủy cấp trên trực tiếp ({cite(ceremony_on, '4.1')})."
        ))  # fmt: skip


# --------------------------------------------------------------------------
# Readmission
# --------------------------------------------------------------------------

READMISSION_WAIT_MONTHS = 36
EXPUNGED_WAIT_MONTHS = 60
LESS_SERIOUS_CRIME = "LESS_SERIOUS_CRIME"
BARRED_REASONS = (
    "ABANDONED_ACTIVITY", "APPLIED_TO_LEAVE", "SERIOUS_DISUNITY", "CORRUPTION_CONVICTION",
    "SERIOUS_CRIME_CONVICTION",
)  # fmt: skip


def check_readmission_allowed(
    *, readmitted_before: bool, left_reason: str, barred_reasons: Sequence[str], on: dt.date,
    reason_label: str = "",
) -> None:  # fmt: skip
    """Refuse a readmission the regulation never allows.

    Implementing regulation mục 3.5: readmission once only; never for those who left
    because they abandoned party activity, applied to leave (unless for special family
    hardship), caused serious internal disunity, or were convicted of corruption or of a
    serious or graver crime (mục 3.5.2; the list is a setting).
    """
    if readmitted_before:
        raise _refuse("readmission_of", (
            f"Đảng viên này đã được kết nạp lại một lần: chỉ được kết nạp lại một lần "
            f"({cite(on, '3.5')})."
        ))  # fmt: skip
    if not left_reason:
        raise _refuse("left_reason", "Cần ghi lý do ra khỏi Đảng trước đây để xét kết nạp lại.")
    if left_reason in barred_reasons:
        raise _refuse("left_reason", (
            f"Không xem xét kết nạp lại người ra khỏi Đảng vì lý do «{reason_label or left_reason}» "
            f"({cite(on, '3.5.2')})."
        ))  # fmt: skip


def check_readmission_wait(
    *, left_on: dt.date, left_reason: str, expunged_on: dt.date | None, on: dt.date
) -> None:
    """Refuse a readmission considered too soon after leaving (mục 3.5.1).

    At least 36 months after leaving the Party (struck off or expelled); for a person
    convicted of a less serious crime, at least 60 months after the conviction was expunged.
    """
    earliest = add_months(left_on, READMISSION_WAIT_MONTHS)
    if on < earliest:
        raise _refuse("held_on", (
            f"Chỉ xét kết nạp lại sau ít nhất 36 tháng kể từ khi ra khỏi Đảng "
            f"({fmt_date(left_on)}), tức từ ngày {fmt_date(earliest)} ({cite(on, '3.5.1')})."
        ))  # fmt: skip
    if left_reason == LESS_SERIOUS_CRIME:
        if expunged_on is None:
            raise _refuse("expunged_on", (
                f"Người bị kết án về tội ít nghiêm trọng chỉ được xét kết nạp lại sau 60 tháng kể "
                f"từ ngày được xóa án tích: cần ghi ngày xóa án tích ({cite(on, '3.5.1')})."
            ))  # fmt: skip
        after_expunged = add_months(expunged_on, EXPUNGED_WAIT_MONTHS)
        if on < after_expunged:
            raise _refuse("expunged_on", (
                f"Người bị kết án về tội ít nghiêm trọng chỉ được xét kết nạp lại sau 60 tháng kể "
                f"từ ngày được xóa án tích ({fmt_date(expunged_on)}), tức từ ngày "
                f"{fmt_date(after_expunged)} ({cite(on, '3.5.1')})."
            ))  # fmt: skip


def check_readmission_consent(consent_on: dt.date | None, decision_on: dt.date) -> None:
    """Refuse a readmission decision without the province-level standing committee's written
    consent given before it (mục 3.5.1)."""
    if consent_on is None or consent_on > decision_on:
        raise _refuse("readmission_consent_on", (
            f"Kết nạp lại cần văn bản đồng ý của ban thường vụ tỉnh ủy, thành ủy (hoặc tương "
            f"đương) trước khi cấp ủy có thẩm quyền quyết định ({cite(decision_on, '3.5.1')})."
        ))  # fmt: skip


# --------------------------------------------------------------------------
# The stage of a file
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Steps:
    """The dates (and flags) of a candidate's recorded steps, for ``candidate_stage``."""

    certificate_issued_on: dt.date | None = None
    application_on: dt.date | None = None
    background_checked_on: dt.date | None = None
    introduced_on: dt.date | None = None
    cell_resolution_on: dt.date | None = None
    committee_resolution_on: dt.date | None = None
    decision_signed_on: dt.date | None = None
    refused: bool = False
    ceremony_on: dt.date | None = None
    withdrawn_on: dt.date | None = None


def candidate_stage(steps: Steps, on: dt.date | None = None) -> str:
    """Return the stage a file had reached on ``on`` (now, when None): its latest step done by then."""

    def done(day: dt.date | None) -> bool:
        return day is not None and (on is None or day <= on)

    if done(steps.withdrawn_on):
        return "WITHDRAWN"
    if steps.refused and done(steps.decision_signed_on):
        return "REFUSED"
    if done(steps.ceremony_on):
        return "ADMITTED"
    for stage, day in (
        ("DECIDED", steps.decision_signed_on),
        ("COMMITTEE_PROPOSAL", steps.committee_resolution_on),
        ("CELL_RESOLUTION", steps.cell_resolution_on),
        ("INTRODUCED", steps.introduced_on),
    ):
        if done(day):
            return stage
    if done(steps.application_on) or done(steps.background_checked_on):
        return "DOSSIER"
    if done(steps.certificate_issued_on):
        return "AWARENESS_CLASS"
    return "PROPOSED"
