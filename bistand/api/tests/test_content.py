"""What the API says about a case, an application, a decision and a payment."""

from __future__ import annotations

import pytest

from bistand.api.serializers import kronor


@pytest.fixture
def auditor(client, world):
    client.force_login(world.users["auditor"])
    return client


def test_kronor_text_has_two_decimals_and_a_point():
    assert kronor(512350) == "5123.50"
    assert kronor(0) == "0.00"
    assert kronor(5) == "0.05"
    assert kronor(-1999) == "-19.99"


def test_a_case_with_its_household_and_applications(auditor, world):
    case = world.cases["north"]
    body = auditor.get(f"/api/v1/cases/{case.pk}/").json()
    assert body["reference"] == case.reference
    assert body["unit"]["name"] == "Enhet Nord"
    assert body["municipality"]["name"] == "Exempelkommun"
    [member] = body["members"]
    assert member["personnummer"] == "198502019980"
    assert member["role"] == "applicant"
    assert {(a["month"], a["state"]) for a in body["applications"]} == {
        ("2026-03", "paid"),
        ("2026-04", "proposal_ready"),
    }


def test_an_application_with_declared_data_flags_proposal_and_decision(auditor, world):
    application = world.applications["north"]
    body = auditor.get(f"/api/v1/applications/{application.pk}/").json()
    assert body["month"] == "2026-03"
    assert body["declared"]["costs"] == [{"type": "rent", "amount": "6500.00"}]
    assert body["flags"] == ["INCOME_DIFFERS"]
    proposal = body["proposal"]
    assert proposal["amount_ore"] == 512350
    assert proposal["amount_kr"] == "5123.50"
    assert proposal["route_reasons"][0]["code"] == "FLAGS"
    assert proposal["flags"][0]["evidence"]["source"] == "SKV"
    assert body["decision"] == world.decisions["north"].pk
    assert body["transitions"][0]["to_state"] == "robot_processing"


def test_an_application_without_a_proposal_says_so(auditor, world):
    body = auditor.get(f"/api/v1/applications/{world.waiting['north'].pk}/").json()
    assert body["proposal"] is None
    assert body["decision"] is None
    assert body["flags"] == []


def test_a_decision_with_who_decided_and_its_items(auditor, world):
    decision = world.decisions["south"]
    body = auditor.get(f"/api/v1/decisions/{decision.pk}/").json()
    assert body["outcome"] == "grant"
    assert (body["amount_ore"], body["amount_kr"]) == (512350, "5123.50")
    assert body["automated"] is False
    assert body["decided_by"]["username"] == "anna"
    assert body["parameter_versions"][0]["id"] == "riksnorm"
    [item] = body["items"]
    assert item["legal_basis"].startswith("4 kap. 1 §")
    assert item["amount_kr"] == "5123.50"


def test_a_payment_with_its_status_and_due_date(auditor, world):
    payment = world.payments["north"]
    body = auditor.get(f"/api/v1/payments/{payment.pk}/").json()
    assert body["status"] == "paid"
    assert body["due_date"] == "2026-03-25"
    assert body["amount_ore"] == 512350
    assert body["case"] == world.cases["north"].pk


def test_applications_filtered_by_month_and_state(auditor, world):
    march = auditor.get("/api/v1/applications/", {"month": "2026-03"}).json()
    assert {row["month"] for row in march["results"]} == {"2026-03"}
    assert march["count"] == 3
    waiting = auditor.get("/api/v1/applications/", {"state": "proposal_ready"}).json()
    assert {row["id"] for row in waiting["results"]} == {a.pk for a in world.waiting.values()}
    both = auditor.get("/api/v1/applications/", {"month": "2026-03", "state": "proposal_ready"})
    assert both.json()["count"] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [({"month": "mars"}, "month"), ({"month": "2026-13"}, "month"), ({"state": "x"}, "state")],
)
def test_a_bad_filter_is_a_400_that_names_the_field(auditor, world, params, field):
    response = auditor.get("/api/v1/applications/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_decisions_and_payments_filtered(auditor, world):
    assert auditor.get("/api/v1/decisions/", {"outcome": "refusal"}).json()["count"] == 0
    assert auditor.get("/api/v1/decisions/", {"month": "2026-03"}).json()["count"] == 3
    assert auditor.get("/api/v1/payments/", {"status": "pending"}).json()["count"] == 0
    assert auditor.get("/api/v1/payments/", {"status": "paid"}).json()["count"] == 3


def test_lists_are_paginated(auditor, world):
    first = auditor.get("/api/v1/applications/", {"page_size": 2}).json()
    assert first["count"] == 6
    assert len(first["results"]) == 2
    assert first["previous"] is None and "page=2" in first["next"]
    last = auditor.get("/api/v1/applications/", {"page_size": 2, "page": 3}).json()
    assert len(last["results"]) == 2 and last["next"] is None
    seen = {
        row["id"]
        for page in (1, 2, 3)
        for row in auditor.get("/api/v1/applications/", {"page_size": 2, "page": page}).json()[
            "results"
        ]
    }
    assert len(seen) == 6


def test_messages_are_swedish(client, world):
    response = client.get("/api/v1/cases/")
    assert response.json()["detail"] == "Autentiseringsuppgifter ej tillhandahållna."


def test_a_proposal_the_robot_could_not_calculate_has_a_null_outcome():
    """docs/robot.md: the proposal without a calculation carries only the flag that says why."""
    from bistand.api.serializers import ProposalSerializer
    from bistand.decisions.models import Proposal

    flag = {
        "code": "MISSING_PARAMETER",
        "message": "Riksnormen för januari 2027 är inte inlagd.",
        "evidence": {"month": "2027-01"},
    }
    data = ProposalSerializer(
        Proposal(outcome="", amount_ore=0, route="caseworker", flags=[flag])
    ).data
    assert data["outcome"] is None and data["calculated"] is False
    granted = ProposalSerializer(Proposal(outcome="grant", amount_ore=100, route="caseworker"))
    assert granted.data["outcome"] == "grant"
