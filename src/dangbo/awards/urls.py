from django.urls import path

from . import views

urlpatterns = [
    path("o/<str:code>/badges/", views.BadgesView.as_view(), name="badges"),
    path("members/<int:pk>/badges/new/", views.RecordBadgeView.as_view(), name="badge-add"),
    path("badges/<int:badge>/", views.BadgeDetailView.as_view(), name="badge-detail"),
    path("badges/<int:badge>/void/", views.VoidBadgeView.as_view(), name="badge-void"),
    path("badges/<int:badge>/returned/", views.ReturnedBadgeView.as_view(), name="badge-returned"),
    path("badges/<int:badge>/reissue/", views.ReissueBadgeView.as_view(), name="badge-reissue"),
]
