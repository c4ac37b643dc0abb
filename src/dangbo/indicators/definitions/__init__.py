"""Indicator definitions, one module per domain area; every module here is loaded by the registry.

``ORDER`` fixes the order in which the areas are listed (the page, ``--list``,
the API and docs/indicators.md); modules not named follow alphabetically.
"""

ORDER = ["organizations", "members"]
