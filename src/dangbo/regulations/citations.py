"""Which document judges a fact: the implementing regulation of the Statute in force on its date.

One table for every app: admissions, transfers and badges cite the same chain
(rules digest §0), QĐ 23-QĐ/TW (31/10/2006) → QĐ 45-QĐ/TW (01/11/2011) →
QĐ 29-QĐ/TW (25/07/2016) → QĐ 24-QĐ/TW (30/07/2021) → QĐ 232-QĐ/TW
(20/01/2025) → QĐ 294-QĐ/TW (in force 01/07/2025).
"""

from __future__ import annotations

import datetime as dt

QD_23_ON = dt.date(2006, 10, 31)
QD_45_ON = dt.date(2011, 11, 1)
QD_29_ON = dt.date(2016, 7, 25)
QD_24_ON = dt.date(2021, 7, 30)
QD_232_ON = dt.date(2025, 1, 20)
QD_294_ON = dt.date(2025, 7, 1)

IMPLEMENTING_REGULATIONS = (
    (QD_294_ON, "Quy định 294-QĐ/TW"),
    (QD_232_ON, "Quy định 232-QĐ/TW"),
    (QD_24_ON, "Quy định 24-QĐ/TW"),
    (QD_29_ON, "Quy định 29-QĐ/TW"),
    (QD_45_ON, "Quy định 45-QĐ/TW"),
    (QD_23_ON, "Quy định 23-QĐ/TW"),
)


def implementing_regulation(on: dt.date) -> str:
    """Return the implementing regulation of the Statute in force on ``on`` (before QĐ 23, the
    earliest one known here)."""
    for start, name in IMPLEMENTING_REGULATIONS:
        if on >= start:
            return name
    return IMPLEMENTING_REGULATIONS[-1][1]
