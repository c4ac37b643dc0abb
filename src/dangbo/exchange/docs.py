"""docs/exchange-format.md, generated from the format description (``dangbo export --write-docs``)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from .format import (
    CHOICE_LISTS,
    DERIVED,
    FORMAT_NAME,
    FORMAT_VERSION,
    IN_SCOPE,
    INFO_KEYS,
    LABEL,
    META,
    PATH_SEPARATOR,
    REFERENCE,
    ROWS_KEY_PREFIX,
    SHEETS,
    TYPE_NAMES,
    Col,
)

DOCS_PATH = Path(settings.BASE_DIR).parent.parent / "docs" / "exchange-format.md"

HEADER = f"""\
# Tệp trao đổi dữ liệu (exchange workbook)

<!-- Tệp này được sinh từ mô tả định dạng trong mã nguồn (src/dangbo/exchange/format.py).
     Không sửa tay: chạy `dangbo export --write-docs`. Một kiểm thử báo lỗi khi tệp lệch. -->

Tệp trao đổi là một bảng tính XLSX chứa mọi dữ liệu dangbo giữ cho cây của một tổ chức: các tổ
chức với lịch sử của chúng, đảng viên với các sự kiện, chức vụ, người dùng và vai trò (không có
mật khẩu), và hồ sơ của các phân hệ: kết nạp đảng viên (hồ sơ kết nạp, người giới thiệu, biểu
quyết, xét chính thức, kế hoạch và chỉ tiêu kết nạp), chuyển sinh hoạt đảng, Huy hiệu Đảng, sinh
hoạt chi bộ (biểu chấm điểm với tiêu chí và ngưỡng xếp loại, cấp trên dự sinh hoạt, phân công cấp
ủy viên phụ trách, buổi sinh hoạt, điểm danh, điểm từng tiêu chí). Mỗi phân hệ mới thêm sheet của
mình vào tệp (kèm kiểm thử xuất – nhập – xuất).

Tệp dùng để:

- chuyển dữ liệu sang một hệ thống dangbo khác (cấp trên, bản sao dự phòng): xuất từ hệ thống này,
  nhập vào hệ thống kia;
- cho các đơn vị tích hợp và cấp ủy cấp trên đưa dữ liệu vào dangbo theo một định dạng ổn định,
  có phiên bản, được mô tả đầy đủ dưới đây.

Xuất rồi nhập vào một hệ thống trống, xuất lại (cùng ngày) cho đúng từng byte tệp ban đầu.

## Xuất và nhập

- Dòng lệnh: `dangbo export --org <mã> --format exchange <tệp>.xlsx [--on dd/mm/yyyy] [--user <tên đăng nhập>]`.
  `--on` là ngày ghi vào tệp («Số liệu đến ngày», mặc định hôm nay, giờ Việt Nam), không lọc dữ
  liệu: tệp chứa mọi điều đã ghi nhận lúc xuất. `--user` là người xuất, ghi vào nhật ký thay đổi.
  Dòng lệnh ghi tệp ngay, không qua tiến trình xử lý nền.
- Giao diện: trang `/o/<mã>/exchange/`, nút «Xuất tệp trao đổi» (cần quyền quản lý người dùng của
  tổ chức, vì tệp chứa tài khoản và vai trò). Tệp được ghi ở tiến trình xử lý nền (`dangbo serve`
  chạy nó); trang của lần xuất cho biết tiến độ và có liên kết «Tải tệp trao đổi» khi xong. Tệp
  được giữ lại và chỉ người có quyền xuất cây tổ chức đó tải được; mỗi lần xuất và mỗi lần tải
  được ghi vào nhật ký thay đổi.
- API: `POST /api/v1/o/<mã>/exchange/exports` bắt đầu xuất (trả về lần xuất, mã 201);
  `GET /api/v1/exchange/exports/<id>` cho biết trạng thái (`QUEUED`, `RUNNING`, `DONE`,
  `FAILED`) và tiến độ; khi `DONE`, `GET /api/v1/exchange/exports/<id>/file` trả về tệp.
- Nhập: `dangbo import <tệp>.xlsx` hoặc trang nhập dữ liệu `/o/<mã>/imports/`; hệ thống nhận ra
  tệp trao đổi qua sheet «Thông tin». Chạy thử (`--dry-run`, không ghi gì; mã thoát 1 khi tệp có
  lỗi) trước khi nhập thật. Dòng lệnh nhập vào hệ thống chưa có tổ chức nào thì tệp tạo cả cây tổ
  chức của nó (không cần `--org`); hệ thống đã có dữ liệu thì tệp chỉ được tạo, sửa trong cây của
  tổ chức cao nhất, hoặc trong cây của tổ chức `--org <mã>` khi có. Trang nhập dữ liệu nhập trong
  cây của tổ chức đang xem.

## Phiên bản

Sheet «Thông tin» ghi định dạng `{FORMAT_NAME}` và phiên bản (hiện tại: **{FORMAT_VERSION}**).

- Thay đổi chỉ thêm (một cột hoặc một sheet không bắt buộc) giữ nguyên phiên bản. Hệ thống đọc
  bỏ qua (kèm cảnh báo) cột và sheet nó không biết, nên tệp có thêm cột vẫn nhập được.
- Thay đổi làm hệ thống cũ hiểu sai (đổi tên, bỏ hay đổi nghĩa một cột, thêm cột bắt buộc) tăng
  phiên bản. Tệp có phiên bản mới hơn phiên bản hệ thống đọc được bị từ chối kèm thông báo; tệp
  phiên bản cũ hơn được chuyển đổi khi đọc (các bước `UPGRADES` trong `exchange/format.py`), nên
  mọi phiên bản đã từng ghi đều nhập được.
- Phiên bản có thể ghi dạng `{FORMAT_VERSION}` hoặc `{FORMAT_VERSION}.x`; chỉ số trước dấu chấm
  được xét.

## Cách đọc tệp

- Sheet và cột được nhận theo **đúng tiêu đề** ghi dưới đây (tiêu đề tiếng Việt; khóa tiếng Anh
  trong bảng là tên ổn định dùng trong mã nguồn và tài liệu). Thứ tự cột không quan trọng. Dòng
  đầu tiên không trống của mỗi sheet là dòng tiêu đề.
- Thiếu sheet hoặc cột bắt buộc: cả tệp bị từ chối. Thiếu sheet không bắt buộc: coi như không có
  dòng nào. Thiếu cột không bắt buộc: mọi dòng nhận giá trị mặc định.
- Ô ngày là ô kiểu ngày của bảng tính, hoặc chữ `dd/mm/yyyy`. Ô Có/Không ghi «Có» hoặc «Không».
  Cột mã ghi **mã** (không ghi tên); các cột «tên»/«loại» đứng cạnh chỉ để người đọc tiện theo dõi
  và bị bỏ qua khi nhập.
- Cột *tính ra*: dangbo tính từ dữ liệu khác (tình trạng đảng viên từ các sự kiện). Khi nhập, hệ
  thống tính lại và báo lỗi nếu ô có giá trị khác.
- **Sheet dài được chia phần.** Một sheet XLSX chứa tối đa 1.048.576 dòng (kể cả dòng tiêu đề).
  Sheet có nhiều dòng hơn (ví dụ «Sự kiện đảng viên» của cả một tỉnh) được ghi tiếp sang các
  sheet đánh số ngay sau nó: «Sự kiện đảng viên (2)», «Sự kiện đảng viên (3)»…, mỗi phần có cùng
  dòng tiêu đề (tiêu đề quá 31 ký tự thì phần đầu tên được cắt cho vừa hậu tố). Khi nhập, các phần
  được nối lại theo thứ tự thành một sheet; lỗi của một dòng ghi tên phần và số dòng trong phần
  đó. Phần không đúng thứ tự (thiếu một số, không đứng sau phần trước) hoặc có dòng tiêu đề khác
  là lỗi, cả tệp bị từ chối. Số dòng ở sheet «Thông tin» là tổng của mọi phần. Các phần của một
  sheet phải đứng liền nhau, ngay sau sheet đó.
- **Tệp lớn.** Khi xuất, các sheet dài (đảng viên, sự kiện đảng viên, chức vụ, người dùng) được
  đọc từ cơ sở dữ liệu từng khối 2.000 dòng và ghi thẳng vào tệp, sheet này xong mới đến sheet
  sau; sheet «Thông tin» giữ vị trí đầu tệp nhưng được ghi sau cùng, với số dòng thật của từng
  sheet. Các sheet của phân hệ (họp chi bộ, điểm danh, chấm điểm…) được lập khi ghi đến chúng:
  bản ghi đọc từng khối, sắp xếp từng đợt 50.000 dòng rồi trộn lại, nên bộ nhớ khi xuất không giữ
  cả các sheet đó. Khi nhập, mọi sheet được đọc thành luồng (từng dòng, không nạp cả sheet) và mỗi
  dòng được kiểm tra kiểu ô ngay khi đọc; hệ thống chỉ giữ các giá trị đã kiểm tra, gọn theo từng
  dòng, để đối chiếu giữa các sheet trước khi ghi.

## Phạm vi của tệp xuất

Tệp xuất của tổ chức X chứa:

- mọi tổ chức hiện thuộc cây của X (cột «Phạm vi»: «{IN_SCOPE}»), kể cả tổ chức đã giải thể;
- mọi đảng viên có sự kiện, chức vụ hoặc đang sinh hoạt ở một tổ chức trong phạm vi, và hồ sơ
  đảng viên của người dùng có vai trò ở tổ chức trong phạm vi, với toàn bộ sự kiện và chức vụ của
  họ (xuất từ tổ chức cao nhất của cây thì có cả đảng viên chưa gắn với tổ chức nào);
- người dùng có vai trò ở tổ chức trong phạm vi hoặc gắn với một đảng viên trong tệp, và các vai
  trò ở tổ chức trong phạm vi;
- hồ sơ của các phân hệ: hồ sơ kết nạp, kế hoạch và chỉ tiêu kết nạp của các tổ chức trong phạm
  vi, cùng người giới thiệu và biểu quyết của các hồ sơ đó; xét chính thức, chuyển sinh hoạt, Huy
  hiệu Đảng của các đảng viên trong tệp. Đảng viên mà các hồ sơ này nhắc tới (người giới thiệu,
  người giúp đỡ, người được kết nạp) cũng có trong tệp, với toàn bộ sự kiện và chức vụ của họ
  nhưng không kèm dữ liệu cá nhân (số định danh, điện thoại, thư điện tử, nơi thường trú) khi họ
  đang sinh hoạt ngoài phạm vi;
- đảng viên đã rời phạm vi (nay sinh hoạt ở tổ chức ngoài cây của X) chỉ mang những gì cây của X
  giữ khi họ rời đi: các sự kiện đến hết ngày rời đi, chức vụ ở tổ chức trong phạm vi, hồ sơ phân
  hệ có ngày đến hết ngày rời đi (Huy hiệu: đợt trao tặng; xét chính thức: ngày hết dự bị; chuyển
  sinh hoạt: ngày phát sinh), tình trạng, chi bộ và các ngày tính từ các sự kiện đó, và không có
  dữ liệu cá nhân (hệ thống không lưu lịch sử của các trường này nên không biết giá trị lúc rời đi),
  không kèm tài khoản người dùng của họ (trừ khi tài khoản có vai trò trong phạm vi);
- mọi tổ chức mà các dòng trên nhắc tới (cấp trên ở bất kỳ thời điểm nào và các cấp trên nữa, nơi
  đảng viên đã sinh hoạt, tổ chức liên quan của sự kiện), lặp lại cho đến khi không còn tổ chức
  mới: «{REFERENCE}», có đủ thông tin và lịch sử nhưng không kèm đảng viên. Nhờ vậy một hệ thống
  trống dựng lại được cây nhất quán.

Các dòng được sắp xếp theo mã, khóa và ngày (không theo số thứ tự nội bộ của cơ sở dữ liệu); các
dòng trùng nhau ở các cột đó giữ thứ tự ghi nhận. Thời điểm (hủy, cấp quyền) được ghi theo ngày;
cột kiểu ngày giờ (thời điểm gửi tài liệu sinh hoạt) ghi đến phút, theo giờ Việt Nam.

## Khi nhập: khóa, tạo mới, giữ nguyên, chênh lệch

Khóa: mã tổ chức, mã hồ sơ đảng viên (UID), tên đăng nhập (không phân biệt hoa thường), mã loại
hình; các dòng lịch sử có khóa tự nhiên ghi ở từng sheet («thứ tự xuất hiện khi trùng»: dòng thứ
n có cùng các cột khóa ứng với bản ghi thứ n trong hệ thống).

- Bản ghi chưa có trong hệ thống: được tạo.
- Đã có và giống hệt: giữ nguyên.
- Đã có nhưng khác: **chênh lệch**, là lỗi. Không ghi đè gì: đơn vị tích hợp xử lý chênh lệch rồi
  nhập lại. Chỉ so các cột có trong tệp (tệp thiếu một cột không bắt buộc thì cột đó không được
  so; tệp không có sheet lịch sử thì lịch sử không được so).
- Tổ chức «{REFERENCE}» và loại hình đã có trong hệ thống: giữ dữ liệu đang có, chênh lệch chỉ là
  cảnh báo (đếm là «bỏ qua»).
- Tổ chức đã có phải khớp cả lịch sử (các giai đoạn và sự kiện): cây tổ chức chỉ thay đổi qua các
  thao tác của hệ thống. Đảng viên, người dùng đã có có thể nhận thêm sự kiện, chức vụ, vai trò
  từ tệp.
- Hồ sơ của các phân hệ được so với các hồ sơ cùng chủ trong hệ thống (cùng đảng viên, cùng tổ
  chức, cùng hồ sơ kết nạp hoặc việc xét chính thức): dòng thứ n có cùng các cột khóa ứng với hồ
  sơ thứ n trong hệ thống. Một dòng nhắc tới hồ sơ của sheet khác (người giới thiệu, biểu quyết
  nhắc tới hồ sơ kết nạp; Huy hiệu cấp lại nhắc tới Huy hiệu đã tặng) bằng các cột khóa của hồ
  sơ đó, trong tệp hoặc trong hệ thống; có cả hồ sơ đã hủy và chưa hủy cùng khóa thì lấy hồ sơ
  chưa hủy. Các cột *tính ra* của hồ sơ (bước của hồ sơ kết nạp, ngày đủ người giới thiệu...)
  được tính lại sau khi ghi và đối chiếu với tệp.
- Sinh hoạt chi bộ: mọi bản ghi nhập vào được kiểm tra theo đúng các quy tắc khi ghi trên hệ
  thống, mỗi vi phạm là một lỗi nêu quy tắc (buổi sinh hoạt khi chi bộ chưa thành lập hoặc đã
  giải thể, điểm danh người không sinh hoạt tại chi bộ ngày đó, điểm vượt điểm tối đa của tiêu
  chí, ngưỡng xếp loại chồng nhau hoặc thiếu mức, thời gian áp dụng chồng với biểu khác của cùng
  cấp ủy...). Biểu chấm điểm áp dụng, tổng điểm và xếp loại của buổi có điểm từng tiêu chí được
  tính lại theo biểu đang áp dụng ngày sinh hoạt (của cấp ủy gần nhất ở trên chi bộ), không lấy
  từ tệp; buổi chỉ có xếp loại giữ xếp loại ghi trong tệp. Biểu mẫu công bố (không thuộc cấp ủy
  nào) có sẵn trong mọi hệ thống và không đi theo tệp: biểu sao từ biểu mẫu gọi biểu mẫu bằng văn
  bản ban hành của nó. Tệp xuất cho một cây mang biểu của các cấp ủy trong cây và của các cấp ủy
  ở trên nó (để tham chiếu), nên điểm của mọi buổi sinh hoạt trong tệp đặt được lên biểu áp dụng.
- Nhập tại một tổ chức (trang nhập dữ liệu, API): không tạo được gì ngoài cây của tổ chức đó (tổ
  chức, vai trò, chức vụ, đảng viên theo nơi đang sinh hoạt, hồ sơ của các phân hệ theo tổ chức
  hoặc đảng viên chủ hồ sơ) và không thêm loại hình. Nhập cho cả hệ thống (dòng lệnh) thì không có
  giới hạn này.
- Tất cả hoặc không gì cả: một lỗi bất kỳ thì không ghi gì. Chạy thử kiểm tra mọi thứ và không
  giữ lại gì.
- Lịch sử được ghi lại nguyên trạng (không chạy lại các thao tác): đường dẫn cây tính lại theo mã
  các cấp, các giai đoạn của một tổ chức không được chồng nhau, tình trạng đảng viên tính lại từ
  các sự kiện chưa hủy theo quy định (hồ sơ ghi ngoại lệ tuổi vào Đảng thì điều kiện đủ 18 tuổi
  hạ xuống đủ 16 tuổi, không thấp hơn; vào Đảng trước ngày sinh hoặc chưa đủ 16 tuổi luôn là lỗi)
  và đối chiếu với tệp; ngày hết thời kỳ dự bị tính lại từ ngày lễ kết nạp (12 tháng; không có
  ngày lễ thì từ ngày quyết định kết nạp).
- Lịch sử không khớp ngày vẫn được giữ như tệp ghi, nhưng mỗi dòng là một cảnh báo khi chạy thử
  (và một phát hiện ở trang chất lượng dữ liệu): kết nạp (hay chuyển) đảng viên vào một tổ chức
  trước ngày thành lập tổ chức đó; tổ chức thành lập trước tổ chức cấp trên của nó.
- Tài khoản nhập vào không có mật khẩu: quản trị viên đặt mật khẩu trước khi người dùng đăng nhập
  được. Tệp không mang quyền quản trị hệ thống (is_staff, is_superuser).
- Nhật ký thay đổi ghi một mục cho mỗi tổ chức, đảng viên, người dùng, hồ sơ của các phân hệ
  được tạo và một mục tổng hợp cho lần nhập.
"""


def _column_line(col: Col) -> str:
    kind = TYPE_NAMES.get(col.type, col.type)
    if col.max_length and col.type in ("text", "code", "email"):
        kind += f", ≤ {col.max_length} ký tự"
    if col.role == LABEL:
        need = "để đọc (bỏ qua khi nhập)"
    elif col.role == DERIVED:
        need = "tính ra (đối chiếu khi nhập)"
    elif col.required:
        need = "**bắt buộc**"
    else:
        need = "không"
    notes = []
    if col.help:
        notes.append(col.help)
    if col.choices:
        notes.append("Mã: xem [danh mục mã](#danh-mục-mã).")
    if col.code_list:
        notes.append(f"Danh mục `{col.code_list}` của hệ thống (mã lạ: cảnh báo).")
    if col.default not in (None, "") and col.role != META:
        shown = ("Có" if col.default else "Không") if isinstance(col.default, bool) else col.default
        notes.append(f"Mặc định: {shown}.")
    elif col.default is False:
        notes.append("Mặc định: Không.")
    if col.role == META and col.default:
        notes.append(f"Mặc định: {col.default}.")
    return f"| {col.header} | `{col.key}` | {kind} | {need} | {' '.join(notes)} |"


def render() -> str:
    """Return the Markdown description of the exchange workbook."""
    parts = [HEADER, "## Các sheet", ""]
    parts += ["| Sheet | Bắt buộc | Khóa | Thứ tự dòng |", "|---|---|---|---|"]
    for spec in SHEETS:
        parts.append(
            f"| {spec.title} (`{spec.key}`) | {'có' if spec.required else 'không'} "
            f"| {spec.natural_key} | {spec.order} |"
        )
    for spec in SHEETS:
        parts += ["", f"### {spec.title}", "", spec.description, ""]
        parts.append(f"Khóa: {spec.natural_key}. Thứ tự dòng: {spec.order}.")
        parts += [
            "",
            "| Cột (tiêu đề) | Khóa | Kiểu | Bắt buộc | Ghi chú |",
            "|---|---|---|---|---|",
        ]
        parts += [_column_line(c) for c in spec.columns]
        if spec.key == "info":
            parts += ["", "Các khóa:", "", "| Khóa | Nội dung | Bắt buộc |", "|---|---|---|"]
            parts += [
                f"| `{key}` | {label} | {'**có**' if required else 'không'} |"
                for key, label, required in INFO_KEYS
            ]
            parts.append(
                f"| `{ROWS_KEY_PREFIX}<sheet>` | Số dòng của sheet (khóa tiếng Anh của sheet, ví dụ "
                f"`{ROWS_KEY_PREFIX}members`); lệch thì cảnh báo | không |"
            )
            parts += ["", f"Giá trị của `format` là `{FORMAT_NAME}`."]
        if spec.key == "tree_history":
            parts += [
                "",
                f"Ví dụ đường dẫn: `TU{PATH_SEPARATOR}DB01{PATH_SEPARATOR}DB01-03` (mã trong tệp "
                "không được chứa chuỗi phân cách này).",
            ]
    parts += ["", "## Danh mục mã", ""]
    for title, choices in CHOICE_LISTS:
        parts += [f"### {title}", "", "| Mã | Ý nghĩa |", "|---|---|"]
        parts += [f"| `{value}` | {label} |" for value, label in choices.choices]
        parts.append("")
    parts += [
        "Các danh mục dân tộc, tôn giáo, giáo dục phổ thông là danh mục mã của hệ thống "
        "(`core.models.Code`, danh sách `ethnicity`, `religion`, `general_education`).",
    ]
    return "\n".join(parts) + "\n"


def write(path: Path | None = None) -> Path:
    path = path or DOCS_PATH
    path.write_text(render(), encoding="utf-8")
    return path
