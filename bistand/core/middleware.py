"""Bistånd's middleware: the language, no caching of personal data, no personnummer in URLs,
a request id in every log line, request metrics.

``LanguageMiddleware``: Swedish first. The language is Swedish unless the visitor chose another
one with the language form (Django's set_language view, which sets the language cookie). The
browser's Accept-Language is not followed: an English-speaking browser would otherwise get
pages marked lang="en" wherever a text is not translated yet.
"""

from __future__ import annotations

import re
import time
import uuid

import structlog
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers

from bistand.audit.payload import looks_like_personnummer


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.known = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.known else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class NoStoreMiddleware:
    """``Cache-Control: no-store`` (Django's ``never_cache``) on every response but static files.

    Nearly every page and file holds personal data: the case view, the API, decision letters,
    attachments, Mina sidor, the e-service's steps. Neither the browser (its back button, its
    disk cache on a shared computer) nor a proxy may keep a copy. Static files are served
    before this (by the web server, or ``runserver``'s handler) and cached as usual.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path_info.startswith(settings.STATIC_URL):
            add_never_cache_headers(response)
        return response


class PersonnummerInQueryMiddleware:
    """A staff page (the admin, the workspace) is not served with a personnummer in its address.

    An address is written to the web server's and the proxy's access logs and the browser's
    history, where nobody controls who reads it. A ``GET`` whose query string holds something
    shaped like a personnummer (``?q=19850201-1234``) is answered with a redirect to the same
    page without it, and a message saying where to search instead: the admin's person list
    has a search form that is sent by ``POST``.
    """

    #: The staff pages: the admin, the workspace.
    PREFIXES = ("/admin/", "/handlaggning/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.GET:
            path = request.path_info
            if path.startswith(self.PREFIXES):
                offending = [
                    key
                    for key, values in request.GET.lists()
                    if any(looks_like_personnummer(value) for value in values)
                ]
                if offending:
                    return self._refuse(request, offending)
        return self.get_response(request)

    @staticmethod
    def _refuse(request, offending: list[str]) -> HttpResponseRedirect:
        kept = request.GET.copy()
        for key in offending:
            kept.pop(key, None)
        messages.error(
            request,
            "Personnummer får inte stå i adressen, eftersom adressen sparas i serverns loggar. "
            "Sök i stället med sökrutan på sidan: den skickar personnumret utan att det hamnar "
            "i adressen.",
        )
        query = kept.urlencode()
        return HttpResponseRedirect(request.path + (f"?{query}" if query else ""))


#: An incoming X-Request-ID is kept only if it is a plain token like this (a UUID, a proxy's
#: hex id) and holds nothing shaped like a personnummer; otherwise a fresh one is made.
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")

request_logger = structlog.get_logger("bistand.request")


def request_id_from(value: str | None) -> str:
    if value and _SAFE_REQUEST_ID.fullmatch(value) and not looks_like_personnummer(value):
        return value
    return uuid.uuid4().hex


def view_name(request) -> str:
    """The URL's name (``workspace:case``), never its path: paths hold ids."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unresolved"
    return match.view_name or "unnamed"


class RequestIdMiddleware:
    """Every request gets an id: in every log line written while it is served (structlog's
    context variables), and in the response's ``X-Request-ID`` header. A reverse proxy's id is
    kept if it is a safe token. One log line per request says the view (its URL name, never
    the path), the method, the status and the time taken: no path, query or personal data.
    """

    HEADER = "X-Request-ID"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get(self.HEADER))
        request.request_id = request_id
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[self.HEADER] = request_id
            request_logger.info(
                "request",
                view=view_name(request),
                method=request.method,
                status=response.status_code,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
            )
            return response
        finally:
            structlog.contextvars.unbind_contextvars("request_id")


class RequestMetricsMiddleware:
    """Counts requests by view (URL name), method and status, and their latency (Prometheus)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from bistand.ops.metrics import observe_request

        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in _KNOWN_METHODS else "other"
        observe_request(
            view_name(request), method, response.status_code, time.perf_counter() - started
        )
        return response


_KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
