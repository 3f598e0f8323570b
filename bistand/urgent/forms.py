"""Forms for the urgent request (applicant and reception) and the caseworker's decision."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import amount
from .models import IdentityCheck, Outcome, Reason


def max_days() -> int:
    return amount.parameters(timezone.localdate()).max_days


class RequestForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Varför behöver du hjälp i dag?"),
        choices=[(value, _(label)) for value, label in Reason.choices],  # marked in models
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj varför du behöver hjälp i dag.")},
    )
    description = forms.CharField(
        label=_("Beskriv vad som har hänt"),
        help_text=_("Till exempel när elen stängs av, eller vad du behöver mat till."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Beskriv vad som har hänt.")},
    )
    days = forms.IntegerField(
        label=_("Hur många dagar behöver du hjälp för?"),
        min_value=1,
        error_messages={
            "required": _("Ange hur många dagar du behöver hjälp för."),
            "invalid": _("Ange antal dagar med siffror, till exempel 3."),
            "min_value": _("Ange minst 1 dag."),
        },
    )

    def __init__(self, *args, cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        limit = max_days()
        self.fields["days"].max_value = limit
        self.fields["days"].help_text = _(
            "Högst %(limit)s dagar. Sedan gäller en vanlig ansökan."
        ) % {"limit": limit}
        self.fields["days"].validators.append(forms.IntegerField(max_value=limit).validators[-1])
        self.fields["days"].error_messages["max_value"] = _("Ange högst %(limit)s dagar.") % {
            "limit": limit
        }
        if len(cases) > 1:
            self.fields["case"] = forms.TypedChoiceField(
                label=_("Vilket hushåll gäller det?"),
                choices=[(c.pk, c.reference) for c in cases],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Välj hushåll.")},
            )


class ReceptionForm(RequestForm):
    """At the reception: for a confirmed adult of the case, identity checked in person."""

    person = forms.TypedChoiceField(
        label="Vem ansöker?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Välj vem som ansöker."},
    )
    identity_check = forms.ChoiceField(
        label="Hur kontrollerades identiteten?",
        choices=IdentityCheck.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Ange hur identiteten kontrollerades."},
    )
    identity_note = forms.CharField(
        label="Anteckning om id-kontrollen (frivillig)",
        help_text="Till exempel vilken id-handling. Skriv inte personnumret.",
        max_length=200,
        required=False,
    )

    def __init__(self, *args, adults=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = "Skäl"
        self.fields["description"].label = "Beskrivning av behovet"
        self.fields["days"].label = "Antal dagar"
        self.fields["person"].choices = [
            (m.person.pk, f"{m.person.given_name} {m.person.family_name} ({m.get_role_display()})")
            for m in adults
        ]


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Beslut",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Välj om akut hjälp beviljas eller avslås."},
    )
    amount = forms.CharField(
        label="Belopp i kronor (vid bifall)",
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    motivering = forms.CharField(
        label="Motivering",
        help_text="Skälen för beslutet (förvaltningslagen 32 §). Står i beslutsbrevet.",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Skriv en motivering."},
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Outcome.GRANT:
            raw = (data.get("amount") or "").replace(" ", "").replace("\u00a0", "")
            try:
                kronor = Decimal(raw.replace(",", "."))
            except InvalidOperation:
                kronor = None
            if kronor is None or kronor <= 0 or kronor != kronor.quantize(Decimal("0.01")):
                self.add_error("amount", "Ange beloppet i kronor, till exempel 650 eller 650,50.")
            else:
                data["amount_ore"] = int(kronor * 100)
        else:
            data["amount_ore"] = 0
        return data
