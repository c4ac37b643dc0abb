from django.urls import path

from . import pages, views

urlpatterns = [
    path("o/<str:code>/meetings/", views.MonthGridView.as_view(), name="meetings"),
    path("o/<str:code>/meetings/new/", views.RecordMeetingView.as_view(), name="meeting-add"),
    path(
        "o/<str:code>/meetings/scores.docx",
        views.ScoreSheetDocxView.as_view(),
        name="meeting-score-sheet",
    ),
    path(
        "o/<str:code>/meetings/<int:meeting>/",
        views.MeetingDetailView.as_view(),
        name="meeting-detail",
    ),
    path(
        "o/<str:code>/meetings/<int:meeting>/confirm/",
        views.ConfirmScoreView.as_view(),
        name="meeting-confirm",
    ),
    path(
        "o/<str:code>/meetings/<int:meeting>/minutes.docx",
        views.MinutesDocxView.as_view(),
        name="meeting-minutes",
    ),
    path(
        "o/<str:code>/meetings/<int:meeting>/void/",
        pages.MeetingVoidView.as_view(),
        name="meeting-void",
    ),
    path("o/<str:code>/meetings/rubrics/", pages.RubricListView.as_view(), name="meeting-rubrics"),
    path(
        "o/<str:code>/meetings/rubrics/new/",
        pages.RubricCreateView.as_view(),
        name="meeting-rubric-add",
    ),
    path(
        "o/<str:code>/meetings/rubrics/<int:template>/adopt/",
        pages.RubricAdoptView.as_view(),
        name="meeting-rubric-adopt",
    ),
    path(
        "o/<str:code>/meetings/rubrics/<int:rubric>/void/",
        pages.RubricVoidView.as_view(),
        name="meeting-rubric-void",
    ),
    path(
        "o/<str:code>/meetings/assignments/",
        pages.AssignmentListView.as_view(),
        name="meeting-assignments",
    ),
    path(
        "o/<str:code>/meetings/assignments/new/",
        pages.AssignmentCreateView.as_view(),
        name="meeting-assignment-add",
    ),
    path(
        "o/<str:code>/meetings/assignments/<int:assignment>/end/",
        pages.AssignmentEndView.as_view(),
        name="meeting-assignment-end",
    ),
    path("o/<str:code>/meetings/visits/", pages.VisitListView.as_view(), name="meeting-visits"),
    path(
        "o/<str:code>/meetings/visits/new/",
        pages.VisitCreateView.as_view(),
        name="meeting-visit-add",
    ),
    path(
        "o/<str:code>/meetings/visits/<int:visit>/void/",
        pages.VisitVoidView.as_view(),
        name="meeting-visit-void",
    ),
]
