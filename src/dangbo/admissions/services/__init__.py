"""Every write of the admission work: checks, one transaction, derived state, audit.

Split by the part of the work: ``candidates`` (the file up to the cell's vote),
``decisions`` (resolutions, the decision, the ceremony), ``recognition`` (the
probationer's recognition), ``plans`` (plans and term targets).
"""

from ._common import derive_candidate, derive_recognition
from .candidates import (
    add_introducer,
    propose_candidate,
    record_application,
    record_awareness_certificate,
    record_background_check,
    update_candidate,
    void_candidate,
    void_introducer,
    withdraw_candidate,
)  # fmt: skip
from .decisions import (
    check_ready_for_cell_vote,
    record_cell_vote,
    record_ceremony,
    record_committee_proposal,
    record_decision,
    void_vote,
)  # fmt: skip
from .plans import set_plan, set_target
from .recognition import (
    NOT_RECOGNIZED_GROUNDS,
    open_recognition,
    record_recognition_decision,
    record_recognition_vote,
    update_recognition,
    void_recognition,
)  # fmt: skip

__all__ = [
    "NOT_RECOGNIZED_GROUNDS",
    "add_introducer",
    "check_ready_for_cell_vote",
    "derive_candidate",
    "derive_recognition",
    "open_recognition",
    "propose_candidate",
    "record_application",
    "record_awareness_certificate",
    "record_background_check",
    "record_cell_vote",
    "record_ceremony",
    "record_committee_proposal",
    "record_decision",
    "record_recognition_decision",
    "record_recognition_vote",
    "set_plan",
    "set_target",
    "update_candidate",
    "update_recognition",
    "void_candidate",
    "void_introducer",
    "void_recognition",
    "void_vote",
    "withdraw_candidate",
]  # fmt: skip
