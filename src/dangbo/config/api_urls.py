"""The REST API under /api/v1/: the apps' routers mounted on the one NinjaAPI."""

from django.urls import path, re_path
from django.views.generic import RedirectView

from dangbo.accounts.api import router as accounts_router
from dangbo.admissions.api import router as admissions_router
from dangbo.awards.api import router as awards_router
from dangbo.core.api import api, docs_asset, not_found
from dangbo.deadlines.api import router as deadlines_router
from dangbo.documents.api import router as documents_router
from dangbo.exchange.api import router as exchange_router
from dangbo.imports.api import router as imports_router
from dangbo.indicators.api import router as indicators_router
from dangbo.meetings.api import router as meetings_router
from dangbo.members.api import org_router as members_org_router
from dangbo.members.api import router as members_router
from dangbo.organizations.api import router as organizations_router
from dangbo.quality.api import router as quality_router

api.add_router("", accounts_router)
api.add_router("", organizations_router)
api.add_router("", members_org_router)
api.add_router("", members_router)
api.add_router("", admissions_router)
api.add_router("", awards_router)
api.add_router("", meetings_router)
api.add_router("", documents_router)
api.add_router("", deadlines_router)
api.add_router("", indicators_router)
api.add_router("", quality_router)
api.add_router("", imports_router)
api.add_router("", exchange_router)

urlpatterns = [
    path("docs/assets/<str:name>", docs_asset, name="api-v1-docs-asset"),
    # The documentation page answers with a trailing slash too (people type it).
    path(
        "docs/", RedirectView.as_view(pattern_name="api-v1:openapi-view"), name="api-v1-docs-slash"
    ),
    path("", api.urls),
    # Last: what no operation matched gets the API's JSON 404.
    re_path(r"^(?P<rest>.*)$", not_found),
]
