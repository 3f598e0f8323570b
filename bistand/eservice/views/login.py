"""Log in with e-legitimation, log out."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bistand.cases.services import get_or_create_person

from .. import eid, session

logger = logging.getLogger(__name__)
NEXT_KEY = "eid_next"
EID_LOGGED_OUT_KEY = "eid_logged_out"


def _safe_next(request, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("eservice:home")


@never_cache
def login(request):
    """The login page: what happens, and the button to the e-ID broker."""
    next_url = _safe_next(request, request.GET.get("next"))
    return render(
        request,
        "eservice/login.html",
        {
            "next": next_url,
            "again": request.GET.get("igen") == "1",
            "configured": eid.configured(),
        },
        status=200 if eid.configured() else 503,
    )


@never_cache
def login_start(request):
    """Off to the broker, with state, nonce and PKCE in the session."""
    next_url = _safe_next(request, request.GET.get("next"))
    try:
        url = eid.authorization_url(
            request,
            request.build_absolute_uri(reverse("eservice:login-callback")),
            force_login=request.GET.get("igen") == "1",
        )
    except eid.EidUnavailable as exc:
        logger.warning("e-ID login unavailable: %s", exc)
        messages.error(request, _("Inloggningen fungerar inte just nu. Försök igen om en stund."))
        return redirect(reverse("eservice:login") + "?" + request.GET.urlencode())
    request.session[NEXT_KEY] = next_url
    return HttpResponseRedirect(url)


@never_cache
def login_callback(request):
    """Back from the broker: check everything, then a fresh session for the person."""
    next_url = request.session.get(NEXT_KEY) or reverse("eservice:home")
    if request.GET.get("error"):
        messages.warning(request, _("Inloggningen avbröts. Du är inte inloggad."))
        return redirect("eservice:login")
    try:
        login = eid.complete_login(
            request, request.build_absolute_uri(reverse("eservice:login-callback"))
        )
    except eid.EidUnavailable as exc:
        logger.warning("e-ID login failed: %s", exc)
        messages.error(request, _("Inloggningen fungerar inte just nu. Försök igen om en stund."))
        return redirect("eservice:login")
    except SuspiciousOperation as exc:
        logger.warning("e-ID login refused: %s", exc)
        messages.error(request, _("Inloggningen kunde inte godkännas. Försök igen."))
        return redirect("eservice:login")
    person = get_or_create_person(login.personnummer)
    # The ID token is the authoritative source for the person's own name: it replaces a name
    # from elsewhere (or none), and a changed name is changed here at the next login.
    named = (login.given_name.strip(), login.family_name.strip())
    if any(named) and named != (person.given_name, person.family_name):
        person.given_name, person.family_name = named
        person.save(update_fields=["given_name", "family_name"])
    session.log_in(request, person, login)
    return redirect(_safe_next(request, next_url))


@never_cache
@require_http_methods(["GET", "POST"])
def logout(request):
    """GET: what logging out does (the e-legitimation's logout too), and the button.
    POST: the session ends here, then the broker ends its own and sends the browser back."""
    if request.method == "GET":
        if session.current_person(request) is None:
            return redirect("eservice:logged-out")
        return render(request, "eservice/logout.html")
    id_token = session.log_out(request)
    back = request.build_absolute_uri(reverse("eservice:logged-out"))
    url = eid.end_session_url(id_token, back) if id_token else ""
    if url:
        # In the fresh session: the page after says the e-legitimation is logged out too.
        request.session[EID_LOGGED_OUT_KEY] = True
    return HttpResponseRedirect(url or back)


@never_cache
def logged_out(request):
    return render(
        request,
        "eservice/logged_out.html",
        {"eid_logged_out": bool(request.session.pop(EID_LOGGED_OUT_KEY, False))},
    )
