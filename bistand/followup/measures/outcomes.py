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

from django.utils import timezone

from bistand.cases import personnummer as pnr
from bistand.cases.membership import ADULT_ROLES
from bistand.cases.models import Application, HouseholdMember, Role, Unit
from bistand.outcomes.models import AssistancePeriod, ExitReason
from bistand.outcomes.services import EXIT_REASONS, WORK_OR_STUDIES, codes

from .base import Figures, Scope, Table, add_months, figures_for, month_of, months_between, share

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
    unit_id: int | None
    household_type: str
    age_band: str
    sex: str
    category: str
    back_after: int | None  # months after the cohort month of the first return; None = not back


def closed_periods(scope: Scope):
    """The scope's periods that ended (last month) in its months."""
    return AssistancePeriod.objects.filter(
        case__in=scope.cases(),
        closed_at__isnull=False,
        last_month__gte=scope.first,
        last_month__lte=scope.last,
    )


def leavers(scope: Scope) -> list[Leaver]:
    """The adults of the periods that ended in the scope's months, from the raw data (the
    monthly figures keep them; ``bistand.followup.aggregates``)."""
    periods = closed_periods(scope)
    rows = list(
        ExitReason.objects.filter(period__in=periods).values_list(
            "period__last_month",
            "period__first_month",
            "period__closed_at",
            "period__case_id",
            "period__case__unit_id",
            "period__case__household_id",
            "person_id",
            "person__personnummer",
            "code",
        )
    )
    if not rows:
        return []
    persons = {r[6] for r in rows}
    households = {r[5] for r in rows}
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
    # household → [(month, case, submitted at)] of the submitted applications after a cohort
    applied = defaultdict(list)
    for household, month, case_id, submitted_at in Application.objects.filter(
        case__household_id__in={h for ms in memberships.values() for h, _, _ in ms},
        month__gt=earliest,
        submitted_at__isnull=False,
    ).values_list("case__household_id", "month", "case_id", "submitted_at"):
        applied[household].append((month, case_id, submitted_at))

    tables: dict[str, dict] = {}
    out = []
    for cohort, first_month, closed_at, case_id, unit_id, household, person, number, code in rows:
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
        # A return: an application for a month after the cohort month that came in after
        # the period was closed, or one in another case. An application of the same case
        # that was already in when the period was closed (e.g. a refused month after the
        # last month) belongs to the closed period, not to a return.
        returns = [
            month
            for other, valid_from, valid_to in memberships[person]
            for month, other_case, submitted_at in applied[other]
            if month > cohort
            and _valid(valid_from, valid_to, month)
            and (other_case != case_id or submitted_at > closed_at)
        ]
        first_return = min(returns) if returns else None
        out.append(
            Leaver(
                cohort=cohort,
                first_month=first_month,
                unit_id=unit_id,
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


def _today() -> date:
    return date.fromisoformat(month_of(timezone.now()) + "-01")


# Stored leavers (aggregates): [category, household type, age band, sex, back, count] where
# back is "6" (back within 6 months), "12" (within 12, not 6) or "no" (not within 12).
CATEGORY, HOUSEHOLD, AGE, SEX, BACK, COUNT = range(6)


def _not_back(entries: list[tuple[str, list]], months: int, today: date) -> tuple[int, int]:
    """(adults in cohorts old enough, of whom not back within ``months``) of (cohort, entry)."""
    # cohort + months < this month ⟺ cohort < this month − months (compared as ÅÅÅÅ-MM)
    limit = add_months(f"{today.year:04d}-{today.month:02d}", -months)
    back_within = {"6"} if months == 6 else {"6", "12"}
    eligible = [x for cohort, x in entries if cohort < limit]
    return (
        sum(x[COUNT] for x in eligible),
        sum(x[COUNT] for x in eligible if x[BACK] not in back_within),
    )


def _adults(entries) -> int:
    return sum(x[COUNT] for _, x in entries)


def _work(entries) -> int:
    return sum(x[COUNT] for _, x in entries if x[CATEGORY] in WORK_OR_STUDIES)


def stored_leavers(figures: Figures) -> list[tuple[str, int, list]]:
    """(cohort, unit key, entry) of every stored leaver entry of the scope's months."""
    return [(period, unit, x) for period, unit, data in figures.months for x in data["leavers"]]


def cohorts(scope: Scope, figures: Figures | None = None, today: date | None = None) -> Table:
    figures = figures_for(scope, figures)
    today = today or _today()
    rows = []
    for cohort in scope.months():
        parts = figures.of_month(cohort)
        group = [(cohort, x) for d in parts for x in d["leavers"]]
        lengths = [n for d in parts for n in d["periods"]]
        adults, work = _adults(group), _work(group)
        row = {
            "cohort": cohort,
            "periods": len(lengths),
            "adults": adults,
            "work_or_studies": work,
            "share_work_or_studies": share(work, adults),
        }
        for months in (6, 12):
            if _complete(cohort, months, today):
                _, not_back = _not_back(group, months, today)
                row[f"not_back_{months}"] = not_back
                row[f"share_not_back_{months}"] = share(not_back, adults)
            else:
                row[f"not_back_{months}"] = None
                row[f"share_not_back_{months}"] = None
        row["mean_months"] = round(statistics.fmean(lengths), 1) if lengths else None
        row["median_months"] = statistics.median(lengths) if lengths else None
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


def breakdown(scope: Scope, figures: Figures | None = None, today: date | None = None) -> Table:
    figures = figures_for(scope, figures)
    today = today or _today()
    stored = stored_leavers(figures)
    names = dict(
        Unit.objects.filter(pk__in={unit for _, unit, _ in stored}).values_list("pk", "name")
    )
    keys = {
        "unit": lambda unit, x: names.get(unit, "Ingen enhet"),
        "household_type": lambda unit, x: x[HOUSEHOLD],
        "age_band": lambda unit, x: x[AGE],
        "sex": lambda unit, x: x[SEX],
    }
    rows = []
    for key, label in DIMENSIONS:
        groups: dict[str, list] = defaultdict(list)
        for cohort, unit, x in stored:
            groups[keys[key](unit, x)].append((cohort, x))
        for name in sorted(groups):
            group = groups[name]
            adults, work = _adults(group), _work(group)
            eligible, not_back = _not_back(group, 12, today)
            rows.append(
                {
                    "dimension": label,
                    "group": name,
                    "adults": adults,
                    "share_work_or_studies": share(work, adults),
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


def reasons(scope: Scope, figures: Figures | None = None) -> Table:
    stored = stored_leavers(figures_for(scope, figures))
    counts: dict[str, int] = defaultdict(int)
    for _, _, x in stored:
        counts[x[CATEGORY]] += x[COUNT]
    total = sum(counts.values())
    return Table(
        id="avslutsorsaker",
        caption="Avslutsorsaker per kategori",
        columns=[("category", "Kategori"), ("adults", "Vuxna"), ("share", "Andel")],
        rows=[
            {"category": label, "adults": counts[key], "share": share(counts[key], total)}
            for key, label in CATEGORY_LABELS.items()
        ],
        kinds={"share": "share"},
    )


def long_term(scope: Scope, figures: Figures | None = None, today: date | None = None) -> Table:
    """Adults with assistance in 10–12 months of each calendar year of the scope (summed over
    the units: an adult in two units' cases in one year counts in each)."""
    figures = figures_for(scope, figures)
    today = today or _today()
    rows = []
    for year in range(int(scope.first[:4]), int(scope.last[:4]) + 1):
        parts = [d["long_term"] for period, _, d in figures.years if period == str(year)]
        adults = sum(p["adults"] for p in parts)
        long = sum(p["long_term"] for p in parts)
        rows.append(
            {
                "year": str(year),
                "adults": adults,
                "long_term": long,
                "share_long_term": share(long, adults),
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
