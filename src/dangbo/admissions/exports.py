"""Admission files as rows of a workbook (the records behind an indicator figure)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from dangbo.core.xlsx import Column

from .models import Candidate

CANDIDATE_EXPORT_COLUMNS: tuple[Column, ...] = (
    Column("STT", "int", 6),
    Column("Họ và tên", width=26),
    Column("Ngày sinh", "date"),
    Column("Giới tính", width=9),
    Column("Chi bộ", width=32),
    Column("Mã chi bộ", width=12),
    Column("Bước hiện nay", width=26),
    Column("Ngày giới thiệu", "date"),
    Column("Ngày cấp giấy chứng nhận", "date"),
    Column("Ngày làm đơn", "date"),
    Column("Nghị quyết chi bộ", "date"),
    Column("Số quyết định kết nạp", width=16),
    Column("Ngày quyết định", "date"),
    Column("Ngày lễ kết nạp", "date"),
)


def candidate_rows(records: QuerySet[Candidate]) -> Iterator[list]:
    """Yield one row per file, as ``CANDIDATE_EXPORT_COLUMNS``."""
    for i, c in enumerate(records.select_related("organization").iterator(chunk_size=2000), 1):
        yield [
            i, c.full_name, c.date_of_birth, c.get_sex_display(), c.organization.name,
            c.organization.code, c.get_stage_display(), c.proposed_on, c.certificate_issued_on,
            c.application_on, c.cell_resolution_on, c.decision_number, c.decision_signed_on,
            c.ceremony_on,
        ]  # fmt: skip
