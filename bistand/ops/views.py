"""``/health/live``, ``/health/ready`` and ``/metrics``.

The health answers are for a load balancer: no login, no personal data, JSON. ``/metrics``
is for Prometheus and not public: it is answered to a request from this machine's loopback
that came through no proxy, or with ``Authorization: Bearer <BISTAND_METRICS_TOKEN>``;
anything else gets a plain 404, as if there were no such page.
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from . import metrics, services

#: Headers a reverse proxy adds: a request carrying one came from elsewhere, even when the
#: proxy itself connects from loopback.
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


@require_GET
def live(request):
    """The process is up and answering. No database, no dependency."""
    return JsonResponse({"status": "ok"})


@require_GET
def ready(request):
    """Can this process serve? 200 with each component's status, 503 without a usable database."""
    found = services.readiness()
    return JsonResponse(found.as_dict(), status=200 if found.serving else 503)


@require_GET
def metrics_view(request):
    if not metrics_allowed(request):
        raise Http404
    body, content_type = metrics.exposition()
    return HttpResponse(body, content_type=content_type)


def metrics_allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            value.strip().encode(), token.encode()
        ):
            return True
    if any(header in request.META for header in PROXY_HEADERS):
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False
