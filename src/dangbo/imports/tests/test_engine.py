"""The import engine on in-memory sheets: matching, idempotence, all-or-nothing, refusals."""

import datetime as dt

import pytest
from django.utils import timezone

from dangbo.audit.models import AuditEntry
from dangbo.imports import engine
from dangbo.members.models import Member, MemberEvent, Status
from dangbo.members.tests.factories import MemberFactory
from dangbo.organizations.models import Organization
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell

pytestmark = pytest.mark.django_db

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Số thẻ ĐV", "Số CCCD",
          "Ngày vào Đảng", "Ngày chính thức", "Chi bộ", "Điện thoại"]  # fmt: skip


class Book:
    """A workbook in memory, with the reader's interface."""

    kind = "xlsx"

    def __init__(self, **sheets):
        self.sheets = sheets

    @property
    def sheet_names(self):
        return list(self.sheets)

    def rows(self, sheet):
        for number, cells in enumerate(self.sheets[sheet], start=1):
            if any(c not in (None, "") for c in cells):
                yield number, list(cells)


class Collect(engine.Sink):
    def __init__(self):
        self.results = []
        self.issues = []

    def row(self, result):
        self.results.append(result)

    def issue(self, issue):
        self.issues.append(issue)


@pytest.fixture
def tree():
    top = bloc(code="KHOI")
    db1 = dang_bo(top, code="DB1", name="Đảng bộ Công ty Một")
    c1 = dependent_cell(db1, code="C1", name="Chi bộ Phòng Kế toán")
    c2 = dependent_cell(db1, code="C2", name="Chi bộ Phân xưởng")
    other = dang_bo(top, code="DB2", name="Đảng bộ Công ty Hai")
    c3 = dependent_cell(other, code="C3", name="Chi bộ Kho")
    return {"top": top, "db1": db1, "c1": c1, "c2": c2, "db2": other, "c3": c3}


def _run(book, root, *, write=True, valid_only=False, confirm=False, decisions=None):
    mapping = engine.detect(book)
    sink = Collect()
    ctx = engine.Context(root=root, actor=None, file_label="danh-sach.xlsx", write=write,
                         valid_only=valid_only, confirm_matches=confirm, today=timezone.localdate(),
                         decisions=decisions or {})  # fmt: skip
    outcome = engine.run(book, mapping, ctx, sink)
    return outcome, sink


def _member_rows(*rows):
    return [["DANH SÁCH ĐẢNG VIÊN", None], [None], HEADER, *rows]


ROW_A = [1, "Nguyễn Văn An", "12/03/1980", "Nam", "Kinh", "01234567", "001080012345",
         "03/02/2005", "03/02/2006", "C1", "0912 345 678"]  # fmt: skip
ROW_B = [2, "Trần Thị Bình", dt.date(1990, 7, 1), "Nữ", "Tày", None, None,
         "19/05/2015", None, "Chi bộ Phân xưởng", None]  # fmt: skip


def test_detects_the_header_below_a_title_and_maps_office_headers():
    mapping = engine.detect(Book(**{"Đảng viên": _member_rows(ROW_A)}))
    sheet = mapping["sheets"][0]
    assert sheet["kind"] == "members"
    assert sheet["header_row"] == 3
    fields = {c["header"]: c["field"] for c in sheet["columns"]}
    assert fields["Số thẻ ĐV"] == "card_number"
    assert fields["Số CCCD"] == "personal_id_number"
    assert fields["Ngày vào Đảng"] == "admitted_on"
    assert fields["Chi bộ"] == "organization"
    assert engine.mapping_problems(mapping) == []


def test_unknown_header_asks_for_a_mapping():
    mapping = engine.detect(Book(S=[[*HEADER, "Sở thích"], ROW_A]))
    problems = engine.mapping_problems(mapping)
    assert problems
    assert "Sở thích" in problems[0]


def test_creates_members_with_events_states_and_audit(tree):
    outcome, sink = _run(Book(S=_member_rows(ROW_A, ROW_B)), tree["db1"])
    assert outcome.written, sink.issues
    assert outcome.counts["CREATE"] == 2
    an = Member.objects.get(card_number="01234567")
    assert an.status == Status.OFFICIAL
    assert an.organization == tree["c1"]
    assert an.admitted_on == dt.date(2005, 2, 3)
    assert an.phone == "0912 345 678"
    assert an.personal_id_number == "001080012345"
    assert list(an.events.values_list("kind", flat=True)) == [
        MemberEvent.Kind.ADMITTED,
        MemberEvent.Kind.MADE_OFFICIAL,
    ]
    assert an.states.count() == 2
    binh = Member.objects.get(full_name="Trần Thị Bình")
    assert binh.organization == tree["c2"]  # found by the cell's name
    assert binh.status == Status.PROBATIONARY
    assert binh.ethnicity != "01"
    entry = AuditEntry.objects.get(action="members.imported", target_id=str(an.pk))
    assert "dòng 4" in entry.note
    assert entry.org_path == tree["c1"].path


def test_reimporting_the_same_file_changes_nothing(tree):
    book = Book(S=_member_rows(ROW_A, ROW_B))
    _run(book, tree["db1"])
    entries = AuditEntry.objects.count()
    outcome, _ = _run(book, tree["db1"])
    assert outcome.counts.get("UNCHANGED") == 1  # matched by card number
    assert outcome.counts.get("CONFIRM") == 1  # Bình has no card or id: name + birth + cell
    assert Member.objects.count() == 2
    assert AuditEntry.objects.count() == entries


def test_a_changed_cell_updates_the_member_with_an_audit_entry(tree):
    _run(Book(S=_member_rows(ROW_A)), tree["db1"])
    changed = list(ROW_A)
    changed[10] = "0987 000 111"
    outcome, sink = _run(Book(S=_member_rows(changed)), tree["db1"])
    assert outcome.counts["UPDATE"] == 1
    result = sink.results[0]
    assert result.changes["Điện thoại"] == ["0912 345 678", "0987 000 111"]
    member = Member.objects.get(card_number="01234567")
    assert member.phone == "0987 000 111"
    assert AuditEntry.objects.filter(action="members.updated", target_id=str(member.pk)).exists()


def test_changed_choices_and_listed_codes_are_shown_by_their_names(tree):
    _run(Book(S=_member_rows(ROW_A)), tree["db1"])
    changed = list(ROW_A)
    changed[3], changed[4] = "Nữ", "Tày"
    _outcome, sink = _run(Book(S=_member_rows(changed)), tree["db1"], write=False)
    changes = sink.results[0].changes
    assert changes["Giới tính"] == ["Nam", "Nữ"]
    assert changes["Dân tộc"] == ["Kinh", "Tày"]


def test_dry_run_writes_nothing_but_plans_everything(tree):
    entries = AuditEntry.objects.count()
    outcome, _ = _run(Book(S=_member_rows(ROW_A, ROW_B)), tree["db1"], write=False)
    assert not outcome.written
    assert outcome.counts["CREATE"] == 2
    assert Member.objects.count() == 0
    assert AuditEntry.objects.count() == entries


BAD_ROWS = {
    "unknown cell": ([3, "Lê Văn C", "01/01/1985", "Nam", "Kinh", None, None, "01/01/2010", None, "XYZ", None], "Chi bộ"),
    "impossible date": ([3, "Lê Văn C", "31/02/1985", "Nam", "Kinh", None, None, "01/01/2010", None, "C1", None], "Ngày sinh"),
    "admitted before 18": ([3, "Lê Văn C", "01/01/1995", "Nam", "Kinh", None, None, "31/12/2012", None, "C1", None], "Ngày vào Đảng"),
    "official before admission": ([3, "Lê Văn C", "01/01/1985", "Nam", "Kinh", None, None, "01/01/2010", "01/01/2009", "C1", None], "Ngày chính thức"),
    "unknown ethnicity": ([3, "Lê Văn C", "01/01/1985", "Nam", "Klingon", None, None, "01/01/2010", None, "C1", None], "Dân tộc"),
    "bad id number": ([3, "Lê Văn C", "01/01/1985", "Nam", "Kinh", None, "12AB", "01/01/2010", None, "C1", None], "Số CCCD"),
    "cell outside the scope": ([3, "Lê Văn C", "01/01/1985", "Nam", "Kinh", None, None, "01/01/2010", None, "C3", None], "Chi bộ"),
    "missing birth date": ([3, "Lê Văn C", None, "Nam", "Kinh", None, None, "01/01/2010", None, "C1", None], "Ngày sinh"),
    "not a cell": ([3, "Lê Văn C", "01/01/1985", "Nam", "Kinh", None, None, "01/01/2010", None, "DB1", None], "Chi bộ"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_a_bad_row_is_reported_at_its_cell_and_nothing_is_written(tree, case):
    row, column = BAD_ROWS[case]
    outcome, sink = _run(Book(S=_member_rows(ROW_A, row)), tree["db1"])
    assert not outcome.written
    assert Member.objects.count() == 0
    errors = [i for i in sink.issues if i.is_error]
    assert errors, case
    assert errors[0].row == 5
    assert errors[0].column == column, errors
    assert errors[0].message


def test_admission_before_18_passes_with_the_exception_noted(tree):
    header = [*HEADER, "Ngoại lệ tuổi vào Đảng"]
    row = [3, "Lê Văn C", "01/01/1990", "Nam", "Kinh", None, None, "01/01/2007", "01/01/2008", "C1", None,
           "Kết nạp trong kháng chiến"]  # fmt: skip
    outcome, sink = _run(Book(S=[header, row]), tree["db1"])
    assert outcome.written, sink.issues
    assert Member.objects.get().admission_age_exception == "Kết nạp trong kháng chiến"


@pytest.mark.parametrize(
    ("admitted", "refused"),
    [("31/12/1989", True), ("01/01/1990", True), ("31/12/2005", True), ("01/01/2006", False)],
)
def test_the_age_exception_never_lets_in_an_admission_before_birth_or_16(tree, admitted, refused):
    header = [*HEADER, "Ngoại lệ tuổi vào Đảng"]
    row = [3, "Lê Văn C", "01/01/1990", "Nam", "Kinh", None, None, admitted, None, "C1", None,
           "Kết nạp trong kháng chiến"]  # fmt: skip
    outcome, sink = _run(Book(S=[header, row]), tree["db1"], write=False)
    errors = [i for i in sink.issues if i.is_error]
    assert bool(errors) is refused, errors
    if refused:
        assert outcome.counts.get("ERROR") == 1
        assert errors[0].column == "Ngày vào Đảng"


def test_only_valid_rows_writes_the_good_rows_and_lists_the_rest(tree):
    bad = BAD_ROWS["unknown cell"][0]
    outcome, _ = _run(Book(S=_member_rows(ROW_A, bad)), tree["db1"], valid_only=True)
    assert outcome.written
    assert outcome.counts["CREATE"] == 1
    assert outcome.counts["ERROR"] == 1
    assert Member.objects.count() == 1


def test_duplicate_rows_within_the_file(tree):
    outcome, sink = _run(Book(S=_member_rows(ROW_A, ROW_A)), tree["db1"])
    assert not outcome.written
    assert any("Trùng với dòng 4" in i.message for i in sink.issues)


def test_a_card_number_of_a_member_outside_the_scope_is_refused(tree):
    holder = MemberFactory(organization=tree["c3"], card_number="01234567")
    for write in (False, True):
        outcome, sink = _run(Book(S=_member_rows(ROW_A)), tree["db1"], write=write)
        assert not outcome.written
        # Neutral: nothing says where the number is used, or by whom.
        [issue] = sink.issues
        assert issue.message == "Số thẻ đảng viên này đã được dùng; liên hệ cấp ủy cấp trên."
    # The dry run and the import rolled back; their attempts are logged above the holder.
    entries = AuditEntry.objects.filter(action="members.duplicate_refused")
    assert [(e.target_id, e.org_path) for e in entries] == [(str(holder.pk), tree["c3"].path)] * 2
    assert "danh-sach.xlsx" in entries[0].note


def test_an_organization_code_outside_the_scope_reads_as_unknown(tree):
    rows = [["Mã chi bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Ngày vào Đảng"],
            ["C3", "Lê Văn Ba", "01/01/1990", "Nam", "01/01/2015"],
            ["ZZ9", "Lê Văn Tư", "01/01/1990", "Nam", "01/01/2015"]]  # fmt: skip
    outcome, sink = _run(Book(S=rows), tree["db1"])
    assert not outcome.written
    messages = [i.message for i in sink.issues if i.row in (2, 3) and "mã" in i.message]
    assert messages == ["Không có chi bộ với mã này trong phạm vi quản lý."] * 2


def test_a_match_by_name_birth_and_cell_waits_for_confirmation(tree):
    member = MemberFactory(organization=tree["c2"], full_name="Trần Thị Bình",
                           date_of_birth=dt.date(1990, 7, 1), card_number=None)  # fmt: skip
    row = list(ROW_B)
    row[7] = member.admitted_on
    row[10] = "0900 000 000"
    outcome, sink = _run(Book(S=_member_rows(row)), tree["db1"], valid_only=True)
    assert outcome.counts.get("CONFIRM") == 1, (outcome, sink.issues)
    member.refresh_from_db()
    assert member.phone != "0900 000 000"
    outcome, _ = _run(Book(S=_member_rows(row)), tree["db1"], confirm=True)
    member.refresh_from_db()
    assert member.phone == "0900 000 000"


def test_a_different_admission_date_for_an_existing_member_is_an_error(tree):
    _run(Book(S=_member_rows(ROW_A)), tree["db1"])
    changed = list(ROW_A)
    changed[7] = "04/02/2005"
    outcome, sink = _run(Book(S=_member_rows(changed)), tree["db1"])
    assert not outcome.written
    assert sink.issues[0].column == "Ngày vào Đảng"


# Another person given An's card number: name, birth date and sex differ.
ROW_OTHER = [1, "Trần Thị Cúc", "05/06/1982", "Nữ", "Kinh", "01234567", None,
             "03/02/2005", "03/02/2006", "C1", "0912 345 678"]  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "disagrees"),
    [
        ({1: "NGUYEN VAN AN"}, False),  # the same name, folded
        ({1: "Nguyễn Văn Ân"}, False),
        ({1: "Nguyễn Văn Bình"}, True),
        ({2: "13/03/1980"}, True),
        ({3: "Nữ"}, True),
        ({1: "Trần Thị Cúc", 2: "05/06/1982", 3: "Nữ", 4: "Kinh", 6: None}, True),
    ],
)
def test_a_match_by_card_number_with_another_identity_is_a_conflict(tree, changes, disagrees):
    _run(Book(S=_member_rows(ROW_A)), tree["db1"])
    member = Member.objects.get()
    row = list(ROW_A)
    for index, value in changes.items():
        row[index] = value
    entries = AuditEntry.objects.count()
    for write in (False, True):
        outcome, sink = _run(Book(S=_member_rows(row)), tree["db1"], write=write)
        [result] = sink.results
        if disagrees:
            assert result.action == "CONFLICT", sink.issues
            assert outcome.counts.get("CONFLICT") == 1
            assert not outcome.written
            assert result.comparison[0][:2] == ["Họ và tên", "Nguyễn Văn An"]
            assert [c[0] for c in result.comparison][-1] == "Số thẻ đảng viên"
            # The report shows it beside the row, as a warning at the number that matched.
            [warning] = [i for i in sink.issues if i.severity == "warning"]
            assert warning.column == "Số thẻ ĐV"
            assert "«Nguyễn Văn An»" in warning.message
            assert "hệ thống «" in warning.message
        else:
            assert result.action == "UPDATE"
            assert result.identity_changes == {"Họ và tên": ["Nguyễn Văn An", row[1]]}
    if disagrees:
        member.refresh_from_db()
        assert (member.full_name, member.date_of_birth, member.sex) == (
            "Nguyễn Văn An", dt.date(1980, 3, 12), "M",
        )  # fmt: skip
        assert AuditEntry.objects.count() == entries


def test_a_conflict_is_skipped_when_only_valid_rows_are_imported(tree):
    _run(Book(S=_member_rows(ROW_A)), tree["db1"])
    outcome, sink = _run(Book(S=_member_rows(ROW_OTHER, ROW_B)), tree["db1"], valid_only=True)
    assert outcome.written
    assert [r.action for r in sink.results] == ["CONFLICT", "CREATE"]
    assert Member.objects.get(card_number="01234567").full_name == "Nguyễn Văn An"


def test_a_conflict_decided_same_person_updates_and_audits_the_identity_changes(tree):
    _run(Book(S=_member_rows(ROW_A)), tree["db1"])
    member = Member.objects.get()
    decisions = {engine.decision_key("S", 4): engine.SAME_PERSON}
    outcome, sink = _run(Book(S=_member_rows(ROW_OTHER)), tree["db1"], decisions=decisions)
    assert outcome.written, sink.issues
    [result] = sink.results
    assert result.action == "UPDATE"
    assert result.identity_changes == {
        "Họ và tên": ["Nguyễn Văn An", "Trần Thị Cúc"],
        "Ngày sinh": ["12/03/1980", "05/06/1982"],
        "Giới tính": ["Nam", "Nữ"],
    }
    member.refresh_from_db()
    assert (member.full_name, member.sex) == ("Trần Thị Cúc", "F")
    entry = AuditEntry.objects.get(action="members.updated", target_id=str(member.pk))
    changes = entry.after["identity_changes"]
    assert changes["full_name"] == ["Nguyễn Văn An", "Trần Thị Cúc"]
    assert changes["date_of_birth"] == ["1980-03-12", "1982-06-05"]
    assert changes["sex"] == ["M", "F"]
    assert "phone" not in changes


def test_a_conflict_decided_different_person_is_an_error_at_the_number(tree):
    _run(Book(S=_member_rows(ROW_A)), tree["db1"])
    decisions = {engine.decision_key("S", 4): engine.DIFFERENT_PERSON}
    outcome, sink = _run(Book(S=_member_rows(ROW_OTHER)), tree["db1"], decisions=decisions)
    assert not outcome.written
    [result] = sink.results
    assert result.action == "ERROR"
    [issue] = sink.issues
    assert issue.column == "Số thẻ ĐV"
    assert "người khác" in issue.message
    assert Member.objects.get().full_name == "Nguyễn Văn An"


@pytest.fixture
def twins(tree):
    """Two cells named "Chi bộ Văn phòng", one under each đảng bộ."""
    return (
        dependent_cell(tree["db1"], code="VP1", name="Chi bộ Văn phòng"),
        dependent_cell(tree["db2"], code="VP2", name="Chi bộ Văn phòng"),
    )


def _in_cell(name):
    return [3, "Lê Văn C", "01/01/1985", "Nam", "Kinh", None, None, "01/01/2010", None, name, None]


def test_a_cell_named_alone_is_found_when_unique_in_the_uploading_subtree(tree, twins):
    outcome, sink = _run(Book(S=_member_rows(_in_cell("Chi bộ Văn phòng"))), tree["db1"])
    assert outcome.written, sink.issues
    assert Member.objects.get().organization == twins[0]


@pytest.mark.parametrize("dash", [" – ", " - ", " — ", "  -  "])
def test_a_cell_is_found_by_its_name_and_its_parent_name(tree, twins, dash):
    written = f"Chi bộ Văn phòng{dash}Đảng bộ Công ty Hai"
    outcome, sink = _run(Book(S=_member_rows(_in_cell(written))), tree["top"])
    assert outcome.written, sink.issues
    assert Member.objects.get().organization == twins[1]


def test_an_ambiguous_cell_name_lists_the_candidates_by_name_and_parent(tree, twins):
    outcome, sink = _run(Book(S=_member_rows(_in_cell("Chi bộ Văn phòng"))), tree["top"])
    assert not outcome.written
    [issue] = [i for i in sink.issues if i.is_error]
    assert issue.column == "Chi bộ"
    assert "«Chi bộ Văn phòng – Đảng bộ Công ty Một»" in issue.message
    assert "«Chi bộ Văn phòng – Đảng bộ Công ty Hai»" in issue.message
    assert "VP1" not in issue.message
    assert "VP2" not in issue.message


def test_a_cell_name_holding_a_dash_is_still_found_whole(tree):
    cell = dependent_cell(tree["db1"], code="KHTC", name="Chi bộ Kế hoạch - Tài chính")
    outcome, sink = _run(Book(S=_member_rows(_in_cell("Chi bộ Kế hoạch - Tài chính"))), tree["top"])
    assert outcome.written, sink.issues
    assert Member.objects.get().organization == cell


ORG_HEADER = [
    "Mã tổ chức",
    "Tên tổ chức",
    "Loại tổ chức",
    "Mã tổ chức cấp trên",
    "Năm thành lập",
    "Số cán bộ, nhân viên",
]


def test_organizations_and_members_in_one_workbook(tree):
    orgs = [ORG_HEADER,
            ["C9", "Chi bộ Văn phòng", "Chi bộ trực thuộc", "DB9", "2016", 40],
            ["DB9", "Đảng bộ Công ty Chín", "Đảng bộ cơ sở", "KHOI", "01/01/2015", 300]]  # fmt: skip
    members = [
        HEADER,
        [
            1,
            "Phạm Văn D",
            "02/02/1982",
            "Nam",
            "Kinh",
            "55555555",
            None,
            "01/01/2017",
            "01/01/2018",
            "C9",
            None,
        ],
    ]
    outcome, sink = _run(Book(**{"Đảng viên": members, "Tổ chức": orgs}), tree["top"])
    assert outcome.written, sink.issues
    c9 = Organization.objects.get(code="C9")
    assert c9.parent.code == "DB9"
    assert c9.established_on == dt.date(2016, 1, 1)
    assert c9.staff_headcount == 40
    assert Member.objects.get(card_number="55555555").organization == c9


def test_a_member_admitted_before_the_cell_existed_is_refused(tree):
    orgs = [ORG_HEADER, ["C9", "Chi bộ Văn phòng", "Chi bộ trực thuộc", "DB1", "01/01/2020", 40]]
    members = [
        HEADER,
        [
            1,
            "Phạm Văn D",
            "02/02/1982",
            "Nam",
            "Kinh",
            "55555555",
            None,
            "01/01/2012",
            None,
            "C9",
            None,
        ],
    ]
    outcome, sink = _run(Book(O=orgs, M=members), tree["top"])
    assert not outcome.written
    assert Organization.objects.filter(code="C9").count() == 0
    assert any(i.column == "Chi bộ" and "thành lập" in i.message for i in sink.issues), sink.issues


def test_reimporting_organizations_is_unchanged_and_a_new_name_needs_an_event(tree):
    orgs = [ORG_HEADER, ["C9", "Chi bộ Văn phòng", "Chi bộ trực thuộc", "DB1", "01/01/2016", 40]]
    _run(Book(O=orgs), tree["top"])
    outcome, _ = _run(Book(O=orgs), tree["top"])
    assert outcome.counts == {"UNCHANGED": 1, "rows": 1, "errors": 0, "warnings": 0}
    renamed = [
        ORG_HEADER,
        ["C9", "Chi bộ Hành chính", "Chi bộ trực thuộc", "DB1", "01/01/2016", 45],
    ]
    outcome, sink = _run(Book(O=renamed), tree["top"])
    assert not outcome.written
    assert "đổi tên" in sink.issues[0].message


def test_the_committee_name_and_the_place_are_read_and_updated(tree):
    header = [*ORG_HEADER, "Tên cấp ủy", "Địa danh"]
    orgs = [header, ["DB9", "Đảng bộ Công ty Chín", "Đảng bộ cơ sở", "KHOI", "2015", 300,
                     "Đảng ủy Công ty CP Chín", "Tân An"]]  # fmt: skip
    outcome, sink = _run(Book(O=orgs), tree["top"])
    assert outcome.written, sink.issues
    db9 = Organization.objects.get(code="DB9")
    assert (db9.committee_name, db9.place_name, db9.committee) == (
        "Đảng ủy Công ty CP Chín", "Tân An", "Đảng ủy Công ty CP Chín",
    )  # fmt: skip
    orgs[1][6:] = ["Đảng ủy Công ty Chín", "Long An"]
    outcome, sink = _run(Book(O=orgs), tree["top"])
    assert outcome.written, sink.issues
    db9.refresh_from_db()
    assert (db9.committee_name, db9.place_name) == ("Đảng ủy Công ty Chín", "Long An")


def test_an_unknown_parent_code_is_reported(tree):
    orgs = [ORG_HEADER, ["C9", "Chi bộ Văn phòng", "Chi bộ trực thuộc", "NOPE", "01/01/2016", 40]]
    outcome, sink = _run(Book(O=orgs), tree["top"])
    assert not outcome.written
    assert sink.issues[0].column == "Mã tổ chức cấp trên"


def test_an_organization_code_used_outside_the_scope_is_refused_neutrally(tree):
    orgs = [ORG_HEADER,
            ["C3", "Chi bộ Mới", "Chi bộ trực thuộc", "DB1", "01/01/2020", 10],
            ["C8", "Chi bộ Tám", "Chi bộ trực thuộc", "DB2", "01/01/2020", 10],
            ["C7", "Chi bộ Bảy", "Chi bộ trực thuộc", "ZZ9", "01/01/2020", 10]]  # fmt: skip
    outcome, sink = _run(Book(O=orgs), tree["db1"])
    assert not outcome.written
    found = {(i.row, i.column): i.message for i in sink.issues}
    assert found[(2, "Mã tổ chức")] == "Mã tổ chức này đã được dùng; liên hệ cấp ủy cấp trên."
    # A parent outside the subtree and one that exists nowhere read the same.
    unknown = "Không có tổ chức cấp trên với mã này trong phạm vi quản lý (hoặc trong tệp)."
    assert found[(3, "Mã tổ chức cấp trên")] == found[(4, "Mã tổ chức cấp trên")] == unknown
    [entry] = AuditEntry.objects.filter(action="organizations.duplicate_refused")
    assert (entry.target_id, entry.org_path) == (str(tree["c3"].pk), tree["c3"].path)


def test_rows_are_matched_with_one_query_per_chunk_not_the_whole_registry(tree, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(engine, "CHUNK", 2)
    known = MemberFactory(organization=tree["c1"], card_number="01234567")
    for i in range(5):  # records no row of the file names
        MemberFactory(organization=tree["c2"], card_number=f"9{i:07d}")
    row_c = [3, "Lê Văn Cường", "01/01/1970", "Nam", "Kinh", None, None, "03/02/2000",
             "03/02/2001", "C2", None]  # fmt: skip
    loaded: list[list[str]] = []
    lookup = engine.MemberRows._lookup

    def spy(self, chunk):
        lookup(self, chunk)
        loaded.append(sorted(self.by_card))

    monkeypatch.setattr(engine.MemberRows, "_lookup", spy)
    with CaptureQueriesContext(connection) as queries:
        outcome, sink = _run(
            Book(S=_member_rows([*ROW_A[:1], known.full_name, *ROW_A[2:]], ROW_B, row_c)),
            tree["db1"], write=False,
        )  # fmt: skip
    # Two chunks (two rows, then one), each reading only the numbers its rows hold.
    assert loaded == [["01234567"], []]
    member_reads = [
        q["sql"] for q in queries.captured_queries
        if q["sql"].startswith('SELECT "members_member"."id" AS "pk", "members_member"."card_number"')
    ]  # fmt: skip
    assert len(member_reads) == 2
    assert outcome.counts["CREATE"] == 2, sink.issues
