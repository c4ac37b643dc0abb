from django.urls import path

from . import views

urlpatterns = [
    path("o/<str:code>/imports/", views.ImportListView.as_view(), name="import-list"),
    path("imports/<int:job>/", views.ImportDetailView.as_view(), name="import-detail"),
    path("imports/<int:job>/progress/", views.ProgressView.as_view(), name="import-progress"),
    path("imports/<int:job>/mapping/", views.MappingView.as_view(), name="import-mapping"),
    path("imports/<int:job>/confirm/", views.ConfirmView.as_view(), name="import-confirm"),
    path("imports/<int:job>/decide/", views.DecideView.as_view(), name="import-decide"),
    path("imports/<int:job>/cancel/", views.CancelView.as_view(), name="import-cancel"),
    path("imports/<int:job>/report.xlsx", views.ReportView.as_view(), name="import-report"),
]
