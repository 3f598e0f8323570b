"""Deterministic synthetic register data for persons the simulator has not been told about.

Everything follows from ``(seed, personnummer)``: a *profile* (registered at Arbetsförmedlingen
since when, which benefits, salary, vehicles ...) drawn in a fixed order, so the same seed and
number always give the same answers, whichever sources are asked and in whichever order. The
month only places the payment dates (and decides whether an AF registration has begun yet).

The synthetic person lives alone: the population register lists only the person asked about.
The simulator never invents other people's personnummer; households are seeded explicitly.
"""

from __future__ import annotations

import hashlib
import random
from datetime import date
from decimal import Decimal
from typing import Any

from ..base import amount_str, month_bounds
from ..registry import SOURCES

PROGRAMMES = (
    "Jobb- och utvecklingsgarantin",
    "Jobbgarantin för ungdomar",
    "Etableringsprogrammet",
    "Introduktion till arbete",
)
EMPLOYERS = ("Exempelbolaget AB", "Provföretaget AB", "Demobutiken HB", "Testverkstaden AB")
MAKES = ("Volvo", "Toyota", "Volkswagen", "Kia", "Ford", "Saab")
PLATE_LETTERS = "ABCDEFGHJKLMNOPRSTUWXYZ"  # Swedish plates skip I, Q, V, Å, Ä, Ö


def _rng(seed: int, personnummer: str, purpose: str) -> random.Random:
    digest = hashlib.sha256(f"{seed}:{purpose}:{personnummer}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))  # noqa: S311 - test data, not security


def address_key(seed: int, personnummer: str) -> str:
    """An opaque address key for a person who lives alone (never a street address)."""
    return hashlib.sha256(f"{seed}:address:{personnummer}".encode()).hexdigest()[:16]


def profile(seed: int, personnummer: str) -> dict[str, Any]:
    """The synthetic person: every draw in a fixed order."""
    rng = _rng(seed, personnummer, "profile")
    kronor = lambda low, high: Decimal(rng.randint(low, high))  # noqa: E731
    p: dict[str, Any] = {}

    p["af_registered"] = rng.random() < 0.6
    p["af_since"] = date.fromordinal(date(2022, 1, 1).toordinal() + rng.randint(0, 1460))
    p["af_programme"] = rng.choice((None, None, *PROGRAMMES))
    p["af_planning"] = rng.random() < 0.9

    children = rng.randint(1, 3)
    p["fk"] = []
    if rng.random() < 0.25:
        p["fk"].append(("housing_allowance", kronor(500, 3500)))
    if rng.random() < 0.3:
        extra = {1: 0, 2: 150, 3: 730}[children]
        p["fk"].append(("child_allowance", Decimal(1250 * children + extra)))
    if rng.random() < 0.1:
        p["fk"].append(("sickness_benefit", kronor(4000, 16000)))
    if rng.random() < 0.05:
        p["fk"].append(("parental_benefit", kronor(3000, 14000)))
    if rng.random() < 0.1:
        p["fk"].append(("maintenance_support", Decimal(1673 * children)))
    if rng.random() < 0.1:
        p["fk"].append(("activity_support", kronor(4000, 12000)))
    if rng.random() < 0.05:
        p["fk"].append(("establishment_benefit", kronor(6000, 9000)))

    p["csn"] = kronor(3000, 13000) if rng.random() < 0.1 else None

    p["protected"] = rng.random() < 0.01
    p["salary"] = None
    if rng.random() < 0.3:
        gross = kronor(6000, 32000)
        tax = (gross * Decimal(rng.randint(22, 32)) / 100).quantize(Decimal(1))
        p["salary"] = (rng.choice(EMPLOYERS), gross, tax)

    p["akassa"] = None
    if rng.random() < 0.15:
        p["akassa"] = tuple(Decimal(rng.randint(300_000, 900_000)) / 100 for _ in range(2))

    vehicles = 2 if rng.random() < 0.05 else 1 if rng.random() < 0.25 else 0
    p["vehicles"] = [
        {
            "kind": "vehicle",
            "registration": "".join(rng.choice(PLATE_LETTERS) for _ in range(3))
            + f"{rng.randint(0, 999):03d}",
            "make": rng.choice(MAKES),
            "model_year": rng.randint(1998, 2021),
            "vehicle_type": "personbil",
        }
        for _ in range(vehicles)
    ]

    p["pm"] = []
    if rng.random() < 0.05:
        p["pm"].append(("pension", kronor(3000, 14000)))
    if rng.random() < 0.02:
        p["pm"].append(("housing_allowance", kronor(1000, 6000)))

    # Drawn last, so that adding it changed no one's earlier draws.
    stay = rng.random()
    p["residence"] = (
        "swedish_citizen" if stay < 0.82 else "eu_right_of_residence" if stay < 0.86 else "permit"
    )
    p["permit_until"] = None
    if p["residence"] == "permit" and rng.random() < 0.8:  # else permanent (PUT)
        p["permit_until"] = date.fromordinal(date(2026, 1, 1).toordinal() + rng.randint(0, 1460))
    return p


def residence_record(p: dict[str, Any]) -> dict:
    """The synthetic person's residence record (a permit granted two years before it ends)."""
    if p["residence"] != "permit":
        return {"kind": "residence", "basis": p["residence"], "permits": []}
    until = p["permit_until"]
    permit = {
        "permit_type": "residence" if until else "permanent_residence",
        "decision_code": "BV",
        "valid_from": (until.replace(year=until.year - 2) if until else date(2020, 3, 1))
        .replace(day=1)
        .isoformat(),
        "valid_until": until.isoformat() if until else None,
    }
    return {"kind": "residence", "basis": "permit", "permits": [permit]}


def _on(month: str, day: int) -> str:
    first, _ = month_bounds(month)
    return first.replace(day=day).isoformat()


def _payment(income_type: str, amount: Decimal, month: str, day: int) -> dict:
    return {
        "kind": "payment",
        "income_type": income_type,
        "amount": amount_str(amount),
        "paid_on": _on(month, day),
    }


def synthetic_records(seed: int, personnummer: str, month: str, code: str) -> list[dict]:
    """Normalised records of the synthetic person for one source and month."""
    p = profile(seed, personnummer)
    _, last = month_bounds(month)
    if code == "AF":
        registered = p["af_registered"] and p["af_since"] <= last
        return [
            {
                "kind": "registration",
                "registered": registered,
                "registered_since": p["af_since"].isoformat() if registered else None,
                "programme": p["af_programme"] if registered else None,
                "planning_active": registered and p["af_planning"],
            }
        ]
    if code == "FK":
        return [_payment(kind, amount, month, 25) for kind, amount in p["fk"]]
    if code == "CSN":
        return [] if p["csn"] is None else [_payment("study_grant", p["csn"], month, 25)]
    if code == "SKV":
        records: list[dict] = [{"kind": "protected_identity", "protected": p["protected"]}]
        if not p["protected"]:
            records.append(
                {
                    "kind": "population_register",
                    "address_key": address_key(seed, personnummer),
                    "persons": [personnummer],
                }
            )
        if p["salary"] is not None:
            employer, gross, tax = p["salary"]
            records.append(
                {
                    "kind": "payment",
                    "income_type": "salary",
                    "amount": amount_str(gross - tax),
                    "gross": amount_str(gross),
                    "tax": amount_str(tax),
                    "employer": employer,
                    "paid_on": _on(month, 25),
                }
            )
        return records
    if code == "AKASSA":
        if p["akassa"] is None:
            return []
        first, second = p["akassa"]
        return [
            _payment("unemployment_benefit", first, month, 10),
            _payment("unemployment_benefit", second, month, 24),
        ]
    if code == "TS":
        return [dict(vehicle) for vehicle in p["vehicles"]]
    if code == "PM":
        return [_payment(kind, amount, month, 18) for kind, amount in p["pm"]]
    if code == "MIV":
        return [residence_record(p)]
    raise ValueError(f"unknown source {code!r}")


def synthetic_raw(seed: int, personnummer: str, month: str, code: str) -> Any:
    return SOURCES[code].to_raw(synthetic_records(seed, personnummer, month, code))


def empty_records(seed: int, personnummer: str, code: str) -> list[dict]:
    """What a seeded person's register says when the seed gives nothing for a source: not a
    job seeker, no payments, no vehicles, registered alone at an address of their own, and a
    Swedish citizen (no record at Migrationsverket; MIV's to_raw([]) says so)."""
    if code == "AF":
        return []  # AF's to_raw([]) is "not registered"
    if code == "SKV":
        return [
            {"kind": "protected_identity", "protected": False},
            {
                "kind": "population_register",
                "address_key": address_key(seed, personnummer),
                "persons": [personnummer],
            },
        ]
    return []


def empty_raw(seed: int, personnummer: str, code: str) -> Any:
    return SOURCES[code].to_raw(empty_records(seed, personnummer, code))
