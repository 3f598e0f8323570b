"""Template filters for decision letters."""

from __future__ import annotations

import re

from django import template

register = template.Library()

NBSP = "\u00a0"
_BEFORE_SECTION = re.compile(r" (?=§)")  # "7 §", "1 och 7 §§"
_AFTER_SECTION = re.compile(r"(?<=§) (?=\d)")  # "§ 112"
_AFTER_CHAPTER = re.compile(r"(?<=kap\.) ")  # "12 kap. 7 §"


@register.filter
def lawtext(value: str) -> str:
    """Keep a legal reference's parts on one line: "12 kap. 7 §", "§ 112" never break apart."""
    text = str(value)
    for pattern in (_BEFORE_SECTION, _AFTER_SECTION, _AFTER_CHAPTER):
        text = pattern.sub(NBSP, text)
    return text
