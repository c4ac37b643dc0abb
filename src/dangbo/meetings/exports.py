"""Meetings as rows of a workbook (the records behind an indicator figure, the month grid)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from dangbo.core.xlsx import Column

from .models import Meeting

MEETING_EXPORT_COLUMNS: tuple[Column, ...] = (
    Column("STT", "int", 6),
    Column("Chi bộ", width=32),
    Column("Mã chi bộ", width=12),
    Column("Ngày sinh hoạt", "date"),
    Column("Loại sinh hoạt", width=22),
    Column("Điểm tự chấm", width=10),
    Column("Chi bộ tự xếp loại", width=12),
    Column("Điểm cấp trên", width=10),
    Column("Xếp loại", width=12),
    Column("Chỉ báo cáo số liệu", width=10),
    Column("Phải dự", "int"),
    Column("Có mặt", "int"),
)


def meeting_rows(records: QuerySet[Meeting]) -> Iterator[list]:
    """Yield one row per meeting, as ``MEETING_EXPORT_COLUMNS``."""
    for i, m in enumerate(records.select_related("organization").iterator(chunk_size=2000), 1):
        yield [
            i, m.organization.name, m.organization.code, m.held_on, m.get_kind_display(),
            None if m.self_score is None else str(m.self_score).replace(".", ","),
            m.get_self_level_display(),
            None if m.confirmed_score is None else str(m.confirmed_score).replace(".", ","),
            m.get_level_display() or "Chưa xếp loại", "Có" if m.level_only else "",
            m.counted_count, m.present_count,
        ]  # fmt: skip
