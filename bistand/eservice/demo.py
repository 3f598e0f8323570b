"""Demo applicants for `make run`: test identities at the local OIDC provider, what the register
simulator says about them, and the Nilssons' last month. Synthetic personnummer (valid check
digits), never real.

``python -m bistand.eservice.demo`` prints one JSON object per identity, the form
oidc-provider-mock's ``--user-claims`` takes (scripts/run.sh).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

CLAIM = "personal_identity_number"  # settings.EID_OIDC_CLAIM's default


@dataclass(frozen=True)
class DemoApplicant:
    personnummer: str
    given_name: str
    family_name: str
    about: str

    @property
    def login_name(self) -> str:
        """What the provider's login page shows (its ``sub``)."""
        return f"{self.given_name} {self.family_name}"

    def claims(self) -> dict[str, str]:
        return {
            "sub": self.login_name,
            CLAIM: self.personnummer,
            "given_name": self.given_name,
            "family_name": self.family_name,
        }


SARA = DemoApplicant(
    "199003152387",
    "Sara",
    "Nilsson",
    "återansökan: fick bistånd förra månaden; bor med sambon Johan",
)
JOHAN = DemoApplicant(
    "198809021515", "Johan", "Nilsson", "Saras sambo: skriver under som medsökande"
)
ERIK = DemoApplicant(
    "198605211518",
    "Erik",
    "Lund",
    "nyansökan: bor med sambon Lina och deras barn enligt folkbokföringen",
)
LINA = DemoApplicant("198911082629", "Lina", "Lund", "Eriks sambo: skriver under som medsökande")
MAJA = DemoApplicant("197901302625", "Maja", "Ek", "skyddade personuppgifter; nyansökan, bor ensam")
LUND_CHILD = "202102141518"
DEMO_APPLICANTS = (SARA, JOHAN, ERIK, LINA, MAJA)

NILSSON_KEY = "5a7a0d3e9c1f4b26"  # opaque: who lives together, never an address
LUND_KEY = "0c4f6e2a9b7d3158"
JOHAN_SALARY = "3200.00"  # net, each month, reported by his employer (AGI)
AF_REGISTERED = {
    "kind": "registration",
    "registered": True,
    "registered_since": "2026-01-12",
    "programme": None,
    "planning_active": True,
}


def nilsson_declared() -> dict:
    """What the Nilssons declared last month, and will again if nothing has changed."""
    return {
        "members": [
            {"personnummer": SARA.personnummer, "role": "applicant"},
            {"personnummer": JOHAN.personnummer, "role": "partner"},
        ],
        "housing": {"type": "rent", "rooms": 2},
        "costs": [
            {"type": "rent", "amount": "5900.00"},
            {"type": "electricity", "amount": "350.00"},
            {"type": "home_insurance", "amount": "180.00"},
        ],
        "incomes": [{"personnummer": JOHAN.personnummer, "type": "salary", "amount": JOHAN_SALARY}],
        "assets": [],
        "other_needs": [],
        "changes": "",
        "planning": {"af_registered": True, "activity": "Söker arbete"},
    }


def register_household(
    client,
    month: str,
    adults: list[str],
    children: list[str] = (),
    *,
    address_key: str,
    extra: dict[str, list[dict]] | None = None,
) -> None:
    """Tell the register simulator that ``adults`` and ``children`` live together in ``month``
    (Skatteverket's folkbokföring) and that each adult is registered at Arbetsförmedlingen;
    ``extra`` adds Skatteverket records per adult (e.g. a salary)."""
    persons = [*adults, *children]
    for adult in adults:
        skv = [
            {"kind": "protected_identity", "protected": False},
            {"kind": "population_register", "address_key": address_key, "persons": persons},
            *(extra or {}).get(adult, []),
        ]
        client.put_person(adult, month, records={"SKV": skv, "AF": [AF_REGISTERED]})


def register(client, month: str) -> None:
    """Tell the register simulator about the demo applicants for ``month``."""
    from bistand.cases.synthetic import salary_record

    salary = salary_record(JOHAN_SALARY, f"{month}-25", "Exempelbolaget AB")
    register_household(
        client,
        month,
        [SARA.personnummer, JOHAN.personnummer],
        address_key=NILSSON_KEY,
        extra={JOHAN.personnummer: [salary]},
    )
    register_household(
        client, month, [ERIK.personnummer, LINA.personnummer], [LUND_CHILD], address_key=LUND_KEY
    )
    client.put_person(
        MAJA.personnummer,
        month,
        records={
            "SKV": [{"kind": "protected_identity", "protected": True}],
            "AF": [AF_REGISTERED],
        },
    )


def ensure_history(municipality, month) -> bool:
    """The Nilssons' case with last month decided and paid, so this month is their
    återansökan. Made once; returns whether it was made now."""
    from bistand.audit.services import Actor
    from bistand.cases import seeding
    from bistand.cases.models import Unit
    from bistand.cases.services import Member, get_or_create_person, open_case
    from bistand.eservice.services import case_of

    sara = get_or_create_person(SARA.personnummer, given_name="Sara", family_name="Nilsson")
    if case_of(sara) is not None:
        return False
    johan = get_or_create_person(JOHAN.personnummer, given_name="Johan", family_name="Nilsson")
    last = seeding.previous_month(month)
    case = open_case(
        municipality,
        [Member(sara, "applicant"), Member(johan, "partner")],
        actor=Actor.system("demo"),
        unit=Unit.objects.filter(municipality=municipality).order_by("pk").first(),
        since=seeding.previous_month(last).first_day,
    )
    seeding.import_history(case, last, nilsson_declared(), guidelines=municipality.guidelines)
    return True


if __name__ == "__main__":
    for applicant in DEMO_APPLICANTS:
        print(json.dumps(applicant.claims(), ensure_ascii=False))
