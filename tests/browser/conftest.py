"""Browser tests run against a live server, so their database is flushed after each test.

The flush also removes what the data migrations wrote (reference codes, the legal
nesting of organization kinds, the regulations), and pytest-django's serialized
rollback is not restored when the Playwright ``page`` fixture is in use
(pytest-django issue 1117). Each browser test therefore puts that reference data
back (the root conftest's ``reference_data``) when it finds it missing.
"""

import pytest


@pytest.fixture(autouse=True)
def _reference_data(reference_data):
    pass
