"""Akut hjälp: the applicant's request on Mina sidor, the reception's registration, the queue with
its hours clock, the caseworker's decision, the letter and the urgent payment.

Staff: every request is looked up among the cases the user sees (``cases_visible_to``; else
404); actions need a deciding role (else 403). Applicant: only their own requests, for a case
where they are a confirmed adult. Forms work without JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bistand.audit.services import Actor, record, record_access
from bistand.cases import membership
from bistand.cases.membership import cases_of
from bistand.eservice.session import applicant_required
from bistand.eservice.views.apply import error_list
from bistand.rules.money import format_kr, from_ore
from bistand.staff import access
from bistand.workspace.guards import for_action, staff_view

from . import clock, services
from .forms import DecisionForm, ReceptionForm, RequestForm
from .models import OPEN, Channel, PaymentStatus, Status, UrgentRequest
from .payment_file import PaymentFileError

PURPOSE = "Handläggning av akut hjälp"


def kr(ore: int | None) -> str:
    return "" if ore is None else format_kr(from_ore(ore))


def visible_requests(user):
    return UrgentRequest.objects.filter(case__in=access.cases_visible_to(user)).select_related(
        "case", "applicant"
    )


def visible_request(user, pk: int) -> UrgentRequest:
    found = visible_requests(user).filter(pk=pk).first()
    if found is None:
        raise Http404("Ansökan om akut hjälp finns inte.")
    return found


def request_for_action(request, pk: int) -> UrgentRequest:
    found = visible_request(request.user, pk)
    if not access.can_decide(request.user):
        raise PermissionDenied("Du har bara läsbehörighet.")
    return found


# --------------------------------------------------------------------------- staff


@staff_view
@never_cache
def queue(request):
    requests = visible_requests(request.user)
    now = timezone.now()
    open_rows = [
        {"r": r, "clock": clock.clock(r.due_at, now)}
        for r in requests.filter(status__in=OPEN).order_by("due_at", "pk")
    ]
    done = requests.exclude(status__in=OPEN).select_related("decision").order_by("-pk")[:30]
    return render(
        request,
        "urgent/queue.html",
        {"open_rows": open_rows, "done": done, "may_act": access.can_decide(request.user)},
    )


@staff_view
@never_cache
def detail(request, pk: int):
    urgent = visible_request(request.user, pk)
    access.open_case(request.user, urgent.case_id, purpose=PURPOSE, view="urgent:detail")
    proposal = getattr(urgent, "proposal", None)
    decision = getattr(urgent, "decision", None)
    payment = getattr(decision, "payment", None) if decision else None
    initial = {}
    if proposal is not None and proposal.amount_ore:
        initial["amount"] = str(from_ore(proposal.amount_ore)).replace(".", ",")
    form = DecisionForm(initial=initial)
    return _detail(request, urgent, proposal, decision, payment, form)


def _detail(request, urgent, proposal, decision, payment, form, status=200):
    return render(
        request,
        "urgent/detail.html",
        {
            "u": urgent,
            "proposal": proposal,
            "decision": decision,
            "payment": payment,
            "form": form,
            "errors": error_list(form),
            "clock": clock.clock(urgent.due_at) if urgent.open else None,
            "may_act": access.can_decide(request.user),
            "proposed": kr(proposal.amount_ore) if proposal else "",
            "decided_amount": kr(decision.amount_ore) if decision else "",
        },
        status=status,
    )


@staff_view
@never_cache
def register(request, pk: int):
    """At the reception, for the applicant of an existing case (from the case view)."""
    application = for_action(request, pk)
    case = application.case
    access.open_case(request.user, case.pk, purpose=PURPOSE, view="urgent:register")
    adults = services.adults(case)
    form = ReceptionForm(request.POST or None, adults=adults)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = next((m.person for m in adults if m.person.pk == data["person"]), None)
        try:
            if person is None:
                raise services.UrgentError("Välj vem som ansöker.")
            urgent = services.create_request(
                case,
                person,
                reason=data["reason"],
                description=data["description"],
                days=data["days"],
                channel=Channel.RECEPTION,
                actor=Actor.user(request.user),
                registered_by=request.user,
                identity_check=data["identity_check"],
                identity_note=data["identity_note"],
            )
        except services.UrgentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Ansökan om akut hjälp är registrerad.")
            return redirect("urgent:detail", urgent.pk)
    return render(
        request,
        "urgent/register.html",
        {"application": application, "form": form, "errors": error_list(form)},
        status=400 if form.is_bound else 200,
    )


@staff_view
@require_POST
def propose_now(request, pk: int):
    urgent = request_for_action(request, pk)
    services.make_proposal(urgent.pk)
    return redirect("urgent:detail", urgent.pk)


@staff_view
@require_POST
def decide(request, pk: int):
    urgent = request_for_action(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.decide(
                urgent,
                user=request.user,
                outcome=data["outcome"],
                amount_ore=data["amount_ore"],
                motivering=data["motivering"],
            )
        except services.UrgentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Beslutet är fattat och beslutsbrevet finns för den sökande.")
            return redirect("urgent:detail", urgent.pk)
    urgent.refresh_from_db()
    proposal = getattr(urgent, "proposal", None)
    decision = getattr(urgent, "decision", None)
    payment = getattr(decision, "payment", None) if decision else None
    # The request's page shown again (with what was written kept): its opening is logged.
    access.open_case(request.user, urgent.case_id, purpose=PURPOSE, view="urgent:decide")
    return _detail(request, urgent, proposal, decision, payment, form, status=400)


@staff_view
@require_POST
def export(request, pk: int):
    urgent = request_for_action(request, pk)
    payment = _payment(urgent)
    try:
        services.export_payment(payment, actor=Actor.user(request.user))
    except PaymentFileError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Betalningsfilen för den akuta utbetalningen är skapad.")
    return redirect("urgent:detail", urgent.pk)


@staff_view
@require_POST
def paid(request, pk: int):
    urgent = request_for_action(request, pk)
    try:
        services.mark_paid(_payment(urgent), actor=Actor.user(request.user))
    except services.UrgentError as error:
        messages.error(request, str(error))
    return redirect("urgent:detail", urgent.pk)


@staff_view
def payment_xml(request, pk: int):
    urgent = request_for_action(request, pk)
    payment = _payment(urgent)
    if payment.status == PaymentStatus.PENDING:
        raise Http404("Betalningsfilen är inte skapad än.")
    record_access(request.user, case_id=urgent.case_id, purpose=PURPOSE, view="urgent:pain001")
    response = HttpResponse(bytes(payment.xml), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="akut-{payment.pk}.xml"'
    return response


@staff_view
def letter(request, pk: int):
    urgent = visible_request(request.user, pk)
    decision = getattr(urgent, "decision", None)
    if decision is None:
        raise Http404("Inget beslut än.")
    record_access(request.user, case_id=urgent.case_id, purpose=PURPOSE, view="urgent:letter")
    return _pdf(decision)


def _payment(urgent: UrgentRequest):
    decision = getattr(urgent, "decision", None)
    payment = getattr(decision, "payment", None) if decision else None
    if payment is None:
        raise Http404("Ingen utbetalning.")
    return payment


def _pdf(decision) -> HttpResponse:
    response = HttpResponse(services.letter_pdf(decision), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="beslut-akut-{decision.request_id}.pdf"'
    return response


# --------------------------------------------------------------------------- applicant


def own_requests(person):
    """The person's own urgent requests, and their household's made while they were a
    confirmed adult of it (a partner who joined later does not read an earlier request's
    reason, amount or letter; security review 2026-12-06)."""
    while_member = Q(applicant=person)
    for member in membership.confirmed(person).select_related("household__case"):
        case = getattr(member.household, "case", None)
        if case is None:
            continue
        span = Q(case=case, received_at__date__gte=member.valid_from)
        if member.valid_to is not None:
            span &= Q(received_at__date__lte=member.valid_to)
        while_member |= span
    return UrgentRequest.objects.filter(while_member)


@applicant_required
@never_cache
def apply(request):
    person = request.applicant
    cases = cases_of(person)
    if not cases:
        return render(request, "urgent/no_case.html", status=404)
    form = RequestForm(request.POST or None, cases=cases)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = next((c for c in cases if c.pk == data.get("case", cases[0].pk)), cases[0])
        try:
            urgent = services.create_request(
                case,
                person,
                reason=data["reason"],
                description=data["description"],
                days=data["days"],
                channel=Channel.MINASIDOR,
                actor=Actor.applicant(person),
            )
        except services.UrgentError as error:
            form.add_error(None, _(str(error)))  # marked in services
        else:
            messages.success(
                request,
                _("Din ansökan om akut hjälp har kommit in. Vi hör av oss i dag (senast %(due)s).")
                % {"due": f"{timezone.localtime(urgent.due_at):%Y-%m-%d %H:%M}"},
            )
            return redirect("eservice:home")
    return render(
        request,
        "urgent/apply.html",
        {"form": form, "errors": error_list(form)},
        status=400 if form.is_bound else 200,
    )


@applicant_required
def applicant_letter(request, pk: int):
    urgent = own_requests(request.applicant).filter(pk=pk).first()
    decision = getattr(urgent, "decision", None) if urgent else None
    if decision is None:
        raise Http404("Beslutet finns inte.")
    record(
        "urgent.letter_read",
        actor=Actor.applicant(request.applicant),
        case_id=urgent.case_id,
        subject=f"urgent:{urgent.pk}",
    )
    # Delivery (FL 33 §, 44 §): the first opening starts the appeal period (bistand.appeals).
    from bistand.appeals.services import record_urgent_read_on_minasidor

    record_urgent_read_on_minasidor(decision, request.applicant)
    return _pdf(decision)


def applicant_status(urgent: UrgentRequest) -> str:
    if urgent.status in OPEN:
        return _("Inkommen – vi beslutar i dag")
    if urgent.status == Status.REFUSED:
        return _("Beslutad: avslag")
    payment = getattr(urgent.decision, "payment", None)
    amount = {"amount": kr(urgent.decision.amount_ore)}
    if urgent.status == Status.PAID or (payment and payment.status == PaymentStatus.PAID):
        return _("Utbetald: %(amount)s") % amount
    if payment and payment.status == PaymentStatus.EXPORTED:
        return _("Beviljad: %(amount)s, skickad till banken") % amount
    return _("Beviljad: %(amount)s") % amount


def home_panel(request, person):
    """Mina sidor: the button and the person's urgent requests (received, decided, paid)."""
    if person is None:
        return None
    rows = [
        {"r": r, "status": applicant_status(r), "letter": hasattr(r, "decision")}
        for r in own_requests(person).select_related("decision").order_by("-pk")[:5]
    ]
    return {"rows": rows, "may_apply": bool(cases_of(person)), "apply_url": reverse("urgent:apply")}


def case_panel(request, application):
    """The case view: the case's urgent requests and the reception's registration."""
    rows = UrgentRequest.objects.filter(case_id=application.case_id).order_by("-pk")[:5]
    return {
        "rows": rows,
        "application": application,
        "may_act": access.can_decide(request.user),
    }


def staff_link(request, obj):
    if request is None or not access.roles(request.user):
        return None
    count = visible_requests(request.user).filter(status__in=OPEN).count()
    return {"count": count}
