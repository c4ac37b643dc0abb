import datetime as dt

import pytest

from dangbo.organizations import services as org_services
from dangbo.organizations.models import OrgKind
from dangbo.regulations.models import Regulation, Setting
from dangbo.regulations.selectors import regulation_in_force, setting_value

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
