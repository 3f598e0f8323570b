"""The application: choose the month, the steps, review and sign; the partner's signature."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bistand.cases.models import ApplicationKind, State
from bistand.payments.services import payout_account_of

from .. import forms, services
from ..models import Attachment, Draft, Step
from ..services import EserviceError
from ..session import applicant_required, login_is_fresh, login_url, signer_login
from .summary import summary

STEPS = list(Step)


def _draft(request, pk: int) -> Draft:
    draft = services.draft_for(request.applicant, pk)
    if draft is None:
        raise Http404(_("Ansökan finns inte."))
    return draft


def _next_step(step: str) -> str | None:
    index = Step.values.index(step)
    return Step.values[index + 1] if index + 1 < len(Step.values) else None


def _is_id(value: str) -> bool:
    """A posted id that may be looked up: ASCII digits only ("²" is a digit to Python, but
    int() refuses it) and no longer than a database id."""
    return value.isascii() and value.isdigit() and len(value) <= 18


def _step_url(draft: Draft, step: str | None) -> str:
    if step is None:
        return reverse("eservice:review", args=[draft.pk])
    return reverse("eservice:step", args=[draft.pk, step])


@never_cache
@applicant_required
def apply(request):
    """Start (or resume) the month's application."""
    person = request.applicant
    choose_cases, chosen_month = [], ""
    if request.method == "POST":
        month = request.POST.get("month", "")
        choice = request.POST.get("hushall", "")
        try:
            draft = services.start_draft(
                person, month, case_choice=int(choice) if _is_id(choice) else None
            )
        except services.ChooseCase as exc:
            choose_cases, chosen_month = exc.cases, month
            if choice:
                messages.error(request, str(exc))
        except EserviceError as exc:
            messages.error(request, str(exc))
            return redirect("eservice:apply")
    if request.method == "POST" and not choose_cases:
        if draft.kind == ApplicationKind.REPEAT and not draft.steps_done:
            return redirect("eservice:repeat", draft.pk)
        missing = services.missing_steps(draft)
        return redirect(_step_url(draft, missing[0] if missing else None))
    return render(
        request,
        "eservice/apply.html",
        {
            "months": services.months_open(),
            "drafts": Draft.objects.filter(person=person, application__isnull=True),
            "to_sign": services.awaiting_my_signature(person),
            "choose_cases": choose_cases,
            "chosen_month": chosen_month,
        },
    )


@never_cache
@applicant_required
def repeat(request, pk: int):
    """Återansökan: last month's answers, and "inget har ändrats" in one step."""
    draft = _draft(request, pk)
    if request.method == "POST":
        if request.POST.get("choice") == "unchanged":
            try:
                services.nothing_changed(draft)
            except EserviceError as exc:
                messages.error(request, str(exc))
                return redirect("eservice:repeat", draft.pk)
            return redirect("eservice:review", draft.pk)
        return redirect(_step_url(draft, Step.values[0]))
    return render(
        request,
        "eservice/repeat.html",
        {"draft": draft, "summary": summary(draft.data, draft.month)},
    )


# --------------------------------------------------------------------------- the steps


def _members(draft: Draft) -> list[dict]:
    return list(draft.data.get("members", [])) + [
        {**m, "role": "none"} for m in draft.data.get("not_in_household", [])
    ]


def _income_persons(draft: Draft) -> list[tuple[str, str]]:
    persons = []
    for member in draft.data.get("members", []):
        number = member["personnummer"]
        if member["role"] == "applicant":
            persons.append((number, _("Jag")))
        elif member["role"] == "partner":
            persons.append((number, _("Min partner")))
        else:
            persons.append((number, forms.describe(number)))
    return persons


def _rows(request) -> dict | None:
    """A formset's POST data, with one more row when "Lägg till en rad" was pressed."""
    if request.method != "POST":
        return None
    data = request.POST.copy()
    if "add_row" in data:
        try:
            total = int(data.get("form-TOTAL_FORMS", "0"))
        except ValueError:
            total = 0
        data["form-TOTAL_FORMS"] = str(min(max(total, 0) + 1, 30))
    return data


def _build(request, draft: Draft, step: str):
    """The step's form (or formset), bound to POST data when there is one."""
    data = draft.data
    post = request.POST if request.method == "POST" else None
    if step == Step.HOUSEHOLD:
        return forms.HouseholdForm(
            post, members=_members(draft), applicant=request.applicant.personnummer
        )
    if step == Step.HOUSING:
        rent = next((c["amount"] for c in data.get("costs", []) if c.get("type") == "rent"), "")
        housing = data.get("housing", {})
        return forms.HousingForm(
            post,
            initial={
                "type": housing.get("type"),
                "sublet_consent": housing.get("sublet_consent"),
                "rooms": housing.get("rooms"),
                "rent": rent,
            },
        )
    if step == Step.INCOMES:
        rows = [
            {"person": i["personnummer"], "type": i["type"], "amount": i["amount"]}
            for i in data.get("incomes", [])
        ]
        formset = forms.IncomeFormSet(
            _rows(request),
            initial=[*rows, {}],
            form_kwargs={
                "persons": _income_persons(draft),
                "types": list(forms.income_type_labels(draft.month).items()),
            },
        )
        return formset
    if step == Step.COSTS:
        initial = {c["type"]: c["amount"] for c in data.get("costs", [])}
        return forms.CostsForm(post, initial=initial, labels=forms.cost_type_labels(draft.month))
    if step == Step.ASSETS:
        initial = {}
        for asset in data.get("assets", []):
            initial[f"{asset['type']}_value"] = asset.get("value", "")
            initial[f"{asset['type']}_description"] = asset.get("description", "")
        return forms.AssetsForm(post, initial=initial)
    if step == Step.OTHER_NEEDS:
        rows = [
            {"description": n.get("description", ""), "amount": n.get("amount", "")}
            for n in data.get("other_needs", [])
        ]
        return forms.NeedFormSet(_rows(request), initial=[*rows, {}])
    if step == Step.CHANGES:
        return forms.ChangesForm(post, initial={"changes": data.get("changes", "")})
    if step == Step.PLANNING:
        planning = data.get("planning", {})
        af = planning.get("af_registered")
        # One question per adult on försörjningshinder and insats (bistand/outcomes); a repeat
        # application starts from last month's answers.
        adults = [
            (m["personnummer"], _("Jag") if m["role"] == "applicant" else _("Min partner"))
            for m in sorted(data.get("members", []), key=lambda m: m["role"] != "applicant")
            if m["role"] in ("applicant", "partner")
        ]
        earlier = {s.get("personnummer"): s for s in planning.get("situation", [])}
        answers = {}
        for i, (number, _who) in enumerate(adults):
            answers[f"hinder_{i}"] = earlier.get(number, {}).get("hinder", "")
            answers[f"insats_{i}"] = earlier.get(number, {}).get("activity", "")
        return forms.PlanningForm(
            post,
            adults=adults,
            month=draft.month,
            initial={
                "af_registered": None if af is None else ("yes" if af else "no"),
                "activity": planning.get("activity", ""),
                "not_registered_reason": planning.get("not_registered_reason", ""),
                **answers,
            },
        )
    if step == Step.ATTACHMENTS:
        return forms.AttachmentForm()
    raise Http404


def _changes(step: str, form, draft: Draft) -> dict:
    """What a valid step contributes to the draft's data."""
    if step == Step.HOUSEHOLD:
        return form.to_data()
    if step in (Step.HOUSING, Step.COSTS):
        return form.to_data(list(draft.data.get("costs", [])))
    if step == Step.INCOMES:
        return {
            "incomes": [
                {
                    "personnummer": f.cleaned_data["person"],
                    "type": f.cleaned_data["type"],
                    "amount": f.cleaned_data["amount"],
                }
                for f in form.forms
                if f.cleaned_data.get("type") and f.cleaned_data.get("amount")
            ]
        }
    if step == Step.OTHER_NEEDS:
        return {
            "other_needs": [
                {"description": f.cleaned_data["description"], "amount": f.cleaned_data["amount"]}
                for f in form.forms
                if f.cleaned_data.get("description")
            ]
        }
    if step == Step.CHANGES:
        return {"changes": form.cleaned_data.get("changes", "")}
    return form.to_data()


@never_cache
@applicant_required
def step(request, pk: int, step: str):
    draft = _draft(request, pk)
    if step not in Step.values:
        raise Http404
    if step == Step.ATTACHMENTS:
        return attachments(request, draft)
    form = _build(request, draft, step)
    if request.method == "POST" and "add_row" not in request.POST and form.is_valid():
        services.save_step(draft, step, _changes(step, form, draft))
        if "later" in request.POST:
            messages.success(request, _("Dina svar är sparade. Du kan fortsätta senare."))
            return redirect("eservice:home")
        back_to_review = request.GET.get("granska") == "1"
        return redirect(_step_url(draft, None if back_to_review else _next_step(step)))
    return render(request, "eservice/step.html", _step_context(draft, step, form))


def error_list(form) -> list[tuple[str, str]]:
    """(anchor, message) for the error summary at the top of the page; each anchor is the
    field's (or its first radio button's) id, where the same message stands again."""
    if not form.is_bound:
        return []
    forms_ = form.forms if hasattr(form, "management_form") else [form]
    found: list[tuple[str, str]] = []
    for one in forms_:
        for name, messages_ in one.errors.items():
            if name == "__all__":
                found += [("main", m) for m in messages_]
                continue
            field = one[name]
            radio = getattr(field.field.widget, "input_type", "") == "radio"
            anchor = f"{field.auto_id}_0" if radio else field.auto_id
            found += [(anchor, m) for m in messages_]
    if hasattr(form, "non_form_errors"):
        found += [("main", m) for m in form.non_form_errors()]
    return found


def _step_context(draft: Draft, step: str, form) -> dict:
    index = Step.values.index(step)
    return {
        "errors": error_list(form),
        "draft": draft,
        "step": step,
        "step_label": Step(step).label,
        "steps": STEPS,
        "number": index + 1,
        "total": len(STEPS),
        "form": form,
        "previous": _step_url(draft, Step.values[index - 1]) if index else None,
        "is_formset": hasattr(form, "management_form"),
    }


def attachments(request, draft: Draft):
    """Add or remove attachments; they are optional."""
    form = forms.AttachmentForm()
    if request.method == "POST":
        if "remove" in request.POST:
            chosen = request.POST.get("remove", "").strip()
            removable = Attachment.objects.filter(draft=draft, application__isnull=True)
            found = list(removable.filter(pk=int(chosen))) if _is_id(chosen) else []
            if not found:
                messages.error(
                    request,
                    _("Vi hittade inte bilagan du ville ta bort. Ingen bilaga är borttagen."),
                )
                return redirect("eservice:step", draft.pk, Step.ATTACHMENTS)
            for attachment in found:
                attachment.file.delete(save=False)
                attachment.delete()
            messages.success(request, _("Bilagan är borttagen."))
            return redirect("eservice:step", draft.pk, Step.ATTACHMENTS)
        if "upload" in request.POST:
            form = forms.AttachmentForm(request.POST, request.FILES)
            if draft.attachments.count() >= settings.ATTACHMENTS_PER_APPLICATION:
                form.add_error(None, _("Du kan inte lägga till fler bilagor till den här ansökan."))
            if form.is_valid():
                _store(draft, request.applicant, form)
                messages.success(request, _("Bilagan är tillagd."))
                return redirect("eservice:step", draft.pk, Step.ATTACHMENTS)
        else:
            services.save_step(draft, Step.ATTACHMENTS, {})
            if "later" in request.POST:
                messages.success(request, _("Dina svar är sparade. Du kan fortsätta senare."))
                return redirect("eservice:home")
            return redirect("eservice:review", draft.pk)
    context = _step_context(draft, Step.ATTACHMENTS, form)
    context["attachments"] = draft.attachments.all()
    return render(request, "eservice/attachments.html", context)


def _store(draft: Draft, person, form) -> Attachment:
    upload = form.cleaned_data["file"]
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = (upload.name or "bilaga").replace("/", "_")[-200:]
    with transaction.atomic():
        attachment = Attachment(
            draft=draft,
            uploaded_by=person,
            kind=form.cleaned_data["kind"],
            filename=name,
            content_type=upload.detected_type,
            size=upload.size,
            sha256=digest.hexdigest(),
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()
    return attachment


# --------------------------------------------------------------------------- review and sign


@never_cache
@applicant_required
def review(request, pk: int):
    """Everything on one page, then sign with e-legitimation."""
    draft = _draft(request, pk)
    missing = services.missing_steps(draft)
    form = forms.ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and not missing:
        if not login_is_fresh(request):
            return redirect(login_url(reverse("eservice:review", args=[draft.pk]), again=True))
        return _sign(request, draft)
    partner = services.partner_in(services.for_robot(draft.data), request.applicant)
    return render(
        request,
        "eservice/review.html",
        {
            "draft": draft,
            "summary": summary(draft.data, draft.month),
            "missing": [Step(s) for s in missing],
            "form": form,
            "confirm_errors": error_list(form),
            "partner": partner,
            "attachments": draft.attachments.all(),
            "payout_account": payout_account_of(request.applicant),
        },
    )


def _sign(request, draft: Draft):
    try:
        application = services.sign(draft, request.applicant, signer_login(request))
    except EserviceError as exc:
        messages.error(request, str(exc))
        return redirect("eservice:review", draft.pk)
    if application.state == State.AWAITING_COSIGNATURE:
        messages.success(
            request,
            _(
                "Du har skrivit under. Ansökan skickas in när din partner har loggat in och "
                "skrivit under med sin egen e-legitimation."
            ),
        )
    else:
        messages.success(request, _("Din ansökan är inskickad."))
    return redirect("eservice:application", application.pk)


@never_cache
@applicant_required
def cosign(request, pk: int):
    """The partner reads the application and signs it with their own login."""
    pending = services.awaiting_my_signature(request.applicant).filter(application_id=pk).first()
    if pending is None:
        raise Http404(_("Det finns ingen ansökan som väntar på din underskrift."))
    application = pending.application
    form = forms.ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not login_is_fresh(request):
            return redirect(
                login_url(reverse("eservice:cosign", args=[application.pk]), again=True)
            )
        try:
            services.cosign(
                application,
                request.applicant,
                signer_login(request),
            )
        except EserviceError as exc:
            messages.error(request, str(exc))
            return redirect("eservice:cosign", application.pk)
        messages.success(request, _("Du har skrivit under. Ansökan är inskickad."))
        return redirect("eservice:application", application.pk)
    return render(
        request,
        "eservice/cosign.html",
        {
            "application": application,
            "pending": pending,
            "summary": summary(
                application.declared, application.month, me=request.applicant.personnummer
            ),
            "form": form,
            "confirm_errors": error_list(form),
        },
    )


@require_POST
@applicant_required
def decline(request, pk: int):
    """The named partner declines: the application is withdrawn; they join nothing."""
    pending = services.awaiting_my_signature(request.applicant).filter(application_id=pk).first()
    if pending is None:
        raise Http404(_("Det finns ingen ansökan som väntar på din underskrift."))
    try:
        services.decline(pending.application, request.applicant)
    except EserviceError as exc:
        messages.error(request, str(exc))
        return redirect("eservice:home")
    messages.success(
        request, _("Du har avböjt. Ansökan är återtagen och du hör inte till det hushållet.")
    )
    return redirect("eservice:home")


@require_POST
@applicant_required
def discard(request, pk: int):
    """Throw away an unsigned draft."""
    draft = _draft(request, pk)
    with transaction.atomic():
        for attachment in draft.attachments.all():
            attachment.file.delete(save=False)
        draft.delete()
    messages.success(request, _("Utkastet är borttaget."))
    return redirect("eservice:home")
