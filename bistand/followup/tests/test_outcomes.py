"""Outcomes on a synthetic history; "today" is 1 December 2026 in every test, so a cohort is
old enough for the 12-month return measure when cohort + 12 months < 2026-12.

Leavers (adults with an avslutsorsak), unit, born, legal sex by the personnummer:

* cohort 2025-01, case C1 (Norr): P1 (man, 1990-05-01, work) and P2 (woman, 1992-06-01,
  a-kassa) with a child; period 2024-06..2025-01 (8 months). C1 applies again for 2025-09:
  both back after 8 months (not within 6, within 12).
* cohort 2025-01, case C2 (Syd): P3 (woman, 1960-02-01, work), alone; period 2024-11..2025-01
  (3 months). P3 becomes the partner in case C4 from 2026-03 and is in its 2026-03
  application: 14 months later, so not back within 12.
* cohort 2025-02, case C3 (Norr): P4 (man, 2000-01-15, moved), alone; period 2025-01..2025-02
  (2 months). P4 joins case C5 from 2025-04-01; C5 applied for 2025-03 (before P4 joined: not
  P4's return) and 2025-05 (P4's return, 3 months after).
* cohort 2026-06, case C6 (Syd): P5 (woman, 1985-07-01, work) with a child; period
  2026-01..2026-06 (6 months): too recent for either return measure.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from bistand.cases.models import Application, HouseholdMember
from bistand.cases.seeding import get_municipality
from bistand.followup import keyfigures
from bistand.followup.aggregates import refresh
from bistand.followup.measures import outcomes
from bistand.followup.measures.base import Scope
from bistand.staff.testing import make_staff

from . import history as h

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 1)


def submitted(case, month):
    return Application.objects.create(
        case=case,
        month=month,
        kind="repeat",
        state="paid",
        submitted_at=h.at(f"{month}-01 08:00"),
    )


@pytest.fixture
def world():
    norr, syd = h.unit("Norr"), h.unit("Syd")
    p1 = h.person("1990-05-01", sex="man")
    p2 = h.person("1992-06-01", sex="kvinna")
    c1 = h.household(norr, [p1, p2], [h.person("2018-01-01")])
    h.period(c1, 1, "2024-06", "2025-01", {p1: "work", p2: "unemployment_benefit"})
    submitted(c1, "2025-09")
    p3 = h.person("1960-02-01", sex="kvinna")
    c2 = h.household(syd, [p3])
    h.period(c2, 1, "2024-11", "2025-01", {p3: "work"})
    c4 = h.household(syd, [h.person("1961-01-01")])
    HouseholdMember.objects.create(
        household=c4.household, person=p3, role="partner", valid_from=date(2026, 3, 1)
    )
    submitted(c4, "2026-03")
    p4 = h.person("2000-01-15", sex="man")
    c3 = h.household(norr, [p4])
    h.period(c3, 1, "2025-01", "2025-02", {p4: "moved"})
    c5 = h.household(syd, [h.person("1999-01-01")])
    HouseholdMember.objects.create(
        household=c5.household, person=p4, role="partner", valid_from=date(2025, 4, 1)
    )
    submitted(c5, "2025-03")
    submitted(c5, "2025-05")
    p5 = h.person("1985-07-01", sex="kvinna")
    c6 = h.household(syd, [p5], [h.person("2020-01-01")])
    h.period(c6, 1, "2026-01", "2026-06", {p5: "work"})
    refresh()
    return Scope(get_municipality().pk, "2025-01", "2026-06"), norr


def row(table, key):
    return {r[table.columns[0][0]]: r for r in table.rows}[key]


def test_cohorts(world):
    scope, _ = world
    table = outcomes.cohorts(scope, today=TODAY)
    january = row(table, "2025-01")
    # P1, P2, P3; work or studies: P1 and P3 → 2/3
    assert (january["periods"], january["adults"], january["work_or_studies"]) == (2, 3, 2)
    assert january["share_work_or_studies"] == 0.6667
    # within 6 months nobody is back (P1, P2 after 8): 3/3; within 12 P1 and P2 are: 1/3
    assert (january["not_back_6"], january["share_not_back_6"]) == (3, 1.0)
    assert (january["not_back_12"], january["share_not_back_12"]) == (1, 0.3333)
    # periods of 8 and 3 months → mean and median 5.5
    assert (january["mean_months"], january["median_months"]) == (5.5, 5.5)
    february = row(table, "2025-02")
    # P4 moved (not work), back after 3 months in another case → back within 6 and 12
    assert february["share_work_or_studies"] == 0.0
    assert (february["not_back_6"], february["not_back_12"]) == (0, 0)
    assert february["median_months"] == 2
    june = row(table, "2026-06")
    # 2026-06 + 6 = 2026-12, not before today's month: too recent for both
    assert june["adults"] == 1 and june["share_work_or_studies"] == 1.0
    assert june["not_back_6"] is None and june["share_not_back_12"] is None
    assert row(table, "2025-03")["adults"] == 0


def test_breakdown_by_unit_sex_age_and_household_type(world):
    scope, _ = world
    rows = {
        (r["dimension"][:4], r["group"]): r for r in outcomes.breakdown(scope, today=TODAY).rows
    }
    # Norr: P1, P2, P4 — work 1/3; all three in old-enough cohorts and all three back → 0/3
    norr = rows[("Enhe", "Norr")]
    assert (norr["adults"], norr["share_work_or_studies"]) == (3, 0.3333)
    assert (norr["eligible_12"], norr["share_not_back_12"]) == (3, 0.0)
    # Syd: P3, P5 — both work; only P3 is old enough, and not back → 1/1
    syd = rows[("Enhe", "Syd")]
    assert (syd["adults"], syd["share_work_or_studies"], syd["eligible_12"]) == (2, 1.0, 1)
    assert syd["share_not_back_12"] == 1.0
    # women P2, P3, P5: work P3, P5 → 2/3; old enough P2 (back), P3 (not) → 1/2
    women = rows[("Kön ", "kvinna")]
    assert (women["adults"], women["share_work_or_studies"], women["share_not_back_12"]) == (
        3,
        0.6667,
        0.5,
    )
    assert rows[("Kön ", "man")]["adults"] == 2
    # ages on the cohort month's first day: P1 34, P2 32, P4 25 → 25–34; P3 64; P5 40
    assert rows[("Ålde", "25–34 år")]["adults"] == 3
    assert rows[("Ålde", "55–64 år")]["adults"] == 1
    assert rows[("Ålde", "35–44 år")]["adults"] == 1
    # C1 two adults and a child; C2, C3 one adult; C6 one adult and a child
    assert rows[("Hush", "Sammanboende med barn")]["adults"] == 2
    assert rows[("Hush", "Ensamstående utan barn")]["adults"] == 2
    assert rows[("Hush", "Ensamstående med barn")]["adults"] == 1


def test_exit_reasons_by_category(world):
    scope, _ = world
    counts = {r["category"]: r["adults"] for r in outcomes.reasons(scope).rows}
    # work: P1, P3, P5; a-kassa (other benefit): P2; moved: P4
    assert counts == {
        "Arbete": 3,
        "Studier": 0,
        "Annan ersättning": 1,
        "Flyttat": 1,
        "Annan orsak": 0,
        "Okänd": 0,
    }


def test_a_team_lead_scope_counts_only_their_unit(world):
    scope, norr = world
    mine = Scope(scope.municipality_id, scope.first, scope.last, (norr.pk,))
    january = row(outcomes.cohorts(mine, today=TODAY), "2025-01")
    # only C1 (P1, P2): work 1/2, not back within 12: 0/2
    assert (january["adults"], january["share_work_or_studies"]) == (2, 0.5)
    assert january["share_not_back_12"] == 0.0


@pytest.fixture
def assisted_year():
    """Long-term assistance in 2025 and lead times, unit Norr:

    * C7: adults Q1, Q2 granted 2025-01..2025-10 (10 months); Q3 partner only from 2026-01;
    * C8: adult Q4 granted 2025-01..2025-09 (9 months), refused 2025-10;
    * C9: adult Q5 granted 2025-01 and 2025-02.

    Every application in on the 1st at 08:00; decided automatically at 18:00 (10 h), except
    C8's refusal, decided by a caseworker on the 3rd at 08:00 (48 h).
    """
    norr = h.unit("Norr")
    caseworker = make_staff("hl", "handlaggare", [norr])
    q3 = h.person("1970-01-01")
    c7 = h.household(norr, [h.person("1970-01-01"), h.person("1971-01-01")])
    HouseholdMember.objects.create(
        household=c7.household, person=q3, role="partner", valid_from=date(2026, 1, 1)
    )
    c8 = h.household(norr, [h.person("1972-01-01")])
    c9 = h.household(norr, [h.person("1973-01-01")])
    plan = [
        (c7, range(1, 11), "grant"),
        (c8, range(1, 10), "grant"),
        (c8, [10], "refusal"),
        (c9, [1, 2], "grant"),
    ]
    for case, months, outcome in plan:
        for m in months:
            month = f"2025-{m:02d}"
            app = h.application(case, month, submitted=f"{month}-01 08:00")
            if outcome == "grant":
                h.decide(app, f"{month}-01 18:00", automated=True)
            else:
                h.decide(
                    app, f"{month}-03 08:00", automated=False, outcome="refusal", user=caseworker
                )
    refresh()
    return get_municipality()


def test_long_term_assistance(assisted_year):
    scope = Scope(assisted_year.pk, "2025-01", "2025-12")
    year = outcomes.long_term(scope, today=TODAY).rows[0]
    # adults with a grant in 2025: Q1, Q2 (10 months), Q4 (9), Q5 (2); Q3 joined in 2026
    # → 2 of 4 long-term
    assert (year["adults"], year["long_term"], year["share_long_term"]) == (4, 2, 0.5)
    assert year["complete"] == "ja"


def test_key_figures_for_a_year(assisted_year):
    figures = keyfigures.compute(assisted_year.pk, 2025, today=TODAY)
    by_id = {f["id"]: f for f in figures["figures"]}
    assert by_id["langvarigt_bistand"]["value"] == 0.5
    # 22 decisions: 21 automated in 10 h, 1 refusal in 48 h; p50 10, p95 rank ⌈20.9⌉ = 21 → 10
    lead = by_id["handlaggningstid_median_timmar"]
    assert (lead["value"], lead["denominator"]) == (10.0, 22)
    assert by_id["handlaggningstid_p95_timmar"]["value"] == 10.0
    # 21 of 22 within 24 h
    assert by_id["beslut_inom_24_timmar"]["numerator"] == 21
    assert by_id["beslut_inom_24_timmar"]["value"] == 0.9545
    # nobody left in 2025: no one to count, and the figure says so
    assert by_id["ej_tillbaka_inom_ett_ar"]["denominator"] == 0
    assert by_id["ej_tillbaka_inom_ett_ar"]["value"] is None


def test_key_figure_not_back_within_a_year(world):
    scope, _ = world
    figures = keyfigures.compute(scope.municipality_id, 2025, today=TODAY)
    figure = {f["id"]: f for f in figures["figures"]}["ej_tillbaka_inom_ett_ar"]
    # 2025's leavers P1, P2, P3 (January), P4 (February); only P3 not back within 12 → 1/4;
    # December's cohort reaches 12 months only in 2026-12, so the year is not complete yet
    assert (figure["numerator"], figure["denominator"], figure["value"]) == (1, 4, 0.25)
    assert figure["complete"] is False


def test_the_keyfigures_command(assisted_year):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = StringIO()
    call_command("followup", "keyfigures", "--year", "2025", stdout=out)
    figures = {f["id"]: f for f in json.loads(out.getvalue())["figures"]}
    assert figures["langvarigt_bistand"]["numerator"] == 2  # Q1 and Q2, as above
    out = StringIO()
    call_command("followup", "keyfigures", "--year", "2025", "--format", "csv", stdout=out)
    text = out.getvalue()
    assert text.startswith("\ufeffKommun;År;Nyckeltal")
    assert "exempelkommun;2025;langvarigt_bistand;" in text and ";50,0;2;4;" in text
    with pytest.raises(CommandError, match="ÅÅÅÅ"):
        call_command("followup", "keyfigures", "--year", "25", stdout=StringIO())


def test_an_application_already_in_before_the_closing_is_not_a_return():
    """Assistance ended in March; the April application came in on 1 April and was refused;
    the period was closed (last month March) on 10 May. April is not a return: it was there
    when the period was closed. A new application for July, in on 1 July, is."""
    norr = h.unit("Norr")
    p = h.person("1980-03-01", sex="kvinna")
    case = h.household(norr, [p])
    closed = h.period(case, 1, "2026-01", "2026-03", {p: "work"})
    closed.closed_at = h.at("2026-05-10 12:00")
    closed.save()
    submitted(case, "2026-04")
    scope = Scope(get_municipality().pk, "2026-03", "2026-03")
    (leaver,) = outcomes.leavers(scope)
    assert leaver.back_after is None
    submitted(case, "2026-07")
    (leaver,) = outcomes.leavers(scope)
    assert leaver.back_after == 4
    # the stored monthly figures say the same
    refresh()
    march = row(outcomes.cohorts(scope, today=TODAY), "2026-03")
    assert (march["adults"], march["not_back_6"]) == (1, 0)


def test_long_term_counts_each_adults_own_months_within_their_membership():
    """C10 granted 2025-01..2025-12. R1 is the applicant all year (12 months: long-term);
    R2 joined as partner on 1 September (4 months of their own: not long-term); R3 was the
    partner until 31 March, then applicant of C11, granted 2025-05..2025-10 (3 + 6 = 9 months:
    not long-term, not the households' 12 + 6)."""
    norr = h.unit("Norr")
    r1, r2, r3 = h.person("1970-01-01"), h.person("1971-01-01"), h.person("1972-01-01")
    c10 = h.household(norr, [r1])
    HouseholdMember.objects.create(
        household=c10.household, person=r2, role="partner", valid_from=date(2025, 9, 1)
    )
    HouseholdMember.objects.create(
        household=c10.household,
        person=r3,
        role="partner",
        valid_from=date(2024, 1, 1),
        valid_to=date(2025, 3, 31),
    )
    c11 = h.household(norr, [r3], since="2025-04-01")
    for case, months in ((c10, range(1, 13)), (c11, range(5, 11))):
        for m in months:
            month = f"2025-{m:02d}"
            app = h.application(case, month, submitted=f"{month}-01 08:00")
            h.decide(app, f"{month}-01 18:00", automated=True)
    refresh()
    scope = Scope(get_municipality().pk, "2025-01", "2025-12")
    year = outcomes.long_term(scope, today=TODAY).rows[0]
    assert (year["adults"], year["long_term"]) == (3, 1)
