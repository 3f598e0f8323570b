"""The follow-up tests' shared history. Every figure the tests expect is worked out by hand
from it.

Applications (Swedish time), unit Norr unless said:

* A1 2025-03, by the applicant, in 03-02 08:00, automated decision 03-02 10:00 → 2 h
* A2 2025-03, by the applicant, in 03-03 08:00; completion asked 10:32, sent again 03-04 09:00;
  a caseworker decides 03-04 14:00 → 30 h from the *first* submission; flag INCOME_DIFFERS,
  proposal 5 000 kr, decision 4 500 kr (changed)
* A3 2025-03, registered by staff (user:7:reception), in 03-05 09:00, caseworker 03-05 21:00
  → 12 h; flags INCOME_DIFFERS and VEHICLE, decided as proposed
* A4 2025-04, by the applicant, in 04-01 08:00, automated 04-01 08:30 → 0.5 h
* B1 2025-03, unit Syd, by the applicant, in 03-02 08:00, caseworker 03-06 08:00 → 96 h
* H  2025-03, unit Syd, imported history: submitted, no state log, not decided

Stickprov of 2025-03: A1 correct, A2 wrong income, B1 pending, A3 correct.
"""

from __future__ import annotations

import pytest

from bistand.cases.models import Application
from bistand.cases.seeding import get_municipality
from bistand.followup.aggregates import refresh
from bistand.followup.measures.base import Scope
from bistand.staff.testing import make_staff
from bistand.workspace.models import CompletionRequest

from . import history as h


@pytest.fixture
def world():
    norr, syd = h.unit("Norr"), h.unit("Syd")
    caseworker = make_staff("hl", "handlaggare", [norr])

    def case(unit):
        return h.household(unit, [h.person()])

    a1 = h.application(case(norr), "2025-03", submitted="2025-03-02 08:00")
    d1 = h.decide(a1, "2025-03-02 10:00", automated=True)
    a2 = h.application(
        case(norr),
        "2025-03",
        submitted="2025-03-03 08:00",
        steps=[
            ("robot_processing", "2025-03-03 08:01"),
            ("proposal_ready", "2025-03-03 08:02"),
            ("completion_requested", "2025-03-03 10:32"),
            ("submitted", "2025-03-04 09:00"),
            ("robot_processing", "2025-03-04 09:01"),
            ("proposal_ready", "2025-03-04 09:02"),
        ],
    )
    a2.submitted_at = h.at("2025-03-04 09:00")  # as a new submission sets it
    a2.save(update_fields=["submitted_at"])
    d2 = h.decide(
        a2,
        "2025-03-04 14:00",
        automated=False,
        user=caseworker,
        amount_ore=450_000,
        proposal_amount_ore=500_000,
        flags=["INCOME_DIFFERS"],
    )
    CompletionRequest.objects.create(
        application=a2,
        message="Lönespecifikation",
        requested_by=caseworker,
        at=h.at("2025-03-03 10:32"),
        answered_at=h.at("2025-03-04 09:00"),
    )
    a3 = h.application(
        case(norr),
        "2025-03",
        submitted="2025-03-05 09:00",
        by="user:7:reception",
        steps=[("robot_processing", "2025-03-05 09:30"), ("proposal_ready", "2025-03-05 10:00")],
    )
    d3 = h.decide(
        a3,
        "2025-03-05 21:00",
        automated=False,
        user=caseworker,
        flags=["INCOME_DIFFERS", "VEHICLE"],
    )
    CompletionRequest.objects.create(
        application=a3,
        message="Kontoutdrag",
        requested_by=caseworker,
        at=h.at("2025-03-05 12:00"),
    )
    a4 = h.application(case(norr), "2025-04", submitted="2025-04-01 08:00")
    h.decide(a4, "2025-04-01 08:30", automated=True)
    b1 = h.application(case(syd), "2025-03", submitted="2025-03-02 08:00")
    db1 = h.decide(b1, "2025-03-06 08:00", automated=False, user=caseworker)
    Application.objects.create(
        case=case(syd),
        month="2025-03",
        kind="repeat",
        state="paid",
        submitted_at=h.at("2025-03-01 08:00"),
    )
    h.stickprov(
        "2025-03", [(d1, "correct"), (d2, "wrong_income"), (db1, "pending"), (d3, "correct")]
    )
    municipality = get_municipality()
    refresh(months=["2025-03", "2025-04"])
    return {
        "units": (norr, syd),
        "all": Scope(municipality.pk, "2025-03", "2025-04"),
        "norr": Scope(municipality.pk, "2025-03", "2025-04", (norr.pk,)),
    }
