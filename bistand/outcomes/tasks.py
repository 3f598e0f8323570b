"""The robot's closing proposals: a periodic chore the worker runs (``bistand worker``'s
housekeeping, at most once a day per process).

A case whose household has let ``national.closure_proposal``'s ``months_without_application``
whole months (a local choice) pass without an application after the last month applied for
gets one open ``ClosureProposal``: never two (a constraint and a check), never for a case with
an application in flight, an open e-service draft or a recent application, and not again for
the same gap once a caseworker has dismissed it (a new proposal needs a later application
first). The robot never closes a case itself.
"""

from __future__ import annotations

import logging
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from bistand.audit.services import Actor, deferred, record
from bistand.cases.models import Application, Case, State
from bistand.rules.period import Month

from .models import AssistancePeriod, ClosureProposal, ProposalStatus
from .services import IN_PROCESS, months_before_closure_proposal

log = logging.getLogger(__name__)
ROBOT = Actor.system("robot")
_proposed_on: date | None = None


def months_between(earlier: str, later: Month) -> int:
    first = Month.parse(earlier)
    return (later.year - first.year) * 12 + later.month - first.month


def _shift(month: Month, months: int) -> Month:
    index = month.year * 12 + month.month - 1 - months
    return Month(index // 12, index % 12 + 1)


def candidates(today: date):
    """Cases with an open period whose household has let N whole months pass without an
    application after the last month applied for (last month + N before this month: last
    applied for March, N = 2 → April and May have passed → from 1 June), without an
    application in flight (awaiting the partner's signature or in process), without an open
    e-service draft for this month or later, and without a proposal for that gap."""
    from bistand.eservice.models import Draft

    n = months_before_closure_proposal(today)
    this_month = Month(today.year, today.month)
    cutoff = str(_shift(this_month, n + 1))
    latest = (
        Application.objects.filter(case=OuterRef("pk"))
        .exclude(state__in=[State.DRAFT, State.WITHDRAWN])
        .order_by("-month")
        .values("month")[:1]
    )
    return (
        Case.objects.filter(
            Exists(AssistancePeriod.objects.filter(case=OuterRef("pk"), closed_at__isnull=True))
        )
        .exclude(Exists(Application.objects.filter(case=OuterRef("pk"), state__in=IN_PROCESS)))
        .exclude(
            Exists(
                Draft.objects.filter(
                    case=OuterRef("pk"), application__isnull=True, month__gte=str(this_month)
                )
            )
        )
        .annotate(last_applied=Subquery(latest))
        .filter(last_applied__lte=cutoff)
        .exclude(
            Exists(
                ClosureProposal.objects.filter(case=OuterRef("pk")).filter(
                    Q(status=ProposalStatus.OPEN) | Q(last_applied_month=OuterRef("last_applied"))
                )
            )
        )
        .order_by("pk")
    )


BATCH = 500


def _propose(rows: list[tuple[int, str]], month: Month) -> list[ClosureProposal]:
    """One transaction for a batch: the proposals in one insert, their audit events appended
    together (``deferred``), so the chain head is locked once per batch."""
    with transaction.atomic(), deferred():
        made = ClosureProposal.objects.bulk_create(
            ClosureProposal(
                case_id=case_id,
                # whole months without an application: those after the last month applied
                # for, before this month
                months_without_application=min(months_between(last, month) - 1, 32767),
                last_applied_month=last,
            )
            for case_id, last in rows
        )
        for proposal in made:
            record(
                "case.closure_proposed",
                actor=ROBOT,
                case_id=proposal.case_id,
                subject=f"closure_proposal:{proposal.pk}",
                data={
                    "last_applied_month": proposal.last_applied_month,
                    "months": proposal.months_without_application,
                },
            )
    return made


def propose_closures(today: date | None = None) -> list[ClosureProposal]:
    """Create the open proposals due today (each audited as ``case.closure_proposed``), in
    batches; a batch that meets a proposal another worker made meanwhile is done one by one."""
    today = today or timezone.localdate()
    month = Month(today.year, today.month)
    rows = list(candidates(today).values_list("pk", "last_applied"))
    made: list[ClosureProposal] = []
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        try:
            made += _propose(batch, month)
        except IntegrityError:
            for row in batch:
                try:
                    made += _propose([row], month)
                except IntegrityError:
                    continue  # another worker proposed it first: one open proposal per case
    if made:
        log.info("förslag om avslut: %s nya", len(made))
    return made


def propose_closures_daily(on: date | None = None) -> list[ClosureProposal]:
    """``propose_closures`` at most once a calendar day per process (the worker's
    housekeeping runs every few minutes); one that raised is tried again at the next turn."""
    global _proposed_on
    day = on or timezone.localdate()
    if _proposed_on == day:
        return []
    made = propose_closures(day)
    _proposed_on = day  # only once it went through: a failed run is tried again next turn
    return made
