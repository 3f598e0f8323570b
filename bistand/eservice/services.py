"""The e-service's work: drafts, signing, co-signing, answers to completion requests,
messages. Views and the worker call these; a view stays thin.

The application travels: ``Draft`` (saved at every step) → signed by the one who wrote it →
``Application`` in *väntar på medsökande* until the partner named in it has signed with their
own e-legitimation → *inkommen*, when the robot takes it (docs/eservice.md).
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bistand.audit.services import Actor, record
from bistand.cases import membership
from bistand.cases import personnummer as pnr
from bistand.cases.models import (
    Application,
    ApplicationKind,
    Case,
    HouseholdMember,
    MembershipBasis,
    Municipality,
    Person,
    Role,
    State,
    Unit,
)
from bistand.cases.services import Member, get_or_create_person, open_case, submit
from bistand.cases.services import validate_declared as validate_for_robot
from bistand.cases.states import transition
from bistand.rules.period import Month

from .models import Attachment, AttachmentKind, Cosignature, Draft, Message, Signature, Step

logger = logging.getLogger(__name__)

ADULT_ROLES = (Role.APPLICANT, Role.PARTNER)
LIVE_STATES = [s for s in State.values if s != State.WITHDRAWN]


class EserviceError(Exception):
    """Something the applicant can act on; the message is Swedish and says what to do."""


def actor_for(person: Person) -> str:
    return Actor.applicant(person)


SYSTEM = Actor.system("eservice")


# --------------------------------------------------------------------------- who and when


def months_open(today: date | None = None) -> list[str]:
    """The months one can apply for: this month and the next."""
    today = today or timezone.localdate()
    following = date(today.year + today.month // 12, today.month % 12 + 1, 1)
    return [f"{today:%Y-%m}", f"{following:%Y-%m}"]


def municipality() -> Municipality:
    found = Municipality.objects.filter(code=settings.MUNICIPALITY_CODE).first()
    if found is None:
        raise EserviceError(_("E-tjänsten är inte öppen än. Kontakta kommunen."))
    return found


class ChooseCase(EserviceError):
    """The person is a confirmed member of two households' cases: they choose which one the
    application is for (and staff end the membership that no longer holds)."""

    def __init__(self, cases: list[Case]):
        super().__init__(
            _(
                "Du finns i två hushåll hos kommunen. Välj vilket hushåll ansökan gäller; "
                "din handläggare rättar uppgifterna om du inte längre bor i det andra."
            )
        )
        self.cases = cases


def case_of(person: Person, on: date | None = None, *, choice: int | None = None) -> Case | None:
    """The case of the household where the person is a *confirmed* sökande or medsökande
    today (cases.membership): never a household someone else named them in. With two, the
    person's ``choice`` (a case id among them) decides, or ``ChooseCase`` asks for it."""
    found = membership.cases_of(person, on)
    if len(found) <= 1:
        return found[0] if found else None
    chosen = next((case for case in found if case.pk == choice), None)
    if chosen is None:
        raise ChooseCase(found)
    return chosen


def applications_of(person: Person):
    """The applications the person may read: those they signed with their own e-legitimation,
    and those of a household they were a confirmed member of in the application's month."""
    signed = Exists(Signature.objects.filter(application=OuterRef("pk"), person=person))
    covered = membership.covered_applications(person)
    return Application.objects.filter(signed if covered is None else Q(signed) | covered)


def attachments_for(person: Person, application: Application):
    """The application's files the person may see on Mina sidor: all of them, except a
    läkarintyg (health data, special-category) that another adult sent — that one only its
    sender and staff see (security review 2026-12-06)."""
    return (
        Attachment.objects.filter(application=application)
        .exclude(Q(kind=AttachmentKind.MEDICAL) & ~Q(uploaded_by=person))
        .order_by("uploaded_at", "pk")
    )


def application_for(person: Person, application_id: int) -> Application | None:
    """The application if the person may read it (``applications_of``); None otherwise (a
    404)."""
    return (
        applications_of(person)
        .select_related("case", "case__municipality")
        .filter(pk=application_id)
        .first()
    )


def may_write(person: Person, case: Case) -> bool:
    """Messages go into a case's thread only from its current confirmed members."""
    return any(found.pk == case.pk for found in membership.cases_of(person))


# --------------------------------------------------------------------------- drafts


def _fresh_from(declared: dict[str, Any]) -> dict[str, Any]:
    """Last month's answers as this month's start: needs and changes are asked anew."""
    data = copy.deepcopy(declared)
    data["other_needs"] = []
    data["changes"] = ""
    return data


def _closed(case) -> bool:
    """The case was closed (avslutat): a new application is a nyansökan (bistand/outcomes)."""
    from bistand.outcomes.services import is_closed

    return is_closed(case)


def start_draft(person: Person, month: str, *, case_choice: int | None = None) -> Draft:
    """The person's draft for the month: the open one, or a new one pre-filled from last
    month's application (återansökan) or from the population register (nyansökan). It goes
    to the person's own confirmed case (``case_of``); a pending application in which someone
    else named them never decides it, nor blocks it."""
    if month not in months_open():
        raise EserviceError(_("Du kan ansöka för innevarande eller nästa månad."))
    existing = Draft.objects.filter(person=person, month=month, application__isnull=True).first()
    if existing is not None:
        return existing
    case = case_of(person, choice=case_choice)
    if case is not None:
        live = case.applications.filter(month=month, state__in=LIVE_STATES).first()
        if live is not None:
            raise EserviceError(
                _("Det finns redan en ansökan för %(month)s. Du hittar den på Mina sidor.")
                % {"month": month}
            )
    last = (
        case.applications.filter(month__lt=month, state__in=[State.DECIDED, State.PAID])
        .order_by("-month")
        .first()
        if case is not None
        else None
    )
    if last is not None and not _closed(case):
        kind, data = ApplicationKind.REPEAT, _fresh_from(last.declared)
    else:
        kind, data = ApplicationKind.FIRST, prefill(person, month)
    try:
        with transaction.atomic():
            draft = Draft.objects.create(
                person=person, month=month, kind=kind, case=case, data=data
            )
    except IntegrityError:  # the same person started it twice at once
        return Draft.objects.get(person=person, month=month, application__isnull=True)
    record(
        "eservice.draft_started",
        actor=actor_for(person),
        case_id=case.pk if case else None,
        subject=f"draft:{draft.pk}",
        data={"month": month, "kind": kind},
    )
    return draft


def prefill(person: Person, month: str) -> dict[str, Any]:
    """A first application's household from folkbokföringen (Skatteverket, through the
    register gateway): who is registered at the applicant's address. If the register does
    not answer, the applicant alone; the household step lets them add the others."""
    from bistand.connectors.base import OK
    from bistand.connectors.gateway import get_gateway

    members: list[dict[str, Any]] = [{"personnummer": person.personnummer, "role": Role.APPLICANT}]
    data: dict[str, Any] = {
        "members": members,
        "housing": {},
        "costs": [],
        "incomes": [],
        "assets": [],
        "other_needs": [],
        "changes": "",
        "planning": {},
        "prefill": {"population_register": "unknown"},
    }
    try:
        answer = get_gateway().fetch(
            person.personnummer, month, ["SKV"], "E-ansökan: förifylla hushållet"
        )["SKV"]
    except Exception:
        logger.warning("population register prefill failed", exc_info=True)
        return data
    if answer.status != OK:
        return data
    data["prefill"]["population_register"] = "ok"
    partner_named = False
    for record_ in answer.records:
        if record_.get("kind") == "protected_identity" and record_.get("protected"):
            mark_protected(person)
        if record_.get("kind") != "population_register":
            continue
        for number in record_.get("persons", []):
            if number == person.personnummer:
                continue
            age = age_on(number, Month.parse(month).first_day)
            if age < 18:
                role = Role.CHILD
            elif not partner_named:
                role, partner_named = Role.PARTNER, True
            else:
                role = Role.OTHER
            members.append({"personnummer": number, "role": role, "from_register": True})
    return data


def age_on(number: str, on: date) -> int:
    """Age in whole years on a day, from the personnummer's birth date."""
    born = pnr.birth_date(number)
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def mark_protected(person: Person) -> None:
    """Skyddade personuppgifter: the person is marked and every case they are in is
    restricted (only staff granted access see it)."""
    if not person.protected_identity:
        person.protected_identity = True
        person.save(update_fields=["protected_identity"])
    households = HouseholdMember.objects.filter(person=person).values("household_id")
    changed = Case.objects.filter(household_id__in=households, restricted=False).update(
        restricted=True
    )
    if changed:
        record(
            "case.restricted",
            actor=SYSTEM,
            subject=f"person:{person.pk}",
            data={"cases": changed, "reason": "skyddade personuppgifter"},
        )


def draft_for(person: Person, draft_id: int) -> Draft | None:
    """The person's own open draft; None otherwise (a 404)."""
    return Draft.objects.filter(pk=draft_id, person=person, application__isnull=True).first()


def save_step(draft: Draft, step: str, changes: dict[str, Any]) -> Draft:
    """Store a step's answers (already validated by its form) and mark the step done."""
    draft.data.update(changes)
    if step not in draft.steps_done:
        draft.steps_done = [*draft.steps_done, step]
    draft.updated_at = timezone.now()
    draft.save(update_fields=["data", "steps_done", "updated_at"])
    return draft


def nothing_changed(draft: Draft) -> Draft:
    """Återansökan in one step: last month's answers stand; every step counts as done."""
    if draft.kind != ApplicationKind.REPEAT:
        raise EserviceError(_("Bara en återansökan kan utgå från förra månadens uppgifter."))
    draft.data["changes"] = ""
    draft.steps_done = list(Step.values)
    draft.updated_at = timezone.now()
    draft.save(update_fields=["data", "steps_done", "updated_at"])
    return draft


def missing_steps(draft: Draft) -> list[str]:
    return [step for step in Step.values if step not in draft.steps_done]


# --------------------------------------------------------------------------- signing


@dataclass(frozen=True)
class SignerLogin:
    """The e-legitimation login a signature rests on (from ``session.signer_login``)."""

    issuer: str
    ref: str
    at: Any


def declared_digest(declared: dict[str, Any]) -> str:
    """SHA-256 of the answers in a canonical form: what exactly was signed."""
    text = json.dumps(declared, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def role_in(declared: dict[str, Any], person: Person) -> str | None:
    for member in declared.get("members", []):
        if member.get("personnummer") == person.personnummer:
            return member.get("role")
    return None


def partner_in(declared: dict[str, Any], signer: Person) -> str | None:
    """The other adult who must sign: the medsökande (or the sökande, if the partner wrote
    the application)."""
    for member in declared.get("members", []):
        if member.get("role") in ADULT_ROLES and member.get("personnummer") != signer.personnummer:
            return member["personnummer"]
    return None


def for_robot(data: dict[str, Any]) -> dict[str, Any]:
    """The declared answers as the application keeps them (without the e-service's notes)."""
    declared = {k: v for k, v in data.items() if k not in ("prefill", "not_in_household")}
    declared["members"] = [
        {k: v for k, v in m.items() if k != "from_register"} for m in data.get("members", [])
    ]
    return declared


def with_sublet_consent_attachment(declared: dict[str, Any], draft: Draft) -> dict[str, Any]:
    """A second-hand tenant's ``housing`` gets ``sublet_consent_attachment``: is the consent to
    the let on file, as an attachment of this application or of an earlier one in the case? The
    robot reads it (``check_sublet_consent``); other housing keeps neither sublet key."""
    from .models import Attachment, AttachmentKind

    if "housing" not in declared:
        return declared
    housing = dict(declared["housing"] or {})
    if housing.get("type") != "sublet":
        housing.pop("sublet_consent", None)
        housing.pop("sublet_consent_attachment", None)
    else:
        consent = Attachment.objects.filter(kind=AttachmentKind.SUBLET_CONSENT)
        housing["sublet_consent_attachment"] = consent.filter(draft=draft).exists() or (
            draft.case_id is not None and consent.filter(application__case=draft.case_id).exists()
        )
    return {**declared, "housing": housing}


def sign(draft: Draft, person: Person, login: SignerLogin) -> Application:
    """The writer signs: the draft becomes the application. With a partner in the household
    it waits for the partner's signature; otherwise it is submitted. Idempotent: a second
    click or a retry returns the application already made."""
    if draft.application_id:
        return draft.application
    if draft.person_id != person.pk:
        raise EserviceError(_("Bara den som skrev ansökan kan skriva under den här."))
    if missing_steps(draft):
        raise EserviceError(_("Några steg är inte ifyllda än."))
    declared = with_sublet_consent_attachment(for_robot(draft.data), draft)
    try:
        validate_for_robot(declared)
    except ValidationError as exc:
        raise EserviceError(
            _("Ansökan har uppgifter som behöver rättas: %(errors)s")
            % {"errors": "; ".join(exc.messages)}
        ) from None
    role = role_in(declared, person)
    if role not in ADULT_ROLES:
        raise EserviceError(_("Du måste vara sökande eller medsökande i hushållet."))
    if draft.case is None and role != Role.APPLICANT:
        raise EserviceError(_("Den som skriver en nyansökan är sökande i den."))
    if draft.case is not None and not may_write(person, draft.case):
        raise EserviceError(
            _("Du hör inte längre till hushållet som utkastet gäller. Ta bort det och börja om.")
        )
    key = str(draft.submission_key)
    try:
        with transaction.atomic():
            draft = Draft.objects.select_for_update().get(pk=draft.pk)
            if draft.application_id:
                return draft.application
            case = draft.case or _open_case(declared, person)
            # A draft started as an återansökan is a nyansökan if the case was closed
            # (avslutat) before it was signed.
            kind = ApplicationKind.FIRST if _closed(case) else draft.kind
            application = Application.objects.create(
                case=case,
                month=draft.month,
                kind=kind,
                declared=declared,
                submission_key=key,
            )
            _signature(application, person, role, declared, login)
            draft.attachments.update(application=application)
            draft.case, draft.application = case, application
            draft.save(update_fields=["case", "application"])
            partner = partner_in(declared, person)
            if partner:
                partner_person = get_or_create_person(partner)
                transition(
                    application,
                    State.AWAITING_COSIGNATURE,
                    actor=actor_for(person),
                    reason="undertecknad av den ena; väntar på den andra",
                )
                Cosignature.objects.create(
                    application=application,
                    partner=partner_person,
                    expires_at=timezone.now() + timedelta(days=settings.COSIGN_EXPIRY_DAYS),
                )
            else:
                membership.leave_undeclared(application, actor=actor_for(person))
                submit(application, actor=actor_for(person), reason="ansökan inskickad digitalt")
    except IntegrityError:
        existing = Application.objects.filter(submission_key=key).first()
        if existing is not None:
            return existing
        raise EserviceError(
            _("Det finns redan en ansökan för %(month)s. Du hittar den på Mina sidor.")
            % {"month": draft.month}
        ) from None
    return application


def _open_case(declared: dict[str, Any], writer: Person) -> Case:
    """A first application opens the household's case (ärende) with its writer, who signed it,
    as sökande and the children declared in it. The partner it names joins only by signing
    it with their own e-legitimation (``cosign``): a typed personnummer confirms nothing."""
    members = [Member(person=writer, role=Role.APPLICANT, basis=MembershipBasis.SIGNED)] + [
        Member(
            person=get_or_create_person(m["personnummer"]),
            role=m["role"],
            days=m.get("days"),
            basis=MembershipBasis.DECLARED,
        )
        for m in declared["members"]
        if m["role"] == Role.CHILD
    ]
    where = municipality()
    unit = Unit.objects.filter(municipality=where).order_by("pk").first()
    return open_case(where, members, actor=actor_for(writer), unit=unit)


def _signature(application, person, role, declared, login: SignerLogin) -> Signature:
    signature = Signature.objects.create(
        application=application,
        person=person,
        role=role,
        declared_sha256=declared_digest(declared),
        issuer=login.issuer,
        authenticated_at=login.at,
        login_ref=login.ref,
    )
    record(
        "eservice.signed",
        actor=actor_for(person),
        case_id=application.case_id,
        subject=f"application:{application.pk}",
        data={"role": role, "sha256": signature.declared_sha256, "login": login.ref},
    )
    return signature


def awaiting_my_signature(person: Person):
    """Applications that wait for this person's signature."""
    return Cosignature.objects.filter(
        partner=person,
        signed_at__isnull=True,
        expired_at__isnull=True,
        declined_at__isnull=True,
        application__state=State.AWAITING_COSIGNATURE,
    ).select_related("application", "application__case")


def cosign(application: Application, person: Person, login: SignerLogin) -> Application:
    """The partner signs with their own login; the application is then submitted."""
    with transaction.atomic():
        pending = Cosignature.objects.select_for_update().filter(application=application).first()
        if pending is None or pending.partner_id != person.pk:
            raise EserviceError(_("Den här ansökan väntar inte på din underskrift."))
        if pending.signed_at is not None:
            return application
        if pending.expired_at is not None or pending.expires_at < timezone.now():
            raise EserviceError(
                _("Tiden för att skriva under har gått ut. Den som skrev ansökan kan göra en ny.")
            )
        application.refresh_from_db()
        if application.state != State.AWAITING_COSIGNATURE:
            raise EserviceError(_("Ansökan väntar inte längre på underskrift."))
        if (
            login.ref
            and Signature.objects.filter(application=application, login_ref=login.ref).exists()
        ):
            raise EserviceError(_("En underskrift kan inte göras med den andras inloggning."))
        elsewhere = Signature.objects.filter(
            person=person, application__month=application.month, application__state__in=LIVE_STATES
        ).exclude(application=application)
        if elsewhere.exists():  # one household's assistance a month, not two
            raise EserviceError(
                _(
                    "Du har redan skrivit under en annan ansökan för %(month)s. Kontakta din "
                    "handläggare om du har flyttat ihop med någon."
                )
                % {"month": application.month}
            )
        role = role_in(application.declared, person)
        _signature(application, person, role, application.declared, login)
        pending.signed_at = timezone.now()
        pending.save(update_fields=["signed_at"])
        membership.join(application.case, person, role, actor=actor_for(person))
        membership.leave_undeclared(application, actor=actor_for(person))
        submit(application, actor=actor_for(person), reason="båda har skrivit under")
    return application


def decline(application: Application, person: Person) -> Application:
    """The named partner declines to sign: the application is withdrawn and its writer sees
    why on Mina sidor. The partner never becomes a member of the writer's household."""
    with transaction.atomic():
        pending = Cosignature.objects.select_for_update().filter(application=application).first()
        if pending is None or pending.partner_id != person.pk or pending.signed_at is not None:
            raise EserviceError(_("Den här ansökan väntar inte på din underskrift."))
        if pending.declined_at is not None:
            return application
        application.refresh_from_db()
        if application.state != State.AWAITING_COSIGNATURE:
            raise EserviceError(_("Ansökan väntar inte längre på underskrift."))
        pending.declined_at = timezone.now()
        pending.save(update_fields=["declined_at"])
        transition(
            application,
            State.WITHDRAWN,
            actor=actor_for(person),
            reason="den andra vuxna i ansökan avböjde att skriva under",
        )
        record(
            "eservice.cosign_declined",
            actor=actor_for(person),
            case_id=application.case_id,
            subject=f"application:{application.pk}",
            data={},
        )
    return application


def declined_for(person: Person):
    """The writer's applications that the named partner declined to sign (shown on Mina
    sidor with what to do next)."""
    return Cosignature.objects.filter(
        declined_at__isnull=False,
        application__signatures__person=person,
        application__state=State.WITHDRAWN,
    ).select_related("application")


def remind_and_expire(now=None) -> dict[str, int]:
    """Reminders for partners who have not signed after COSIGN_REMIND_DAYS; applications
    whose partner did not sign within COSIGN_EXPIRY_DAYS are withdrawn. The worker runs it."""
    now = now or timezone.now()
    open_ = Cosignature.objects.filter(signed_at__isnull=True, expired_at__isnull=True)
    reminded = 0
    due = open_.filter(
        reminded_at__isnull=True,
        requested_at__lte=now - timedelta(days=settings.COSIGN_REMIND_DAYS),
        expires_at__gt=now,
    ).select_related("application")
    for pending in due:
        if Cosignature.objects.filter(pk=pending.pk, reminded_at__isnull=True).update(
            reminded_at=now
        ):
            reminded += 1
            record(
                "eservice.cosign_reminder",
                actor=SYSTEM,
                case_id=pending.application.case_id,
                subject=f"application:{pending.application_id}",
                data={"expires_at": pending.expires_at.isoformat()},
            )
    expired = 0
    for pending in open_.filter(expires_at__lte=now).select_related("application"):
        with transaction.atomic():
            if not Cosignature.objects.filter(pk=pending.pk, expired_at__isnull=True).update(
                expired_at=now
            ):
                continue
            if pending.application.state == State.AWAITING_COSIGNATURE:
                transition(
                    pending.application,
                    State.WITHDRAWN,
                    actor=SYSTEM,
                    reason=f"medsökande skrev inte under inom {settings.COSIGN_EXPIRY_DAYS} dagar",
                )
            expired += 1
    return {"reminded": reminded, "expired": expired}


# --------------------------------------------------------------------------- after submitting


def answer_completion(application: Application, person: Person, text: str):
    """The applicant answers the caseworker's request for completion; the application goes
    back to the robot with the answer."""
    from bistand.workspace.models import CompletionRequest

    text = (text or "").strip()
    if not text:
        raise EserviceError(_("Skriv ditt svar."))
    with transaction.atomic():
        request = (
            CompletionRequest.objects.select_for_update()
            .filter(application=application, answered_at__isnull=True)
            .order_by("-at")
            .first()
        )
        if request is None or application.state != State.COMPLETION_REQUESTED:
            raise EserviceError(_("Det finns ingen begäran om komplettering att svara på."))
        request.answer, request.answered_at = text[:5000], timezone.now()
        request.save(update_fields=["answer", "answered_at"])
        Message.objects.create(
            case=application.case,
            application=application,
            from_applicant=True,
            person=person,
            body=f"Svar på begäran om komplettering:\n{text[:5000]}",
        )
        submit(application, actor=actor_for(person), reason="komplettering inkommen")
    return request


def send_message(
    case: Case,
    *,
    body: str,
    person: Person | None = None,
    staff=None,
    application: Application | None = None,
) -> Message:
    """A message in the case's thread, from the applicant (``person``) or staff (``staff``)."""
    body = (body or "").strip()
    if not body:
        raise EserviceError(_("Meddelandet är tomt."))
    if len(body) > 5000:
        raise EserviceError(_("Meddelandet får vara högst 5 000 tecken."))
    message = Message.objects.create(
        case=case,
        application=application,
        from_applicant=person is not None,
        person=person,
        staff=staff,
        body=body,
    )
    record(
        "eservice.message",
        actor=actor_for(person) if person else Actor.user(staff),
        case_id=case.pk,
        subject=f"message:{message.pk}",
        data={"from_applicant": person is not None, "length": len(body)},
    )
    return message


# --------------------------------------------------------------------------- Mina sidor


def record_view(person: Person, application: Application, view: str, **data: Any) -> None:
    """The applicant saw personal data of the case (an application, a decision, a file)."""
    record(
        "eservice.viewed",
        actor=actor_for(person),
        case_id=application.case_id,
        subject=f"application:{application.pk}",
        data={"view": view, **data},
    )


def open_completion_request(application: Application):
    """The caseworker's unanswered request for completion, if the application waits for one."""
    from bistand.workspace.models import CompletionRequest

    if application.state != State.COMPLETION_REQUESTED:
        return None
    return (
        CompletionRequest.objects.filter(application=application, answered_at__isnull=True)
        .order_by("-at", "-pk")
        .first()
    )


def store_attachment(person: Person, upload, kind: str, *, application: Application):
    """A file (already checked by ``forms.AttachmentForm``) added to a submitted application,
    stored outside the web root like the draft's attachments."""
    from .models import Attachment

    if application.attachments.count() >= settings.ATTACHMENTS_PER_APPLICATION:
        raise EserviceError(_("Du kan inte lägga till fler bilagor till den här ansökan."))
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = (upload.name or "bilaga").replace("/", "_").replace("\\", "_")[-200:]
    attachment = Attachment(
        application=application,
        uploaded_by=person,
        kind=kind,
        filename=name,
        content_type=getattr(upload, "detected_type", "application/octet-stream"),
        size=upload.size,
        sha256=digest.hexdigest(),
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    record(
        "eservice.attachment_added",
        actor=actor_for(person),
        case_id=application.case_id,
        subject=f"application:{application.pk}",
        data={"attachment": attachment.pk, "kind": kind, "bytes": attachment.size},
    )
    return attachment


def answer_completion_with(
    application: Application, person: Person, text: str, *, upload=None, kind: str = ""
):
    """``answer_completion`` with an optional file: both are stored, or neither."""
    stored = []
    try:
        with transaction.atomic():
            request = answer_completion(application, person, text)
            if upload is not None:
                stored.append(store_attachment(person, upload, kind, application=application))
    except Exception:
        for attachment in stored:  # the row rolled back; the file must not stay behind
            attachment.file.storage.delete(attachment.file.name)
        raise
    return request


def unread_messages(person: Person):
    """Staff messages in the person's current cases that no one in the household has read
    yet."""
    return Message.objects.filter(
        case__in=[case.pk for case in membership.cases_of(person)],
        from_applicant=False,
        read_at__isnull=True,
    )


def mark_read(case: Case, person: Person) -> int:
    """The applicant has seen the case's thread: staff messages count as read."""
    changed = Message.objects.filter(case=case, from_applicant=False, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if changed:
        record(
            "eservice.messages_read",
            actor=actor_for(person),
            case_id=case.pk,
            subject=f"case:{case.pk}",
            data={"messages": changed},
        )
    return changed


def decision_due(application: Application):
    """When the applicant can expect the decision: the municipality's goal is within 24 hours
    of submission, counted on working days (Monday to Friday; Friday afternoon gives Monday
    afternoon, the weekend gives Monday). None before submission."""
    if application.submitted_at is None:
        return None
    submitted = timezone.localtime(application.submitted_at)
    if submitted.weekday() >= 5:  # sent at the weekend: by the end of Monday
        monday = submitted + timedelta(days=7 - submitted.weekday())
        return monday.replace(hour=23, minute=59, second=0, microsecond=0)
    due = submitted + timedelta(days=1)
    while due.weekday() >= 5:
        due += timedelta(days=1)
    return due
