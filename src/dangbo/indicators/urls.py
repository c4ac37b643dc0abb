from django.urls import path

from . import views

urlpatterns = [
    path("o/<str:code>/indicators/", views.IndicatorsView.as_view(), name="indicators"),
    path(
        "o/<str:code>/indicators/<str:indicator>/<path:key>/",
        views.IndicatorRecordsView.as_view(),
        name="indicator-records",
    ),
]
