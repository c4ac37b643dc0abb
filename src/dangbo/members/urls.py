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
]
