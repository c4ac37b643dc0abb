import datetime as dt

import pytest

from dangbo.organizations import services as org_services
from dangbo.organizations.models import OrgKind
from dangbo.regulations.models import Regulation, Setting
from dangbo.regulations.selectors import regulation_in_force, setting_value, setting_values

D = dt.date
pytestmark = pytest.mark.django_db


def test_seeded_implementing_regulations_are_chosen_by_date():
    # QĐ 294-QĐ/TW takes effect on 01/07/2025 and replaces QĐ 232-QĐ/TW.
    assert regulation_in_force("232", "QĐ/TW", D(2025, 6, 30)).number == "232"
    assert regulation_in_force("232", "QĐ/TW", D(2025, 7, 1)) is None
    assert regulation_in_force("294", "QĐ/TW", D(2025, 6, 30)) is None
    assert regulation_in_force("294", "QĐ/TW", D(2025, 7, 1)).number == "294"
    assert Regulation.objects.get(number="232").repealed_by.number == "294"


def test_setting_most_specific_organization_and_latest_effective_wins():
    top = org_services.found_organization(
        actor=None,
        code="T",
        name="Tỉnh ủy",
        kind=OrgKind.PROVINCIAL,
        parent=None,
        established_on=D(2010, 1, 1),
    )
    g = org_services.found_organization(
        actor=None,
        code="G",
        name="Đảng bộ",
        kind=OrgKind.GRASSROOTS_DANG_BO,
        parent=top,
        established_on=D(2010, 1, 1),
    )
    assert setting_value("certificate_months", org=g, on=D(2020, 1, 1), default=60) == 60
    Setting.objects.create(key="certificate_months", value=48, effective_on=D(2020, 1, 1))
    Setting.objects.create(
        key="certificate_months", organization=top, value=36, effective_on=D(2022, 1, 1)
    )
    assert setting_value("certificate_months", org=g, on=D(2019, 12, 31), default=60) == 60
    assert setting_value("certificate_months", org=g, on=D(2020, 1, 1), default=60) == 48
    assert setting_value("certificate_months", org=g, on=D(2021, 12, 31), default=60) == 48
    assert setting_value("certificate_months", org=g, on=D(2022, 1, 1), default=60) == 36


def test_setting_values_read_once_answer_as_setting_value_for_each_organization(
    django_assert_num_queries,
):
    found = lambda code, parent, kind: org_services.found_organization(  # noqa: E731
        actor=None, code=code, name=f"Tổ chức {code}", kind=kind, parent=parent,
        established_on=D(2010, 1, 1),
    )  # fmt: skip
    top = found("T", None, OrgKind.PROVINCIAL)
    g = found("G", top, OrgKind.GRASSROOTS_DANG_BO)
    h = found("H", top, OrgKind.GRASSROOTS_DANG_BO)
    Setting.objects.create(key="certificate_months", value=48, effective_on=D(2020, 1, 1))
    Setting.objects.create(key="certificate_months", organization=g, value=36,
                           effective_on=D(2022, 1, 1))  # fmt: skip
    on = D(2023, 1, 1)
    with django_assert_num_queries(1):
        value_for = setting_values("certificate_months", on=on, default=60)
        values = [value_for(org) for org in (top, g, h, None)]
    assert values == [48, 36, 48, 48]
    assert values == [
        setting_value("certificate_months", org=org, on=on, default=60) for org in (top, g, h, None)
    ]
