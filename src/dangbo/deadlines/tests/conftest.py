import pytest

from dangbo.deadlines import sources

from .fakes import FakeSource


@pytest.fixture
def fake_source(monkeypatch):
    """The only source of the radar during the test (the domain apps' sources are set aside)."""
    monkeypatch.setattr(sources, "SOURCES", [])
    source = FakeSource()
    sources.register(source)
    yield source
    sources.unregister(source)
