from __future__ import annotations

from django import forms

from .models import Authority


class UnderrattelseForm(forms.Form):
    person = forms.TypedChoiceField(
        label="Vem har fått förmånen?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Välj vem underrättelsen gäller."},
    )
    authority = forms.ChoiceField(
        label="Till vilken myndighet?",
        choices=Authority.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Välj myndighet."},
    )
    authority_detail = forms.CharField(
        label="Myndighet, närmare (frivillig)",
        help_text="Till exempel vilken a-kassa eller kommun.",
        max_length=200,
        required=False,
    )
    benefit = forms.CharField(
        label="Vilken förmån gäller det?",
        help_text="Till exempel bostadsbidrag, studiemedel, aktivitetsstöd.",
        max_length=200,
        error_messages={"required": "Ange vilken förmån det gäller."},
    )
    ground = forms.CharField(
        label="Grund: varför finns det anledning att anta att förmånen betalats ut felaktigt?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Skriv grunden för underrättelsen."},
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [
            (m.person.pk, f"{m.person.given_name} {m.person.family_name} ({m.get_role_display()})")
            for m in members
        ]
