"""Underrättelser: the case panel, the form, the unit's list and the PDF. Staff only: every
notice is looked up among the cases the user sees (else 404); recording needs a deciding role
(else 403). No applicant view exists, on purpose."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from bistand.eservice.views.apply import error_list
from bistand.staff import access
from bistand.workspace.guards import for_action, staff_view

from . import services
from .forms import UnderrattelseForm
from .models import Underrattelse

PURPOSE = "Underrättelse enligt lag (2008:206)"


def visible(user):
    return Underrattelse.objects.filter(case__in=access.cases_visible_to(user)).select_related(
        "case", "person", "created_by"
    )


@staff_view
@never_cache
def create(request, pk: int):
    application = for_action(request, pk)
    access.open_case(request.user, application.case_id, purpose=PURPOSE, view="underrattelse:new")
    members = services.members(application)
    form = UnderrattelseForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = next((m.person for m in members if m.person.pk == data["person"]), None)
        try:
            if person is None:
                raise services.UnderrattelseError("Välj vem underrättelsen gäller.")
            services.create(
                application,
                user=request.user,
                person=person,
                authority=data["authority"],
                authority_detail=data["authority_detail"],
                benefit=data["benefit"],
                ground=data["ground"],
            )
        except services.UnderrattelseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Underrättelsen är registrerad.")
            return redirect("workspace:application", application.pk)
    return render(
        request,
        "underrattelse/form.html",
        {"application": application, "form": form, "errors": error_list(form)},
        status=400 if form.is_bound else 200,
    )


@staff_view
@never_cache
def listing(request):
    return render(
        request, "underrattelse/list.html", {"notices": visible(request.user).order_by("-pk")[:200]}
    )


@staff_view
def pdf(request, pk: int):
    notice = visible(request.user).filter(pk=pk).first()
    if notice is None:
        raise Http404("Underrättelsen finns inte.")
    access.open_case(request.user, notice.case_id, purpose=PURPOSE, view="underrattelse:pdf")
    response = HttpResponse(
        services.export_pdf(notice, user=request.user), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="underrattelse-{notice.pk}.pdf"'
    return response


def case_panel(request, application):
    return {
        "notices": Underrattelse.objects.filter(case_id=application.case_id).order_by("-pk"),
        "application": application,
        "may_act": access.can_decide(request.user),
    }


def staff_link(request, obj):
    if request is None or not access.roles(request.user):
        return None
    return {}
