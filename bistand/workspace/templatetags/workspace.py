"""Template helpers for the workspace: amounts in kronor and form widgets wired to their
hint and error (aria-describedby), so screen readers read both with the field."""

from __future__ import annotations

from django import forms, template
from django.utils import translation
from django.utils.safestring import SafeString

from bistand.rules.money import format_kr, from_ore

register = template.Library()

CLASSES = {
    forms.Select: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.TextInput: "govuk-input",
    forms.DateInput: "govuk-input govuk-input--width-10",
    forms.NumberInput: "govuk-input govuk-input--width-10",
}


@register.filter
def ore_kr(ore) -> str:
    """Integer öre as Swedish kronor: 1234550 → "12 345,50 kr"."""
    if ore in (None, ""):
        return "–"
    return format_kr(from_ore(int(ore)))


@register.simple_tag
def widget(field) -> SafeString:
    """The field's widget with its hint and error in aria-describedby and the design system's
    class; invalid fields get aria-invalid."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    attrs = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    widget = field.field.widget
    existing = widget.attrs.get("class", "")
    css = existing or next((c for kind, c in CLASSES.items() if type(widget) is kind), "")
    if css:
        if field.errors:
            base = css.split()[0]
            css = f"{css} {base}--error"
        attrs["class"] = css
    return field.as_widget(attrs=attrs)


@register.simple_tag
def housing_rows(declared: dict) -> list[tuple[str, str]]:
    """The applicant's Boende answers (kind of housing, consent to a second-hand let and
    whether it is attached, rooms) as Swedish (label, value) rows for the case view."""
    from bistand.eservice.views.summary import housing_summary

    with translation.override("sv"):
        return [(str(k), str(v)) for k, v in housing_summary(declared.get("housing") or {})]
