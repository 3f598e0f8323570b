"""Who may see the follow-up, and for which units.

* gruppledare: the units they belong to (as in the workspace); the unit filter offers only those;
* administratör and granskare: the whole municipality, or one unit of it;
* everyone else (handläggare, applicants, anonymous after login): 403.

The pages show only counts and shares, never a person: no access-log entry is written (no
case is opened). Protected-identity cases are counted like any other: a figure names no one.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone

from bistand.cases.models import Unit
from bistand.staff import access
from bistand.staff.models import Role

from .measures.base import Scope, add_months, month_of

ROLES = (Role.TEAM_LEAD, Role.ADMINISTRATOR, Role.AUDITOR)
MAX_MONTHS = 36
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


def allowed_units(user) -> tuple[int, ...] | None:
    """``None`` = the whole municipality; otherwise the unit ids the user may filter on."""
    staff = access.require_role(user, *ROLES)
    if access.has_role(user, *access.MUNICIPALITY_WIDE):
        return None
    return tuple(sorted(staff.units.values_list("pk", flat=True)))


class FilterForm(forms.Form):
    enhet = forms.ChoiceField(label="Enhet", required=False)
    fran = forms.RegexField(
        label="Från månad",
        regex=MONTH,
        required=False,
        help_text="ÅÅÅÅ-MM, t.ex. 2026-01",
        error_messages={"invalid": "Ange från-månaden som ÅÅÅÅ-MM, t.ex. 2026-01."},
    )
    till = forms.RegexField(
        label="Till månad",
        regex=MONTH,
        required=False,
        help_text="ÅÅÅÅ-MM, t.ex. 2026-12",
        error_messages={"invalid": "Ange till-månaden som ÅÅÅÅ-MM, t.ex. 2026-12."},
    )

    def __init__(self, data, *, units: list[tuple[int, str]], whole_municipality: bool):
        super().__init__(data)
        everything = "Hela kommunen" if whole_municipality else "Alla mina enheter"
        self.fields["enhet"].choices = [("", everything), *[(str(pk), n) for pk, n in units]]

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("fran"), cleaned.get("till")
        if first and last:
            if first > last:
                self.add_error("till", "Till-månaden får inte vara före från-månaden.")
            elif len(_span(first, last)) > MAX_MONTHS:
                self.add_error("till", f"Välj högst {MAX_MONTHS} månader.")
        return cleaned


def _span(first: str, last: str) -> list[str]:
    from .measures.base import months_between

    return months_between(first, last)


def default_period(today: date | None = None) -> tuple[str, str]:
    last = month_of(timezone.now()) if today is None else f"{today:%Y-%m}"
    return add_months(last, -11), last


def scope_for(user, params) -> tuple[Scope, FilterForm]:
    """The scope the user asked for (GET parameters), within what they may see; an invalid
    filter falls back to the default (the form carries the errors to show)."""
    staff = access.require_role(user, *ROLES)
    permitted = allowed_units(user)
    units = Unit.objects.filter(municipality_id=staff.municipality_id).order_by("name")
    if permitted is not None:
        units = units.filter(pk__in=permitted)
    choices = list(units.values_list("pk", "name"))
    form = FilterForm(params or None, units=choices, whole_municipality=permitted is None)
    first, last = default_period()
    chosen = permitted
    if form.is_bound:
        form.is_valid()  # what is valid is used; the errors are shown
        cleaned = form.cleaned_data
        if "till" not in form.errors:
            first = cleaned.get("fran") or first
            last = cleaned.get("till") or last
        if first > last or len(_span(first, last)) > MAX_MONTHS:
            first = add_months(last, -11)
        if cleaned.get("enhet"):
            chosen = (int(cleaned["enhet"]),)
    return Scope(staff.municipality_id, first, last, chosen), form
