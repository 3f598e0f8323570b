"""Automation rate and share of digital applications.

Svenska – automatiseringsgrad: andelen beslut som fattades av den automatiserade
beslutsfunktionen (``Decision.automated_function`` ifyllt) av alla beslut om ansökningar vars
månad ligger i perioden.

Andel digitala ansökningar: ingen ansökan har något fält för kanal. En ansökan räknas som
digital när den första statusändringen till "inkommen" gjordes av den sökande själv
(aktören ``applicant:…``, dvs. inloggad med e-legitimation på Mina sidor); gjordes den av
personal eller systemet (t.ex. en pappersansökan som registrerats) räknas den som inte digital;
saknar ansökan statuslogg (inlagd historik) räknas den som okänd och ingår inte i andelen.

English – automation rate: decisions made by the automated decision function, as a share of all
decisions on applications whose month is in the period. Share digital: nothing records a
channel, so an application counts as digital when its first transition to "submitted" was made
by the applicant (actor ``applicant:…``, logged in with e-ID); staff or system → not digital;
no state log (imported history) → unknown, left out of the share.
"""

from __future__ import annotations

from django.db.models import Count, Q

from bistand.cases.models import Transition
from bistand.decisions.models import Decision

from .base import Scope, Table, share


def automation(scope: Scope) -> Table:
    counts = {
        row["application__month"]: row
        for row in Decision.objects.filter(application__in=scope.applications())
        .values("application__month")
        .annotate(
            total=Count("pk"),
            automated=Count("pk", filter=~Q(automated_function="")),
        )
    }
    rows = []
    for month in scope.months():
        row = counts.get(month, {"total": 0, "automated": 0})
        rows.append(
            {
                "month": month,
                "decisions": row["total"],
                "automated": row["automated"],
                "caseworker": row["total"] - row["automated"],
                "automation_rate": share(row["automated"], row["total"]),
            }
        )
    return Table(
        id="automatiseringsgrad",
        caption="Automatiseringsgrad per månad: beslut av den automatiserade beslutsfunktionen",
        columns=[
            ("month", "Månad"),
            ("decisions", "Beslut"),
            ("automated", "Automatiserade"),
            ("caseworker", "Av handläggare"),
            ("automation_rate", "Automatiseringsgrad"),
        ],
        rows=rows,
        kinds={"automation_rate": "share"},
    )


def digital(scope: Scope) -> Table:
    applications = scope.applications()
    submitted = {
        row["month"]: row["n"] for row in applications.values("month").annotate(n=Count("pk"))
    }
    firsts = (
        Transition.objects.filter(application__in=applications, to_state="submitted")
        .order_by("application_id", "at", "pk")
        .values_list("application_id", "application__month", "actor")
    )
    seen: set[int] = set()
    by_month: dict[str, list[int]] = {}
    for application_id, month, actor in firsts:
        if application_id in seen:
            continue
        seen.add(application_id)
        counts = by_month.setdefault(month, [0, 0])
        counts[0 if actor.startswith("applicant:") else 1] += 1
    rows = []
    for month in scope.months():
        digital_n, other_n = by_month.get(month, [0, 0])
        rows.append(
            {
                "month": month,
                "applications": submitted.get(month, 0),
                "digital": digital_n,
                "not_digital": other_n,
                "unknown": submitted.get(month, 0) - digital_n - other_n,
                "share_digital": share(digital_n, digital_n + other_n),
            }
        )
    return Table(
        id="digitala-ansokningar",
        caption="Digitala ansökningar per månad: inskickade av den sökande på Mina sidor",
        columns=[
            ("month", "Månad"),
            ("applications", "Inkomna ansökningar"),
            ("digital", "Digitala"),
            ("not_digital", "Registrerade av personal"),
            ("unknown", "Okänd kanal"),
            ("share_digital", "Andel digitala"),
        ],
        rows=rows,
        kinds={"share_digital": "share"},
        notes=[
            "Ansökan har inget fält för kanal: digital = den sökande skickade in den själv "
            "(statusloggens aktör). Okänd = ingen statuslogg (t.ex. inlagd historik); "
            "ingår inte i andelen."
        ],
    )
