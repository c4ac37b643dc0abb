"""The transfer pages through the test client: each side acts on its own end."""

import datetime as dt
import io

import docx
import pytest

from dangbo.accounts.models import Role
from dangbo.accounts.tests.factories import user_with_role
from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.documents.models import IssuedDocument
from dangbo.members import transfers
from dangbo.members.models import MemberEvent, Transfer
from dangbo.members.striking import (
    StrikingCandidate,
    register_striking_source,
    unregister_striking_source,
)
from dangbo.members.tests.factories import MemberFactory
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell, grassroots_cell

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    top = bloc(code="K", name="Đảng ủy Khối Doanh nghiệp")
    a = dang_bo(top, code="A", name="Đảng bộ Công ty A")
    b = dang_bo(top, code="B", name="Đảng bộ Công ty B")
    a1 = dependent_cell(a, code="A1", name="Chi bộ A1")
    b1 = dependent_cell(b, code="B1", name="Chi bộ B1")
    g = grassroots_cell(top, code="G", name="Chi bộ Trường G")
    member = MemberFactory(organization=a1, full_name="Nguyễn Văn Chuyển", card_number="11000001",
                           home_town="Nam Định")  # fmt: skip
    return {
        "top": top, "a": a, "b": b, "a1": a1, "b1": b1, "g": g, "member": member,
        "sender": user_with_role(a, Role.COMMITTEE_ADMIN),
        "receiver": user_with_role(b, Role.COMMITTEE_ADMIN),
        "viewer": user_with_role(a, Role.VIEWER),
        "stranger": user_with_role(g, Role.COMMITTEE_ADMIN),
    }  # fmt: skip


def login(client, user):
    client.force_login(user)
    return client


def started(w, **kwargs) -> Transfer:
    params = {"member": w["member"], "reason": "WORK_CHANGE", "to_organization": w["b1"],
              "triggered_on": D(2025, 8, 1)}  # fmt: skip
    return transfers.start_transfer(actor=None, **(params | kwargs))


def with_letter(w, **kwargs) -> Transfer:
    return transfers.issue_transfer_letter(
        actor=None, transfer=started(w, **kwargs), letter_number="15-GGT/ĐUK",
        letter_on=D(2025, 8, 15), letter_issuer="Đảng ủy Khối Doanh nghiệp",
    )  # fmt: skip


def test_the_member_page_offers_the_transfer_and_shows_the_one_under_way(client, w):
    login(client, w["sender"])
    member = w["member"]
    page = client.get(f"/members/{member.pk}/").content.decode()
    assert f'href="/members/{member.pk}/transfers/new/"' in page
    response = client.post(f"/members/{member.pk}/transfers/new/", {
        "to_organization": str(w["b1"].pk), "reason": "WORK_CHANGE", "triggered_on": "01/08/2025",
    })  # fmt: skip
    transfer = Transfer.objects.get(member=member)
    assert response.status_code == 302
    assert response["Location"] == f"/transfers/{transfer.pk}/"
    page = client.get(f"/members/{member.pk}/").content.decode()
    assert "Đang chuyển sinh hoạt đảng chính thức đến Chi bộ B1 — chờ giấy giới thiệu." in page
    assert f'href="/transfers/{transfer.pk}/"' in page
    assert f'href="/members/{member.pk}/transfers/new/"' not in page


def test_a_refused_start_shows_the_field_error_and_saves_nothing(client, w):
    login(client, w["sender"])
    response = client.post(f"/members/{w['member'].pk}/transfers/new/", {
        "to_organization": str(w["a1"].pk), "reason": "WORK_CHANGE", "triggered_on": "01/08/2025",
    })  # fmt: skip
    assert response.status_code == 400
    # The member's own cell is not offered; posted anyway, the form refuses it.
    assert "to_organization" in response.context["form"].errors
    assert Transfer.objects.count() == 0


def test_the_sender_issues_the_letter_and_the_receiver_confirms_the_arrival(client, w):
    transfer = started(w)
    login(client, w["sender"])
    detail = client.get(f"/transfers/{transfer.pk}/")
    assert detail.status_code == 200
    assert set(detail.context["action_forms"]) == {"letter", "cancel", "void"}
    response = client.post(f"/transfers/{transfer.pk}/letter/", {
        "letter_number": "15-GGT/ĐUK", "letter_on": "15/08/2025",
        "letter_issuer": "Đảng ủy Khối Doanh nghiệp",
    })  # fmt: skip
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.AWAITING_ARRIVAL

    # The sending side cannot confirm the arrival.
    before = AuditEntry.objects.count()
    assert (
        client.post(f"/transfers/{transfer.pk}/arrival/", {"received_on": "01/09/2025"}).status_code
        == 403
    )
    assert AuditEntry.objects.count() == before
    page = client.get(f"/transfers/{transfer.pk}/").content.decode()
    assert "Đang chờ cấp ủy nơi đến xác nhận tiếp nhận." in page

    login(client, w["receiver"])
    detail = client.get(f"/transfers/{transfer.pk}/")
    assert set(detail.context["action_forms"]) == {"arrival"}
    response = client.post(f"/transfers/{transfer.pk}/arrival/", {"received_on": "01/09/2025"})
    assert response.status_code == 302
    w["member"].refresh_from_db()
    assert w["member"].organization == w["b1"]
    follow = client.get(response["Location"]).content.decode()
    assert (
        "Đã tiếp nhận đồng chí Nguyễn Văn Chuyển sinh hoạt tại Chi bộ B1 từ ngày 01/09/2025."
        in follow
    )


def test_a_late_letter_without_explanation_comes_back_with_the_field_error(client, w):
    transfer = started(w)
    login(client, w["sender"])
    response = client.post(f"/transfers/{transfer.pk}/letter/", {
        "letter_number": "15-GGT/ĐUK", "letter_on": "29/10/2025", "letter_issuer": "Đảng ủy Khối",
    })  # fmt: skip
    assert response.status_code == 400
    assert response.context["failed_action"] == "letter"
    assert response.context["action_forms"]["letter"].errors["start_late_explanation"] == [
        "Giấy giới thiệu ngày 29/10/2025 quá hạn: đảng viên phải làm thủ tục chuyển sinh hoạt "
        "đảng trong 60 ngày làm việc kể từ ngày 01/08/2025, tức đến hết ngày 28/10/2025. Ghi "
        "giải trình lý do chậm (Quy định 294-QĐ/TW, mục 6.3.1)."
    ]
    transfer.refresh_from_db()
    assert (transfer.status, transfer.letter_number) == ("AWAITING_LETTER", "")


def test_viewers_read_but_do_not_act_and_strangers_see_nothing(client, w):
    transfer = started(w)
    login(client, w["viewer"])
    detail = client.get(f"/transfers/{transfer.pk}/")
    assert detail.status_code == 200
    assert detail.context["action_forms"] == {}
    assert client.post(f"/transfers/{transfer.pk}/cancel/", {"reason": "x"}).status_code == 403
    login(client, w["sender"])
    assert client.get(f"/transfers/{transfer.pk}/cancel/").status_code == 405  # POST only
    login(client, w["stranger"])
    assert client.get(f"/transfers/{transfer.pk}/").status_code == 404
    assert client.post(f"/transfers/{transfer.pk}/cancel/", {"reason": "x"}).status_code == 404
    assert client.get(f"/transfers/{transfer.pk}/letter.docx").status_code == 404
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.AWAITING_LETTER


def test_the_transfer_letter_downloads_in_the_party_format(client, w):
    transfer = with_letter(w)
    login(client, w["receiver"])
    response = client.get(f"/transfers/{transfer.pk}/letter.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = docx.Document(io.BytesIO(response.content))
    header = [p.text for c in document.tables[0].rows[0].cells for p in c.paragraphs]
    body = [p.text for p in document.paragraphs if p.text.strip()]
    assert "ĐẢNG ỦY KHỐI DOANH NGHIỆP" in header
    assert "Số 15-GGT/ĐUK" in header
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in header
    assert header[-1].endswith("ngày 15 tháng 8 năm 2025")
    assert body[:2] == ["GIẤY GIỚI THIỆU", "sinh hoạt đảng"]
    assert body[3:13] == [
        "Kính gửi: Đảng ủy Công ty B",
        "Giới thiệu đồng chí: Nguyễn Văn Chuyển",
        "Sinh ngày: 17/05/1980",
        "Quê quán: Nam Định",
        "Là đảng viên chính thức; số thẻ đảng viên: 11000001",
        "Vào Đảng ngày 01/03/2010, chính thức ngày 01/03/2011",
        "Hiện sinh hoạt tại: Chi bộ A1",
        "Được chuyển sinh hoạt đảng chính thức đến: Chi bộ B1",
        "Đề nghị các đồng chí tiếp nhận và giúp đỡ đồng chí làm nhiệm vụ đảng viên.",
        "Giấy giới thiệu có giá trị đến hết ngày 30/09/2025.",  # 30 working days, as a date
    ]
    assert not any("Quy định" in line or "ngày làm việc" in line for line in body)
    signature = [p.text for c in document.tables[1].rows[0].cells for p in c.paragraphs]
    assert "T/M BAN THƯỜNG VỤ" in signature
    # Under the cut line, the slip the receiving committee sends back.
    slip = body[body.index("PHIẾU BÁO ĐÃ NHẬN SINH HOẠT ĐẢNG") :]
    assert slip[1:3] == [
        "Kính gửi: Đảng ủy Khối Doanh nghiệp",
        "Đảng ủy Công ty B đã nhận sinh hoạt đảng của đồng chí Nguyễn Văn Chuyển, đảng viên chính "
        "thức, theo giấy giới thiệu 15-GGT/ĐUK ngày 15/08/2025.",
    ]
    assert body.index("PHIẾU BÁO ĐÃ NHẬN SINH HOẠT ĐẢNG") > body.index(
        "Giấy giới thiệu có giá trị đến hết ngày 30/09/2025."
    )
    assert "DỰ THẢO" not in header


def test_before_the_letter_is_issued_the_document_is_a_blank_to_fill_in(client, w):
    transfer = started(w, to_organization=None, other_party="Đảng bộ xã X")
    login(client, w["sender"])
    response = client.get(f"/transfers/{transfer.pk}/letter.docx")
    document = docx.Document(io.BytesIO(response.content))
    header = [p.text for c in document.tables[0].rows[0].cells for p in c.paragraphs]
    assert "Số      -GGT/ĐUK" in header
    assert "ngày     tháng     năm 20…" in header[-2]
    assert header[-1] == "DỰ THẢO"


def test_the_transfers_page_lists_both_directions_with_their_limits(client, w):
    transfer = with_letter(w)
    login(client, w["receiver"])
    page = client.get("/o/B/transfers/")
    assert page.status_code == 200
    [(row, clock, side)] = page.context["rows"]
    assert (row, side) == (transfer, "Chuyển đến")
    assert clock.due_on == D(2025, 9, 30)
    html = page.content.decode()
    assert "Xuất trình giấy giới thiệu, tiếp nhận sinh hoạt đảng: 30/09/2025" in html
    assert "quá hạn" in html  # today is after 30/09/2025
    login(client, w["sender"])
    assert [r[2] for r in client.get("/o/A/transfers/").context["rows"]] == ["Chuyển đi"]
    assert client.get("/o/A/transfers/", {"side": "in"}).context["rows"] == []
    login(client, user_with_role(w["top"], Role.VIEWER))
    assert (
        len(client.get("/o/K/transfers/", {"side": "within", "overdue": "on"}).context["rows"]) == 1
    )
    assert client.get("/o/K/transfers/", {"status": "done"}).context["rows"] == []


def test_a_temporary_member_is_listed_where_he_stays(client, w):
    login(client, w["sender"])
    member = w["member"]
    response = client.post(f"/members/{member.pk}/transfers/temporary/new/", {
        "to_organization": str(w["g"].pk), "reason": "STUDY", "planned_from": "05/09/2025",
        "planned_until": "30/06/2026",
    })  # fmt: skip
    assert response.status_code == 302
    login(client, w["stranger"])  # administrator of the temporary cell
    page = client.get("/o/G/transfers/")
    assert [t.member for t in page.context["temporary"]] == [member]
    assert "Đảng viên sinh hoạt tạm thời tại đây" in page.content.decode()


def test_receive_a_member_from_outside(client, w):
    login(client, w["receiver"])
    form = client.get("/o/B1/transfers/incoming/new/")
    assert form.status_code == 200
    response = client.post("/o/B1/transfers/incoming/new/", {
        "full_name": "Lê Thị Đến", "date_of_birth": "03/02/1988", "sex": "F", "ethnicity": "01",
        "religion": "00", "organization": str(w["b1"].pk), "received_on": "03/09/2025",
        "other_party": "Đảng bộ phường Láng", "reason": "WORK_CHANGE", "letter_number": "88-GGT/ĐU",
        "letter_on": "20/08/2025", "letter_issuer": "Đảng ủy phường Láng", "admitted_on": "19/05/2012",
        "official_on": "19/05/2013",
    })  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    transfer = Transfer.objects.get(direction="INCOMING")
    assert transfer.member.full_name == "Lê Thị Đến"
    assert transfer.member.organization == w["b1"]


def test_the_event_form_takes_the_ground_of_a_striking_off(client, w):
    login(client, w["sender"])
    member = w["member"]
    url = f"/members/{member.pk}/events/new/"
    assert 'value="STRUCK_OFF"' in client.get(url, {"kind": "STRUCK_OFF"}).content.decode()
    response = client.post(url, {"kind": "STRUCK_OFF", "happened_on": "01/09/2025"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {
        "reason_code",
        "decision_number",
        "decision_signed_on",
        "decision_issuer",
    }
    assert member.events.count() == 2
    response = client.post(url, {
        "kind": "STRUCK_OFF", "happened_on": "01/09/2025", "reason_code": "CARD_RETURNED",
        "decision_number": "12-QĐ/ĐU", "decision_signed_on": "25/08/2025",
        "decision_issuer": "Đảng ủy Công ty A",
    })  # fmt: skip
    assert response.status_code == 302
    page = client.get(f"/members/{member.pk}/").content.decode()
    assert "Tự ý trả thẻ đảng viên hoặc tự hủy thẻ đảng viên" in page
    assert member.events.filter(
        kind=MemberEvent.Kind.STRUCK_OFF, reason_code="CARD_RETURNED"
    ).exists()


def test_the_striking_candidates_page_explains_its_sources_and_lists_them(client, w):
    login(client, w["sender"])
    page = client.get("/o/A/striking-candidates/")
    assert page.status_code == 200
    html = page.content.decode()
    # The meetings module is a source (unexcused absence in 3 months of a year): none here.
    assert "Đang có 1 nguồn cung cấp." in html
    assert "Không có đảng viên nào trong danh sách." in html

    def missed_meetings(org, on):
        return [StrikingCandidate(w["member"], "MISSED_ACTIVITY_OR_DUES", "Vắng 3 kỳ sinh hoạt")]

    register_striking_source(missed_meetings)
    try:
        html = client.get("/o/A/striking-candidates/").content.decode()
    finally:
        unregister_striking_source(missed_meetings)
    assert "Vắng 3 kỳ sinh hoạt" in html
    assert (
        f'href="/members/{w["member"].pk}/events/new/?kind=STRUCK_OFF&amp;reason_code=MISSED_ACTIVITY_OR_DUES"'
        in html
    )


def test_a_letter_without_a_number_takes_the_next_one_of_the_issuing_committees_register(w):
    first = transfers.issue_transfer_letter(
        actor=None, transfer=started(w), letter_number="", letter_on=D(2025, 8, 15),
        letter_issuer="Đảng ủy Khối Doanh nghiệp",
    )  # fmt: skip
    assert first.letter_number == "01-GGT/ĐUK"
    entry = IssuedDocument.objects.get()
    assert (entry.issuer, entry.number, entry.external, entry.source) == (w["top"], 1, False, first)
    other = MemberFactory(organization=w["a1"], full_name="Trần Thị Hai", card_number="11000002")
    with pytest.raises(DomainError) as refused:  # a number already in the register
        transfers.issue_transfer_letter(
            actor=None, transfer=started(w, member=other), letter_number="01-GGT/ĐUK",
            letter_on=D(2025, 8, 16), letter_issuer="Đảng ủy Khối Doanh nghiệp",
        )  # fmt: skip
    assert "01-GGT/ĐUK" in refused.value.message_dict["letter_number"][0]
