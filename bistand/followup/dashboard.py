"""The follow-up pages' sections: each a heading, its charts and the tables they are drawn from."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from . import charts
from .export import cell_text, heading
from .measures import automation, completion, flags, leadtime, outcomes, states, stickprov
from .measures.base import Figures, Scope, Table


@dataclass
class ShownTable:
    table: Table
    headings: list[tuple[str, bool]]  # (text, numeric)
    rows: list[tuple[str, list[tuple[str, bool]]]]  # (row header, [(text, numeric)])


def shown(table: Table) -> ShownTable:
    keys = [key for key, _ in table.columns]
    numeric = {key: table.kind(key) != "text" for key in keys}
    headings = [(heading(table, key, label), numeric[key]) for key, label in table.columns]
    rows = []
    for row in table.rows:
        cells = [(cell_text(row.get(k), table.kind(k)), numeric[k]) for k in keys]
        rows.append((cells[0][0], cells[1:]))
    return ShownTable(table, headings, rows)


@dataclass
class Section:
    id: str
    heading: str
    intro: str
    charts: list[SafeString] = field(default_factory=list)
    tables: list[ShownTable] = field(default_factory=list)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"


def _series(label: str, table: Table, column: str, text) -> charts.Series:
    """A chart's line: the table's ``column`` per row, with its values as ``text`` shows them."""
    return charts.Series(
        label, [r[column] for r in table.rows], [text(r[column]) for r in table.rows]
    )


def _hours(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} h".replace(".", ",")


def process_sections(scope: Scope, figures: Figures) -> list[Section]:
    route = leadtime.by_route(scope, figures)
    month = leadtime.by_month(scope, figures)
    months = [r["month"] for r in month.rows]
    lead = Section(
        "handlaggningstid",
        "Handläggningstid",
        "Från inkommen ansökan till beslut. Målet är beslut inom 24 timmar.",
        charts=[
            charts.lines(
                "Handläggningstid per månad, median och 95:e percentil, i timmar",
                "Linjediagram. Median och 95:e percentil av timmarna från inkommen ansökan till "
                "beslut, per månad, med målet 24 timmar som streckad linje. Siffrorna finns i "
                "tabellen nedanför.",
                months,
                [
                    _series("Median", month, "p50_hours", _hours),
                    _series("95:e percentil", month, "p95_hours", _hours),
                ],
                slug="ledtid",
                axis_text=lambda v: f"{v:.0f} h",
                goal=(leadtime.GOAL_HOURS, "mål 24 h"),
            ),
            charts.bars(
                "Andel beslut inom 24 timmar, per beslutsväg",
                "Stapeldiagram. Andelen beslut inom 24 timmar för automatiserade beslut, "
                "handläggarbeslut och alla beslut. Siffrorna finns i tabellen nedanför.",
                [
                    charts.Bar(r["route"], r["share_within_24h"], _pct(r["share_within_24h"]))
                    for r in route.rows
                ],
                slug="inom24",
                maximum=1,
            ),
        ],
        tables=[shown(route), shown(month)],
    )
    auto = automation.automation(scope, figures)
    digital = automation.digital(scope, figures)
    automated = Section(
        "automatisering",
        "Automatisering och digitala ansökningar",
        "Hur stor del av besluten som fattades automatiskt, och hur stor del av ansökningarna "
        "som de sökande skickade in själva på Mina sidor.",
        charts=[
            charts.lines(
                "Automatiseringsgrad och andel digitala ansökningar per månad",
                "Linjediagram i procent per månad: andelen beslut av den automatiserade "
                "beslutsfunktionen och andelen digitala ansökningar. Siffrorna finns i "
                "tabellerna nedanför.",
                months,
                [
                    _series("Automatiserade beslut", auto, "automation_rate", _pct),
                    _series("Digitala ansökningar", digital, "share_digital", _pct),
                ],
                slug="automatisering",
                maximum=1,
                axis_text=_pct,
            )
        ],
        tables=[shown(auto), shown(digital)],
    )
    timed = states.time_in_states(scope, figures)
    state_section = Section(
        "status",
        "Tid i varje status",
        "Hur länge ansökningarna låg i varje status innan de gick vidare.",
        charts=[
            charts.bars(
                "Medeltid i varje status, i timmar",
                "Stapeldiagram med medeltiden i timmar för varje status. Siffrorna finns i "
                "tabellen nedanför.",
                [
                    charts.Bar(r["state"], r["mean_hours"], _hours(r["mean_hours"]))
                    for r in timed.rows
                ],
                slug="status",
            )
        ]
        if timed.rows
        else [],
        tables=[shown(timed)],
    )
    flagged = flags.flags(scope, figures)
    flag_section = Section(
        "flaggor",
        "Flaggor",
        "Vilka flaggor robotens förslag fick, och hur ofta beslutet sedan blev ett annat än "
        "förslaget.",
        charts=[
            charts.bars(
                "Andel beslut som ändrade förslaget, per flagga",
                "Stapeldiagram: för varje flagga andelen beslutade förslag där beslutet fick "
                "ett annat utfall eller belopp. Siffrorna finns i tabellen nedanför.",
                [
                    charts.Bar(r["label"], r["share_changed"], _pct(r["share_changed"]))
                    for r in flagged.rows[:15]
                ],
                slug="flaggor",
                maximum=1,
            )
        ]
        if flagged.rows
        else [],
        tables=[shown(flagged)],
    )
    drawn = stickprov.outcomes(scope, figures)
    rate = stickprov.error_rate(scope, figures)
    error = rate.rows[0]
    stickprov_section = Section(
        "stickprov",
        "Stickprov",
        "Efterhandskontroll av slumpvis utvalda beslut. Felandel "
        f"{_pct(error['error_rate'])} (95 % konfidensintervall "
        f"{_pct(error['ci_low'])}–{_pct(error['ci_high'])}) av {error['controlled']} "
        "kontrollerade beslut."
        if error["controlled"]
        else "Efterhandskontroll av slumpvis utvalda beslut. Inga kontrollerade beslut i urvalet.",
        charts=[
            charts.bars(
                "Stickprovskontroller per utfall",
                "Stapeldiagram med antalet kontroller per utfall. Siffrorna finns i tabellen "
                "nedanför.",
                [charts.Bar(r["outcome"], r["controls"], str(r["controls"])) for r in drawn.rows],
                slug="stickprov",
            )
        ],
        tables=[shown(rate), shown(drawn)],
    )
    completion_section = Section(
        "komplettering",
        "Begäranden om komplettering",
        "Hur ofta handläggarna behövde be om mer underlag.",
        tables=[shown(completion.completion(scope, figures))],
    )
    return [lead, automated, state_section, flag_section, stickprov_section, completion_section]


def outcome_sections(scope: Scope, figures: Figures) -> list[Section]:
    cohort = outcomes.cohorts(scope, figures)
    months = [r["cohort"] for r in cohort.rows]
    cohort_section = Section(
        "kohorter",
        "Till arbete eller studier, och inte tillbaka",
        "Per kohort (den månad biståndet upphörde): andelen vuxna som lämnade för arbete "
        "eller studier och andelen som inte var tillbaka inom 12 månader. Kohorter yngre än "
        "12 månader har ännu inget värde för återkomst.",
        charts=[
            charts.lines(
                "Andel till arbete eller studier och andel inte tillbaka inom 12 månader",
                "Linjediagram i procent per kohortmånad. Siffrorna finns i tabellen nedanför.",
                months,
                [
                    _series("Arbete eller studier", cohort, "share_work_or_studies", _pct),
                    _series("Inte tillbaka inom 12 mån", cohort, "share_not_back_12", _pct),
                ],
                slug="kohorter",
                maximum=1,
                axis_text=_pct,
            )
        ],
        tables=[shown(cohort)],
    )
    reasons = outcomes.reasons(scope, figures)
    reason_section = Section(
        "avslutsorsaker",
        "Avslutsorsaker",
        "Varför biståndet upphörde, per vuxen.",
        charts=[
            charts.bars(
                "Vuxna per avslutsorsak",
                "Stapeldiagram med antalet vuxna per kategori av avslutsorsak. Siffrorna finns "
                "i tabellen nedanför.",
                [charts.Bar(r["category"], r["adults"], str(r["adults"])) for r in reasons.rows],
                slug="avslutsorsaker",
            )
        ],
        tables=[shown(reasons)],
    )
    group_section = Section(
        "grupper",
        "Per enhet, hushållstyp, ålder och kön",
        "Samma utfall uppdelat på grupper.",
        tables=[shown(outcomes.breakdown(scope, figures))],
    )
    long = outcomes.long_term(scope, figures)
    long_section = Section(
        "langvarigt",
        "Långvarigt bistånd",
        "Vuxna med bistånd 10–12 månader av ett kalenderår, som andel av alla vuxna med "
        "bistånd det året (Koladas mått).",
        charts=[
            charts.bars(
                "Andel vuxna med långvarigt bistånd per år",
                "Stapeldiagram med andelen vuxna med bistånd 10–12 månader, per år. Siffrorna "
                "finns i tabellen nedanför.",
                [
                    charts.Bar(r["year"], r["share_long_term"], _pct(r["share_long_term"]))
                    for r in long.rows
                ],
                slug="langvarigt",
                maximum=1,
            )
        ],
        tables=[shown(long)],
    )
    return [cohort_section, reason_section, group_section, long_section]
