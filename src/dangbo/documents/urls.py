from django.urls import path

from . import views

urlpatterns = [
    path("o/<str:code>/documents/", views.RegisterView.as_view(), name="outgoing-register"),
]
