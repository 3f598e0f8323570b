"""The aktivitetskrav's parts of Mina sidor (the plan shown to the applicant, Anmäl frånvaro,
Skicka läkarintyg) in English when the applicant has chosen it, in Swedish otherwise; with the
aktivitetskrav tests' own household (its ``world`` differs from the other apps', hence a file of
its own)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bistand.aktivitetskrav import services
from bistand.aktivitetskrav.tests.conftest import TEST, log_in_applicant, world  # noqa: F401
from bistand.robot import pipeline
from bistand.robot.tests.conftest import APPLICANT, declared

from .test_language_new_pages import in_language, speaks


@pytest.fixture
def application(world):  # noqa: F811
    application = world.submit()
    pipeline.process_many([application.pk])
    application.refresh_from_db()
    return application


def test_the_plan_and_the_absence_report(client, world, application):  # noqa: F811
    plan = services.save_plan(
        world.case, world.applicant, goal="Arbete inom handeln", capacity="", actor=TEST
    )
    services.add_activity(
        plan,
        kind="language",
        provider="SFI Centrum",
        hours_per_week=12,
        start=date(2026, 12, 1),
        end=None,
        actor=TEST,
    )
    log_in_applicant(client, world.applicant)
    page = reverse("eservice:application", args=[application.pk])
    speaks(
        client,
        page,
        ("Activities and medical certificates", "Aktiviteter och läkarintyg"),
        ("Your plan", "Din plan"),
        ("Language: SFI Centrum, 12 hours a week, from 2026-12-01", "Språk: SFI Centrum, 12 tim"),
        ("Report an absence", "Anmäl frånvaro"),
    )
    url = reverse("aktivitetskrav:report-absence", args=[application.pk])
    speaks(
        client,
        url,
        ("Tell your caseworker about a day when you could not take part", "Berätta för din"),
        ("Why could you not take part?", "Varför kunde du inte delta?"),
        ("caring for a sick child", "vård av sjukt barn"),
        ("Day you could not take part", "Dag du inte kunde delta"),
    )
    speaks(
        client,
        url,
        ("Enter the day you could not take part.", "Ange dag du inte kunde delta."),
        ("Choose why you could not take part.", "Välj varför du inte kunde delta."),
        data={"day": "", "reason_kind": ""},
        status=400,
    )
    english = in_language(client, "en", url, {"day": "2026-12-03", "reason_kind": "child"})
    assert "Thank you. Your absence has been reported to your caseworker." in english
    speaks(client, page, ("2026-12-03: Caring for a sick child (not yet assessed)", "(ej bedömt)"))


def test_the_medical_certificate(client, world):  # noqa: F811
    data = declared()
    data["planning"] = {
        "situation": [{"personnummer": APPLICANT, "hinder": "sick_certified", "activity": ""}]
    }
    application = world.submit(data)
    log_in_applicant(client, world.applicant)
    speaks(
        client,
        reverse("eservice:application", args=[application.pk]),
        ("You then need to show a medical certificate.", "Då behöver du visa ett läkarintyg."),
        ("Send a medical certificate", "Skicka läkarintyg"),
    )
    url = reverse("aktivitetskrav:upload-certificate", args=[application.pk])
    speaks(
        client,
        url,
        ("Only your caseworker sees the certificate.", "Bara din handläggare ser intyget."),
        ("The certificate is valid from", "Intyget gäller från"),
        ("PDF, JPG or PNG, at most", "PDF, JPG eller PNG, högst"),
    )
    speaks(
        client,
        url,
        ("Choose the file with the medical certificate.", "Välj filen med läkarintyget."),
        ("The until date cannot be before the from date.", "Till-datumet får inte vara före"),
        data={"valid_from": "2026-12-10", "valid_until": "2026-12-01"},
        status=400,
    )
    pdf = SimpleUploadedFile("intyg.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    english = in_language(
        client, "en", url, {"file": pdf, "valid_from": "2026-12-01", "valid_until": "2027-01-31"}
    )
    assert "Thank you. Your medical certificate has been sent to your caseworker." in english
    speaks(
        client,
        reverse("eservice:application", args=[application.pk]),
        ("Medical certificate for 2026-12-01–2027-01-31: not yet assessed", ": ej bedömt"),
    )
