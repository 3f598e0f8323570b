"""Kolada-style key figures per calendar year, so a municipality can compare itself.

* ``langvarigt_bistand``: vuxna med bistånd 10–12 månader av året, som andel av alla vuxna med
  bistånd under året (Koladas definition; ``measures.outcomes.long_term``).
* ``ej_tillbaka_inom_ett_ar``: vuxna vars bistånd upphörde under året (kohorterna året ut) och
  som inte var tillbaka inom 12 månader, som andel av dem (SKR:s "ej återaktualiserade ett år
  efter avslut"); fullständigt först när december års kohort fyllt 12 månader, dvs. från
  februari två år senare — ``complete`` säger om alla kohorter ingår.
* ``handlaggningstid_*``: median, 95:e percentil och andel inom 24 timmar, för beslutade
  ansökningar för årets månader (``measures.leadtime``).

The same figures as JSON (a document) and CSV (one row per figure) for the page, the command
``bistand followup keyfigures --year YYYY`` and the API.
"""

from __future__ import annotations

import csv
import io

from django.utils import timezone

from bistand.cases.models import Application, Municipality, Unit

from .aggregates import load
from .export import csv_row, number_text
from .measures import leadtime, outcomes
from .measures.base import Scope, add_months, month_of, share


def compute(
    municipality_id: int, year: int, *, units: tuple[int, ...] | None = None, today=None
) -> dict:
    scope = Scope(municipality_id, f"{year}-01", f"{year}-12", units)
    today = today or outcomes._today()
    current = f"{today:%Y-%m}"
    figures = load(scope)
    long = outcomes.long_term(scope, figures, today).rows[0]
    leavers = [(cohort, x) for cohort, _, x in outcomes.stored_leavers(figures)]
    eligible, not_back = outcomes._not_back(leavers, 12, today)
    all_leavers = sum(x[outcomes.COUNT] for _, x in leavers)
    lead = leadtime.by_route(scope, figures).rows[-1]
    municipality = Municipality.objects.get(pk=municipality_id)
    unit_names = (
        None
        if units is None
        else list(Unit.objects.filter(pk__in=units).order_by("name").values_list("name", flat=True))
    )
    return {
        "municipality": {"code": municipality.code, "name": municipality.name},
        "units": unit_names,
        "year": year,
        "computed_at": None
        if figures.computed_at is None
        else timezone.localtime(figures.computed_at).isoformat(timespec="seconds"),
        "figures": [
            {
                "id": "langvarigt_bistand",
                "label": "Andel vuxna med långvarigt ekonomiskt bistånd (10–12 månader av året)",
                "kind": "share",
                "value": long["share_long_term"],
                "numerator": long["long_term"],
                "denominator": long["adults"],
                "complete": year < today.year,
            },
            {
                "id": "ej_tillbaka_inom_ett_ar",
                "label": "Andel vuxna som inte var tillbaka med bistånd inom ett år efter avslut",
                "kind": "share",
                "value": share(not_back, eligible),
                "numerator": not_back,
                "denominator": eligible,
                "complete": eligible == all_leavers and add_months(f"{year}-12", 12) < current,
            },
            {
                "id": "handlaggningstid_median_timmar",
                "label": "Handläggningstid från inkommen ansökan till beslut, median (timmar)",
                "kind": "hours",
                "value": lead["p50_hours"],
                "numerator": None,
                "denominator": lead["decisions"],
                "complete": year < today.year,
            },
            {
                "id": "handlaggningstid_p95_timmar",
                "label": "Handläggningstid från inkommen ansökan till beslut, "
                "95:e percentil (timmar)",
                "kind": "hours",
                "value": lead["p95_hours"],
                "numerator": None,
                "denominator": lead["decisions"],
                "complete": year < today.year,
            },
            {
                "id": "beslut_inom_24_timmar",
                "label": "Andel beslut inom 24 timmar från inkommen ansökan",
                "kind": "share",
                "value": lead["share_within_24h"],
                "numerator": lead["within_24h"],
                "denominator": lead["decisions"],
                "complete": year < today.year,
            },
        ],
    }


CSV_COLUMNS = (
    "Kommun",
    "År",
    "Nyckeltal",
    "Beskrivning",
    "Värde",
    "Täljare",
    "Nämnare",
    "Helt underlag",
)


def as_csv(figures: dict) -> bytes:
    """One row per figure; shares in per cent with decimal comma (export.py's convention)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for figure in figures["figures"]:
        label = figure["label"] + (" (%)" if figure["kind"] == "share" else "")
        numerator, denominator = figure["numerator"], figure["denominator"]
        writer.writerow(
            csv_row(
                (
                    (figures["municipality"]["code"], str(figures["municipality"]["code"])),
                    (figures["year"], str(figures["year"])),
                    (figure["id"], str(figure["id"])),
                    (label, label),
                    (figure["value"], number_text(figure["value"], figure["kind"])),
                    (numerator, "" if numerator is None else str(numerator)),
                    (denominator, "" if denominator is None else str(denominator)),
                    ("", "ja" if figure["complete"] else "nej"),
                )
            )
        )
    return out.getvalue().encode("utf-8-sig")


def rows(figures: dict) -> list[dict]:
    from .export import cell_text

    return [{**f, "text": cell_text(f["value"], f["kind"])} for f in figures["figures"]]


def year_choice(raw: str | None) -> tuple[list[int], int, str]:
    """(years to offer, the chosen year, an error message or "")."""
    current = int(month_of(timezone.now())[:4])
    earliest = Application.objects.order_by("month").values_list("month", flat=True).first()
    first = int(earliest[:4]) if earliest else current
    years = list(range(current, min(first, current) - 1, -1))
    default = current - 1 if current - 1 in years else current
    if raw in (None, ""):
        return years, default, ""
    if raw.isdigit() and int(raw) in years:
        return years, int(raw), ""
    return years, default, "Välj ett av åren i listan."
