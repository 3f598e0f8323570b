"""The caseworker resolves a household's memberships from the case view: ends one (a partner
who moved out, a person found in two households) or confirms one the person consented to
outside the e-service (cases.membership; docs/eservice.md, "Membership by consent")."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from bistand.audit.services import Actor
from bistand.cases import membership
from bistand.cases.models import HouseholdMember

from ..guards import for_action, staff_view


class EndForm(forms.Form):
    until = forms.DateField(
        label="Sista dag i hushållet",
        error_messages={
            "required": "Ange sista dagen personen hörde till hushållet.",
            "invalid": "Ange datumet som ÅÅÅÅ-MM-DD.",
        },
    )
    reason = forms.CharField(
        label="Skäl",
        max_length=200,
        error_messages={"required": "Skriv varför medlemskapet avslutas."},
    )


class ConfirmForm(forms.Form):
    reason = forms.CharField(
        label="Hur personen har bekräftat",
        max_length=200,
        error_messages={"required": "Skriv hur personen har bekräftat att hen hör till hushållet."},
    )


def _member(application, member_pk: int) -> HouseholdMember:
    return get_object_or_404(
        HouseholdMember.objects.select_related("household__case", "person"),
        pk=member_pk,
        household_id=application.case.household_id,
        role__in=membership.ADULT_ROLES,
    )


def _first_error(form) -> str:
    return next(iter(form.errors.values()))[0]


@require_POST
@staff_view
def end(request, pk: int, member_pk: int):
    application = for_action(request, pk)
    member = _member(application, member_pk)
    form = EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("workspace:application", pk=pk)
    try:
        membership.end(
            member,
            form.cleaned_data["until"],
            actor=Actor.user(request.user),
            reason=form.cleaned_data["reason"],
        )
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"Medlemskapet är avslutat: {member.person.masked} hör inte till hushållet efter "
            f"{form.cleaned_data['until']:%Y-%m-%d}.",
        )
    return redirect("workspace:application", pk=pk)


@require_POST
@staff_view
def confirm(request, pk: int, member_pk: int):
    application = for_action(request, pk)
    member = _member(application, member_pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("workspace:application", pk=pk)
    membership.confirm(member, actor=Actor.user(request.user), reason=form.cleaned_data["reason"])
    messages.success(request, f"Medlemskapet för {member.person.masked} är bekräftat.")
    return redirect("workspace:application", pk=pk)
