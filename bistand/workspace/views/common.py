"""What the caseworker's views share: the access log's purpose and the way back after an action."""

from __future__ import annotations

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from bistand.cases.models import Application

PURPOSE = "handläggning"


def _back(request, application: Application):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("workspace:application", pk=application.pk)
