"""The app's letters and the bundle for förvaltningsrätten, as tagged PDFs (WeasyPrint through
bistand.letters.pdf, offline), text checked by the tests.

* the decision to dismiss a late appeal (avvisning, FL 45 §), with how to appeal it;
* the letter of an omprövning (FL 38–39 §§) or of the new decision after a remand;
* the bundle (FL 46 §): a cover letter with the rättidsprövning, the decision letter with its
  calculation, the new decisions, the communicated material, the appeal and its files, merged
  into one PDF with pypdf.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from bistand.decisions.models import Decision
from bistand.letters.pdf import SCREEN_STYLESHEET, STATIC_DIR, LocalFilesOnly, write_pdf
from bistand.rules.money import format_kr, from_ore

log = logging.getLogger(__name__)

LAW_APPEAL = "förvaltningslagen (2017:900) 40–47 §§"


def kr(ore: int) -> str:
    return format_kr(from_ore(ore))


@dataclass
class Header:
    municipality: str
    committee: str
    reference: str
    decided_on: date
    month: str
    recipients: list
    you: str


def header(decision: Decision) -> Header:
    """The sender, the case and the recipients as the decision letter has them."""
    from bistand.letters.content import LetterError, letter_content
    from bistand.rules.explain import month_sv

    application = decision.application
    try:
        content = letter_content(decision)
    except LetterError:
        municipality = application.case.municipality
        return Header(
            municipality.name,
            "Socialnämnden",
            application.case.reference,
            timezone.localdate(decision.decided_at),
            month_sv(application.month),
            [],
            "du",
        )
    return Header(
        content.municipality,
        content.committee,
        content.reference,
        content.decided_on,
        content.month,
        content.recipients,
        content.you,
    )


def urgent_header(urgent_decision) -> Header:
    """The header for an urgent decision (nödbistånd): the case, the committee, the one who
    asked."""
    request = urgent_decision.request
    municipality = request.case.municipality
    applicant = request.applicant
    return Header(
        municipality.name,
        "Socialnämnden",
        request.case.reference,
        timezone.localdate(urgent_decision.decided_at),
        "akut hjälp (nödbistånd)",
        [{"name": f"{applicant.given_name} {applicant.family_name}".strip()}],
        "du",
    )


def header_of(appeal) -> Header:
    return urgent_header(appeal.urgent_decision) if appeal.is_urgent else header(appeal.decision)


def _render(template: str, context: dict) -> str:
    return render_to_string(
        f"appeals/letters/{template}",
        {**context, "css": SCREEN_STYLESHEET.read_text(encoding="utf-8"), "law_appeal": LAW_APPEAL},
    )


def dismissal_html(appeal) -> str:
    from .services import timeliness

    return _render(
        "dismissal.html",
        {
            "h": header_of(appeal),
            "appeal": appeal,
            "today": timezone.localdate(appeal.dismissed_at or timezone.now()),
            "found": timeliness(appeal),
            "by": _name(appeal.dismissed_by),
        },
    )


def dismissal_pdf(appeal) -> bytes:
    return write_pdf(dismissal_html(appeal))


def reconsideration_html(reconsideration) -> str:
    return _render(
        "reconsideration.html",
        {
            "h": header(reconsideration.decision),
            "r": reconsideration,
            "appeal": reconsideration.appeal,
            "today": timezone.localdate(reconsideration.decided_at),
            "previous": kr(reconsideration.previous_amount_ore),
            "new": kr(reconsideration.new_amount_ore),
            "difference": kr(reconsideration.difference_ore),
            "by": _name(reconsideration.decided_by),
        },
    )


def reconsideration_pdf(reconsideration) -> bytes:
    return write_pdf(reconsideration_html(reconsideration))


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


# --------------------------------------------------------------------------- the bundle


def kommunicering_parts(application) -> tuple[list[str], str]:
    """The communicated material as HTML fragments (bistand.kommunicering, built in parallel:
    imported lazily), and a note when it could not be read."""
    try:
        from bistand.kommunicering import services as kommunicering
    except ImportError:
        return [], "Kommuniceringen kunde inte läsas."
    for_application = getattr(kommunicering, "for_application", None)
    material_html = getattr(kommunicering, "material_html", None)
    if for_application is None or material_html is None:
        return [], "Kommuniceringen kunde inte läsas."
    # material_html renders the kommunicering app's own template (escaped there).
    return [mark_safe(material_html(k)) for k in for_application(application)], ""  # noqa: S308


class WithAttachments(LocalFilesOnly):
    """The letters' own files, and the appeal's images under names of their own."""

    def __init__(self, images: dict[str, tuple[bytes, str]]) -> None:
        super().__init__()
        self.images = images

    def fetch(self, url, headers=None):
        if url in self.images:
            from weasyprint.urls import URLFetcherResponse

            data, content_type = self.images[url]
            return URLFetcherResponse(url, data, headers={"Content-Type": content_type})
        return super().fetch(url, headers)


def _read(attachment) -> bytes:
    with attachment.file.open("rb") as handle:
        return handle.read()


def bundle_pdf(appeal) -> bytes:
    """One PDF: cover letter (yttrande) → decision letter with its calculation → new decisions
    → communicated material → the appeal → its PDF files."""
    from pypdf import PdfReader, PdfWriter

    from bistand.audit.services import Actor
    from bistand.letters.services import archive_letter

    from .services import timeliness

    h = header_of(appeal)
    reconsiderations = list(appeal.reconsiderations.order_by("decided_at", "pk"))
    if appeal.is_urgent:  # no kommunicering on the urgent path
        material, material_note = (
            [],
            (
                "Beslutet gällde akut hjälp (nödbistånd). Inget material finns registrerat som "
                "kommunicerat före beslutet."
            ),
        )
    else:
        material, material_note = kommunicering_parts(appeal.decision.application)
    attachments = list(appeal.attachments.all())
    images: dict[str, tuple[bytes, str]] = {}
    pdf_files = []
    for a in attachments:
        if a.content_type.startswith("image/"):
            name = f"__appeal-attachment-{a.pk}"
            images[(STATIC_DIR / name).as_uri()] = (_read(a), a.content_type)
            a.image_name = name
        elif a.content_type == "application/pdf":
            pdf_files.append(a)
    context = {
        "h": h,
        "appeal": appeal,
        "found": timeliness(appeal),
        "reconsiderations": reconsiderations,
        "material": material,
        "material_note": material_note,
        "attachments": attachments,
        "by": _name(appeal.forwarded_by),
        "today": appeal.forwarded_on or timezone.localdate(),
    }
    writer = PdfWriter()

    def add(pdf: bytes) -> None:
        writer.append(PdfReader(io.BytesIO(pdf)))

    add(write_pdf(_render("cover.html", context)))
    if appeal.is_urgent:  # the urgent decision's letter, made from its stored HTML
        from bistand.urgent.services import letter_pdf

        add(letter_pdf(appeal.urgent_decision))
    else:
        add(bytes(archive_letter(appeal.decision, actor=Actor.system("appeals")).pdf))
    for r in reconsiderations:
        add(bytes(r.letter_pdf))
    add(write_pdf(_render("material.html", context)))
    add(write_pdf(_render("appeal.html", context), fetcher=WithAttachments(images)))
    for a in pdf_files:
        try:
            add(_read(a))
        except Exception:  # a damaged file must not stop the forwarding; the cover says so
            log.warning("appeal attachment %s could not be merged", a.pk)
            add(write_pdf(_render("unreadable.html", {**context, "attachment": a})))
    out = io.BytesIO()
    writer.add_metadata({"/Title": f"Överklagande till förvaltningsrätten, {h.reference}"})
    writer.write(out)
    return out.getvalue()
