"""Decision letters: render a finished decision as HTML and PDF/UA, and archive it once.

    from bistand.audit.services import Actor
    from bistand.letters.services import archive_letter, render_html

    html = render_html(decision)                                   # preview, nothing stored
    letter = archive_letter(decision, actor=Actor.system("letters"))  # stored, hash audited

Letters read the decision, its items and its archived calculation; they never recompute
anything. See docs/letters.md.
"""

from __future__ import annotations

import hashlib
import re

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.template.loader import render_to_string

from bistand.audit.services import record
from bistand.decisions.models import Decision

from .content import LEGAL_BASIS_APPEAL, LEGAL_BASIS_AUTOMATED, LetterError, letter_content
from .models import DecisionLetter
from .pdf import SCREEN_STYLESHEET, ResourceRefused, write_pdf

#: Bump when the template or its style changes what a letter says or how it looks.
TEMPLATE_VERSION = "3"
TEMPLATE = "letters/decision.html"

__all__ = [
    "TEMPLATE_VERSION",
    "LetterError",
    "ResourceRefused",
    "archive_letter",
    "existing_letter",
    "letter_pdf_response",
    "render_html",
    "render_pdf",
]


def render_html(decision: Decision, *, template: str = TEMPLATE) -> str:
    """The letter as a self-contained Swedish HTML document (style inline, no external URLs).

    Raises ``LetterError`` if the decision lacks something the letter must say.
    """
    return render_to_string(
        template,
        {
            "letter": letter_content(decision),
            "css": SCREEN_STYLESHEET.read_text(encoding="utf-8"),
            "template_version": TEMPLATE_VERSION,
            "legal_basis_appeal": LEGAL_BASIS_APPEAL,
            "legal_basis_automated": LEGAL_BASIS_AUTOMATED,
        },
    )


def render_pdf(html: str) -> bytes:
    """A letter's HTML as a tagged PDF (PDF/UA-1) with the app's own fonts, offline.

    Raises ``ResourceRefused`` if the HTML references anything but the app's own files.
    """
    return write_pdf(html)


def archive_letter(decision: Decision, *, actor: str) -> DecisionLetter:
    """The decision's letter, rendered, stored and its PDF's SHA-256 logged: once.

    Idempotent: if the decision already has a letter, that letter is returned unchanged
    (also when two calls race: the one-to-one on the decision lets only one row in).
    The rendering happens before the transaction, so the audit chain lock is held only for
    the insert. ``actor`` is an ``Actor`` string, e.g. ``Actor.system("letters")``.
    """
    existing = existing_letter(decision)
    if existing is not None:
        return existing
    html = render_html(decision)
    pdf = render_pdf(html)
    sha256 = hashlib.sha256(pdf).hexdigest()
    try:
        with transaction.atomic():
            letter = DecisionLetter.objects.create(
                decision=decision,
                html=html,
                pdf=pdf,
                sha256=sha256,
                template_version=TEMPLATE_VERSION,
            )
            record(
                "letter.archived",
                actor=actor,
                case_id=decision.application.case_id,
                subject=f"decision:{decision.pk}",
                data={
                    "decision": decision.pk,
                    "letter": letter.pk,
                    "sha256": sha256,
                    "bytes": len(pdf),
                    "template_version": TEMPLATE_VERSION,
                },
            )
    except IntegrityError:
        # Another process archived this decision's letter between our check and our insert.
        existing = existing_letter(decision)
        if existing is None:
            raise
        return existing
    return letter


def existing_letter(decision: Decision) -> DecisionLetter | None:
    return DecisionLetter.objects.filter(decision=decision).first()


def letter_pdf_response(letter: DecisionLetter, *, download: bool = False) -> HttpResponse:
    """The archived PDF as an HTTP response, for the views that will serve it.

    The caller checks who may see the letter (and logs the access); this only packs it.
    """
    reference = re.sub(r"[^A-Za-z0-9-]+", "-", letter.decision.application.case.reference)
    filename = f"beslut-{reference}-{letter.decision.application.month}.pdf"
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
