"""Synthetic histories for the follow-up tests, written straight into the tables with the exact
moments each test needs (the real services stamp "now"), so every figure can be worked out by
hand in the test."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bistand.cases.models import (
    Application,
    Case,
    Household,
    HouseholdMember,
    Person,
    Transition,
    Unit,
)
from bistand.cases.seeding import get_municipality
from bistand.cases.synthetic import make_personnummer
from bistand.decisions.models import (
    CalculationSnapshot,
    Decision,
    Proposal,
    StickprovControl,
    StickprovDraw,
)
from bistand.outcomes.models import AssistancePeriod, ExitReason

SWEDEN = ZoneInfo("Europe/Stockholm")
_serial = itertools.cycle(range(100, 1000))
_case = itertools.count(1)


def at(text: str) -> datetime:
    """``"2025-03-02 08:00"`` in Swedish time."""
    return datetime.fromisoformat(text).replace(tzinfo=SWEDEN)


def person(born: str = "1980-01-01", *, sex: str = "man") -> Person:
    """A person; the serial's last digit gives the legal sex (odd man, even woman)."""
    while True:
        serial = next(_serial)
        if (serial % 2 == 1) == (sex == "man"):
            break
    number = make_personnummer(date.fromisoformat(born), serial)
    return Person.objects.get_or_create(personnummer=number)[0]


def unit(name: str) -> Unit:
    return Unit.objects.get_or_create(municipality=get_municipality(), name=name)[0]


def household(
    unit: Unit, adults: list[Person], children: list[Person] = (), *, since: str = "2024-01-01"
) -> Case:
    municipality = get_municipality()
    home = Household.objects.create(municipality=municipality)
    for i, adult in enumerate(adults):
        HouseholdMember.objects.create(
            household=home,
            person=adult,
            role="applicant" if i == 0 else "partner",
            valid_from=date.fromisoformat(since),
        )
    for child in children:
        HouseholdMember.objects.create(
            household=home, person=child, role="child", valid_from=date.fromisoformat(since)
        )
    return Case.objects.create(
        reference=f"T-{next(_case)}", household=home, municipality=municipality, unit=unit
    )


def application(
    case: Case,
    month: str,
    *,
    submitted: str,
    by: str = "applicant:1",
    state: str = "submitted",
    steps: list[tuple[str, str]] = (),
) -> Application:
    """An application submitted at ``submitted`` by ``by`` (an audit actor), then moved through
    ``steps`` = [(to_state, moment), …] in its state log."""
    created = at(submitted)
    app = Application.objects.create(
        case=case,
        month=month,
        kind="repeat",
        state=state,
        submitted_at=created,
        created_at=created,
    )
    Transition.objects.create(
        application=app, from_state="draft", to_state="submitted", at=created, actor=by
    )
    previous = "submitted"
    for to_state, moment in steps:
        Transition.objects.create(
            application=app,
            from_state=previous,
            to_state=to_state,
            at=at(moment),
            actor="system:robot",
        )
        previous = to_state
    return app


def decide(
    app: Application,
    moment: str,
    *,
    automated: bool,
    outcome: str = "grant",
    amount_ore: int = 500_000,
    proposal_outcome: str | None = None,
    proposal_amount_ore: int | None = None,
    flags: list[str] = (),
    user=None,
) -> Decision:
    calculation = CalculationSnapshot.objects.create(
        application=app,
        trace={},
        trace_sha256="",
        amount_ore=amount_ore,
        engine_version="test",
        created_by="test",
    )
    proposal = Proposal.objects.create(
        application=app,
        calculation=calculation,
        outcome=proposal_outcome or outcome,
        amount_ore=amount_ore if proposal_amount_ore is None else proposal_amount_ore,
        route="automated" if automated else "caseworker",
        flags=[{"code": code, "message": code, "evidence": {}} for code in flags],
        created_by="system:robot",
    )
    app.state = "decided"
    app.save(update_fields=["state"])
    return Decision.objects.create(
        application=app,
        proposal=proposal,
        calculation=calculation,
        outcome=outcome,
        amount_ore=amount_ore,
        decided_at=at(moment),
        decided_by=None if automated else user,
        automated_function="automated-decision" if automated else "",
        rules_version="test",
    )


def stickprov(month: str, decisions_outcomes: list[tuple[Decision, str]]) -> StickprovDraw:
    draw = StickprovDraw.objects.create(
        municipality=get_municipality(),
        month=month,
        seed="s",
        percent=10,
        population=len(decisions_outcomes),
        drawn_by="test",
    )
    for decision, outcome in decisions_outcomes:
        StickprovControl.objects.create(draw=draw, decision=decision, outcome=outcome)
    return draw


def period(
    case: Case,
    number: int,
    first_month: str,
    last_month: str = "",
    reasons: dict[Person, str] | None = None,
) -> AssistancePeriod:
    closed = bool(last_month)
    made = AssistancePeriod.objects.create(
        case=case,
        number=number,
        first_month=first_month,
        opened_at=at(f"{first_month}-01 08:00"),
        last_month=last_month,
        closed_at=at(f"{last_month}-28 12:00") if closed else None,
        closed_by="user:1:test" if closed else "",
        closed_via="caseworker" if closed else "",
    )
    for who, code in (reasons or {}).items():
        ExitReason.objects.create(
            period=made, person=who, code=code, table_valid_from=date(2016, 1, 1)
        )
    return made


def hours(n: float) -> timedelta:
    return timedelta(hours=n)
