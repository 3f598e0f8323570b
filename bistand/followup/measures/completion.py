"""Completion requests (begäran om komplettering).

Svenska: För ansökningar vars månad ligger i perioden: antal begäranden om komplettering,
antal ansökningar med minst en begäran och deras andel av de inkomna ansökningarna, och hur
många begäranden som har besvarats.

English: For applications whose month is in the period: completion requests, applications with
at least one (and their share of the submitted applications), and requests answered.
"""

from __future__ import annotations

from django.db.models import Count, Q

from bistand.workspace.models import CompletionRequest

from .base import Scope, Table, share


def completion(scope: Scope) -> Table:
    applications = scope.applications()
    submitted = dict(applications.values_list("month").annotate(n=Count("pk")))
    requested = {
        row["application__month"]: row
        for row in CompletionRequest.objects.filter(application__in=applications)
        .values("application__month")
        .annotate(
            requests=Count("pk"),
            applications=Count("application", distinct=True),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
        )
    }
    rows = []
    for month in scope.months():
        row = requested.get(month, {"requests": 0, "applications": 0, "answered": 0})
        rows.append(
            {
                "month": month,
                "submitted": submitted.get(month, 0),
                "requests": row["requests"],
                "applications": row["applications"],
                "share": share(row["applications"], submitted.get(month, 0)),
                "answered": row["answered"],
            }
        )
    return Table(
        id="komplettering",
        caption="Begäranden om komplettering per månad",
        columns=[
            ("month", "Månad"),
            ("submitted", "Inkomna ansökningar"),
            ("requests", "Begäranden"),
            ("applications", "Ansökningar med begäran"),
            ("share", "Andel av ansökningarna"),
            ("answered", "Besvarade begäranden"),
        ],
        rows=rows,
        kinds={"share": "share"},
    )
