"""Forms of the appeal pages. Files use the e-service's own checks (size, PDF/JPG/PNG by their
first bytes): ``AppealFileForm`` is the e-service's attachment form without its kind."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bistand.decisions.models import Outcome
from bistand.eservice.forms import AmountField, AttachmentForm

from .models import CourtOutcome

FILES = 3


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Vad vill du ändra i beslutet, och varför?"),
        help_text=_(
            "Skriv vilken ändring du vill ha och varför du anser att beslutet är fel. "
            "Högst 10 000 tecken."
        ),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("Skriv vad du vill ändra i beslutet och varför."),
            "max_length": _("Överklagandet får vara högst 10 000 tecken."),
        },
    )


class AppealFileForm(AttachmentForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["kind"]
        self.fields["file"].required = False
        self.fields["file"].label = _("Bilaga (frivillig)")

    def clean_file(self):
        if not self.cleaned_data.get("file"):
            return None
        return super().clean_file()


def file_forms(data=None, files=None) -> list[AppealFileForm]:
    return [AppealFileForm(data, files, prefix=f"bilaga{i}") for i in range(1, FILES + 1)]


class DateField(forms.DateField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault(
            "error_messages",
            {"required": "Ange datum.", "invalid": "Skriv datumet som ÅÅÅÅ-MM-DD."},
        )
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        super().__init__(*args, **kwargs)


class PaperAppealForm(forms.Form):
    arrived_on = DateField(label="Inkom till nämnden (ÅÅÅÅ-MM-DD)")
    text = forms.CharField(
        label="Överklagandets innehåll (avskrift eller sammanfattning)",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Skriv vad överklagandet gäller."},
    )


class PostForm(forms.Form):
    sent_on = DateField(label="Skickat med post (ÅÅÅÅ-MM-DD)")
    delivered_on = DateField(label="Kom fram enligt bevis (ÅÅÅÅ-MM-DD, frivilligt)", required=False)
    evidence = forms.CharField(
        label="Bevis om att beslutet kom fram (t.ex. mottagningsbevis)",
        max_length=200,
        required=False,
    )


class ReconsiderForm(forms.Form):
    # Kronor as people write them ("13 840", "13 840,50 kr"): the e-service's field.
    new_amount = AmountField(
        label="Nytt sammanlagt belopp (kr)",
        required=True,
        error_messages={"required": "Ange det nya beloppet."},
    )
    reasons = forms.CharField(
        label="Motivering",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Skriv motiveringen till det nya beslutet."},
    )
    fully_as_requested = forms.BooleanField(
        label="Beslutet ändras helt som klaganden begärt (överklagandet förfaller)",
        required=False,
    )


class DismissForm(forms.Form):
    reasons = forms.CharField(
        label="Motivering till avvisningen",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Skriv motiveringen till beslutet att avvisa."},
    )


class ForwardForm(forms.Form):
    statement = forms.CharField(
        label="Yttrande till förvaltningsrätten (frivilligt)",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CourtForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Förvaltningsrättens avgörande",
        choices=[("", "Välj"), *CourtOutcome.choices],
        error_messages={"required": "Välj domstolens avgörande."},
    )
    decided_on = DateField(label="Datum för avgörandet (ÅÅÅÅ-MM-DD)")
    case_number = forms.CharField(label="Målnummer", max_length=40, required=False)


OUTCOME_LABELS = dict(Outcome.choices)
