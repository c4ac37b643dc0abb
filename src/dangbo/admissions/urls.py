from django.urls import path

from . import views

C = "admissions/<int:candidate>/"
R = "members/<int:pk>/recognition/"

urlpatterns = [
    path("o/<str:code>/admissions/", views.CandidateListView.as_view(), name="admission-list"),
    path("o/<str:code>/admissions/new/", views.ProposeView.as_view(), name="admission-new"),
    path("o/<str:code>/probation/", views.ProbationListView.as_view(), name="probation-list"),
    path("o/<str:code>/admission-plan/", views.PlanView.as_view(), name="admission-plan"),
    path(
        "o/<str:code>/admission-plan/plan/", views.SetPlanView.as_view(), name="admission-plan-set"
    ),
    path(
        "o/<str:code>/admission-plan/target/",
        views.SetTargetView.as_view(),
        name="admission-target-set",
    ),
    path(C, views.CandidateDetailView.as_view(), name="admission-candidate"),
    path(C + "edit/", views.EditView.as_view(), name="admission-edit"),
    path(C + "certificate/", views.CertificateView.as_view(), name="admission-certificate"),
    path(C + "application/", views.ApplicationView.as_view(), name="admission-application"),
    path(C + "background-check/", views.BackgroundView.as_view(), name="admission-background"),
    path(C + "introducers/", views.IntroducerView.as_view(), name="admission-introducer"),
    path(
        C + "introducers/void/",
        views.VoidIntroducerView.as_view(),
        name="admission-introducer-void",
    ),
    path(C + "cell-vote/", views.CellVoteView.as_view(), name="admission-cell-vote"),
    path(
        C + "committee-proposal/",
        views.CommitteeVoteView.as_view(),
        name="admission-committee-proposal",
    ),
    path(C + "votes/void/", views.VoidVoteView.as_view(), name="admission-vote-void"),
    path(C + "decision/", views.DecisionView.as_view(), name="admission-decision"),
    path(C + "ceremony/", views.CeremonyView.as_view(), name="admission-ceremony"),
    path(C + "withdraw/", views.WithdrawView.as_view(), name="admission-withdraw"),
    path(C + "void/", views.VoidCandidateView.as_view(), name="admission-void"),
    path(C + "decision.docx", views.DecisionDocxView.as_view(), name="admission-decision-docx"),
    path(R, views.RecognitionView.as_view(), name="member-recognition"),
    path(R + "open/", views.RecognitionOpenView.as_view(), name="member-recognition-open"),
    path(R + "vote/", views.RecognitionVoteView.as_view(), name="member-recognition-vote"),
    path(
        R + "decision/", views.RecognitionDecisionView.as_view(), name="member-recognition-decision"
    ),
    path(R + "void/", views.RecognitionVoidView.as_view(), name="member-recognition-void"),
    path(R + "decision.docx", views.RecognitionDocxView.as_view(), name="member-recognition-docx"),
]
