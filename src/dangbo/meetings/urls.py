from django.urls import path

from . import views

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
]
