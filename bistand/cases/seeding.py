"""Loading a synthetic municipality into the database and the register simulator.

Used by ``bistand seed``, ``bistand demo`` and ``bistand bench robot``. Idempotent:
households are found again by their applicant's personnummer, and a household
that already has an application for the month gets no second one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from bistand.audit.services import Actor, record
from bistand.connectors.simulator.client import SimulatorClient
from bistand.decisions.models import (
    CalculationSnapshot,
    Decision,
    DecisionItem,
    DecisionPolicy,
    Outcome,
)
from bistand.decisions.services import LEGAL_BASIS_INCOME_SUPPORT, motivering
from bistand.payments.models import PaymentOrder, PaymentStatus
from bistand.rules import calculate_json
from bistand.rules.explain import month_sv
from bistand.rules.money import to_ore
from bistand.rules.period import Month

from . import synthetic
from .models import Application, ApplicationKind, Case, Municipality, Person, State, Unit
from .services import Member, open_case, submit_application

SEEDER = Actor.system("seed")
DEMO_UNITS = ("Enhet Nord", "Enhet Syd")
IMPORT_USERNAME = "historik-import"


@dataclass
class SeedResult:
    households: int = 0
    new_cases: int = 0
    submitted: int = 0
    already_there: int = 0
    planted: dict[str, int] = field(default_factory=dict)


def previous_month(month: Month) -> Month:
    return Month(month.year - 1, 12) if month.month == 1 else Month(month.year, month.month - 1)


def get_municipality(code: str = "exempelkommun", *, automated: bool | None = None) -> Municipality:
    municipality, _ = Municipality.objects.get_or_create(
        code=code,
        defaults={
            "name": "Exempelkommun",
            "guidelines": "exempelkommun",
            "organisation_number": "212000-0000",
        },
    )
    for unit in DEMO_UNITS:
        Unit.objects.get_or_create(municipality=municipality, name=unit)
    policy, _ = DecisionPolicy.objects.get_or_create(
        municipality=municipality,
        defaults={
            "delegation_reference": "Delegationsordning för socialnämnden i Exempelkommun, "
            "punkt 4.2 (automatiserade beslut om försörjningsstöd), 2025-01-15 § 12"
        },
    )
    if automated is not None and policy.automate_clean_repeat_grants != automated:
        policy.automate_clean_repeat_grants = automated
        policy.save()
        record(
            "settings.changed",
            actor=SEEDER,
            subject=f"policy:{policy.pk}",
            data={"automate_clean_repeat_grants": automated},
        )
    return municipality


def _import_user():
    user, created = get_user_model().objects.get_or_create(
        username=IMPORT_USERNAME,
        defaults={"is_active": False, "first_name": "Historik", "last_name": "(import)"},
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


def import_history(
    case: Case, month: Month, declared: dict, *, guidelines: str | None
) -> Application:
    """Last month's application as already decided and paid (synthetic history, not robot work)."""
    from bistand.robot.pipeline import rules_input

    application = Application.objects.create(
        case=case,
        month=str(month),
        kind=ApplicationKind.FIRST,
        declared=declared,
        state=State.PAID,
        submitted_at=timezone.now(),
    )
    from bistand.outcomes.services import ensure_period

    ensure_period(application, actor=SEEDER)  # the case's period 1 starts with its history
    result = calculate_json(rules_input(application, guidelines))
    trace = result.trace()
    calculation = CalculationSnapshot.objects.create(
        application=application,
        trace=trace,
        trace_sha256="",
        amount_ore=to_ore(result.amount),
        provisional=result.provisional,
        engine_version=result.engine_version,
        created_by=SEEDER,
    )
    outcome = Outcome.GRANT if result.amount > 0 else Outcome.REFUSAL
    decision = Decision.objects.create(
        application=application,
        calculation=calculation,
        outcome=outcome,
        amount_ore=calculation.amount_ore,
        decided_by=_import_user(),
        rules_version=result.engine_version,
    )
    DecisionItem.objects.create(
        decision=decision,
        code="income_support",
        label=f"Försörjningsstöd för {month_sv(str(month))}",
        outcome=outcome,
        amount_ore=decision.amount_ore,
        reasons=motivering(trace, outcome),
        legal_basis=LEGAL_BASIS_INCOME_SUPPORT,
    )
    if decision.amount_ore > 0:
        PaymentOrder.objects.create(
            decision=decision,
            application=application,
            payee=Person.objects.get(personnummer=declared["members"][0]["personnummer"]),
            amount_ore=decision.amount_ore,
            due_date=month.first_day,
            status=PaymentStatus.PAID,
        )
    return application


def seed(
    n: int,
    month: Month,
    *,
    seed_value: int = 1,
    municipality: Municipality | None = None,
    simulator: SimulatorClient | None = None,
) -> SeedResult:
    """Create ``n`` synthetic households with one submitted återansökan each for ``month``."""
    municipality = municipality or get_municipality()
    guidelines = municipality.guidelines or None
    client = simulator or SimulatorClient(settings.REGISTER_SIMULATOR_URL, seed=seed_value)
    result = SeedResult()
    previous = previous_month(month)
    units = list(Unit.objects.filter(municipality=municipality).order_by("name"))
    for household in synthetic.households(n, month, seed_value):
        result.households += 1
        if household.planted:
            result.planted[household.planted] = result.planted.get(household.planted, 0) + 1
        for personnummer, sources in household.register.items():
            client.put_person(personnummer, str(month), records=sources)
        for fault in household.faults:
            client.add_fault(
                fault["personnummer"], fault["mode"], source=fault["source"], times=fault["times"]
            )
        with transaction.atomic():
            persons = {
                m["personnummer"]: Person.objects.get_or_create(
                    personnummer=m["personnummer"],
                    defaults={"given_name": m["given_name"], "family_name": m["family_name"]},
                )[0]
                for m in household.members
            }
            case = Case.objects.filter(
                household__members__person=persons[household.applicant["personnummer"]],
                household__members__role="applicant",
            ).first()
            if case is None:
                case = open_case(
                    municipality,
                    [
                        Member(persons[m["personnummer"]], m["role"], m.get("days"))
                        for m in household.members
                    ],
                    actor=SEEDER,
                    since=previous.first_day,
                    unit=units[result.households % len(units)] if units else None,
                )
                import_history(case, previous, household.previous, guidelines=guidelines)
                result.new_cases += 1
            if case.applications.filter(month=str(month)).exclude(state=State.WITHDRAWN).exists():
                result.already_there += 1
                continue
            submit_application(case, str(month), household.declared, actor=SEEDER)
            result.submitted += 1
    return result
