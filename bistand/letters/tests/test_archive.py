"""The archived letter: stored once, never changed, its PDF's hash in the audit log."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from pypdf import PdfReader

from bistand.audit.models import AuditEvent
from bistand.audit.services import Actor, verify_chain
from bistand.letters import services
from bistand.letters.models import DecisionLetter, ImmutableLetterError

from .conftest import pdf_text

pytestmark = pytest.mark.django_db

LETTERS = Actor.system("letters")


def test_archive_stores_html_pdf_and_hash_and_logs_the_hash(caseworker_decision):
    letter = services.archive_letter(caseworker_decision, actor=LETTERS)

    letter.refresh_from_db()
    pdf = bytes(letter.pdf)
    assert pdf.startswith(b"%PDF-")
    assert letter.sha256 == hashlib.sha256(pdf).hexdigest()
    assert letter.pdf_matches_hash()
    assert letter.template_version == services.TEMPLATE_VERSION
    assert '<html lang="sv">' in letter.html
    assert caseworker_decision.letter == letter

    event = AuditEvent.objects.get(action="letter.archived")
    assert event.actor == "system:letters"
    assert event.case_id == caseworker_decision.application.case_id
    assert event.subject == f"decision:{caseworker_decision.pk}"
    assert event.data["decision"] == caseworker_decision.pk
    assert event.data["letter"] == letter.pk
    assert event.data["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert event.data["bytes"] == len(pdf)
    assert verify_chain().ok


def test_archive_is_idempotent(caseworker_decision):
    first = services.archive_letter(caseworker_decision, actor=LETTERS)
    second = services.archive_letter(caseworker_decision, actor=LETTERS)

    assert second.pk == first.pk
    assert bytes(second.pdf) == bytes(first.pdf)
    assert DecisionLetter.objects.count() == 1
    assert AuditEvent.objects.filter(action="letter.archived").count() == 1


def test_archive_that_loses_a_race_returns_the_winners_letter(caseworker_decision, monkeypatch):
    winner = services.archive_letter(caseworker_decision, actor=LETTERS)
    real = services.existing_letter
    looks = []

    def first_look_finds_nothing(decision):
        # The loser looked before the winner committed; its insert then collides.
        looks.append(decision.pk)
        return None if len(looks) == 1 else real(decision)

    monkeypatch.setattr(services, "existing_letter", first_look_finds_nothing)

    assert services.archive_letter(caseworker_decision, actor=LETTERS).pk == winner.pk
    assert len(looks) == 2  # it did render and try to insert, then found the winner's letter
    assert DecisionLetter.objects.count() == 1
    assert AuditEvent.objects.filter(action="letter.archived").count() == 1


def test_a_second_letter_for_a_decision_is_refused_by_the_database(caseworker_decision):
    letter = services.archive_letter(caseworker_decision, actor=LETTERS)
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionLetter.objects.create(
            decision=caseworker_decision,
            html="<p>annat</p>",
            pdf=b"%PDF-",
            sha256="0" * 64,
            template_version="x",
        )
    assert DecisionLetter.objects.get().pk == letter.pk


def test_an_archived_letter_cannot_be_changed_or_deleted(caseworker_decision):
    letter = services.archive_letter(caseworker_decision, actor=LETTERS)

    letter.html = "<p>ändrat</p>"
    with pytest.raises(ImmutableLetterError):
        letter.save()
    with pytest.raises(ImmutableLetterError):
        letter.delete()
    with pytest.raises(ImmutableLetterError):
        DecisionLetter.objects.filter(pk=letter.pk).update(html="<p>ändrat</p>")
    with pytest.raises(ImmutableLetterError):
        DecisionLetter.objects.filter(pk=letter.pk).delete()
    with pytest.raises(ImmutableLetterError), transaction.atomic():
        DecisionLetter.objects.bulk_update([letter], ["html"])
    # Nor does removing the decision take the letter with it.
    with pytest.raises(ProtectedError):
        caseworker_decision.delete()

    stored = DecisionLetter.objects.get(pk=letter.pk)
    assert stored.html != "<p>ändrat</p>"
    assert stored.pdf_matches_hash()


def test_the_pdf_is_tagged_pdf_ua_in_swedish_with_a_title(caseworker_decision):
    letter = services.archive_letter(caseworker_decision, actor=LETTERS)
    reader = PdfReader(io.BytesIO(bytes(letter.pdf)))
    catalog = reader.trailer["/Root"]

    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "sv"
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    reference = caseworker_decision.application.case.reference
    assert reader.metadata.title == f"Beslut om ekonomiskt bistånd, {reference}"
    assert b"pdfuaid:part" in reader.xmp_metadata.stream.get_data()

    roles = structure_roles(catalog["/StructTreeRoot"])
    assert {"/H1", "/H2", "/Table", "/Caption", "/TH", "/TD", "/L", "/LI"} <= roles


def structure_roles(node) -> set[str]:
    roles: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        item = item.get_object() if hasattr(item, "get_object") else item
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            if "/S" in item:
                roles.add(item["/S"])
            if "/K" in item:
                stack.append(item["/K"])
    return roles


def test_the_fonts_are_the_ones_shipped_with_the_app(caseworker_decision):
    from bistand.letters.pdf import FONT_DIR, LocalFilesOnly, write_pdf

    fetcher = LocalFilesOnly()
    pdf = write_pdf(services.render_html(caseworker_decision), fetcher=fetcher)

    assert (FONT_DIR / "DejaVuSans.ttf").as_uri() in fetcher.fetched
    assert (FONT_DIR / "DejaVuSans-Bold.ttf").as_uri() in fetcher.fetched
    assert (FONT_DIR / "LICENSE.txt").is_file()
    reader = PdfReader(io.BytesIO(pdf))
    fonts = {
        font.get_object()["/BaseFont"].split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    # Named after the letter's @font-face family: the shipped files, not the system's DejaVu.
    assert fonts == {"Bistand-Letter-Sans", "Bistand-Letter-Sans-Bold"}
    assert "Överklagandet måste ha kommit in" in pdf_text(pdf)


def test_pdf_response_packs_the_archived_pdf(caseworker_decision):
    letter = services.archive_letter(caseworker_decision, actor=LETTERS)
    response = services.letter_pdf_response(letter)

    assert response["Content-Type"] == "application/pdf"
    reference = caseworker_decision.application.case.reference
    assert response["Content-Disposition"] == f'inline; filename="beslut-{reference}-2025-04.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response.content == bytes(letter.pdf)
    assert services.letter_pdf_response(letter, download=True)["Content-Disposition"].startswith(
        "attachment;"
    )


def test_admin_shows_letters_read_only(caseworker_decision, admin_client):
    letter = services.archive_letter(caseworker_decision, actor=LETTERS)

    listing = admin_client.get("/admin/letters/decisionletter/")
    page = admin_client.get(f"/admin/letters/decisionletter/{letter.pk}/change/")

    assert listing.status_code == 200
    assert page.status_code == 200
    content = page.content.decode()
    assert "kan inte ändras eller tas bort" in content
    assert letter.sha256 in content
    assert 'name="_save"' not in content
    assert admin_client.get("/admin/letters/decisionletter/add/").status_code == 403
    delete = admin_client.post(
        f"/admin/letters/decisionletter/{letter.pk}/delete/", {"post": "yes"}
    )
    assert delete.status_code == 403
    assert DecisionLetter.objects.filter(pk=letter.pk).exists()
