"""Members for tests, registered through the service so events and states agree."""

from __future__ import annotations

import datetime as dt

import factory

from dangbo.members import services
from dangbo.members.models import Member, Sex


class MemberFactory(factory.django.DjangoModelFactory):
    """A member admitted on ``admitted_on`` into ``organization`` (a cell), official when ``official_on`` is set."""

    class Meta:
        model = Member

    full_name = factory.Sequence(lambda n: f"Trần Văn Thử {n}")
    date_of_birth = dt.date(1980, 5, 17)
    sex = Sex.MALE
    organization = None
    admitted_on = dt.date(2010, 3, 1)
    official_on = dt.date(2011, 3, 1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if kwargs.get("organization") is None:
            raise ValueError("MemberFactory cần organization (một chi bộ).")
        return services.create_member(actor=None, **kwargs)
