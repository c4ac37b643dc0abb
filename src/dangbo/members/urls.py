from django.urls import path

from . import views

urlpatterns = [
    path("o/<str:code>/members/", views.MemberListView.as_view(), name="member-list"),
    path("o/<str:code>/members/new/", views.AddMemberView.as_view(), name="member-add"),
    path("members/<int:pk>/", views.MemberDetailView.as_view(), name="member-detail"),
    path("members/<int:pk>/edit/", views.EditIdentityView.as_view(), name="member-edit"),
    path("members/<int:pk>/events/new/", views.RecordEventView.as_view(), name="member-event"),
    path(
        "members/<int:pk>/events/<int:event_pk>/void/",
        views.VoidEventView.as_view(),
        name="member-event-void",
    ),
    path(
        "members/<int:pk>/events/<int:event_pk>/restore/",
        views.RestoreEventView.as_view(),
        name="member-event-restore",
    ),
    path("members/<int:pk>/void/", views.VoidMemberView.as_view(), name="member-void"),
    path("members/<int:pk>/restore/", views.RestoreMemberView.as_view(), name="member-restore"),
    path("members/<int:pk>/positions/new/", views.PositionView.as_view(), name="member-position"),
    path(
        "members/<int:pk>/positions/<int:position_pk>/end/",
        views.EndPositionView.as_view(),
        name="member-position-end",
    ),
    path(
        "members/<int:pk>/transfers/new/",
        views.StartTransferView.as_view(),
        name="member-transfer-new",
    ),
    path(
        "members/<int:pk>/transfers/temporary/new/",
        views.StartTemporaryTransferView.as_view(),
        name="member-transfer-temporary",
    ),
    path("o/<str:code>/transfers/", views.TransferListView.as_view(), name="transfer-list"),
    path(
        "o/<str:code>/transfers/incoming/new/",
        views.IncomingTransferView.as_view(),
        name="transfer-incoming",
    ),
    path("transfers/<int:transfer>/", views.TransferDetailView.as_view(), name="transfer-detail"),
    path(
        "transfers/<int:transfer>/letter/",
        views.IssueLetterView.as_view(),
        name="transfer-letter-issue",
    ),
    path(
        "transfers/<int:transfer>/letter.docx",
        views.TransferLetterView.as_view(),
        name="transfer-letter-docx",
    ),
    path(
        "transfers/<int:transfer>/arrival/",
        views.ConfirmArrivalView.as_view(),
        name="transfer-arrival",
    ),
    path(
        "transfers/<int:transfer>/cancel/",
        views.CancelTransferView.as_view(),
        name="transfer-cancel",
    ),
    path(
        "transfers/<int:transfer>/return/",
        views.EndTemporaryTransferView.as_view(),
        name="transfer-return",
    ),
    path("transfers/<int:transfer>/void/", views.VoidTransferView.as_view(), name="transfer-void"),
    path(
        "o/<str:code>/striking-candidates/",
        views.StrikingCandidatesView.as_view(),
        name="striking-candidates",
    ),
]
