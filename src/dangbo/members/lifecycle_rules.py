"""Rules on a member's party life after admission, as pure functions over dates.

Transfers of party activity (chuyển sinh hoạt đảng), striking off (xóa tên),
expulsion (khai trừ), exemption from work and activity (miễn công tác và sinh
hoạt đảng). Each rule is named after the rule, cites its source and judges a
fact under the regulation in force on the fact's date.

The implementing regulation of the Statute (Quy định thi hành Điều lệ Đảng):
QĐ 45-QĐ/TW (01/11/2011) → QĐ 29-QĐ/TW (25/07/2016) → QĐ 24-QĐ/TW (30/07/2021)
→ QĐ 232-QĐ/TW (20/01/2025) → QĐ 294-QĐ/TW (in force 01/07/2025). These rules
are encoded from QĐ 29-QĐ/TW on (``ENCODED_FROM``): a fact dated earlier is an
entry of history (often copied from a paper register without its decision or
ground), recorded as given, without these checks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from dangbo.core.dates import add_months
from dangbo.core.errors import DomainError
from dangbo.core.formatting import fmt_date
from dangbo.regulations import citations
from dangbo.regulations.citations import implementing_regulation
from dangbo.regulations.workdays import WorkCalendar, add_working_days

from . import rules

# The first implementing regulation whose rules on a member's life this module encodes.
ENCODED_FROM = citations.QD_29_ON

QD_294_FROM = citations.QD_294_ON


def is_encoded(on: dt.date) -> bool:
    """Return whether a fact of ``on`` is judged by these rules (see ``ENCODED_FROM``)."""
    return on >= ENCODED_FROM


# --------------------------------------------------------------------------
# Official transfer (chuyển sinh hoạt đảng chính thức)
# --------------------------------------------------------------------------

OFFICIAL_TRANSFER_START_WORKING_DAYS = 60
LETTER_PRESENTATION_WORKING_DAYS = 30


def official_transfer_rule(on: dt.date) -> str:
    """Return the citation of the transfer rules in force on ``on``.

    QĐ 29-QĐ/TW mục 6.3, carried into QĐ 24 and QĐ 232; QĐ 294-QĐ/TW mục 6.3.1.
    """
    item = "mục 6.3.1" if on >= QD_294_FROM else "mục 6.3"
    return f"{implementing_regulation(on)}, {item}"


def official_transfer_start_due_on(triggered_on: dt.date, calendar: WorkCalendar) -> dt.date:
    """Return the last day to start an official transfer (the transfer letter issued).

    QĐ 29-QĐ/TW mục 6.3 → QĐ 294-QĐ/TW mục 6.3.1: a member transferred to
    another unit, retired, demobilised or moving residence for good starts the
    transfer within 60 working days of the decision taking effect or of the move.
    """
    return add_working_days(triggered_on, OFFICIAL_TRANSFER_START_WORKING_DAYS, calendar)


def check_official_transfer_start(
    *, triggered_on: dt.date, letter_on: dt.date, calendar: WorkCalendar, explanation: str
) -> None:
    """Refuse a transfer letter issued after the 60 working days without an explanation.

    The late transfer is still recorded once the delay is explained (QĐ 29-QĐ/TW
    mục 6.3 → QĐ 294-QĐ/TW mục 6.3.1, see ``official_transfer_start_due_on``).
    """
    if not is_encoded(triggered_on):
        return
    due = official_transfer_start_due_on(triggered_on, calendar)
    if letter_on > due and not explanation.strip():
        raise DomainError({"start_late_explanation": (
            f"Giấy giới thiệu ngày {fmt_date(letter_on)} quá hạn: đảng viên phải làm thủ tục "
            f"chuyển sinh hoạt đảng trong {OFFICIAL_TRANSFER_START_WORKING_DAYS} ngày làm việc "
            f"kể từ ngày {fmt_date(triggered_on)}, tức đến hết ngày {fmt_date(due)}. Ghi giải "
            f"trình lý do chậm ({official_transfer_rule(triggered_on)})."
        )})  # fmt: skip


def transfer_letter_valid_until(letter_on: dt.date, calendar: WorkCalendar) -> dt.date:
    """Return the last day the member may present the transfer letter to the receiving cell.

    QĐ 294-QĐ/TW mục 6.3.1 (QĐ 29 mục 6.3 before): within 30 working days of
    the date of introduction; later, the member or the responsible organization
    explains and the competent committee considers the case.
    """
    return add_working_days(letter_on, LETTER_PRESENTATION_WORKING_DAYS, calendar)


def check_transfer_letter_presented(
    *, letter_on: dt.date, received_on: dt.date, calendar: WorkCalendar, explanation: str
) -> None:
    """Refuse an arrival before the letter, or after its 30 working days without an explanation.

    See ``transfer_letter_valid_until`` (QĐ 294-QĐ/TW mục 6.3.1).
    """
    if received_on < letter_on:
        raise DomainError({"received_on": (
            f"Ngày tiếp nhận ({fmt_date(received_on)}) không thể trước ngày giới thiệu "
            f"({fmt_date(letter_on)})."
        )})  # fmt: skip
    if not is_encoded(letter_on):
        return
    due = transfer_letter_valid_until(letter_on, calendar)
    if received_on > due and not explanation.strip():
        raise DomainError({"late_explanation": (
            f"Đảng viên xuất trình giấy giới thiệu ngày {fmt_date(received_on)}, quá "
            f"{LETTER_PRESENTATION_WORKING_DAYS} ngày làm việc kể từ ngày giới thiệu "
            f"{fmt_date(letter_on)} (hạn đến hết ngày {fmt_date(due)}). Ghi giải trình của đảng "
            f"viên hoặc tổ chức có trách nhiệm ({official_transfer_rule(letter_on)})."
        )})  # fmt: skip


# --------------------------------------------------------------------------
# Temporary transfer (chuyển sinh hoạt đảng tạm thời)
# --------------------------------------------------------------------------

TEMPORARY_MIN_MONTHS = 3
TEMPORARY_WORK_MONTHS = 12  # under 1 year
TEMPORARY_STUDY_MONTHS = 24  # up to 2 years
STUDY = "STUDY"


def temporary_transfer_rule(on: dt.date) -> str:
    """Return the citation of the temporary transfer rule (QĐ 29-QĐ/TW mục 6.3, carried forward)."""
    return f"{implementing_regulation(on)}, mục 6.3"


def temporary_transfer_bounds(reason: str, planned_from: dt.date) -> tuple[dt.date, dt.date]:
    """Return the earliest and the latest planned return for a temporary transfer.

    QĐ 29-QĐ/TW mục 6.3 (carried into QĐ 24, 232, 294): a change of work or
    residence lasting from 3 months to under 1 year, or full-time domestic study
    from 3 months to 2 years. The period runs from ``planned_from`` to the
    planned day of return.
    """
    earliest = add_months(planned_from, TEMPORARY_MIN_MONTHS)
    if reason == STUDY:
        return earliest, add_months(planned_from, TEMPORARY_STUDY_MONTHS)
    return earliest, add_months(planned_from, TEMPORARY_WORK_MONTHS) - dt.timedelta(days=1)


def check_temporary_transfer_length(
    *, reason: str, planned_from: dt.date, planned_until: dt.date, special_case_ground: str
) -> None:
    """Refuse a temporary transfer outside its length unless a special case is recorded.

    See ``temporary_transfer_bounds``; the special cases are set by the
    Secretariat (Ban Bí thư), so their ground must be written down.
    """
    if planned_until <= planned_from:
        raise DomainError({"planned_until": (
            f"Ngày dự kiến trở về ({fmt_date(planned_until)}) phải sau ngày bắt đầu "
            f"({fmt_date(planned_from)})."
        )})  # fmt: skip
    if not is_encoded(planned_from) or special_case_ground.strip():
        return
    earliest, latest = temporary_transfer_bounds(reason, planned_from)
    span = f"từ {fmt_date(planned_from)} đến {fmt_date(planned_until)}"
    special = (
        "Ngoài thời hạn này chỉ là trường hợp đặc biệt do Ban Bí thư quy định: ghi căn cứ "
        f"({temporary_transfer_rule(planned_from)})."
    )
    if planned_until < earliest:
        message = f"Sinh hoạt đảng tạm thời từ 3 tháng trở lên; {span} chưa đủ 3 tháng."
    elif planned_until > latest and reason == STUDY:
        message = (
            f"Đi học tập trung được sinh hoạt đảng tạm thời từ 3 tháng đến 2 năm; {span} quá 2 năm."
        )
    elif planned_until > latest:
        message = f"Sinh hoạt đảng tạm thời khi thay đổi nơi công tác, nơi ở từ 3 tháng đến dưới 1 năm; {span} từ 1 năm trở lên."
    else:
        return
    raise DomainError({"special_case_ground": f"{message} {special}"})


# --------------------------------------------------------------------------
# Striking off, expulsion, exemption: what the event must carry
# --------------------------------------------------------------------------

# Grounds of striking off listed by the implementing regulation, mục 8.1.
REGULATION_STRIKING_GROUNDS = (
    "MISSED_ACTIVITY_OR_DUES", "CARD_RETURNED", "NO_PROGRESS", "STANDARDS_BREACHED",
    "POLITICAL_STANDARDS",
)  # fmt: skip
PROBATION_NOT_RECOGNISED = "PROBATION_NOT_RECOGNISED"
WITHDRAWAL = "WITHDRAWAL"
STRIKING_GROUNDS = (*REGULATION_STRIKING_GROUNDS, PROBATION_NOT_RECOGNISED, WITHDRAWAL)
OLD_AGE, FRAIL_HEALTH = "OLD_AGE", "FRAIL_HEALTH"
EXEMPTION_GROUNDS = (OLD_AGE, FRAIL_HEALTH)
REASONS_BY_KIND = {rules.STRUCK_OFF: STRIKING_GROUNDS, rules.EXEMPTED: EXEMPTION_GROUNDS}

# HD 27-HD/BTCTW (26/03/2009): "old" = past working age under the Labour Code then
# in force, men 60, women 55 (a committee may set another value: Setting
# ``members.exemption_old_age``, e.g. {"M": 62, "F": 60}).
OLD_AGE_SETTING = "members.exemption_old_age"
OLD_AGE_DEFAULT = {"M": 60, "F": 55}
EXEMPTION_GUIDANCE = "Hướng dẫn 27-HD/BTCTW ngày 26/03/2009"


def striking_off_ground_rule(reason_code: str, on: dt.date) -> str:
    """Return the source of a striking-off ground.

    The implementing regulation mục 8.1 (QĐ 29, QĐ 24, QĐ 232, QĐ 294-QĐ/TW);
    a probation not recognised: Điều lệ Đảng Đ5 k2; a withdrawal approved:
    Điều lệ Đảng Đ8 k3.
    """
    if reason_code == PROBATION_NOT_RECOGNISED:
        return "Điều lệ Đảng, Điều 5 khoản 2"
    if reason_code == WITHDRAWAL:
        return "Điều lệ Đảng, Điều 8 khoản 3"
    return f"{implementing_regulation(on)}, mục 8.1"


def _decision_errors(
    messages: tuple[str, str, str], number: str, signed_on: dt.date | None, issuer: str
) -> dict[str, str]:
    missing = (not number.strip(), signed_on is None, not issuer.strip())
    fields = ("decision_number", "decision_signed_on", "decision_issuer")
    return {f: m for f, m, gone in zip(fields, messages, missing, strict=True) if gone}


def striking_off_errors(
    *,
    on: dt.date,
    reason_code: str,
    reason_label: str,
    status_before: str | None,
    decision_number: str,
    decision_signed_on: dt.date | None,
    decision_issuer: str,
) -> dict[str, str]:
    """Return what a striking off (xóa tên) lacks: its ground and the competent committee's decision.

    The cell considers and proposes, the competent committee decides, on one of
    the grounds of the implementing regulation mục 8.1 (QĐ 24/294-QĐ/TW), or a
    probation not recognised (Điều lệ Đảng Đ5 k2: only a probationary member),
    or a withdrawal approved (Điều lệ Đảng Đ8 k3).
    """
    if not is_encoded(on):
        return {}
    rule = f"{implementing_regulation(on)}, mục 8.1"
    errors = {}
    if not reason_code:
        errors["reason_code"] = (
            f"Cần chọn lý do xóa tên ({rule}; Điều lệ Đảng, Điều 5 khoản 2 và Điều 8 khoản 3)."
        )
    elif reason_code == PROBATION_NOT_RECOGNISED and status_before != rules.PROBATIONARY:
        errors["reason_code"] = (
            f"Lý do «{reason_label}» chỉ áp dụng cho đảng viên dự bị; ngày {fmt_date(on)} "
            "đồng chí không phải đảng viên dự bị (Điều lệ Đảng, Điều 5 khoản 2)."
        )
    source = striking_off_ground_rule(reason_code, on) if reason_code else rule
    messages = (
        f"Cần ghi số quyết định xóa tên của cấp ủy có thẩm quyền ({source}).",
        "Cần ghi ngày ký quyết định xóa tên.",
        "Cần ghi cấp ủy ra quyết định xóa tên.",
    )
    return errors | _decision_errors(messages, decision_number, decision_signed_on, decision_issuer)


def expulsion_errors(
    *,
    on: dt.date,
    status_before: str | None,
    decision_number: str,
    decision_signed_on: dt.date | None,
    decision_issuer: str,
) -> dict[str, str]:
    """Return what an expulsion (khai trừ) lacks: it is recorded from a discipline decision.

    Expulsion is a disciplinary penalty for official members only; a
    probationary member is only reprimanded or warned (Điều lệ Đảng Đ35;
    QĐ 69-QĐ/TW Đ7). The decision's number, date and issuing body are kept.
    """
    if not is_encoded(on):
        return {}
    errors = {}
    if status_before == rules.PROBATIONARY:
        errors["kind"] = (
            "Đảng viên dự bị chỉ bị kỷ luật khiển trách hoặc cảnh cáo, không bị khai trừ "
            "(Điều lệ Đảng, Điều 35; Quy định 69-QĐ/TW, Điều 7)."
        )
    messages = (
        "Khai trừ là hình thức kỷ luật: cần ghi số quyết định kỷ luật khai trừ (Điều lệ Đảng, Điều 35).",
        "Cần ghi ngày ký quyết định khai trừ.",
        "Cần ghi tổ chức đảng hoặc ủy ban kiểm tra ra quyết định khai trừ.",
    )
    return errors | _decision_errors(messages, decision_number, decision_signed_on, decision_issuer)


def exemption_rule(on: dt.date) -> str:
    """Return the source of the exemption rule (Điều lệ Đảng Đ7; the implementing regulation mục 7.1)."""
    return f"Điều lệ Đảng, Điều 7; {implementing_regulation(on)}, mục 7.1"


def exemption_errors(
    *,
    on: dt.date,
    reason_code: str,
    grounds: str,
    sex: str,
    date_of_birth: dt.date,
    old_age: Mapping[str, int],
) -> dict[str, str]:
    """Return what an exemption from work and party activity lacks: its ground.

    Điều lệ Đảng Đ7; QĐ 24-QĐ/TW mục 7.1: an old or weak member asks, the cell
    decides; it is never automatic on age. HD 27-HD/BTCTW (2009): "old" is past
    working age (men 60, women 55, ``old_age``); "weak health" is an illness
    needing long treatment (3 months or more) or a medical record, written in
    ``grounds``.
    """
    if not is_encoded(on):
        return {}
    if not reason_code:
        return {"reason_code": (
            "Cần ghi căn cứ miễn công tác và sinh hoạt đảng (tuổi cao hoặc sức khỏe yếu): chi bộ "
            f"xem xét, quyết định theo đề nghị của đảng viên ({exemption_rule(on)})."
        )}  # fmt: skip
    if reason_code == OLD_AGE:
        threshold = int(old_age.get(sex, OLD_AGE_DEFAULT.get(sex, 60)))
        age = rules.age_on(date_of_birth, on)
        if age < threshold:
            who = "nữ" if sex == "F" else "nam"
            return {"reason_code": (
                f"Căn cứ tuổi cao: đảng viên {who} từ đủ {threshold} tuổi ({EXEMPTION_GUIDANCE}); "
                f"ngày {fmt_date(on)} đồng chí mới {age} tuổi."
            )}  # fmt: skip
    if reason_code == FRAIL_HEALTH and not grounds.strip():
        return {"grounds": (
            "Căn cứ sức khỏe yếu: ghi bệnh phải điều trị dài ngày (từ 3 tháng trở lên) hoặc hồ "
            f"sơ bệnh án ({EXEMPTION_GUIDANCE})."
        )}  # fmt: skip
    return {}


def reason_errors(kind: str, reason_code: str, *, reason_label: str, kind_label: str) -> dict:
    """Return an error when ``reason_code`` is not a ground of an event of ``kind``."""
    if reason_code and reason_code not in REASONS_BY_KIND.get(kind, ()):
        return {"reason_code": f"Lý do «{reason_label}» không dùng cho sự kiện «{kind_label}»."}
    return {}
