"""Aviseringar: the applicant's own contact details on Mina sidor, and the staff's list of
notices that could not be sent. Staff never see an address: only whether consent exists."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bistand.eservice.session import applicant_required
from bistand.staff import access
from bistand.workspace.guards import staff_view

from . import services
from .models import Notice, Status


@applicant_required
@require_http_methods(["GET", "POST"])
def contact(request):
    person = request.applicant
    pref = services.preference(person)
    values = {"email": pref.email if pref else "", "mobile": pref.mobile if pref else ""}
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        if "remove" in request.POST:
            services.remove_preference(person)
            messages.success(
                request, _("Dina kontaktuppgifter är borttagna. Vi skickar inga aviseringar.")
            )
            return redirect("notifications:contact")
        values = {k: request.POST.get(k, "").strip() for k in ("email", "mobile")}
        if values["email"]:
            try:
                validate_email(values["email"])
            except ValidationError:
                errors.append(("email", _("Skriv en e-postadress, till exempel namn@exempel.se.")))
        mobile = ""
        try:
            mobile = services.normalise_mobile(values["mobile"])
        except ValueError as exc:
            errors.append(("mobile", _(str(exc))))  # marked in services
        if not values["email"] and not values["mobile"]:
            errors.append(
                (
                    "email",
                    _("Skriv en e-postadress eller ett mobilnummer, eller ta bort dina uppgifter."),
                )
            )
        if (values["email"] or values["mobile"]) and request.POST.get("consent") != "yes":
            errors.append(
                ("consent", _("Kryssa i att du samtycker, annars kan vi inte spara uppgifterna."))
            )
        if not errors:
            services.save_preference(person, email=values["email"], mobile=mobile)
            messages.success(request, _("Dina kontaktuppgifter är sparade."))
            return redirect("notifications:contact")
    return render(
        request,
        "notifications/contact.html",
        {"pref": pref, "values": values, "errors": errors},
        status=400 if errors else 200,
    )


@staff_view
def failed(request):
    notices = (
        Notice.objects.filter(status=Status.FAILED, case__in=access.cases_visible_to(request.user))
        .select_related("case")
        .order_by("-failed_at")[:200]
    )
    return render(request, "notifications/failed.html", {"notices": notices})
