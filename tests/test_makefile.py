"""What each make target installs: the demo only what it runs on, the tests the rest too."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make chưa được cài")


def planned(target: str) -> str:
    """The commands ``make TARGET`` would run (``make -n``: printed, not run)."""
    done = subprocess.run(
        ["make", "-n", "--no-print-directory", target], cwd=ROOT, capture_output=True, text=True,
        timeout=60, check=True,
    )  # fmt: skip
    return done.stdout


def test_make_demo_installs_only_uv_and_the_python_packages():
    plan = planned("demo")
    assert "uv sync --locked" in plan
    assert "dangbo demo" in plan
    for system in ("apt-get", "chromium", "postgresql"):
        assert system not in plan


@pytest.mark.parametrize("target", ["install", "test"])
def test_make_install_and_make_test_also_bring_chromium_and_postgresql(target):
    plan = planned(target)
    assert "uv sync --locked" in plan
    assert "apt-get install" in plan
    assert "chromium" in plan
    assert "postgresql" in plan
