from django.urls import path

from . import views

urlpatterns = [
    path("o/<str:code>/quality/", views.QualityView.as_view(), name="quality"),
]
