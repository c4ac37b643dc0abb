"""The radar as a file: one row per deadline, soonest first, as the page lists them."""

from __future__ import annotations

from dangbo.core.exports import Export, export_name, preamble
from dangbo.core.xlsx import Column

from .selectors import Radar, days_text

RADAR_COLUMNS: tuple[Column, ...] = (
    Column("STT", "int", 6),
    Column("Hạn cuối", "date"),
    Column("Số ngày còn lại", "int", 10, comment="Số âm: đã quá hạn bấy nhiêu ngày."),
    Column("Tình trạng", width=18),
    Column("Việc cần làm", width=30),
    Column("Đối tượng", width=26),
    Column("Tổ chức", width=30),
    Column("Mã tổ chức", width=12),
    Column("Căn cứ", width=30),
    Column("Ghi chú", width=40),
    Column("Mã loại việc", width=24),
    Column("Đường dẫn", width=40),
)


def filter_lines(radar: Radar) -> list[str]:
    """Return the filters in force, in words ("Trong vòng: 90 ngày tới"…)."""
    lines = [f"Trong vòng: {radar.horizon_days} ngày tới"]
    if radar.kinds:
        lines.append("Loại việc: " + ", ".join(radar.kind_label(k) for k in radar.kinds))
    if radar.overdue_only:
        lines.append("Chỉ việc quá hạn")
    return lines


def radar_export(request, radar: Radar) -> Export:
    """Return the file of ``radar`` (links made absolute with ``request``)."""
    today = radar.today

    def rows():
        for index, d in enumerate(radar.items, start=1):
            yield (
                index,
                d.due_on,
                d.days_left(today),
                days_text(d, today),
                d.title,
                d.subject,
                radar.org_labels.get(d.organization_id, d.organization_name),
                radar.org_codes.get(d.organization_id, ""),
                d.rule,
                d.detail,
                d.kind,
                request.build_absolute_uri(d.url) if d.url else "",
            )

    return Export(
        name=export_name("thoi-han", radar.org.code, today),
        sheet_title="Thời hạn",
        columns=RADAR_COLUMNS,
        rows=rows(),
        preamble=preamble(
            "Danh sách việc đến hạn",
            radar.org,
            on=today,
            filters=filter_lines(radar),
            user=request.user,
        ),
    )
