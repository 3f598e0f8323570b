"""Payment orders: created once per granted decision; a decision is never paid twice."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from bistand.audit.services import record
from bistand.cases.models import State
from bistand.cases.states import transition
from bistand.decisions.models import Decision

from .models import PaymentOrder, PaymentStatus


def next_bank_day(day: date) -> date:
    """The next weekday after ``day`` (holidays are the bank file's concern, not ours)."""
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def create_payment_order(decision: Decision, *, actor: str, payee=None) -> PaymentOrder:
    """One payment order for a granted decision (the OneToOne on the decision forbids a second).

    ``payee``: the applicant, if the caller has them at hand.
    """
    application = decision.application
    if payee is None:
        payee = application.case.household.members.get(
            role="applicant", valid_to__isnull=True
        ).person
    order = PaymentOrder.objects.create(
        decision=decision,
        application=application,
        payee=payee,
        amount_ore=decision.amount_ore,
        due_date=next_bank_day(timezone.localdate(decision.decided_at)),
    )
    record(
        "payment.created",
        actor=actor,
        case_id=application.case_id,
        subject=f"application:{application.pk}",
        data={
            "payment": order.pk,
            "amount_ore": order.amount_ore,
            "due_date": order.due_date.isoformat(),
        },
    )
    return order


def mark_paid(order: PaymentOrder, *, actor: str) -> PaymentOrder:
    """The bank has paid: the order and its application become paid (once)."""
    with transaction.atomic():
        updated = (
            PaymentOrder.objects.filter(pk=order.pk)
            .exclude(status=PaymentStatus.PAID)
            .update(status=PaymentStatus.PAID)
        )
        if updated:
            transition(
                order.application,
                State.PAID,
                actor=actor,
                from_state=State.DECIDED,
                reason="utbetald",
            )
            record(
                "payment.paid",
                actor=actor,
                case_id=order.application.case_id,
                subject=f"application:{order.application_id}",
                data={"payment": order.pk},
            )
    order.refresh_from_db()
    return order
