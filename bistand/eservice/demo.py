"""Demo applicants for `make run`: test identities at the local OIDC provider, and what the
register simulator says about them. Synthetic personnummer (valid check digits), never real.

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
    "199003152387", "Sara", "Nilsson", "nyansökan; bor med sambon Johan och deras barn"
)
JOHAN = DemoApplicant(
    "198809021515", "Johan", "Nilsson", "Saras sambo: skriver under som medsökande"
)
MAJA = DemoApplicant("197901302625", "Maja", "Ek", "skyddade personuppgifter; bor ensam")
CHILD = "201906202385"
DEMO_APPLICANTS = (SARA, JOHAN, MAJA)
ADDRESS_KEY = "5a7a0d3e9c1f4b26"  # opaque: who lives together, never an address
AF_REGISTERED = {
    "kind": "registration",
    "registered": True,
    "registered_since": "2026-01-12",
    "programme": None,
    "planning_active": True,
}


def register(client, month: str) -> None:
    """Tell the register simulator about the demo applicants for ``month``."""
    family = [SARA.personnummer, JOHAN.personnummer, CHILD]
    for person in (SARA, JOHAN):
        records = {
            "SKV": [
                {"kind": "protected_identity", "protected": False},
                {"kind": "population_register", "address_key": ADDRESS_KEY, "persons": family},
            ],
            "AF": [AF_REGISTERED],
        }
        client.put_person(person.personnummer, month, records=records)
    client.put_person(
        MAJA.personnummer,
        month,
        records={
            "SKV": [{"kind": "protected_identity", "protected": True}],
            "AF": [AF_REGISTERED],
        },
    )


if __name__ == "__main__":
    for applicant in DEMO_APPLICANTS:
        print(json.dumps(applicant.claims(), ensure_ascii=False))
