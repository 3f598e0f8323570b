"""The applicant's appeal on Mina sidor: the form (text and files), and the appeal letters to
download. The application is looked up through ``eservice.services.application_for``: another
household's application is a 404, its existence does not leak."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from bistand.decisions.models import Decision
from bistand.eservice import services as eservice
from bistand.eservice.session import applicant_required
from bistand.eservice.views.apply import error_list

from . import forms, services
from .models import Appeal


def _own(request, pk: int):
    found = eservice.application_for(request.applicant, pk)
    if found is None:
        raise Http404("Ansökan finns inte.")
    return found


@never_cache
@applicant_required
def appeal(request, pk: int):
    application = _own(request, pk)
    decision = Decision.objects.filter(application=application).first()
    if decision is None:
        raise Http404("Det finns inget beslut att överklaga.")
    form = forms.AppealForm()
    file_forms = forms.file_forms()
    if request.method == "POST":
        if not eservice.may_write(request.applicant, application.case):
            messages.error(
                request, _("Du hör inte längre till hushållet och kan inte överklaga här.")
            )
            return redirect("eservice:application", application.pk)
        form = forms.AppealForm(request.POST)
        file_forms = forms.file_forms(request.POST, request.FILES)
        if form.is_valid() and all(f.is_valid() for f in file_forms):
            uploads = [f.cleaned_data["file"] for f in file_forms if f.cleaned_data.get("file")]
            try:
                services.submit_appeal(
                    application, request.applicant, form.cleaned_data["text"], uploads
                )
            except services.AppealError as error:
                form.add_error("text", _(str(error)))  # as the form's own messages
            else:
                messages.success(
                    request,
                    _(
                        "Ditt överklagande är skickat. Nämnden prövar först att det kommit in i "
                        "tid. Du kan följa det här."
                    ),
                )
                return redirect(
                    reverse("eservice:application", args=[application.pk]) + "#overklagande"
                )
    eservice.record_view(request.applicant, application, "appeals.form")
    status = services.delivery_of(decision)
    errors = [*error_list(form)]
    for f in file_forms:
        errors += error_list(f)
    return render(
        request,
        "appeals/minasidor_appeal.html",
        {
            "application": application,
            "decision": decision,
            "form": form,
            "file_forms": file_forms,
            "errors": errors,
            "delivery": status,
        },
    )


def _pdf(data, filename: str) -> HttpResponse:
    if not data:
        raise Http404("Handlingen finns inte.")
    response = HttpResponse(bytes(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_GET
@applicant_required
def letter(request, pk: int, appeal_pk: int, which: str, item: int = 0):
    """The dismissal letter or a new decision's letter of the applicant's own appeal."""
    application = _own(request, pk)
    found = get_object_or_404(Appeal, pk=appeal_pk, decision__application=application)
    eservice.record_view(request.applicant, application, "appeals.letter", appeal=found.pk)
    if which == "avvisning":
        return _pdf(found.dismissal_pdf, f"avvisning-{found.pk}.pdf")
    reconsideration = get_object_or_404(found.reconsiderations, pk=item)
    return _pdf(reconsideration.letter_pdf, f"nytt-beslut-{found.pk}-{reconsideration.pk}.pdf")
