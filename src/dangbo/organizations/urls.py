from django.urls import path

from . import views

urlpatterns = [
    path("o/<str:code>/", views.OrgDetailView.as_view(), name="org-detail"),
    path("o/<str:code>/tree/", views.OrgTreeView.as_view(), name="org-tree"),
    path("o/<str:code>/found/", views.FoundChildView.as_view(), name="org-found"),
    path("o/<str:code>/edit/", views.EditDetailsView.as_view(), name="org-edit"),
    path("o/<str:code>/rename/", views.RenameView.as_view(), name="org-rename"),
    path("o/<str:code>/kind/", views.ChangeKindView.as_view(), name="org-kind"),
    path("o/<str:code>/move/", views.MoveView.as_view(), name="org-move"),
    path("o/<str:code>/dissolve/", views.DissolveView.as_view(), name="org-dissolve"),
    path("o/<str:code>/merge/", views.MergeView.as_view(), name="org-merge"),
    path("o/<str:code>/restore/", views.RestoreView.as_view(), name="org-restore"),
    path("o/<str:code>/audit/", views.AuditLogView.as_view(), name="audit"),
]
