"""Kommunicering's pages: the caseworker sends material and records a waiver; the queue of
applications waiting for an answer; the applicant answers on Mina sidor.

Permissions as every case action (bistand/workspace/guards.py): not logged in → login; no
staff role → 403; an application the user does not see → 404; only a role that decides may
send or waive → 403. Applicants: only the application's sökande and medsökande (404 for anyone
else). No personal data in addresses: only ids.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bistand.cases.models import State
from bistand.eservice import services as eservice
from bistand.eservice.forms import AttachmentForm
from bistand.eservice.session import applicant_required
from bistand.eservice.views.minasidor import month_name
from bistand.rules.explain import month_sv
from bistand.staff import access
from bistand.workspace.guards import for_action, staff_view

from . import services
from .models import Kommunicering, WaiverGround

PURPOSE = "handläggning: kommunicering"


def _errors(*forms_) -> list[tuple[str, str]]:
    found = []
    for form in forms_:
        for name, field_errors in form.errors.items():
            if name == "__all__":
                anchor = "main"
            elif isinstance(form.fields[name].widget, forms.RadioSelect):
                anchor = f"{form[name].auto_id}_0"  # the first radio button
            else:
                anchor = form[name].auto_id
            found += [(anchor, m) for m in field_errors]
    return found


# --------------------------------------------------------------------------- staff


class SendForm(forms.Form):
    text = forms.CharField(
        label="Text till den sökande (frivillig)",
        help_text="Skriv vad beslutet kan komma att grundas på och vad som går den sökande emot.",
        required=False,
        max_length=services.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5, "class": "govuk-textarea"}),
    )
    deadline = forms.DateField(
        label="Sista dag för svar (ÅÅÅÅ-MM-DD)",
        widget=forms.DateInput(
            attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}
        ),
        error_messages={
            "required": "Ange sista dag för svar (ÅÅÅÅ-MM-DD).",
            "invalid": "Skriv datumet som ÅÅÅÅ-MM-DD.",
        },
    )


class WaiverForm(forms.Form):
    ground = forms.ChoiceField(
        label="Skäl att besluta utan kommunicering",
        choices=WaiverGround.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Välj skälet att besluta utan kommunicering."},
    )
    text = forms.CharField(
        label="Motivering",
        max_length=services.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Skriv varför beslutet inte kan vänta på kommunicering."},
    )


def _send_page(request, application, form, chosen, status=200):
    flags, lines = services.material_choices(application)
    return render(
        request,
        "kommunicering/send.html",
        {
            "application": application,
            "month": month_sv(application.month),
            "form": form,
            "flags": flags,
            "lines": lines,
            "chosen": chosen,
            "adverse": services.adverse_reasons(getattr(application, "proposal", None)),
            "errors": _errors(form),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_view
def send(request, pk: int):
    """Choose the material and the deadline, and send."""
    application = for_action(request, pk)
    access.open_case(request.user, application.case_id, purpose=PURPOSE, view="kommunicering.send")
    if application.state != State.PROPOSAL_READY:
        messages.error(request, "Ansökan väntar inte på beslut; kommunicering skickas före beslut.")
        return redirect("workspace:application", pk=pk)
    if request.method == "GET":
        flags, lines = services.material_choices(application)
        form = SendForm(initial={"deadline": services.default_deadline()})
        chosen = {c.key for c in flags + lines if c.adverse}
        return _send_page(request, application, form, chosen)
    form = SendForm(request.POST)
    chosen = set(request.POST.getlist("material"))
    if form.is_valid():
        try:
            services.send(
                application,
                user=request.user,
                keys=sorted(chosen),
                text=form.cleaned_data["text"],
                deadline=form.cleaned_data["deadline"],
            )
        except services.KommuniceringError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                "Kommuniceringen är skickad. Den sökande har fått ett meddelande på Mina sidor.",
            )
            return redirect("workspace:application", pk=pk)
    return _send_page(request, application, form, chosen, status=400)


@require_POST
@staff_view
def waive(request, pk: int):
    """Record the reason to decide without (waiting for) kommunicering; bad input is shown on
    a page of its own with what was written kept (HTTP 400)."""
    application = for_action(request, pk)
    form = WaiverForm(request.POST)
    if form.is_valid():
        try:
            services.record_waiver(
                application,
                user=request.user,
                ground=form.cleaned_data["ground"],
                text=form.cleaned_data["text"],
            )
        except services.KommuniceringError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Skälet att besluta utan kommunicering är registrerat.")
            return redirect(reverse("workspace:application", args=[pk]) + "#kommunicering")
    # The page shows the case again (with what was written kept): its opening is logged.
    access.open_case(request.user, application.case_id, purpose=PURPOSE, view="kommunicering.waive")
    return render(
        request,
        "kommunicering/waive.html",
        {
            "application": application,
            "month": month_sv(application.month),
            "waiver_form": form,
            "errors": _errors(form),
        },
        status=400,
    )


@require_GET
@staff_view
def queue(request):
    """Kommunicering – väntar på svar: open applications with kommunicering sent, by deadline."""
    visible = access.applications_visible_to(request.user).filter(state=State.PROPOSAL_READY)
    newest = (
        Kommunicering.objects.filter(application__in=visible)
        .values("application_id")
        .annotate(last=Max("pk"))
        .values_list("last", flat=True)
    )
    today = timezone.localdate()
    rows = [
        {
            "k": k,
            "month": month_sv(k.application.month),
            "days_left": services.days_left(k, today),
            "status": services.status_text(k, today),
            "ready": k.answered or services.deadline_passed(k, today),
        }
        for k in Kommunicering.objects.filter(pk__in=list(newest))
        .select_related("application__case")
        .order_by("deadline", "pk")
    ]
    return render(request, "kommunicering/queue.html", {"rows": rows, "today": today})


# --------------------------------------------------------------------------- panels


def case_panel(request, application) -> dict | None:
    proposal = getattr(application, "proposal", None)
    sent = services.for_application(application)
    waivers = list(application.kommunicering_waivers.select_related("recorded_by"))
    ready = application.state == State.PROPOSAL_READY
    reasons = services.adverse_reasons(proposal) if ready else []
    block = (
        services.decision_block(proposal) if ready and proposal is not None and reasons else None
    )
    today = timezone.localdate()
    return {
        "application": application,
        "reasons": reasons,
        "block": block,
        "rows": [
            {"k": k, "status": services.status_text(k, today), "html": services.material_html(k)}
            for k in sent
        ],
        "waivers": waivers,
        "waived": bool(waivers),
        "may_act": ready and access.can_decide(request.user),
        "waiver_form": WaiverForm(),
    }


def staff_link(request, obj) -> dict | None:
    return {"links": [(reverse("kommunicering:queue"), "Kommunicering – väntar på svar")]}


def _applicant_rows(application, person) -> list[dict]:
    today = timezone.localdate()
    adult = any(a.person.pk == person.pk for a in services.confirmed_adults(application))
    return [
        {
            "k": k,
            "html": services.material_html(k),
            "status": services.status_text(k, today),
            "open": adult and services.open_for_answer(k),
        }
        for k in services.for_application(application)
    ]


def minasidor_application_panel(request, application) -> dict | None:
    person = getattr(request, "applicant", None)
    if person is None:
        return None
    return {
        "application": application,
        "rows": _applicant_rows(application, person),
        "form": AnswerForm(prefix="komm"),
        "attachment_form": AttachmentForm(prefix="kommbilaga"),
        "asked": services.registers_asked(application),
    }


def minasidor_home_panel(request, person) -> dict | None:
    open_ones = [
        k
        for k in Kommunicering.objects.filter(
            application__in=eservice.applications_of(person),
            application__state=State.PROPOSAL_READY,
            answered_at__isnull=True,
        ).select_related("application")
        if services.may_answer(k, person) and services.open_for_answer(k)
    ]
    if not open_ones:
        return None
    return {
        "open": [{"k": k, "month": month_name(k.application.month)} for k in open_ones],
    }


# --------------------------------------------------------------------------- applicant


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Ditt svar"),
        help_text=_("Skriv vad du vill att vi ska veta innan vi beslutar. Högst 5 000 tecken."),
        max_length=services.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Skriv ditt svar innan du skickar."),
            "max_length": _("Svaret får vara högst 5 000 tecken."),
        },
    )


@never_cache
@require_POST
@applicant_required
def answer(request, pk: int, kommunicering_pk: int):
    person = request.applicant
    application = eservice.application_for(person, pk)
    if application is None:
        raise Http404("Ansökan finns inte.")
    kommunicering = get_object_or_404(Kommunicering, pk=kommunicering_pk, application=application)
    kommunicering.application = application
    if not services.may_answer(kommunicering, person):
        raise Http404("Ansökan finns inte.")
    if not eservice.may_write(person, application.case):
        messages.error(
            request, gettext("Du hör inte längre till hushållet och kan inte svara här.")
        )
        return redirect("eservice:application", application.pk)
    form = AnswerForm(request.POST, prefix="komm")
    has_file = bool(request.FILES.get("kommbilaga-file"))
    attachment_form = (
        AttachmentForm(request.POST, request.FILES, prefix="kommbilaga")
        if has_file
        else AttachmentForm(prefix="kommbilaga")
    )
    if form.is_valid() and (not has_file or attachment_form.is_valid()):
        try:
            services.answer(
                kommunicering,
                person,
                form.cleaned_data["answer"],
                upload=attachment_form.cleaned_data["file"] if has_file else None,
                kind=attachment_form.cleaned_data["kind"] if has_file else "",
            )
        except services.KommuniceringError as error:
            form.add_error("answer", gettext(str(error)))  # marked in services
        except PermissionDenied:
            raise Http404("Ansökan finns inte.") from None
        else:
            messages.success(
                request,
                gettext("Tack! Ditt svar är skickat. Handläggaren läser det innan beslutet."),
            )
            return redirect(
                reverse("eservice:application", args=[application.pk]) + "#kommunicering"
            )
    return render(
        request,
        "kommunicering/answer.html",
        {
            "application": application,
            "month": month_name(application.month),
            "k": kommunicering,
            "html": services.material_html(kommunicering),
            "form": form,
            "attachment_form": attachment_form,
            "errors": _errors(form, attachment_form) if has_file else _errors(form),
        },
        status=400,
    )
