"""The decision letter as a page of Mina sidor ("Läs hela beslutet").

The letter's HTML is the archived letter (what the PDF was made from) and is never changed: it
is laid out for paper. When it is shown on a screen it is given, around it, what a page needs
and a letter does not: the viewport (without it a phone lays the page out 980 px wide and
shrinks it), the screen style sheet ``letters/screen.css`` (one column on a phone), and a way
back to the application and to Mina sidor, at the top and at the end. Older archived letters
get the same, since it is added when the page is served.
"""

from __future__ import annotations

import re
from functools import cache

from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bistand.letters.pdf import STATIC_DIR

SCREEN_STYLESHEET = STATIC_DIR / "screen.css"
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


@cache
def _screen_css() -> str:
    return SCREEN_STYLESHEET.read_text(encoding="utf-8")


def _nav(back_url: str, back_text: str, home_url: str, pdf_url: str, *, end: bool) -> str:
    language = get_language() or "sv"
    return format_html(
        '<nav class="letter-nav{}" aria-label="{}" lang="{}">'
        '<a href="{}">{}</a><a href="{}">{}</a>{}</nav>',
        " letter-nav--end" if end else "",
        _("Tillbaka") if not end else _("Tillbaka, efter beslutet"),
        language,
        back_url,
        "← " + back_text,
        home_url,
        _("Mina sidor"),
        format_html('<a href="{}" download>{}</a>', pdf_url, _("Ladda ner beslutet som PDF"))
        if not end
        else "",
    )


def on_screen(html: str, *, back_url: str, back_text: str, home_url: str, pdf_url: str) -> str:
    """The letter's HTML with the viewport, the screen style and the way back added."""
    head_end = html.find("</head>")
    if head_end < 0:
        return html
    extra = ""
    if not re.search(r'<meta\s+name="viewport"', html[:head_end]):
        extra += VIEWPORT
    extra += f"<style>\n{_screen_css()}</style>\n"
    html = html[:head_end] + extra + html[head_end:]
    body = re.search(r"<body[^>]*>", html)
    end = html.rfind("</body>")
    if body is None or end < body.end():
        return html
    top = _nav(back_url, back_text, home_url, pdf_url, end=False)
    bottom = _nav(back_url, back_text, home_url, pdf_url, end=True)
    return html[: body.end()] + top + html[body.end() : end] + bottom + html[end:]
