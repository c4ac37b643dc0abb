from django.urls import path

from . import views

urlpatterns = [
    path("o/<str:code>/deadlines/", views.RadarView.as_view(), name="deadlines"),
]
