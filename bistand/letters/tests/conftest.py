"""Finished decisions to write letters for: by a caseworker, by the automated function, refusals.

Built the way ``bistand.cases.seeding.import_history`` builds a decided month: the rules engine's
result archived as a ``CalculationSnapshot``, a ``Decision`` and its ``DecisionItem`` with the
motivering written from the trace. Letters only read these.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import pytest
from django.contrib.auth import get_user_model
from pypdf import PdfReader

from bistand.audit.services import Actor
from bistand.cases.models import Application, ApplicationKind, Person, State
from bistand.cases.seeding import get_municipality
from bistand.cases.services import Member, open_case
from bistand.cases.synthetic import make_personnummer
from bistand.decisions.models import Decision, DecisionItem, Outcome
from bistand.decisions.services import (
    AUTOMATED_FUNCTION,
    AUTOMATED_FUNCTION_VERSION,
    LEGAL_BASIS_INCOME_SUPPORT,
    motivering,
    snapshot,
)
from bistand.rules import calculate_json
from bistand.rules.explain import month_sv

TEST = Actor.system("test")
APPLICANT = make_personnummer(date(1985, 2, 1), 998)  # 198502019980
PARTNER = make_personnummer(date(1987, 3, 3), 998)
CHILD = make_personnummer(date(2019, 9, 1), 998)
MONTH = "2025-04"
#: 10 April 2025, 10:30 in Stockholm.
DECIDED_AT = datetime(2025, 4, 10, 8, 30, tzinfo=UTC)
DELEGATION = (
    "Delegationsordning för socialnämnden i Exempelkommun, punkt 4.2 (automatiserade beslut om "
    "försörjningsstöd), 2025-01-15 § 12"
)


def _person(personnummer: str, given: str, family: str, protected: bool = False) -> Person:
    person, _ = Person.objects.get_or_create(
        personnummer=personnummer,
        defaults={"given_name": given, "family_name": family, "protected_identity": protected},
    )
    return person


def make_decision(
    *,
    automated: bool = False,
    salary: str = "3000.00",
    partner: bool = False,
    protected: bool = False,
    caseworker=None,
    decided_at: datetime = DECIDED_AT,
) -> Decision:
    """A decided April 2025 for a sökande (and medsökande) with a child at förskola.

    Exempelkommun's guidelines: rent 6 500 kr (cap 6 800 kr for one child) and electricity.
    """
    municipality = get_municipality()
    applicant = _person(APPLICANT, "Anna", "Andersson", protected)
    child = _person(CHILD, "Alva", "Andersson")
    members = [Member(applicant, "applicant"), Member(child, "child")]
    if partner:
        members.insert(1, Member(_person(PARTNER, "Bo", "Berg"), "partner"))
    case = open_case(municipality, members, actor=TEST, since=date(2025, 1, 1))
    application = Application.objects.create(
        case=case, month=MONTH, kind=ApplicationKind.REPEAT, state=State.DECIDED
    )
    rules_members = [
        {"id": "a", "role": "applicant", "born": "1985-02-01"},
        {"id": "c1", "role": "child", "born": "2019-09-01", "lunch_away": True},
    ]
    if partner:
        rules_members.insert(1, {"id": "b", "role": "partner", "born": "1987-03-03"})
    result = calculate_json(
        {
            "month": MONTH,
            "guidelines": "exempelkommun",
            "members": rules_members,
            "costs": [
                {"type": "rent", "amount": "6500.00"},
                {"type": "electricity", "amount": "300.00"},
            ],
            "incomes": [
                {"type": "salary", "member": "a", "amount": salary},
                {"type": "child_allowance", "member": "a", "amount": "1250.00"},
            ],
        }
    )
    calculation = snapshot(application, result, TEST)
    outcome = Outcome.GRANT if calculation.amount_ore > 0 else Outcome.REFUSAL
    if automated:
        who = {
            "automated_function": AUTOMATED_FUNCTION,
            "automated_function_version": AUTOMATED_FUNCTION_VERSION,
            "delegation_reference": DELEGATION,
        }
    else:
        who = {"decided_by": caseworker or make_caseworker()}
    decision = Decision.objects.create(
        application=application,
        calculation=calculation,
        outcome=outcome,
        amount_ore=calculation.amount_ore,
        decided_at=decided_at,
        rules_version=calculation.engine_version,
        parameter_versions=[
            {k: p[k] for k in ("id", "valid_from", "status")}
            for p in calculation.trace["parameters"]
        ],
        **who,
    )
    DecisionItem.objects.create(
        decision=decision,
        code="income_support",
        label=f"Försörjningsstöd för {month_sv(MONTH)}",
        outcome=outcome,
        amount_ore=decision.amount_ore,
        reasons=motivering(calculation.trace, outcome),
        legal_basis=LEGAL_BASIS_INCOME_SUPPORT,
    )
    return decision


def make_caseworker(username: str = "kberg", first: str = "Karin", last: str = "Berg"):
    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last}
    )
    return user


def pdf_text(pdf: bytes) -> str:
    """All the PDF's text, with no-break spaces as spaces and lines joined by single spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


@pytest.fixture
def caseworker_decision(db):
    return make_decision()


@pytest.fixture
def automated_decision(db):
    return make_decision(automated=True)


@pytest.fixture
def refusal(db):
    return make_decision(salary="20000.00")
