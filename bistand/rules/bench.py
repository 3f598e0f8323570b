"""Benchmark of the rules engine: synthetic households, full traces, one core.

Used by ``bistand bench rules``. The households are generated before the clock
starts; what is timed is ``calculate`` for each household: the riksnorm, costs
and income rules, flags and every trace line. ``--serialize`` also times
turning each trace into its JSON document (``Result.trace()``).
"""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .calculation import calculate
from .household import APPLICANT, CHILD, OTHER, PARTNER, Cost, HouseholdMonth, Income, Member
from .parameters import ParameterStore, default_store
from .period import Month

# (cost type, share of households claiming it, lowest, highest amount): about one in ten
# rents and a few other costs are above Exempelkommun's caps.
_COSTS = (
    ("rent", 0.97, 3000, 9500),
    ("electricity", 0.6, 150, 700),
    ("home_insurance", 0.8, 90, 260),
    ("work_travel", 0.15, 300, 1000),
    ("union_fee", 0.1, 150, 450),
    ("unemployment_fund_fee", 0.15, 90, 180),
)
_ADULT_INCOMES = (
    "salary",
    "unemployment_benefit",
    "sickness_benefit",
    "activity_support",
    "parental_benefit",
    "housing_allowance",
    "study_grant",
    "pension",
)


def synthetic_households(
    n: int, month: Month, seed: int = 1, guidelines: str | None = "exempelkommun"
) -> list[HouseholdMonth]:
    """A deterministic mix: singles, couples, children of all ages, part-time children, lodgers."""
    rng = random.Random(seed)  # noqa: S311 - synthetic test data, not security
    households = []
    for _ in range(n):
        members = [
            Member(
                "a",
                APPLICANT,
                date(month.year - rng.randint(19, 64), rng.randint(1, 12), 1),
                jobbstimulans=rng.random() < 0.2,
            )
        ]
        if rng.random() < 0.4:
            members.append(
                Member("b", PARTNER, date(month.year - rng.randint(19, 64), rng.randint(1, 12), 1))
            )
        for c in range(rng.choice((0, 0, 0, 1, 1, 2, 2, 3, 4, 7))):
            age = rng.randint(0, 20)
            members.append(
                Member(
                    f"c{c}",
                    CHILD,
                    date(month.year - age - 1, 12, 31),
                    lunch_away=age <= 6 and rng.random() < 0.5,
                    days=rng.choice((None, None, None, 15, 10)),
                )
            )
        if rng.random() < 0.05:
            members.append(Member("x", OTHER, date(month.year - 50, 1, 1)))
        costs = tuple(
            Cost(
                kind,
                Decimal(rng.randrange(low, high, 10) if rng.random() < share else 0),
                f"costs[{i}]",
            )
            for i, (kind, share, low, high) in enumerate(_COSTS)
        )
        incomes = tuple(
            Income(
                rng.choice(_ADULT_INCOMES),
                rng.choice(members[:2]).id,
                Decimal(rng.randrange(100, 15000)) / (4 if rng.random() < 0.2 else 1),
                f"incomes[{i}]",
            )
            for i in range(rng.choice((0, 1, 1, 2, 3)))
        )
        households.append(HouseholdMonth(month, guidelines, tuple(members), costs, incomes))
    return households


@dataclass
class BenchResult:
    households: int
    seconds: float
    per_second: float
    p50_us: float
    p99_us: float
    lines: int


def run(
    n: int,
    month: Month | None = None,
    seed: int = 1,
    serialize: bool = False,
    store: ParameterStore | None = None,
) -> BenchResult:
    store = store or default_store()
    households = synthetic_households(n, month or Month(2025, 4), seed)
    calculate(households[0], store)  # resolve and cache the month's parameters before timing
    timings = []
    lines = 0
    clock = time.perf_counter_ns
    started = clock()
    for household in households:
        t0 = clock()
        result = calculate(household, store)
        if serialize:
            result.trace()
        timings.append(clock() - t0)
        lines += len(result.lines)
    seconds = (clock() - started) / 1e9
    timings.sort()
    return BenchResult(
        households=n,
        seconds=seconds,
        per_second=n / seconds,
        p50_us=statistics.median(timings) / 1000,
        p99_us=timings[min(len(timings) - 1, int(len(timings) * 0.99))] / 1000,
        lines=lines,
    )
