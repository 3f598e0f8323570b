"""The urgent path in the REST API: the same permissions as the pages."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.test import APIClient

from bistand.audit.models import AuditEvent
from bistand.urgent.models import UrgentPayment, UrgentRequest

MONDAY = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("Europe/Stockholm"))


@pytest.fixture
def case(world):
    with time_machine.travel(MONDAY, tick=True):
        yield world.household(world.north)


def register_body(world, case):
    return {
        "application": world.application(case).pk,
        "person": case.household.members.get(role="applicant").person.pk,
        "reason": "no_food",
        "description": "Ingen mat i dag",
        "days": 2,
        "identity_check": "id_document",
    }


def test_register_decide_and_pay_once(case, world):
    api = APIClient()
    api.force_authenticate(world.users["auditor"])
    assert api.post("/api/v1/urgent/", register_body(world, case), format="json").status_code == 403
    api.force_authenticate(world.users["syd"])
    assert api.post("/api/v1/urgent/", register_body(world, case), format="json").status_code == 404
    api.force_authenticate(world.users["anna"])
    no_id = {**register_body(world, case), "identity_check": ""}
    assert api.post("/api/v1/urgent/", no_id, format="json").status_code == 400
    created = api.post("/api/v1/urgent/", register_body(world, case), format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["channel"] == "reception"

    detail = api.get(f"/api/v1/urgent/{pk}/")
    assert detail.status_code == 200 and detail.json()["status"] == "received"
    assert AuditEvent.objects.filter(action="case.opened", case_id=case.pk).exists()

    api.force_authenticate(world.users["syd"])
    assert api.get(f"/api/v1/urgent/{pk}/").status_code == 404
    assert api.get("/api/v1/urgent/").json()["results"] == []
    api.force_authenticate(world.users["auditor"])
    decide = {"outcome": "grant", "amount_ore": 50000, "motivering": "Mat för två dagar."}
    assert api.post(f"/api/v1/urgent/{pk}/decision/", decide, format="json").status_code == 403

    api.force_authenticate(world.users["anna"])
    first = api.post(f"/api/v1/urgent/{pk}/decision/", decide, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["decision"]["payment_status"] == "pending"
    second = api.post(f"/api/v1/urgent/{pk}/decision/", decide, format="json")
    assert second.status_code == 409
    assert UrgentPayment.objects.filter(decision__request_id=pk).count() == 1
    # no payout account yet: a clear Swedish refusal, nothing exported
    pay = api.post(f"/api/v1/urgent/{pk}/payment/")
    assert pay.status_code == 400 and "konto" in pay.json()["detail"]
    assert UrgentRequest.objects.get(pk=pk).status == "granted"


def test_the_list_carries_no_description_proposal_or_decision(case, world):
    """Lists carry ids, references, kinds and states (docs/api.md); what the applicant wrote,
    the register answers and the motivering only in the detail, whose reading is access-logged
    (security review 2026-12-06)."""
    api = APIClient()
    api.force_authenticate(world.users["anna"])
    pk = api.post("/api/v1/urgent/", register_body(world, case), format="json").json()["id"]
    opened = AuditEvent.objects.filter(action="case.opened").count()
    row = api.get("/api/v1/urgent/").json()["results"][0]
    assert row["id"] == pk and row["status"] == "received" and row["reason"] == "no_food"
    assert not {"description", "proposal", "decision"} & set(row)
    assert AuditEvent.objects.filter(action="case.opened").count() == opened
    assert api.get(f"/api/v1/urgent/{pk}/").json()["description"] == "Ingen mat i dag"
