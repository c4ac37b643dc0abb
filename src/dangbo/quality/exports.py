"""The quality report as a workbook: the totals, the counts per organization, the findings."""

from __future__ import annotations

from dangbo.core.formatting import fmt_date
from dangbo.core.xlsx import Column, Sheet

from .selectors import Report


def report_sheets(report: Report, check: str = "") -> list[Sheet]:
    """Three sheets: totals per check, counts per organization, findings (of ``check`` if given)."""
    title = (
        f"Chất lượng dữ liệu: {report.org_name} ({report.org_code}), "
        f"kiểm tra ngày {fmt_date(report.today)}"
    )
    scope = (
        f"Đã kiểm tra {report.members_checked} đảng viên, {report.organizations_checked} tổ chức; "
        f"{report.errors} lỗi, {report.warnings} cảnh báo."
    )
    summary = Sheet(
        "Tổng hợp",
        [
            Column("Nội dung kiểm tra", width=48),
            Column("Mã kiểm tra", width=22),
            Column("Số phát hiện", "int"),
        ],
        [(c.label, c.code, c.count) for c in report.checks],
        preamble=(title, scope),
    )
    by_org = Sheet(
        "Theo tổ chức",
        [
            Column("Mã tổ chức", width=16),
            Column("Tên tổ chức", width=48),
            Column("Trực thuộc", width=40),
            *(Column(label, "int", width=14) for label in report.titles.values()),
            Column("Tổng số", "int"),
        ],
        [
            (
                row.code,
                row.name,
                row.parent_name,
                *(row.counts.get(c, 0) for c in report.titles),
                row.total,
            )
            for row in report.rows
        ],
        preamble=(title,),
    )
    findings = report.findings_for(check)
    details = Sheet(
        "Chi tiết",
        [
            Column("Mức độ", width=10),
            Column("Nội dung kiểm tra", width=36),
            Column("Loại hồ sơ", width=12),
            Column("Mã hồ sơ", "int"),
            Column("Hồ sơ", width=30),
            Column("Mã tổ chức", width=16),
            Column("Tổ chức", width=36),
            Column("Trường", width=20),
            Column("Chi tiết", width=80),
        ],
        (
            (
                f.severity_label,
                f.check_label,
                f.record_type_label,
                f.record_id,
                f.record_label,
                f.org_code,
                f.org_label,
                f.field_label,
                f.message,
            )
            for f in findings
        ),
        preamble=(
            title,
            f"Chỉ gồm: {report.titles[check]}." if check else "Mọi nội dung kiểm tra.",
        ),
    )
    return [summary, by_org, details]
