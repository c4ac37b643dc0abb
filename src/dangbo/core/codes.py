"""Reading the reference code lists (ethnic groups, religions, levels...)."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

# (list, file, code column, name column, filter on the file's "list" column)
SOURCES = [
    ("ethnicity", "ethnic_groups.csv", None),
    ("religion", "religions.csv", None),
    ("general_education", "education_levels.csv", "general_education"),
    ("professional", "education_levels.csv", "professional"),
    ("political_theory", "education_levels.csv", "political_theory"),
    ("academic_title", "education_levels.csv", "academic_title"),
    ("province", "provinces_2025.csv", None),
    ("province_2008", "provinces_2008_2025.csv", None),
]


def read_source_rows():
    """Yield (list, code, name, other_names, position) from the shipped CSV files."""
    for list_name, filename, list_filter in SOURCES:
        with (DATA_DIR / filename).open(encoding="utf-8", newline="") as fh:
            position = 0
            for row in csv.DictReader(fh):
                if list_filter and row.get("list") != list_filter:
                    continue
                position += 1
                yield (
                    list_name,
                    row["code"],
                    row["name"],
                    row.get("other_names", "") or "",
                    position,
                )


@lru_cache(maxsize=32)
def _names(list_name: str) -> dict[str, str]:
    from .models import Code

    return dict(Code.objects.filter(list=list_name).values_list("code", "name"))


def choices(list_name: str) -> list[tuple[str, str]]:
    """Return [(code, name)] for a form's select, in the list's order."""
    from .models import Code

    return list(Code.objects.filter(list=list_name).values_list("code", "name"))


def name_of(list_name: str, code: str | None) -> str:
    if not code:
        return ""
    return _names(list_name).get(code, code)


def clear_cache() -> None:
    _names.cache_clear()
