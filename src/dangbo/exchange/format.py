"""The exchange workbook format, as data: sheets, columns, types, keys and the version.

One description drives the writer (column order, headers, cell kinds), the
reader (columns found by their exact header, types, required columns) and
``docs/exchange-format.md`` (generated from it by ``dangbo export --write-docs``).

Versioning. ``FORMAT_VERSION`` is written in the "Thông tin" sheet.

* Additive changes keep the version: a new optional column or sheet. An older
  reader ignores a column or sheet it does not know, so a newer file of the same
  version still imports.
* A change an older reader would misread (a column renamed, removed or given
  another meaning, a new required column) raises the version. A file of a newer
  version is refused with a message; a file of an older version is converted on
  reading by the steps in ``UPGRADES`` (``UPGRADES[1]`` turns a version 1 file
  into version 2, and so on), so every version ever written still imports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model

from dangbo.accounts.models import Module, Role, RoleAssignment
from dangbo.members.models import (
    Member,
    MemberEvent,
    PoliticalTheory,
    Position,
    Professional,
    Sex,
    Status,
)
from dangbo.organizations.models import Organization, OrgEvent, OrgKind, Sector, TreePosition

from .records import RECORD_SHEETS
from .spec import (
    DATA,
    DERIVED,
    IN_SCOPE,
    LABEL,
    META,
    PATH_SEPARATOR,
    REFERENCE,
    TYPE_NAMES,
    Col,
    SheetSpec,
    decision_columns,
)

__all__ = [
    "DATA", "DERIVED", "IN_SCOPE", "LABEL", "META", "PATH_SEPARATOR", "REFERENCE", "TYPE_NAMES",
    "Col", "SheetSpec", "decision_columns",
]  # fmt: skip

FORMAT_NAME = "dangbo-exchange"
FORMAT_VERSION = 1

User = get_user_model()


INFO = SheetSpec(
    key="info",
    title="Thông tin",
    required=True,
    description=(
        "Mỗi dòng một mục (khóa, giá trị): định dạng, phiên bản, tổ chức xuất dữ liệu, "
        "ngày xuất và số dòng của từng sheet."
    ),
    natural_key="Khóa",
    order="theo thứ tự cố định của các khóa",
    columns=(
        Col("label", "Nội dung", role=LABEL, width=36),
        Col("key", "Khóa", required=True, width=24),
        Col("value", "Giá trị", width=40),
    ),
)

# The keys of the "Thông tin" sheet (key, Vietnamese label, required).
INFO_KEYS: tuple[tuple[str, str, bool], ...] = (
    ("format", "Định dạng tệp", True),
    ("version", "Phiên bản định dạng", True),
    ("root_code", "Mã tổ chức xuất dữ liệu", False),
    ("root_name", "Tên tổ chức xuất dữ liệu", False),
    ("as_of", "Số liệu đến ngày", False),
)
ROWS_KEY_PREFIX = "rows."

SECTORS = SheetSpec(
    key="sectors",
    title="Loại hình",
    description="Các loại hình tổ chức cơ sở đảng mà các tổ chức trong tệp dùng.",
    natural_key="Mã loại hình",
    order="theo mã",
    columns=(
        Col("code", "Mã loại hình", "code", required=True, field=(Sector, "code")),
        Col("name", "Tên loại hình", required=True, field=(Sector, "name"), width=40),
    ),
)

ORGANIZATIONS = SheetSpec(
    key="organizations",
    title="Tổ chức",
    description=(
        "Mỗi tổ chức đảng một dòng, với thông tin hiện tại. «Trong phạm vi»: tổ chức thuộc cây "
        "của tổ chức xuất dữ liệu; «Tham chiếu»: tổ chức ngoài cây mà dữ liệu trong tệp nhắc tới "
        "(cấp trên ở mọi thời điểm, nơi đảng viên đã sinh hoạt, tổ chức liên quan của sự kiện), "
        "có đủ lịch sử nhưng không kèm đảng viên."
    ),
    natural_key="Mã tổ chức",
    order="theo cây hiện tại (cấp trên trước cấp dưới, cùng cấp theo mã)",
    columns=(
        Col("code", "Mã tổ chức", "code", required=True, field=(Organization, "code")),
        Col("name", "Tên tổ chức", required=True, field=(Organization, "name"), width=40),
        Col("kind", "Mã loại tổ chức", "code", required=True, field=(Organization, "kind")),
        Col("kind_label", "Loại tổ chức", role=LABEL, width=30),
        Col("parent", "Mã tổ chức cấp trên", "code", field=(Organization, "code"),
            help="Trống: tổ chức cao nhất của cây."),
        Col("scope", "Phạm vi", role=META, default=IN_SCOPE,
            help=f"«{IN_SCOPE}» (mặc định) hoặc «{REFERENCE}»."),
        Col("sector", "Mã loại hình", "code", field=(Sector, "code"),
            help="Mã trong sheet «Loại hình» hoặc danh mục loại hình của hệ thống."),
        Col("staff_headcount", "Số cán bộ, nhân viên của đơn vị", "int"),
        Col("hardship_area", "Vùng khó khăn", "bool", default=False,
            help="Vùng cao, vùng sâu, biên giới, hải đảo, đặc biệt khó khăn."),
        Col("established_on", "Ngày thành lập", "date", required=True),
        Col("established_decision", "Quyết định thành lập",
            field=(Organization, "established_decision")),
        Col("dissolved_on", "Ngày giải thể", "date",
            help="Trống: đang hoạt động."),
        Col("dissolved_decision", "Quyết định giải thể", field=(Organization, "dissolved_decision")),
        Col("address", "Địa chỉ", field=(Organization, "address"), width=30),
        Col("phone", "Điện thoại", field=(Organization, "phone")),
        Col("email", "Thư điện tử", "email", field=(Organization, "email")),
        Col("committee_name", "Tên cấp ủy", field=(Organization, "committee_name"), width=30,
            help="Cấp ủy ký văn bản, ví dụ «Tỉnh ủy Lạc Hồng» của «Đảng bộ tỉnh Lạc Hồng». "
            "Trống: suy ra từ tên tổ chức («Đảng bộ …» → «Đảng ủy …»)."),
        Col("place_name", "Địa danh ghi trên văn bản", field=(Organization, "place_name"),
            help="Trống: dùng địa danh của tổ chức cấp trên."),
    ),
)  # fmt: skip

TREE_HISTORY = SheetSpec(
    key="tree_history",
    title="Lịch sử cây",
    description=(
        "Vị trí của tổ chức trong cây theo từng giai đoạn: cấp trên, tên và loại trong giai đoạn "
        "đó. Các giai đoạn của một tổ chức không chồng lên nhau; giai đoạn cuối khớp với thông "
        "tin hiện tại ở sheet «Tổ chức». Tổ chức mới không có dòng nào ở đây được coi là có một "
        "giai đoạn từ ngày thành lập đến ngày giải thể."
    ),
    natural_key="Mã tổ chức + Từ ngày",
    order="theo mã tổ chức, rồi từ ngày",
    columns=(
        Col("organization", "Mã tổ chức", "code", required=True, field=(Organization, "code")),
        Col("valid_from", "Từ ngày", "date", required=True),
        Col("valid_until", "Đến trước ngày", "date", help="Trống: đến nay."),
        Col("parent", "Mã tổ chức cấp trên", "code", field=(Organization, "code")),
        Col("name", "Tên tổ chức", required=True, field=(TreePosition, "name"), width=40),
        Col("kind", "Mã loại tổ chức", "code", required=True, field=(TreePosition, "kind")),
        Col("kind_label", "Loại tổ chức", role=LABEL, width=30),
        Col("path", "Đường dẫn (mã các cấp)", width=40,
            help=("Mã các cấp từ gốc cây đến tổ chức trong giai đoạn đó, cách nhau bởi «"
                  f"{PATH_SEPARATOR.strip()}». Trống: tính từ cấp trên ở ngày bắt đầu giai đoạn.")),
    ),
)  # fmt: skip

ORG_EVENTS = SheetSpec(
    key="org_events",
    title="Sự kiện tổ chức",
    description="Các sự kiện có ngày trong đời của tổ chức, kèm quyết định.",
    natural_key=("Mã tổ chức + Ngày hiệu lực + Mã loại sự kiện (+ thứ tự xuất hiện khi trùng)"),
    order="theo mã tổ chức, rồi ngày hiệu lực, rồi thứ tự ghi nhận",
    columns=(
        Col("organization", "Mã tổ chức", "code", required=True, field=(Organization, "code")),
        Col("happened_on", "Ngày hiệu lực", "date", required=True),
        Col("kind", "Mã loại sự kiện", "code", required=True, field=(OrgEvent, "kind")),
        Col("kind_label", "Loại sự kiện", role=LABEL, width=28),
        *decision_columns(OrgEvent),
        Col("related", "Mã tổ chức liên quan", "code", field=(Organization, "code")),
        Col("details", "Chi tiết (JSON)", "json", default=None, width=40),
        Col("note", "Ghi chú", width=30),
    ),
)

MEMBERS = SheetSpec(
    key="members",
    title="Đảng viên",
    description=(
        "Mỗi đảng viên một dòng: thông tin nhận dạng. Tình trạng, tổ chức đang sinh hoạt, ngày "
        "vào Đảng và ngày chính thức được tính từ sheet «Sự kiện đảng viên»; các cột đó ghi "
        "để người đọc tiện theo dõi, khi nhập hệ thống tính lại và đối chiếu (nếu ô có giá trị)."
    ),
    natural_key="Mã hồ sơ (UID)",
    order="theo mã hồ sơ",
    columns=(
        Col("uid", "Mã hồ sơ (UID)", "uuid", required=True, width=38,
            help="Khóa ổn định của hồ sơ, giống nhau ở mọi hệ thống."),
        Col("full_name", "Họ và tên", required=True, field=(Member, "full_name"), width=26),
        Col("birth_name", "Họ và tên khai sinh", field=(Member, "birth_name")),
        Col("date_of_birth", "Ngày sinh", "date", required=True),
        Col("sex", "Giới tính (mã)", "code", required=True, field=(Member, "sex")),
        Col("sex_label", "Giới tính", role=LABEL),
        Col("ethnicity", "Mã dân tộc", "code", field=(Member, "ethnicity"), code_list="ethnicity",
            default="01"),
        Col("ethnicity_name", "Dân tộc", role=LABEL),
        Col("religion", "Mã tôn giáo", "code", field=(Member, "religion"), code_list="religion",
            default="00"),
        Col("religion_name", "Tôn giáo", role=LABEL),
        Col("home_town", "Quê quán", field=(Member, "home_town"), width=30),
        Col("birth_place", "Nơi sinh", field=(Member, "birth_place"), width=30),
        Col("permanent_address", "Nơi thường trú", field=(Member, "permanent_address"), width=30),
        Col("personal_id_number", "Số định danh cá nhân", "code",
            field=(Member, "personal_id_number"), help="12 chữ số."),
        Col("phone", "Điện thoại", field=(Member, "phone")),
        Col("email", "Thư điện tử", "email", field=(Member, "email")),
        Col("occupation", "Nghề nghiệp", field=(Member, "occupation")),
        Col("card_number", "Số thẻ đảng viên", "code", field=(Member, "card_number")),
        Col("background_number", "Số lý lịch", "code", field=(Member, "background_number")),
        Col("general_education", "Mã giáo dục phổ thông", "code",
            field=(Member, "general_education"), code_list="general_education"),
        Col("professional_level", "Mã trình độ chuyên môn", "code",
            field=(Member, "professional_level")),
        Col("political_theory_level", "Mã lý luận chính trị", "code",
            field=(Member, "political_theory_level")),
        Col("admission_age_exception", "Ngoại lệ tuổi vào Đảng (căn cứ)",
            field=(Member, "admission_age_exception"), width=30,
            help="Có giá trị thì điều kiện đủ 18 tuổi khi vào Đảng hạ xuống đủ 16 tuổi "
                 "(không thấp hơn, không trước ngày sinh)."),
        Col("voided_on", "Ngày hủy hồ sơ", "date", help="Trống: hồ sơ có hiệu lực."),
        Col("voided_reason", "Lý do hủy hồ sơ", field=(Member, "voided_reason")),
        Col("status", "Mã tình trạng", "code", role=DERIVED, field=(Member, "status")),
        Col("status_label", "Tình trạng", role=LABEL),
        Col("organization", "Mã tổ chức đang sinh hoạt", "code", role=DERIVED,
            field=(Organization, "code")),
        Col("organization_name", "Tổ chức đang sinh hoạt", role=LABEL, width=30),
        Col("admitted_on", "Ngày vào Đảng", "date", role=DERIVED),
        Col("official_on", "Ngày chính thức", "date", role=DERIVED),
    ),
)  # fmt: skip

MEMBER_EVENTS = SheetSpec(
    key="member_events",
    title="Sự kiện đảng viên",
    description=(
        "Các sự kiện có ngày trong đời đảng viên. Hai sự kiện cùng ngày của một đảng viên được "
        "áp dụng theo thứ tự dòng trong sheet. Sự kiện đã hủy vẫn được ghi (có ngày và lý do hủy) "
        "và không được tính khi xác định tình trạng."
    ),
    natural_key=(
        "Mã hồ sơ + Ngày hiệu lực + Mã loại sự kiện (+ thứ tự xuất hiện khi trùng)"
    ),
    order="theo mã hồ sơ, rồi ngày hiệu lực, rồi thứ tự ghi nhận",
    columns=(
        Col("member", "Mã hồ sơ (UID)", "uuid", required=True, width=38),
        Col("happened_on", "Ngày hiệu lực", "date", required=True),
        Col("kind", "Mã loại sự kiện", "code", required=True, field=(MemberEvent, "kind")),
        Col("kind_label", "Loại sự kiện", role=LABEL, width=28),
        Col("organization", "Mã tổ chức", "code", field=(Organization, "code"),
            help="Chi bộ nơi kết nạp, nơi đến (với kết nạp, chuyển đến, chuyển nội bộ)."),
        Col("other_party", "Nơi đi, nơi đến (ngoài hệ thống)", field=(MemberEvent, "other_party")),
        *decision_columns(MemberEvent),
        Col("ceremony_on", "Ngày lễ kết nạp", "date",
            help=("Chỉ với kết nạp, kết nạp lại: ngày tổ chức lễ kết nạp, không trước ngày hiệu lực; "
                  "thời kỳ dự bị 12 tháng tính từ ngày này (trống: từ ngày hiệu lực).")),
        Col("reason_code", "Mã lý do (theo quy định)", "code", field=(MemberEvent, "reason_code"),
            help="Với xóa tên, miễn công tác và sinh hoạt đảng: căn cứ theo quy định."),
        Col("reason_label", "Lý do (theo quy định)", role=LABEL, width=40),
        Col("grounds", "Lý do, căn cứ", field=(MemberEvent, "grounds")),
        Col("note", "Ghi chú", width=30),
        Col("voided_on", "Ngày hủy", "date", help="Trống: sự kiện có hiệu lực."),
        Col("voided_reason", "Lý do hủy", field=(MemberEvent, "voided_reason")),
    ),
)  # fmt: skip

POSITIONS = SheetSpec(
    key="positions",
    title="Chức vụ",
    description="Chức vụ đảng của đảng viên, có ngày bắt đầu và kết thúc.",
    natural_key=(
        "Mã hồ sơ + Mã chức vụ + Mã tổ chức + Từ ngày (+ thứ tự xuất hiện khi trùng)"
    ),
    order="theo mã hồ sơ, rồi từ ngày, rồi mã chức vụ, rồi mã tổ chức",
    columns=(
        Col("member", "Mã hồ sơ (UID)", "uuid", required=True, width=38),
        Col("title", "Mã chức vụ", "code", required=True, field=(Position, "title")),
        Col("title_label", "Chức vụ", role=LABEL, width=24),
        Col("organization", "Mã tổ chức", "code", required=True, field=(Organization, "code")),
        Col("started_on", "Từ ngày", "date", required=True),
        Col("ended_on", "Đến ngày", "date"),
        Col("decision_number", "Số quyết định", field=(Position, "decision_number")),
    ),
)  # fmt: skip

USERS = SheetSpec(
    key="users",
    title="Người dùng",
    description=(
        "Tài khoản đăng nhập có vai trò ở các tổ chức trong phạm vi, và tài khoản gắn với đảng "
        "viên trong tệp. Không có mật khẩu: tài khoản nhập vào chưa đăng nhập được cho đến khi "
        "quản trị viên đặt mật khẩu."
    ),
    natural_key="Tên đăng nhập (không phân biệt hoa thường)",
    order="theo tên đăng nhập",
    columns=(
        Col("username", "Tên đăng nhập", required=True, field=(User, "username")),
        Col("full_name", "Họ và tên", field=(User, "first_name"), width=26),
        Col("email", "Thư điện tử", "email", field=(User, "email")),
        Col("is_active", "Đang hoạt động", "bool", default=True),
        Col("member", "Mã hồ sơ đảng viên (UID)", "uuid", width=38,
            help="Hồ sơ đảng viên của chính người dùng (nếu có)."),
    ),
)  # fmt: skip

ROLES = SheetSpec(
    key="roles",
    title="Vai trò",
    description="Vai trò của người dùng trên cây của một tổ chức (ở các tổ chức trong phạm vi).",
    natural_key=(
        "Tên đăng nhập + Mã vai trò + Mã tổ chức + Ngày cấp (+ thứ tự xuất hiện khi trùng)"
    ),
    order="theo tên đăng nhập, rồi ngày cấp, rồi thứ tự ghi nhận",
    columns=(
        Col("username", "Tên đăng nhập", required=True, field=(User, "username")),
        Col("role", "Mã vai trò", "code", required=True, field=(RoleAssignment, "role")),
        Col("role_label", "Vai trò", role=LABEL, width=30),
        Col("organization", "Mã tổ chức", "code", required=True, field=(Organization, "code")),
        Col("modules", "Phân hệ", "list", width=24,
            help="Mã phân hệ (với cán bộ phụ trách phân hệ), cách nhau bởi dấu phẩy: "
                 + ", ".join(Module.values) + "."),
        Col("granted_on", "Ngày cấp", "date", required=True),
        Col("revoked_on", "Ngày thu hồi", "date", help="Trống: đang có hiệu lực."),
    ),
)  # fmt: skip

# The sheets of the domain modules' records (``records``) follow, all optional.
SHEETS: tuple[SheetSpec, ...] = (
    INFO, SECTORS, ORGANIZATIONS, TREE_HISTORY, ORG_EVENTS, MEMBERS, MEMBER_EVENTS, POSITIONS,
    USERS, ROLES, *(r.spec for r in RECORD_SHEETS),
)  # fmt: skip
SHEETS_BY_TITLE = {s.title: s for s in SHEETS}
SHEETS_BY_KEY = {s.key: s for s in SHEETS}

# Code lists shown in the documentation: (column description, TextChoices).
CHOICE_LISTS: tuple[tuple[str, Any], ...] = (
    ("Mã loại tổ chức", OrgKind),
    ("Mã loại sự kiện (tổ chức)", OrgEvent.Kind),
    ("Giới tính (mã)", Sex),
    ("Mã trình độ chuyên môn", Professional),
    ("Mã lý luận chính trị", PoliticalTheory),
    ("Mã tình trạng", Status),
    ("Mã loại sự kiện (đảng viên)", MemberEvent.Kind),
    ("Mã lý do (theo quy định)", MemberEvent.Reason),
    ("Mã chức vụ", Position.Title),
    ("Mã vai trò", Role),
    ("Phân hệ", Module),
    *(item for r in RECORD_SHEETS for item in r.choice_lists),
)


@dataclass
class RawSheet:
    """A sheet as read, before typing: its header cells and its rows (row number, cells)."""

    title: str
    headers: list[str]
    header_row: int
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    # A sheet too long for one XLSX sheet goes on in numbered parts: (index in ``rows`` of
    # the part's first row, the part's title), in order; empty for a sheet in one part.
    parts: list[tuple[int, str]] = field(default_factory=list)
    # Why the sheet cannot be read (a part out of order or with another header), or "".
    error: str = ""


# A file of version N is turned into version N + 1 by UPGRADES[N], on the raw
# sheets (title → RawSheet) before columns are matched. For example, the day
# version 2 renames a header, UPGRADES[1] renames it in the version 1 sheets.
Upgrade = Callable[[dict[str, RawSheet]], dict[str, RawSheet]]
UPGRADES: dict[int, Upgrade] = {}
