"""The outgoing register as rows of a workbook (page export and command line)."""

from __future__ import annotations

from dangbo.core.exports import CHUNK_SIZE
from dangbo.core.xlsx import Column

REGISTER_COLUMNS = (
    Column("Số, ký hiệu", width=16),
    Column("Ngày ban hành", "date"),
    Column("Loại văn bản", width=14),
    Column("Trích yếu", width=50),
    Column("Cấp ủy ban hành", width=30),
    Column("Cơ quan ban hành", width=18),
    Column("Người ký", width=22),
    Column("Nhiệm kỳ", width=12),
    Column("Số cấp ngoài hệ thống", "bool"),
)


def register_rows(entries):
    for e in entries.iterator(chunk_size=CHUNK_SIZE):
        yield [
            e.number_text, e.issued_on, e.get_doc_type_display(), e.summary, e.issuer.committee,
            e.get_issuing_body_display(), e.signer, e.term.label if e.term_id else "",
            e.external,
        ]  # fmt: skip
