from django.urls import path

from . import views

# fmt: off
urlpatterns = [
    path("o/<str:code>/exchange/", views.ExchangeView.as_view(), name="exchange"),
    path("exchange/exports/<int:export>/", views.ExportView.as_view(), name="exchange-export"),
    path("exchange/exports/<int:export>/progress/", views.ExportProgressView.as_view(),
         name="exchange-export-progress"),
    path("exchange/exports/<int:export>/file/", views.ExportFileView.as_view(),
         name="exchange-export-file"),
]
# fmt: on
