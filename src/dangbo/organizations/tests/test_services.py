import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.organizations import selectors, services
from dangbo.organizations.models import Organization, OrgEvent, OrgKind, TreePosition

D = dt.date
pytestmark = pytest.mark.django_db


FOUNDED = D(2010, 1, 1)


def found(code, kind, parent=None, on=FOUNDED, **kw):
    return services.found_organization(
        actor=None,
        code=code,
        name=f"Tổ chức {code}",
        kind=kind,
        parent=parent,
        established_on=on,
        **kw,
    )


@pytest.fixture
def tree():
    top = found("T", OrgKind.PROVINCIAL)
    bloc = found("K", OrgKind.BLOC, top)
    g = found("G", OrgKind.GRASSROOTS_DANG_BO, bloc)
    c = found("C", OrgKind.DEPENDENT_CELL, g)
    return top, bloc, g, c


def test_found_sets_path_under_parent_and_opens_history(tree):
    _top, bloc, g, c = tree
    assert c.path.startswith(g.path)
    assert g.path.startswith(bloc.path)
    assert c.depth == 3
    assert TreePosition.objects.get(organization=c).valid_until is None
    assert OrgEvent.objects.filter(organization=c, kind=OrgEvent.Kind.FOUNDED).count() == 1
    assert AuditEntry.objects.filter(action="organizations.founded", target_id=str(c.pk)).exists()


def test_illegal_pair_is_refused_and_nothing_saved(tree):
    _top, _bloc, _g, c = tree
    with pytest.raises(DomainError) as exc:
        found("X", OrgKind.GRASSROOTS_DANG_BO, c)
    assert exc.value.message_dict["parent"] == [
        "Đảng bộ cơ sở không thể trực thuộc Chi bộ trực thuộc vào ngày 01/01/2010 (theo quy tắc cấp tổ chức đang áp dụng)."
    ]
    assert not Organization.objects.filter(code="X").exists()


@pytest.mark.parametrize(
    ("on", "allowed"), [(D(2025, 6, 30), False), (D(2025, 7, 1), True), (D(2025, 7, 2), True)]
)
def test_superior_level_under_province_from_qd294(tree, on, allowed):
    top = tree[0]
    if allowed:
        assert found("S", OrgKind.SUPERIOR, top, on=on).parent == top
    else:
        with pytest.raises(DomainError):
            found("S", OrgKind.SUPERIOR, top, on=on)


def test_move_into_own_subtree_is_a_cycle_and_refused(tree):
    top, bloc, g, _c = tree
    g2 = found("G2", OrgKind.GRASSROOTS_DANG_BO, bloc)
    with pytest.raises(DomainError) as exc:
        services.move_organization(actor=None, org=bloc, new_parent=g, on=D(2020, 1, 1))
    assert "new_parent" in exc.value.message_dict
    with pytest.raises(DomainError):
        services.move_organization(actor=None, org=g, new_parent=g, on=D(2020, 1, 1))
    assert Organization.objects.get(pk=bloc.pk).parent == top
    assert g2.parent == bloc


def test_move_keeps_the_old_tree_for_past_dates(tree):
    top, bloc, g, c = tree
    sup = found("S", OrgKind.SUPERIOR, top, on=D(2025, 7, 1))
    services.move_organization(actor=None, org=g, new_parent=sup, on=D(2025, 7, 1))
    c.refresh_from_db()
    assert c.path.startswith(sup.path)
    then = {p.organization.code for p in selectors.positions_under(bloc, D(2018, 6, 1))}
    now = {p.organization.code for p in selectors.positions_under(bloc, D(2025, 7, 1))}
    assert then == {"K", "G", "C"}
    assert now == {"K"}
    assert {p.organization.code for p in selectors.positions_under(sup, D(2025, 7, 1))} == {
        "S",
        "G",
        "C",
    }
    # The day before the move the cell is still under the bloc.
    assert "C" in {p.organization.code for p in selectors.positions_under(bloc, D(2025, 6, 30))}


def test_a_dissolved_cell_stays_dissolved_when_its_parent_moves(tree):
    """Moving a subtree opens new periods only for what still stands: a cell dissolved before
    the move keeps its last period closed, and the tree of any later day does not show it."""
    top, bloc, g, c = tree
    services.dissolve_organization(actor=None, org=c, on=D(2020, 3, 1))
    sup = found("S", OrgKind.SUPERIOR, top, on=D(2025, 7, 1))
    services.move_organization(actor=None, org=g, new_parent=sup, on=D(2025, 7, 1))
    c.refresh_from_db()
    assert c.path.startswith(sup.path)  # its path follows its ancestors
    assert list(
        TreePosition.objects.filter(organization=c).values_list("valid_until", flat=True)
    ) == [D(2020, 3, 1)]
    assert {p.organization.code for p in selectors.positions_under(sup, D(2025, 7, 1))} == {
        "S",
        "G",
    }
    assert {p.organization.code for p in selectors.positions_under(bloc, D(2020, 2, 29))} == {
        "K", "G", "C",
    }  # fmt: skip


def test_rename_keeps_the_old_name_in_history(tree):
    g = tree[2]
    services.rename_organization(actor=None, org=g, name="Đảng bộ mới", on=D(2019, 1, 1))
    names = [(p.name, p.valid_from) for p in selectors.history_of(g)]
    assert names == [("Tổ chức G", D(2010, 1, 1)), ("Đảng bộ mới", D(2019, 1, 1))]


def test_event_dated_before_the_last_change_is_refused(tree):
    g = tree[2]
    services.rename_organization(actor=None, org=g, name="Tên mới", on=D(2019, 1, 1))
    with pytest.raises(DomainError) as exc:
        services.rename_organization(actor=None, org=g, name="Tên khác", on=D(2018, 1, 1))
    assert "happened_on" in exc.value.message_dict


def test_dissolve_refused_while_children_are_active(tree):
    _top, bloc, g, c = tree
    with pytest.raises(DomainError, match="Còn tổ chức trực thuộc"):
        services.dissolve_organization(actor=None, org=g, on=D(2020, 1, 1))
    services.dissolve_organization(actor=None, org=c, on=D(2020, 1, 1))
    services.dissolve_organization(actor=None, org=g, on=D(2020, 1, 1))
    g.refresh_from_db()
    assert g.dissolved_on == D(2020, 1, 1)
    assert {p.organization.code for p in selectors.positions_under(bloc, D(2020, 1, 1))} == {"K"}
    assert "G" in {p.organization.code for p in selectors.positions_under(bloc, D(2019, 12, 31))}


def test_no_child_under_a_dissolved_organization(tree):
    c = tree[3]
    services.dissolve_organization(actor=None, org=c, on=D(2020, 1, 1))
    g = tree[2]
    services.dissolve_organization(actor=None, org=g, on=D(2020, 1, 2))
    with pytest.raises(DomainError, match="đã giải thể"):
        found("C9", OrgKind.DEPENDENT_CELL, g, on=D(2021, 1, 1))


def test_restore_reopens_a_dissolved_organization(tree):
    c = tree[3]
    services.dissolve_organization(actor=None, org=c, on=D(2020, 1, 1))
    services.restore_organization(actor=None, org=c, on=D(2020, 2, 1), note="Ghi nhầm")
    c.refresh_from_db()
    assert c.dissolved_on is None
    assert AuditEntry.objects.filter(action="organizations.restored").count() == 1


def test_update_audits_before_and_after(tree):
    g = tree[2]
    services.update_organization(actor=None, org=g, staff_headcount=120)
    entry = AuditEntry.objects.get(action="organizations.updated")
    assert entry.before["staff_headcount"] is None
    assert entry.after["staff_headcount"] == 120


def test_subtree_query_uses_the_path_index(tree):
    from django.db import connection

    top = tree[0]
    qs = selectors.orgs_under(top).select_related(None).only("id", "code")
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        cursor.execute(explain + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    if connection.vendor == "sqlite":
        assert "USING INDEX" in plan or "USING COVERING INDEX" in plan
    assert list(qs.values_list("code", flat=True))


def test_an_edit_from_a_stale_organization_keeps_a_rename_made_meanwhile(tree):
    org = tree[2]
    stale = Organization.objects.get(pk=org.pk)
    services.rename_organization(
        actor=None, org=Organization.objects.get(pk=org.pk), name="Tên mới", on=dt.date(2020, 1, 1)
    )

    services.update_organization(actor=None, org=stale, phone="0241234567")

    org.refresh_from_db()
    assert (org.name, org.phone) == ("Tên mới", "0241234567")
    entry = AuditEntry.objects.filter(action="organizations.updated").latest("pk")
    assert entry.before["name"] == "Tên mới"


def _root(**kw):
    values = {"actor": None, "code": "LH", "name": "Đảng bộ tỉnh Lạc Hồng", "kind": OrgKind.PROVINCIAL,
              "established_on": D(1930, 2, 3), "place_name": "Lạc Hồng"}  # fmt: skip
    return services.found_root_organization(**{**values, **kw})


def test_the_root_of_an_empty_installation_is_founded_with_its_history_and_audited():
    root = _root(committee_name="Tỉnh ủy Lạc Hồng")
    assert root.parent is None
    assert root.depth == 0
    assert root.path
    assert (root.place_name, root.committee_name) == ("Lạc Hồng", "Tỉnh ủy Lạc Hồng")
    assert TreePosition.objects.filter(organization=root, valid_from=D(1930, 2, 3)).exists()
    assert root.events.get().kind == OrgEvent.Kind.FOUNDED
    entry = AuditEntry.objects.get(action="organizations.founded")
    assert entry.target_id == str(root.pk)
    assert entry.org_path == root.path
    assert services.installation_root() == root


def test_a_second_root_is_refused_on_the_code_field():
    _root()
    with pytest.raises(DomainError) as caught:
        _root(code="KHAC", name="Đảng bộ khác")
    assert "đã có tổ chức cao nhất «Đảng bộ tỉnh Lạc Hồng»" in caught.value.message_dict["code"][0]
    assert Organization.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "on", "words"),
    [
        (OrgKind.DEPENDENT_CELL, D(2000, 1, 1), "chỉ có trong một đảng bộ cơ sở"),
        (OrgKind.DISTRICT, D(2025, 7, 1), "không còn cấp huyện"),
    ],
)
def test_a_kind_that_cannot_stand_at_the_top_is_refused_on_the_kind_field(kind, on, words):
    with pytest.raises(DomainError) as caught:
        _root(kind=kind, established_on=on)
    assert words in caught.value.message_dict["kind"][0]
    assert not Organization.objects.exists()
    assert not AuditEntry.objects.exists()


def test_the_root_gets_the_same_field_checks_as_a_child():
    with pytest.raises(ValidationError) as caught:
        _root(code=" ", name="")
    assert set(caught.value.message_dict) >= {"code", "name"}
    assert not Organization.objects.exists()
