"""Granted decisions with payment orders, built directly (no robot), and a payments folder of
the test's own."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from bistand.audit.services import Actor
from bistand.cases import seeding
from bistand.cases.models import Application, ApplicationKind, Municipality, State
from bistand.cases.services import Member, get_or_create_person, open_case
from bistand.cases.synthetic import make_personnummer
from bistand.decisions.models import CalculationSnapshot, Decision, Outcome
from bistand.payments.models import PaymentOrder
from bistand.payments.services import set_payout_account

TEST = Actor.system("test")
EXPORTER = Actor.system("payments")


@dataclass
class Payee:
    personnummer: str
    order: PaymentOrder


class Orders:
    """Makes one granted decision and its pending payment order per call."""

    def __init__(self, municipality: Municipality):
        self.municipality = municipality
        self._serials = itertools.count()

    def next_personnummer(self) -> str:
        n = next(self._serials)
        return make_personnummer(date(1970 + n % 30, 1 + n % 12, 1 + n % 28), 980 + n % 20)

    def make(
        self,
        amount_ore: int,
        *,
        due: date | None = None,
        account: tuple[str, str] | None = ("8327-9", "123 456 789-0"),
        name: tuple[str, str] = ("Anna", "Andersson"),
        month: str = "2025-04",
        personnummer: str | None = None,
    ) -> PaymentOrder:
        personnummer = personnummer or self.next_personnummer()
        person = get_or_create_person(personnummer, given_name=name[0], family_name=name[1])
        case = open_case(
            self.municipality, [Member(person, "applicant")], actor=TEST, since=date(2025, 1, 1)
        )
        application = Application.objects.create(
            case=case, month=month, kind=ApplicationKind.REPEAT, state=State.DECIDED
        )
        calculation = CalculationSnapshot.objects.create(
            application=application,
            trace={},
            trace_sha256="",
            amount_ore=amount_ore,
            engine_version="test",
            created_by=TEST,
        )
        decision = Decision.objects.create(
            application=application,
            calculation=calculation,
            outcome=Outcome.GRANT,
            amount_ore=amount_ore,
            automated_function="test",
            rules_version="test",
        )
        if account is not None:
            set_payout_account(
                person, clearing_number=account[0], account_number=account[1], actor=TEST
            )
        return PaymentOrder.objects.create(
            decision=decision,
            application=application,
            payee=person,
            amount_ore=amount_ore,
            due_date=due or timezone.localdate(),
        )


@pytest.fixture
def payments_dir(settings, tmp_path):
    """Files go to a folder of the test's own (``settings.VAR_DIR / "payments"``)."""
    settings.VAR_DIR = tmp_path
    return tmp_path / "payments"


@pytest.fixture
def municipality(db):
    return seeding.get_municipality()


@pytest.fixture
def orders(municipality, payments_dir):
    return Orders(municipality)


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def yesterday(today) -> date:
    return today - timedelta(days=1)
