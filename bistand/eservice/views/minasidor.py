"""Mina sidor: the applicant's applications, their status, decisions and messages."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from bistand.cases.models import Application

from .. import services
from ..models import Draft
from ..session import applicant_required
from .summary import summary


@never_cache
@applicant_required
def home(request):
    person = request.applicant
    return render(
        request,
        "eservice/minasidor/home.html",
        {
            "applications": services.applications_of(person).order_by("-month", "-pk"),
            "drafts": Draft.objects.filter(person=person, application__isnull=True),
            "to_sign": services.awaiting_my_signature(person),
        },
    )


@never_cache
@applicant_required
def application(request, pk: int):
    found: Application | None = services.application_for(request.applicant, pk)
    if found is None:
        raise Http404(_("Ansökan finns inte."))
    return render(
        request,
        "eservice/minasidor/application.html",
        {"application": found, "summary": summary(found.declared, found.month)},
    )
