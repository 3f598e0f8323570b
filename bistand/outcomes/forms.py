"""The closing form (one avslutsorsak per adult) and the försörjningshinder form."""

from __future__ import annotations

from django import forms

from bistand.cases.models import Person
from bistand.rules.errors import MissingParameterError
from bistand.rules.explain import month_sv

from . import services


def choices(table_id: str, month: str, *, empty: str) -> list[tuple[str, str]]:
    return [("", empty)] + [
        (code, row["label"]) for code, row in services.codes(table_id, month).items()
    ]


def person_label(person: Person) -> str:
    name = f"{person.given_name} {person.family_name}".strip()
    return f"{name} ({person.masked})" if name else person.masked


class ClosingForm(forms.Form):
    last_month = forms.RegexField(
        label="Sista månad med bistånd",
        help_text="Den sista månad hushållet fick bistånd för, som ÅÅÅÅ-MM (t.ex. 2026-03).",
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        max_length=7,
        error_messages={
            "required": "Ange sista månad med bistånd.",
            "invalid": "Ange sista månad som ÅÅÅÅ-MM, t.ex. 2026-03.",
        },
    )
    confirm = forms.BooleanField(
        label="Jag bekräftar att ärendet ska avslutas",
        help_text="Hushållet kan ansöka igen; en ny ansökan öppnar en ny period.",
        error_messages={"required": "Bekräfta att ärendet ska avslutas."},
    )

    def __init__(self, *args, adults: list[Person], month: str, suggested: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.adults = adults
        options = choices(services.EXIT_REASONS, month, empty="Välj avslutsorsak")
        for person in adults:
            self.fields[f"reason_{person.pk}"] = forms.ChoiceField(
                label=f"Avslutsorsak för {person_label(person)}",
                choices=options,
                initial=suggested,
                help_text="Varför personen inte längre behöver bistånd."
                + (" Förslag: okänd orsak (hushållet har inte hört av sig)." if suggested else ""),
                error_messages={
                    "required": f"Välj en avslutsorsak för {person_label(person)}.",
                    "invalid_choice": "Välj en avslutsorsak i listan.",
                },
            )
        # The reasons first, in the adults' order, then the month and the confirmation.
        order = [f"reason_{p.pk}" for p in adults] + ["last_month", "confirm"]
        self.order_fields(order)

    def clean_last_month(self) -> str:
        """A month the table of avslutsorsaker has a version for (the codes are validated
        against it; statistics are never reported without one)."""
        month = self.cleaned_data["last_month"]
        try:
            services.code_table_version(services.EXIT_REASONS, month)
        except MissingParameterError:
            raise forms.ValidationError(
                f"Det finns ingen tabell med avslutsorsaker för {month_sv(month)}: "
                "sista månad med bistånd kan inte ligga så långt tillbaka. "
                "Kontrollera månaden."
            ) from None
        return month

    def reasons(self) -> dict[int, str]:
        return {p.pk: self.cleaned_data[f"reason_{p.pk}"] for p in self.adults}


class AdultMonthForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    hinder = forms.ChoiceField(label="Försörjningshinder", required=False)
    activity = forms.ChoiceField(label="Arbetsmarknadsinsats", required=False)

    def __init__(self, *args, month: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hinder"].choices = choices(services.HINDER, month, empty="Inte registrerat än")
        self.fields["activity"].choices = choices(services.ACTIVITIES, month, empty="Ingen insats")


class DismissForm(forms.Form):
    reason = forms.CharField(
        label="Varför ska ärendet vara öppet?",
        max_length=500,
        error_messages={"required": "Skriv varför ärendet ska vara öppet."},
    )
