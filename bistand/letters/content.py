"""What a decision letter says, gathered from a finished decision (never recomputed).

Förvaltningslagen (2017:900): 31 § (date, content, who decided), 32 § (motivering: the rules
applied and the decisive circumstances), 33 § (the full content, and how to appeal: form,
where, time limit). Automated decisions also name the function, its version and the
delegation it acts under (kommunallagen 6 kap. 37 §). See docs/letters.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from bistand.cases.membership import confirmed_adults
from bistand.cases.models import Person
from bistand.decisions.models import Decision, Outcome
from bistand.kommunicering.services import letter_kommunicering, registers_used
from bistand.rules.explain import month_sv
from bistand.rules.money import format_kr, from_ore

from .calculation import Appendix, appendix

LEGAL_BASIS_APPEAL = "förvaltningslagen (2017:900) 40–47 §§"
LEGAL_BASIS_AUTOMATED = "kommunallagen (2017:725) 6 kap. 37 §"

OUTCOME_TEXT = {
    Outcome.GRANT: "Beviljas",
    Outcome.PARTIAL: "Beviljas delvis",
    Outcome.REFUSAL: "Avslås",
}

PARAMETER_STATUS_TEXT = {"official": "fastställd", "provisional": "preliminär"}


class LetterError(Exception):
    """The decision lacks something the letter must say (förvaltningslagen 31–33 §§)."""


@dataclass
class Recipient:
    name: str
    masked_personnummer: str  # "19850201-****", or "" (protected identity, restricted case)


@dataclass
class Item:
    label: str
    outcome: str
    outcome_text: str
    amount: str
    reasons: str
    legal_basis: str


@dataclass
class ParameterVersion:
    title: str
    id: str
    valid_from: str
    status: str


@dataclass
class DecidedBy:
    automated: bool
    name: str = ""  # the caseworker
    title: str = "handläggare"
    four_eyes_name: str = ""  # the other caseworker who approved, under the four-eyes rule
    function: str = ""  # the automated decision function
    function_version: str = ""
    delegation_reference: str = ""
    rules_version: str = ""
    parameters: list[ParameterVersion] = field(default_factory=list)


@dataclass
class LetterContent:
    municipality: str
    committee: str
    organisation_number: str
    reference: str
    decided_on: date
    month: str
    recipients: list[Recipient]
    protected: bool  # someone in the case has protected identity
    you: str  # "du", or "ni" to more than one recipient
    outcome: str
    items: list[Item]
    total: str
    decided_by: DecidedBy
    calculation: Appendix
    #: What was communicated before the decision and the answer (förvaltningslagen 25 §):
    #: {"sent", "answer", "waiver"} texts, or None (bistand/kommunicering).
    kommunicering: dict[str, str] | None = None
    #: The register data the decision rests on, "Försäkringskassan: bostadsbidrag".
    registers: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"Beslut om ekonomiskt bistånd, {self.reference}"

    @property
    def you_object(self) -> str:
        return "er" if self.you == "ni" else "dig"

    @property
    def your(self) -> str:
        return "er" if self.you == "ni" else "din"

    @property
    def committee_in_sentence(self) -> str:
        """ "Socialnämnden" → "socialnämnden", for the middle of a sentence."""
        return self.committee[:1].lower() + self.committee[1:]

    @property
    def refused_in_part_or_whole(self) -> bool:
        return self.outcome in (Outcome.PARTIAL, Outcome.REFUSAL)


def _kr(ore: int) -> str:
    return format_kr(from_ore(ore))


def _name(person: Person) -> str:
    return f"{person.given_name} {person.family_name}".strip() or "Sökande"


def recipients(decision: Decision) -> list[Recipient]:
    """The parties: the application's sökande and medsökande — the adults it declares who are
    confirmed members of the household in its month (cases.membership), so a couple who
    applied together are both addressed, whoever joined the household when.

    No address is ever shown (the letter is delivered by Mina sidor or by the post room, which
    for protected identity goes through Skatteverket). The personnummer is shown masked, and
    not at all when the case is restricted or the person has protected identity.
    """
    application = decision.application
    adults = confirmed_adults(application)
    hide = application.case.restricted or any(a.person.protected_identity for a in adults)
    return [
        Recipient(name=_name(a.person), masked_personnummer="" if hide else a.person.masked)
        for a in adults
    ]


def decided_by(decision: Decision) -> DecidedBy:
    if decision.automated:
        if not decision.delegation_reference.strip():
            raise LetterError(
                "Beslutet är fattat automatiskt men anger inget delegationsbeslut; brevet "
                "måste säga med stöd av vilken delegation det fattades."
            )
        titles = {p["id"]: p["title"] for p in decision.calculation.trace.get("parameters", [])}
        return DecidedBy(
            automated=True,
            function=decision.automated_function,
            function_version=decision.automated_function_version,
            delegation_reference=decision.delegation_reference,
            rules_version=decision.rules_version,
            parameters=[
                ParameterVersion(
                    title=titles.get(p["id"], p["id"]),
                    id=p["id"],
                    valid_from=p["valid_from"],
                    status=PARAMETER_STATUS_TEXT.get(p.get("status", ""), p.get("status", "")),
                )
                for p in decision.parameter_versions
            ],
        )
    user = decision.decided_by
    name = user.get_full_name().strip() if user is not None else ""
    if not name:
        raise LetterError(
            "Beslutsfattaren saknar namn; ett beslutsbrev ska visa vem som har fattat "
            "beslutet (förvaltningslagen 31 §). Lägg in handläggarens för- och efternamn."
        )
    other = decision.four_eyes_approver
    four_eyes_name = other.get_full_name().strip() if other is not None else ""
    if other is not None and not four_eyes_name:
        raise LetterError(
            "Handläggaren som godkände beslutet först (fyraögonsprincipen) saknar namn; "
            "brevet ska visa vilka som har fattat beslutet (förvaltningslagen 31 §). Lägg in "
            "handläggarens för- och efternamn."
        )
    return DecidedBy(
        automated=False,
        name=name,
        four_eyes_name=four_eyes_name,
        rules_version=decision.rules_version,
    )


def letter_content(decision: Decision) -> LetterContent:
    """Everything the letter says, read from the decision, its items and its archived trace."""
    application = decision.application
    case = application.case
    municipality = case.municipality
    items = [
        Item(
            label=item.label,
            outcome=item.outcome,
            outcome_text=OUTCOME_TEXT[item.outcome],
            amount=_kr(item.amount_ore),
            reasons=item.reasons,
            legal_basis=item.legal_basis,
        )
        for item in decision.items.order_by("pk")
    ]
    if not items:
        raise LetterError("Beslutet har inga beslutspunkter att skriva i brevet.")
    to = recipients(decision)
    return LetterContent(
        municipality=municipality.name,
        committee=municipality.committee,
        organisation_number=municipality.organisation_number,
        reference=case.reference,
        decided_on=timezone.localtime(decision.decided_at).date(),
        month=month_sv(application.month),
        recipients=to,
        protected=case.restricted or any(not r.masked_personnummer for r in to),
        you="ni" if len(to) > 1 else "du",
        outcome=decision.outcome,
        items=items,
        total=_kr(decision.amount_ore),
        decided_by=decided_by(decision),
        calculation=appendix(decision.calculation.trace),
        kommunicering=letter_kommunicering(decision, you="ni" if len(to) > 1 else "du"),
        registers=registers_used(application),
    )
