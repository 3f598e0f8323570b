"""The issue's walk-through with the demo data `make run` loads: Sara Nilsson applies for the
month (återansökan, "inget har ändrats"), Johan co-signs with his own login, the robot decides
(the demo municipality has delegated clean återansökningar), and Sara downloads the decision."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from bistand.cases.models import Application, State
from bistand.cases.seeding import get_municipality
from bistand.eservice import demo
from bistand.eservice.models import Draft
from bistand.eservice.services import months_open
from bistand.robot import pipeline


@pytest.fixture
def demo_data(db, register_simulator):
    municipality = get_municipality(automated=True)
    for month in months_open():
        demo.register(register_simulator, month)
    from bistand.rules.period import Month

    assert demo.ensure_history(municipality, Month.parse(months_open()[0]))
    assert not demo.ensure_history(municipality, Month.parse(months_open()[0]))  # once
    return months_open()[0]


def test_the_demo_couple_applies_signs_and_gets_an_automated_decision(client, eid_login, demo_data):
    month = demo_data
    eid_login(client, demo.SARA.personnummer)
    start = client.post("/mina-sidor/ansok/", {"month": month})
    draft = Draft.objects.get()
    assert start["Location"] == f"/mina-sidor/ansok/{draft.pk}/ateransokan/"
    client.post(start["Location"], {"choice": "unchanged"})
    client.post(f"/mina-sidor/ansok/{draft.pk}/granska/", {"confirm": "on"})
    application = Application.objects.get(month=month)
    assert application.state == State.AWAITING_COSIGNATURE

    johan = Client()
    eid_login(johan, demo.JOHAN.personnummer)
    johan.post(f"/mina-sidor/underskrift/{application.pk}/", {"confirm": "on"})
    assert pipeline.process(application.pk) == "decided"

    page = client.get(f"/mina-sidor/ansokan/{application.pk}/").content.decode()
    assert "Beviljas" in page or "beviljas" in page
    pdf = client.get(f"/mina-sidor/ansokan/{application.pk}/beslut.pdf")
    assert pdf.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.getvalue())).pages)
    assert "automatiskt" in text
    assert application.case.reference in text
