"""Organizations for tests, founded through the service so their history is consistent."""

from __future__ import annotations

import datetime as dt

import factory

from dangbo.organizations import services
from dangbo.organizations.models import Organization, OrgKind


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    code = factory.Sequence(lambda n: f"TC{n:04d}")
    name = factory.LazyAttribute(lambda o: f"Tổ chức {o.code}")
    kind = OrgKind.BLOC
    parent = None
    established_on = dt.date(2000, 1, 1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.found_organization(actor=None, **kwargs)


def bloc(**kwargs) -> Organization:
    """A bloc committee (đảng ủy khối), the top of a test tree."""
    kwargs.setdefault("name", "Đảng ủy Khối Thử nghiệm")
    return OrganizationFactory(kind=OrgKind.BLOC, **kwargs)


def dang_bo(parent: Organization, **kwargs) -> Organization:
    """A grassroots đảng bộ cơ sở under ``parent``."""
    return OrganizationFactory(kind=OrgKind.GRASSROOTS_DANG_BO, parent=parent, **kwargs)


def grassroots_cell(parent: Organization, **kwargs) -> Organization:
    """A chi bộ cơ sở directly under ``parent``."""
    return OrganizationFactory(kind=OrgKind.GRASSROOTS_CELL, parent=parent, **kwargs)


def dependent_cell(parent: Organization, **kwargs) -> Organization:
    """A chi bộ trực thuộc under a đảng bộ cơ sở."""
    return OrganizationFactory(kind=OrgKind.DEPENDENT_CELL, parent=parent, **kwargs)
