"""Mina sidor: the applicant's applications, their status, decisions and messages.

Every view looks the application up through ``services.application_for`` (the person's own
households only); anything else is a 404. Every page that shows personal data of a case is
recorded in the audit log as the applicant's access.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django import forms as django_forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from bistand.audit.services import Actor
from bistand.cases.models import Application, State

from .. import files, forms, services
from ..letter_page import on_screen
from ..models import Draft, Message
from ..session import applicant_required
from .account import waiting_for_account
from .apply import error_list
from .summary import kr, summary

# The status as the applicant reads it (not the caseworkers' words).
STATUS_TEXT = {
    State.DRAFT: gettext_lazy("Inte inskickad"),
    State.AWAITING_COSIGNATURE: gettext_lazy("Väntar på underskrift"),
    State.SUBMITTED: gettext_lazy("Inkommen"),
    State.ROBOT_PROCESSING: gettext_lazy("Under handläggning"),
    State.PROPOSAL_READY: gettext_lazy("Under handläggning"),
    State.COMPLETION_REQUESTED: gettext_lazy("Komplettering begärd"),
    State.DECIDED: gettext_lazy("Beslut"),
    State.PAID: gettext_lazy("Utbetald"),
    State.WITHDRAWN: gettext_lazy("Återkallad"),
}

# The four steps every application goes through, and the states that belong to each.
IN = "inkommen"
HANDLING = "handlaggning"
DECISION = "beslut"
PAID = "utbetald"
PHASE_OF = {
    State.SUBMITTED: IN,
    State.ROBOT_PROCESSING: HANDLING,
    State.PROPOSAL_READY: HANDLING,
    State.COMPLETION_REQUESTED: HANDLING,
    State.DECIDED: DECISION,
    State.PAID: PAID,
}
PHASES = [IN, HANDLING, DECISION, PAID]
PHASE_LABEL = {
    IN: gettext_lazy("Inkommen"),
    HANDLING: gettext_lazy("Under handläggning"),
    DECISION: gettext_lazy("Beslut"),
    PAID: gettext_lazy("Utbetald"),
}
WAITING = {State.SUBMITTED, State.ROBOT_PROCESSING, State.PROPOSAL_READY}


def month_name(month: str) -> str:
    """ "mars 2025" in Swedish, "March 2025" in English (Django's translated month names)."""
    year, number = month.split("-")
    return f"{MONTHS[int(number)]} {year}"


def status_text(state: str) -> str:
    return str(STATUS_TEXT.get(state, state))


@dataclass
class Step:
    label: str
    at: datetime | None
    status: str  # "done", "current" or "todo"
    note: str = ""
    kind: str = ""  # one of PHASES, or what else happened: "cosign", "completion", ...


def timeline(application: Application) -> list[Step]:
    """The application's way so far, from its transition log: the four steps (inkommen,
    under handläggning, beslut, utbetald) with the dates they were reached, and between them
    what else happened (waiting for the partner's signature, completion, withdrawal)."""
    transitions = list(application.transitions.order_by("at", "pk"))
    reached: dict[str, datetime] = {}
    extra: list[Step] = []
    for t in transitions:
        phase = PHASE_OF.get(t.to_state)
        if phase is not None:
            # A step counts from the first time it is reached; the robot may pass a state
            # twice (a second round after a completion), and an earlier step is then reached
            # again without being new to the applicant.
            for earlier in PHASES[: PHASES.index(phase) + 1]:
                reached.setdefault(earlier, t.at)
        if t.to_state == State.AWAITING_COSIGNATURE:
            extra.append(
                Step(_("Väntar på underskrift av medsökande"), t.at, "done", kind="cosign")
            )
        elif t.to_state == State.COMPLETION_REQUESTED:
            extra.append(Step(_("Komplettering begärd"), t.at, "done", kind="completion"))
        elif t.from_state == State.COMPLETION_REQUESTED and t.to_state == State.SUBMITTED:
            extra.append(Step(_("Komplettering inkommen"), t.at, "done", kind="answered"))
        elif t.to_state == State.WITHDRAWN:
            extra.append(Step(_("Återkallad"), t.at, "done", note=t.reason, kind="withdrawn"))
    current_phase = PHASE_OF.get(application.state)
    steps: list[Step] = []
    for phase in PHASES:
        if application.state == State.WITHDRAWN and phase not in reached:
            continue
        if phase == current_phase:
            status = "done" if phase == PAID else "current"
        elif phase in reached:
            status = "done"
        else:
            status = "todo"
        steps.append(Step(str(PHASE_LABEL[phase]), reached.get(phase), status, kind=phase))
    if application.state == State.AWAITING_COSIGNATURE and extra:
        extra[-1].status = "current"
    # Waiting for the applicant's completion, or handled again after the answer: the newest
    # of those events is where the application is now, not the step first reached long ago.
    now_at = {State.COMPLETION_REQUESTED: "completion"}
    if any(step.kind == "answered" for step in extra):
        now_at.update(dict.fromkeys(WAITING, "answered"))
    if application.state in now_at:
        for step in steps:
            if step.status == "current":
                step.status = "done"
        for step in reversed(extra):
            if step.kind == now_at[application.state]:
                step.status = "current"
                if step.kind == "answered":
                    step.note = _("Ansökan handläggs igen.")
                break
    # The extra events in their place in time; steps not yet reached come last.
    dated = [s for s in steps + extra if s.at is not None]
    dated.sort(key=lambda s: s.at)
    return dated + [s for s in steps if s.at is None]


# --------------------------------------------------------------------------- home


@never_cache
@applicant_required
def home(request):
    person = request.applicant
    applications = list(
        services.applications_of(person).select_related("case").order_by("-month", "-pk")
    )
    unread = services.unread_messages(person).order_by("-created_at", "-pk")
    newest_unread = unread.select_related("application").first()
    unread_url = ""
    if newest_unread is not None:
        target = newest_unread.application or next(
            (a for a in applications if a.case_id == newest_unread.case_id), None
        )
        if target is not None:
            unread_url = reverse("eservice:application", args=[target.pk]) + "#meddelanden"
    return render(
        request,
        "eservice/minasidor/home.html",
        {
            "applications": [
                {
                    "application": a,
                    "month": month_name(a.month),
                    "status": status_text(a.state),
                    "waiting_for_me": a.state == State.COMPLETION_REQUESTED,
                }
                for a in applications
            ],
            "drafts": [
                {"draft": d, "month": month_name(d.month)}
                for d in Draft.objects.filter(person=person, application__isnull=True).order_by(
                    "-month"
                )
            ],
            "to_sign": [
                {"pending": p, "month": month_name(p.application.month)}
                for p in services.awaiting_my_signature(person)
            ],
            "declined": [
                {"pending": p, "month": month_name(p.application.month)}
                for p in services.declined_for(person).order_by("-declined_at")[:3]
            ],
            "unread": unread.count(),
            "unread_url": unread_url,
            "waiting_for_account": waiting_for_account(person),
        },
    )


# --------------------------------------------------------------------------- one application


class AnswerForm(django_forms.Form):
    answer = django_forms.CharField(
        label=gettext_lazy("Ditt svar"),
        max_length=5000,
        widget=django_forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": gettext_lazy("Skriv ditt svar till handläggaren."),
            "max_length": gettext_lazy("Svaret får vara högst 5 000 tecken."),
        },
    )


class MessageForm(django_forms.Form):
    body = django_forms.CharField(
        label=gettext_lazy("Ditt meddelande"),
        max_length=5000,
        widget=django_forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Skriv bara text. Högst 5 000 tecken."),
        error_messages={
            "required": gettext_lazy("Skriv ett meddelande innan du skickar."),
            "max_length": gettext_lazy("Meddelandet får vara högst 5 000 tecken."),
        },
    )


def _own(request, pk: int) -> Application:
    found = services.application_for(request.applicant, pk)
    if found is None:
        raise Http404(_("Ansökan finns inte."))
    return found


def _decision(application: Application):
    from bistand.decisions.models import Decision

    return (
        Decision.objects.filter(application=application)
        .prefetch_related("items")
        .select_related("application__case")
        .first()
    )


def _decision_view(decision) -> dict | None:
    """What Mina sidor shows of a decision: the letter's own content (letters.content), so
    the page says what the letter says and hides the same things (protected identity)."""
    if decision is None:
        return None
    from bistand.letters.content import LetterError, letter_content

    try:
        letter = letter_content(decision)
    except LetterError:
        letter = None
    return {
        "decision": decision,
        "letter": letter,
        "decided_on": timezone.localtime(decision.decided_at).date(),
        "total": kr(str(Decimal(decision.amount_ore) / 100)),
    }


@never_cache
@applicant_required
def application(request, pk: int):
    person = request.applicant
    found = _own(request, pk)
    completion = services.open_completion_request(found)
    answer_form = AnswerForm(prefix="svar")
    attachment_form = forms.AttachmentForm(prefix="bilaga")
    message_form = MessageForm(prefix="meddelande")
    # Only the case's current confirmed members write in it and read its whole thread; someone
    # who was a member in the application's month (an ex-partner) reads that month's messages.
    member_now = services.may_write(person, found.case)
    if request.method == "POST" and not member_now:
        messages.error(request, _("Du hör inte längre till hushållet och kan inte skriva här."))
        return redirect("eservice:application", found.pk)
    if request.method == "POST":
        if "answer" in request.POST:
            answer_form = AnswerForm(request.POST, prefix="svar")
            has_file = bool(request.FILES.get("bilaga-file"))
            if has_file:
                attachment_form = forms.AttachmentForm(request.POST, request.FILES, prefix="bilaga")
            if completion is None:
                messages.error(request, _("Det finns ingen begäran om komplettering att svara på."))
                return redirect("eservice:application", found.pk)
            if answer_form.is_valid() and (not has_file or attachment_form.is_valid()):
                try:
                    services.answer_completion_with(
                        found,
                        person,
                        answer_form.cleaned_data["answer"],
                        upload=attachment_form.cleaned_data["file"] if has_file else None,
                        kind=attachment_form.cleaned_data["kind"] if has_file else "",
                    )
                except services.EserviceError as error:
                    answer_form.add_error("answer", str(error))
                else:
                    messages.success(
                        request,
                        _("Tack! Ditt svar är skickat. Vi handlägger din ansökan igen."),
                    )
                    return redirect("eservice:application", found.pk)
        elif "message" in request.POST:
            message_form = MessageForm(request.POST, prefix="meddelande")
            if message_form.is_valid():
                try:
                    services.send_message(
                        found.case,
                        body=message_form.cleaned_data["body"],
                        person=person,
                        application=found,
                    )
                except services.EserviceError as error:
                    message_form.add_error("body", str(error))
                else:
                    messages.success(request, _("Ditt meddelande är skickat till handläggaren."))
                    return redirect(
                        reverse("eservice:application", args=[found.pk]) + "#meddelanden"
                    )
        else:
            return redirect("eservice:application", found.pk)
    thread = Message.objects.filter(case=found.case)
    if not member_now:
        thread = thread.filter(application=found)
    thread = list(thread.select_related("application").order_by("created_at", "pk"))
    unread_ids = {m.pk for m in thread if not m.from_applicant and m.read_at is None}
    if request.method == "GET" and member_now:
        services.mark_read(found.case, person)
    decision = _decision(found)
    payment = None
    if decision is not None:
        from bistand.payments.services import payment_info

        payment = payment_info(found)
    due = services.decision_due(found) if found.state in WAITING else None
    pending = (
        getattr(found, "cosignature", None) if found.state == State.AWAITING_COSIGNATURE else None
    )
    services.record_view(person, found, "eservice.application")
    errors = [*error_list(answer_form), *error_list(attachment_form), *error_list(message_form)]
    return render(
        request,
        "eservice/minasidor/application.html",
        {
            "application": found,
            "month": month_name(found.month),
            "status": status_text(found.state),
            "timeline": timeline(found),
            "due": due,
            "late": due is not None and timezone.now() > due,
            "completion": completion,
            "answer_form": answer_form,
            "attachment_form": attachment_form,
            "message_form": message_form,
            "errors": errors,
            "thread": thread,
            "unread_ids": unread_ids,
            "decision": _decision_view(decision),
            "payment": payment,
            "payment_amount": kr(str(Decimal(payment.amount_ore) / 100)) if payment else "",
            "attachments": services.attachments_for(person, found),
            "pending": pending,
            "i_must_sign": pending is not None
            and pending.partner_id == person.pk
            and pending.signed_at is None,
            "summary": summary(found.declared, found.month, me=person.personnummer),
        },
    )


# --------------------------------------------------------------------------- downloads


def _delivered(application: Application, person) -> None:
    """The first time the applicant opens the decision counts as its delivery (bistand/appeals)."""
    from bistand.appeals.services import record_read_on_minasidor

    record_read_on_minasidor(application, person)


def _decided(request, pk: int):
    found = _own(request, pk)
    decision = _decision(found)
    if decision is None:
        raise Http404(_("Det finns inget beslut för ansökan än."))
    return found, decision


@never_cache
@require_GET
@applicant_required
def decision(request, pk: int):
    """The decision letter as HTML: the archived letter (what the PDF was made from), or the
    same letter rendered now if it is not archived yet."""
    from bistand.letters.services import LetterError, existing_letter, render_html

    found, decided = _decided(request, pk)
    letter = existing_letter(decided)
    try:
        html = letter.html if letter is not None else render_html(decided)
    except LetterError:
        messages.error(request, _("Beslutsbrevet är inte klart än. Försök igen senare."))
        return redirect("eservice:application", found.pk)
    services.record_view(request.applicant, found, "eservice.decision")
    _delivered(found, request.applicant)
    html = on_screen(
        html,
        back_url=reverse("eservice:application", args=[found.pk]),
        back_text=_("Tillbaka till ansökan för %(month)s") % {"month": month_name(found.month)},
        home_url=reverse("eservice:home"),
        pdf_url=reverse("eservice:decision-pdf", args=[found.pk]),
    )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    # The letter is self-contained: its style is inline and it loads nothing.
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@require_GET
@applicant_required
def decision_pdf(request, pk: int):
    """The decision letter as PDF, archived once (by the system, if not yet done)."""
    from bistand.letters.services import (
        LetterError,
        archive_letter,
        existing_letter,
        letter_pdf_response,
    )

    found, decided = _decided(request, pk)
    letter = existing_letter(decided)
    if letter is None:
        try:
            letter = archive_letter(decided, actor=Actor.system("letters"))
        except LetterError:
            messages.error(request, _("Beslutsbrevet är inte klart än. Försök igen senare."))
            return redirect("eservice:application", found.pk)
    services.record_view(request.applicant, found, "eservice.decision_pdf")
    _delivered(found, request.applicant)
    return letter_pdf_response(letter, download=True)


@never_cache
@require_GET
@applicant_required
def attachment(request, pk: int, attachment_pk: int):
    """A file of the applicant's own application, always as a download, never shown inline."""
    found = _own(request, pk)
    stored = get_object_or_404(services.attachments_for(request.applicant, found), pk=attachment_pk)
    services.record_view(request.applicant, found, "eservice.attachment", attachment=stored.pk)
    return files.download(stored)
