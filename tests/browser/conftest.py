"""Browser tests run against a live server, so their database is flushed after each test.

The flush also removes what the data migrations wrote (reference codes, the legal
nesting of organization kinds, the regulations), and pytest-django's serialized
rollback is not restored when the Playwright ``page`` fixture is in use
(pytest-django issue 1117). Each browser test therefore puts that reference data
back, by the very functions the migrations run, when it finds it missing.
"""

import importlib

import pytest
from django.apps import apps

DATA_MIGRATIONS = (
    "dangbo.core.migrations.0002_load_codes",
    "dangbo.organizations.migrations.0002_kind_rules_and_sectors",
    "dangbo.regulations.migrations.0002_seed_regulations",
)


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    from dangbo.organizations.models import OrgKindRule

    if not OrgKindRule.objects.exists():
        for name in DATA_MIGRATIONS:
            importlib.import_module(name).load(apps, None)
