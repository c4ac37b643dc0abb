"""Users and roles for tests, made through the services."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from dangbo.accounts import services
from dangbo.accounts.models import Role

PASSWORD = "mat-khau-thu-nghiem-2025"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"canbo{n}")
    full_name = factory.Sequence(lambda n: f"Cán bộ Thử {n}")
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.create_user(actor=None, validate_password=False, **kwargs)


def user_with_role(
    organization, role: str = Role.COMMITTEE_ADMIN, modules: list[str] | None = None, **kwargs
):
    """A user holding ``role`` over ``organization``'s subtree."""
    user = UserFactory(**kwargs)
    services.grant_role(
        actor=None, user=user, role=role, organization=organization, modules=modules
    )
    return user
