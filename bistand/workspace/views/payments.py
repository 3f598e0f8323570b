"""The payments page and the day's payment files (pain.001)."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from bistand.audit.services import Actor, record
from bistand.staff import access
from bistand.staff.models import Role

from .. import forms
from ..guards import staff_view

# --------------------------------------------------------------------------- payments


#: Who makes the day's payment file: those who decide (the issue's "Done when" has the
#: caseworker export it after deciding) and the administrator.
PAYMENT_ROLES = (Role.CASEWORKER, Role.TEAM_LEAD, Role.ADMINISTRATOR)
#: Who downloads the files. They name and pay every recipient in the municipality, beyond the
#: units a caseworker sees, so not the caseworker.
PAYMENT_FILE_ROLES = (Role.TEAM_LEAD, Role.ADMINISTRATOR)


def _payments_staff(request):
    return access.require_role(request.user, *PAYMENT_ROLES)


def _visible_skipped(user, skipped: list) -> tuple[list, int]:
    """The orders left out of the file in cases the user sees, and how many others."""
    references = {item.case_reference for item in skipped}
    visible = set(
        access.cases_visible_to(user)
        .filter(reference__in=references)
        .values_list("reference", flat=True)
    )
    shown = [item for item in skipped if item.case_reference in visible]
    return shown, len(skipped) - len(shown)


@staff_view
def payments(request):
    staff = _payments_staff(request)
    municipality = staff.municipality
    try:
        from bistand.payments import services as payment_services
        from bistand.payments.models import PaymentBatch
    except ImportError:  # the payment export is not installed yet
        payment_services = PaymentBatch = None
    available = payment_services is not None and hasattr(payment_services, "export_batch")
    today = timezone.localdate()
    form = forms.PaymentExportForm(
        request.POST or None,
        # Orders fall due the bank day after their decision: today's file pays them then.
        initial={
            "execution_date": payment_services.next_bank_day(today)
            if hasattr(payment_services, "next_bank_day")
            else today
        },
    )
    skipped, skipped_elsewhere = [], 0
    status = 200
    if request.method == "POST":
        if not available:
            messages.error(request, "Betalfilen kan inte skapas: betalningsexporten saknas.")
            return redirect("workspace:payments")
        if form.is_valid():
            try:
                result = payment_services.export_batch(
                    municipality,
                    form.cleaned_data["execution_date"],
                    actor=Actor.user(request.user),
                )
            except payment_services.ExportError as error:
                form.add_error("execution_date", str(error))
                status = 400
            else:
                if result.batch is None:
                    messages.info(request, "Det fanns inga nya betalningar att skicka.")
                else:
                    messages.success(
                        request,
                        f"Betalfilen är skapad: {result.batch.order_count} "
                        f"{'betalning' if result.batch.order_count == 1 else 'betalningar'}.",
                    )
                if not result.skipped:
                    return redirect("workspace:payments")
                skipped, skipped_elsewhere = _visible_skipped(request.user, result.skipped)
        else:
            status = 400
    elif request.method != "GET":
        return HttpResponse(status=405)
    batches = (
        PaymentBatch.objects.filter(municipality=municipality).order_by("-created_at", "-pk")[:50]
        if PaymentBatch is not None
        else []
    )
    errors = [
        (form[field].auto_id, f"{form[field].label}: {message}")
        for field, field_errors in form.errors.items()
        for message in field_errors
    ]
    return render(
        request,
        "workspace/payments.html",
        {
            "available": available,
            "form": form,
            "batches": batches,
            "skipped": skipped,
            "skipped_elsewhere": skipped_elsewhere,
            "may_download": access.has_role(request.user, *PAYMENT_FILE_ROLES),
            "errors": errors,
            "municipality": municipality,
        },
        status=status,
    )


@require_GET
@staff_view
def payment_file(request, pk: int, kind: str):
    staff = access.require_role(request.user, *PAYMENT_FILE_ROLES)
    try:
        from bistand.payments import files
        from bistand.payments.models import PaymentBatch
    except ImportError:
        raise Http404("Betalfilen finns inte.") from None
    batch = get_object_or_404(PaymentBatch, pk=pk, municipality_id=staff.municipality_id)
    xml_path, csv_path = files.final_paths(batch)
    path = {"xml": xml_path, "csv": csv_path}.get(kind)
    if path is None or not path.exists():
        raise Http404("Betalfilen finns inte.")
    record(
        "payment.file_downloaded",
        actor=Actor.user(request.user),
        subject=f"payment_batch:{batch.pk}",
        data={"batch": batch.pk, "file": kind},
    )
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
        as_attachment=True,
        filename=path.name,
        content_type="application/xml" if kind == "xml" else "text/csv",
    )
    response["Cache-Control"] = "private, no-store"
    return response
