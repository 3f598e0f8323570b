"""No personnummer in clear, and for protected identity neither number nor address."""

from __future__ import annotations

import re

import pytest

from bistand.audit.models import AuditEvent
from bistand.audit.payload import looks_like_personnummer
from bistand.audit.services import Actor
from bistand.letters import services

from .conftest import APPLICANT, CHILD, PARTNER, make_decision, pdf_text

pytestmark = pytest.mark.django_db

#: 10 or 12 digits, with or without - or + before the last four.
DIGITS = re.compile(r"(?<!\d)(?:\d{6}|\d{8})[-+]?\d{4}(?!\d)")


def personnummer_in_clear(document: str) -> list[str]:
    """Numbers shaped like a personnummer whose first digits form a date (the audit log's
    test); the municipality's organisationsnummer (212000-0000) is not one."""
    return [m for m in DIGITS.findall(document) if looks_like_personnummer(m)]


def rendered(decision) -> tuple[str, str]:
    html = services.render_html(decision)
    return html, pdf_text(services.render_pdf(html))


def test_personnummer_are_masked_never_in_clear(db):
    decision = make_decision(partner=True)
    html, text = rendered(decision)

    for document in (html, text):
        assert personnummer_in_clear(document) == []
        for number in (APPLICANT, PARTNER, CHILD):
            assert number not in document
            assert number[2:] not in document
            assert f"{number[:8]}-{number[8:]}" not in document
    assert "19850201-****" in text
    assert "19870303-****" in text


def test_protected_identity_shows_no_personnummer_and_no_address(db):
    decision = make_decision(partner=True, protected=True)
    html, text = rendered(decision)

    assert decision.application.case.restricted
    for document in (html, text):
        assert personnummer_in_clear(document) == []
        assert "19850201" not in document
        assert "19870303" not in document
        assert "****" not in document
    # The names of the parties, the decision and the appeal are there; no address at all.
    assert "Anna Andersson" in text
    assert "Bo Berg" in text
    assert "Adress" not in text
    assert "anger ni inte er adress" in text
    assert "Så överklagar du" in text


def test_the_audit_event_holds_ids_and_the_hash_only(db):
    decision = make_decision(protected=True)
    services.archive_letter(decision, actor=Actor.system("letters"))

    event = AuditEvent.objects.get(action="letter.archived")
    assert set(event.data) == {"decision", "letter", "sha256", "bytes", "template_version"}
    assert "Andersson" not in str(event.data)
