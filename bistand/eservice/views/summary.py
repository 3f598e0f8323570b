"""The applicant's answers as sections of rows, for the review page, återansökan, the
partner's signing page and Mina sidor. Reads ``declared`` only."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import forms
from ..models import Step


def kr(amount: str | None) -> str:
    value = Decimal(amount or "0")
    whole, _sep, ore = f"{value:,.2f}".partition(".")
    text = whole.replace(",", "\u00a0")
    return f"{text}\u00a0kr" if ore == "00" else f"{text},{ore}\u00a0kr"


def _who(number: str, members: list[dict], names: dict[str, str]) -> str:
    for member in members:
        if member["personnummer"] == number:
            if member["role"] == "applicant":
                return names.get(number) or _("Sökande")
            if member["role"] == "partner":
                return names.get(number) or _("Medsökande")
    return forms.describe(number, names)


def _days(days: int) -> str:
    return ngettext("%(days)s dag per månad", "%(days)s dagar per månad", days) % {"days": days}


def housing_summary(housing: dict) -> list[tuple[str, str]]:
    """The Boende answers as (label, value) rows; the caseworker's case view uses them too."""
    housing_types = dict(forms.HOUSING_TYPES)
    housing_rows = []
    if housing.get("type"):
        housing_rows.append((_("Boende"), str(housing_types.get(housing["type"], housing["type"]))))
    if housing.get("type") == "sublet" and housing.get("sublet_consent"):
        answers = dict(forms.SUBLET_CONSENT_ANSWERS)
        housing_rows.append(
            (
                _("Hyresvärden eller styrelsen har godkänt andrahandsuthyrningen"),
                str(answers.get(housing["sublet_consent"], housing["sublet_consent"])),
            )
        )
    if housing.get("type") == "sublet" and "sublet_consent_attachment" in housing:
        housing_rows.append(
            (
                _("Samtycket finns som bilaga"),
                _("Ja") if housing["sublet_consent_attachment"] else _("Nej"),
            )
        )
    if housing.get("rooms") is not None:
        housing_rows.append((_("Antal rum"), str(housing["rooms"])))
    return housing_rows


def summary(data: dict, month: str, *, me: str = "") -> list[dict]:
    """``me``: the personnummer of who is reading, named even where the applicant typed it."""
    members = data.get("members", [])
    names = forms.known_names(members, me=me)
    roles = {"applicant": _("Sökande"), "partner": _("Medsökande"), "child": _("Barn")}
    household = [
        (
            roles.get(m["role"], _("Annan person")),
            forms.describe(m["personnummer"], names)
            + (" – " + _days(m["days"]) if m.get("days") else ""),
        )
        for m in members
    ]
    housing_rows = housing_summary(data.get("housing", {}))
    cost_labels = forms.cost_type_labels(month)
    costs = [
        (cost_labels.get(c["type"], c["type"]), kr(c["amount"])) for c in data.get("costs", [])
    ]
    income_labels = forms.income_type_labels(month)
    incomes = [
        (
            f"{_who(i['personnummer'], members, names)}: {income_labels.get(i['type'], i['type'])}",
            kr(i["amount"]),
        )
        for i in data.get("incomes", [])
    ]
    assets = [(forms.asset_label(a), kr(a.get("value"))) for a in data.get("assets", [])]
    needs = [(n.get("description", ""), kr(n.get("amount"))) for n in data.get("other_needs", [])]
    planning = data.get("planning", {})
    planning_rows = []
    if "af_registered" in planning:
        planning_rows.append(
            (
                _("Inskriven hos Arbetsförmedlingen"),
                _("Ja") if planning["af_registered"] else _("Nej"),
            )
        )
    if planning.get("not_registered_reason"):
        planning_rows.append((_("Varför inte inskriven"), planning["not_registered_reason"]))
    if planning.get("activity"):
        planning_rows.append((_("Vad du gör för att försörja dig"), planning["activity"]))
    planning_rows += situation_rows(planning.get("situation", []), data, month)
    changes = data.get("changes", "").strip()
    return [
        {"step": Step.HOUSEHOLD, "title": _("Hushåll"), "rows": household},
        {"step": Step.HOUSING, "title": _("Boende"), "rows": housing_rows},
        {
            "step": Step.INCOMES,
            "title": _("Inkomster"),
            "rows": incomes,
            "empty": _("Inga inkomster"),
        },
        {"step": Step.COSTS, "title": _("Kostnader"), "rows": costs, "empty": _("Inga kostnader")},
        {
            "step": Step.ASSETS,
            "title": _("Tillgångar"),
            "rows": assets,
            "empty": _("Inga tillgångar"),
        },
        {
            "step": Step.OTHER_NEEDS,
            "title": _("Övriga behov"),
            "rows": needs,
            "empty": _("Inga övriga behov"),
        },
        {
            "step": Step.CHANGES,
            "title": _("Förändringar"),
            "rows": [(_("Beskrivning"), changes)] if changes else [],
            "empty": _("Inget har ändrats"),
        },
        {"step": Step.PLANNING, "title": _("Planering"), "rows": planning_rows},
    ]


def situation_rows(situation: list[dict], data: dict, month: str) -> list[tuple[str, str]]:
    """The answers on försörjningshinder and insats per adult (bistand/outcomes' tables)."""
    if not situation or not month:
        return []
    from bistand.outcomes import services as outcomes

    hinder = outcomes.codes(outcomes.HINDER, month)
    activities = outcomes.codes(outcomes.ACTIVITIES, month)
    roles = {m.get("personnummer"): m.get("role") for m in data.get("members", [])}
    rows = []
    for answer in situation:
        applicant = roles.get(answer.get("personnummer")) == "applicant"
        who = _("Sökande") if applicant else _("Medsökande")
        chosen = hinder.get(answer.get("hinder", ""))
        insats = activities.get(answer.get("activity", ""))
        rows.append(
            (
                _("%(who)s: skäl att inte kunna försörja sig") % {"who": who},
                _(chosen["label"]) if chosen else _("Inte besvarat"),
            )
        )
        rows.append(
            (_("%(who)s: insats") % {"who": who}, _(insats["label"]) if insats else _("Ingen"))
        )
    return rows
