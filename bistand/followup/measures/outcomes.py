"""Outcomes: did people leave assistance for work or studies, and did they come back?

Data: the periods of assistance (``outcomes.AssistancePeriod``) and the avslutsorsak of each
adult of a closed period (``outcomes.ExitReason``), kept by bistand/outcomes.

Svenska:

* **Kohort** = den månad en avslutad period hade sitt sista bistånd (``last_month``). Räknas
  per vuxen med avslutsorsak (en rad per vuxen och avslutad period).
* **Lämnade för arbete eller studier**: andelen vuxna vars avslutsorsak i kodtabellen
  ``statistics.avslutsorsaker`` (versionen som gällde kohortmånaden) har kategorin ``work``
  eller ``studies``.
* **Inte tillbaka inom 6 / 12 månader**: andelen vuxna som inte finns med i någon inskickad
  ansökan, i något ärende, för en månad efter kohortmånaden och högst 6 / 12 månader efter.
  "Finns med" = personen var medlem (sökande, medsökande, barn eller annan) i hushållet vars
  ärende ansökan gäller, under ansökans månad. Visas bara för kohorter där hela tiden har gått
  (kohortmånad + 6 / 12 < innevarande månad); annars står "–".
* **Tid med bistånd**: perioder i månader, från periodens första till sista månad (båda
  medräknade), medel och median per kohort (per hushåll, inte per vuxen).
* **Långvarigt bistånd** (Koladas definition): vuxna (sökande, medsökande) i hushåll som fått
  bistånd (beslut bifall eller delvis bifall) under 10–12 av årets månader, som andel av alla
  vuxna som fått bistånd under året. En vuxen räknas för varje månad hushållets ärende fick
  bistånd, om personen var vuxen medlem någon gång under året (medlemskapets datum prövas inte
  månad för månad).
* **Kön** är det juridiska kön som personnumret anger (näst sista siffran); **ålder** räknas den
  första dagen i kohortmånaden; **hushållstyp** efter hushållets medlemmar den dagen.

English: cohort = the last month of a closed period; per adult with an exit reason. Left for
work or studies = the reason's category is ``work`` or ``studies``. Not back within 6/12 months
= the person is in no submitted application (any case) for a month after the cohort month up to
6/12 months after; shown only for cohorts old enough. Time on assistance = months from the
period's first to last month, inclusive. Long-term = adults with assistance in 10–12 months of a
calendar year, as a share of adults with assistance that year. Sex is the legal sex the
personnummer records; age on the first day of the cohort month.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from bistand.cases import personnummer as pnr
from bistand.cases.membership import ADULT_ROLES
from bistand.cases.models import Application, HouseholdMember, Role, Unit
from bistand.decisions.models import Outcome
from bistand.outcomes.models import AssistancePeriod, ExitReason
from bistand.outcomes.services import EXIT_REASONS, WORK_OR_STUDIES, codes

from .base import Scope, Table, add_months, month_of, months_between, share

AGE_BANDS = ((18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 200))
HOUSEHOLD_TYPES = {
    (1, False): "Ensamstående utan barn",
    (1, True): "Ensamstående med barn",
    (2, False): "Sammanboende utan barn",
    (2, True): "Sammanboende med barn",
}


def _first_day(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def _last_day(month: str) -> date:
    return _first_day(add_months(month, 1)) - timedelta(days=1)


def _valid(valid_from: date, valid_to: date | None, month: str) -> bool:
    return valid_from <= _last_day(month) and (valid_to is None or valid_to >= _first_day(month))


def age_band(born: date, on: date) -> str:
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low}–{high} år" if high < 200 else f"{low} år och äldre"
    return "under 18 år"


@dataclass
class Leaver:
    """One adult of one closed period."""

    cohort: str
    first_month: str
    unit: str
    household_type: str
    age_band: str
    sex: str
    category: str
    back_after: int | None  # months after the cohort month of the first return; None = not back


def leavers(scope: Scope) -> list[Leaver]:
    periods = AssistancePeriod.objects.filter(
        case__in=scope.cases(),
        closed_at__isnull=False,
        last_month__gte=scope.first,
        last_month__lte=scope.last,
    )
    rows = list(
        ExitReason.objects.filter(period__in=periods).values_list(
            "period__last_month",
            "period__first_month",
            "period__case__unit_id",
            "period__case__household_id",
            "person_id",
            "person__personnummer",
            "code",
        )
    )
    if not rows:
        return []
    persons = {r[4] for r in rows}
    households = {r[3] for r in rows}
    units = dict(Unit.objects.filter(pk__in={r[2] for r in rows}).values_list("pk", "name"))
    # The households' members (for the household type) and the adults' memberships anywhere.
    members = defaultdict(list)
    for household, role, valid_from, valid_to in HouseholdMember.objects.filter(
        household_id__in=households
    ).values_list("household_id", "role", "valid_from", "valid_to"):
        members[household].append((role, valid_from, valid_to))
    memberships = defaultdict(list)
    for person, household, valid_from, valid_to in HouseholdMember.objects.filter(
        person_id__in=persons
    ).values_list("person_id", "household_id", "valid_from", "valid_to"):
        memberships[person].append((household, valid_from, valid_to))
    earliest = min(r[0] for r in rows)
    applied = defaultdict(set)
    for household, month in Application.objects.filter(
        case__household_id__in={h for ms in memberships.values() for h, _, _ in ms},
        month__gt=earliest,
        submitted_at__isnull=False,
    ).values_list("case__household_id", "month"):
        applied[household].add(month)

    tables: dict[str, dict] = {}
    out = []
    for cohort, first_month, unit_id, household, person, number, code in rows:
        if cohort not in tables:
            tables[cohort] = codes(EXIT_REASONS, cohort)
        category = tables[cohort].get(code, {}).get("category", "unknown")
        day = _first_day(cohort)
        adults = children = 0
        for role, valid_from, valid_to in members[household]:
            if _valid(valid_from, valid_to, cohort):
                if role in ADULT_ROLES:
                    adults += 1
                elif role == Role.CHILD:
                    children += 1
        returns = [
            month
            for other, valid_from, valid_to in memberships[person]
            for month in applied[other]
            if month > cohort and _valid(valid_from, valid_to, month)
        ]
        first_return = min(returns) if returns else None
        out.append(
            Leaver(
                cohort=cohort,
                first_month=first_month,
                unit=units.get(unit_id, "Ingen enhet"),
                household_type=HOUSEHOLD_TYPES[(min(2, max(1, adults)), children > 0)],
                age_band=age_band(pnr.birth_date(number), day),
                sex="kvinna" if pnr.legal_sex(number) == "F" else "man",
                category=category,
                back_after=None
                if first_return is None
                else len(months_between(cohort, first_return)) - 1,
            )
        )
    return out


def _complete(cohort: str, months: int, today: date) -> bool:
    """Have all ``months`` months after the cohort month passed (before the current month)?"""
    return add_months(cohort, months) < f"{today.year:04d}-{today.month:02d}"


def _not_back(group: list[Leaver], months: int, today: date) -> tuple[int, int]:
    """(adults in cohorts old enough, of whom not back within ``months``)."""
    eligible = [x for x in group if _complete(x.cohort, months, today)]
    return len(eligible), sum(1 for x in eligible if x.back_after is None or x.back_after > months)


def _today() -> date:
    return date.fromisoformat(month_of(timezone.now()) + "-01")


def cohorts(scope: Scope, measured: list[Leaver] | None = None, today: date | None = None) -> Table:
    measured = leavers(scope) if measured is None else measured
    today = today or _today()
    by_cohort = defaultdict(list)
    for leaver in measured:
        by_cohort[leaver.cohort].append(leaver)
    lengths = defaultdict(list)
    for first_month, last_month in AssistancePeriod.objects.filter(
        case__in=scope.cases(),
        closed_at__isnull=False,
        last_month__gte=scope.first,
        last_month__lte=scope.last,
    ).values_list("first_month", "last_month"):
        lengths[last_month].append(len(months_between(first_month, last_month)))
    rows = []
    for cohort in scope.months():
        group = by_cohort.get(cohort, [])
        work = sum(1 for x in group if x.category in WORK_OR_STUDIES)
        row = {
            "cohort": cohort,
            "periods": len(lengths.get(cohort, [])),
            "adults": len(group),
            "work_or_studies": work,
            "share_work_or_studies": share(work, len(group)),
        }
        for months in (6, 12):
            if _complete(cohort, months, today):
                _, not_back = _not_back(group, months, today)
                row[f"not_back_{months}"] = not_back
                row[f"share_not_back_{months}"] = share(not_back, len(group))
            else:
                row[f"not_back_{months}"] = None
                row[f"share_not_back_{months}"] = None
        months_on = lengths.get(cohort, [])
        row["mean_months"] = round(statistics.fmean(months_on), 1) if months_on else None
        row["median_months"] = statistics.median(months_on) if months_on else None
        rows.append(row)
    return Table(
        id="utfall-per-kohort",
        caption="Utfall per kohort (den månad biståndet upphörde)",
        columns=[
            ("cohort", "Kohort"),
            ("periods", "Avslutade perioder"),
            ("adults", "Vuxna"),
            ("work_or_studies", "Till arbete eller studier"),
            ("share_work_or_studies", "Andel till arbete eller studier"),
            ("not_back_6", "Inte tillbaka inom 6 månader"),
            ("share_not_back_6", "Andel inte tillbaka inom 6 månader"),
            ("not_back_12", "Inte tillbaka inom 12 månader"),
            ("share_not_back_12", "Andel inte tillbaka inom 12 månader"),
            ("mean_months", "Tid med bistånd, medel (månader)"),
            ("median_months", "Tid med bistånd, median (månader)"),
        ],
        rows=rows,
        kinds={
            "share_work_or_studies": "share",
            "share_not_back_6": "share",
            "share_not_back_12": "share",
            "mean_months": "decimal",
            "median_months": "decimal",
        },
        notes=[
            "Inte tillbaka = ingen ny ansökan, i något ärende, där personen är med under de "
            "6 eller 12 månaderna efter kohortmånaden. Visas bara för kohorter där hela tiden "
            "har gått (annars –).",
            "Andelar per vuxen; tid med bistånd per avslutad period (hushåll).",
        ],
    )


DIMENSIONS = (
    ("unit", "Enhet"),
    ("household_type", "Hushållstyp"),
    ("age_band", "Åldersgrupp"),
    ("sex", "Kön (juridiskt, enligt personnumret)"),
)


def breakdown(
    scope: Scope, measured: list[Leaver] | None = None, today: date | None = None
) -> Table:
    measured = leavers(scope) if measured is None else measured
    today = today or _today()
    rows = []
    for key, label in DIMENSIONS:
        groups = defaultdict(list)
        for leaver in measured:
            groups[getattr(leaver, key)].append(leaver)
        for name in sorted(groups):
            group = groups[name]
            work = sum(1 for x in group if x.category in WORK_OR_STUDIES)
            eligible, not_back = _not_back(group, 12, today)
            rows.append(
                {
                    "dimension": label,
                    "group": name,
                    "adults": len(group),
                    "share_work_or_studies": share(work, len(group)),
                    "eligible_12": eligible,
                    "share_not_back_12": share(not_back, eligible),
                }
            )
    return Table(
        id="utfall-per-grupp",
        caption="Utfall per enhet, hushållstyp, åldersgrupp och kön",
        columns=[
            ("dimension", "Indelning"),
            ("group", "Grupp"),
            ("adults", "Vuxna"),
            ("share_work_or_studies", "Andel till arbete eller studier"),
            ("eligible_12", "Vuxna i kohorter äldre än 12 månader"),
            ("share_not_back_12", "Andel inte tillbaka inom 12 månader"),
        ],
        rows=rows,
        kinds={
            "group": "text",
            "share_work_or_studies": "share",
            "share_not_back_12": "share",
        },
        notes=[
            "Kön är det juridiska kön som personnumret anger. Ålder den första dagen i "
            "kohortmånaden."
        ],
    )


CATEGORY_LABELS = {
    "work": "Arbete",
    "studies": "Studier",
    "other_benefit": "Annan ersättning",
    "moved": "Flyttat",
    "other": "Annan orsak",
    "unknown": "Okänd",
}


def reasons(scope: Scope, measured: list[Leaver] | None = None) -> Table:
    measured = leavers(scope) if measured is None else measured
    counts = defaultdict(int)
    for leaver in measured:
        counts[leaver.category] += 1
    return Table(
        id="avslutsorsaker",
        caption="Avslutsorsaker per kategori",
        columns=[("category", "Kategori"), ("adults", "Vuxna"), ("share", "Andel")],
        rows=[
            {"category": label, "adults": counts[key], "share": share(counts[key], len(measured))}
            for key, label in CATEGORY_LABELS.items()
        ],
        kinds={"share": "share"},
    )


def long_term(scope: Scope, today: date | None = None) -> Table:
    """Adults with assistance in 10–12 months of each calendar year of the scope."""
    today = today or _today()
    rows = []
    for year in range(int(scope.first[:4]), int(scope.last[:4]) + 1):
        per_person = (
            HouseholdMember.objects.filter(
                role__in=ADULT_ROLES,
                household__case__in=scope.cases(),
                valid_from__lte=date(year, 12, 31),
            )
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=date(year, 1, 1)))
            .filter(
                household__case__applications__month__startswith=f"{year}-",
                household__case__applications__decision__outcome__in=[
                    Outcome.GRANT,
                    Outcome.PARTIAL,
                ],
            )
            .values("person")
            .annotate(months=Count("household__case__applications__month", distinct=True))
            .values_list("months", flat=True)
        )
        months = list(per_person)
        long = sum(1 for m in months if m >= 10)
        rows.append(
            {
                "year": str(year),
                "adults": len(months),
                "long_term": long,
                "share_long_term": share(long, len(months)),
                "complete": "ja" if year < today.year else "nej, året pågår",
            }
        )
    return Table(
        id="langvarigt-bistand",
        caption="Långvarigt bistånd: vuxna med bistånd 10–12 månader av kalenderåret",
        columns=[
            ("year", "År"),
            ("adults", "Vuxna med bistånd"),
            ("long_term", "Med bistånd 10–12 månader"),
            ("share_long_term", "Andel långvarigt"),
            ("complete", "Helt år"),
        ],
        rows=rows,
        kinds={"share_long_term": "share", "complete": "text"},
        notes=[
            "Bistånd = beslut om bifall eller delvis bifall för månaden. Vuxna = sökande och "
            "medsökande som var medlemmar någon gång under året."
        ],
    )
