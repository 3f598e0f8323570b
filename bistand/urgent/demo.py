"""Demo data: one household's urgent request (received on Mina sidor, "ingen mat i dag"), with
its proposal, waiting in "Akut – i dag". Called from ``bistand demo``; idempotent."""

from __future__ import annotations

from bistand.audit.services import Actor
from bistand.cases.models import Case

from . import services
from .models import Channel, UrgentRequest


def seed(stdout=None) -> UrgentRequest | None:
    if UrgentRequest.objects.exists():
        return None
    for case in Case.objects.order_by("pk")[:50]:
        adults = services.adults(case)
        if not adults:
            continue
        person = adults[0].person
        urgent = services.create_request(
            case,
            person,
            reason="no_food",
            description="Pengarna tog slut när hyran var betald. Det finns ingen mat hemma.",
            days=3,
            channel=Channel.MINASIDOR,
            actor=Actor.applicant(person),
        )
        services.make_proposal(urgent.pk)
        if stdout is not None:
            stdout.write(f"Akut hjälp: a demo request in case {case.reference} (Akut – i dag).")
        return urgent
    return None
