"""Forms of the aktivitetskrav's pages (staff and Mina sidor), with Swedish messages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AbsenceReason, ActivityKind, CertificateStatus, ExemptionGround

DATE_HELP = "ÅÅÅÅ-MM-DD, t.ex. 2026-10-05"


def _date(label: str, *, required: bool = True, help_text: str = DATE_HELP) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": f"Ange {label.lower()}.",
            "invalid": f"Ange {label.lower()} som ÅÅÅÅ-MM-DD.",
        },
    )


class PlanForm(forms.Form):
    goal = forms.CharField(
        label="Mål",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Vad planen ska leda till, t.ex. ett arbete inom lager på heltid.",
        error_messages={"required": "Skriv ett mål för planen."},
    )
    capacity = forms.CharField(
        label="Anpassning efter förmåga",
        max_length=500,
        required=False,
        help_text="Hur aktiviteterna är anpassade till personens förmåga (frivilligt).",
    )


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(
        label="Slag av aktivitet",
        choices=ActivityKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Välj slag av aktivitet."},
    )
    provider = forms.CharField(
        label="Anordnare",
        max_length=200,
        error_messages={"required": "Skriv vem som anordnar aktiviteten."},
    )
    hours_per_week = forms.IntegerField(
        label="Timmar per vecka",
        min_value=1,
        max_value=40,
        help_text="Anpassat efter personens förmåga, 1–40.",
        error_messages={
            "required": "Ange timmar per vecka.",
            "invalid": "Ange timmar per vecka som ett heltal.",
            "min_value": "Timmar per vecka ska vara minst 1.",
            "max_value": "Timmar per vecka får vara högst 40.",
        },
    )
    start = _date("Startdatum")
    end = _date("Slutdatum", required=False, help_text=f"Frivilligt. {DATE_HELP}")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", "Slutdatumet får inte vara före startdatumet.")
        return cleaned


class ExemptionForm(forms.Form):
    ground = forms.ChoiceField(
        label="Grund för undantaget",
        choices=ExemptionGround.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Välj en grund för undantaget."},
    )
    text = forms.CharField(
        label="Beskrivning",
        max_length=500,
        required=False,
        help_text="Krävs när grunden är Annat skäl.",
    )
    valid_from = _date("Från")
    valid_to = _date("Till", required=False, help_text=f"Frivilligt. {DATE_HELP}")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("ground") == ExemptionGround.OTHER and not cleaned.get("text", "").strip():
            self.add_error("text", "Beskriv skälet när grunden är Annat skäl.")
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", "Till-datumet får inte vara före från-datumet.")
        return cleaned


PRESENCE = [("present", "Närvarande"), ("absent", "Frånvarande")]
ASSESSMENT = [
    ("pending", "Bedöms senare"),
    ("accepted", "Skälet godtas"),
    ("not_accepted", "Skälet godtas inte"),
]


class AttendanceForm(forms.Form):
    day = _date("Dag")
    presence = forms.ChoiceField(
        label="Närvaro",
        choices=PRESENCE,
        widget=forms.RadioSelect,
        error_messages={"required": "Välj närvarande eller frånvarande."},
    )
    activity = forms.TypedChoiceField(
        label="Aktivitet", coerce=int, required=False, empty_value=None
    )
    hours = forms.IntegerField(
        label="Timmar",
        min_value=0,
        max_value=24,
        required=False,
        help_text="Frivilligt: timmar närvaro.",
        error_messages={"invalid": "Ange timmar som ett heltal."},
    )
    reason_kind = forms.ChoiceField(
        label="Skäl till frånvaro",
        choices=[("", "Välj skäl"), *AbsenceReason.choices],
        required=False,
    )
    reason = forms.CharField(
        label="Beskrivning av skälet", max_length=500, required=False, help_text="Frivilligt."
    )
    source = forms.ChoiceField(
        label="Uppgiften kommer från",
        choices=[("caseworker", "Handläggaren"), ("provider", "Anordnaren")],
        widget=forms.RadioSelect,
        initial="caseworker",
        error_messages={"required": "Välj varifrån uppgiften kommer."},
    )
    assessment = forms.ChoiceField(
        label="Bedömning av skälet", choices=ASSESSMENT, initial="pending", required=False
    )

    def __init__(self, *args, activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [("", "Ingen särskild aktivitet")] + [
            (a.pk, str(a)) for a in activities
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("presence") == "absent":
            if not cleaned.get("reason_kind"):
                self.add_error("reason_kind", "Välj skälet till frånvaron (eller Okänt skäl).")
            elif cleaned["reason_kind"] == AbsenceReason.OTHER and not cleaned.get("reason"):
                self.add_error("reason", "Beskriv skälet när du väljer Annat skäl.")
        return cleaned


class AbsenceReportForm(forms.Form):
    """The applicant's report on Mina sidor (in English too: bistand/locale)."""

    day = _date("Dag du inte kunde delta")
    reason_kind = forms.ChoiceField(
        label=_("Varför kunde du inte delta?"),
        choices=[(value, _(label)) for value, label in AbsenceReason.choices],  # marked in models
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj varför du inte kunde delta.")},
    )
    reason = forms.CharField(
        label=_("Berätta mer (frivilligt)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        day = self.fields["day"]
        day.label = _("Dag du inte kunde delta")
        day.help_text = _("ÅÅÅÅ-MM-DD, t.ex. 2026-10-05")
        day.error_messages["required"] = _("Ange dag du inte kunde delta.")
        day.error_messages["invalid"] = _("Ange dag du inte kunde delta som ÅÅÅÅ-MM-DD.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason_kind") == AbsenceReason.OTHER and not cleaned.get("reason"):
            self.add_error("reason", _("Berätta varför när du väljer Annat skäl."))
        return cleaned


class AssessAbsenceForm(forms.Form):
    assessment = forms.ChoiceField(
        label="Bedömning",
        choices=ASSESSMENT[1:],
        widget=forms.RadioSelect,
        error_messages={"required": "Välj om skälet godtas eller inte."},
    )


class CertificateUploadForm(forms.Form):
    """Läkarintyg on Mina sidor: the file (checked like every attachment) and its period."""

    file = forms.FileField(
        label=_("Läkarintyget"),
        error_messages={"required": _("Välj filen med läkarintyget.")},
    )
    valid_from = _date("Intyget gäller från")
    valid_until = _date("Intyget gäller till")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        self.fields["file"].help_text = _("PDF, JPG eller PNG, högst %(mb)s MB.") % {
            "mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        }
        # The same Swedish as _date's, as whole sentences for the translation.
        for name, label, required, invalid in (
            (
                "valid_from",
                _("Intyget gäller från"),
                _("Ange intyget gäller från."),
                _("Ange intyget gäller från som ÅÅÅÅ-MM-DD."),
            ),
            (
                "valid_until",
                _("Intyget gäller till"),
                _("Ange intyget gäller till."),
                _("Ange intyget gäller till som ÅÅÅÅ-MM-DD."),
            ),
        ):
            field = self.fields[name]
            field.label = label
            field.help_text = _("ÅÅÅÅ-MM-DD, t.ex. 2026-10-05")
            field.error_messages["required"] = required
            field.error_messages["invalid"] = invalid

    def clean_file(self):
        from bistand.eservice.forms import AttachmentForm

        checker = AttachmentForm()
        checker.cleaned_data = {"file": self.cleaned_data["file"]}
        return checker.clean_file()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("Till-datumet får inte vara före från-datumet."))
        return cleaned


class RegisterCertificateForm(forms.Form):
    """The caseworker registers a läkarintyg: from an attachment of the case, or on paper."""

    attachment = forms.TypedChoiceField(
        label="Bilaga",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Välj bilagan med intyget, eller Inkommet på papper.",
    )
    valid_from = _date("Intyget gäller från")
    valid_until = _date("Intyget gäller till")

    def __init__(self, *args, attachments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachment"].choices = [("", "Inkommet på papper (ingen bilaga)")] + [
            (a.pk, f"{a.filename} ({a.uploaded_at:%Y-%m-%d})") for a in attachments
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", "Till-datumet får inte vara före från-datumet.")
        return cleaned


class AssessCertificateForm(forms.Form):
    status = forms.ChoiceField(
        label="Bedömning",
        choices=[
            (CertificateStatus.ACCEPTED, "Läkarintyget godtas"),
            (CertificateStatus.REJECTED, "Läkarintyget godtas inte"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Välj om läkarintyget godtas."},
    )
    accepted_until = _date(
        "Godtas till", required=False, help_text=f"Krävs när intyget godtas. {DATE_HELP}"
    )
    note = forms.CharField(
        label="Anteckning",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == CertificateStatus.ACCEPTED and not cleaned.get(
            "accepted_until"
        ):
            self.add_error("accepted_until", "Ange till vilket datum läkarintyget godtas.")
        return cleaned


class ReductionForm(forms.Form):
    amount = forms.DecimalField(
        label="Belopp som beviljas (kronor)",
        required=False,
        min_value=0,
        decimal_places=2,
        help_text="Lämna tomt eller 0 för avslag; ett lägre belopp än förslaget är en nedsättning.",
        error_messages={"invalid": "Ange beloppet i kronor, t.ex. 3500."},
    )
    motivering = forms.CharField(
        label="Motivering",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Vilka aktiviteter personen avböjt, när, och varför skälet inte godtas. "
        "Lagrummet läggs till i beslutet.",
        error_messages={"required": "Skriv en motivering."},
    )
