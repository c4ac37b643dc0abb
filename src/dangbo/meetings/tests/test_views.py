"""The pages, the CLI and the documents: the secretary's entry, the month grid and its XLSX,
the upper level's confirmation, the minutes and score sheet read back from the DOCX."""

from __future__ import annotations

import datetime as dt
import io
import json

import docx
import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from dangbo.accounts.models import Role
from dangbo.accounts.tests.factories import user_with_role
from dangbo.meetings import services
from dangbo.meetings.models import AttendanceStatus as S
from dangbo.meetings.models import Meeting
from dangbo.meetings.models import MeetingKind as K
from dangbo.meetings.services import Mark

from .factories import FAILS_MUST_PASS, FULL, build_world

pytestmark = pytest.mark.django_db
d = dt.date


@pytest.fixture
def w():
    return build_world()


def _text(response) -> str:
    document = docx.Document(io.BytesIO(b"".join(response.streaming_content)
                                        if response.streaming else response.content))  # fmt: skip
    return "\n".join(p.text for p in document.paragraphs)


def test_secretary_records_this_months_meeting_with_attendance_and_score(client, w):
    client.force_login(user_with_role(w.a1, Role.CELL_SECRETARY))
    page = client.get("/o/A1/meetings/new/?held_on=20/05/2024")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="viewport"' in html or "<html" in html
    assert "Nguyễn Văn An" in html
    assert "bắt buộc đạt tối đa" in html
    an, binh, cuong, dung = w.members
    form = {
        "held_on": "20/05/2024", "kind": "REGULAR", "start_time": "08:00", "end_time": "10:00",
        f"a{an.pk}": "PRESENT", f"a{binh.pk}": "PRESENT", f"a{cuong.pk}": "PRESENT",
        f"a{dung.pk}": "EXCUSED", f"r{dung.pk}": "Đi công tác", "client_key": "k1",
        **{f"s{i}": str(v) for i, v in enumerate(FAILS_MUST_PASS, 1)},
    }  # fmt: skip
    response = client.post("/o/A1/meetings/new/", form)
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/o/A1/meetings/{meeting.pk}/"
    assert (meeting.level, meeting.attendances.filter(status=S.EXCUSED).count()) == ("FAIR", 1)
    again = client.post("/o/A1/meetings/new/", form)  # resent after a lost answer
    assert again.status_code == 302
    assert Meeting.objects.count() == 1
    detail = client.get(response["Location"]).content.decode()
    assert "Có mặt 3/4 (75,0%)" in detail
    assert "Tỷ lệ đảng viên dự sinh hoạt 75,0%, chưa trên 85%" in detail


def test_refused_entry_shows_the_rule_and_writes_nothing(client, w):
    client.force_login(user_with_role(w.a1, Role.CELL_SECRETARY))
    an = w.members[0]
    response = client.post("/o/A1/meetings/new/", {
        "held_on": "20/05/2024", "kind": "REGULAR", f"a{an.pk}": "PRESENT", "s1": "11",
    })  # fmt: skip
    assert response.status_code == 400
    assert "vượt điểm tối đa 10,0" in response.content.decode()
    assert Meeting.objects.count() == 0


def test_month_grid_page_xlsx_and_cli(client, w):
    services.record_meeting(actor=None, cell=w.a1, kind=K.REGULAR, held_on=d(2024, 1, 10),
                            attendance=[Mark(m, S.PRESENT) for m in w.members],
                            self_points=FULL)  # fmt: skip
    client.force_login(user_with_role(w.top, Role.VIEWER))
    page = client.get("/o/TOP/meetings/?year=2024").content.decode()
    assert "Chi bộ Phòng Kỹ thuật" in page
    assert "Tốt" in page
    assert "Thiếu" in page
    book = openpyxl.load_workbook(io.BytesIO(
        b"".join(client.get("/o/TOP/meetings/?year=2024&export=xlsx").streaming_content)
    ))  # fmt: skip
    rows = [r for r in book.active.iter_rows(values_only=True) if r and r[0] == "A1"]
    assert rows[0][3:5] == ("Tốt", "Thiếu")
    # One Tốt month of twelve due, eleven missing: Kém for every quarter and the year.
    assert rows[0][-6:] == (11, "Kém", "Kém", "Kém", "Kém", "Kém")
    assert '<td class="year-level">Kém</td>' in page
    cell_page = client.get("/o/A1/meetings/?year=2024").content.decode()
    assert "Không có buổi sinh hoạt thường kỳ trong tháng 02/2024" in cell_page
    out = io.StringIO()
    call_command("meetings", "--org", "TOP", "--year", "2024", "--json", stdout=out)
    data = json.loads(out.getvalue())
    a1 = next(c for c in data["cells"] if c["code"] == "A1")
    assert a1["months"][:2] == ["GOOD", None]
    assert (a1["quarters"], a1["year"]) == (["POOR"] * 4, "POOR")
    assert next(c for c in data["cells"] if c["code"] == "A2")["months"][0] == "not_due"
    text = io.StringIO()
    call_command("meetings", "--org", "TOP", "--year", "2024", stdout=text)
    assert "A1" in text.getvalue()
    assert "Tổng số tháng thiếu" in text.getvalue()
    with pytest.raises(CommandError, match="Không tìm thấy tổ chức mã «X»"):
        call_command("meetings", "--org", "X", "--year", "2024")


def test_upper_level_confirms_on_the_meeting_page(client, w):
    m = services.record_meeting(actor=None, cell=w.a1, kind=K.REGULAR, held_on=d(2024, 5, 10),
                                attendance=[Mark(x, S.PRESENT) for x in w.members],
                                self_points=FULL).meeting  # fmt: skip
    secretary = user_with_role(w.a1, Role.CELL_SECRETARY)
    client.force_login(secretary)
    assert "xác nhận</button>" not in client.get(f"/o/A1/meetings/{m.pk}/").content.decode()
    assert client.post(f"/o/A1/meetings/{m.pk}/confirm/", {"level": "FAIR"}).status_code == 403
    client.force_login(user_with_role(w.a, Role.COMMITTEE_ADMIN))
    form = {f"s{i}": str(v) for i, v in enumerate(FAILS_MUST_PASS, 1)}
    client.post(f"/o/A1/meetings/{m.pk}/confirm/", {**form, "reason": "Thiếu biên bản"})
    m.refresh_from_db()
    assert (m.self_level, m.confirmed_level, m.confirmed_by) == ("GOOD", "FAIR", w.a)


def test_minutes_and_score_sheet_docx_read_back(client, w):
    an, binh, cuong, dung = w.members
    marks = [Mark(an, S.PRESENT), Mark(binh, S.PRESENT), Mark(cuong, S.PRESENT),
             Mark(dung, S.EXCUSED, "Ốm")]  # fmt: skip
    m = services.record_meeting(
        actor=None, cell=w.a1, kind=K.REGULAR, held_on=d(2024, 5, 10), start_time=dt.time(14),
        end_time=dt.time(16), place="Hội trường tầng 2", chair=an, minute_taker=binh,
        content="Kiểm điểm nhiệm vụ tháng 5\nPhương hướng tháng 6", conclusions="Thống nhất.",
        attendance=marks, self_points=FULL,
    ).meeting  # fmt: skip
    client.force_login(user_with_role(w.top, Role.VIEWER))
    minutes = _text(client.get(f"/o/A1/meetings/{m.pk}/minutes.docx"))
    assert "BIÊN BẢN" in minutes
    assert "sinh hoạt chi bộ thường kỳ tháng 05/2024" in minutes
    assert "Địa điểm: Hội trường tầng 2." in minutes
    assert "phải dự: 4; có mặt: 3; vắng có lý do: 1; vắng không lý do: 0." in minutes
    assert "- Đỗ Thị Dung: Vắng có lý do (Ốm)." in minutes
    assert "1. Kiểm điểm nhiệm vụ tháng 5" in minutes
    assert "Chi bộ tự chấm: 100,0 điểm, xếp loại Tốt." in minutes
    sheet = _text(client.get("/o/A/meetings/scores.docx?year=2024&month=5"))
    assert "kết quả chấm điểm, xếp loại sinh hoạt chi bộ tháng 05/2024" in sheet
    assert (
        "1. Chi bộ Phòng Kỹ thuật: sinh hoạt ngày 10/05/2024; tự chấm 100,0 điểm, xếp loại Tốt."
        in sheet
    )
    assert "2. Chi bộ Phòng Kinh doanh: chưa sinh hoạt." in sheet
    assert "Tổng hợp: Tốt: 1; chưa sinh hoạt: 1." in sheet
    assert timezone.localdate() >= d(2024, 6, 10)


def test_the_cells_page_lists_its_open_findings_with_links(client, w):
    lazy = w.members[3]
    meetings = []
    for month in (2, 4, 6):
        marks = [Mark(m, S.UNEXCUSED if m == lazy else S.PRESENT) for m in w.members]
        meetings.append(services.record_meeting(
            actor=None, cell=w.a1, kind=K.REGULAR, held_on=d(2025, month, 10),
            start_time=dt.time(8, 0), end_time=dt.time(9, 0), attendance=marks,
        ).meeting)  # fmt: skip
    client.force_login(user_with_role(w.a1, Role.CELL_SECRETARY))
    response = client.get("/o/A1/meetings/", {"year": "2025"})
    assert response.status_code == 200
    page = response.content.decode()
    # A month without its regular meeting: the entry form of that month.
    assert "Không có buổi sinh hoạt thường kỳ trong tháng 01/2025" in page
    assert 'href="/o/A1/meetings/new/?held_on=2025-01-31"' in page
    # A meeting too short: its own page.
    assert "Buổi sinh hoạt kéo dài 60 phút, dưới 90 phút" in page
    assert f'href="/o/A1/meetings/{meetings[0].pk}/"' in page
    # Absences reaching the striking-off threshold: the member's record.
    assert "Bỏ sinh hoạt đảng không có lý do 3 tháng trong năm 2025" in page
    assert f'href="/members/{lazy.pk}/"' in page
    # Another cell's page does not list them, and its secretary cannot open this one.
    client.force_login(user_with_role(w.g, Role.CELL_SECRETARY))
    assert client.get("/o/A1/meetings/", {"year": "2025"}).status_code in (403, 404)
    other = client.get("/o/G/meetings/", {"year": "2025"}).content.decode()
    assert "Bỏ sinh hoạt đảng không có lý do" not in other
    assert f"/o/A1/meetings/{meetings[0].pk}/" not in other
