"""``{% panels "<slot>" obj %}``: render the panels other apps registered for a page's slot
(bistand/core/extensions.py). Each panel's template gets its own context function's dict plus
``request`` and ``obj``; a panel whose function returns ``None`` is left out."""

from __future__ import annotations

from django import template
from django.template.loader import get_template
from django.utils.html import format_html_join

from bistand.core import extensions

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context, slot: str, obj=None):
    request = context.get("request")
    if slot != extensions.STAFF_LINKS and obj in (None, ""):
        # No page object (an unresolved variable renders as ""): nothing to hang a panel on, so
        # panel functions can rely on getting one.
        return ""
    parts = []
    for panel in extensions.panels(slot):
        data = panel.context(request, obj)
        if data is None:
            continue
        parts.append(get_template(panel.template).render({**data, "obj": obj}, request))
    # Each part is a rendered template (already escaped and marked safe): joined, not escaped.
    return format_html_join("", "{}", ((part,) for part in parts))
