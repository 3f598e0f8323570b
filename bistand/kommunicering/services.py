"""Kommunicering (förvaltningslagen 25 §) as plain functions that views, the API, the letters
and the decision path call.

* ``adverse_reasons``: in what a proposal or an intended decision goes against the applicant
  (refusal, partial refusal, a cost capped, a caseworker's change that lowers the amount, and
  what other apps register, e.g. a reduction under the aktivitetskrav);
* ``material_choices`` / ``send``: the caseworker picks the material and a deadline; what is
  sent is stored as a snapshot and never recomputed;
* ``answer``: the applicant or the partner answers on Mina sidor;
* ``record_waiver``: a recorded reason to decide without (waiting for) kommunicering;
* ``decision_block``: why an adverse decision may not be made yet (None: it may), called by
  ``bistand.decisions.review`` before every caseworker's decision;
* ``for_application`` / ``material_html``: for the appeal's court bundle;
* ``letter_kommunicering`` / ``registers_used``: what the decision letter says;
* ``registers_asked`` / ``REGISTERS``: what Mina sidor and the e-service say about registers.

Legal sources: förvaltningslagen (2017:900) 25 §; lag (1930:173) 2 § for the deadline.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_noop

from bistand.audit.services import Actor, record
from bistand.cases.membership import confirmed_adults
from bistand.cases.models import Application, Person, State
from bistand.decisions.models import Decision, Outcome, Proposal
from bistand.rules import deadlines
from bistand.rules.money import format_kr, from_ore
from bistand.rules.parameters import default_store
from bistand.rules.period import Month
from bistand.rules.trace import COST_ABOVE_CAP
from bistand.staff import access

from .models import Kommunicering, Waiver, WaiverGround

LAW = "förvaltningslagen (2017:900) 25 §"
PARAMETER = "national.kommunicering"
MAX_TEXT = 5000
MAX_DAYS = 60

#: Flags whose very presence means the proposal goes against the applicant.
ADVERSE_FLAGS = {COST_ABOVE_CAP}

#: Other apps add their own test here (``register_adverse_check``): a function
#: ``(proposal) -> list[str]`` of short Swedish phrases, e.g. a reduction under the
#: aktivitetskrav.
_adverse_checks: list[Callable[[Proposal], list[str]]] = []


class KommuniceringError(Exception):
    """The action cannot be carried out; the message says why, in Swedish."""


def register_adverse_check(check: Callable[[Proposal], list[str]]) -> None:
    if check not in _adverse_checks:
        _adverse_checks.append(check)


def _kr(ore: int) -> str:
    return format_kr(from_ore(ore))


def _money(value: Any) -> str:
    try:
        return format_kr(Decimal(str(value)))
    except ArithmeticError:
        return str(value)


# --------------------------------------------------------------------------- what is adverse


def capped_costs(proposal: Proposal) -> list[dict[str, str]]:
    """The proposal's costs accepted only up to the municipality's cap: key and text."""
    out = []
    for flag in proposal.flags:
        if flag.get("code") != COST_ABOVE_CAP:
            continue
        evidence = flag.get("evidence") or {}
        out.append(
            {
                "key": f"cap-{evidence.get('cost_type', len(out))}",
                "text": (
                    f"{evidence.get('label', 'Kostnad')}: godtas med {_money(evidence.get('cap'))} "
                    f"i stället för {_money(evidence.get('claimed'))} enligt kommunens riktlinje"
                ),
            }
        )
    return out


def lowering_adjustments(proposal: Proposal) -> list[dict[str, str]]:
    """The caseworker's changes that lowered the amount (a cost accepted in part, an income
    added or raised — e.g. from a register, against what was declared)."""
    return [
        {"key": f"adj-{a.pk}", "text": a.description}
        for a in proposal.adjustments.select_related("before", "after").order_by("at", "pk")
        if a.after.amount_ore < a.before.amount_ore
    ]


def adverse_reasons(
    proposal: Proposal | None, *, outcome: str | None = None, amount_ore: int | None = None
) -> list[str]:
    """In what the decision (``outcome``/``amount_ore``, by default the proposal's own) goes
    wholly or partly against the applicant; empty: a grant in full, nothing to communicate."""
    if proposal is None or proposal.calculation_id is None:
        return []
    outcome = outcome or proposal.outcome
    amount_ore = proposal.amount_ore if amount_ore is None else amount_ore
    reasons = []
    if outcome == Outcome.REFUSAL:
        reasons.append("avslag på ansökan")
    elif outcome == Outcome.PARTIAL:
        reasons.append(
            f"delvis avslag ({_kr(amount_ore)} av beräknade "
            f"{_kr(proposal.calculation.amount_ore)} beviljas)"
        )
    reasons += [c["text"] for c in capped_costs(proposal)]
    reasons += [a["text"] for a in lowering_adjustments(proposal)]
    for flag in proposal.flags:
        if flag.get("code") in ADVERSE_FLAGS - {COST_ABOVE_CAP}:
            reasons.append(flag.get("message", flag["code"]))
    for check in _adverse_checks:
        reasons += check(proposal)
    return reasons


# --------------------------------------------------------------------------- deadline


def default_answer_days(on: date) -> int:
    version = default_store().table(PARAMETER).version_for(Month(on.year, on.month))
    return int(version.data["values"]["answer_days"])


def default_deadline(sent_on: date | None = None) -> date:
    """The suggested last day to answer: the parameter's days from the day sent, moved to the
    next working day (lag 1930:173 2 §)."""
    sent_on = sent_on or timezone.localdate()
    return deadlines.time_limit_end(sent_on, days=default_answer_days(sent_on))


def days_left(kommunicering: Kommunicering, today: date | None = None) -> int:
    return (kommunicering.deadline - (today or timezone.localdate())).days


def deadline_passed(kommunicering: Kommunicering, today: date | None = None) -> bool:
    """The whole last day is the applicant's: passed from the day after."""
    return (today or timezone.localdate()) > kommunicering.deadline


def status_text(kommunicering: Kommunicering, today: date | None = None) -> str:
    if kommunicering.answered:
        return "besvarad"
    if deadline_passed(kommunicering, today):
        return "svarstiden har gått ut"
    left = days_left(kommunicering, today)
    return (
        "väntar på svar (sista dagen i dag)" if left == 0 else f"väntar på svar ({left} dagar kvar)"
    )


# --------------------------------------------------------------------------- the material


@dataclass
class Choice:
    key: str
    label: str
    detail: str
    adverse: bool
    evidence: list[tuple[str, str]]


def material_choices(application: Application) -> tuple[list[Choice], list[Choice]]:
    """(flags, calculation lines) the caseworker may send; the adverse ones come pre-chosen.

    Flags by their index in the proposal (``flag-0``), with their evidence as the case view
    shows it; lines: the costs capped and every change the caseworker made."""
    from bistand.workspace import caseview

    proposal = Proposal.objects.filter(application=application).first()
    if proposal is None:
        return [], []
    flags = [
        Choice(
            key=f"flag-{i}",
            label=view.label,
            detail=view.message,
            adverse=view.code in ADVERSE_FLAGS,
            evidence=list(dict.fromkeys(view.evidence)),  # "Kostnad" once, not per key
        )
        for i, view in enumerate(caseview.flags(proposal, application.month))
    ]
    lowering = {a["key"] for a in lowering_adjustments(proposal)}
    lines = [Choice(c["key"], c["text"], "", True, []) for c in capped_costs(proposal)]
    lines += [
        Choice(
            f"adj-{a.pk}",
            a.description,
            f"Motivering: {a.motivering}",
            f"adj-{a.pk}" in lowering,
            [],
        )
        for a in proposal.adjustments.order_by("at", "pk")
    ]
    return flags, lines


def _text(value: str, what: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise KommuniceringError(f"Skriv {what}.")
    if len(value) > MAX_TEXT:
        raise KommuniceringError(f"{what.capitalize()} får vara högst {MAX_TEXT} tecken.")
    return value


def check_deadline(deadline: date | None, today: date | None = None) -> date:
    today = today or timezone.localdate()
    if deadline is None:
        raise KommuniceringError("Ange sista dag för svar (ÅÅÅÅ-MM-DD).")
    if deadline <= today:
        raise KommuniceringError("Sista dag för svar måste vara efter i dag.")
    if deadline > today + timedelta(days=MAX_DAYS):
        raise KommuniceringError(f"Sista dag för svar kan vara högst {MAX_DAYS} dagar fram.")
    reason = deadlines.non_working_reason(deadline)
    if reason:
        raise KommuniceringError(
            f"Sista dag för svar är en {reason}; välj en vardag (lag 1930:173), t.ex. "
            f"{deadlines.next_working_day(deadline):%Y-%m-%d}."
        )
    return deadline


def _require_decider(user, application: Application) -> None:
    if not access.can_decide(user):
        raise PermissionDenied("Du har bara läsbehörighet.")
    if not access.applications_visible_to(user).filter(pk=application.pk).exists():
        raise PermissionDenied("Du har inte behörighet till ärendet.")


def send(
    application: Application,
    *,
    user,
    keys: list[str],
    text: str = "",
    deadline: date | None,
) -> Kommunicering:
    """Send the chosen material (``keys`` from ``material_choices``) and the free text to the
    applicant with a deadline; the snapshot is stored and the applicant gets a message."""
    from bistand.eservice.services import send_message

    _require_decider(user, application)
    text = _text(text, "texten till den sökande", required=False)
    deadline = check_deadline(deadline)
    flags, lines = material_choices(application)
    known = {c.key: c for c in flags + lines}
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise KommuniceringError("Materialet har ändrats sedan sidan visades. Läs om sidan.")
    if not keys and not text:
        raise KommuniceringError("Välj minst en uppgift att kommunicera, eller skriv en text.")
    proposal = (
        Proposal.objects.filter(application=application).select_related("calculation").first()
    )
    material = {
        "adverse": adverse_reasons(proposal),
        "flags": [
            {"label": c.label, "message": c.detail, "evidence": [list(e) for e in c.evidence]}
            for c in flags
            if c.key in keys
        ],
        "lines": [c.label for c in lines if c.key in keys],
        "text": text,
        "proposal": {
            "outcome": proposal.outcome if proposal else "",
            "amount_ore": proposal.amount_ore if proposal else 0,
            "calculation": proposal.calculation_id if proposal else None,
        },
    }
    canonical = json.dumps(material, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    actor = Actor.user(user)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.state != State.PROPOSAL_READY:
            raise KommuniceringError(
                "Ansökan väntar inte på beslut längre; kommunicering skickas före beslutet."
            )
        kommunicering = Kommunicering.objects.create(
            application=locked,
            sent_by=user,
            deadline=deadline,
            material=material,
            material_sha256=hashlib.sha256(canonical.encode()).hexdigest(),
            calculated_ore=(
                proposal.calculation.amount_ore if proposal and proposal.calculation else None
            ),
        )
        record(
            "kommunicering.sent",
            actor=actor,
            case_id=locked.case_id,
            subject=f"application:{locked.pk}",
            data={
                "kommunicering": kommunicering.pk,
                "deadline": deadline.isoformat(),
                "flags": len(material["flags"]),
                "lines": len(material["lines"]),
                "sha256": kommunicering.material_sha256,
            },
        )
        send_message(
            locked.case,
            staff=user,
            application=locked,
            body=(
                "Du har fått material att yttra dig över innan vi beslutar om din ansökan "
                f"(kommunicering enligt {LAW}). Läs det på Mina sidor under ansökan och svara "
                f"senast {deadline:%Y-%m-%d}. Du behöver inte svara, men det du skriver tar vi "
                "med i prövningen."
            ),
        )
        # E-mail or SMS to those who consented: only "a new message", never what it is.
        from bistand.notifications.services import notify

        for adult in confirmed_adults(locked):
            notify(adult.person, "kommunicering_sent", case_id=locked.case_id)
    return kommunicering


# --------------------------------------------------------------------------- the answer


def may_answer(kommunicering: Kommunicering, person: Person) -> bool:
    """The application's sökande and medsökande (the adults it declares)."""
    return any(a.person.pk == person.pk for a in confirmed_adults(kommunicering.application))


def open_for_answer(kommunicering: Kommunicering) -> bool:
    """Answers are taken until the decision is made, also after the deadline (it is still
    weighed in), and once."""
    return (
        not kommunicering.answered
        and kommunicering.application.state == State.PROPOSAL_READY
        and kommunicering == latest(kommunicering.application)
    )


def answer(
    kommunicering: Kommunicering,
    person: Person,
    text: str,
    *,
    upload=None,
    kind: str = "",
) -> Kommunicering:
    """The applicant's (or partner's) answer, with an optional file; both stored or neither."""
    from bistand.eservice.models import Message
    from bistand.eservice.services import actor_for, store_attachment

    if not may_answer(kommunicering, person):
        raise PermissionDenied
    text = _text(text, "ditt svar")
    stored = []
    try:
        with transaction.atomic():
            locked = Kommunicering.objects.select_for_update().get(pk=kommunicering.pk)
            application = Application.objects.get(pk=locked.application_id)
            locked.application = application
            if not open_for_answer(locked):
                raise KommuniceringError(
                    gettext_noop(
                        "Det går inte att svara längre: du har redan svarat, eller beslutet är "
                        "fattat."
                    )
                )
            if upload is not None:
                stored.append(store_attachment(person, upload, kind, application=application))
            locked.answer = text
            locked.answered_at = timezone.now()
            locked.answered_by = person
            locked.answer_attachments = [a.pk for a in stored]
            locked.save()
            Message.objects.create(
                case=application.case,
                application=application,
                from_applicant=True,
                person=person,
                body=f"Svar på kommunicering:\n{text}",
            )
            record(
                "kommunicering.answered",
                actor=actor_for(person),
                case_id=application.case_id,
                subject=f"application:{application.pk}",
                data={
                    "kommunicering": locked.pk,
                    "length": len(text),
                    "attachments": locked.answer_attachments,
                    "late": deadline_passed(locked),
                },
            )
    except Exception:
        for attachment in stored:  # the row rolled back; the file must not stay behind
            attachment.file.storage.delete(attachment.file.name)
        raise
    return locked


# --------------------------------------------------------------------------- waiver and guard


def record_waiver(application: Application, *, user, ground: str, text: str) -> Waiver:
    _require_decider(user, application)
    if ground not in WaiverGround.values:
        raise KommuniceringError("Välj skälet att besluta utan kommunicering.")
    text = _text(text, "varför beslutet inte kan vänta på kommunicering")
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.state != State.PROPOSAL_READY:
            raise KommuniceringError("Ansökan väntar inte på beslut.")
        waiver = Waiver.objects.create(
            application=locked, ground=ground, text=text, recorded_by=user
        )
        record(
            "kommunicering.waived",
            actor=Actor.user(user),
            case_id=locked.case_id,
            subject=f"application:{locked.pk}",
            data={"waiver": waiver.pk, "ground": ground},
        )
    return waiver


def latest(application: Application) -> Kommunicering | None:
    return Kommunicering.objects.filter(application=application).order_by("-sent_at", "-pk").first()


def latest_waiver(application: Application) -> Waiver | None:
    return Waiver.objects.filter(application=application).order_by("-recorded_at", "-pk").first()


def decision_block(
    proposal: Proposal, *, outcome: str | None = None, amount_ore: int | None = None
) -> str | None:
    """Why the decision may not be made yet (FL 25 §), in Swedish; None when it may: a grant in
    full, or the latest kommunicering answered or its deadline passed (and nothing lowered
    since it was sent), or a recorded waiver."""
    reasons = adverse_reasons(proposal, outcome=outcome, amount_ore=amount_ore)
    if not reasons:
        return None
    application = proposal.application
    if latest_waiver(application) is not None:
        return None
    what = "; ".join(reasons)
    sent = latest(application)
    if sent is None:
        return (
            f"Beslutet går emot den sökande i: {what}. Kommunicera underlaget med den sökande "
            f"innan beslut ({LAW}), eller registrera skälet att besluta utan kommunicering."
        )
    if sent.calculated_ore is not None and proposal.calculation.amount_ore < sent.calculated_ore:
        return (
            "Beräkningen har ändrats till den sökandes nackdel sedan kommuniceringen skickades "
            f"{timezone.localtime(sent.sent_at):%Y-%m-%d}. Kommunicera det nya underlaget, eller "
            "registrera skälet att besluta utan kommunicering."
        )
    if not sent.answered and not deadline_passed(sent):
        return (
            f"Den sökande har till och med {sent.deadline:%Y-%m-%d} på sig att svara på "
            "kommuniceringen. Besluta när svaret har kommit eller tiden har gått ut, eller "
            "registrera skälet att besluta utan att vänta."
        )
    return None


# --------------------------------------------------------------------------- for others


def for_application(application: Application) -> list[Kommunicering]:
    """The kommuniceringar sent for the application, oldest first (public: appeals)."""
    return list(
        Kommunicering.objects.filter(application=application)
        .select_related("answered_by")
        .order_by("sent_at", "pk")
    )


def material_html(kommunicering: Kommunicering) -> str:
    """The material as sent and the answer, as a small Swedish HTML fragment (public:
    appeals' court bundle)."""
    m = kommunicering.material
    parts = [
        format_html(
            "<p>Skickad {} med sista dag för svar {}.</p>",
            f"{timezone.localtime(kommunicering.sent_at):%Y-%m-%d}",
            f"{kommunicering.deadline:%Y-%m-%d}",
        )
    ]
    adverse = [r for r in m.get("adverse", []) if r not in m.get("lines", [])]
    if adverse:
        parts.append(
            format_html(
                "<p>Det som kan gå den sökande emot:</p><ul>{}</ul>",
                format_html_join("", "<li>{}</li>", ((r,) for r in adverse)),
            )
        )
    if m.get("lines"):
        parts.append(
            format_html(
                "<p>Beräkningen:</p><ul>{}</ul>",
                format_html_join("", "<li>{}</li>", ((line,) for line in m["lines"])),
            )
        )
    for flag in m.get("flags", []):
        evidence = format_html_join(
            "", "<li>{}: {}</li>", ((k, v) for k, v in flag.get("evidence", []))
        )
        parts.append(
            format_html(
                "<p><strong>{}</strong>. {}</p>{}",
                flag["label"],
                flag.get("message", ""),
                format_html("<ul>{}</ul>", evidence) if flag.get("evidence") else "",
            )
        )
    if m.get("text"):
        parts.append(format_html("<p>Handläggarens text: {}</p>", m["text"]))
    if kommunicering.answered:
        parts.append(
            format_html(
                "<p>Svar {}: {}</p>",
                f"{timezone.localtime(kommunicering.answered_at):%Y-%m-%d}",
                kommunicering.answer,
            )
        )
    else:
        parts.append(format_html("<p>{}</p>", "Inget svar."))
    return format_html_join("", "{}", ((p,) for p in parts))


def material_summary(material: dict[str, Any]) -> str:
    """One sentence's worth: what was sent, for the letter."""
    items = list(material.get("lines", []))
    items += [f["label"] for f in material.get("flags", [])]
    if material.get("text"):
        items.append("handläggarens beskrivning av vad beslutet kan komma att grundas på")
    return "; ".join(items) or "underlaget för beslutet"


def letter_kommunicering(decision: Decision, *, you: str = "du") -> dict[str, str] | None:
    """What the letter says about kommunicering: what was sent and when, and the answer (or
    that none came, or why the decision was made without); None when there was none."""
    application = decision.application
    sent = (
        Kommunicering.objects.filter(application=application, sent_at__lte=decision.decided_at)
        .order_by("-sent_at", "-pk")
        .first()
    )
    waiver = (
        Waiver.objects.filter(application=application, recorded_at__lte=decision.decided_at)
        .order_by("-recorded_at", "-pk")
        .first()
    )
    if sent is None and waiver is None:
        return None
    out = {"sent": "", "answer": "", "waiver": ""}
    if sent is not None:
        out["sent"] = (
            f"Den {timezone.localtime(sent.sent_at):%Y-%m-%d} fick {you} ta del av underlaget "
            f"för beslutet ({material_summary(sent.material)}) och tillfälle att yttra "
            f"{'er' if you == 'ni' else 'dig'} senast {sent.deadline:%Y-%m-%d} ({LAW})."
        )
        if sent.answered:
            late = (
                " (efter svarstiden, men före beslutet)"
                if sent.answered_at.date() > sent.deadline
                else ""
            )
            out["answer"] = (
                f"Svar kom in den {timezone.localtime(sent.answered_at):%Y-%m-%d}{late}: "
                f"”{sent.answer}” Svaret har vägts in i beslutet."
            )
        elif waiver is None or waiver.recorded_at < sent.sent_at:
            out["answer"] = "Inget svar kom in inom svarstiden."
    if (
        waiver is not None
        and (sent is None or waiver.recorded_at >= sent.sent_at)
        and not (sent is not None and sent.answered)
    ):
        out["waiver"] = (
            f"Beslutet har fattats utan att vänta på yttrande. Skäl: "
            f"{waiver.get_ground_display().lower()} ({LAW} andra stycket). {waiver.text}"
        )
    return out


# --------------------------------------------------------------------------- registers


@dataclass(frozen=True)
class RegisterInfo:
    code: str
    name: str
    what: str
    why: str


#: What each source is asked about and why (shown before the application is signed).
REGISTERS = (
    RegisterInfo(
        "SKV",
        "Skatteverket",
        gettext_noop("folkbokföring och lön som arbetsgivare har rapporterat"),
        gettext_noop("vilka som bor på adressen och vilka inkomster som ska räknas med"),
    ),
    RegisterInfo(
        "FK",
        "Försäkringskassan",
        gettext_noop(
            "utbetalda ersättningar, t.ex. bostadsbidrag, sjukpenning och föräldrapenning"
        ),
        gettext_noop("inkomster som ska räknas med"),
    ),
    RegisterInfo(
        "AKASSA",
        "Arbetslöshetskassan",
        gettext_noop("ersättning från a-kassa"),
        gettext_noop("inkomster"),
    ),
    RegisterInfo("CSN", "CSN", gettext_noop("studiemedel"), gettext_noop("inkomster")),
    RegisterInfo("PM", "Pensionsmyndigheten", gettext_noop("pension"), gettext_noop("inkomster")),
    RegisterInfo(
        "AF",
        "Arbetsförmedlingen",
        gettext_noop("om du är inskriven och har en planering"),
        gettext_noop("om du står till arbetsmarknadens förfogande"),
    ),
    RegisterInfo(
        "TS", "Transportstyrelsen", gettext_noop("fordon som du äger"), gettext_noop("tillgångar")
    ),
    RegisterInfo(
        "MIV",
        "Migrationsverket",
        gettext_noop("uppehållsrätt och uppehållstillstånd"),
        gettext_noop("om du har rätt till bistånd i Sverige"),
    ),
)
REGISTER_BY_CODE = {r.code: r for r in REGISTERS}
REGISTER_LAW = gettext_noop(
    "socialtjänstlagen (2025:400) 15 kap. 10–12 §§ och förordningen (2008:975)"
)

KIND_SV = {
    "registration": "inskrivning",
    "population_register": "folkbokföring",
    "vehicle": "fordon",
    "residence": "uppehållsrätt eller uppehållstillstånd",
}


def registers_asked(application: Application) -> list[dict[str, str]]:
    """Per source: whom of the household's adults it was asked about, and when; never what it
    answered (Mina sidor)."""
    from bistand.robot.models import RegisterFetch

    rows: dict[str, dict[str, Any]] = {}
    for fetch in (
        RegisterFetch.objects.filter(application=application)
        .select_related("person")
        .order_by("fetched_at", "pk")
    ):
        info = REGISTER_BY_CODE.get(fetch.source)
        row = rows.setdefault(
            fetch.source,
            {
                "name": info.name if info else fetch.source,
                "what": info.what if info else "",
                "when": fetch.fetched_at,
                "answered": True,
            },
        )
        row["when"] = max(row["when"], fetch.fetched_at)
        row["answered"] = row["answered"] and fetch.status == "ok"
    return list(rows.values())


def registers_used(application: Application) -> list[str]:
    """The register data a decision rests on, by source and kind ("Försäkringskassan:
    bostadsbidrag"); a source that did not answer is named as such."""
    from bistand.robot.checks import INCOME_SV
    from bistand.robot.models import RegisterFetch

    by_source: dict[str, list[str]] = {}
    unknown: set[str] = set()
    for fetch in RegisterFetch.objects.filter(application=application).order_by("source", "pk"):
        kinds = by_source.setdefault(fetch.source, [])
        if fetch.status != "ok":
            unknown.add(fetch.source)
            continue
        for item in fetch.records or []:
            kind = item.get("kind")
            if kind == "payment":
                label = INCOME_SV.get(item.get("income_type"), item.get("income_type", "")).lower()
            else:
                label = KIND_SV.get(kind, "")
            if label and label not in kinds:
                kinds.append(label)
    order = [r.code for r in REGISTERS]
    out = []
    for code in sorted(by_source, key=lambda c: order.index(c) if c in order else 99):
        name = REGISTER_BY_CODE[code].name if code in REGISTER_BY_CODE else code
        if code in unknown and not by_source[code]:
            out.append(f"{name}: svarade inte (uppgiften är okänd, inte noll)")
        elif by_source[code]:
            out.append(f"{name}: {', '.join(by_source[code])}")
        else:
            out.append(f"{name}: inga uppgifter för månaden")
    return out
