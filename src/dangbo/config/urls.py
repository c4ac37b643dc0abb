from django.contrib import admin
from django.urls import include, path

handler500 = "dangbo.core.busy.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("dangbo.config.api_urls")),
    path("", include("dangbo.accounts.urls")),
    path("", include("dangbo.organizations.urls")),
    path("", include("dangbo.members.urls")),
    path("", include("dangbo.admissions.urls")),
    path("", include("dangbo.awards.urls")),
    path("", include("dangbo.meetings.urls")),
    path("", include("dangbo.documents.urls")),
    path("", include("dangbo.deadlines.urls")),
    path("", include("dangbo.indicators.urls")),
    path("", include("dangbo.quality.urls")),
    path("", include("dangbo.imports.urls")),
    path("", include("dangbo.exchange.urls")),
]
