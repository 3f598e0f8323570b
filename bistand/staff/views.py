"""Staff login and logout: Django's login form, or the municipality's identity provider.

Which ways are open is decided per request (``bistand.staff.oidc``): with an identity provider
configured the password form is closed unless DEBUG is on. Logins and logouts go to the audit
log; failed password logins are counted by django-axes.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from mozilla_django_oidc import views as oidc_views

from bistand.audit.services import Actor, record

from . import access
from .oidc import oidc_enabled, password_login_enabled


def landing_page(user) -> str:
    """Where a login without ``next`` goes: the workspace for staff with a role, the admin
    for someone with admin access only, else the start page."""
    if access.roles(user):
        return reverse("workspace:queues")
    if user.is_staff:
        return reverse("admin:index")
    return reverse("start")


def _record_login(request: HttpRequest, method: str) -> None:
    record(
        "staff.logged_in",
        actor=Actor.user(request.user),
        subject=f"user:{request.user.pk}",
        data={"method": method},
    )


class LoginView(auth_views.LoginView):
    """``/konto/logga-in/``: the password form and/or the button to the identity provider."""

    template_name = "registration/login.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            password_login=password_login_enabled(),
            oidc_login=oidc_enabled(),
            oidc_failed=self.request.GET.get("fel") == "oidc",
            failure_limit=settings.AXES_FAILURE_LIMIT,
            cooloff_minutes=int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not password_login_enabled():
            raise PermissionDenied("Inloggning med lösenord är avstängd.")
        return super().post(request, *args, **kwargs)

    def get_default_redirect_url(self) -> str:
        return landing_page(self.request.user)

    def form_valid(self, form):
        response = super().form_valid(form)
        _record_login(self.request, "password")
        return response


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """``POST /konto/logga-ut/``: ends the session (and, if configured, the provider's)."""
    destination = reverse("staff:logged-out")
    if request.user.is_authenticated:
        record(
            "staff.logged_out",
            actor=Actor.user(request.user),
            subject=f"user:{request.user.pk}",
        )
        id_token = request.session.get("oidc_id_token")
        auth.logout(request)  # flushes the session: a new, empty one with a new key
        end_session = settings.OIDC_OP_END_SESSION_ENDPOINT
        if oidc_enabled() and end_session and id_token:
            query = urlencode(
                {
                    "id_token_hint": id_token,
                    "client_id": settings.OIDC_RP_CLIENT_ID,
                    "post_logout_redirect_uri": request.build_absolute_uri(destination),
                }
            )
            destination = f"{end_session}?{query}"
    return HttpResponseRedirect(destination)


@never_cache
def logged_out(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/signed_out.html")


class OIDCStartView(oidc_views.OIDCAuthenticationRequestView):
    """``/konto/oidc/start/``: off to the identity provider."""

    def dispatch(self, request, *args, **kwargs):
        if not oidc_enabled():
            raise Http404("Ingen inloggningstjänst är inställd.")
        return super().dispatch(request, *args, **kwargs)


class OIDCCallbackView(oidc_views.OIDCAuthenticationCallbackView):
    """``/konto/oidc/callback/``: back from the provider; logged in only as existing staff."""

    def dispatch(self, request, *args, **kwargs):
        if not oidc_enabled():
            raise Http404("Ingen inloggningstjänst är inställd.")
        return super().dispatch(request, *args, **kwargs)

    @property
    def success_url(self) -> str:
        # next was checked by the start view before it was kept in the session
        return self.request.session.get("oidc_login_next") or landing_page(self.user)

    def login_success(self):
        response = super().login_success()
        _record_login(self.request, "oidc")
        return response
