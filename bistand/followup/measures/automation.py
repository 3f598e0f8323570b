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

from .base import Figures, Scope, Table, figures_for, share


def automation(scope: Scope, figures: Figures | None = None) -> Table:
    figures = figures_for(scope, figures)
    rows = []
    for month in scope.months():
        parts = figures.of_month(month)
        total = sum(d["decisions"]["total"] for d in parts)
        automated = sum(d["decisions"]["automated"] for d in parts)
        rows.append(
            {
                "month": month,
                "decisions": total,
                "automated": automated,
                "caseworker": total - automated,
                "automation_rate": share(automated, total),
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


def digital(scope: Scope, figures: Figures | None = None) -> Table:
    figures = figures_for(scope, figures)
    rows = []
    for month in scope.months():
        parts = figures.of_month(month)
        submitted = sum(d["channel"]["submitted"] for d in parts)
        digital_n = sum(d["channel"]["digital"] for d in parts)
        other_n = sum(d["channel"]["not_digital"] for d in parts)
        rows.append(
            {
                "month": month,
                "applications": submitted,
                "digital": digital_n,
                "not_digital": other_n,
                "unknown": submitted - digital_n - other_n,
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
