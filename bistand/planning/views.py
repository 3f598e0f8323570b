"""Planning meetings: the staff pages (queue, slots, a meeting's outcome, the invitation from
the case view) and the applicant's booking page on Mina sidor. Thin: the rules are in
services.py. Every page works without JavaScript."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bistand.eservice.session import applicant_required
from bistand.staff import access
from bistand.workspace.guards import staff_view, visible_application

from . import services
from .models import Booking, Mode, Outcome, Slot

# --------------------------------------------------------------------------- staff


@staff_view
def queue(request):
    return render(
        request,
        "planning/queue.html",
        {
            "waiting": services.waiting(request.user),
            "upcoming": services.upcoming(request.user),
            "hours": services.hours(),
            "may_plan": services.can_plan(request.user),
            "now": timezone.now(),
        },
    )


def _parse_start(day: str, time: str) -> datetime | None:
    try:
        naive = datetime.strptime(f"{day} {time}", "%Y-%m-%d %H:%M")
    except ValueError:
        return None
    return timezone.make_aware(naive)


@staff_view
@require_http_methods(["GET", "POST"])
def slots(request):
    errors: list[tuple[str, str]] = []
    values = {"minutes": "45", "mode": Mode.PLACE, "day": "", "time": "", "place": "", "unit": ""}
    units = services.planner_units(request.user)
    if request.method == "POST":
        services.require_planner(request.user)
        values.update({k: request.POST.get(k, "").strip() for k in values})
        unit = units.filter(pk=values["unit"]).first() if values["unit"].isdigit() else None
        starts_at = _parse_start(values["day"], values["time"])
        if unit is None:
            errors.append(("unit", "Välj en av dina enheter."))
        if starts_at is None:
            errors.append(("day", "Skriv dag (ÅÅÅÅ-MM-DD) och klockslag (TT:MM)."))
        if not values["minutes"].isdigit():
            errors.append(("minutes", "Skriv längden i minuter, till exempel 45."))
        if not errors:
            try:
                services.publish_slot(
                    request.user,
                    unit=unit,
                    starts_at=starts_at,
                    minutes=int(values["minutes"]),
                    mode=values["mode"],
                    place=values["place"],
                )
            except services.PlanningError as exc:
                errors.append(("place" if "plats" in str(exc) else "day", str(exc)))
            else:
                messages.success(request, "Tiden är utlagd.")
                return redirect("planning:slots")
    return render(
        request,
        "planning/slots.html",
        {
            "slots": services.slots_for(request.user),
            "units": units,
            "modes": Mode.choices,
            "values": values,
            "errors": errors,
            "may_plan": services.can_plan(request.user),
        },
        status=400 if errors else 200,
    )


@staff_view
@require_POST
def withdraw(request, pk: int):
    slot = get_object_or_404(Slot, pk=pk)
    try:
        services.withdraw_slot(request.user, slot)
    except services.PlanningError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Tiden är borttagen.")
    return redirect("planning:slots")


@staff_view
@require_POST
def invite(request, pk: int):
    application = visible_application(request.user, pk)
    services.invite(request.user, application.case)
    messages.success(request, "Den sökande erbjuds nu tider för ett planeringsmöte på Mina sidor.")
    return redirect(reverse("workspace:application", args=[application.pk]) + "#planering")


def _visible_booking(user, pk: int) -> Booking:
    booking = (
        Booking.objects.filter(pk=pk, case__in=access.cases_visible_to(user))
        .select_related("slot", "slot__unit", "case", "person")
        .first()
    )
    if booking is None:
        raise Http404("Mötet finns inte.")
    return booking


@staff_view
@require_http_methods(["GET", "POST"])
def meeting(request, pk: int):
    booking = _visible_booking(request.user, pk)
    access.record_access(
        request.user, case_id=booking.case_id, purpose="planeringsmöte", view="planning:meeting"
    )
    errors: list[tuple[str, str]] = []
    values = {"outcome": "", "plan": "", "new_slot": ""}
    if request.method == "POST":
        services.require_planner(request.user)
        values.update({k: request.POST.get(k, "").strip() for k in values})
        try:
            services.record_outcome(
                request.user,
                booking,
                values["outcome"],
                values["plan"],
                new_slot_id=int(values["new_slot"]) if values["new_slot"].isdigit() else None,
            )
        except services.PlanningError as exc:
            errors.append(("plan" if "planeringen" in str(exc) else "outcome", str(exc)))
        else:
            messages.success(request, "Mötet är registrerat.")
            return redirect("planning:meeting", pk=booking.pk)
    application = booking.application or booking.case.applications.order_by("-month").first()
    return render(
        request,
        "planning/meeting.html",
        {
            "booking": booking,
            "application": application,
            "outcomes": Outcome.choices,
            "free": services.free_slots(booking.case.unit_id).filter(starts_at__gt=timezone.now())[
                :30
            ],
            "values": values,
            "errors": errors,
            "may_plan": services.can_plan(request.user),
            "plan_url": _aktivitetskrav_url(application),
        },
        status=400 if errors else 200,
    )


def _aktivitetskrav_url(application) -> str:
    """The aktivitetskrav's individual plan for the case, if that app offers a page for it."""
    from django.urls import NoReverseMatch

    if application is None:
        return ""
    for name in ("aktivitetskrav:case", "aktivitetskrav:plan", "aktivitetskrav:application"):
        try:
            return reverse(name, args=[application.pk])
        except NoReverseMatch:
            continue
    return ""


# --------------------------------------------------------------------------- Mina sidor


@applicant_required
@require_http_methods(["GET", "POST"])
def booking_page(request):
    person = request.applicant
    case = services.offer_for(person)
    if case is None:
        return render(request, "planning/minasidor_none.html", {})
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        if "cancel" in request.POST:
            booking = services.current_booking(case)
            if booking is None:
                raise Http404("Ingen bokning.")
            try:
                services.cancel(person, booking)
            except services.PlanningError as exc:
                errors.append(("slot", _(str(exc))))  # marked in services
            else:
                messages.success(request, _("Mötet är avbokat. Välj gärna en ny tid."))
                return redirect("planning:minasidor")
        else:
            chosen = request.POST.get("slot", "")
            case_id = request.POST.get("case", "")
            if not case_id.isdigit() or int(case_id) != case.pk:
                raise PermissionDenied("Ärendet är inte ditt.")
            if not chosen.isdigit():
                errors.append(("slot", _("Välj en tid för mötet.")))
            else:
                try:
                    services.book(person, case, int(chosen))
                except services.PlanningError as exc:
                    errors.append(("slot", _(str(exc))))  # marked in services
                else:
                    messages.success(request, _("Mötet är bokat."))
                    return redirect("planning:minasidor")
    booking = services.current_booking(case)
    offer = services.offered_slots(case)
    return render(
        request,
        "planning/minasidor.html",
        {
            "case": case,
            "booking": booking,
            "offer": offer,
            "errors": errors,
            "rebook": request.GET.get("boka-om") == "1" or bool(errors),
        },
        status=400 if errors else 200,
    )
