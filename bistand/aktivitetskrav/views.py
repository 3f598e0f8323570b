"""Aktivitetskrav pages: the caseworker's (plan, exemption, attendance, läkarintyg, reduction,
the IVO figures) and the applicant's on Mina sidor (report absence, send läkarintyg).

Permissions as every case page (bistand/workspace/guards.py): not logged in → login; no staff
role → 403; a case the user does not see (another unit, protected identity) → 404; recording
needs a role that decides → 403 for read-only roles. Opening a page writes the access log. A
person in an address is a database id, and must be an adult of the case (else 404). The
applicant reaches only their own applications (``application_for`` → 404).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bistand.audit.services import Actor
from bistand.cases.models import Person
from bistand.eservice.services import application_for
from bistand.eservice.session import applicant_required
from bistand.staff import access
from bistand.workspace.guards import for_action, staff_view, visible_application

from . import figures, services
from .forms import (
    AbsenceReportForm,
    ActivityForm,
    AssessAbsenceForm,
    AssessCertificateForm,
    AttendanceForm,
    CertificateUploadForm,
    ExemptionForm,
    PlanForm,
    ReductionForm,
    RegisterCertificateForm,
)
from .models import Attendance, MedicalCertificate, Plan

PURPOSE = "handläggning: aktivitetskrav"


def _errors(*forms) -> list[tuple[str, str]]:
    found = []
    for form in forms:
        if form is None or not form.is_bound:
            continue
        for name, field_errors in form.errors.items():
            href = "" if name == "__all__" else form[name].auto_id
            found += [(href, m) for m in field_errors]
    return found


def _form_page(request, application, case, person, form, title: str, button: str):
    """The one-form page (exemption, attendance, läkarintyg): 400 with the errors shown."""
    errors = _errors(form)
    return render(
        request,
        "aktivitetskrav/form.html",
        {
            "application": application,
            "case": case,
            "person": person,
            "form": form,
            "errors": errors,
            "title": title,
            "button": button,
        },
        status=400 if errors else 200,
    )


def _case_view(request, pk: int, *, action: bool, view: str):
    application = for_action(request, pk) if action else visible_application(request.user, pk)
    case = access.open_case(request.user, application.case_id, purpose=PURPOSE, view=view)
    return application, case


def _adult(case, person_id: int) -> Person:
    if not services.is_adult_of(case, person_id):
        raise Http404("Personen finns inte i ärendet.")
    return get_object_or_404(Person, pk=person_id)


def _back(application) -> str:
    return reverse("workspace:application", args=[application.pk]) + "#aktivitetskrav"


# --------------------------------------------------------------------------- staff: the plan


@require_http_methods(["GET", "POST"])
@staff_view
def plan(request, pk: int, person_id: int):
    """The person's individual plan: goal, adapted to capacity, and its activities."""
    action = request.method == "POST"
    application, case = _case_view(request, pk, action=action, view="aktivitetskrav.plan")
    person = _adult(case, person_id)
    current = Plan.objects.filter(case=case, person=person).first()
    plan_form = PlanForm(
        initial={"goal": current.goal, "capacity": current.capacity} if current else None
    )
    activity_form = ActivityForm(prefix="activity")
    actor = Actor.user(request.user) if action else ""
    if action and request.POST.get("action") == "activity":
        activity_form = ActivityForm(request.POST, prefix="activity")
        if current is None:
            activity_form.add_error(None, "Skriv planens mål och spara planen först.")
        elif activity_form.is_valid():
            data = activity_form.cleaned_data
            try:
                services.add_activity(
                    current,
                    kind=data["kind"],
                    provider=data["provider"],
                    hours_per_week=data["hours_per_week"],
                    start=data["start"],
                    end=data["end"],
                    actor=actor,
                )
            except services.AktivitetskravError as exc:
                activity_form.add_error(None, exc.messages[0])
            else:
                messages.success(request, "Aktiviteten är tillagd i planen.")
                return redirect(request.path)
    elif action:
        plan_form = PlanForm(request.POST)
        if plan_form.is_valid():
            try:
                services.save_plan(
                    case,
                    person,
                    goal=plan_form.cleaned_data["goal"],
                    capacity=plan_form.cleaned_data["capacity"],
                    actor=actor,
                )
            except services.AktivitetskravError as exc:
                plan_form.add_error(None, exc.messages[0])
            else:
                messages.success(request, "Planen är sparad.")
                return redirect(request.path)
    errors = _errors(plan_form, activity_form)
    return render(
        request,
        "aktivitetskrav/plan.html",
        {
            "application": application,
            "case": case,
            "person": person,
            "plan": current,
            "activities": list(current.activities.all()) if current else [],
            "status": services.status(person, application.month),
            "plan_form": plan_form,
            "activity_form": activity_form,
            "can_act": access.can_decide(request.user),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


# --------------------------------------------------------------------------- staff: exemption


@require_http_methods(["GET", "POST"])
@staff_view
def exemption(request, pk: int, person_id: int):
    application, case = _case_view(request, pk, action=True, view="aktivitetskrav.exemption")
    person = _adult(case, person_id)
    form = ExemptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_exemption(
                case,
                person,
                ground=data["ground"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                text=data["text"],
                actor=Actor.user(request.user),
            )
        except services.AktivitetskravError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, "Undantaget är registrerat.")
            return redirect(_back(application))
    return _form_page(
        request,
        application,
        case,
        person,
        form,
        "Undantag från aktivitetskravet",
        "Registrera undantaget",
    )


# --------------------------------------------------------------------------- staff: attendance


@require_http_methods(["GET", "POST"])
@staff_view
def attendance(request, pk: int, person_id: int):
    application, case = _case_view(request, pk, action=True, view="aktivitetskrav.attendance")
    person = _adult(case, person_id)
    current = Plan.objects.filter(case=case, person=person).first()
    activities = list(current.activities.all()) if current else []
    form = AttendanceForm(request.POST or None, activities=activities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = next((a for a in activities if a.pk == data["activity"]), None)
        try:
            services.record_attendance(
                case,
                person,
                day=data["day"],
                present=data["presence"] == "present",
                source=data["source"],
                actor=Actor.user(request.user),
                activity=chosen,
                hours=data["hours"],
                reason_kind=data["reason_kind"],
                reason=data["reason"],
                assessment=data["assessment"] or "pending",
            )
        except services.AktivitetskravError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, "Närvaron är registrerad.")
            return redirect(_back(application))
    return _form_page(
        request, application, case, person, form, "Registrera närvaro eller frånvaro", "Registrera"
    )


@require_POST
@staff_view
def assess_absence(request, pk: int, attendance_id: int):
    application, case = _case_view(request, pk, action=True, view="aktivitetskrav.assess_absence")
    row = get_object_or_404(Attendance, pk=attendance_id, case=case)
    form = AssessAbsenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Välj om skälet godtas eller inte.")
    else:
        try:
            services.assess_absence(
                row, assessment=form.cleaned_data["assessment"], actor=Actor.user(request.user)
            )
        except services.AktivitetskravError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, "Bedömningen av frånvaron är sparad.")
    return redirect(_back(application))


# --------------------------------------------------------------------------- staff: läkarintyg


@require_http_methods(["GET", "POST"])
@staff_view
def certificate(request, pk: int, certificate_id: int):
    action = request.method == "POST"
    application, case = _case_view(request, pk, action=action, view="aktivitetskrav.certificate")
    found = get_object_or_404(MedicalCertificate, pk=certificate_id, case=case)
    form = AssessCertificateForm(
        request.POST or None,
        initial={
            "status": found.status,
            "accepted_until": found.accepted_until or found.valid_until,
            "note": found.note,
        },
    )
    if action and form.is_valid():
        data = form.cleaned_data
        try:
            services.assess_certificate(
                found,
                status=data["status"],
                accepted_until=data["accepted_until"],
                note=data["note"],
                actor=Actor.user(request.user),
            )
        except services.AktivitetskravError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, "Bedömningen av läkarintyget är sparad.")
            return redirect(_back(application))
    errors = _errors(form)
    return render(
        request,
        "aktivitetskrav/certificate.html",
        {
            "application": application,
            "case": case,
            "certificate": found,
            "form": form,
            "can_act": access.can_decide(request.user),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_view
def register_certificate(request, pk: int, person_id: int):
    """Registrera läkarintyg: from the case's attachments of kind läkarintyg, or on paper; then
    the assessment page."""
    from bistand.eservice.models import Attachment, AttachmentKind

    application, case = _case_view(
        request, pk, action=True, view="aktivitetskrav.register_certificate"
    )
    person = _adult(case, person_id)
    attachments = list(
        Attachment.objects.filter(application__case=case, kind=AttachmentKind.MEDICAL).order_by(
            "-uploaded_at"
        )
    )
    form = RegisterCertificateForm(request.POST or None, attachments=attachments)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            certificate = services.register_certificate(
                application,
                person,
                attachment_id=data["attachment"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                actor=Actor.user(request.user),
            )
        except services.AktivitetskravError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, "Läkarintyget är registrerat. Bedöm det nu.")
            return redirect(
                reverse("aktivitetskrav:certificate", args=[application.pk, certificate.pk])
            )
    return _form_page(
        request, application, case, person, form, "Registrera läkarintyg", "Registrera läkarintyget"
    )


# --------------------------------------------------------------------------- staff: reduction


@require_http_methods(["GET", "POST"])
@staff_view
def reduction(request, pk: int):
    """Avslag or nedsättning for refusing activities: the caseworker's decision with motivering;
    the legal ground is added to the decision (``services.refuse_for_refusal``)."""
    application, case = _case_view(request, pk, action=True, view="aktivitetskrav.reduction")
    proposal = getattr(application, "proposal", None)
    values = services.parameters(application.month)
    form = ReductionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if proposal is None:
            form.add_error(None, "Ansökan har inget beslutsförslag att besluta om.")
        else:
            from bistand.decisions.review import ReviewError

            try:
                result = services.refuse_for_refusal(
                    proposal,
                    user=request.user,
                    motivering_text=form.cleaned_data["motivering"],
                    amount=form.cleaned_data["amount"],
                )
            except (services.AktivitetskravError, ReviewError) as exc:
                form.add_error(None, getattr(exc, "messages", [str(exc)])[0])
            except PermissionDenied:
                raise
            else:
                messages.success(request, result.message)
                return redirect(reverse("workspace:application", args=[application.pk]))
    errors = _errors(form)
    return render(
        request,
        "aktivitetskrav/reduction.html",
        {
            "application": application,
            "case": case,
            "proposal": proposal,
            "form": form,
            "legal_source": " ".join(str(values.get("aktivitetskrav_legal_source") or "").split()),
            "applies": values["applies"],
            "errors": errors,
        },
        status=400 if errors else 200,
    )


# --------------------------------------------------------------------------- staff: IVO figures


@require_http_methods(["GET"])
@staff_view
def ivo(request):
    from bistand.followup import access as followup_access

    staff = access.require_role(request.user, *followup_access.ROLES)
    permitted = followup_access.allowed_units(request.user)
    month = request.GET.get("manad") or f"{timezone.localdate():%Y-%m}"
    error = ""
    try:
        services.parameters(month)
    except Exception:
        error = "Ange månaden som ÅÅÅÅ-MM, t.ex. 2026-10."
        month = f"{timezone.localdate():%Y-%m}"
    rows = figures.month_figures(staff.municipality_id, month, permitted)
    values = services.parameters(month)
    return render(
        request,
        "aktivitetskrav/ivo.html",
        {
            "rows": rows,
            "month": month,
            "error": error,
            "threshold": values["consecutive_months"],
            "applies": values["applies"],
        },
        status=400 if error else 200,
    )


# --------------------------------------------------------------------------- applicant


def _own_application(request, pk: int):
    application = application_for(request.applicant, pk)
    if application is None:
        raise Http404("Ansökan finns inte.")
    if not services.is_adult_of(application.case, request.applicant.pk):
        raise Http404("Ansökan finns inte.")
    return application


@require_http_methods(["GET", "POST"])
@applicant_required
def report_absence(request, pk: int):
    """Anmäl frånvaro: the applicant tells the caseworker they could not take part."""
    application = _own_application(request, pk)
    form = AbsenceReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.report_absence(
                application,
                request.applicant,
                day=data["day"],
                reason_kind=data["reason_kind"],
                reason=data["reason"],
            )
        except services.AktivitetskravError as exc:
            form.add_error("day", exc.messages[0])
        else:
            messages.success(request, _("Tack. Din frånvaro är anmäld till din handläggare."))
            return redirect(reverse("eservice:application", args=[application.pk]))
    errors = _errors(form)
    return render(
        request,
        "aktivitetskrav/minasidor_absence.html",
        {"application": application, "form": form, "errors": errors},
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
@applicant_required
def upload_certificate(request, pk: int):
    """Skicka läkarintyg: the file and the period it covers."""
    application = _own_application(request, pk)
    form = CertificateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        from bistand.eservice.services import EserviceError

        try:
            services.submit_certificate(
                application,
                request.applicant,
                upload=data["file"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
            )
        except services.AktivitetskravError as exc:
            form.add_error(None, exc.messages[0])
        except EserviceError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, _("Tack. Ditt läkarintyg är skickat till din handläggare."))
            return redirect(reverse("eservice:application", args=[application.pk]))
    errors = _errors(form)
    return render(
        request,
        "aktivitetskrav/minasidor_certificate.html",
        {"application": application, "form": form, "errors": errors},
        status=400 if errors else 200,
    )
