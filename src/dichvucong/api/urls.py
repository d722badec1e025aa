"""The REST API, version 1: each app's api/ package mounted under /api/v1/, plus the schema."""

from django.conf import settings
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from . import views

app_name = "api"

urlpatterns = [
    path("procedures/", include("dichvucong.catalog.api.urls")),
    path("dossiers/", include("dichvucong.dossiers.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.ApiDocsView.as_view(url_name="api:schema"), name="docs"),
    # Last: any other address under /api/v1/ ending in a slash is a JSON 404 (without the
    # slash, CommonMiddleware first redirects to the address with one).
    re_path(r"^.*/$", views.ApiNotFoundView.as_view(), name="not-found"),
]
if settings.DVC_BENCH_BASELINE:
    # The benchmark's floor (bench/): routed, and so in the schema, only for its server.
    urlpatterns.insert(
        2,
        path("baseline/<str:code>/", views.AgencyContactBaselineView.as_view(), name="baseline"),
    )
