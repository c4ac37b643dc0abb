"""The organization's name, its committee's name and the place its documents name."""

import pytest

from dangbo.organizations.models import Organization, OrgKind
from dangbo.organizations.naming import derive_committee_name, inherited_place
from dangbo.organizations.tests.factories import OrganizationFactory, dang_bo, dependent_cell


@pytest.mark.parametrize(
    ("kind", "name", "committee"),
    [
        ("PROVINCIAL", "Đảng bộ tỉnh Lạc Hồng", "Tỉnh ủy Lạc Hồng"),
        ("PROVINCIAL", "Đảng bộ thành phố Hải Phòng", "Thành ủy Hải Phòng"),
        ("DISTRICT", "Đảng bộ huyện Đại Từ", "Huyện ủy Đại Từ"),
        ("DISTRICT", "Đảng bộ quận Ba Đình", "Quận ủy Ba Đình"),
        ("DISTRICT", "Đảng bộ thị xã Phổ Yên", "Thị ủy Phổ Yên"),
        ("DISTRICT", "Đảng bộ thành phố Thái Nguyên", "Thành ủy Thái Nguyên"),
        ("BLOC", "Đảng bộ Khối Doanh nghiệp tỉnh", "Đảng ủy Khối Doanh nghiệp tỉnh"),
        ("SUPERIOR", "Đảng bộ xã La Bằng", "Đảng ủy xã La Bằng"),
        ("GRASSROOTS_DANG_BO", "Đảng bộ Hội Nông dân tỉnh", "Đảng ủy Hội Nông dân tỉnh"),
        ("SUB_DANG_BO", "Đảng bộ Phân xưởng 1", "Đảng ủy Phân xưởng 1"),
        # A cell issues and signs in its own name ("T/M CHI BỘ").
        ("DEPENDENT_CELL", "Chi bộ Văn phòng", "Chi bộ Văn phòng"),
        ("GRASSROOTS_CELL", "Chi bộ Trường Tiểu học", "Chi bộ Trường Tiểu học"),
        # A name already in a committee's form is kept.
        ("PROVINCIAL", "Tỉnh ủy Lạc Hồng", "Tỉnh ủy Lạc Hồng"),
        ("BLOC", "Đảng ủy Khối Thử nghiệm", "Đảng ủy Khối Thử nghiệm"),
        # "tỉnh" makes a Tỉnh ủy only at province level: elsewhere the committee is a Đảng ủy.
        ("GRASSROOTS_DANG_BO", "Đảng bộ tỉnh đội", "Đảng ủy tỉnh đội"),
        ("CENTRAL", "Đảng Cộng sản Việt Nam", "Ban Chấp hành Trung ương"),
        ("GRASSROOTS_DANG_BO", "Công ty A", "Công ty A"),
    ],
)
def test_the_committee_name_is_derived_from_kind_and_name(kind, name, committee):
    assert derive_committee_name(kind, name) == committee


def test_the_committee_name_is_normalized_to_nfc():
    decomposed = "Đảng bộ tỉnh Lạc Hồng".replace("ồ", "o\u0302\u0300")
    assert derive_committee_name("PROVINCIAL", decomposed) == "Tỉnh ủy Lạc Hồng"


@pytest.mark.parametrize(
    ("places", "expected"),
    [
        (["Lạc Hồng", "", ""], "Lạc Hồng"),  # inherited from the top
        (["Lạc Hồng", "Bến Thành", ""], "Bến Thành"),  # the nearest above
        (["Lạc Hồng", "", "Tân An"], "Tân An"),  # its own
        (["", "", ""], ""),
        ([], ""),
    ],
)
def test_the_place_is_inherited_from_the_nearest_organization_above(places, expected):
    assert inherited_place(places) == expected


@pytest.mark.django_db
def test_the_model_names_the_committee_and_walks_up_for_the_place():
    top = OrganizationFactory(
        kind=OrgKind.PROVINCIAL, code="LH", name="Đảng bộ tỉnh Lạc Hồng", place_name="Lạc Hồng"
    )
    farmers = dang_bo(top, code="HND", name="Đảng bộ Hội Nông dân tỉnh")
    office = dependent_cell(farmers, code="VP", name="Chi bộ Văn phòng")
    assert (top.committee, farmers.committee, office.committee) == (
        "Tỉnh ủy Lạc Hồng", "Đảng ủy Hội Nông dân tỉnh", "Chi bộ Văn phòng",
    )  # fmt: skip
    assert office.document_place() == "Lạc Hồng"
    Organization.objects.filter(pk=farmers.pk).update(
        place_name="Tân An", committee_name="Đảng ủy Hội Nông dân"
    )
    office.refresh_from_db()
    farmers.refresh_from_db()
    assert (office.document_place(), farmers.committee) == ("Tân An", "Đảng ủy Hội Nông dân")
