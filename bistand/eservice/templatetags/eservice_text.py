"""Template filters for the applicant's pages."""

from __future__ import annotations

import re

from django import template

register = template.Library()


@register.filter
def month_name(value) -> str:
    """ "2026-12" → "december 2026" (in English "December 2026"); anything else as it is."""
    text = str(value or "")
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        return text
    from ..views.minasidor import month_name as name

    return name(text)
