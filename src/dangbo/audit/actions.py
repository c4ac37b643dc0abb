"""What each audit action is called in Vietnamese, and how a recorded value reads.

The actions are stable dotted codes (``"members.transfer_started"``): the log stores
them, and pages, exports and filters show the label given here. Every code a service
writes has its label below; a test reads the code for the actions it writes and fails on
one without a label. Three families are named from the model they touch, read through
Django's app registry, so they need no entry of their own:

* ``<app>.<model>.admin_added`` / ``.admin_changed``: a write through the admin;
* ``<app>.<model>_imported``: a record of an exchange workbook's sheet;
* ``members.event.<kind>``: an event recorded on a member's history.

An app adding an action adds its label here (or calls ``register_actions`` when ready).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from dangbo.core.formatting import fmt_date

_LABELS: dict[str, str] = {
    # Accounts
    "accounts.user_created": "Tạo tài khoản người dùng",
    "accounts.user_imported": "Nhập tài khoản người dùng từ tệp trao đổi",
    "accounts.role_granted": "Giao vai trò cho người dùng",
    "accounts.role_revoked": "Thu hồi vai trò của người dùng",
    "accounts.token_issued": "Cấp khóa truy cập API",
    "accounts.token_revoked": "Thu hồi khóa truy cập API",
    # Organizations
    "organizations.founded": "Thành lập tổ chức đảng",
    "organizations.updated": "Sửa thông tin tổ chức đảng",
    "organizations.renamed": "Đổi tên tổ chức đảng",
    "organizations.kind_changed": "Đổi loại tổ chức đảng",
    "organizations.moved": "Chuyển tổ chức đảng sang cấp trên khác",
    "organizations.dissolved": "Giải thể tổ chức đảng",
    "organizations.restored": "Khôi phục tổ chức đảng đã giải thể",
    "organizations.imported": "Nhập tổ chức đảng từ tệp trao đổi",
    "organizations.duplicate_refused": "Từ chối mã tổ chức đã dùng cho tổ chức khác",
    # Members
    "members.created": "Thêm hồ sơ đảng viên",
    "members.updated": "Sửa hồ sơ đảng viên",
    "members.imported": "Nhập hồ sơ đảng viên từ tệp",
    "members.events_imported": "Nhập sự kiện của đảng viên từ tệp trao đổi",
    "members.import_published": "Ghi nhận các hồ sơ đảng viên của một lần nhập",
    "members.import_withdrawn": "Rút lại các hồ sơ đảng viên của một lần nhập dở dang",
    "members.repaired": "Tính lại tình trạng đảng viên theo các sự kiện",
    "members.event_voided": "Hủy một sự kiện của đảng viên",
    "members.event_restored": "Khôi phục một sự kiện của đảng viên",
    "members.voided": "Hủy hồ sơ đảng viên ghi nhầm",
    "members.restored": "Khôi phục hồ sơ đảng viên đã hủy",
    "members.position_assigned": "Ghi chức vụ của đảng viên",
    "members.position_ended": "Ghi thôi giữ chức vụ",
    "members.duplicate_refused": "Từ chối số đã dùng cho đảng viên khác",
    "members.transfer_started": "Bắt đầu chuyển sinh hoạt đảng",
    "members.transfer_letter_issued": "Cấp giấy giới thiệu sinh hoạt đảng",
    "members.transfer_arrived": "Nơi đến tiếp nhận sinh hoạt đảng",
    "members.transfer_received": "Tiếp nhận đảng viên chuyển đến từ ngoài hệ thống",
    "members.transfer_cancelled": "Hủy bỏ việc chuyển sinh hoạt đảng",
    "members.transfer_voided": "Hủy bản ghi chuyển sinh hoạt ghi nhầm",
    "members.transfer_temporary_started": "Bắt đầu sinh hoạt đảng tạm thời",
    "members.transfer_temporary_ended": "Kết thúc sinh hoạt đảng tạm thời",
    # Admissions
    "admissions.candidate_proposed": "Giới thiệu quần chúng ưu tú, mở hồ sơ kết nạp",
    "admissions.candidate_updated": "Sửa hồ sơ kết nạp đảng viên",
    "admissions.candidate_withdrawn": "Dừng xem xét hồ sơ kết nạp",
    "admissions.candidate_voided": "Hủy hồ sơ kết nạp ghi nhầm",
    "admissions.certificate_recorded": "Ghi giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng",
    "admissions.application_recorded": "Ghi đơn xin vào Đảng",
    "admissions.background_checked": "Ghi kết quả thẩm tra lý lịch",
    "admissions.introducer_added": "Ghi người giới thiệu vào Đảng",
    "admissions.introducer_voided": "Hủy người giới thiệu ghi nhầm",
    "admissions.cell_vote_recorded": "Ghi nghị quyết của chi bộ đề nghị kết nạp",
    "admissions.committee_proposal_recorded": "Ghi nghị quyết của đảng ủy cơ sở đề nghị kết nạp",
    "admissions.vote_voided": "Hủy kết quả biểu quyết ghi nhầm",
    "admissions.decision_recorded": "Ghi quyết định kết nạp đảng viên",
    "admissions.ceremony_recorded": "Ghi lễ kết nạp đảng viên",
    "admissions.plan_set": "Đặt kế hoạch kết nạp đảng viên của năm",
    "admissions.target_set": "Đặt chỉ tiêu kết nạp đảng viên của nhiệm kỳ",
    "admissions.recognition_opened": "Mở hồ sơ công nhận đảng viên chính thức",
    "admissions.recognition_updated": "Sửa hồ sơ công nhận đảng viên chính thức",
    "admissions.recognition_vote_recorded": "Ghi biểu quyết công nhận đảng viên chính thức",
    "admissions.recognition_decided": "Ghi quyết định công nhận đảng viên chính thức",
    "admissions.recognition_voided": "Hủy hồ sơ công nhận đảng viên chính thức ghi nhầm",
    "admissions.duplicate_refused": "Từ chối số định danh đã dùng cho hồ sơ kết nạp khác",
    # Awards
    "awards.recorded": "Ghi tặng Huy hiệu Đảng",
    "awards.voided": "Hủy bản ghi Huy hiệu Đảng ghi nhầm",
    "awards.returned": "Ghi nộp lại Huy hiệu Đảng",
    "awards.reissued": "Ghi cấp lại Huy hiệu Đảng",
    # Meetings
    "meetings.recorded": "Ghi buổi sinh hoạt chi bộ, điểm danh và điểm tự chấm",
    "meetings.score_confirmed": "Cấp trên xác nhận điểm, xếp loại buổi sinh hoạt chi bộ",
    "meetings.voided": "Hủy buổi sinh hoạt chi bộ ghi nhầm",
    "meetings.rubric_created": "Ban hành biểu chấm điểm sinh hoạt chi bộ",
    "meetings.rubric_voided": "Hủy biểu chấm điểm sinh hoạt chi bộ ghi nhầm",
    "meetings.assignment_made": "Phân công cấp ủy viên phụ trách chi bộ",
    "meetings.assignment_ended": "Kết thúc phân công cấp ủy viên phụ trách chi bộ",
    "meetings.visit_recorded": "Ghi lượt cấp trên dự sinh hoạt",
    "meetings.visit_voided": "Hủy lượt dự sinh hoạt ghi nhầm",
    # Files in and out
    "imports.uploaded": "Tải lên tệp để nhập",
    "imports.mapped": "Ghép cột của tệp nhập",
    "imports.confirmed": "Xác nhận nhập tệp",
    "imports.cancelled": "Hủy lần nhập tệp",
    "imports.interrupted": "Lần nhập tệp bị gián đoạn",
    "imports.file_removed": "Xóa tệp tải lên đã hết thời hạn lưu",
    "imports.imported": "Nhập tệp xong",
    "imports.refused": "Lần nhập tệp không ghi được gì",
    "imports.decided": "Quyết định dòng trùng số mà khác người khi nhập tệp",
    "exchange.export_requested": "Yêu cầu xuất tệp trao đổi dữ liệu",
    "exchange.export_interrupted": "Lần xuất tệp trao đổi dữ liệu bị gián đoạn",
    "exchange.export_expired": "Xóa tệp trao đổi dữ liệu đã hết thời hạn lưu",
    "exchange.exported": "Xuất tệp trao đổi dữ liệu",
    "exchange.downloaded": "Tải về tệp trao đổi dữ liệu đã xuất",
    "exchange.imported": "Nhập tệp trao đổi dữ liệu",
    # The outgoing register
    "documents.number_given": "Cấp số văn bản đi",
    "documents.number_recorded": "Ghi số văn bản đi đã ban hành ngoài hệ thống",
    "documents.term_recorded": "Ghi nhiệm kỳ cấp ủy",
    # The installation
    "backup.restored": "Phục hồi dữ liệu từ bản sao lưu",
    "demo.built": "Dựng dữ liệu mẫu",
}

ADMIN_VERBS = {
    "admin_added": "Thêm {} qua trang quản trị",
    "admin_changed": "Sửa {} qua trang quản trị",
}
_ADMIN = re.compile(r"^(?P<app>[a-z_]+)\.(?P<model>[a-z_]+)\.(?P<verb>admin_added|admin_changed)$")
_IMPORTED = re.compile(r"^(?P<app>[a-z_]+)\.(?P<model>[a-z_]+)_imported$")
_MEMBER_EVENT = re.compile(r"^members\.event\.(?P<kind>[a-z_]+)$")
UNKNOWN = "Thao tác khác"


def register_actions(labels: Mapping[str, str]) -> None:
    """Add the labels of an app's own actions (called from its ``AppConfig.ready``)."""
    for code, label in labels.items():
        if not label.strip():
            raise ValueError(f"Empty label for audit action {code}")
        _LABELS[code] = label


def _model(app_label: str, model_name: str):
    try:
        return apps.get_model(app_label, model_name)
    except LookupError:
        return None


def known_label(code: str) -> str | None:
    """Return the Vietnamese label of ``code``, or None when no label names it."""
    if code in _LABELS:
        return _LABELS[code]
    if m := _ADMIN.match(code):
        model = _model(m["app"], m["model"])
        return ADMIN_VERBS[m["verb"]].format(model._meta.verbose_name) if model else None
    if m := _IMPORTED.match(code):
        model = _model(m["app"], m["model"])
        return f"Nhập {model._meta.verbose_name} từ tệp trao đổi" if model else None
    if m := _MEMBER_EVENT.match(code):
        kinds = dict(apps.get_model("members", "MemberEvent").Kind.choices)
        kind = kinds.get(m["kind"].upper())
        return f"Ghi sự kiện «{kind}» của đảng viên" if kind else None
    return None


def action_label(code: str) -> str:
    """Return the label a page shows for ``code`` (never the code itself)."""
    return known_label(code) or UNKNOWN


def action_choices(codes: list[str] | None = None) -> list[tuple[str, str]]:
    """Return (code, label) pairs for a filter, in the order of the labels (by default every
    action with its own label and every member event)."""
    if codes is None:
        kinds = apps.get_model("members", "MemberEvent").Kind.values
        codes = [*_LABELS, *(f"members.event.{kind.lower()}" for kind in kinds)]
    return sorted(((c, action_label(c)) for c in codes), key=lambda pair: pair[1])


def all_labels() -> dict[str, str]:
    return dict(_LABELS)


# --------------------------------------------------------------------------
# Values before and after a change, as a person reads them.
# --------------------------------------------------------------------------

HIDDEN_FIELDS = frozenset(
    {"id", "uid", "name_sort_key", "search_name", "path", "updated_at", "created_at"}
)


def target_model(target_type: str):
    """The model an entry's ``target_type`` ("members.member") names, or None."""
    app_label, _, model_name = target_type.partition(".")
    return _model(app_label, model_name) if model_name else None


def target_type_label(target_type: str) -> str:
    model = target_model(target_type)
    if model is None:
        return ""
    name = str(model._meta.verbose_name)
    return name[:1].upper() + name[1:]


# Values a field holds without declaring choices (a role's modules, a JSON list), named by
# the app that owns them: (target type, field name) -> {value: label}.
_VALUE_LABELS: dict[tuple[str, str], dict[str, str]] = {}


def register_value_labels(target_type: str, field: str, labels: Mapping[str, str]) -> None:
    """Name the values of a field that has no choices of its own (from ``AppConfig.ready``)."""
    _VALUE_LABELS[(target_type, field)] = {str(k): str(v) for k, v in labels.items()}


def value_text(field, value: Any, target_type: str = "") -> str:
    """Return ``value`` of ``field`` as a page shows it: a choice's label, a date dd/mm/yyyy."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return "có" if value else "không"
    choices: dict[Any, Any] = dict(field.flatchoices) if field is not None and field.choices else {}
    if field is not None:
        choices.update(_VALUE_LABELS.get((target_type, field.name), {}))
    if isinstance(value, dict):  # a JSON value: its keys and values, as they are
        return "; ".join(f"{k}: {value_text(None, v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(
            value_text(None, v) if isinstance(v, (dict, list)) else str(choices.get(v, v))
            for v in value
        )
    if value in choices:
        return str(choices[value])
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return fmt_date(dt.date.fromisoformat(value))
    return str(value)


def changes(target_type: str, before: Any, after: Any) -> list[tuple[str, str, str]]:
    """Return (field label, before, after) for each field an entry changed, in Vietnamese.

    An entry whose before or after is not a record's fields (a note, counts) gives none.
    """
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    model = target_model(target_type)
    rows = []
    for key, new in after.items():
        if key in HIDDEN_FIELDS or key not in before or before[key] == new:
            continue
        field = None
        if model is not None:
            try:
                field = model._meta.get_field(key.removesuffix("_id"))
            except FieldDoesNotExist:
                field = None
        if field is None:
            continue  # not a field of the record: nothing a person could name
        label = str(field.verbose_name)
        label = label[:1].upper() + label[1:]
        if field.is_relation:
            rows.append((label, _related_text(field, before[key]), _related_text(field, new)))
        else:
            rows.append((
                label, value_text(field, before[key], target_type),
                value_text(field, new, target_type),
            ))  # fmt: skip
    return rows


def _related_text(field, pk: Any) -> str:
    """Name the record a foreign key pointed to (by its own name), or "—"."""
    if pk in (None, ""):
        return "—"
    related = field.related_model._default_manager.filter(pk=pk).first()
    return str(related) if related is not None else "—"
