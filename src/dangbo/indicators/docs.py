"""docs/indicators.md, generated from the registry (``dangbo indicators --write-docs``)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from . import registry

DOCS_PATH = Path(settings.BASE_DIR).parent.parent / "docs" / "indicators.md"

HEADER = """\
# Chỉ tiêu (indicators)

<!-- Tệp này được sinh từ danh mục chỉ tiêu trong mã nguồn (src/dangbo/indicators/definitions/).
     Không sửa tay: chạy `dangbo indicators --write-docs`. Một kiểm thử báo lỗi khi tệp lệch. -->

Mỗi con số dangbo hiển thị là một chỉ tiêu: một truy vấn có tên, có mô tả, có kiểm thử trên các
dữ liệu đã ghi nhận, cho (cây tổ chức dưới một tổ chức, một ngày hoặc một kỳ). Trang chỉ tiêu
(`/o/<mã>/indicators/`), API (`GET /api/v1/o/<mã>/indicators?on=YYYY-MM-DD`), dòng lệnh
(`dangbo indicators --org <mã> --at dd/mm/yyyy`) và các báo cáo đều đọc chỉ tiêu từ danh mục này.
Mỗi dòng số liệu dẫn tới danh sách hồ sơ đứng sau nó: danh sách đảng viên
(`/o/<mã>/members/?…&on=dd/mm/yyyy`) khi bộ lọc của danh sách diễn tả được đúng dòng đó, nếu
không thì `/o/<mã>/indicators/<mã chỉ tiêu>/<khóa dòng>/`.

Mỗi chỉ tiêu khai báo dữ liệu nó đọc. Các chỉ tiêu đọc cùng một nguồn chung (đảng số của cây tổ
chức vào ngày được hỏi) được tính từ một lượt đọc duy nhất nguồn đó, mỗi cách phân tổ là một
nhóm (GROUP BY) trên cùng kết quả; hỏi riêng một chỉ tiêu thì chỉ đọc các nhóm của nó, và hai
cách cho cùng số liệu. Các chỉ tiêu trong kỳ bắt đầu từ các tổ chức thuộc cây trong kỳ, không từ
mọi sự kiện của hệ thống. Thiết kế: docs/architecture.md, mục «Indicators in one pass».

Thêm chỉ tiêu: xem chú thích đầu tệp `src/dangbo/indicators/registry.py`.
"""


def render() -> str:
    """Return the Markdown reference of every registered indicator."""
    parts = [HEADER, "| Mã | Tên | Đơn vị | Thời gian | Phân tổ |", "|---|---|---|---|---|"]
    indicators = registry.all_indicators()
    for ind in indicators:
        parts.append(
            f"| [`{ind.code}`](#{ind.code.replace('.', '')}) | {ind.title} | {ind.unit.label} "
            f"| {ind.time.label} | {ind.dimension} |"
        )
    for ind in indicators:
        parts += [
            "",
            f"## {ind.code}",
            "",
            f"**{ind.title}**",
            "",
            ind.description,
            "",
            f"- Đơn vị: {ind.unit.label}",
            *(
                [f"- Tỷ lệ: {ind.numerator_label.lower()} / {ind.denominator_label.lower()}"]
                if ind.unit == registry.Unit.PERCENT
                else []
            ),
            f"- Thời gian: {ind.time.label}",
            f"- Phân tổ theo: {ind.dimension}",
            f"- Danh sách chi tiết: {ind.records.label}",
            *([f"- Đọc từ nguồn chung: {ind.reads.source.label}"] if ind.reads else []),
        ]
    return "\n".join(parts) + "\n"
