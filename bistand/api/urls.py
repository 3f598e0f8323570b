from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from . import followup, views

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("cases", views.CaseViewSet, basename="case")
router.register("applications", views.ApplicationViewSet, basename="application")
router.register("decisions", views.DecisionViewSet, basename="decision")
router.register("payments", views.PaymentViewSet, basename="payment")

# The documentation pages' Content-Security-Policy, beyond the site's (settings.py): Swagger UI
# and ReDoc draw icons from data: URLs; ReDoc also styles its page with <style> elements it
# makes as it runs (styled-components) and parses the schema in a blob: web worker. Both run
# only our own static scripts (drf-spectacular-sidecar), no inline script.
SWAGGER_CSP = {"img-src": ["data:"]}
REDOC_CSP = {"img-src": ["data:"], "style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}

urlpatterns = [
    path("v1/", include(router.urls)),
    path(
        "v1/followup/tables/<slug:table_id>/",
        followup.FollowupTableView.as_view(),
        name="followup-table",
    ),
    path("v1/followup/keyfigures/", followup.KeyFiguresView.as_view(), name="followup-keyfigures"),
    path("v1/", include("bistand.kommunicering.api")),
    path("v1/", include("bistand.appeals.api")),
    path("v1/", include("bistand.urgent.api")),
    path("v1/", include("bistand.underrattelse.api")),
    path("v1/", include("bistand.planning.api")),
    path("v1/", include("bistand.notifications.api")),
    path("v1/", include("bistand.aktivitetskrav.api")),
    path("v1/", include("bistand.af_exchange.api")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        csp_update(SWAGGER_CSP)(
            SpectacularSwaggerSplitView.as_view(
                url_name="api:schema", template_name="api/swagger_ui.html"
            )
        ),
        name="docs",
    ),
    path(
        "redoc/",
        csp_update(REDOC_CSP)(
            SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html")
        ),
        name="redoc",
    ),
]
