"""The follow-up pages at /uppfoljning/: process measures, outcomes, key figures; each table
also as CSV. Read-only (GET only); who may see what: ``bistand.followup.access``."""

from __future__ import annotations

import functools
import json
from datetime import datetime

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from bistand.cases.models import Municipality, Unit
from bistand.staff import access as staff_access

from . import access, dashboard, keyfigures
from .aggregates import load
from .export import csv_bytes
from .measures import TABLES
from .measures.base import Scope

PAGES = (
    ("followup:process", "Handläggning"),
    ("followup:outcomes", "Utfall"),
    ("followup:keyfigures", "Nyckeltal"),
)


def followup_view(view):
    """GET only; logged in (else the login page) with a follow-up role (else 403)."""

    @require_GET
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        access.allowed_units(request.user)  # PermissionDenied (403) without the role
        return view(request, *args, **kwargs)

    return wrapped


def _scope_text(scope: Scope) -> str:
    municipality = Municipality.objects.get(pk=scope.municipality_id)
    if scope.units is None:
        where = f"hela {municipality.name}"
    else:
        names = list(
            Unit.objects.filter(pk__in=scope.units).order_by("name").values_list("name", flat=True)
        )
        where = ", ".join(names) if names else "inga enheter"
    return f"{where}, {scope.first} till {scope.last}"


def _page(request, template: str, title: str, sections_of):
    scope, form = access.scope_for(request.user, request.GET)
    figures = load(scope)
    sections = sections_of(scope, figures)
    errors = [
        (form[name].auto_id, message)
        for name, messages in (form.errors.items() if form.is_bound else [])
        for message in messages
    ]
    return render(
        request,
        template,
        {
            "title": title,
            "form": form,
            "errors": errors,
            "scope": scope,
            "scope_text": _scope_text(scope),
            "sections": sections,
            "computed_at": figures.computed_at,
            "query": request.GET.urlencode(),
            "pages": PAGES,
        },
    )


@followup_view
def process(request):
    return _page(request, "followup/page.html", "Handläggning", dashboard.process_sections)


@followup_view
def outcomes(request):
    return _page(request, "followup/page.html", "Utfall", dashboard.outcome_sections)


@followup_view
def table_csv(request, table_id: str):
    if table_id not in TABLES:
        raise Http404("Tabellen finns inte.")
    scope, _ = access.scope_for(request.user, request.GET)
    table = TABLES[table_id](scope)
    response = HttpResponse(csv_bytes(table), content_type="text/csv; charset=utf-8")
    name = f"{table_id}_{scope.first}_{scope.last}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@followup_view
def key_figures(request):
    staff = staff_access.require_role(request.user, *access.ROLES)
    years, chosen, form_error = keyfigures.year_choice(request.GET.get("ar"))
    units = access.allowed_units(request.user)
    figures = keyfigures.compute(staff.municipality_id, chosen, units=units)
    wanted = request.GET.get("format")
    if wanted == "json":
        response = HttpResponse(
            json.dumps(figures, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="nyckeltal_{chosen}.json"'
        return response
    if wanted == "csv":
        response = HttpResponse(keyfigures.as_csv(figures), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="nyckeltal_{chosen}.csv"'
        return response
    return render(
        request,
        "followup/keyfigures.html",
        {
            "title": "Nyckeltal",
            "figures": figures,
            "rows": keyfigures.rows(figures),
            "years": years,
            "chosen": chosen,
            "errors": [("ar", form_error)] if form_error else [],
            "pages": PAGES,
            "computed_at": figures["computed_at"]
            and datetime.fromisoformat(figures["computed_at"]),
        },
    )
