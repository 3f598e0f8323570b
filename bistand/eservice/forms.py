"""The application's forms, one per step. Each turns its answers into the part of
``Application.declared`` it owns (``to_data``); messages are plain Swedish (and English)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import ClassVar

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from bistand.cases import personnummer as pnr
from bistand.cases.models import Person, Role
from bistand.decisions.review import cost_types, known_income_types

from .models import AttachmentKind
from .services import age_on

MAX_AMOUNT = Decimal("1000000")


class AmountField(forms.CharField):
    """Kronor as people write them ("1 250", "1250,50", "1 250 kr"); cleaned to "1250.50"."""

    default_error_messages: ClassVar[dict] = {
        "invalid": _("Skriv beloppet i kronor med siffror, till exempel 1 250 eller 1 250,50."),
        "negative": _("Beloppet kan inte vara mindre än noll."),
        "too_large": _("Beloppet verkar för stort. Kontrollera siffrorna."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self, value):
        text = super().clean(value)
        if text in ("", None):
            return ""
        cleaned = re.sub(r"(?i)\s|kr(onor)?\.?|:-", "", str(text)).replace(",", ".")
        try:
            amount = Decimal(cleaned)
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not amount.is_finite() or amount.as_tuple().exponent < -2:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if amount < 0:
            raise ValidationError(self.error_messages["negative"], code="negative")
        if amount >= MAX_AMOUNT:
            raise ValidationError(self.error_messages["too_large"], code="too_large")
        return f"{amount:.2f}"


class PersonnummerField(forms.CharField):
    default_error_messages: ClassVar[dict] = {
        "invalid": _("Skriv personnumret med 12 siffror, till exempel 19850412-1234."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return ""
        try:
            return pnr.normalise(text)
        except ValidationError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


def known_names(members: list[dict], *, me: str = "") -> dict[str, str]:
    """Personnummer → name, for the household members whose name the system knows (from
    their own e-legitimation) and the applicant may see: the applicant, those folkbokföringen
    lists at the same address, and ``me`` (who is reading). Someone the applicant typed in is
    named by birth date only: typing a personnummer must never reveal whose it is.
    One query for the whole household."""
    shown = {
        m["personnummer"]
        for m in members
        if m.get("role") == Role.APPLICANT or m.get("from_register") or m["personnummer"] == me
    }
    return {
        number: f"{given} {family}".strip()
        for number, given, family in Person.objects.filter(personnummer__in=shown).values_list(
            "personnummer", "given_name", "family_name"
        )
        if f"{given} {family}".strip()
    }


def describe(number: str, names: dict[str, str] | None = None) -> str:
    """A person in the household as the applicant recognises them, without the full number:
    by name when ``names`` (from ``known_names``) has it ("Sara Nilsson, född 1990-03-15"),
    by birth date otherwise ("Person född 1990-03-15 (19900315-****)")."""
    born = pnr.birth_date(number).isoformat()
    if names and names.get(number):
        return _("%(name)s, född %(born)s") % {"name": names[number], "born": born}
    return _("Person född %(born)s (%(masked)s)") % {"born": born, "masked": pnr.mask(number)}


# --------------------------------------------------------------------------- household

ROLE_CHOICES = [
    (Role.PARTNER, _("Min make, maka, sambo eller registrerade partner")),
    (Role.CHILD, _("Mitt barn (eller min partners barn) som bor hos mig")),
    ("none", _("Ingår inte i mitt hushåll (till exempel inneboende)")),
]


class HouseholdForm(forms.Form):
    """Who lives with the applicant: the persons from folkbokföringen, and anyone added."""

    new_personnummer = PersonnummerField(
        label=_("Lägg till en person som bor hos dig: personnummer"),
        required=False,
        help_text=_("Bara om någon saknas ovan."),
    )
    new_role = forms.ChoiceField(
        label=_("Personen är"), choices=[("", "–"), *ROLE_CHOICES[:2]], required=False
    )

    def __init__(self, *args, members: list[dict], applicant: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.applicant = applicant
        self.others = [m for m in members if m["personnummer"] != applicant]
        names = known_names(self.others)
        for i, member in enumerate(self.others):
            role = (
                member.get("role") if member.get("role") in (Role.PARTNER, Role.CHILD) else "none"
            )
            self.fields[f"role_{i}"] = forms.ChoiceField(
                label=describe(member["personnummer"], names),
                choices=ROLE_CHOICES,
                widget=forms.RadioSelect,
                initial=role,
            )
            if age_on(member["personnummer"], timezone.localdate()) >= 21:
                continue
            self.fields[f"days_{i}"] = forms.IntegerField(
                label=_("Om barnet bor hos dig en del av månaden: hur många dagar?"),
                help_text=_("Lämna tomt om barnet bor hos dig hela månaden."),
                required=False,
                min_value=1,
                max_value=31,
                initial=member.get("days"),
            )

    def member_fields(self):
        """(role, days) per person; days only for the young (a child may live here part time)."""
        return [
            (self[f"role_{i}"], self[f"days_{i}"] if f"days_{i}" in self.fields else None)
            for i in range(len(self.others))
        ]

    def clean(self):
        data = super().clean()
        if bool(data.get("new_personnummer")) != bool(data.get("new_role")):
            self.add_error(
                "new_role" if data.get("new_personnummer") else "new_personnummer",
                _("Fyll i både personnummer och vem personen är, eller lämna båda tomma."),
            )
        if data.get("new_personnummer") in {m["personnummer"] for m in self.others} | {
            self.applicant
        }:
            self.add_error("new_personnummer", _("Personen finns redan med i listan."))
        roles = [data.get(f"role_{i}") for i in range(len(self.others))] + [data.get("new_role")]
        if roles.count(Role.PARTNER) > 1:
            raise ValidationError(_("Bara en person kan vara din make, maka, sambo eller partner."))
        return data

    def to_data(self) -> dict:
        members = [{"personnummer": self.applicant, "role": Role.APPLICANT}]
        data = self.cleaned_data
        extra = []
        for i, member in enumerate(self.others):
            role = data[f"role_{i}"]
            entry = {"personnummer": member["personnummer"], "role": role}
            if role == Role.CHILD and data.get(f"days_{i}"):  # only asked of the young
                entry["days"] = data[f"days_{i}"]
            if member.get("from_register"):
                entry["from_register"] = True
            (extra if role == "none" else members).append(entry)
        if data.get("new_personnummer"):
            members.append({"personnummer": data["new_personnummer"], "role": data["new_role"]})
        # Persons from folkbokföringen who are not in the household stay listed (as "none") so
        # the question is not asked again; for_robot leaves them out.
        return {"members": members, "not_in_household": extra}


# --------------------------------------------------------------------------- housing

HOUSING_TYPES = [
    ("rent", _("Hyresrätt i första hand")),
    ("sublet", _("Hyr i andra hand")),
    ("lodger", _("Inneboende")),
    ("owned", _("Bostadsrätt eller eget hus")),
    ("none", _("Saknar egen bostad")),
]


SUBLET_CONSENT_ANSWERS = [
    ("yes", _("Ja")),
    ("no", _("Nej")),
    ("dont_know", _("Vet inte")),
]


class HousingForm(forms.Form):
    type = forms.ChoiceField(
        label=_("Hur bor du?"),
        choices=HOUSING_TYPES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj hur du bor.")},
    )
    # Asked of a second-hand tenant: from January 2027 the rent of a second-hand let counts only
    # with the consent the let requires (the 2027 reform, prop. 2025/26:201).
    sublet_consent = forms.ChoiceField(
        label=_(
            "Om du hyr i andra hand: har hyresvärden eller bostadsrättsföreningens styrelse "
            "godkänt andrahandsuthyrningen?"
        ),
        help_text=_(
            "Ett tillstånd från hyresnämnden räknas också. Lägg till samtycket som bilaga i "
            "steget Bilagor (Samtycke till andrahandsuthyrning). Från januari 2027 räknas hyran "
            "för en bostad i andra hand bara när uthyrningen är godkänd."
        ),
        choices=SUBLET_CONSENT_ANSWERS,
        widget=forms.RadioSelect,
        required=False,
    )
    rooms = forms.IntegerField(
        label=_("Antal rum (utom kök)"), min_value=0, max_value=20, required=False
    )
    rent = AmountField(
        label=_("Hyra eller avgift per månad (kronor)"),
        help_text=_("Det du betalar för bostaden, utan el om den betalas separat."),
    )

    def clean(self):
        data = super().clean()
        # Only when the rent is missing: a rent the field already refused (a negative or
        # unreadable amount) has its own message, and one message per error is enough.
        if (
            data.get("type")
            and data["type"] != "none"
            and not data.get("rent")
            and "rent" not in self.errors
        ):
            self.add_error("rent", _("Skriv vad du betalar för bostaden per månad."))
        if data.get("type") == "sublet" and not data.get("sublet_consent"):
            self.add_error(
                "sublet_consent",
                _("Svara om hyresvärden eller styrelsen har godkänt andrahandsuthyrningen."),
            )
        return data

    def to_data(self, costs: list[dict]) -> dict:
        data = self.cleaned_data
        others = [c for c in costs if c.get("type") != "rent"]
        if data.get("rent") and Decimal(data["rent"]) > 0:
            others.insert(0, {"type": "rent", "amount": data["rent"]})
        housing = {"type": data["type"]}
        if data.get("rooms") is not None:
            housing["rooms"] = data["rooms"]
        if data["type"] == "sublet":
            housing["sublet_consent"] = data["sublet_consent"]
        return {"housing": housing, "costs": others}


# --------------------------------------------------------------------------- incomes and costs

# The rules engine's income and cost catalogues (bistand/rules/parameters/national/) have
# Swedish labels only. Their texts are listed here, keyed by type code, so that makemessages
# finds them (the catalogue's Swedish text is the msgid); the pages translate the catalogue's
# label at run time, so a label changed in the catalogue but not here stays Swedish.
INCOME_TYPE_LABELS = {
    "salary": gettext_noop("Lön (netto)"),
    "unemployment_benefit": gettext_noop("Ersättning från arbetslöshetskassa"),
    "sickness_benefit": gettext_noop("Sjukpenning, sjukersättning eller aktivitetsersättning"),
    "activity_support": gettext_noop("Aktivitetsstöd eller utvecklingsersättning"),
    "establishment_benefit": gettext_noop("Etableringsersättning"),
    "parental_benefit": gettext_noop("Föräldrapenning"),
    "housing_allowance": gettext_noop("Bostadsbidrag eller bostadstillägg"),
    "maintenance_support": gettext_noop("Underhållsstöd eller underhållsbidrag"),
    "child_allowance": gettext_noop("Barnbidrag (inklusive flerbarnstillägg) eller studiebidrag"),
    "study_grant": gettext_noop("Studiemedel från CSN"),
    "pension": gettext_noop("Pension, barnpension eller livränta"),
    "tax_refund": gettext_noop("Skatteåterbäring"),
    "capital_income": gettext_noop("Inkomst av kapital eller uthyrning"),
    "other_taxable": gettext_noop("Annan skattepliktig inkomst"),
    "other": gettext_noop(
        "Annan inkomst (t.ex. gåva, Swish, försäkringsersättning för förlorad inkomst)"
    ),
    "disability_allowance": gettext_noop(
        "Handikappersättning eller merkostnadsersättning (skattefri)"
    ),
    "csn_extra_supplement": gettext_noop("Extra tillägg från CSN"),
    "leisure_card": gettext_noop("Fritidskort"),
}
COST_TYPE_LABELS = {
    "rent": gettext_noop("Boendekostnad"),
    "electricity": gettext_noop("Hushållsel"),
    "work_travel": gettext_noop("Arbetsresor"),
    "home_insurance": gettext_noop("Hemförsäkring"),
    "union_fee": gettext_noop("Avgift till fackförening"),
    "unemployment_fund_fee": gettext_noop("Avgift till arbetslöshetskassa"),
}


def _translated(catalogue: dict[str, str]) -> dict[str, str]:
    return {code: gettext(swedish) for code, swedish in catalogue.items()}


def income_type_labels(month: str) -> dict[str, str]:
    """Income type → label in the page's language (the catalogue's Swedish one otherwise)."""
    return _translated(known_income_types(month))


def cost_type_labels(month: str) -> dict[str, str]:
    """Cost type → label in the page's language (the catalogue's Swedish one otherwise)."""
    return _translated(cost_types(month))


class IncomeRowForm(forms.Form):
    person = forms.ChoiceField(label=_("Vems inkomst"), required=False)
    type = forms.ChoiceField(label=_("Typ av inkomst"), required=False)
    amount = AmountField(label=_("Belopp efter skatt per månad (kronor)"))

    def __init__(self, *args, persons=(), types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = list(persons)
        self.fields["type"].choices = [("", _("Välj typ av inkomst")), *types]

    def clean(self):
        data = super().clean()
        if data.get("type") and not data.get("amount") and "amount" not in self.errors:
            self.add_error("amount", _("Skriv beloppet."))
        if data.get("amount") and not data.get("type"):
            self.add_error("type", _("Välj vilken typ av inkomst det är."))
        return data


IncomeFormSet = forms.formset_factory(IncomeRowForm, extra=0, max_num=30, absolute_max=30)


# --------------------------------------------------------------------------- costs

COST_FIELDS = ("electricity", "home_insurance", "work_travel", "union_fee", "unemployment_fund_fee")


class CostsForm(forms.Form):
    def __init__(self, *args, labels: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for key in COST_FIELDS:
            self.fields[key] = AmountField(
                label=f"{labels.get(key, key)} " + str(_("(kronor per månad)"))
            )

    def to_data(self, costs: list[dict]) -> dict:
        kept = [c for c in costs if c.get("type") not in COST_FIELDS]
        for key in COST_FIELDS:
            amount = self.cleaned_data.get(key)
            if amount and Decimal(amount) > 0:
                kept.append({"type": key, "amount": amount})
        return {"costs": kept}


# --------------------------------------------------------------------------- assets

ASSET_TYPES = [
    ("bank", _("Pengar på bankkonton")),
    ("vehicle", _("Bil, motorcykel eller annat fordon")),
    ("property", _("Bostadsrätt, hus eller mark")),
    ("other", _("Annat av värde (aktier, fonder, smycken …)")),
]


def _in_swedish(text) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def asset_label(asset: dict) -> str:
    """An asset's description; the default one (its type's label) in the page's language."""
    description = asset.get("description", "")
    for key, label in ASSET_TYPES:
        if asset.get("type") == key and description == _in_swedish(label):
            return str(label)
    return description


class AssetsForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in ASSET_TYPES:
            self.fields[f"{key}_value"] = AmountField(label=label)
            self.fields[f"{key}_description"] = forms.CharField(
                label=_("Beskriv kort"), required=False, max_length=200
            )

    def to_data(self) -> dict:
        assets = []
        for key, label in ASSET_TYPES:
            value = self.cleaned_data.get(f"{key}_value")
            if value and Decimal(value) > 0:
                assets.append(
                    {
                        "type": key,
                        # The default description is kept in Swedish, the caseworkers'
                        # language, whatever language the applicant uses.
                        "description": self.cleaned_data.get(f"{key}_description")
                        or _in_swedish(label),
                        "value": value,
                    }
                )
        return {"assets": assets}


# --------------------------------------------------------------------------- other needs


class NeedRowForm(forms.Form):
    description = forms.CharField(label=_("Vad behöver du?"), required=False, max_length=200)
    amount = AmountField(label=_("Ungefärlig kostnad (kronor)"))

    def clean(self):
        data = super().clean()
        if data.get("description") and not data.get("amount") and "amount" not in self.errors:
            self.add_error("amount", _("Skriv ungefär vad det kostar."))
        if data.get("amount") and not data.get("description"):
            self.add_error("description", _("Skriv vad pengarna behövs till."))
        return data


NeedFormSet = forms.formset_factory(NeedRowForm, extra=0, max_num=10, absolute_max=10)


# --------------------------------------------------------------------------- changes, planning


class ChangesForm(forms.Form):
    changes = forms.CharField(
        label=_("Har något ändrats sedan du ansökte förra gången?"),
        help_text=_(
            "Till exempel att någon flyttat in eller ut, ny inkomst, nytt arbete eller ny "
            "bostad. Lämna tomt om inget har ändrats."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=3000,
    )


class PlanningForm(forms.Form):
    af_registered = forms.TypedChoiceField(
        label=_("Är du inskriven hos Arbetsförmedlingen?"),
        choices=[("yes", _("Ja")), ("no", _("Nej"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Svara ja eller nej.")},
    )
    activity = forms.CharField(
        label=_("Vad gör du för att kunna försörja dig själv?"),
        help_text=_("Till exempel jobbsökande, SFI, praktik, studier eller sjukskrivning."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
    )
    not_registered_reason = forms.CharField(
        label=_("Om du inte är inskriven: varför?"),
        required=False,
        max_length=500,
    )

    def __init__(self, *args, adults: list[tuple[str, str]] = (), month: str = "", **kwargs):
        """``adults``: (personnummer, who: "Jag", "Min partner") of the household's adults: one
        question on försörjningshinder and one on arbetsmarknadsinsats each, from the code
        tables in force for ``month`` (bistand/outcomes; optional: the caseworker can record
        them too). The answers become AdultMonth rows when the application is submitted."""
        super().__init__(*args, **kwargs)
        self.adults = list(adults) if month else []
        if not self.adults:
            return
        from bistand.outcomes import services as outcomes

        hinder = outcomes.codes(outcomes.HINDER, month)
        activities = outcomes.codes(outcomes.ACTIVITIES, month)
        for i, (_number, who) in enumerate(self.adults):
            me = i == 0
            key = "applicant_label" if me else "label"
            self.fields[f"hinder_{i}"] = forms.ChoiceField(
                label=_("Vad är det främsta skälet till att du inte kan försörja dig själv nu?")
                if me
                else _("%(who)s: vad är det främsta skälet till att hen inte kan försörja sig nu?")
                % {"who": who},
                help_text=_(
                    "Välj det som stämmer bäst. Om du är osäker kan du hoppa över frågan; "
                    "handläggaren frågar dig."
                ),
                choices=[
                    (code, gettext(row.get(key) or row["label"])) for code, row in hinder.items()
                ],
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"insats_{i}"] = forms.ChoiceField(
                label=_("Deltar du i någon av de här insatserna?")
                if me
                else _("%(who)s: deltar hen i någon av de här insatserna?") % {"who": who},
                help_text=_(
                    "Insatser som ska hjälpa dig till arbete, till exempel praktik eller sfi."
                )
                if me
                else _("Insatser som ska hjälpa hen till arbete, till exempel praktik eller sfi."),
                choices=[("", _("Nej, ingen av dessa"))]
                + [
                    (code, gettext(row.get(key) or row["label"]))
                    for code, row in activities.items()
                ],
                required=False,
            )

    def clean(self):
        data = super().clean()
        if data.get("af_registered") is False and not data.get("not_registered_reason"):
            self.add_error(
                "not_registered_reason",
                _("Berätta varför du inte är inskriven, till exempel sjukskrivning."),
            )
        return data

    def to_data(self) -> dict:
        data = self.cleaned_data
        planning = {"af_registered": data["af_registered"], "activity": data.get("activity", "")}
        if data.get("not_registered_reason"):
            planning["not_registered_reason"] = data["not_registered_reason"]
        if self.adults:
            planning["situation"] = [
                {
                    "personnummer": number,
                    "hinder": data.get(f"hinder_{i}", ""),
                    "activity": data.get(f"insats_{i}", ""),
                }
                for i, (number, _who) in enumerate(self.adults)
            ]
        return {"planning": planning}


# --------------------------------------------------------------------------- attachments

ALLOWED_TYPES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Vad är det för handling?"), choices=AttachmentKind.choices)
    file = forms.FileField(label=_("Välj fil"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted per request, in the language of the page (not once, at import).
        self.fields["file"].help_text = _("PDF, JPG eller PNG, högst %(mb)s MB.") % {
            "mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.ATTACHMENT_MAX_BYTES:
            raise ValidationError(
                _("Filen är för stor. Den får vara högst %(mb)s MB.")
                % {"mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
            )
        head = upload.read(16)
        upload.seek(0)
        for content_type, magics in ALLOWED_TYPES.items():
            if any(head.startswith(m) for m in magics):
                upload.detected_type = content_type
                return upload
        raise ValidationError(_("Filen måste vara en PDF, JPG eller PNG."))


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "Jag intygar att uppgifterna är riktiga och fullständiga, och att jag kommer att "
            "anmäla ändringar."
        ),
        error_messages={"required": _("Kryssa i att uppgifterna stämmer för att skriva under.")},
    )


# --------------------------------------------------------------------------- payout account


class PayoutAccountForm(forms.Form):
    """Where the assistance is paid: a Swedish bank account, or (where the municipality
    offers it) the account in Kontoregistret. Checked by the bank's rules: clearing number,
    the account number's length and its check digit (``bistand.payments.accounts``)."""

    method = forms.ChoiceField(
        label=_("Hur vill du få pengarna?"), widget=forms.RadioSelect, required=False
    )
    clearing_number = forms.CharField(
        label=_("Clearingnummer"),
        help_text=_("Fyra siffror, eller fem hos Swedbank när det börjar med 8 (t.ex. 8327-9)."),
        max_length=12,
        required=False,
    )
    account_number = forms.CharField(
        label=_("Kontonummer"),
        help_text=_(
            "Utan clearingnumret. Mellanslag och bindestreck går bra. Har du personkonto i "
            "Nordea är kontonumret ditt personnummer med tio siffror."
        ),
        max_length=20,
        required=False,
    )

    def __init__(self, *args, methods: list[str], **kwargs):
        from bistand.payments.models import PayoutMethod

        super().__init__(*args, **kwargs)
        self.methods = methods
        labels = {
            PayoutMethod.BANK_ACCOUNT: _("Till mitt bankkonto"),
            PayoutMethod.ACCOUNT_REGISTER: _(
                "Till det konto jag har anmält till Kontoregistret (hos min bank)"
            ),
        }
        self.fields["method"].choices = [(m, labels[m]) for m in methods]
        for name in ("clearing_number", "account_number"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric"})
        # With one method offered the page shows no choice; clean() takes that one.

    def clean(self):
        from bistand.payments import accounts
        from bistand.payments.models import PayoutMethod

        data = super().clean()
        method = data.get("method") or (self.methods[0] if len(self.methods) == 1 else "")
        if method not in self.methods:
            self.add_error("method", _("Välj hur du vill få pengarna."))
            return data
        data["method"] = method
        if method != PayoutMethod.BANK_ACCOUNT:
            data["clearing_number"] = data["account_number"] = ""
            return data
        try:
            data["clearing_number"], data["account_number"] = accounts.validate(
                data.get("clearing_number", ""), data.get("account_number", "")
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    # The bank rules speak Swedish only (bistand.payments.accounts).
                    self.add_error(field, message)
        return data
