"""The member list as a file: the columns (shared with the member import) and the rows.

``MEMBER_EXPORT_COLUMNS`` are the headers the member import recognises, so a
list exported here can be corrected in Excel and read back.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone

from dangbo.core import codes
from dangbo.core.exports import CHUNK_SIZE, Export, describe_filters, export_name, preamble
from dangbo.core.xlsx import Column

from . import rules
from .forms import STATUS_CHOICES, MemberFilterForm
from .models import MemberState, PoliticalTheory, Professional, Sex, Status
from .selectors import as_of

MEMBER_EXPORT_COLUMNS: tuple[Column, ...] = (
    Column("STT", "int", 6),
    Column("Họ và tên", width=26),
    Column("Ngày sinh", "date"),
    Column("Giới tính", width=9),
    Column("Dân tộc", width=12),
    Column("Tôn giáo", width=14),
    Column("Số định danh cá nhân", width=16),
    Column("Số thẻ đảng viên", width=14),
    Column("Ngày vào Đảng", "date"),
    Column("Ngày chính thức", "date"),
    Column("Tình trạng", width=14),
    Column("Chi bộ", width=32),
    Column("Mã chi bộ", width=12),
    Column("Quê quán", width=30),
    Column("Nơi thường trú", width=30),
    Column("Điện thoại", width=14),
    Column("Nghề nghiệp", width=20),
    Column("Giáo dục phổ thông", width=12),
    Column("Chuyên môn", width=16),
    Column("Lý luận chính trị", width=16),
    Column("Tuổi", "int", 7),
    Column("Tuổi đảng", "int", 9),
)
MEMBER_EXPORT_HEADERS: tuple[str, ...] = tuple(c.header for c in MEMBER_EXPORT_COLUMNS)
# The columns holding personal data (models.PERSONAL_FIELDS), left out of the file for a
# reader who may not see them.
PERSONAL_COLUMNS: dict[str, str] = {
    "personal_id_number": "Số định danh cá nhân",
    "permanent_address": "Nơi thường trú",
    "phone": "Điện thoại",
}
_PERSONAL_INDEXES = frozenset(
    i for i, c in enumerate(MEMBER_EXPORT_COLUMNS) if c.header in PERSONAL_COLUMNS.values()
)


def member_export_columns(personal: bool = True) -> tuple[Column, ...]:
    """Return the member list's columns, without the personal ones unless ``personal``."""
    if personal:
        return MEMBER_EXPORT_COLUMNS
    return tuple(c for i, c in enumerate(MEMBER_EXPORT_COLUMNS) if i not in _PERSONAL_INDEXES)


_SEX = dict(Sex.choices)
_STATUS = dict(Status.choices)
_PROFESSIONAL = dict(Professional.choices)
_THEORY = dict(PoliticalTheory.choices)
# The fields the rows read.
ROW_FIELDS = (
    "pk", "full_name", "date_of_birth", "sex", "ethnicity", "religion", "personal_id_number",
    "card_number", "admitted_on", "official_on", "status", "home_town", "permanent_address",
    "phone", "occupation", "general_education", "professional_level", "political_theory_level",
    "organization__name", "organization__code",
)  # fmt: skip
FILTER_LABELS = {
    "q": "Tìm",
    "age_min": "Tuổi từ",
    "age_max": "Tuổi đến",
    "party_age_min": "Tuổi đảng từ",
    "party_age_max": "Tuổi đảng đến",
}


def member_rows(
    members: QuerySet,
    *,
    root,
    on: dt.date | None = None,
    today: dt.date | None = None,
    personal: bool = True,
) -> Iterator[list]:
    """Yield one row of ``member_export_columns(personal)`` per member of ``members``, in its order.

    Without ``on``: status and cell now, ages today. With ``on`` (a list of
    the registry as it stood that day, under ``root``): the status and the
    cell of that day, under the cell's name of that day, and ages on that
    day; of a member who has since left the subtree, no personal data
    (``selectors.as_of``). Party age deducts the time struck off or expelled, as on the
    member's page. Plain values, ``CHUNK_SIZE`` members per round trip: no
    model instances, so a large list costs little more than writing it.
    Without ``personal`` the personal columns are left out.
    """
    reference = on or today or timezone.localdate()
    qs = members.values(*ROW_FIELDS)
    if on is not None:
        if "departed" not in members.query.annotations:  # not yet from members_in
            members = as_of(members, root, on)
        qs = members.values(
            *ROW_FIELDS, "status_then", "cell_then_name", "cell_then_code", "departed"
        )
    # Periods struck off or expelled are rare: all of them for the list, in one query.
    gaps: dict[int, list[rules.State]] = defaultdict(list)
    for member_id, status, org_id, start, end in (
        MemberState.objects.filter(
            status__in=rules.GAP_STATUSES, member_id__in=members.values("pk")
        )
        .order_by("member_id", "valid_from")
        .values_list("member_id", "status", "organization_id", "valid_from", "valid_until")
    ):
        gaps[member_id].append(rules.State(status, org_id, start, end))
    for number, m in enumerate(qs.iterator(chunk_size=CHUNK_SIZE), start=1):
        status = m["status"]
        cell = (m["organization__name"] or "", m["organization__code"] or "")
        if on is not None:
            status = m["status_then"] or ""
            cell = (m["cell_then_name"] or "", m["cell_then_code"] or "")
            if m["departed"]:
                m.update(dict.fromkeys(PERSONAL_COLUMNS, ""))
            if m["official_on"] and m["official_on"] > on:  # recognised after that day
                m["official_on"] = None
        born, admitted = m["date_of_birth"], m["admitted_on"]
        row = [
            number,
            m["full_name"],
            born,
            _SEX.get(m["sex"], m["sex"]),
            codes.name_of("ethnicity", m["ethnicity"]),
            codes.name_of("religion", m["religion"]),
            m["personal_id_number"] or "",
            m["card_number"] or "",
            admitted,
            m["official_on"],
            _STATUS.get(status, status),
            *cell,
            m["home_town"],
            m["permanent_address"],
            m["phone"],
            m["occupation"],
            codes.name_of("general_education", m["general_education"]),
            _PROFESSIONAL.get(m["professional_level"], m["professional_level"]),
            _THEORY.get(m["political_theory_level"], m["political_theory_level"]),
            rules.age_on(born, reference) if born else None,
            rules.party_age_years(admitted, gaps.get(m["pk"], ()), reference) if admitted else None,
        ]
        yield row if personal else [v for i, v in enumerate(row) if i not in _PERSONAL_INDEXES]


def member_list_filters(form: MemberFilterForm) -> list[str]:
    """Describe the filters in force: the status always (it has a default), the date in the title."""
    lines = describe_filters(form, labels=FILTER_LABELS, skip=("status", "on"))
    data = getattr(form, "cleaned_data", {})
    status = dict(STATUS_CHOICES).get(data.get("status") or "", "")
    return [f"Tình trạng: {status}", *lines]


def member_list_export(
    request, org, form: MemberFilterForm, members: QuerySet, on, *, personal: bool
) -> Export:
    """The member list of ``org`` (``members``: the page's queryset) as a file; the
    personal columns only when ``personal``."""
    day = on or timezone.localdate()
    return Export(
        name=export_name("dang-vien", org.code, day),
        sheet_title="Đảng viên",
        columns=member_export_columns(personal),
        rows=member_rows(members, root=org, on=on, personal=personal),
        preamble=preamble(
            "Danh sách đảng viên", org, on=day, filters=member_list_filters(form), user=request.user
        ),
    )
