"""The record sheets of the domain modules, in the order they are planned and written.

A sheet naming the records of another record sheet comes after it. Each
module's sheets are declared in the module of this package named after it.
"""

from __future__ import annotations

from . import admissions, awards, meetings, transfers
from .base import RecordSheet

RECORD_SHEETS: tuple[RecordSheet, ...] = (
    *admissions.SHEETS, *transfers.SHEETS, *awards.SHEETS, *meetings.SHEETS,
)  # fmt: skip
