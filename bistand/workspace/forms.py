"""The caseworker's forms. Each posts on its own, without JavaScript; the prefix keeps the
field ids on the case view unique, so the error summary can link to each field."""

from __future__ import annotations

from django import forms

from bistand.decisions.models import ControlOutcome

REQUIRED = {"required": "Fältet måste fyllas i."}


def _text(label: str, help_text: str = "", rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=5000,
        error_messages={**REQUIRED, "max_length": "Högst %(limit_value)d tecken."},
        widget=forms.Textarea(attrs={"rows": rows, "class": "govuk-textarea"}),
    )


def _amount(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text or "I kronor, t.ex. 6500 eller 6 500,50.",
        max_length=20,
        error_messages=REQUIRED,
        widget=forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-10", "inputmode": "decimal"}
        ),
    )


class ProposalForm(forms.Form):
    """Every action on a proposal carries the calculation the caseworker saw."""

    calculation = forms.IntegerField(widget=forms.HiddenInput)


class ApproveForm(ProposalForm):
    prefix = "godkann"


class CostForm(ProposalForm):
    prefix = "kostnad"
    cost_type = forms.ChoiceField(label="Kostnad", error_messages=REQUIRED)
    amount = _amount("Godtaget belopp", "I kronor. 0 tar bort kostnaden ur beräkningen.")
    motivering = _text("Motivering", "Varför godtas ett annat belopp? Texten står i beslutet.")

    def __init__(self, *args, cost_types: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cost_type"].choices = [("", "Välj kostnad"), *(cost_types or {}).items()]


class AddIncomeForm(ProposalForm):
    prefix = "ny-inkomst"
    member = forms.ChoiceField(label="Vems inkomst", error_messages=REQUIRED)
    income_type = forms.ChoiceField(label="Inkomstslag", error_messages=REQUIRED)
    amount = _amount("Belopp per månad (netto)")
    motivering = _text("Motivering", "Varför läggs inkomsten till? Texten står i beslutet.")

    def __init__(self, *args, members=(), income_types: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "Välj person"), *members]
        self.fields["income_type"].choices = [
            ("", "Välj inkomstslag"),
            *(income_types or {}).items(),
        ]


class IncomeForm(ProposalForm):
    prefix = "inkomst"
    index = forms.TypedChoiceField(label="Inkomst", coerce=int, error_messages=REQUIRED)
    amount = _amount("Nytt belopp", "I kronor. 0 tar bort inkomsten ur beräkningen.")
    motivering = _text("Motivering", "Varför ändras inkomsten? Texten står i beslutet.")

    def __init__(self, *args, incomes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["index"].choices = [("", "Välj inkomst"), *incomes]


class RefuseForm(ProposalForm):
    prefix = "avslag"
    kind = forms.ChoiceField(
        label="Avslag",
        choices=[("helt", "Avslå helt"), ("delvis", "Avslå delvis (bevilja ett lägre belopp)")],
        widget=forms.RadioSelect,
        error_messages=REQUIRED,
    )
    amount = _amount("Belopp som beviljas vid delvis avslag", "I kronor, lägre än förslaget.")
    motivering = _text("Motivering", "Skälen för avslaget. Texten står i beslutet.", rows=5)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].required = False

    def clean(self):
        data = super().clean()
        if data.get("kind") == "delvis" and not (data.get("amount") or "").strip():
            self.add_error("amount", "Ange beloppet som beviljas vid delvis avslag.")
        return data


class CompletionForm(forms.Form):
    prefix = "komplettering"
    message = _text(
        "Vad behöver den sökande komplettera med?",
        "Meddelandet visas för den sökande på Mina sidor.",
        rows=4,
    )


class JournalForm(forms.Form):
    prefix = "journal"
    text = _text("Ny journalanteckning", "Anteckningen kan inte ändras eller tas bort efteråt.")


class AssignForm(forms.Form):
    prefix = "tilldela"
    user = forms.TypedChoiceField(label="Handläggare", coerce=int, error_messages=REQUIRED)

    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "Välj handläggare"), *users]


class StickprovForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Resultat",
        choices=[("", "Välj resultat")]
        + [(v, label) for v, label in ControlOutcome.choices if v != ControlOutcome.PENDING],
        error_messages=REQUIRED,
    )
    note = forms.CharField(label="Kommentar", required=False, max_length=2000)


class PaymentExportForm(forms.Form):
    execution_date = forms.DateField(
        label="Utbetalningsdag",
        help_text="ÅÅÅÅ-MM-DD. Betalningar som förfaller senast den dagen tas med.",
        error_messages={**REQUIRED, "invalid": "Skriv datumet som ÅÅÅÅ-MM-DD."},
        widget=forms.DateInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )
