from django.urls import path

from . import views

urlpatterns = [
    path("o/<str:code>/exchange/", views.ExchangeView.as_view(), name="exchange"),
]
