"""Akut hjälp: the request, the proposal, the decision and its letter, the urgent payment.

Views (staff and applicant), the API and the background task call these; each writes its audit
event in the transaction of its change. Nothing here puts a personnummer in a log or audit
text.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_noop

from bistand.audit.services import Actor, record
from bistand.cases import personnummer as pnr
from bistand.cases.membership import CONFIRMED, open_on
from bistand.cases.models import Case, HouseholdMember, Person, Role
from bistand.connectors import SOURCES, get_gateway
from bistand.decisions.models import Decision
from bistand.decisions.models import Outcome as MonthOutcome
from bistand.letters.pdf import SCREEN_STYLESHEET, write_pdf
from bistand.notifications.services import notify
from bistand.robot.checks import INCOME_SV
from bistand.rules.errors import InputError, MissingParameterError
from bistand.rules.money import format_kr, from_ore

from . import amount, clock
from .models import (
    OPEN,
    Channel,
    Outcome,
    PaymentStatus,
    Status,
    UrgentDecision,
    UrgentPayment,
    UrgentProposal,
    UrgentRequest,
)

log = logging.getLogger(__name__)

ADULT_ROLES = (Role.APPLICANT, Role.PARTNER)
ROLE_IDS = {Role.APPLICANT: "a", Role.PARTNER: "b", Role.CHILD: "c", Role.OTHER: "o"}
ROLE_LABELS = {Role.APPLICANT: "sökande", Role.PARTNER: "medsökande"}
LEGAL_BASIS = "4 kap. 1 § socialtjänstlagen (2025:400)"
LEGAL_BASIS_APPEAL = "förvaltningslagen (2017:900) 40–47 §§"
LETTER_TEMPLATE = "urgent/letter.html"


class UrgentError(Exception):
    """Something the user can act on; the message is Swedish."""


# --------------------------------------------------------------------------- who


def _kr(amount) -> str:
    """A register's amount as a caseworker reads it ("1 500 kr"); as given if it is not one."""
    try:
        return format_kr(Decimal(str(amount)))
    except (ArithmeticError, ValueError):
        return f"{amount} kr"


def adults(case: Case, on=None) -> list[HouseholdMember]:
    """The case's confirmed sökande and medsökande today: who may ask for urgent help."""
    on = on or timezone.localdate()
    return list(
        open_on(
            HouseholdMember.objects.filter(
                household=case.household, role__in=ADULT_ROLES, basis__in=CONFIRMED
            ),
            on,
        )
        .select_related("person")
        .order_by("role", "pk")
    )


def may_ask(case: Case, person: Person) -> bool:
    return any(member.person_id == person.pk for member in adults(case))


# --------------------------------------------------------------------------- the request


def create_request(
    case: Case,
    applicant: Person,
    *,
    reason: str,
    description: str,
    days: int,
    channel: str,
    actor: str,
    registered_by=None,
    identity_check: str = "",
    identity_note: str = "",
    now: datetime | None = None,
) -> UrgentRequest:
    """A new urgent request, its clock set; the proposal task is queued after the commit.

    ``applicant`` must be a confirmed adult of ``case`` (never a person typed in); at the
    reception the identity check is required.
    """
    if not may_ask(case, applicant):
        raise UrgentError("Personen är inte sökande eller medsökande i ärendet.")
    now = now or timezone.now()
    limit = amount.parameters(timezone.localtime(now).date()).max_days
    if not 1 <= days <= limit:
        raise UrgentError(f"Ange antal dagar, 1–{limit}.")
    if channel == Channel.RECEPTION and not identity_check:
        raise UrgentError("Ange hur identiteten kontrollerades.")
    request = UrgentRequest(
        case=case,
        applicant=applicant,
        reason=reason,
        description=description.strip(),
        days=days,
        channel=channel,
        identity_check=identity_check if channel == Channel.RECEPTION else "",
        identity_note=identity_note.strip() if channel == Channel.RECEPTION else "",
        registered_by=registered_by,
        received_at=now,
        due_at=clock.due_at(now),
    )
    try:
        request.full_clean(validate_constraints=False)
    except ValidationError as error:
        raise UrgentError(" ".join(error.messages)) from None
    try:
        with transaction.atomic():
            request.save()
            record(
                "urgent.requested",
                actor=actor,
                case_id=case.pk,
                subject=f"urgent:{request.pk}",
                data={
                    "reason": reason,
                    "days": days,
                    "channel": channel,
                    "identity_check": request.identity_check,
                    "due_at": request.due_at.isoformat(),
                },
            )
    except IntegrityError:
        raise UrgentError(
            gettext_noop("Det finns redan en ansökan om akut hjälp i ärendet som inte är beslutad.")
        ) from None
    transaction.on_commit(lambda: _enqueue(request.pk))
    return request


def _enqueue(request_id: int) -> None:
    from .tasks import propose_urgent

    propose_urgent.enqueue(request_id)


# --------------------------------------------------------------------------- the proposal


def make_proposal(request_id: int) -> UrgentProposal:
    """Ask the registers and propose an amount (idempotent: an existing proposal is kept)."""
    request = UrgentRequest.objects.select_related("case__household").get(pk=request_id)
    existing = UrgentProposal.objects.filter(request=request).first()
    if existing is not None:
        return existing
    today = timezone.localtime(request.received_at).date()
    month = f"{today:%Y-%m}"
    registers, flags = ask_registers(request, month)
    flags += month_flags(request.case, month)
    members = list(
        open_on(HouseholdMember.objects.filter(household=request.case.household), today)
        .select_related("person")
        .order_by("role", "pk")
    )
    trace: dict = {}
    amount_ore = None
    try:
        proposal = amount.propose(_persons(members), request.days, today)
        trace, amount_ore = proposal.trace(), proposal.amount_ore
    except (MissingParameterError, InputError, ValueError, StopIteration) as error:
        flags.append(
            {
                "code": "NOT_CALCULATED",
                "message": f"Inget belopp kunde räknas fram: {error}. Handläggaren bestämmer "
                "beloppet.",
            }
        )
    checked = all(entry["status"] == "ok" for entry in registers)
    with transaction.atomic():
        proposal_row, created = UrgentProposal.objects.get_or_create(
            request=request,
            defaults={
                "amount_ore": amount_ore,
                "trace": trace,
                "flags": flags,
                "registers": registers,
                "checked": checked,
            },
        )
        if created:
            UrgentRequest.objects.filter(pk=request.pk, status=Status.RECEIVED).update(
                status=Status.PROPOSED
            )
            record(
                "urgent.proposed",
                actor=Actor.system("robot"),
                case_id=request.case_id,
                subject=f"urgent:{request.pk}",
                data={
                    "amount_ore": amount_ore,
                    "flags": [flag["code"] for flag in flags],
                    "sources_unknown": sorted(
                        {e["source"] for e in registers if e["status"] != "ok"}
                    ),
                },
            )
    return proposal_row


def _persons(members: list[HouseholdMember]) -> list[amount.Person]:
    counters: dict[str, int] = {}
    persons = []
    for member in members:
        counters[member.role] = counters.get(member.role, 0) + 1
        suffix = "" if member.role in ADULT_ROLES else str(counters[member.role])
        persons.append(
            amount.Person(
                ROLE_IDS[member.role] + suffix,
                member.role,
                pnr.birth_date(member.person.personnummer),
                member.days_per_month if member.role == Role.CHILD else None,
            )
        )
    return persons


def purpose(request: UrgentRequest) -> str:
    return f"Prövning av akut hjälp (nödbistånd), ärende {request.case.reference}"


def ask_registers(request: UrgentRequest, month: str) -> tuple[list[dict], list[dict]]:
    """Every source for every confirmed adult, through the connectors' gateway (the robot's
    interface). A source that does not answer is "kunde inte kontrolleras", never "nothing"."""
    registers: list[dict] = []
    flags: list[dict] = []
    codes = list(SOURCES)
    why = purpose(request)
    incomes: list[dict] = []
    for member in adults(request.case):
        who = ROLE_LABELS[member.role]
        try:
            answers = get_gateway().fetch(member.person.personnummer, month, codes, why)
        except Exception as error:  # a gateway that is down or misconfigured: unknown
            log.warning("urgent: the register gateway failed: %s", type(error).__name__)
            answers = {}
        for code in codes:
            answer = answers.get(code)
            status = answer.status if answer is not None else "unknown"
            reason = (answer.reason if answer is not None else "") or (
                "" if status == "ok" else "registret svarade inte"
            )
            registers.append(
                {
                    "who": who,
                    "source": code,
                    "label": SOURCES[code].label_sv,
                    "status": status,
                    "reason": reason[:300],
                }
            )
            if status != "ok":
                continue
            for rec in answer.records:
                if (
                    rec.get("kind") == "payment"
                    and rec.get("income_type")
                    and str(rec.get("paid_on", month)).startswith(month)
                ):
                    incomes.append(
                        {
                            "who": who,
                            "source": SOURCES[code].label_sv,
                            "type": INCOME_SV.get(rec["income_type"], rec["income_type"]),
                            "amount": _kr(rec.get("amount", "")),
                            "paid_on": str(rec.get("paid_on", "")),
                        }
                    )
    unknown = [e for e in registers if e["status"] != "ok"]
    if unknown:
        names = ", ".join(f"{e['label']} ({e['who']})" for e in unknown)
        flags.append(
            {
                "code": "REGISTER_UNKNOWN",
                "message": f"Kunde inte kontrolleras: {names} svarade inte. Det betyder inte att "
                "hushållet saknar inkomster där; fråga den sökande eller kontrollera på annat "
                "sätt.",
            }
        )
    if incomes:
        listed = "; ".join(
            f"{i['source']}: {i['type']} {i['amount']} den {i['paid_on']} ({i['who']})"
            for i in incomes
        )
        flags.append(
            {
                "code": "INCOME_IN_REGISTER",
                "message": f"Registren visar inkomster den här månaden: {listed}.",
                "evidence": incomes,
            }
        )
    return registers, flags


def month_flags(case: Case, month: str) -> list[dict]:
    flags = []
    decision = (
        Decision.objects.filter(application__case=case, application__month=month)
        .exclude(outcome=MonthOutcome.REFUSAL)
        .first()
    )
    if decision is not None:
        flags.append(
            {
                "code": "MONTH_GRANTED",
                "message": f"Hushållet har redan beviljats försörjningsstöd för {month} med "
                f"{format_kr(from_ore(decision.amount_ore))}.",
            }
        )
    earlier = UrgentRequest.objects.filter(
        case=case, decision__outcome=Outcome.GRANT, received_at__year=int(month[:4])
    ).count()
    if earlier:
        flags.append(
            {
                "code": "EARLIER_URGENT",
                "message": f"Hushållet har beviljats akut hjälp {earlier} "
                f"{'gång' if earlier == 1 else 'gånger'} tidigare i år.",
            }
        )
    return flags


# --------------------------------------------------------------------------- the decision


def decide(
    request: UrgentRequest, *, user, outcome: str, amount_ore: int, motivering: str
) -> UrgentDecision:
    """The caseworker's decision, its letter and (when granted) the urgent payment order, in
    one transaction. A second call (a double click, two caseworkers) is refused."""
    if outcome not in Outcome.values:
        raise UrgentError("Välj om akut hjälp beviljas eller avslås.")
    if not motivering.strip():
        raise UrgentError("Skriv en motivering: skälen för beslutet (förvaltningslagen 32 §).")
    if outcome == Outcome.GRANT and amount_ore <= 0:
        raise UrgentError("Ange ett belopp över 0 kr när akut hjälp beviljas.")
    if outcome == Outcome.REFUSAL:
        amount_ore = 0
    if not user.get_full_name().strip():
        raise UrgentError(
            "Du saknar namn i Bistånd; beslutsbrevet ska visa vem som har fattat beslutet "
            "(förvaltningslagen 31 §)."
        )
    try:
        with transaction.atomic():
            locked = UrgentRequest.objects.select_for_update().get(pk=request.pk)
            if locked.status not in OPEN:
                raise UrgentError("Ansökan om akut hjälp är redan beslutad.")
            proposal = UrgentProposal.objects.filter(request=locked).first()
            decision = UrgentDecision.objects.create(
                request=locked,
                outcome=outcome,
                amount_ore=amount_ore,
                proposed_ore=proposal.amount_ore if proposal else None,
                motivering=motivering.strip(),
                decided_by=user,
            )
            decision.letter_html = render_letter(decision)
            decision.letter_sha256 = hashlib.sha256(decision.letter_html.encode()).hexdigest()
            decision.save(update_fields=["letter_html", "letter_sha256"])
            locked.status = Status.GRANTED if outcome == Outcome.GRANT else Status.REFUSED
            locked.save(update_fields=["status"])
            payment = None
            if outcome == Outcome.GRANT:
                payment = UrgentPayment.objects.create(
                    decision=decision, payee=locked.applicant, amount_ore=amount_ore
                )
            # A detail-free notice ("Du har ett nytt meddelande i Bistånd") to the one who
            # asked, if they consented to e-mail or SMS; written with the decision.
            notify(locked.applicant, "urgent_decided", case_id=locked.case_id)
            record(
                "urgent.decided",
                actor=Actor.user(user),
                case_id=locked.case_id,
                subject=f"urgent:{locked.pk}",
                data={
                    "outcome": outcome,
                    "amount_ore": amount_ore,
                    "proposed_ore": decision.proposed_ore,
                    "letter_sha256": decision.letter_sha256,
                    "payment": payment.pk if payment else None,
                },
            )
    except IntegrityError:
        raise UrgentError("Ansökan om akut hjälp är redan beslutad.") from None
    request.refresh_from_db()
    return decision


def render_letter(decision: UrgentDecision) -> str:
    """The decision letter (förvaltningslagen 31–33 §§): what was decided, the motivering and
    the rule, who decided, and how to appeal. Never mentions an underrättelse."""
    request = decision.request
    case = request.case
    person = request.applicant
    name = f"{person.given_name} {person.family_name}".strip() or "Sökande"
    masked = "" if person.protected_identity or case.restricted else pnr.mask(person.personnummer)
    return render_to_string(
        LETTER_TEMPLATE,
        {
            "decision": decision,
            "request": request,
            "case": case,
            "amount": format_kr(from_ore(decision.amount_ore)),
            "decided_by": decision.decided_by.get_full_name().strip(),
            "recipient": f"{name} ({masked})" if masked else name,
            "municipality": case.municipality.name,
            "committee": case.municipality.committee,
            "legal_basis": LEGAL_BASIS,
            "legal_basis_appeal": LEGAL_BASIS_APPEAL,
            "css": SCREEN_STYLESHEET.read_text(encoding="utf-8"),
        },
    )


def letter_pdf(decision: UrgentDecision) -> bytes:
    return write_pdf(decision.letter_html)


# --------------------------------------------------------------------------- the payment


def export_payment(payment: UrgentPayment, *, actor: str) -> UrgentPayment:
    """The urgent payment's own pain.001 file, outside the day's batch: once. A second call
    returns the file already made."""
    from . import payment_file

    with transaction.atomic():
        locked = (
            UrgentPayment.objects.select_for_update()
            .select_related("decision__request__case__municipality", "payee")
            .get(pk=payment.pk)
        )
        if locked.status != PaymentStatus.PENDING:
            return locked
        content, message_id, execution_date = payment_file.build(locked)
        locked.xml = content
        locked.xml_sha256 = hashlib.sha256(content).hexdigest()
        locked.message_id = message_id
        locked.execution_date = execution_date
        locked.status = PaymentStatus.EXPORTED
        locked.exported_at = timezone.now()
        locked.exported_by = actor[:120]
        locked.save()
        record(
            "urgent.payment_exported",
            actor=actor,
            case_id=locked.decision.request.case_id,
            subject=f"urgent_payment:{locked.pk}",
            data={
                "amount_ore": locked.amount_ore,
                "message_id": message_id,
                "execution_date": execution_date.isoformat(),
                "xml_sha256": locked.xml_sha256,
            },
        )
    return locked


def mark_paid(payment: UrgentPayment, *, actor: str) -> UrgentPayment:
    with transaction.atomic():
        locked = (
            UrgentPayment.objects.select_for_update()
            .select_related("decision__request")
            .get(pk=payment.pk)
        )
        if locked.status == PaymentStatus.PAID:
            return locked
        if locked.status != PaymentStatus.EXPORTED:
            raise UrgentError("Utbetalningen har inte skickats till banken än.")
        locked.status = PaymentStatus.PAID
        locked.paid_at = timezone.now()
        locked.save(update_fields=["status", "paid_at"])
        request = locked.decision.request
        UrgentRequest.objects.filter(pk=request.pk).update(status=Status.PAID)
        record(
            "urgent.paid",
            actor=actor,
            case_id=request.case_id,
            subject=f"urgent_payment:{locked.pk}",
            data={"amount_ore": locked.amount_ore},
        )
    return locked
