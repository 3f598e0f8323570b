"""``bistand robot stopped|rerun``: the applications the robot could not finish, and why; an
operator sends them back to the robot once the cause is mended (docs/robot.md)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from bistand.audit.services import Actor
from bistand.decisions.models import Proposal

from ... import handover
from ...models import RobotFailure

OPERATOR = Actor.system("operator")


def applications(count: int) -> str:
    return f"{count} ansökan" if count == 1 else f"{count} ansökningar"


def stopped_proposals(month: str | None = None):
    """Applications in a caseworker's queue without a calculation: the robot handed them over."""
    found = Proposal.objects.filter(
        calculation__isnull=True, application__state="proposal_ready"
    ).select_related("application", "application__case")
    if month:
        found = found.filter(application__month=month)
    return found.order_by("application__month", "application_id")


def describe(proposal: Proposal) -> dict:
    last = (
        RobotFailure.objects.filter(application_id=proposal.application_id)
        .order_by("-at", "-pk")
        .first()
    )
    return {
        "application": proposal.application_id,
        "case": proposal.application.case.reference,
        "month": proposal.application.month,
        "flags": [f.get("code") for f in proposal.flags],
        "message": next((f.get("message") for f in proposal.flags), ""),
        "failure": None
        if last is None
        else {
            "at": last.at.isoformat(),
            "kind": last.kind,
            "stage": last.stage,
            "detail": last.detail,
            "where": last.where,
        },
    }


class Command(BaseCommand):
    help = (
        "Ansökningar som roboten inte kunde göra klart (överlämnade till handläggare utan "
        "beräkning) och varför: `stopped`; skicka tillbaka dem till roboten när orsaken är "
        "åtgärdad: `rerun ID … | --all`."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["stopped", "rerun"])
        parser.add_argument("ids", nargs="*", type=int, help="ansökningarnas id (rerun)")
        parser.add_argument("--month", help="bara den här månaden (ÅÅÅÅ-MM)")
        parser.add_argument("--all", action="store_true", help="alla som roboten lämnat över")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        proposals = stopped_proposals(options["month"])
        if options["action"] == "stopped":
            rows = [describe(p) for p in proposals]
            if options["json"]:
                self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
                return
            for row in rows:
                failure = row["failure"] or {}
                self.stdout.write(
                    f"ansökan {row['application']} ({row['case']}, {row['month']}): "
                    f"{', '.join(row['flags'])} – {row['message']}"
                    + (f" [{failure['kind']}: {failure['detail']}]" if failure else "")
                )
            self.stdout.write(f"{applications(len(rows))} väntar utan beräkning.")
            return
        if not options["ids"] and not options["all"]:
            raise CommandError("ange ansökningarnas id eller --all", returncode=2)
        chosen = (
            proposals if options["all"] else proposals.filter(application_id__in=options["ids"])
        )
        unknown = set(options["ids"]) - {p.application_id for p in chosen}
        sent = 0
        for proposal in chosen:
            try:
                handover.recalculate(
                    proposal.application,
                    actor=OPERATOR,
                    reason="driften skickade tillbaka ansökan till roboten",
                )
            except handover.NotStopped:
                unknown.add(proposal.application_id)
                continue
            sent += 1
        sent_back = "skickad" if sent == 1 else "skickade"
        self.stdout.write(f"{applications(sent)} {sent_back} tillbaka till roboten.")
        if unknown:
            raise CommandError(
                "inte överlämnade utan beräkning (eller finns inte): "
                + ", ".join(str(i) for i in sorted(unknown)),
                returncode=1,
            )
