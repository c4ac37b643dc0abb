"""The admission pages: files (``candidates``), probation and recognition (``recognition``),
plans and targets (``plans``)."""

from .candidates import (
    ApplicationView,
    BackgroundView,
    CandidateDetailView,
    CandidateListView,
    CellVoteView,
    CeremonyView,
    CertificateView,
    CommitteeVoteView,
    DecisionDocxView,
    DecisionView,
    EditView,
    IntroducerView,
    ProposeView,
    VoidCandidateView,
    VoidIntroducerView,
    VoidVoteView,
    WithdrawView,
)  # fmt: skip
from .plans import PlanView, SetPlanView, SetTargetView
from .recognition import (
    ProbationListView,
    RecognitionDecisionView,
    RecognitionDocxView,
    RecognitionOpenView,
    RecognitionView,
    RecognitionVoidView,
    RecognitionVoteView,
)  # fmt: skip

__all__ = [
    "ApplicationView", "BackgroundView", "CandidateDetailView", "CandidateListView",
    "CellVoteView", "CeremonyView", "CertificateView", "CommitteeVoteView", "DecisionDocxView",
    "DecisionView", "EditView", "IntroducerView", "PlanView", "ProbationListView", "ProposeView",
    "RecognitionDecisionView", "RecognitionDocxView", "RecognitionOpenView", "RecognitionView",
    "RecognitionVoidView", "RecognitionVoteView", "SetPlanView", "SetTargetView",
    "VoidCandidateView", "VoidIntroducerView", "VoidVoteView", "WithdrawView",
]  # fmt: skip
