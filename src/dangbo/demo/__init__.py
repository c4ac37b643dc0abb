"""The demo committee: a deterministic, fictional provincial committee for trying dangbo out.

``build_demo(members=..., seed=...)`` writes it into an empty, migrated
database; ``dangbo demo`` rebuilds the configured database with it.
"""

from .build import DEFAULT_MEMBERS, DEFAULT_SEED, DEMO_PASSWORD, DemoLogin, DemoResult, build_demo

__all__ = [
    "DEFAULT_MEMBERS",
    "DEFAULT_SEED",
    "DEMO_PASSWORD",
    "DemoLogin",
    "DemoResult",
    "build_demo",
]
